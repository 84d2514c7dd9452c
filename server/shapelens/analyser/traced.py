"""Shapes inside subclassed models and custom layers, traced by ShapeLens.

Each time a subclassed model or custom layer's ``call()`` runs on tensors of known shapes, the run
is remembered on the model (``TracedRun``): its input and output shapes, each tracked sublayer's
output in that pass and its params.  Keras's own ``summary()`` only shows some of this (``?`` for a
model that was only built), so these runs are reported apart from the Keras-identical rows.

``model.build(input_shape)`` does not run ``call()`` in Keras (nothing is built but what the
class's own ``build`` makes).  ShapeLens still traces ``call()`` on that shape, as calling the
model on data of that shape would, inside a *sandbox*: the model's and its sublayers' state is
restored afterwards (so the summary rows stay what Keras prints), errors are not reported (Keras
raises nothing at ``build``), and only the hints inside ``call()`` and the traced run remain.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine import ParamCount
from ..engine.shape import UNKNOWN, format_dim
from .autonames import plain
from .models import SubclassModel, is_layer_built
from .result import LayerRow, TracedTable
from .values import Instance, Operation, OwnWeights, SymTensor, UserFunction, UserLayerObj

MAX_RUNS = 16       # runs kept per model (a model called in a long loop)
_MAX_OBJECTS = 2000  # objects a sandbox saves (a huge model: no sandbox, no trace)


@dataclass
class TracedRun:
    """One traced pass of ``call()``: ``how`` is ``"call"`` (the model was called) or
    ``"build"`` (``model.build(shape)``, traced by ShapeLens only)."""

    how: str
    input: object                       # engine shape structure
    output: object
    rows: list                          # (name, class_name, output shape structure, params, site)
    params: ParamCount


def record_run(op, inputs, output, trace, how: str) -> None:
    """Remember one pass of ``op``'s ``call()`` (``trace``: the calls it made, in order)."""
    if not isinstance(op, SubclassModel) or trace is None or len(op.traced_runs) >= MAX_RUNS:
        return
    rows = []
    for layer in op.summary_layers():
        shapes = [r.output for r in trace if r.layer is layer]
        params = layer.param_count().total if is_layer_built(layer) else 0
        rows.append((layer.name, layer.class_name, shapes[-1] if shapes else UNKNOWN, params, layer.site))
    op.traced_runs.append(TracedRun(how, inputs, output, rows, op.param_count()))


def build_shape(value):
    """The shape given to ``model.build``, as the engine takes it, or None when it is not one
    plain shape (several inputs, a value not known: nothing is traced)."""
    if isinstance(value, list):
        value = tuple(value)
    if not isinstance(value, tuple) or not value or len(value) > 16:
        return None
    if not all(d is None or (isinstance(d, int) and not isinstance(d, bool) and 0 < d < 2 ** 31) for d in value):
        return None
    return value


def shape_structure_text(shape) -> str:
    """A shape structure as the summary spells shapes: ``(None, 10)``, ``[(None, 2), (None, 3)]``."""
    if isinstance(shape, tuple) and all(not isinstance(d, (tuple, list)) for d in shape):
        return "(" + ", ".join(format_dim(d) for d in shape) + ")"
    if isinstance(shape, (list, tuple)) and shape:
        return "[" + ", ".join(shape_structure_text(s) for s in shape) + "]"
    return "?"


def traced_tables(op, spans) -> list[TracedTable]:
    """The model's traced runs as the report shows them (``spans``: the recorder's SpanMaker)."""
    tables = []
    for run in getattr(op, "traced_runs", ()):
        rows = [LayerRow(plain(name), class_name, shape_structure_text(shape), params,
                         spans.span(site) if site is not None else None)
                for name, class_name, shape, params, site in run.rows]
        tables.append(TracedTable(run.how, shape_structure_text(run.input), shape_structure_text(run.output),
                                  rows, run.params))
    return tables


# ---- the sandbox ---------------------------------------------------------------------------------

def _reachable(instance: Instance) -> list:
    """The objects whose state tracing ``instance.call`` may change: the instance, its model
    object, the tracked layers (their engine rules, own weights, nested custom layers' instances)."""
    found: list = []
    seen: set = set()
    stack: list = [instance]
    while stack and len(found) < _MAX_OBJECTS:
        value = stack.pop()
        if isinstance(value, (list, tuple)):
            stack.extend(value)
            continue
        if isinstance(value, dict):
            stack.extend(value.values())
            continue
        if not isinstance(value, (Instance, Operation, OwnWeights)) and not hasattr(value, "param_count"):
            continue
        if id(value) in seen or not hasattr(value, "__dict__"):
            continue
        seen.add(id(value))
        found.append(value)
        if isinstance(value, Instance):
            stack.append(value.keras_object)
            stack.extend(v for k, v in value.attrs.items() if not k.startswith("__"))
        elif isinstance(value, Operation):
            for attr in ("engine", "own", "instance"):
                stack.append(getattr(value, attr, None))
            if isinstance(value, UserLayerObj) or isinstance(value, SubclassModel):
                stack.append(value.instance)
    return found if len(found) < _MAX_OBJECTS else []


def _snapshot(objects: list) -> list:
    memo: dict = {}

    def copied(value):
        if isinstance(value, (list, dict, set)):
            if id(value) not in memo:
                memo[id(value)] = value.copy()
            return memo[id(value)]
        return value

    return [(obj, {k: copied(v) for k, v in vars(obj).items()}) for obj in objects]


def _restore(saved: list) -> None:
    for obj, state in saved:
        current = vars(obj)
        current.clear()
        current.update(state)


def trace_build(interp, instance, shape_value) -> None:
    """``model.build(shape)`` of a subclassed model: trace ``call()`` on that shape in a
    sandbox (see the module docstring)."""
    op = instance.keras_object if isinstance(instance, Instance) else None
    shape = build_shape(shape_value)
    if not isinstance(op, SubclassModel) or shape is None or op.inputs is not None:
        return
    if not isinstance(instance.cls.lookup("call"), UserFunction):
        return
    objects = _reachable(instance)
    if not objects:
        return
    rec = interp.rec
    saved = _snapshot(objects)
    runs = list(op.traced_runs)
    rec.shadow += 1
    try:
        interp.call_subclass(instance, [SymTensor(shape)], {}, None)
    finally:
        rec.shadow -= 1
        new_runs = op.traced_runs[len(runs):]
        _restore(saved)
        if not rec.shadow:
            rec.end_shadow()
    op.traced_runs = runs + [r for r in new_runs if r.how == "build"][:1]


__all__ = ["TracedRun", "build_shape", "record_run", "shape_structure_text", "trace_build", "traced_tables"]
