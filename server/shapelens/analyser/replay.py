"""Running a built model's graph again on other input shapes, without recording anything.

Keras's ``Function.compute_output_spec``: a built Sequential or functional model called on
tensors whose shapes equal the ones it was built on returns its own output shapes; on other
shapes (a ``None`` dim now known, another length) it runs its graph with each operation's
``compute_output_spec``, which adds no node to the inner layers — so their summary rows keep
the shapes the model was built with, and only the outer call sees the new shapes.

Each ``Node`` remembers how it was made (``node.replay``); a node that cannot be replayed (an
op without a rule here, a custom layer) gives unknown shapes, never a guess.
"""

from __future__ import annotations

from ..engine import ShapeError
from ..engine.shape import UNKNOWN
from .models import FunctionalModel, SequentialModel, flatten
from .values import LayerObj, SymTensor

_MAX_DEPTH = 8


def replay_model(model, input_shapes, depth: int = 0):
    """The output shapes (structure) of ``model`` called on ``input_shapes`` (structure)."""
    from .calls import output_shapes

    own = flatten(model.inputs) if model.inputs is not None else []
    given = _flat_shapes(input_shapes)
    if model.outputs is None or len(own) != len(given) or not all(isinstance(t, SymTensor) for t in own):
        return _unknown_like(output_shapes(model.outputs))
    if all(t.shape == s for t, s in zip(own, given)):
        return output_shapes(model.outputs)       # Keras's shortcut: the same shapes
    if depth > _MAX_DEPTH:
        return _unknown_like(output_shapes(model.outputs))
    known = {id(t): s for t, s in zip(own, given)}
    if isinstance(model, SequentialModel):
        shape = given[0]
        for layer in model.layers:
            shape = _apply(layer, [shape], {}, depth)
        return shape
    if isinstance(model, FunctionalModel):
        for level in sorted(model.nodes_by_depth, reverse=True):
            for node in model.nodes_by_depth[level]:
                if node.is_input:
                    continue
                shapes = _replay_node(node, known, depth)
                tensors = flatten(node.outputs)
                values = _flat_shapes(shapes) if len(tensors) > 1 else [shapes]
                if len(values) != len(tensors):
                    values = [UNKNOWN] * len(tensors)
                for t, s in zip(tensors, values):
                    if isinstance(t, SymTensor):
                        known[id(t)] = s if isinstance(s, tuple) else UNKNOWN
        return _substitute(model.outputs, known)
    return _unknown_like(output_shapes(model.outputs))


def _is_shape(value) -> bool:
    return isinstance(value, tuple) and all(d is None or d is UNKNOWN or isinstance(d, int) for d in value)


def _flat_shapes(structure, depth: int = 0) -> list:
    """The shapes in a structure of shapes, in order (a shape is a tuple of dims)."""
    if _is_shape(structure) or depth > 20:
        return [structure]
    if isinstance(structure, (list, tuple)):
        return [s for item in structure for s in _flat_shapes(item, depth + 1)]
    return [structure]


def _replay_node(node, known: dict, depth: int):
    spec = node.replay
    if spec is None:
        return UNKNOWN
    kind = spec[0]
    try:
        if kind == "layer":
            return _apply(node.operation, _substitute(spec[1], known), _substitute(spec[2], known), depth)
        if kind == "model":
            return replay_model(node.operation, _substitute(spec[1], known), depth + 1)
        if kind == "rule":          # a layer of a backbone built by the engine
            return spec[1].apply([_substitute(spec[2], known)], {}).output
        if kind == "same":
            return _substitute(spec[1], known)
        if kind == "operator":
            from ..engine.layers.merging import broadcast_shapes
            from ..engine.ops import matmul
            a, b = (_operand(v, known) for v in spec[2:4])
            if a is UNKNOWN or b is UNKNOWN:
                return UNKNOWN
            return matmul(a, b) if spec[1] == "Matmul" else broadcast_shapes(a, b)
    except ShapeError:
        return UNKNOWN      # Keras may or may not raise here: never a false error
    except Exception:  # noqa: BLE001 - a rule bug gives "?", never a crash
        return UNKNOWN
    return UNKNOWN


def _operand(value, known: dict):
    from .calls import operand_shape

    return _substitute(value, known) if isinstance(value, SymTensor) else operand_shape(value)


def _apply(op, positional: list, keywords: dict, depth: int):
    """One operation's output shapes on shapes (``compute_output_spec``)."""
    from .calls import to_engine

    if isinstance(op, (SequentialModel, FunctionalModel)):
        return replay_model(op, positional[0] if positional else keywords.get("inputs", UNKNOWN), depth + 1)
    if not isinstance(op, LayerObj) or op.python_function is not None or op.engine.weights is None:
        return UNKNOWN
    try:
        return op.engine.apply([to_engine(v) for v in positional],
                               {k: to_engine(v) for k, v in keywords.items()}).output
    except ShapeError:
        return UNKNOWN
    except Exception:  # noqa: BLE001
        return UNKNOWN


def _substitute(value, known: dict, depth: int = 0):
    """Call arguments with each graph tensor replaced by its new shape (a plain tuple)."""
    if depth > 20:
        return UNKNOWN
    if isinstance(value, SymTensor):
        return known.get(id(value), value.shape)
    if isinstance(value, list):
        return [_substitute(v, known, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(_substitute(v, known, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: _substitute(v, known, depth + 1) for k, v in value.items()}
    return value


def _unknown_like(structure):
    if isinstance(structure, list):
        return [_unknown_like(s) for s in structure]
    if isinstance(structure, tuple) and structure and all(isinstance(s, tuple) or s is UNKNOWN for s in structure):
        return tuple(_unknown_like(s) for s in structure)
    return UNKNOWN
