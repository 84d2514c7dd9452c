"""A tiny functional-graph builder over the engine: how ``keras.applications`` models are
assembled statically.

Family modules read like Keras's own ``keras/src/applications/*.py``::

    x = b.layer("Conv2D", 64, 7, strides=2, name="conv1_conv")(x)
    x = b.layer("Add", name=f"{name}_add")([shortcut, x])

Each call creates the engine rule (``create_layer``), applies it to the input shapes
(``layer.apply``) and records a graph node.  ``Builder.model`` then orders the layers exactly as
``keras.Model(inputs, outputs).layers`` does (``keras.src.ops.function.map_graph``: depth from
the outputs, deepest first, ties by first visit of a depth-first walk from the outputs) and sums
their weights.

Default layer names follow Keras's process-wide counter (``keras.src.utils.naming``): the
builder starts from the counts it is given (a fresh process when none) and reports what it used.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, NamedTuple, TypeVar, Union

from ..args import Args, bind
from ..derivation import Derivation
from ..layer import NO_PARAMS, REGISTRY, UNKNOWN_PARAMS, Layer, ParamCount, create_layer, to_snake_case
from ..shape import UNKNOWN, format_shape


class Undecidable(Exception):
    """A value that decides the architecture itself (``include_top``, ``alpha``, a dimension an
    ``if`` compares) is unknown: the model's layers cannot be listed."""


T = TypeVar("T")


def decide(value: T, what: str) -> T:
    """``value`` when it is known; ``Undecidable`` when the architecture hinges on a ``?``."""
    if value is UNKNOWN:
        raise Undecidable(what)
    return value


def same(a: object, b: object, what: str) -> bool:
    """Python's ``a == b`` on values that may be ``?`` (then the branch taken is unknown)."""
    if a is UNKNOWN or b is UNKNOWN:
        raise Undecidable(what)
    return a == b


class Row(NamedTuple):
    """One entry of ``model.layers`` (or of the summary's operations)."""

    name: str
    class_name: str
    output_shape: object
    params: ParamCount


@dataclass
class AppModel:
    """A built application: what ``keras.applications.X(...)`` returns, statically."""

    name: object                     # the model's name ("resnet50"), ``?`` if unknown
    input_shape: object              # batch-first: (None, 224, 224, 3)
    output_shape: object
    rows: list[Row]                  # ``model.layers``, in Keras's order
    operations: list[Row]            # ``model.summary()`` rows: layers and bare ``keras.ops``
    params: ParamCount
    derivation: Derivation = field(default_factory=Derivation)
    uids: dict[str, int] = field(default_factory=dict)   # default-name counters this build consumed
    output_tensor: "Tensor | None" = None      # the graph itself (a user's ``input_tensor`` has no node)


def unknown_model(name: object, reason: str) -> AppModel:
    why = Derivation()
    why.note(f"The architecture depends on a value not known statically ({reason}).")
    return AppModel(name, UNKNOWN, UNKNOWN, [], [], UNKNOWN_PARAMS, why)


# ---- the graph ----------------------------------------------------------------------------------

@dataclass(eq=False)
class Tensor:
    """A symbolic tensor: its shape and the node that produced it (``None``: a tensor from
    outside the model, such as a user's ``input_tensor``)."""

    shape: Any      # read like Keras's ``KerasTensor.shape``; arithmetic on a ``?`` in it raises TypeError
    node: "Node | None" = None


@dataclass(eq=False)
class Operation:
    """A layer (``rule`` set; ``members`` for a nested ``Sequential``) or a bare ``keras.ops``
    operation (``x + y``: no rule, not in ``model.layers``)."""

    name: str
    class_name: str
    rule: Layer | None = None
    members: list[Layer] = field(default_factory=list)
    is_layer: bool = True

    def param_count(self) -> ParamCount:
        if self.rule is not None:
            return self.rule.param_count()
        total = NO_PARAMS
        for member in self.members:
            total = total + member.param_count()
        return total


@dataclass(eq=False)
class Node:
    """One call of an operation."""

    operation: Operation
    inputs: list[Tensor]
    output: Tensor | None = None
    is_input: bool = False


Inputs = Union[Tensor, list[Tensor]]      # what a layer is called on
LayerCall = Callable[[Inputs], Tensor]
Kind = Union[str, type[Layer]]            # a registered Keras class name, or a package-private rule class


def _shapes(x: Inputs) -> object:
    """The call argument for the engine: a shape, or a list of shapes for merges."""
    if isinstance(x, list):
        return [t.shape for t in x]
    return x.shape


def _tensors(x: Inputs) -> list[Tensor]:
    return list(x) if isinstance(x, list) else [x]


def _construct(kind: Kind, positional: list[Any], keywords: dict[str, Any], name: str) -> Layer:
    """An engine rule from a registered Keras class name or from a package-private rule class."""
    if isinstance(kind, str):
        return create_layer(kind, positional, keywords, name=name)
    args: Args = bind(kind.signature, positional, keywords, kind.keras_name)
    return kind(args, name=name)


def _class_name(kind: Kind) -> str:
    if isinstance(kind, str):
        return REGISTRY[kind].keras_name
    return kind.keras_name


class Builder:
    """Creates layers, applies them to tensors, and assembles the model."""

    def __init__(self, uids: dict[str, int] | None = None) -> None:
        self._uids = Counter(uids or {})
        self.consumed: Counter[str] = Counter()

    # ---- names -------------------------------------------------------------------------------
    def auto_name(self, class_name: str) -> str:
        """``keras.src.utils.naming.auto_name``: ``conv2d``, then ``conv2d_1``, ..."""
        prefix = to_snake_case(class_name)
        name = f"{prefix}_{self._uids[prefix]}" if self._uids[prefix] else prefix
        self.consume(prefix)
        return name

    def consume(self, prefix: str) -> None:
        self._uids[prefix] += 1
        self.consumed[prefix] += 1

    # ---- graph -------------------------------------------------------------------------------
    def input(self, shape: object) -> Tensor:
        """``layers.Input(shape=shape)``: an ``InputLayer`` with a dynamic batch axis."""
        op = Operation(self.auto_name("InputLayer"), "InputLayer",
                       create_layer("InputLayer", [], {"shape": shape}))
        full = (None,) + tuple(shape) if isinstance(shape, (tuple, list)) else UNKNOWN
        node = Node(op, [], is_input=True)
        node.output = Tensor(full, node)
        return node.output

    def layer(self, kind: Kind, *positional: Any, name: str | None = None, **keywords: Any) -> LayerCall:
        """``layers.Kind(*positional, name=name, **keywords)``; call the result on tensors."""
        name = name if name is not None else self.auto_name(_class_name(kind))
        rule = _construct(kind, list(positional), keywords, name)
        op = Operation(name, rule.keras_name, rule)
        return lambda x: self._call(op, x, lambda: rule.apply([_shapes(x)], {}).output)

    def sequential(self, members: list[tuple[Kind, tuple[Any, ...], dict[str, Any]]], name: str
                   ) -> Callable[[Tensor], Tensor]:
        """``Sequential([layers.Kind(...), ...], name=name)`` used as one layer.  ``members`` are
        ``(kind, positional, keywords)`` with explicit names.  Building it creates an
        ``InputLayer`` and an internal ``Functional`` (both take a default name)."""
        rules = []
        for kind, positional, keywords in members:
            keywords = dict(keywords)
            rules.append(_construct(kind, list(positional), keywords, keywords.pop("name")))
        op = Operation(name, "Sequential", members=rules)

        def run(x: Tensor) -> object:
            self.consume("input_layer")
            self.consume("functional")
            shape = x.shape
            for rule in rules:
                shape = rule.apply([shape], {}).output
            return shape

        return lambda x: self._call(op, x, lambda: run(x))

    def op(self, class_name: str, inputs: list[Tensor], shape: object) -> Tensor:
        """A bare ``keras.ops`` operation on symbolic tensors (``x + 3.0``): a summary row
        of its own, but no layer."""
        op = Operation(self.auto_name(class_name), class_name, is_layer=False)
        return self._call(op, inputs, lambda: shape)

    def _call(self, op: Operation, x: Inputs, compute: Callable[[], object]) -> Tensor:
        node = Node(op, _tensors(x))
        node.output = Tensor(compute(), node)
        return node.output

    # ---- model -------------------------------------------------------------------------------
    def model(self, inputs: Tensor, output: Tensor, name: object, why: Derivation) -> AppModel:
        """``Functional(inputs, output, name=name)``."""
        operations = ordered_operations([output])
        summary, layers = [], []
        total = NO_PARAMS
        for op, shape in operations:
            row = Row(op.name, op.class_name, shape, op.param_count() if op.is_layer else NO_PARAMS)
            summary.append(row)
            if op.is_layer:
                layers.append(row)
                total = total + row.params
        why.step("input", "(batch,) + input_shape", "", format_shape(inputs.shape))
        why.step("output", "shape of the last layer's output", "", format_shape(output.shape))
        why.step("params", f"sum over its {len(layers)} layers (trainable + non-trainable)",
                 f"{total.trainable} + {total.non_trainable}", total.total)
        return AppModel(name, inputs.shape, output.shape, layers, summary, total, why,
                        dict(self.consumed), output)


def ordered_operations(outputs: list[Tensor]) -> list[tuple[Operation, object]]:
    """``keras.src.ops.function.map_graph``'s operation order, with each operation's last
    output shape: a depth-first walk from the outputs numbers operations on first visit and
    lists nodes in post-order; depths grow from the outputs; deepest operations first, ties by
    visit number."""
    finished: set[Node] = set()
    post_order: list[Node] = []
    index: dict[Operation, int] = {}

    for out in outputs:
        stack: list[tuple[Node, Iterator[Tensor]]] = []

        def enter(tensor: Tensor) -> None:
            node = tensor.node
            if node is None or node in finished:
                return
            index.setdefault(node.operation, len(index))
            stack.append((node, iter([] if node.is_input else node.inputs)))

        enter(out)
        while stack:
            node, pending = stack[-1]
            nxt = next(pending, None)
            if nxt is not None:
                enter(nxt)
                continue
            stack.pop()
            finished.add(node)
            post_order.append(node)

    in_graph = set(post_order)
    node_depth: dict[Node, int] = {}
    op_depth: dict[Operation, int] = {}
    shapes: dict[Operation, object] = {}
    for node in reversed(post_order):
        depth = max(node_depth.setdefault(node, 0), op_depth.get(node.operation, 0))
        op_depth[node.operation] = depth
        node_depth[node] = depth
        shapes.setdefault(node.operation, node.output.shape if node.output is not None else UNKNOWN)
        for tensor in node.inputs:
            parent = tensor.node
            if parent in in_graph:
                node_depth[parent] = max(depth + 1, node_depth.get(parent, 0))
    ordered = sorted(op_depth, key=lambda op: (-op_depth[op], index[op]))
    return [(op, shapes[op]) for op in ordered]


__all__ = [
    "AppModel", "Builder", "Operation", "Row", "Tensor", "Undecidable", "decide",
    "ordered_operations", "same", "unknown_model",
]
