"""Source text → ``Analysis``: parse (recovering from syntax errors), interpret, and collect
every model bound to a module-level variable with its ``model.summary()`` rows."""

from __future__ import annotations

import ast
import re
import warnings

from .interpreter import Interpreter
from .models import InputObj, ModelObj, SequentialModel, SubclassModel, is_layer_built, row_output
from .recorder import Recorder
from .result import Analysis, LayerRow, ModelReport
from .values import Instance

MAX_REPAIRS = 40                  # lines blanked at most while recovering from syntax errors
REPAIR_BUDGET = 4_000_000         # characters re-parsed at most while recovering
MAX_CHARS = 1_000_000             # larger files are not analysed (a note says so)
MAX_LINES = 50_000

_SURROGATE = re.compile("[\ud800-\udfff]")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


def split_lines(text: str) -> list[str]:
    """Lines as Python's tokenizer sees them (``\n``, ``\r\n``, ``\r`` only — unlike
    ``str.splitlines``, a form feed does not end a line), line endings kept."""
    return _LINE.findall(text)


def parse_with_recovery(source: str):
    """``(tree, syntax_ok)``.  A buffer being typed is rarely valid Python: lines that stop it
    from parsing are blanked one by one (line numbers stay put) until the rest parses, so the
    untouched parts still get results.  ``tree`` is None only when nothing parses at all."""
    tree, syntax_ok, _lines = parse_lines(source)
    return tree, syntax_ok


def parse_lines(source: str):
    """``parse_with_recovery``, also returning the lines as repaired."""
    text = source.replace("\x00", " ")
    lines = split_lines(text)
    syntax_ok = True
    repairs = max(2, min(MAX_REPAIRS, REPAIR_BUDGET // max(len(text), 1)))
    for _ in range(repairs):
        try:
            return _parse("".join(lines)), syntax_ok, lines
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
            line = error.lineno
            if not line or line > len(lines):
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
    """Why a text is too large to analyse, or None."""
    lines = len(split_lines(source)) if len(source) > MAX_LINES else 0
    if len(source) > MAX_CHARS or lines > MAX_LINES or _too_many_tokens(source):
        return (f"analysis stopped: file too large ({len(source):,} characters; the limits are "
                f"{MAX_CHARS:,} characters, {MAX_LINES:,} lines and {MAX_TOKENS:,} tokens)")
    return None


def start_analysis(source: str, recorder_class):
    """The recorder for ``source`` and its parsed tree — None (with a note saying why) when the
    text is too large or nothing parses."""
    source = sanitize(source)
    recorder = recorder_class([line.rstrip("\r\n") for line in split_lines(source)])
    reason = too_large(source)
    if reason:
        recorder.limit(_FIRST_LINE, reason)
        return recorder, None
    tree, syntax_ok = parse_with_recovery(source)
    recorder.analysis.syntax_ok = syntax_ok
    if tree is None:
        recorder.limit(_FIRST_LINE, "analysis stopped: the file could not be parsed")
    return recorder, tree


def analyse_source(source: str, path: str | None = None, module_loader=None) -> Analysis:
    """Analyse one file's text; ``module_loader(name) -> source | None`` lets imports of the
    user's own modules be followed (read, never imported)."""
    recorder, tree = start_analysis(source, Recorder)
    analysis = recorder.analysis
    if tree is None:
        return analysis
    scope = run_interpreter(Interpreter(recorder, module_loader), recorder, tree)
    analysis.models = collect_models(scope.vars, recorder)
    return analysis


def run_interpreter(interpreter: Interpreter, recorder: Recorder, tree: ast.Module):
    """Run the module, then the functions nobody called; the module's scope.  Nesting too deep
    for Python ends it with a note."""
    try:
        scope = interpreter.run_module(tree)
        interpreter.explore_uncalled()
    except RecursionError:
        recorder.limit(tree.body[0] if tree.body else None, "analysis stopped: expression nesting too deep")
        scope = interpreter.module_scope
    return scope


MAX_TOKENS = 250_000               # Python's parser needs ~3 KB per token: bound its memory
_TOKEN = re.compile(r"\w+|[^\s\w]")


def _too_many_tokens(source: str) -> bool:
    return len(source) > MAX_TOKENS and len(_TOKEN.findall(source)) > MAX_TOKENS


_FIRST_LINE = ast.Pass(lineno=1, col_offset=0, end_lineno=1, end_col_offset=0)


def module_models(variables: dict) -> list[tuple[str, ModelObj]]:
    """``(variable, model)`` for every model bound at module level, first binding first."""
    found = []
    seen: set = set()
    for name, value in variables.items():
        model = value.keras_object if isinstance(value, Instance) else value
        if not isinstance(model, ModelObj) or id(model) in seen:
            continue
        if isinstance(model, SubclassModel) and not model.is_model:
            continue
        seen.add(id(model))
        found.append((name, model))
    return found


def collect_models(variables: dict, recorder: Recorder) -> list[ModelReport]:
    return [model_report(name, model, recorder) for name, model in module_models(variables)]


def model_report(variable: str, model: ModelObj, recorder: Recorder) -> ModelReport:
    rows = []
    for op in model.summary_layers():
        if isinstance(op, InputObj) and isinstance(model, (SequentialModel, SubclassModel)):
            continue
        built = is_layer_built(op)
        params = op.param_count().total if built else 0
        span = recorder.spans.span(op.site) if op.site is not None else None
        rows.append(LayerRow(op.name, op.class_name, row_output(op), params, span, built))
    span = recorder.spans.span(model.site) if model.site is not None else None
    params = model.param_count()
    sequential_like = getattr(model, "sequential_like", lambda: True)()
    return ModelReport(variable, model.class_name, model.name, span, rows, params, sequential_like)


__all__ = ["analyse_source", "module_models", "parse_lines", "parse_with_recovery"]
