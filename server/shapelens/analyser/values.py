"""The abstract values the interpreter computes with.

Python literals (int, float, str, bool, None, tuples, lists, dicts) stand for themselves and
``UNKNOWN`` for anything not knowable statically.  Keras objects get stand-ins:

* ``SymTensor`` — a symbolic tensor (``keras.KerasTensor``): a shape and the ``Node`` that made it
  (none for a tensor traced inside a layer's ``call``, or for a constant array);
* ``Node`` — one call of an operation on tensors (Keras's ``_inbound_nodes`` entries);
* ``LayerObj`` — a layer instance wrapping an engine rule; ``OpObj`` — an operator such as ``x + y``;
* ``ModelObj`` — a Sequential, functional or subclassed model (also usable as a layer);
* ``KerasRef`` — a dotted path into the Keras API not yet called (``keras.layers.Conv2D``);
* ``UserFunction``, ``UserClass``, ``Instance``, ``BoundMethod`` — the user's own code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..engine import ParamCount
from ..engine.layer import NO_PARAMS
from ..engine.macs import Macs
from ..engine.shape import UNKNOWN
from .autonames import stored
from .keras_api import canonical

if TYPE_CHECKING:
    from .control import Scope


class SymTensor:
    __slots__ = ("shape", "node", "index", "mask", "constant", "values")

    def __init__(self, shape, node: "Node | None" = None, index: int = 0, constant: bool = False):
        self.shape = shape
        self.node = node
        self.index = index
        self.mask: "SymTensor | None" = None   # Keras's ``_keras_mask`` (Embedding(mask_zero=True), ...)
        self.constant = constant   # a concrete array (``ops.arange(4)``): no node, never traced
        self.values: tuple | None = None   # a concrete array's int items, when known (npvalues.py)

    def __repr__(self) -> str:
        return f"SymTensor({self.shape})"


class Node:
    """``operation`` called on ``inputs`` (flattened tensors) giving ``outputs`` (structure)."""

    __slots__ = ("operation", "inputs", "outputs", "is_input", "replay", "macs")

    def __init__(self, operation, inputs: list, outputs, is_input: bool = False):
        self.operation = operation
        self.inputs = inputs
        self.outputs = outputs
        self.is_input = is_input
        # how to recompute the outputs on other input shapes (``replay.py``)
        self.replay: tuple[Any, ...] | None = None
        self.macs: Macs | None = None     # this call's MACs, when worked out as it ran (``macs.py``)

    def parents(self) -> list["Node"]:
        return [t.node for t in self.inputs if t.node is not None]


class Operation:
    """Anything that appears as a row in a functional summary."""

    class_name: str

    def __init__(self, name: str, class_name: str, site: ast.AST | None = None):
        self.name = name
        self.class_name = class_name
        self.site = site
        self.nodes: list[Node] = []

    @property
    def name(self) -> str:
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = value
        stored(self, "_name", value)     # a default name the incremental analyser may renumber

    def leaves(self) -> list:
        """The weight-owning engine layers this operation consists of (unique)."""
        return []

    def param_count(self) -> ParamCount:
        leaves = self.leaves()
        if len(leaves) == 1:          # a plain layer: its own count, as it is
            return leaves[0].param_count()
        total = NO_PARAMS
        for leaf in leaves:
            total = total + leaf.param_count()
        return total

    @property
    def built(self) -> bool:
        return True

    def set_trainable(self, value) -> None:
        """``op.trainable = False``: an operation without known weights (an op, an input, a layer
        whose class or arguments are unknown) has nothing to freeze."""


class LayerObj(Operation):
    input_batch: object   # ``batch_size=`` given with ``input_shape=`` (set only then: ``hasattr``)

    def __init__(self, engine_layer, site: ast.AST | None):
        super().__init__(engine_layer.name, engine_layer.keras_name, site)
        self.engine = engine_layer
        self.input_shape_arg: object = None   # `input_shape=` / `input_dim=` given at construction
        self.python_function: object = None   # a Lambda's function, interpreted when it is called
        self.python_output_shape: object = None   # a Lambda's output_shape (a tuple or a function)

    def leaves(self) -> list:
        return [self.engine]

    @property
    def built(self) -> bool:
        return self.engine.weights is not None

    def set_trainable(self, value) -> None:
        self.engine.trainable = value is not False


class KerasVariable(SymTensor):
    """A ``keras.Variable(...)``: a concrete tensor of that shape, and a weight of the layer it
    is assigned to (Keras tracks variables in attributes, as it tracks layers)."""

    __slots__ = ("count", "trainable")

    def __init__(self, shape, count, trainable):
        super().__init__(shape, constant=True)
        self.count = count            # its number of elements, or UNKNOWN
        self.trainable = trainable    # True, False or UNKNOWN


class OwnWeights:
    """The weights a layer class makes itself: ``add_weight`` calls, and the ``keras.Variable``
    objects held by the instance's attributes (``instance``; found when counted, as Keras's
    tracker finds them)."""

    def __init__(self, instance: "Instance | None" = None):
        self.weights = NO_PARAMS
        self.trainable = True
        self.instance = instance

    def add(self, count, trainable: bool) -> None:
        self.weights = self.weights + (ParamCount(count, 0) if trainable else ParamCount(0, count))

    def param_count(self) -> ParamCount:
        weights = self.weights
        if self.instance is not None:
            from .tracking import tracked_variables

            for variable in tracked_variables(self.instance):
                if variable.trainable is True:
                    weights = weights + ParamCount(variable.count, 0)
                elif variable.trainable is False:
                    weights = weights + ParamCount(0, variable.count)
                else:
                    weights = weights + ParamCount(UNKNOWN, UNKNOWN)
        return weights if self.trainable else weights.frozen()


class UserLayerObj(LayerObj):
    """An instance of the user's subclass of a built-in layer (``class MyConv(layers.Conv2D)``):
    the parent's rule under the subclass's name and class, plus the weights its own code adds."""

    def __init__(self, engine_layer, site, instance: "Instance", class_name: str):
        super().__init__(engine_layer, site)
        self.class_name = class_name
        self.instance = instance
        self.own = OwnWeights(instance)
        self.build_called = False

    def leaves(self) -> list:
        return [self.engine, self.own]

    @property
    def built(self) -> bool:
        return self.engine.weights is not None or self.build_called

    def set_trainable(self, value) -> None:
        super().set_trainable(value)
        self.own.trainable = value is not False


class OpObj(Operation):
    """A Keras op recorded in the graph (``x + y`` is an ``Add`` op): no weights."""


class InputObj(Operation):
    """The ``InputLayer`` behind ``keras.Input``."""

    named: bool   # ``keras.Input(name=...)`` (set by ``calls.make_input``; read with ``getattr``)

    def __init__(self, name: str, shape, site):
        super().__init__(name, "InputLayer", site)
        self.batch_shape = shape


class UnknownOp(Operation):
    """A layer whose class the engine does not know: shapes are ``?``, params unknown.  Also the
    row of a bare ``keras.ops`` call (``keras_op``), which has no weights."""

    keras_op = False

    def param_count(self) -> ParamCount:
        return NO_PARAMS if self.keras_op else ParamCount(UNKNOWN, UNKNOWN)


@dataclass(frozen=True)
class KerasRef:
    """A reference into the Keras API, by canonical dotted path (``keras.layers.Conv2D``), with the
    spelling it was reached by when that differs (``tf.keras`` is ``keras``, but ``tf.keras.backend``
    is not ``keras.backend``: ``keras_api.canonical``)."""

    path: str
    spelling: str = ""

    def attribute(self, attr: str) -> "KerasRef":
        return reference(f"{self.spelling or self.path}.{attr}")


def reference(spelling: str) -> KerasRef:
    """The ``KerasRef`` an import spelling (``tensorflow.keras.backend``) names."""
    path = canonical(spelling)
    return KerasRef(path, "" if path == spelling else spelling)


@dataclass
class UserFunction:
    node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
    closure: Scope              # the Scope it was defined in
    defaults: dict              # parameter name -> default value (evaluated at def time)
    qualname: str
    calls: int = 0
    owner: "UserClass | None" = None     # the class a method is defined in
    foreign: bool = False                # defined in another module of the workspace
    custom_gradient: bool = False        # ``@custom_gradient``: it returns ``(y, grad)``, a call gives ``y``


@dataclass
class UserClass:
    node: ast.ClassDef
    bases: list
    namespace: dict
    closure: Scope

    @property
    def name(self) -> str:
        return self.node.name

    def lookup(self, attr: str):
        if attr in self.namespace:
            return self.namespace[attr]
        for base in self.bases:
            if isinstance(base, UserClass):
                found = base.lookup(attr)
                if found is not _MISSING:
                    return found
        return _MISSING

    def keras_base(self) -> str | None:
        """"Model" or "Layer" when the class derives (directly or not) from one of Keras's."""
        for base in self.bases:
            if isinstance(base, KerasRef):
                tail = base.path.rsplit(".", 1)[-1]
                if tail in ("Model", "Functional"):
                    return "Model"
                if tail == "Layer":
                    return "Layer"
            elif isinstance(base, UserClass):
                found = base.keras_base()
                if found:
                    return found
        return None


_MISSING = object()
MISSING = _MISSING


@dataclass(eq=False)
class Instance:
    cls: UserClass
    attrs: dict = field(default_factory=dict)
    keras_object: "Operation | None" = None   # set for subclassed models / layers
    site: object = None                       # where it was made (the row's position)


@dataclass
class BoundMethod:
    function: UserFunction
    receiver: object


@dataclass(eq=False)
class Partial:
    """``functools.partial(func, *args, **keywords)``: a call adds its own arguments after these
    (``Conv2D = partial(layers.Conv2D, padding="same")``, then ``Conv2D(16, 3)``)."""

    func: object
    args: tuple
    keywords: dict


@dataclass
class SuperProxy:
    """``super()`` inside a method of ``owner``, bound to ``instance``."""

    instance: object
    owner: UserClass


@dataclass
class BuiltinMethod:
    """A method of a built-in value (``list.append``) or of a Keras stand-in (``model.add``)."""

    receiver: object
    name: str


MAX_STRUCTURE = 10_000   # items visited at most when walking nested lists/tuples/dicts


def oversized(value, limit: int = MAX_STRUCTURE) -> bool:
    """True when walking ``value`` (shared sublists counted each time, as a naive walk would)
    visits more than ``limit`` items: such values are treated as unknown, so no walk can blow up
    on ``a = [a] * 64`` repeated."""
    stack = [value]
    seen = 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())
    return False


def hashable(value) -> bool:
    """A known value usable as a dict key (literals and tuples of them)."""
    return value is None or isinstance(value, (int, float, str, bool)) or (
        isinstance(value, tuple) and all(hashable(v) for v in value))


def tensor_structure(value, depth: int = 0):
    """``value`` with every non-tensor leaf made an unknown tensor (what a layer's output is)."""
    if depth > 16 or (depth == 0 and isinstance(value, (list, tuple, dict)) and oversized(value)):
        return SymTensor(UNKNOWN)
    if isinstance(value, (list, tuple)):
        return type(value)(tensor_structure(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return [tensor_structure(value[k], depth + 1) for k in sorted(value, key=str)]
    return value if isinstance(value, SymTensor) else SymTensor(UNKNOWN)


def private_copy(value, depth: int = 0):
    """Tensors with the same shapes but no history: what a subclass's ``call`` sees."""
    if depth > 16 or (depth == 0 and isinstance(value, (list, tuple, dict)) and oversized(value)):
        return UNKNOWN
    if isinstance(value, SymTensor):
        return SymTensor(value.shape)
    if isinstance(value, list):
        return [private_copy(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(private_copy(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: private_copy(v, depth + 1) for k, v in value.items()}
    return value
