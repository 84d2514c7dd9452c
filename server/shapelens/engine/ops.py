"""Output shapes of ``keras.ops`` functions (and the operators ``@``) on symbolic tensors,
mirroring each op's ``compute_output_spec`` in ``keras/src/ops/*.py``.

``op_output_shape(name, positional, keywords)`` takes shapes for tensor arguments and literals
for the rest; it returns a shape, ``UNKNOWN`` for an op it does not model, or raises
``ShapeError`` where Keras certainly raises.
"""

from __future__ import annotations

from .errors import ShapeError
from .shape import UNKNOWN, dim_product, format_shape, is_int

ELEMENTWISE = frozenset({
    "relu", "relu6", "sigmoid", "tanh", "softmax", "log_softmax", "gelu", "silu", "swish", "elu",
    "selu", "softplus", "softsign", "leaky_relu", "hard_sigmoid", "hard_silu", "hard_swish", "exp",
    "log", "sqrt", "abs", "absolute", "square", "negative", "cast", "clip", "sin", "cos", "tan",
    "round", "floor", "ceil", "sign", "erf", "rsqrt", "log1p", "expm1", "stop_gradient", "mish",
    "celu", "sparse_plus", "squareplus", "tanh_shrink", "soft_shrink", "hard_tanh", "logical_not",
    "reciprocal", "copy", "nan_to_num", "sigmoid", "l2_normalize", "normalize",
})
BINARY = frozenset({
    "add", "subtract", "multiply", "divide", "true_divide", "maximum", "minimum", "power",
    "floor_divide", "mod", "equal", "not_equal", "less", "less_equal", "greater", "greater_equal",
    "logical_and", "logical_or", "logical_xor", "arctan2",
})
REDUCTIONS = frozenset({"mean", "sum", "max", "min", "prod", "any", "all", "std", "var", "logsumexp",
                        "amax", "amin"})
ARG_REDUCTIONS = frozenset({"argmax", "argmin"})


def _axis(axis, rank: int):
    if not is_int(axis):
        raise TypeError("axis")
    if not -rank <= axis < rank:
        raise TypeError("axis out of range")   # Keras's own error varies: no verdict from us
    return axis % rank


def _known(shape) -> bool:
    return isinstance(shape, tuple)


def reduction(shape, axis=None, keepdims=False):
    if not _known(shape):
        return UNKNOWN
    if axis is None:
        return tuple(1 for _ in shape) if keepdims else ()
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    axes = {_axis(a, len(shape)) for a in axes}
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def concatenate(shapes, axis=0):
    if not isinstance(shapes, (list, tuple)) or not shapes or not all(_known(s) for s in shapes):
        return UNKNOWN
    rank = len(shapes[0])
    if any(len(s) != rank for s in shapes):
        raise ShapeError("incompatible-shapes",
                         "All input tensors to `concatenate` must have the same rank. Received: "
                         + ", ".join(format_shape(s) for s in shapes))
    axis = _axis(axis, rank)
    out = []
    for i in range(rank):
        dims = [s[i] for s in shapes]
        if i == axis:
            if any(d is UNKNOWN for d in dims):
                out.append(UNKNOWN)
            elif any(d is None for d in dims):
                out.append(None)
            else:
                out.append(sum(dims))
            continue
        known = {d for d in dims if is_int(d)}
        if len(known) > 1:
            raise ShapeError("incompatible-shapes",
                             "`concatenate` expects all inputs to have the same shape except on the "
                             "concatenation axis. Received: " + ", ".join(format_shape(s) for s in shapes))
        out.append(known.pop() if known else (UNKNOWN if UNKNOWN in dims else None))
    return tuple(out)


def stack(shapes, axis=0):
    if not isinstance(shapes, (list, tuple)) or not shapes or not all(_known(s) for s in shapes):
        return UNKNOWN
    first = shapes[0]
    if any(len(s) != len(first) for s in shapes):
        raise ShapeError("incompatible-shapes", "`stack` expects all inputs to have the same shape. Received: "
                         + ", ".join(format_shape(s) for s in shapes))
    merged = []
    for i in range(len(first)):
        known = {s[i] for s in shapes if is_int(s[i])}
        if len(known) > 1:
            raise ShapeError("incompatible-shapes", "`stack` expects all inputs to have the same shape. "
                             "Received: " + ", ".join(format_shape(s) for s in shapes))
        merged.append(known.pop() if known else first[i])
    axis = _axis(axis, len(first) + 1)
    return tuple(merged[:axis]) + (len(shapes),) + tuple(merged[axis:])


def expand_dims(shape, axis):
    if not _known(shape):
        return UNKNOWN
    axes = axis if isinstance(axis, (list, tuple)) else (axis,)
    rank = len(shape) + len(axes)
    positions = sorted(_axis(a, rank) for a in axes)
    out = list(shape)
    for p in positions:
        out.insert(p, 1)
    return tuple(out)


def squeeze(shape, axis=None):
    if not _known(shape):
        return UNKNOWN
    if axis is None:
        if any(d is UNKNOWN for d in shape):
            return UNKNOWN
        return tuple(d for d in shape if d != 1)
    axes = {_axis(a, len(shape)) for a in (axis if isinstance(axis, (list, tuple)) else (axis,))}
    return tuple(d for i, d in enumerate(shape) if i not in axes)


def reshape(shape, newshape):
    if is_int(newshape):
        newshape = (newshape,)
    if not isinstance(newshape, (list, tuple)) or not all(is_int(d) or d is None for d in newshape):
        return UNKNOWN
    newshape = tuple(newshape)
    if newshape.count(-1) > 1:
        return UNKNOWN
    if -1 not in newshape:
        return newshape
    if not _known(shape):
        return tuple(UNKNOWN if d == -1 else d for d in newshape)
    total = dim_product(shape)
    rest = dim_product(d for d in newshape if d != -1)
    if is_int(total) and is_int(rest) and rest:
        fill = total // rest
    elif total is None or rest is None:
        fill = None
    else:
        fill = UNKNOWN
    return tuple(fill if d == -1 else d for d in newshape)


def transpose(shape, axes=None):
    if not _known(shape):
        return UNKNOWN
    if axes is None:
        return tuple(reversed(shape))
    if not isinstance(axes, (list, tuple)) or len(axes) != len(shape):
        return UNKNOWN
    return tuple(shape[_axis(a, len(shape))] for a in axes)


def matmul(a, b):
    """``x @ y`` (``keras.src.ops.numpy.Matmul.compute_output_spec``)."""
    if not _known(a) or not _known(b):
        return UNKNOWN
    if len(a) == 0 or len(b) == 0:
        return UNKNOWN
    a2 = a if len(a) > 1 else (1,) + a
    b2 = b if len(b) > 1 else b + (1,)
    inner_a, inner_b = a2[-1], b2[-2]
    if is_int(inner_a) and is_int(inner_b) and inner_a != inner_b:
        raise ShapeError(
            "incompatible-shapes",
            f"Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received "
            f"`x1.shape={format_shape(a)}` and `x2.shape={format_shape(b)}`.")
    batch_a, batch_b = a2[:-2], b2[:-2]
    from .layers.merging import broadcast_shapes
    batch = broadcast_shapes(batch_a, batch_b) if (batch_a or batch_b) else ()
    out = tuple(batch) + (a2[-2], b2[-1])
    if len(a) == 1:
        out = out[:-2] + out[-1:]
    if len(b) == 1:
        out = out[:-1]
    return out


def op_output_shape(name: str, positional: list, keywords: dict):
    """The shape ``keras.ops.<name>(...)`` gives, or ``UNKNOWN``."""
    args = list(positional)
    get = lambda i, key, default=None: args[i] if len(args) > i else keywords.get(key, default)  # noqa: E731
    try:
        if name in ELEMENTWISE:
            shape = get(0, "x")
            return shape if _known(shape) else UNKNOWN
        if name in BINARY:
            from .layers.merging import broadcast_shapes
            a, b = get(0, "x1"), get(1, "x2")
            a = () if isinstance(a, (int, float)) else a
            b = () if isinstance(b, (int, float)) else b
            return broadcast_shapes(a, b) if _known(a) and _known(b) else UNKNOWN
        if name in REDUCTIONS:
            return reduction(get(0, "x"), get(1, "axis"), get(2, "keepdims", False))
        if name in ARG_REDUCTIONS:
            return reduction(get(0, "x"), get(1, "axis"), get(2, "keepdims", False))
        if name == "concatenate":
            return concatenate(get(0, "xs"), get(1, "axis", 0))
        if name == "stack":
            return stack(get(0, "x"), get(1, "axis", 0))
        if name == "expand_dims":
            return expand_dims(get(0, "x"), get(1, "axis"))
        if name == "squeeze":
            return squeeze(get(0, "x"), get(1, "axis"))
        if name == "reshape":
            return reshape(get(0, "x"), get(1, "newshape", keywords.get("new_shape")))
        if name == "transpose":
            return transpose(get(0, "x"), get(1, "axes"))
        if name == "matmul":
            return matmul(get(0, "x1"), get(1, "x2"))
        if name == "flatten":
            shape = get(0, "x")
            return (dim_product(shape),) if _known(shape) else UNKNOWN
    except (TypeError, ValueError, IndexError):
        return UNKNOWN
    return UNKNOWN
