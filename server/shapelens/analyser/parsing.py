"""Source text → Python AST, for text being typed: sanitising (NUL bytes, lone surrogates),
size limits checked before parsing, Python's own line model, and parsing with recovery (lines
that stop the parse are blanked, line numbers kept)."""

from __future__ import annotations

import ast
import re
import warnings
from itertools import islice

MAX_REPAIRS = 40                  # lines blanked at most while recovering from syntax errors
REPAIR_BUDGET = 4_000_000         # characters re-parsed at most while recovering
MAX_CHARS = 1_000_000             # larger files are not analysed (a note says so)
MAX_LINES = 50_000

_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer sees them (``\n``, ``\r\n``, ``\r`` only — unlike
    ``str.splitlines``, a form feed does not end a line), line endings kept."""
    if "\r" in text:
        return _LINE.findall(text)
    lines = text.split("\n")          # the usual text, split in C (each edit splits it again)
    last = lines.pop()
    return [line + "\n" for line in lines] + ([last] if last else [])


def first_line(stmt) -> int:
    """A statement's first line: its first decorator's, if it has any."""
    decorators = getattr(stmt, "decorator_list", None)
    if decorators:
        return min(stmt.lineno, min(d.lineno for d in decorators))
    return stmt.lineno


def line_texts(text: str) -> list[str]:
    """``split_lines(text)`` without the line endings."""
    if "\r" in text:
        return [line.rstrip("\r\n") for line in _LINE.findall(text)]
    lines = text.split("\n")
    if not lines[-1]:
        lines.pop()
    return lines


def parse_with_recovery(source: str):
    """``(tree, syntax_ok)``.  A buffer being typed is rarely valid Python: lines that stop it
    from parsing are blanked one by one (line numbers stay put) until the rest parses, so the
    untouched parts still get results.  ``tree`` is None only when nothing parses at all."""
    tree, syntax_ok, _lines = parse_lines(source)
    return tree, syntax_ok


def parse_lines(source: str, first_line: int = 1):
    """``parse_with_recovery``, also returning the lines as repaired.  ``first_line``: the line
    ``source`` starts at in its file (a slice of it), which the tree's positions count from."""
    text = source.replace("\x00", " ")
    lines = split_lines(text)
    padding = "\n" * (first_line - 1)    # blank lines cost the parser next to nothing, where
                                         # moving a tree's positions (``ast.increment_lineno``)
                                         # walked it in Python
    syntax_ok = True
    repairs = max(2, min(MAX_REPAIRS, REPAIR_BUDGET // max(len(text), 1)))
    for _ in range(repairs):
        try:
            return _parse(padding + "".join(lines)), syntax_ok, lines
        except (RecursionError, MemoryError):
            # an expression too deep for Python's parser: drop the longest line and go on
            syntax_ok = False
            if not lines:
                return None, False, lines
            longest = max(range(len(lines)), key=lambda i: len(lines[i]))
            if not _blank(lines, longest):
                return None, False, lines
            continue
        except ValueError:
            return None, False, lines
        except SyntaxError as error:
            syntax_ok = False
            line = error.lineno - (first_line - 1) if error.lineno else None
            if not line or line < 0 or line > len(lines):
                line = len(lines)
            if line <= 0 or not lines:
                return None, False, lines
            if not _blank(lines, line - 1):
                # nothing left to blank on that line: blank the closest non-blank line above
                index = line - 2
                while index >= 0 and not lines[index].strip():
                    index -= 1
                if index < 0:
                    return None, False, lines
                _blank(lines, index)
    return None, False, lines


def _parse(text: str) -> ast.Module:
    """``ast.parse``, silent: the warnings Python gives about the user's code (``1if``, ``"\\d"``)
    are not ShapeLens's to print (they would fill the editor's log on every keystroke)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text)


def _blank(lines: list[str], index: int) -> bool:
    if not lines[index].strip():
        return False
    ending = re.search(r"\r?\n$", lines[index])
    lines[index] = ending.group(0) if ending else ""
    return True


def sanitize(source: str) -> str:
    """What the parser can take: no NUL bytes, no lone surrogates (an editor buffer may hold
    them); lengths and line numbers unchanged."""
    return _SURROGATE.sub("\ufffd", source.replace("\x00", " "))


def too_large(source: str) -> str | None:
    """Why a text is too large to analyse, or None.  The cheap checks first, none of them
    building a list: a 50 MB text was split into lines and tokens (over 1 GB) to say so."""
    if len(source) > MAX_CHARS or _line_count(source) > MAX_LINES or _too_many_tokens(source):
        return size_note(f"{len(source):,} characters")
    return None


def size_note(size: str) -> str:
    return (f"analysis stopped: file too large ({size}; the limits are "
            f"{MAX_CHARS:,} characters, {MAX_LINES:,} lines and {MAX_TOKENS:,} tokens)")


def _line_count(source: str) -> int:
    """``len(split_lines(source))`` without the list."""
    if len(source) <= MAX_LINES:
        return 0
    breaks = source.count("\n") + source.count("\r") - source.count("\r\n")
    return breaks + (0 if source.endswith(("\n", "\r")) else 1)


MAX_TOKENS = 250_000               # Python's parser needs ~3 KB per token: bound its memory
_TOKEN = re.compile(r"\w+|[^\s\w]")


def _too_many_tokens(source: str) -> bool:
    return len(source) > MAX_TOKENS and next(islice(_TOKEN.finditer(source), MAX_TOKENS, None), None) is not None
