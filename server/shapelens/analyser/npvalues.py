"""The values of small NumPy integer arrays built from literals (``np.array([1, 1, 1]) * 2``).

A concrete array (``SymTensor(constant=True)``) may carry ``values``: the items of a 1-d int64
array, known exactly.  They are known only while certain: ``np.array`` of a list of Python ints,
arithmetic with Python ints or other such arrays, and reading one item (``sizes[i]``) or iterating.
Anything that could change or alias the items — an item or attribute assignment, an in-place
operator, a slice or a method (views share the items), the array given to any call the
interpreter does not follow itself — forgets them (the array keeps its shape).

An item is a :class:`NumpyInt`: an ``int`` that remembers it is ``np.int64``, whose arithmetic
stays ``np.int64`` as NumPy's does.  Keras treats ``np.int64`` differently from ``int`` in places
(``Dense(units)`` and a bare ``pool_size`` reject it, ``Conv2D(filters)`` takes it), so at a Keras
call a bare one is unknown; inside a tuple or list (``pool_size=(s, s)``), which Keras reads with
``int(...)``, it is the number.
"""

from __future__ import annotations

import ast

from ..engine.shape import UNKNOWN
from .values import SymTensor

MAX_ITEMS = 64
LIMIT = 2 ** 62                 # far inside int64: NumPy's wrap-around never happens


class NumpyInt(int):
    """An item of an int64 array (``np.int64``): arithmetic with ints stays ``np.int64``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"np.int64({int(self)})"

    def __str__(self) -> str:
        return str(int(self))

    def __format__(self, spec: str) -> str:
        return format(int(self), spec)

    def __neg__(self):
        return _wrap(-int(self))

    def __pos__(self):
        return self

    def __abs__(self):
        return _wrap(abs(int(self)))

    def __invert__(self):
        return _wrap(~int(self))


def _wrap(value):
    if isinstance(value, bool) or not isinstance(value, int):
        return value
    return NumpyInt(value) if -LIMIT < value < LIMIT else UNKNOWN


def _int_operand(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _arith(op: ast.operator, a: int, b: int):
    """NumPy's int64 ``a op b`` for the operators whose result is an int, or ``UNKNOWN``."""
    a, b = int(a), int(b)
    if isinstance(op, ast.Add):
        return a + b
    if isinstance(op, ast.Sub):
        return a - b
    if isinstance(op, ast.Mult):
        return a * b
    if isinstance(op, (ast.FloorDiv, ast.Mod)) and b != 0:   # NumPy gives 0 (and warns) on 0
        return a // b if isinstance(op, ast.FloorDiv) else a % b
    if isinstance(op, ast.Pow) and 0 <= b <= 64 and abs(a) < 2 ** 16:
        return a ** b
    return UNKNOWN


def scalar_binop(op: ast.operator, left, right):
    """``s op n`` with a :class:`NumpyInt` and an int; ``MISSING``-like ``None`` for other cases
    (floats, strings, lists: Python's own result stands in for NumPy's)."""
    if not (isinstance(left, NumpyInt) or isinstance(right, NumpyInt)):
        return None
    if not (_int_operand(left) and _int_operand(right)):
        return None
    if isinstance(op, ast.Div):
        return None             # np.float64: a float, as Python's
    result = _arith(op, left, right)
    return result if result is UNKNOWN else _wrap(result)


def valued(value) -> bool:
    return isinstance(value, SymTensor) and value.constant and value.values is not None


def from_literal(value):
    """The items of ``np.array(value)`` when ``value`` is a flat list or tuple of ints."""
    if not isinstance(value, (list, tuple)) or not value or len(value) > MAX_ITEMS:
        return None
    if not all(_int_operand(v) and -LIMIT < v < LIMIT for v in value):
        return None
    return tuple(int(v) for v in value)


def _operand(value):
    if valued(value):
        return value.values
    return (int(value),) if _int_operand(value) else None


def array_binop(op: ast.operator, left, right):
    """``a op b`` with a known array and an int (or two known arrays): a known array, or None."""
    if not (valued(left) or valued(right)):
        return None
    a, b = _operand(left), _operand(right)
    if a is None or b is None:
        return None
    n = max(len(a), len(b))
    a, b = (a * n if len(a) == 1 else a), (b * n if len(b) == 1 else b)
    if len(a) != len(b):
        return None             # NumPy's broadcasting error is not ours to report
    items = [_arith(op, x, y) for x, y in zip(a, b)]
    if any(v is UNKNOWN or not -LIMIT < v < LIMIT for v in items):
        return None
    result = SymTensor((len(items),), constant=True)
    result.values = tuple(items)
    return result


def item(tensor: SymTensor, key):
    """``a[i]`` of a known array: the item, ``UNKNOWN`` out of range; None for other keys (and
    then the items are forgotten: a slice is a view of them)."""
    if _int_operand(key) and tensor.values is not None:
        values = tensor.values
        return NumpyInt(values[key]) if -len(values) <= key < len(values) else UNKNOWN
    forget(tensor)
    return None


def items(tensor: SymTensor):
    return [NumpyInt(v) for v in tensor.values] if tensor.values is not None else None


def forget(value) -> int:
    """Forget the items of the known arrays in ``value`` (nested in lists, tuples and dicts; a
    bounded walk: what it does not reach cannot be a literal-built array in practice).  Returns
    how many values it visited: the interpreter counts them as steps."""
    stack, seen = [value], 0
    while stack and seen < 4096:
        v = stack.pop()
        seen += 1
        if isinstance(v, SymTensor):
            v.values = None
        elif isinstance(v, (list, tuple)):
            stack.extend(v[:MAX_ITEMS])
        elif isinstance(v, dict):
            stack.extend(list(v.values())[:MAX_ITEMS])
    return seen


_LEAVES = frozenset({int, float, str, bool, type(None)})


def forget_arguments(positional: list, keywords: dict) -> int:
    """``forget`` of a call's arguments (one bounded walk), without walking the usual plain ones:
    numbers, strings and tensors; how many nested values it visited."""
    nested = []
    for v in (*positional, *keywords.values()):
        kind = type(v)
        if kind is SymTensor:
            v.values = None
        elif kind not in _LEAVES:
            nested.append(v)
    return forget(nested) if nested else 0


def keras_argument(value, depth: int = 0):
    """An argument as Keras reads it: a bare ``np.int64`` unknown, items of tuples ints."""
    if isinstance(value, NumpyInt):
        return UNKNOWN if depth == 0 else int(value)
    if depth < 4 and type(value) in (list, tuple) and any(isinstance(v, NumpyInt) for v in value):
        return type(value)(keras_argument(v, depth + 1) for v in value)
    return value
