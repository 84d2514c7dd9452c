"""``keras.models.clone_model(model)``: the same architecture with new layers and new weights.

Keras clones each layer from its config (``from_config(get_config())``), so the copies keep
their names; a Sequential keeps its ``InputLayer`` (same name and shape); a functional model
gets new ``Input``s named after the original input *tensors* — the user's ``name=`` when given,
otherwise Keras's process-wide ``keras_tensor_N``, which cannot be known statically (``?``) —
and runs its graph through the copies.  Anything beyond plain layers (ops such as ``x + y``,
nested models, Lambdas, ``clone_function=``...) gives an unknown value, never a guess.
"""

from __future__ import annotations

import copy
from typing import TypeGuard

from ..engine.shape import UNKNOWN
from . import calls
from .autonames import stored
from .models import FunctionalModel, SequentialModel, flatten
from .values import InputObj, LayerObj, SymTensor

_SUPPORTED_KEYWORDS = {"model"}


def clone_model(rec, positional: list, keywords: dict, site, call_layer):
    model = positional[0] if positional else keywords.get("model")
    if len(positional) > 1 or set(keywords) - _SUPPORTED_KEYWORDS:
        return UNKNOWN
    if isinstance(model, SequentialModel) and type(model) is SequentialModel:
        return _clone_sequential(rec, model, site, call_layer)
    if isinstance(model, FunctionalModel) and type(model) is FunctionalModel:
        return _clone_functional(rec, model, site)
    return UNKNOWN


def clone_layer(op: LayerObj) -> LayerObj:
    engine = copy.copy(op.engine)
    stored(engine, "name", engine.name)      # the copy keeps the layer's name
    engine.weights = None
    engine.built_input_shape = None
    clone = LayerObj(engine, None)
    clone.input_shape_arg = op.input_shape_arg
    return clone


def _plain(op: object) -> TypeGuard[LayerObj]:
    """A built-in layer (not a Lambda, nor the user's subclass of one: its code would run again)."""
    return isinstance(op, LayerObj) and op.python_function is None and not hasattr(op, "instance")


def _clone_sequential(rec, model: SequentialModel, site, call_layer):
    layers = [op for op in model.layers if _plain(op)]
    if len(layers) != len(model.layers) or not (model.complete and model.split_known):
        return UNKNOWN
    if model.input_layer is None and model.outputs is not None:
        return UNKNOWN          # built by a call: its InputLayer's name was not kept
    clone = SequentialModel(model.name, site)
    if model.input_layer is not None:
        tensor = calls.make_input(rec, model.input_layer.batch_shape, model.input_layer.name, None)
        calls.sequential_add(rec, clone, tensor, site, call_layer, rebuild=False)
    for op in layers:
        calls.sequential_add(rec, clone, clone_layer(op), site, call_layer, rebuild=False)
    if clone.outputs is not None and clone.layers:
        rec.unique_name("functional")     # the Sequential builds its internal Functional once
    return clone


def _clone_functional(rec, model: FunctionalModel, site):
    if not (model.complete and model.split_known):
        return UNKNOWN
    for op in model.operations:
        if not (isinstance(op, InputObj) or _plain(op)):
            return UNKNOWN
    table: dict[int, SymTensor] = {}
    for tensor in flatten(model.inputs):
        source = tensor.node.operation if isinstance(tensor, SymTensor) and tensor.node is not None else None
        if not isinstance(source, InputObj):
            return UNKNOWN
        name = source.name if getattr(source, "named", False) else "?"
        table[id(tensor)] = calls.make_input(rec, tensor.shape, name, None)
    clones: dict[int, LayerObj] = {}
    for level in sorted(model.nodes_by_depth, reverse=True):
        for node in model.nodes_by_depth[level]:
            if node.is_input:
                continue
            spec = node.replay
            if spec is None or spec[0] != "layer":
                return UNKNOWN
            op = node.operation
            layer = clones.get(id(op))
            if layer is None:
                layer = clones[id(op)] = clone_layer(op)
            outputs = calls.apply_layer(rec, layer, _map(spec[1], table), _map(spec[2], table), None)
            for old, new in zip(flatten(node.outputs), flatten(outputs)):
                if isinstance(old, SymTensor) and isinstance(new, SymTensor):
                    table[id(old)] = new
    return FunctionalModel(model.name, _map(model.inputs, table), _map(model.outputs, table), site,
                           model.class_name)


def _map(value, table: dict, depth: int = 0):
    """A call argument with every tensor of the original graph replaced by its copy."""
    if depth > 20:
        return UNKNOWN
    if isinstance(value, SymTensor):
        return table.get(id(value), value)
    if isinstance(value, list):
        return [_map(v, table, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(_map(v, table, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: _map(v, table, depth + 1) for k, v in value.items()}
    return value
