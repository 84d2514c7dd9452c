"""Rules for ``keras.ops.core`` (``keras/src/ops/core.py``): ``cast``, ``convert_to_tensor``,
``slice`` / ``slice_update``, ``scatter`` / ``scatter_update``, ``unstack`` and the other ops
whose output shape follows from their arguments.  Control flow (``cond``, ``scan``,
``while_loop``, ``map``, ``switch``, ``vectorized_map``) depends on functions we do not run: ``?``.
"""

from __future__ import annotations

from typing import Any

from ..shape import Dim, Shape, Shapes, dim_op, is_int
from .base import Tensor, Unknown, axis_index, known_shape, op, shape_arg


def _same(x: Tensor) -> Shape:
    return known_shape(x)


@op("cast", "saturate_cast", "stop_gradient", "convert_to_tensor", "array")
def cast(x: Tensor, *args: Any, **kwargs: Any) -> Shapes:
    return _same(x)


@op("slice", tensors=("inputs", "start_indices"))
def slice_(inputs: Tensor, start_indices: Tensor, shape: object) -> Shapes:
    inputs = known_shape(inputs)
    if not isinstance(shape, (list, tuple)) or len(shape) != len(inputs):
        raise Unknown
    out: list[Dim] = []
    for i, (dim, size) in enumerate(zip(inputs, shape)):
        if not is_int(size) or size < -1:
            raise Unknown
        if size != -1:
            out.append(size)
        elif not isinstance(start_indices, (list, tuple)) or start_indices == () and inputs:
            out.append(None)            # start indices given as a tensor: Keras says None
        else:
            out.append(dim_op(lambda d, s: d - s, dim, start_indices[i]))
    return tuple(out)


@op("slice_update", tensors=("inputs", "start_indices", "updates"))
def slice_update(inputs: Tensor, start_indices: Tensor, updates: Tensor) -> Shapes:
    return _same(inputs)


@op("scatter", tensors=("indices", "values"))
def scatter(indices: Tensor, values: Tensor, shape: object) -> Shapes:
    return shape_arg(shape)


@op("scatter_update", tensors=("inputs", "indices", "updates"))
def scatter_update(inputs: Tensor, indices: Tensor, updates: Tensor) -> Shapes:
    return _same(inputs)


@op("unstack")
def unstack(x: Tensor, num: object = None, axis: object = 0) -> Shapes:
    x = known_shape(x)
    ax = axis_index(axis, len(x))
    n = x[ax] if num is None else num
    if not is_int(n) or n < 0:
        raise Unknown
    return [x[:ax] + x[ax + 1:] for _ in range(n)]
