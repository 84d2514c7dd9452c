"""The user's own layer classes in the abstract interpreter: subclasses of Keras's built-in layers
(``class MyConv(layers.Conv2D)``) and the weights any custom layer or model makes itself
(``self.add_weight``).

A subclass of a built-in layer is the parent's rule (built from the arguments given to
``super().__init__``, or to the class itself when it has no ``__init__``) under the subclass's
name and class.  Its overrides run as Keras runs them when it builds a functional graph:
``build`` (``super().build(input_shape)`` builds the parent's weights) and
``compute_output_shape``.  A ``call`` override is not traced on graph tensors (every built-in
layer has its own ``compute_output_shape`` / ``compute_output_spec``, which Keras uses instead),
so it is not run there (running it would build layers Keras leaves unbuilt); inside a subclassed
model's ``call`` (traced tensors) Keras runs it, and so do we.
"""

from __future__ import annotations

import math

from ..engine import Derivation
from ..engine.layer import NO_PARAMS, UNKNOWN_PARAMS, to_snake_case
from ..engine.shape import UNKNOWN
from . import calls
from .interpreter_base import InterpreterBase
from .keras_api import LAYERS_WITH_BUILD, classify
from .models import SubclassModel
from .traced import trace_build
from .values import (
    KerasRef,
    SymTensor,
    UnknownOp,
    UserClass,
    UserFunction,
    UserLayerObj,
    private_copy,
    tensor_structure,
)

# Built-in layers whose own ``compute_output_spec`` ignores an overridden ``compute_output_shape``.
OWN_OUTPUT_SPEC = frozenset({
    "Attention", "AdditiveAttention", "GroupQueryAttention", "MultiHeadAttention", "Hashing",
    "Identity", "Equalization", "RandomGrayscale", "ReversibleEmbedding",
})


def builtin_layer_parent(cls: UserClass, depth: int = 0) -> str | None:
    """The Keras class name of the built-in layer ``cls`` derives from (``"Conv2D"``), if any."""
    if depth > 16:
        return None
    for base in cls.bases:
        if isinstance(base, KerasRef):
            kind, name = classify(base.path)
            if kind in ("layer", "unknown_layer") and name not in ("Layer", "InputLayer"):
                return name
        elif isinstance(base, UserClass):
            found = builtin_layer_parent(base, depth + 1)
            if found:
                return found
    return None


def user_override(cls: UserClass, name: str) -> UserFunction | None:
    found = cls.lookup(name)
    return found if isinstance(found, UserFunction) else None


def _shape_dims(value):
    """A shape the user's code computed, as the engine takes it, or UNKNOWN."""
    if isinstance(value, list):
        value = tuple(value)
    if not isinstance(value, tuple) or len(value) > 64:
        return UNKNOWN
    return tuple(d if d is None or (isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2 ** 63)
                 else UNKNOWN for d in value)


class UserLayersMixin(InterpreterBase):
    def new_user_layer(self, instance, parent, positional, keywords, node):
        """``super().__init__(...)`` of a built-in layer's subclass: the parent's rule, named
        after the subclass as Keras names it (``MyConv`` -> ``my_conv``)."""
        keywords = dict(keywords)
        given = keywords.get("name")
        if not isinstance(given, str):
            keywords["name"] = self.rec.unique_name(to_snake_case(instance.cls.name))
        site = instance.site if instance.site is not None else node
        obj = calls.new_layer(self.rec, parent, positional, keywords, node, self.image_data_format)
        if obj is None or obj == "error":
            instance.keras_object = UnknownOp(keywords["name"], instance.cls.name, site)
            return
        layer = UserLayerObj(obj.engine, site, instance, instance.cls.name)
        layer.input_shape_arg = obj.input_shape_arg
        if hasattr(obj, "input_batch"):
            layer.input_batch = obj.input_batch
        instance.keras_object = layer

    def call_user_layer(self, instance, positional, keywords, node):
        """Calling an instance of a built-in layer's subclass on tensors."""
        op = instance.keras_object
        inputs = positional[0] if positional else keywords.get("inputs", UNKNOWN)
        build = user_override(instance.cls, "build")
        output_shape = user_override(instance.cls, "compute_output_shape")
        first_build = not op.build_called
        if first_build:
            op.build_called = True
            if build is not None:
                self.invoke(build, [instance, calls.output_shapes(inputs)], {}, None)
                if op.engine.weights is None:
                    op.engine.weights = NO_PARAMS   # the parent's build never ran: none of its weights
        call = user_override(instance.cls, "call")
        traced = calls.is_private(calls.tensors_in(inputs))   # inside a subclassed model's call
        if call is not None and traced:
            if op.engine.weights is None:
                self._build_parent(op, calls.output_shapes(inputs))   # Keras builds before call
            result = self.invoke(call, [instance] + list(positional), dict(keywords), None)
            result = calls.attach_call(self.rec, op, inputs, calls.output_shapes(tensor_structure(result)), node,
                                       kind="layer")
        elif output_shape is None or traced:
            result = calls.apply_layer(self.rec, op, positional, keywords, node, first_build or None)
        else:
            if op.engine.weights is None:
                self._build_parent(op, calls.output_shapes(inputs))
            shape = UNKNOWN
            if op.engine.keras_name not in OWN_OUTPUT_SPEC:
                shape = _shape_dims(self.invoke(output_shape, [instance, calls.output_shapes(inputs)], {}, None))
            result = calls.attach_call(self.rec, op, inputs, shape, node, kind="layer")
        if first_build and (build is not None or op.engine.keras_name in LAYERS_WITH_BUILD):
            op.build_output = SymTensor(UNKNOWN)   # the row inside a subclassed model (no call node)
            if output_shape is not None:
                self.remember_build_output(instance, calls.output_shapes(inputs))
            else:
                self._remember_parent_output(op, calls.output_shapes(inputs))
        return result

    def _remember_parent_output(self, op, input_shape):
        try:
            op.build_output = SymTensor(_shape_dims(op.engine.compute_output_shape(input_shape, Derivation())))
        except Exception:  # noqa: BLE001 - "?" rather than a crash
            pass

    def explicit_build(self, method, positional, keywords, node):
        """``layer.build(input_shape)`` written by the user, for a class with its own ``build``:
        Keras marks the layer built, so calling it later does not build (nor add weights) again."""
        instance, op = method.receiver, method.receiver.keras_object
        if not isinstance(op, (SubclassModel, UserLayerObj)) or op.build_called:
            return self.invoke(method.function, [instance] + positional, keywords, node)
        op.build_called = True
        result = self.invoke(method.function, [instance] + positional, keywords, node)
        shape = positional[0] if positional else keywords.get("input_shape", UNKNOWN)
        shape = tuple(shape) if isinstance(shape, list) else shape
        if isinstance(op, UserLayerObj):
            if op.engine.weights is None:
                op.engine.weights = NO_PARAMS   # the parent's build never ran: none of its weights
            op.build_output = SymTensor(UNKNOWN)
            if user_override(instance.cls, "compute_output_shape") is None:
                self._remember_parent_output(op, shape)
                return result
        self.remember_build_output(instance, shape)
        trace_build(self, instance, shape)   # what calling it on that shape shows (traced.py)
        return result

    def declared_output_shape(self, instance, positional, keywords):
        """A custom layer's own ``compute_output_shape`` on graph tensors: Keras's
        ``compute_output_spec`` takes the output from it (``call`` runs only to build a layer
        without a ``build``).  None when it does not apply or gives no flat shape."""
        method = user_override(instance.cls, "compute_output_shape")
        tensors = calls.tensors_in(positional)
        if method is None or len(positional) != 1 or not tensors or calls.tensors_in(keywords) \
                or not all(t.node is not None and not t.constant for t in tensors):
            return None
        shape = self.invoke(method, [instance, calls.output_shapes(positional[0])], {}, None)
        if isinstance(shape, list):
            shape = tuple(shape)
        if not isinstance(shape, tuple) or not shape or len(shape) > 64 or not all(
                d is None or d is UNKNOWN or (type(d) is int and d >= 0) for d in shape):
            return None
        return shape

    def remember_build_output(self, instance, input_shape):
        """A custom layer built by its own ``build``: outside a graph its summary row shows
        ``compute_output_shape(build shape)``, or ``?`` when the class has none (Keras's raises)."""
        method = user_override(instance.cls, "compute_output_shape")
        if method is None or not isinstance(input_shape, (tuple, list)):
            return
        self.rec.uncertain += 1       # Keras runs it only to print the summary
        try:
            shape = _shape_dims(self.invoke(method, [instance, input_shape], {}, None))
        finally:
            self.rec.uncertain -= 1
        instance.keras_object.build_output = SymTensor(shape)

    def _build_parent(self, op, input_shape):
        try:
            op.engine.maybe_build(input_shape if isinstance(input_shape, tuple) else UNKNOWN, Derivation())
        except Exception:  # noqa: BLE001 - a rule failing on odd input gives "?"
            op.engine.weights = UNKNOWN_PARAMS

    def super_layer_method(self, instance, name, positional, keywords, node):
        """``super().build(input_shape)``, ``super().call(x)``, ``super().compute_output_shape(s)``
        of a built-in layer's subclass: the parent's rule."""
        op = instance.keras_object
        if not isinstance(op, UserLayerObj):
            return UNKNOWN
        if name == "build":
            shape = positional[0] if positional else keywords.get("input_shape", UNKNOWN)
            if op.engine.weights is None:
                self._build_parent(op, tuple(shape) if isinstance(shape, (list, tuple)) else UNKNOWN)
            return None
        if name == "compute_output_shape" and positional and isinstance(positional[0], (list, tuple)):
            try:
                return op.engine.compute_output_shape(tuple(positional[0]), Derivation())
            except Exception:  # noqa: BLE001
                return UNKNOWN
        if name == "call":
            return calls.apply_layer(self.rec, op, private_copy(positional), dict(keywords), node)
        return UNKNOWN

    def add_weight(self, owner, positional, keywords, node, method: str = "add_weight"):
        """``self.add_weight(shape=..., trainable=...)`` or ``self.add_variable(shape, initializer)``
        (Keras 3 takes ``shape, initializer, dtype`` positionally): counts the weight and returns it
        as a tensor of that shape."""
        shape: object
        if positional and isinstance(positional[0], str) and method == "add_variable":
            # Keras 2's add_variable(name, shape): Keras 3 raises on the initializer it is given
            # (a message of its own for each value); the weight is not known
            shape = UNKNOWN
        elif positional and isinstance(positional[0], str):   # Keras 2's add_weight(name, shape)
            self.rec.error(node, "invalid-argument", "`name` must be passed as a keyword argument. "
                           f"Received: add_weight('{positional[0]}', ...). "
                           f"Use: add_weight(shape=..., name='{positional[0]}').")
            shape = UNKNOWN
        else:
            shape = keywords.get("shape", positional[0] if positional else ())
        if shape is None:
            shape = ()
        if isinstance(shape, int) and not isinstance(shape, bool):
            shape = (shape,)
        dims = _shape_dims(shape)
        count: object = UNKNOWN
        if isinstance(dims, tuple) and all(isinstance(d, int) for d in dims):
            size = math.prod(dims)
            count = size if size < 2 ** 63 else UNKNOWN   # beyond int64: no number Keras could hold
        own = owner.own if isinstance(owner, (SubclassModel, UserLayerObj)) else None
        trainable = keywords.get("trainable", True)
        if own is not None:
            own.add(count if isinstance(trainable, bool) else UNKNOWN, trainable is not False)
        return SymTensor(dims if isinstance(dims, tuple) and None not in dims else UNKNOWN)


__all__ = ["UserLayersMixin", "builtin_layer_parent", "user_override"]
