"""Rules for ``keras.ops.numpy`` (``keras/src/ops/numpy.py``): elementwise and broadcasting
ops, reductions, constructors (``arange``, ``ones``, ``eye``, ``linspace``, ``*_like``),
reshaping and joining ops, ``einsum``, ``matmul`` / ``dot`` / ``tensordot``, ``take``,
``split``, ``pad``, ``tile``, ``repeat``, ``where`` and the rest whose output shape follows
from argument shapes and literal arguments.  Each rule mirrors the op class's
``compute_output_spec``."""

from __future__ import annotations

import math
from typing import Any, Callable

from ..errors import ShapeError
from ..shape import UNKNOWN, Dim, Shapes, dim_op, dim_product, format_shape, is_int
from .base import (
    Tensor,
    Unknown,
    axes_set,
    axis_index,
    broadcast,
    known_shape,
    known_shapes,
    literal_int,
    need,
    op,
    shape_arg,
)

# ---- elementwise -----------------------------------------------------------------------------

UNARY = (
    "abs absolute arccos arccosh arcsin arcsinh arctan arctanh cbrt ceil conj conjugate copy cos "
    "cosh deg2rad exp exp2 expm1 fabs floor imag isfinite isinf isnan isneginf isposinf isreal "
    "log log10 log1p log2 logical_not negative rad2deg real reciprocal sign signbit sin sinc sinh "
    "sqrt square tan tanh trunc bitwise_invert bitwise_not i0 angle"
).split()
_UNARY_CLASS = {"abs": "Absolute", "conj": "Conjugate"}


def _same(x: Tensor, *args: object, **kwargs: object) -> tuple[Any, ...]:
    return known_shape(x)


for _name in UNARY:
    op(_name, cls=_UNARY_CLASS.get(_name))(lambda x: _same(x))


@op("round")
def round_(x: Tensor, decimals: object = 0) -> Shapes:
    return _same(x)


@op("clip")
def clip(x: Tensor, x_min: object, x_max: object) -> Shapes:
    return _same(x)


@op("nan_to_num")
def nan_to_num(x: Tensor, nan: object = 0.0, posinf: object = None, neginf: object = None) -> Shapes:
    return _same(x)


BINARY = (
    "add subtract multiply divide true_divide divide_no_nan maximum minimum power floor_divide mod "
    "fmod equal not_equal less less_equal greater greater_equal logical_and logical_or logical_xor "
    "arctan2 hypot logaddexp logaddexp2 heaviside bitwise_and bitwise_or bitwise_xor left_shift "
    "right_shift bitwise_left_shift bitwise_right_shift gcd lcm nextafter fmax fmin ldexp"
).split()


def _binary(x1: Tensor, x2: Tensor) -> tuple[Any, ...]:
    return broadcast(x1, x2)


for _name in BINARY:
    op(_name, tensors=("x1", "x2"))(lambda x1, x2: _binary(x1, x2))


@op("isclose", tensors=("x1", "x2"))
def isclose(x1: Tensor, x2: Tensor, rtol: object = 1e-5, atol: object = 1e-8, equal_nan: object = False) -> Shapes:
    return broadcast(x1, x2)


@op("isin", tensors=("x1", "x2"), cls="IsIn")
def isin(x1: Tensor, x2: Tensor, assume_unique: object = False, invert: object = False) -> Shapes:
    return _same(x1)


@op("where", tensors=("condition", "x1", "x2"))
def where(condition: Tensor, x1: Tensor = None, x2: Tensor = None) -> Shapes:
    if x1 is None and x2 is None:
        return UNKNOWN                      # the indices of true values: data-dependent
    shapes = [condition, () if x1 is None else x1, () if x2 is None else x2]
    return broadcast(*shapes)


# ---- reductions --------------------------------------------------------------------------------

def reduce_shape(shape: Tensor, axis: object = None, keepdims: object = False) -> tuple[Any, ...]:
    """``keras.src.ops.operation_utils.reduce_shape``."""
    shape = known_shape(shape)
    if axis is None:
        return tuple(1 for _ in shape) if keepdims is True else ()
    if keepdims not in (True, False):
        raise Unknown
    axes = axes_set(axis, len(shape))
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


_REDUCTIONS = ("mean sum max min prod any all amax amin std var nanmean nansum nanmax nanmin nanprod "
               "nanstd nanvar median nanmedian argmax argmin nanargmax nanargmin ptp").split()
for _name in _REDUCTIONS:
    op(_name)(lambda x, axis=None, keepdims=False, **_: reduce_shape(x, axis, keepdims))


@op("count_nonzero")
def count_nonzero(x: Tensor, axis: object = None) -> Shapes:
    return reduce_shape(x, axis)


@op("average", tensors=("x", "weights"))
def average(x: Tensor, axis: object = None, weights: Tensor = None) -> Shapes:
    x = known_shape(x)
    if weights is not None and weights != x:
        return UNKNOWN
    return reduce_shape(x, None if axis is None else [axis])


@op("quantile", "percentile", "nanquantile", "nanpercentile", tensors=("x", "q"))
def quantile(x: Tensor, q: Tensor, axis: object = None, method: object = "linear", keepdims: object = False) -> Shapes:
    q = known_shape(q)
    out = reduce_shape(x, axis, keepdims)
    return (q[0],) + out if len(q) > 0 else out


@op("trace")
def trace(x: Tensor, offset: object = 0, axis1: object = 0, axis2: object = 1) -> Shapes:
    x = known_shape(x)
    a, b = axis_index(axis1, len(x)), axis_index(axis2, len(x))
    if a == b:
        raise Unknown
    return tuple(d for i, d in enumerate(x) if i not in (a, b))


@op("vdot", "trapezoid", tensors=("x1", "x2", "y", "x"))
def vdot(x1: Tensor, x2: Tensor = None, *args: object, **kwargs: object) -> Shapes:
    return UNKNOWN if x2 is None and not args else ()


# ---- constructors ------------------------------------------------------------------------------

def _number(value: object) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise Unknown
    return value


@op("arange", tensors=())
def arange(start: object, stop: object = None, step: object = None, dtype: object = None) -> Shapes:
    start = _number(start)
    if stop is None:
        start, stop = 0, start
    stop = _number(stop)
    step = 1 if step is None else _number(step)
    if step == 0:
        raise Unknown
    return (max(int(math.ceil((stop - start) / step)), 0),)


@op("linspace", "logspace", "geomspace", tensors=("start", "stop"))
def linspace(start: Tensor, stop: Tensor, num: object = 50, endpoint: object = True, *args: object, axis: object = 0,
             **kwargs: object) -> Shapes:
    num = literal_int(num)
    if num < 0:
        raise Unknown
    out = list(broadcast(start, stop))
    out.insert(axis_index(axis, len(out) + 1), num)
    if kwargs.get("retstep") is True or (args and args[0] is True):
        return UNKNOWN
    return tuple(out)


@op("zeros", "ones", "empty", tensors=())
def zeros(shape: object, dtype: object = None) -> Shapes:
    return shape_arg(shape)


@op("full", tensors=("fill_value",))
def full(shape: object, fill_value: Tensor, dtype: object = None) -> Shapes:
    return shape_arg(shape)


@op("zeros_like", "ones_like", "empty_like")
def zeros_like(x: Tensor, dtype: object = None) -> Shapes:
    return _same(x)


@op("full_like", tensors=("x", "fill_value"))
def full_like(x: Tensor, fill_value: Tensor, dtype: object = None) -> Shapes:
    return _same(x)


@op("eye", "tri", tensors=())
def eye(N: object, M: object = None, k: object = 0, dtype: object = None) -> Shapes:
    n = literal_int(N)
    m = n if M is None else literal_int(M)
    return (n, m)


@op("identity", tensors=())
def identity(n: object, dtype: object = None) -> Shapes:
    n = literal_int(n)
    return (n, n)


@op("bartlett", "blackman", "hamming", "hanning", tensors=())
def window(x: object) -> Shapes:
    return (literal_int(x),)


@op("kaiser", tensors=())
def kaiser(x: object, beta: object) -> Shapes:
    return (literal_int(x),)


# ---- shape manipulation ----------------------------------------------------------------------

@op("expand_dims")
def expand_dims(x: Tensor, axis: object) -> Shapes:
    x = known_shape(x)
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    rank = len(x) + len(axes)
    positions = sorted(axes_set(axes, rank))
    out = list(x)
    for p in positions:
        out.insert(p, 1)
    return tuple(out)


@op("squeeze")
def squeeze(x: Tensor, axis: object = None) -> Shapes:
    x = known_shape(x)
    if axis is None:
        if UNKNOWN in x:
            return UNKNOWN
        return tuple(d for d in x if d != 1)
    axes = axes_set(axis, len(x))
    if any(x[a] != 1 for a in axes):
        return UNKNOWN          # Keras raises on a known size != 1; no verdict from us
    return tuple(d for i, d in enumerate(x) if i not in axes)


def reshape_shape(shape: Tensor, newshape: object, traced: bool = False) -> tuple[Any, ...]:
    """``operation_utils.compute_reshape_output_shape``.  ``traced``: inside a traced call
    (a custom layer's ``call``), where JAX stands one symbol ``d`` for every ``None`` dim, so a
    ``None`` in ``newshape`` (``ops.shape(x)[0]``) cancels one ``None`` of the input."""
    if is_int(newshape):
        newshape = (newshape,)
    if not isinstance(newshape, (list, tuple)) or not all(is_int(d) or d is None for d in newshape):
        raise Unknown
    newshape = tuple(newshape)
    if newshape.count(-1) > 1 or any(is_int(d) and d < -1 for d in newshape):
        raise Unknown
    shape = known_shape(shape)
    if UNKNOWN in shape:
        if -1 in newshape:
            return tuple(UNKNOWN if d == -1 else d for d in newshape)
        return newshape
    if None in shape or None in newshape:
        if traced and -1 in newshape and shape.count(None) == newshape.count(None):
            size = math.prod(d for d in shape if d is not None)
            rest = math.prod(d for d in newshape if d is not None and d != -1)
            if rest and size % rest == 0:
                return tuple(size // rest if d == -1 else d for d in newshape)
            raise Unknown
        return tuple(None if d == -1 else d for d in newshape)
    size = math.prod(shape)
    if -1 not in newshape:
        if size != math.prod(newshape):
            raise ShapeError("invalid-reshape",
                             "The total size of the tensor must be unchanged. Received: "
                             f"input_shape={format_shape(shape)}, newshape={format_shape(newshape)}")
        return newshape
    rest = math.prod(d for d in newshape if d != -1)
    if rest == 0 or size % rest:
        raise ShapeError("invalid-reshape",
                         "The total size of the tensor must be unchanged, however, the input size "
                         "cannot by divided by the specified dimensions in newshape. Received: "
                         f"input_shape={format_shape(shape)}, newshape={format_shape(newshape)}")
    return tuple(size // rest if d == -1 else d for d in newshape)


@op("reshape")
def reshape(x: Tensor, newshape: object = UNKNOWN, *, new_shape: object = UNKNOWN, traced: object = False) -> Shapes:
    return reshape_shape(x, newshape if newshape is not UNKNOWN else new_shape, bool(traced))


def _flat(x: Tensor) -> tuple[Any, ...]:
    x = known_shape(x)
    if UNKNOWN in x:
        return (UNKNOWN,)
    return (None,) if None in x else (math.prod(x),)


@op("ravel", "flatten")
def ravel(x: Tensor) -> Shapes:
    return _flat(x)


@op("transpose")
def transpose(x: Tensor, axes: object = None) -> Shapes:
    x = known_shape(x)
    if axes is None:
        return tuple(reversed(x))
    if not isinstance(axes, (list, tuple)) or len(axes) != len(x):
        raise Unknown
    idx = [axis_index(a, len(x)) for a in axes]
    if len(set(idx)) != len(idx):
        raise Unknown
    return tuple(x[i] for i in idx)


@op("swapaxes")
def swapaxes(x: Tensor, axis1: object, axis2: object) -> Shapes:
    x = known_shape(x)
    a, b = axis_index(axis1, len(x)), axis_index(axis2, len(x))
    out = list(x)
    out[a], out[b] = out[b], out[a]
    return tuple(out)


@op("moveaxis")
def moveaxis(x: Tensor, source: object, destination: object) -> Shapes:
    x = known_shape(x)
    src = source if isinstance(source, (list, tuple)) else [source]
    dst = destination if isinstance(destination, (list, tuple)) else [destination]
    if len(src) != len(dst):
        raise Unknown
    src = [axis_index(a, len(x)) for a in src]
    dst = [axis_index(a, len(x)) for a in dst]
    if len(set(src)) != len(src) or len(set(dst)) != len(dst):
        raise Unknown
    rest = [i for i in range(len(x)) if i not in src]
    order: list[int | None] = [None] * len(x)
    for s, d in zip(src, dst):
        order[d] = s
    it = iter(rest)
    resolved = [o if o is not None else next(it) for o in order]
    return tuple(x[i] for i in resolved)


@op("flip", "roll")
def flip(x: Tensor, *args: object, axis: object = None, **kwargs: object) -> Shapes:
    x = known_shape(x)
    if axis is not None:
        axes_set(axis, len(x))
    return x


@op("fliplr", "flipud")
def fliplr(x: Tensor) -> Shapes:
    return _same(x)


@op("rot90", tensors=("array",))
def rot90(array: Tensor, k: object = 1, axes: object = (0, 1)) -> Shapes:
    array = known_shape(array)
    if len(array) < 2 or not isinstance(axes, (list, tuple)) or len(axes) != 2:
        raise Unknown
    a, b = axis_index(axes[0], len(array)), axis_index(axes[1], len(array))
    if a == b or not is_int(k):
        raise Unknown
    out = list(array)
    if k % 2 == 0 and out[a] != out[b]:
        raise Unknown       # Keras's symbolic rule swaps the axes whatever k; arrays do not
    out[a], out[b] = out[b], out[a]
    return tuple(out)


def _along(x: Tensor, axis: object) -> tuple[Any, ...]:
    x = known_shape(x)
    if axis is None:
        return _flat(x)
    axis_index(axis, len(x))
    return x


@op("sort", "argsort")
def sort(x: Tensor, axis: object = -1) -> Shapes:
    return _along(x, axis)


@op("cumsum", "cumprod", "nancumsum", "nancumprod")
def cumsum(x: Tensor, axis: object = None, dtype: object = None) -> Shapes:
    return _along(x, axis)


@op("argpartition")
def argpartition(x: Tensor, kth: object, axis: object = -1) -> Shapes:
    x = known_shape(x)
    axis_index(axis, len(x))
    return x


@op("diff", tensors=("a",))
def diff(a: Tensor, n: object = 1, axis: object = -1) -> Shapes:
    a = known_shape(a)
    n = literal_int(n)
    ax = axis_index(axis, len(a))
    out = list(a)
    out[ax] = dim_op(lambda s: max(s - n, 0), out[ax])
    return tuple(out)


@op("tril", "triu")
def tril(x: Tensor, k: object = 0) -> Shapes:
    return _same(x)


@op("diag")
def diag(x: Tensor, k: object = 0) -> Shapes:
    x = known_shape(x)
    k = literal_int(k)
    if len(x) == 1:
        d = dim_op(lambda s: s + abs(k), x[0])
        return (d, d)
    if len(x) == 2:
        return (_diagonal_length(x[0], x[1], k),)
    raise Unknown


def _diagonal_length(rows: Dim, cols: Dim, k: int) -> Dim:
    if rows is None or cols is None:
        return None
    if not (is_int(rows) and is_int(cols)):
        return UNKNOWN
    remaining = cols - k if k > 0 else rows + k
    return max(0, min(remaining, min(rows, cols)))


@op("diagonal")
def diagonal(x: Tensor, offset: object = 0, axis1: object = 0, axis2: object = 1) -> Shapes:
    x = known_shape(x)
    if len(x) < 2:
        raise Unknown
    a, b = axis_index(axis1, len(x)), axis_index(axis2, len(x))
    if a == b:
        raise Unknown
    rest = tuple(d for i, d in enumerate(x) if i not in (a, b))
    return rest + (_diagonal_length(x[a], x[b], literal_int(offset)),)


@op("diagflat")
def diagflat(x: Tensor, k: object = 0) -> Shapes:
    x = known_shape(x)
    n = dim_product(x)
    d = dim_op(lambda s: s + abs(literal_int(k)), n)
    return (d, d)


@op("broadcast_to")
def broadcast_to(x: Tensor, shape: object) -> Shapes:
    target = shape_arg(shape)
    broadcast(x, target)
    return target


@op("tile")
def tile(x: Tensor, repeats: object) -> Shapes:
    x = known_shape(x)
    reps = [repeats] if is_int(repeats) else list(repeats) if isinstance(repeats, (list, tuple)) else None
    if reps is None or not all(is_int(r) and r >= 0 for r in reps):
        raise Unknown
    shape = list(x)
    if len(shape) > len(reps):
        reps = [1] * (len(shape) - len(reps)) + reps
    else:
        shape = [1] * (len(reps) - len(shape)) + shape
    return tuple(dim_op(lambda s, r=r: s * r, s) for s, r in zip(shape, reps))


@op("repeat")
def repeat(x: Tensor, repeats: object, axis: object = None) -> Shapes:
    x = known_shape(x)
    reps = [repeats] if is_int(repeats) else list(repeats) if isinstance(repeats, (list, tuple)) else None
    if reps is None or not all(is_int(r) and r >= 0 for r in reps):
        raise Unknown
    if axis is None:
        size = dim_product(x)
        if not is_int(size):
            return (size,)
        if len(reps) == 1:
            return (size * reps[0],)
        if len(reps) != size:
            raise Unknown
        return (sum(reps),)
    ax = axis_index(axis, len(x))
    out = list(x)
    if out[ax] is None or out[ax] is UNKNOWN:
        return tuple(out)
    if len(reps) == 1:
        out[ax] = out[ax] * reps[0]
    elif len(reps) != out[ax]:
        raise Unknown
    else:
        out[ax] = sum(reps)
    return tuple(out)


@op("pad")
def pad(x: Tensor, pad_width: object, mode: object = "constant", constant_values: object = None) -> Shapes:
    x = known_shape(x)
    if is_int(pad_width):
        pad_width = [(pad_width, pad_width)]
    if not isinstance(pad_width, (list, tuple)):
        raise Unknown
    widths = [tuple(p) if isinstance(p, (list, tuple)) else (p, p) for p in pad_width]
    if not all(len(p) == 2 and all(is_int(v) and v >= 0 for v in p) for p in widths):
        raise Unknown
    if len(widths) == 1:
        widths = widths * len(x)
    elif len(widths) != len(x):
        raise Unknown
    return tuple(dim_op(lambda s, p=p: s + p[0] + p[1], d) for d, p in zip(x, widths))


# ---- joining and splitting -----------------------------------------------------------------

@op("concatenate", tensors=(), lists=("xs",))
def concatenate(xs: Tensor, axis: object = 0) -> Shapes:
    if not isinstance(xs, (list, tuple)) or not xs:
        raise Unknown
    need(*xs)
    if axis is None:
        return (dim_op(lambda *s: sum(s), *[_flat(s)[0] for s in xs]),)
    rank = len(xs[0])
    if any(len(s) != rank for s in xs):
        raise ShapeError("incompatible-shapes",
                         "All input tensors to `concatenate` must have the same rank. Received: "
                         + ", ".join(format_shape(s) for s in xs))
    ax = axis_index(axis, rank)
    out = []
    for i in range(rank):
        dims = [s[i] for s in xs]
        if i == ax:
            out.append(UNKNOWN if UNKNOWN in dims else None if None in dims else sum(dims))
            continue
        sizes = {d for d in dims if is_int(d)}
        if len(sizes) > 1:
            raise ShapeError("incompatible-shapes",
                             "`concatenate` expects all inputs to have the same shape except on the "
                             "concatenation axis. Received: " + ", ".join(format_shape(s) for s in xs))
        out.append(sizes.pop() if sizes else (UNKNOWN if UNKNOWN in dims else None))
    return tuple(out)


@op("append", tensors=("x1", "x2"))
def append(x1: Tensor, x2: Tensor, axis: object = None) -> Shapes:
    if axis is None:
        x1, x2 = known_shape(x1), known_shape(x2)
        return (dim_op(lambda a, b: a + b, _flat(x1)[0], _flat(x2)[0]),)
    return concatenate([x1, x2], axis)


def _stack_along(xs: Tensor, axis: object, expand: Callable[[tuple[Any, ...]], tuple[Any, ...]]) -> Shapes:
    if not isinstance(xs, (list, tuple)) or not xs:
        raise Unknown
    need(*xs)
    return concatenate([expand(s) for s in xs], axis)


@op("hstack", tensors=(), lists=("xs",))
def hstack(xs: Tensor) -> Shapes:
    xs = known_shapes(xs)
    if any(len(s) < 2 for s in xs):
        raise Unknown       # Keras's symbolic rule and the arrays disagree on 1-D inputs
    return concatenate(xs, 1)


@op("vstack", tensors=(), lists=("xs",))
def vstack(xs: Tensor) -> Shapes:
    xs = known_shapes(xs)
    if any(len(s) < 2 for s in xs):
        raise Unknown       # Keras's symbolic rule and the arrays disagree on 1-D inputs
    return concatenate(xs, 0)


@op("dstack", tensors=(), lists=("xs",))
def dstack(xs: Tensor) -> Shapes:
    def expand(s: tuple[Any, ...]) -> tuple[Any, ...]:
        return (1, 1, 1) if not s else (1, s[0], 1) if len(s) == 1 else s + (1,) if len(s) == 2 else s
    return _stack_along(xs, 2, expand)


@op("stack", tensors=(), lists=("x",))
def stack(x: Tensor, axis: object = 0) -> Shapes:
    if not isinstance(x, (list, tuple)) or not x:
        raise Unknown
    need(*x)
    first = x[0]
    if any(len(s) != len(first) for s in x):
        raise ShapeError("incompatible-shapes", "`stack` expects all inputs to have the same shape. "
                         "Received: " + ", ".join(format_shape(s) for s in x))
    merged = []
    for i in range(len(first)):
        sizes = {s[i] for s in x if is_int(s[i])}
        if len(sizes) > 1:
            raise ShapeError("incompatible-shapes", "`stack` expects all inputs to have the same "
                             "shape. Received: " + ", ".join(format_shape(s) for s in x))
        merged.append(sizes.pop() if sizes else first[i])
    ax = axis_index(axis, len(first) + 1)
    return tuple(merged[:ax]) + (len(x),) + tuple(merged[ax:])


def split_shapes(x: Tensor, indices_or_sections: object, axis: object = 0, *, exact: bool = True) -> list[Any]:
    """``_compute_split_output_spec``: a list of shapes."""
    x = known_shape(x)
    ax = axis_index(axis, len(x))
    size = x[ax]
    if is_int(indices_or_sections):
        n = indices_or_sections
        if n <= 0:
            raise Unknown
        if size is None or size is UNKNOWN:
            return [x[:ax] + (size,) + x[ax + 1:] for _ in range(n)]
        if exact and size % n:
            raise Unknown                      # Keras raises; the wording varies: no verdict
        base, extra = divmod(size, n)
        sizes = [base + (1 if i < extra else 0) for i in range(n)]
        return [x[:ax] + (s,) + x[ax + 1:] for s in sizes]
    if not isinstance(indices_or_sections, (list, tuple)) or not all(is_int(i) for i in indices_or_sections):
        raise Unknown
    points = list(indices_or_sections)
    if size is None or size is UNKNOWN:
        return [x[:ax] + (size,) + x[ax + 1:] for _ in range(len(points) + 1)]
    if any(p < 0 for p in points):
        raise Unknown
    bounds = [0] + points + [size]
    return [x[:ax] + (max(0, min(b, size) - min(a, size)),) + x[ax + 1:] for a, b in zip(bounds, bounds[1:])]


@op("split")
def split(x: Tensor, indices_or_sections: object, axis: object = 0) -> Shapes:
    return split_shapes(x, indices_or_sections, axis)


@op("array_split")
def array_split(x: Tensor, indices_or_sections: object, axis: object = 0) -> Shapes:
    return split_shapes(x, indices_or_sections, axis, exact=False)


@op("hsplit")
def hsplit(x: Tensor, indices_or_sections: object) -> Shapes:
    x = known_shape(x)
    return split_shapes(x, indices_or_sections, 0 if len(x) == 1 else 1)


@op("vsplit")
def vsplit(x: Tensor, indices_or_sections: object) -> Shapes:
    return split_shapes(x, indices_or_sections, 0)


@op("dsplit")
def dsplit(x: Tensor, indices_or_sections: object) -> Shapes:
    return split_shapes(x, indices_or_sections, 2)


@op("meshgrid", tensors=(), lists=("x",))
def meshgrid(*x: Tensor, indexing: object = "xy") -> Shapes:
    shapes = known_shapes(x)
    sizes = [1 if not s else dim_product(s) for s in shapes]
    if indexing == "xy" and len(sizes) >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    elif indexing not in ("xy", "ij"):
        raise Unknown
    return [tuple(sizes) for _ in x]


# ---- indexing --------------------------------------------------------------------------------

@op("take", tensors=("x", "indices"))
def take(x: Tensor, indices: Tensor, axis: object = None) -> Shapes:
    x, indices = known_shape(x), known_shape(indices)
    if axis is None:
        return indices
    ax = axis_index(axis, len(x))
    return x[:ax] + indices + x[ax + 1:]


@op("take_along_axis", tensors=("x", "indices"))
def take_along_axis(x: Tensor, indices: Tensor, axis: object = None) -> Shapes:
    x, indices = known_shape(x), known_shape(indices)
    if axis is None:
        return indices
    if len(x) != len(indices):
        raise Unknown
    ax = axis_index(axis, len(x))
    out = []
    for i, (a, b) in enumerate(zip(x, indices)):
        if i == ax:
            out.append(b)
        else:
            out.append(broadcast((a,), (b,))[0])
    return tuple(out)


@op("select", tensors=("default",), lists=("condlist", "choicelist"))
def select(condlist: Tensor, choicelist: Tensor, default: Tensor = 0) -> Shapes:
    if not isinstance(choicelist, (list, tuple)) or not choicelist:
        raise Unknown
    return known_shape(choicelist[0])


@op("searchsorted", tensors=("sorted_sequence", "values"), cls="SearchSorted")
def searchsorted(sorted_sequence: Tensor, values: Tensor, side: object = "left") -> Shapes:
    return _same(values)


@op("digitize", tensors=("x", "bins"))
def digitize(x: Tensor, bins: Tensor) -> Shapes:
    return _same(x)


# ---- products --------------------------------------------------------------------------------

def matmul_shape(a: Tensor, b: Tensor) -> tuple[Any, ...]:
    """``Matmul.compute_output_spec`` (also ``x @ y``)."""
    a, b = known_shape(a), known_shape(b)
    if len(a) == 0 or len(b) == 0:
        raise Unknown
    a2 = a if len(a) > 1 else (1,) + a
    b2 = b if len(b) > 1 else b + (1,)
    inner_a, inner_b = a2[-1], b2[-2]
    if is_int(inner_a) and is_int(inner_b) and inner_a != inner_b:
        raise ShapeError(
            "incompatible-shapes",
            f"Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received "
            f"`x1.shape={format_shape(a)}` and `x2.shape={format_shape(b)}`.")
    batch = broadcast(a2[:-2], b2[:-2]) if (a2[:-2] or b2[:-2]) else ()
    out = tuple(batch) + (a2[-2], b2[-1])
    if len(a) == 1:
        out = out[:-2] + out[-1:]
    if len(b) == 1:
        out = out[:-1]
    return out


@op("matmul", tensors=("x1", "x2"))
def matmul(x1: Tensor, x2: Tensor) -> Shapes:
    return matmul_shape(x1, x2)


@op("dot", tensors=("x1", "x2"))
def dot(x1: Tensor, x2: Tensor) -> Shapes:
    x1, x2 = known_shape(x1), known_shape(x2)
    if not x1 or not x2:
        return broadcast(x1, x2)
    if len(x1) == 1 and len(x2) == 1:
        return ()
    if len(x2) == 1:
        if x1[-1] != x2[0]:
            raise Unknown
        return x1[:-1]
    if x1[-1] is None or x2[-2] is None or x1[-1] == x2[-2]:
        return x1[:-1] + x2[:-2] + x2[-1:]
    raise Unknown


@op("tensordot", tensors=("x1", "x2"))
def tensordot(x1: Tensor, x2: Tensor, axes: object = 2) -> Shapes:
    x1, x2 = known_shape(x1), known_shape(x2)
    if is_int(axes):
        return x1 + x2 if axes <= 0 else x1[:-axes] + x2[axes:]
    if not (isinstance(axes, (list, tuple)) and len(axes) == 2):
        raise Unknown
    a1 = axes[0] if isinstance(axes[0], (list, tuple)) else [axes[0]]
    a2 = axes[1] if isinstance(axes[1], (list, tuple)) else [axes[1]]
    if len(a1) != len(a2):
        raise Unknown
    i1 = {axis_index(a, len(x1)) for a in a1}
    i2 = {axis_index(a, len(x2)) for a in a2}
    return tuple(d for i, d in enumerate(x1) if i not in i1) + tuple(d for i, d in enumerate(x2) if i not in i2)


@op("inner", tensors=("x1", "x2"))
def inner(x1: Tensor, x2: Tensor) -> Shapes:
    x1, x2 = known_shape(x1), known_shape(x2)
    if not x1:
        return x2
    if not x2:
        return x1
    if is_int(x1[-1]) and is_int(x2[-1]) and x1[-1] != x2[-1]:
        raise Unknown
    return x1[:-1] + x2[:-1]


@op("outer", tensors=("x1", "x2"))
def outer(x1: Tensor, x2: Tensor) -> Shapes:
    x1, x2 = known_shape(x1), known_shape(x2)
    return (_flat(x1)[0] if x1 else 1, _flat(x2)[0] if x2 else 1)


@op("kron", tensors=("x1", "x2"))
def kron(x1: Tensor, x2: Tensor) -> Shapes:
    x1, x2 = known_shape(x1), known_shape(x2)
    if len(x1) != len(x2):
        raise Unknown       # Keras's symbolic rule zips the shapes; the arrays would differ
    return tuple(dim_op(lambda a, b: a * b, a, b) for a, b in zip(x1, x2))


@op("cross", tensors=("x1", "x2"))
def cross(x1: Tensor, x2: Tensor, axisa: object = -1, axisb: object = -1, axisc: object = -1,
          axis: object = None) -> Shapes:
    x1, x2 = known_shape(x1), known_shape(x2)
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = axis_index(axisa, len(x1)), axis_index(axisb, len(x2))
    va, vb = x1[a], x2[b]
    if not (va in (2, 3) and vb in (2, 3)):
        raise Unknown
    out = list(broadcast(x1[:a] + x1[a + 1:], x2[:b] + x2[b + 1:]))
    value = [3] if 3 in (va, vb) else []
    c = axis_index(axisc, len(out) + len(value))
    return tuple(out[:c] + value + out[c:])


@op("einsum", tensors=(), lists=("operands",))
def einsum(subscripts: object, *operands: Tensor) -> Shapes:
    """The output of ``einsum``: each output label's size from the operand axes carrying it
    (numpy's rules: ``...`` broadcast, implicit output = labels used once, sorted)."""
    if not isinstance(subscripts, str) or not operands:
        raise Unknown
    shapes = known_shapes(operands)
    spec = subscripts.replace(" ", "")
    if "->" in spec:
        lhs, rhs = spec.split("->")
    else:
        lhs, rhs = spec, None
    terms = lhs.split(",")
    if len(terms) != len(operands):
        raise Unknown
    sizes: dict[str, Dim] = {}
    ellipsis_shapes = []
    for term, shape in zip(terms, shapes):
        labels = term.replace("...", ".")
        if labels.count(".") > 1 or not all(c.isalpha() or c == "." for c in labels):
            raise Unknown
        named = len(labels) - labels.count(".")
        if "." in labels:
            if len(shape) < named:
                raise Unknown
            k = labels.index(".")
            ell_len = len(shape) - named
            ellipsis_shapes.append(shape[k:k + ell_len])
            dims = list(shape[:k]) + [None] + list(shape[k + ell_len:])
        else:
            if len(shape) != named:
                raise Unknown
            dims = list(shape)
        for c, d in zip(labels, dims):
            if c == ".":
                continue
            prev = sizes.get(c, 1)
            sizes[c] = _einsum_dim(prev, d)
    ellipsis = broadcast(*ellipsis_shapes) if ellipsis_shapes else ()
    if rhs is None:
        counts: dict[str, int] = {}
        for c in lhs:
            if c.isalpha():
                counts[c] = counts.get(c, 0) + 1
        rhs = ("..." if ellipsis_shapes else "") + "".join(sorted(c for c, n in counts.items() if n == 1))
    out: list[Dim] = []
    for c in rhs.replace("...", "."):
        if c == ".":
            out.extend(ellipsis)
        elif c in sizes:
            out.append(sizes[c])
        else:
            raise Unknown
    return tuple(out)


def _einsum_dim(a: Dim, b: Dim) -> Dim:
    if a == 1:
        return b
    if b == 1:
        return a
    if is_int(a) and is_int(b):
        if a != b:
            raise Unknown
        return a
    if is_int(a):
        return a
    if is_int(b):
        return b
    return UNKNOWN if UNKNOWN in (a, b) else None


@op("vander")
def vander(x: Tensor, N: object = None, increasing: object = False) -> Shapes:
    x = known_shape(x)
    n = x[0] if N is None else literal_int(N)
    return x + (n,)


@op("correlate", tensors=("x1", "x2"))
def correlate(x1: Tensor, x2: Tensor, mode: object = "valid") -> Shapes:
    x1, x2 = known_shape(x1), known_shape(x2)
    if len(x1) != 1 or len(x2) != 1:
        raise Unknown
    a, b = x1[0], x2[0]
    if mode == "valid":
        return (dim_op(lambda p, q: max(p, q) - min(p, q) + 1, a, b),)
    if mode == "same":
        return (dim_op(max, a, b),)
    if mode == "full":
        return (dim_op(lambda p, q: p + q - 1, a, b),)
    raise Unknown


@op("histogram")
def histogram(x: Tensor, bins: object = 10, range: object = None) -> Shapes:
    b = literal_int(bins)
    return ((b,), (b + 1,))


@op("unravel_index", tensors=("indices",))
def unravel_index(indices: Tensor, shape: object) -> Shapes:
    indices = known_shape(indices)
    return [indices for _ in shape_arg(shape)]


@op("corrcoef")
def corrcoef(x: Tensor) -> Shapes:
    x = known_shape(x)
    if len(x) == 1:
        return ()
    if len(x) == 2:
        return (x[0], x[0])
    raise Unknown
