"""Source text → ``Analysis``: parse (recovering from syntax errors), interpret, and collect
every model bound to a module-level variable with its ``model.summary()`` rows."""

from __future__ import annotations

import ast

from .autonames import plain
from .interpreter import Interpreter
from .models import (
    MAX_MODEL_NESTING,
    InputObj,
    ModelObj,
    SequentialModel,
    SubclassModel,
    is_layer_built,
    row_output,
    too_deep,
)
from .parsing import line_texts, parse_lines, parse_with_recovery, sanitize, size_note, too_large
from .recorder import Recorder
from .result import Analysis, LayerRow, ModelReport
from .values import Instance


def start_analysis(source: str, recorder_class):
    """The recorder for ``source`` and its parsed tree — None (with a note saying why) when the
    text is too large or nothing parses."""
    source = sanitize(source)
    reason = too_large(source)
    if reason:          # only the first line is needed (the note's column), not a list of them all
        recorder = recorder_class(line_texts(source[:1000])[:1])
        recorder.limit(_FIRST_LINE, reason)
        return recorder, None
    recorder = recorder_class(line_texts(source))
    tree, syntax_ok = parse_with_recovery(source)
    recorder.analysis.syntax_ok = syntax_ok
    if tree is None:
        recorder.limit(_FIRST_LINE, "analysis stopped: the file could not be parsed")
    return recorder, tree


def analyse_oversized(size_in_bytes: int) -> Analysis:
    """The analysis of a file known to be over the size limits without reading it: the note."""
    recorder = Recorder([""])
    recorder.limit(_FIRST_LINE, size_note(f"{size_in_bytes:,} bytes"))
    return recorder.analysis


def analyse_source(source: str, path: str | None = None, module_loader=None) -> Analysis:
    """Analyse one file's text; ``module_loader(name) -> source | None`` lets imports of the
    user's own modules be followed (read, never imported)."""
    recorder, tree = start_analysis(source, Recorder)
    analysis = recorder.analysis
    if tree is None:
        return analysis
    _scope, analysis.models = run_interpreter(Interpreter(recorder, module_loader), recorder, tree,
                                              lambda variables: collect_models(variables, recorder))
    return analysis


def run_interpreter(interpreter: Interpreter, recorder: Recorder, tree: ast.Module, collect):
    """Run the module, collect its models (``collect(module variables)``, returned with the
    module's scope), then run the functions nobody called, for their hints.  The models are
    collected first: under Keras an uncalled function never runs, so what it would do to them
    (``model.add(...)``, ``model.trainable = False``, a loop that makes them ``?``) must not
    show.  Nesting too deep for Python ends the run with a note."""
    first = tree.body[0] if tree.body else None
    try:
        scope = interpreter.run_module(tree)
    except RecursionError:
        recorder.limit(first, _TOO_DEEP)
        scope = interpreter.module_scope
    collected = collect(scope.vars)
    recorder.settle()
    try:
        interpreter.explore_uncalled()
    except RecursionError:
        recorder.limit(first, _TOO_DEEP)
    return scope, collected


_TOO_DEEP = "analysis stopped: expression nesting too deep"


_FIRST_LINE = ast.Pass(lineno=1, col_offset=0, end_lineno=1, end_col_offset=0)


def module_models(variables: dict, recorder: Recorder | None = None) -> list[tuple[str, ModelObj]]:
    """``(variable, model)`` for every model bound at module level, first binding first.  A model
    nesting others deeper than ``MAX_MODEL_NESTING`` is left out, with a note at its line: every
    walk over a model (rows, totals, MACs) recurses once per level."""
    found = []
    seen: set = set()
    for name, value in variables.items():
        model = value.keras_object if isinstance(value, Instance) else value
        if not isinstance(model, ModelObj) or id(model) in seen:
            continue
        if isinstance(model, SubclassModel) and not model.is_model:
            continue
        seen.add(id(model))
        if too_deep(model):
            if recorder is not None:
                recorder.limit(model.site, f"analysis stopped: models nested more than {MAX_MODEL_NESTING} "
                                           f"deep; {name} is not summarised")
            continue
        found.append((name, model))
    return found


def collect_models(variables: dict, recorder: Recorder) -> list[ModelReport]:
    return [model_report(name, model, recorder) for name, model in module_models(variables, recorder)]



def model_report(variable: str, model: ModelObj, recorder: Recorder, row_ops: list | None = None) -> ModelReport:
    """``model``'s summary; ``row_ops``, when given, gets the operation behind each row."""
    from .macs import model_macs

    rows = []
    row_macs, total_macs = model_macs(model)
    for op, macs in zip(model.listed_layers(), row_macs):
        if isinstance(op, InputObj) and isinstance(model, (SequentialModel, SubclassModel)):
            continue
        built = is_layer_built(op)
        params = op.param_count().total if built else 0
        span = recorder.spans.span(op.site) if op.site is not None else None
        rows.append(LayerRow(plain(op.name), op.class_name, row_output(op), params, span, built, macs=macs))
        if row_ops is not None:
            row_ops.append(op)
    span = recorder.spans.span(model.site) if model.site is not None else None
    model_params = model.param_count()
    sequential_like = getattr(model, "sequential_like", lambda: True)()
    from .traced import traced_tables

    return ModelReport(variable, model.class_name, plain(model.name), span, rows, model_params, sequential_like,
                       total_macs, getattr(model, "rows_known", True), traced_tables(model, recorder.spans))


__all__ = ["analyse_source", "module_models", "parse_lines", "parse_with_recovery"]
