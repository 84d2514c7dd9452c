"""The op-rule registry and the helpers every family of ``keras.ops`` rules shares.

A rule is one function per Keras op, written with the op's own Python signature, mirroring the
op class's ``compute_output_spec``: tensor arguments arrive as shapes (tuples of ints / ``None``
/ ``UNKNOWN``, or ``UNKNOWN`` for an unknown rank), everything else as literals.  It returns the
output shape (a tuple of shapes for ops with several outputs), ``UNKNOWN`` when the answer
depends on a value we do not know, and raises ``ShapeError`` only where Keras certainly raises.
Any other exception a rule lets out (a ``TypeError`` on an unknown argument) means ``UNKNOWN``.

``@op("name", tensors=("x",), lists=("xs",))`` registers a rule; ``tensors`` names the
parameters holding one tensor, ``lists`` those holding a sequence of tensors (``*operands``
too), so callers can turn array literals into shapes (``literal_shape``).  ``cls`` is the Keras
``Operation`` class name (what a functional summary prints), when it is not the CamelCase name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, TypeVar

from ..errors import ShapeError
from ..shape import UNKNOWN, Dim, Shape, Shapes, dim_op, format_shape, is_int

# A tensor argument as a rule receives it: a shape (tuple of dims), ``UNKNOWN`` (unknown rank), or
# whatever else the user's code passed; ``x = known_shape(x)`` makes it a shape (or stops).
Tensor = object
F = TypeVar("F", bound=Callable[..., Shapes])


@dataclass(frozen=True)
class OpRule:
    name: str
    fn: Callable[..., Shapes]
    params: tuple[str, ...]    # positional parameter names, in order
    varargs: str | None        # the name of ``*args``, if any
    tensors: frozenset[str]    # parameters holding one tensor
    lists: frozenset[str]      # parameters holding a sequence of tensors
    keras_class: str           # the Operation class Keras records
    family: str                # numpy, core, nn, image, math, linalg

    def parameter(self, index_or_name: int | str) -> str | None:
        if isinstance(index_or_name, str):
            return index_or_name
        if index_or_name < len(self.params):
            return self.params[index_or_name]
        return self.varargs

    def role(self, index_or_name: int | str) -> str | None:
        """``"tensor"``, ``"list"`` or None for the argument at this position / keyword."""
        name = self.parameter(index_or_name)
        if name in self.tensors:
            return "tensor"
        if name in self.lists:
            return "list"
        return None


REGISTRY: dict[str, OpRule] = {}


def camel_case(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def op(*names: str, tensors: tuple[str, ...] = ("x",), lists: tuple[str, ...] = (),
       cls: str | None = None) -> Callable[[F], F]:
    """Register a rule under every name Keras exports it as (``image.`` ops keep the prefix)."""

    def wrap(fn: F) -> F:
        family = fn.__module__.rsplit(".", 1)[-1]
        code = fn.__code__                       # cheaper than inspect.signature at start-up
        # (0x04: CO_VARARGS, the function takes *args)
        params = code.co_varnames[:code.co_argcount]
        varargs = (code.co_varnames[code.co_argcount + code.co_kwonlyargcount]
                   if code.co_flags & 0x04 else None)
        for name in names:
            base = name.rsplit(".", 1)[-1]
            if name in REGISTRY:
                raise ValueError(f"op {name} registered twice")
            REGISTRY[name] = OpRule(name, fn, params, varargs, frozenset(tensors), frozenset(lists),
                                    cls or camel_case(base), family)
        return fn

    return wrap


# ---- helpers ----------------------------------------------------------------------------------

def known(shape: object) -> bool:
    return isinstance(shape, tuple)


def need(*shapes: object) -> None:
    """Stop with ``UNKNOWN`` unless every shape has a known rank."""
    if not all(isinstance(s, tuple) for s in shapes):
        raise Unknown


def known_shape(x: Tensor) -> tuple[Any, ...]:
    """``x`` as a shape of known rank; stop with ``UNKNOWN`` otherwise."""
    if not isinstance(x, tuple):
        raise Unknown
    return x


def known_shapes(xs: object) -> list[tuple[Any, ...]]:
    """A sequence of tensors as shapes of known rank; stop with ``UNKNOWN`` otherwise."""
    if not isinstance(xs, (list, tuple)):
        raise Unknown
    return [known_shape(x) for x in xs]


class Unknown(Exception):
    """Raised inside a rule: the answer is ``UNKNOWN``."""


def axis_index(axis: object, rank: int) -> int:
    """A valid axis for this rank, normalised; anything else is no verdict (``UNKNOWN``)."""
    if not is_int(axis) or not -rank <= axis < rank:
        raise Unknown
    return axis % rank


def axes_set(axis: object, rank: int) -> set[int]:
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    out = [axis_index(a, rank) for a in axes]
    if len(set(out)) != len(out):
        raise Unknown
    return set(out)


def literal_int(value: object) -> int:
    if not is_int(value):
        raise Unknown
    return value


def shape_arg(value: object) -> tuple[int, ...]:
    """A shape given as a literal (``(2, 3)``, ``[4]``, ``5``)."""
    if is_int(value):
        value = (value,)
    if not isinstance(value, (list, tuple)) or not all(is_int(d) and d >= 0 for d in value):
        raise Unknown
    return tuple(value)


def add(a: Dim, b: Dim) -> Dim:
    return dim_op(lambda x, y: x + y, a, b)


def broadcast(*shapes: Tensor) -> tuple[Any, ...]:
    """The broadcast of shapes of known rank (``broadcast_shapes`` of two tuples is a tuple)."""
    from ..layers.merging import broadcast_shapes
    need(*shapes)
    out = known_shape(shapes[0])
    for s in shapes[1:]:
        out = known_shape(broadcast_shapes(out, known_shape(s)))
    return out


def merge_dim(a: Dim, b: Dim, what: str, shapes: tuple[Shape, ...]) -> Dim:
    """Two dims that must be equal (Keras raises when both are known and differ)."""
    if is_int(a) and is_int(b):
        if a != b:
            raise ShapeError("incompatible-shapes",
                             f"`{what}` received incompatible shapes: "
                             + ", ".join(format_shape(s) for s in shapes))
        return a
    if is_int(a):
        return a
    if is_int(b):
        return b
    return UNKNOWN if UNKNOWN in (a, b) else None


def literal_shape(value: object, depth: int = 0) -> Shape:
    """The shape ``np.asarray(value)`` would have for a Python number or (nested) list literal,
    ``UNKNOWN`` for anything else (ragged lists, unknown items)."""
    if isinstance(value, (bool, int, float)):
        return ()
    if depth > 32 or not isinstance(value, (list, tuple)):
        return UNKNOWN
    if not value:
        return (0,)
    inner = [literal_shape(v, depth + 1) for v in value]
    first = inner[0]
    if first is UNKNOWN or any(s != first for s in inner):
        return UNKNOWN
    return (len(value),) + first


def as_tensor(value: object) -> object:
    """A tensor argument: a shape stays a shape; a Python number is a scalar (``()``) and a list
    an array literal (shapes are always tuples, so neither is ambiguous)."""
    if isinstance(value, (bool, int, float)):
        return ()
    if isinstance(value, list):
        return literal_shape(value)
    return value


def _tensor_arguments(rule: OpRule, positional: list[Any], keywords: dict[str, Any]
                      ) -> tuple[list[Any], dict[str, Any]]:
    pos = []
    for i, value in enumerate(positional):
        role = rule.role(i)
        if role == "tensor" or (role == "list" and i >= len(rule.params)):
            value = as_tensor(value)
        elif role == "list" and isinstance(value, (list, tuple)):
            value = [as_tensor(v) for v in value]
        pos.append(value)
    kw: dict[str, Any] = {}
    for key, value in keywords.items():
        role = rule.role(key)
        if role == "tensor":
            value = as_tensor(value)
        elif role == "list" and isinstance(value, (list, tuple)):
            value = [as_tensor(v) for v in value]
        kw[key] = value
    return pos, kw


def call_rule(rule: OpRule, positional: list[Any], keywords: dict[str, Any]) -> Shapes:
    try:
        positional, keywords = _tensor_arguments(rule, positional, keywords)
        return rule.fn(*positional, **keywords)
    except ShapeError:
        raise
    except (Unknown, TypeError, ValueError, IndexError, KeyError, ArithmeticError, AttributeError):
        return UNKNOWN
