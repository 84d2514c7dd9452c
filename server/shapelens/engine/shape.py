"""Static tensor shapes: dimensions that are known, dynamic (Keras ``None``) or unknown (``?``).

Keras itself distinguishes a *known* dimension (an int) from a *dynamic* one (``None``: the batch
axis, or a variable-length sequence).  A static analyser adds a third case: a value we could not
work out without running the code (read from a file, returned by an unknown function).  That is
``UNKNOWN``, printed ``?``.  A whole shape can be ``UNKNOWN`` too (unknown rank).

Arithmetic on dimensions follows one rule: ``?`` wins over ``None`` wins over a number.
"""

from __future__ import annotations

from enum import Enum
from typing import Any, Callable, Final, Iterable, Literal, TypeGuard, Union


class _Unknown(Enum):
    """The one value standing for "not knowable statically".

    A one-member enum so that type checkers narrow ``x is UNKNOWN`` / ``x is not UNKNOWN``."""

    UNKNOWN = "?"

    def __repr__(self) -> str:
        return "?"

    def __str__(self) -> str:
        return "?"

    def __format__(self, spec: str) -> str:
        return object.__format__(self, spec)

    def __bool__(self) -> bool:  # an unknown is never a "true" answer to a test
        return False


UNKNOWN: Final = _Unknown.UNKNOWN
Unknown = Literal[_Unknown.UNKNOWN]

Dim = Union[int, None, Unknown]
Shape = Union[tuple[Any, ...], Unknown]  # tuple of Dim, or UNKNOWN for unknown rank
Shapes = Union[Shape, list[Any]]         # a layer's input(s) or output(s): a shape, or a list/tuple of shapes


def is_int(value: object) -> TypeGuard[int]:
    """A plain integer (bools excluded: ``True`` is not a dimension)."""
    return type(value) is int or (isinstance(value, int) and not isinstance(value, bool))


def dim_op(fn: Callable[..., int], *dims: Dim) -> Dim:
    """Apply ``fn`` to numeric dims; ``?`` if any is unknown (or not a dimension at all), else
    ``None`` if any is dynamic."""
    for d in dims:
        if type(d) is not int:
            break
    else:                   # the common case, plain integers, without the checks below
        return fn(*dims)
    if any(d is UNKNOWN or not (d is None or is_int(d)) for d in dims):
        return UNKNOWN
    if any(d is None for d in dims):
        return None
    return fn(*dims)


def dim_product(dims: Iterable[Dim]) -> Dim:
    total: Dim = 1
    for d in dims:
        total = dim_op(lambda a, b: a * b, total, d)
    return total


MAX_DIM_BITS = 1000     # an int longer than this is no size: ``format_dim`` shows it as ``?``


def format_dim(dim: Dim) -> str:
    if dim is UNKNOWN:
        return "?"
    if dim is None:
        return "None"
    if isinstance(dim, int) and dim.bit_length() > MAX_DIM_BITS:
        return "?"          # not a size anything can hold (and too long for str())
    return str(dim)


def plain_dims_text(shape: Any) -> str | None:
    """``"None, 148, 148, 16"`` for a tuple of sizes and ``None`` dims (the usual shape, quickly);
    ``None`` for anything else (``format_dim`` spells each such dim)."""
    if type(shape) is tuple and all(d is None or (type(d) is int and d.bit_length() <= MAX_DIM_BITS) for d in shape):
        return ", ".join(["None" if d is None else str(d) for d in shape])
    return None


def format_shape(shape: Any) -> str:
    """Keras's own spelling: ``(None, 148, 148, 16)``, ``(None, 1)``; ``?`` for unknown rank.

    A list or tuple of shapes (a layer with several outputs) prints as Keras prints nested
    structures: a list of the shapes.
    """
    if shape is UNKNOWN:
        return "?"
    inner = plain_dims_text(shape)
    if inner is not None:
        return f"({inner},)" if len(shape) == 1 else f"({inner})"
    if is_shape_list(shape):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    if isinstance(shape, tuple):
        if len(shape) == 1:
            return f"({format_dim(shape[0])},)"
        return "(" + ", ".join(format_dim(d) for d in shape) + ")"
    return "?"


def is_shape_list(value: object) -> bool:
    """A list (or tuple of tuples) of shapes, as opposed to a single shape."""
    if isinstance(value, list):
        return True
    return isinstance(value, tuple) and len(value) > 0 and all(
        isinstance(v, tuple) or v is UNKNOWN for v in value
    ) and any(isinstance(v, tuple) for v in value)
