"""Jupyter notebooks as one module: the code cells in document order, joined, with a map from
module lines back to (cell, line in cell).

Nothing of a notebook is run.  IPython syntax is not Python: its lines are blanked, line numbers
kept (line magics ``%…``, shell lines ``!…``, help ``obj?`` / ``??obj``, ``var = !cmd`` and
``var = %magic``; an indented one becomes ``pass`` so its block still parses).  A cell magic
(``%%…`` on the first line) makes the whole cell something else (``%%bash``, ``%%html``, …) and
the cell is skipped, unless its body is Python (``%%time``, ``%%timeit``, ``%%capture``,
``%%prun``): then only the magic's line is blanked.  A cell that still does not parse is blanked
as a unit, so a syntax error costs that cell only (an unclosed bracket cannot swallow the next
cell); ``analyse_notebook`` says so with a note.

``read_notebook(text)`` reads ``.ipynb`` JSON (the standard library's ``json``, no nbformat);
``notebook_source([(key, source), …])`` builds the module from cells named by any key (the
CLI uses the cell's position, the language server its URI).
"""

from __future__ import annotations

import ast
import bisect
import json
import re
import warnings
from dataclasses import dataclass, field
from functools import lru_cache

from .analysis import analyse_source
from .parsing import split_lines
from .result import Analysis, Diagnostic, Span

PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})   # their body is Python


class NotebookError(ValueError):
    """A file that is not a readable notebook (the message is one line)."""


@dataclass(frozen=True)
class NotebookCell:
    index: int          # position among ALL the notebook's cells, 0-based (markdown included)
    source: str


def read_notebook(text: str) -> list[NotebookCell]:
    """The code cells of an ``.ipynb`` file, in order; none for a notebook in another language."""
    try:
        data = json.loads(text)
    except ValueError as error:
        raise NotebookError(f"invalid notebook JSON ({error})") from None
    if not isinstance(data, dict) or not isinstance(data.get("cells"), list):
        raise NotebookError("not a Jupyter notebook (no \"cells\" list)")
    metadata = data.get("metadata")
    language = _language(metadata) if isinstance(metadata, dict) else None
    if language is not None and language.lower() != "python":
        return []
    cells = []
    for index, cell in enumerate(data["cells"]):
        if not isinstance(cell, dict):
            raise NotebookError(f"cell {index + 1} is not a JSON object")
        if cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        if isinstance(source, list) and all(isinstance(part, str) for part in source):
            source = "".join(source)
        if not isinstance(source, str):
            raise NotebookError(f"cell {index + 1} has no text source")
        cells.append(NotebookCell(index, source))
    return cells


def _language(metadata: dict) -> str | None:
    for key in ("language_info", "kernelspec"):
        value = metadata.get(key)
        if isinstance(value, dict):
            name = value.get("name") if key == "language_info" else value.get("language")
            if isinstance(name, str):
                return name
    return None


# ---- one cell: IPython syntax blanked ---------------------------------------------------------

_CELL_MAGIC = re.compile(r"\s*%%(\w*)")
_ASSIGNED_MAGIC = re.compile(r"\s*[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]")
_HELP = re.compile(r"\s*(\?\??[A-Za-z_*][\w*.]*|[A-Za-z_*][\w*.]*(\[[^\]]*\])?\s*\?\??)\s*(#.*)?$")


@lru_cache(maxsize=4096)
def python_of_cell(source: str) -> tuple[str, str | None, int | None]:
    """``(python text, why skipped, line of the syntax error)`` for one cell's text: same
    number of lines, IPython syntax blanked; the whole cell blanked (with the reason) when it is
    not Python or does not parse."""
    lines = split_lines(source)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n"
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None:
        magic = _CELL_MAGIC.match(lines[first])
        if magic:
            if magic.group(1) not in PYTHON_CELL_MAGICS:
                return _blank_all(lines), f"%%{magic.group(1)} cell", None
            lines[first] = _blanked(lines[first])
    lines = _blank_ipython_lines(lines)
    text = "".join(lines)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as error:
        line = getattr(error, "lineno", None)
        return _blank_all(lines), f"does not parse ({getattr(error, 'msg', 'invalid syntax')})", line
    return text, None, None


def _blank_all(lines: list[str]) -> str:
    return "".join(_ending(line) for line in lines)


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


def _blanked(line: str) -> str:
    """An empty line, or ``pass`` where the line was indented (the block keeps a statement)."""
    indent = line[:len(line) - len(line.lstrip(" \t"))]
    return (indent + "pass" if indent and line.strip() else "") + _ending(line)


def _blank_ipython_lines(lines: list[str]) -> list[str]:
    """Blank the IPython lines that start a logical line (never inside brackets or strings)."""
    out = []
    state = _Scan()
    blanking = False                  # inside a blanked line continued with a backslash
    for line in lines:
        body = line.rstrip("\r\n")
        if blanking:
            out.append(_ending(line))
            blanking = body.endswith("\\")
            continue
        if state.at_start() and _is_ipython(body):
            out.append(_blanked(line))
            blanking = body.endswith("\\")
            continue
        state.feed(body)
        out.append(line)
    return out


def _is_ipython(body: str) -> bool:
    stripped = body.lstrip()
    if not stripped or stripped.startswith("#"):
        return False
    return (stripped[0] in "%!?" or bool(_ASSIGNED_MAGIC.match(body)) or bool(_HELP.match(body)))


@dataclass
class _Scan:
    """Just enough of Python's tokenizer to know whether a line starts a logical line."""

    depth: int = 0
    quote: str | None = None          # the open string's delimiter (one or three characters)
    continued: bool = False

    def at_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, body: str) -> None:
        i, n = 0, len(body)
        while i < n:
            char = body[i]
            if self.quote is not None:
                if char == "\\":
                    i += 2
                    continue
                if body.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = None
                    continue
                i += 1
                continue
            if char == "#":
                break
            if char in "\"'":
                self.quote = char * 3 if body.startswith(char * 3, i) else char
                i += len(self.quote)
                continue
            if char in "([{":
                self.depth += 1
            elif char in ")]}":
                self.depth = max(0, self.depth - 1)
            i += 1
        self.continued = self.quote is None and body.endswith("\\")
        if self.quote is not None and len(self.quote) == 1 and not body.endswith("\\"):
            self.quote = None         # an unterminated one-line string ends with its line


# ---- the notebook as one module --------------------------------------------------------------

@dataclass(frozen=True)
class CellPlace:
    key: object           # what the caller named the cell (its position, its URI)
    first_line: int       # 1-based module line of the cell's first line
    line_count: int
    skipped: str | None = None        # why the cell is not analysed (``%%bash cell``, a syntax error)
    error_line: int | None = None     # the syntax error's line in the cell


@dataclass
class NotebookSource:
    text: str                         # the module analysed (IPython syntax and broken cells blanked)
    original: str                     # the cells' own text, joined the same way (what editors show)
    cells: list[CellPlace] = field(default_factory=list)

    @property
    def syntax_ok(self) -> bool:
        return not any(c.error_line is not None for c in self.cells)

    def locate(self, line: int) -> tuple[object, int] | None:
        """``(cell key, 1-based line in the cell)`` of a module line."""
        starts = [c.first_line for c in self.cells]
        index = bisect.bisect_right(starts, line) - 1
        while index >= 0 and self.cells[index].line_count == 0:
            index -= 1
        if index < 0:
            return None
        cell = self.cells[index]
        if line >= cell.first_line + cell.line_count:
            return None
        return cell.key, line - cell.first_line + 1

    def place(self, key) -> CellPlace | None:
        return next((c for c in self.cells if c.key == key), None)


def notebook_source(cells) -> NotebookSource:
    """One module from ``[(key, cell text), …]`` (the code cells, in order)."""
    python, original, places = [], [], []
    line = 1
    for key, source in cells:
        text, skipped, error_line = python_of_cell(source)
        count = len(split_lines(text))
        own = source if not source or source.endswith(("\n", "\r")) else source + "\n"
        python.append(text)
        original.append(own)
        places.append(CellPlace(key, line, count, skipped, error_line))
        line += count
    return NotebookSource("".join(python), "".join(original), places)


def analyse_notebook(cells, path: str | None = None, module_loader=None) -> tuple[Analysis, NotebookSource]:
    """``analyse_source`` of the code cells as one module, with a note on each cell that does
    not parse (it is not analysed)."""
    source = notebook_source(cells)
    analysis = analyse_source(source.text, path, module_loader)
    for cell in source.cells:
        if cell.error_line is not None:
            line = cell.first_line + min(max(cell.error_line, 1), max(cell.line_count, 1)) - 1
            analysis.diagnostics.append(Diagnostic(
                Span(line, 0, line, 0), "cell-not-analysed",
                f"this cell {cell.skipped}: it is not analysed", severity="information"))
    if not source.syntax_ok:
        analysis.syntax_ok = False
    return analysis, source


__all__ = ["CellPlace", "NotebookCell", "NotebookError", "NotebookSource", "analyse_notebook",
           "notebook_source", "python_of_cell", "read_notebook"]
