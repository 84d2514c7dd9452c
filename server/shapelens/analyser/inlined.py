"""A ``keras.applications`` backbone as the analyser's graph of its layers.

On the user's ``input_tensor``, Keras builds the backbone's layers on that tensor, so the
result is a functional model whose inputs are the tensor's source ``Input``s
(``get_source_inputs``): its summary starts with the user's ``InputLayer`` (and any layers
between it and the tensor), and a model built from the same ``Input`` to something computed
from ``backbone.output`` lists every backbone layer inline.  Built on its own ``Input``, the backbone is a model like any other: its ``layers``,
``get_layer(name).output`` and ``input`` build new models from part of it (transfer learning),
and each layer can be frozen.  The engine's graph of the backbone is copied into the analyser's
graph here.
"""

from __future__ import annotations

from ..engine import ParamCount
from ..engine.macs import layer_macs
from ..engine.shape import UNKNOWN
from .models import FunctionalModel
from .values import Node, Operation, OpObj, SymTensor


class BackboneLayer(Operation):
    """One layer of an inlined backbone: its rule's weights, frozen with ``trainable = False``."""

    def __init__(self, engine_op):
        super().__init__(engine_op.name, engine_op.class_name, None)
        self.weights = engine_op.param_count()
        self.trainable = True

    def leaves(self) -> list:
        return [self]

    def param_count(self) -> ParamCount:
        return self.weights if self.trainable else self.weights.frozen()

    def set_trainable(self, value) -> None:
        self.trainable = value is not False


def inline_application(app, tensor: SymTensor, site, model_class=FunctionalModel) -> FunctionalModel:
    """The backbone's layers called on ``tensor``: the user's ``input_tensor``, or the backbone's
    own ``Input`` (``tensor`` then stands for the engine's input node)."""
    ops: dict[int, Operation] = {}
    made: dict[int, SymTensor] = {}
    for node in _post_order(app.output_tensor):
        if node.is_input:
            made[id(node.output)] = tensor
            continue
        engine_op = node.operation
        op = ops.get(id(engine_op))
        if op is None:
            if engine_op.is_layer:
                op = BackboneLayer(engine_op)
            else:
                op = OpObj(engine_op.name, engine_op.class_name, None)
            ops[id(engine_op)] = op
        inputs = [made.get(id(t), tensor) if t.node is not None else tensor for t in node.inputs]
        new = Node(op, inputs, None)
        new.outputs = SymTensor(node.output.shape, new)
        if engine_op.rule is not None:
            new.replay = ("rule", engine_op.rule, inputs if len(node.inputs) > 1 else inputs[0])
            shapes = [t.shape for t in inputs]
            try:
                new.macs = layer_macs(engine_op.rule.keras_name, engine_op.rule.args,
                                      shapes if len(shapes) > 1 else shapes[0], node.output.shape)
            except Exception:  # noqa: BLE001 - MACs are an extra
                new.macs = UNKNOWN
        op.nodes.append(new)
        made[id(node.output)] = new.outputs
    output = made.get(id(app.output_tensor), tensor)
    sources = source_inputs(tensor)
    inputs = sources[0] if len(sources) == 1 else sources
    name = app.name if isinstance(app.name, str) else "functional"
    return model_class(name, inputs, output, site)


def _post_order(output) -> list:
    """The engine graph's nodes, every node after the nodes it reads (an iterative walk)."""
    order, done = [], set()
    stack = [(output.node, False)] if output.node is not None else []
    while stack:
        node, expanded = stack.pop()
        if id(node) in done:
            continue
        if expanded:
            done.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        for t in reversed(node.inputs):
            if t.node is not None and id(t.node) not in done:
                stack.append((t.node, False))
    return order


def source_inputs(tensor: SymTensor) -> list:
    """Keras's ``get_source_inputs``: the ``Input`` tensors ``tensor`` was computed from."""
    found, seen, stack = [], set(), [tensor]
    while stack:
        t = stack.pop()
        if not isinstance(t, SymTensor) or t.node is None or id(t) in seen:
            continue
        seen.add(id(t))
        if t.node.is_input:
            found.append(t)
            continue
        stack.extend(reversed(t.node.inputs))
    return found


__all__ = ["BackboneLayer", "inline_application", "source_inputs"]
