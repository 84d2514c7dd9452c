"""Multiply-accumulate counts (MACs) of models and of their summary rows, counted per call.

Each layer call computes its MACs when it runs (``call_macs``, from the engine's
``layer_macs``) and keeps them on its graph node; a model's row counts every call of that
row's operation that belongs to the model (a shared ``Dense`` called twice counts twice), and
the model's total is the sum of its rows.  A subclassed model records the calls its ``call``
made while it was traced (``Recorder.traces``).  The definitions are in ``docs/macs.md``.
"""

from __future__ import annotations

from ..engine import memo
from ..engine.layer import REGISTRY
from ..engine.macs import ZERO_MAC_LAYERS, layer_macs, op_macs, total_macs
from ..engine.shape import UNKNOWN
from .models import FunctionalModel, ModelObj, SequentialModel, SubclassModel, flatten, map_graph
from .values import MISSING, InputObj, LayerObj, OpObj, SymTensor, UnknownOp

_ATTENTION = ("MultiHeadAttention", "GroupedQueryAttention", "GroupQueryAttention", "Attention",
              "AdditiveAttention")
_MAX_DEPTH = 8


def call_macs(op: LayerObj, positional: list, keywords: dict, output, key=None):
    """One layer call's MACs, from the engine arguments it was called with and its output (a
    subclass of a built-in layer: its parent's, unless it overrides ``call``).  ``key``: the
    memo's key of the call (``Applied.key``), under which a repeated layer's count is remembered."""
    name = op.engine.keras_name
    instance = getattr(op, "instance", None)
    if instance is not None and instance.cls.lookup("call") is not MISSING:
        return UNKNOWN
    if key is None or not memo.ENABLED:
        return engine_call_macs(name, op.engine.args, positional, keywords, output)
    macs = memo.MACS.get(key)
    if macs is None:
        macs = engine_call_macs(name, op.engine.args, positional, keywords, output)
        memo.MACS.put(key, macs)
    return macs


def engine_call_macs(name: str, args, positional: list, keywords: dict, output):
    """``layer_macs`` of a call given the engine arguments it was called with: attention layers
    take their query/value/key (or ``inputs`` list), every other layer its first input."""
    inputs: object
    if name in _ATTENTION:
        if name in ("Attention", "AdditiveAttention"):
            first = positional[0] if positional else keywords.get("inputs")
            inputs = list(first) if isinstance(first, list) else [first]
        else:
            inputs = [positional[i] if len(positional) > i else keywords.get(k)
                      for i, k in enumerate(("query", "value", "key"))]
        while inputs and inputs[-1] is None:
            inputs.pop()
    else:
        inputs = positional[0] if positional else next(iter(keywords.values()), UNKNOWN)
    try:
        return layer_macs(name, args, inputs, output)
    except Exception:  # noqa: BLE001 - MACs are an extra: never break the analysis
        return UNKNOWN


def result_macs(result, depth: int = 0):
    """The MACs of one recorded call (a ``CallResult``)."""
    if result.macs is not None:
        return result.macs
    op = result.layer
    if isinstance(op, ModelObj):
        return model_call_macs(op, result.node, depth + 1)
    if op is not None:
        return _op_macs(op, result.node, depth)
    if result.class_name in ZERO_MAC_LAYERS:
        return 0
    if result.class_name in REGISTRY or result.class_name in ("function", "?"):
        return UNKNOWN
    return op_macs(result.class_name)


def _op_macs(op, node, depth: int):
    """MACs of one call (``node``) of a row's operation."""
    if isinstance(op, InputObj):
        return 0
    if isinstance(op, ModelObj):
        return model_call_macs(op, node, depth + 1)
    known = getattr(node, "macs", None)
    if known is not None:
        return known
    if isinstance(op, OpObj) or getattr(op, "keras_op", False):
        return op_macs(op.class_name)
    if isinstance(op, (LayerObj, UnknownOp)) and op.class_name in ZERO_MAC_LAYERS:
        return 0
    return UNKNOWN


def model_call_macs(model: ModelObj, node, depth: int = 0):
    """A model used as a layer, for one call: its own MACs when called on the shapes it was
    built with; ``?`` on other shapes (its layers would do other work)."""
    known = getattr(node, "macs", None)
    if known is not None:
        return known
    if not isinstance(model, (FunctionalModel, SequentialModel)) or depth > _MAX_DEPTH:
        return UNKNOWN
    spec = getattr(node, "replay", None)
    if not spec or spec[0] != "model" or model.inputs is None:
        return UNKNOWN
    given = [t.shape if isinstance(t, SymTensor) else UNKNOWN for t in flatten(spec[1])]
    own = [t.shape if isinstance(t, SymTensor) else UNKNOWN for t in flatten(model.inputs)]
    if given != own or UNKNOWN in own:
        return UNKNOWN
    return model_macs(model, depth + 1)[1]


def model_macs(model: ModelObj, depth: int = 0):
    """``(row MACs aligned with summary_layers(), total)`` for one forward pass."""
    ops = model.summary_layers()
    if depth > _MAX_DEPTH or not model.complete:
        return [UNKNOWN] * len(ops), UNKNOWN
    trace = getattr(model, "trace", None)
    by_depth = {}
    if isinstance(model, FunctionalModel):
        by_depth = model.nodes_by_depth
    elif isinstance(model, SequentialModel) and model.outputs is not None and model.inputs is not None:
        by_depth = map_graph(flatten(model.inputs), flatten(model.outputs))[1]
    in_graph = {id(n) for nodes in by_depth.values() for n in nodes if not n.is_input}
    if not in_graph and trace is not None:
        # a subclass's call(), or a Sequential built inside one: the calls of its last trace
        rows = [total_macs(result_macs(r, depth) for r in trace if r.layer is op) for op in ops]
        return rows, total_macs(result_macs(r, depth) for r in trace)
    if not in_graph or isinstance(model, SubclassModel):
        return [UNKNOWN] * len(ops), UNKNOWN
    rows, unique = [], {}
    for op in ops:
        calls = [n for n in op.nodes if id(n) in in_graph]
        macs = total_macs(_op_macs(op, n, depth) for n in calls) if calls else \
            (0 if isinstance(op, InputObj) else UNKNOWN)
        rows.append(macs)
        unique[id(op)] = macs     # a layer listed twice (Sequential([d, d])): its calls once
    return rows, total_macs(unique.values())


__all__ = ["call_macs", "model_call_macs", "model_macs", "result_macs"]
