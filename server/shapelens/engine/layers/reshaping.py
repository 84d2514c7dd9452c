"""Reshaping layers: Flatten, Reshape, Permute, RepeatVector, UpSampling1D/2D/3D,
ZeroPadding1D/2D/3D, Cropping1D/2D/3D (``keras/src/layers/reshaping/``).

None of them own weights.  Each mirrors its Keras ``compute_output_shape``: a dynamic (``None``)
axis stays ``None`` whatever the argument, an unknown (``?``) one stays unknown.
"""

from __future__ import annotations

import math
from typing import Any, Callable, ClassVar, overload

from ..args import Args
from ..conv_utils import axis_labels
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import Layer, register
from ..shape import UNKNOWN, Dim, Shape, Shapes, Unknown, format_dim, format_shape, is_int
from ..utils import require_rank, standardize_data_format, standardize_tuple

ORDINALS = ("1st", "2nd", "3rd")


@overload
def keras_tensor_shape(shape: tuple[Any, ...]) -> tuple[Any, ...]: ...
@overload
def keras_tensor_shape(shape: Unknown | list[Any]) -> Unknown | list[Any]: ...
def keras_tensor_shape(shape: Shapes) -> Shapes:
    """The checks ``KerasTensor`` applies to a computed output shape
    (``keras.src.backend.common.variables.standardize_shape``): a float or string dimension,
    or a negative one, makes Keras raise; ``True``/``False`` count as 1/0."""
    if not isinstance(shape, tuple):
        return shape
    dims: list[Dim] = []
    for d in shape:
        if d is None or d is UNKNOWN:
            dims.append(d)
        elif isinstance(d, bool):
            dims.append(int(d))
        elif not is_int(d):
            raise ShapeError(
                "invalid-argument",
                f"Cannot convert '{_tuple_text(shape)}' to a shape. Found invalid dimension '{d}' of "
                f"type '{type(d)}'.",
            )
        else:
            dims.append(d)
    if any(is_int(d) and d < 0 for d in dims):
        raise ShapeError(
            "invalid-argument",
            f"Cannot convert '{_tuple_text(shape)}' to a shape. Negative dimensions are not allowed.",
        )
    return tuple(dims)


def _tuple_text(values: Any) -> str:
    """Python's own spelling of a (nested) tuple, with ``?`` for unknown items."""
    if isinstance(values, (tuple, list)):
        inner = ", ".join(_tuple_text(v) for v in values)
        return f"({inner},)" if len(values) == 1 else f"({inner})"
    return format_dim(values) if values is None or values is UNKNOWN else str(values)


def _grow(dim: Dim, fn: Callable[..., int], *values: Any) -> Dim:
    """``fn(dim, *values)`` for a known axis; ``None`` stays ``None`` (Keras skips dynamic axes)."""
    if dim is None:
        return None
    if dim is UNKNOWN or any(v is UNKNOWN for v in values):
        return UNKNOWN
    return fn(dim, *values)


def _spatial_axes(rank: int, data_format: str) -> tuple[int, ...]:
    """Indices of the spatial axes of a ``rank``-D (batch and channels included) input."""
    if data_format == "channels_first":
        return tuple(range(2, rank))
    return tuple(range(1, rank - 1))


# ---- Flatten, Reshape, Permute, RepeatVector ------------------------------------------------------

@register("Flatten")
class Flatten(Layer):
    signature = "data_format=None, **kwargs"

    def validate(self) -> None:
        if self.args.given("data_format"):      # only the order of the features depends on it
            standardize_data_format(self.args["data_format"])

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        require_rank(self, shape, min_ndim=1)
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if not isinstance(input_shape, tuple):
            return (UNKNOWN, UNKNOWN)
        dims = input_shape[1:]
        if not dims:
            why.step("features", "1 (no axis besides the batch)", "", 1)
            return (input_shape[0], 1)
        text = " · ".join(format_dim(d) for d in dims)
        features: Dim
        if any(d is None for d in dims):
            features = None
        elif any(d is UNKNOWN for d in dims):
            features = UNKNOWN
        else:
            features = math.prod(dims)
        why.step("features", "product of the non-batch dimensions", text if len(dims) > 1 else "",
                 format_dim(features))
        return (input_shape[0], features)


@register("Reshape")
class Reshape(Layer):
    signature = "target_shape, **kwargs"

    def validate(self) -> None:
        target = self.target()
        if target is UNKNOWN:
            return
        ints = [d for d in target if is_int(d)]
        if any(d < -1 for d in ints):
            raise ShapeError(
                "invalid-argument",
                "Each dimension in `target_shape` must be a non-negative integer, or `-1` for a single "
                f"unknown dimension. Received: target_shape={_tuple_text(target)}.",
            )
        if ints.count(-1) > 1:
            raise ShapeError(
                "invalid-argument",
                "There must be at most one unknown dimension (-1) in `target_shape`. "
                f"Received: target_shape={_tuple_text(target)}.",
            )

    def target(self) -> tuple[Any, ...] | Unknown:
        """``tuple(target_shape)`` with Keras's normalisation: a non-integer dimension is dynamic."""
        value: object = self.args["target_shape"]
        if value is UNKNOWN:
            return UNKNOWN
        if isinstance(value, (int, float)) or value is None:
            raise ShapeError("invalid-argument", f"'{type(value).__name__}' object is not iterable")
        if not isinstance(value, (tuple, list, str)):
            return UNKNOWN
        return tuple(int(d) if isinstance(d, bool) else d if (is_int(d) or d is UNKNOWN) else None
                     for d in value)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        target = self.target()
        if target is UNKNOWN:
            return UNKNOWN
        if not isinstance(input_shape, tuple):
            inferred = None if None in target else UNKNOWN
            return (UNKNOWN,) + tuple(inferred if d == -1 else d for d in target)
        if not input_shape:
            raise ShapeError("wrong-rank", "tuple index out of range: `Reshape` needs a batch axis, "
                                           f"received an input of shape {format_shape(input_shape)}")
        batch, dims = input_shape[0], input_shape[1:]
        out = (batch,) + self.resolve(dims, target, why)
        why.step("output", "(batch,) + target_shape", "", format_shape(out))
        return out

    def resolve(self, dims: tuple[Any, ...], target: tuple[Any, ...], why: Derivation) -> tuple[Any, ...]:
        """``operation_utils.compute_reshape_output_shape`` for the non-batch axes."""
        if None in dims or None in target:
            return tuple(None if d == -1 else d for d in target)
        if UNKNOWN in dims or UNKNOWN in target:
            return tuple(UNKNOWN if d == -1 else d for d in target)
        size = math.prod(dims)
        size_text = " · ".join(str(d) for d in dims) if len(dims) > 1 else str(size)
        why.step("elements", "product of the input's non-batch dimensions", size_text, size)
        if -1 not in target:
            if size != math.prod(target):
                raise ShapeError(
                    "invalid-reshape",
                    "The total size of the tensor must be unchanged. Received: "
                    f"input_shape={_tuple_text(dims)}, target_shape={_tuple_text(target)}",
                )
            return target
        known = math.prod(d for d in target if d != -1)
        if known == 0 or size % known != 0:
            raise ShapeError(
                "invalid-reshape",
                "The total size of the tensor must be unchanged, however, the input size cannot by "
                "divided by the specified dimensions in target_shape. Received: "
                f"input_shape={_tuple_text(dims)}, target_shape={_tuple_text(target)}",
            )
        inferred = size // known
        others = " · ".join(str(d) for d in target if d != -1) or "1"
        why.step("-1", "elements / product of the other target dimensions",
                 f"{size} / ({others})", inferred)
        return tuple(inferred if d == -1 else d for d in target)


@register("Permute")
class Permute(Layer):
    signature = "dims, **kwargs"

    def validate(self) -> None:
        dims = self.args["dims"]
        if dims is UNKNOWN:
            return
        if not isinstance(dims, (tuple, list)):
            if isinstance(dims, (int, float)) or dims is None:
                raise ShapeError("invalid-argument", f"'{type(dims).__name__}' object is not iterable")
            return
        if any(d is UNKNOWN for d in dims):
            return
        if not all(is_int(d) for d in dims) or sorted(dims) != list(range(1, len(dims) + 1)):
            raise ShapeError(
                "invalid-argument",
                "Invalid permutation argument `dims` for Permute Layer. The set of indices in `dims` "
                f"must be consecutive and start from 1. Received dims={_tuple_text(dims)}",
            )

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        dims = self.args["dims"]
        if isinstance(dims, (tuple, list)):
            require_rank(self, shape, ndim=len(dims) + 1)
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        dims = self.args["dims"]
        if not isinstance(dims, (tuple, list)):
            return UNKNOWN
        if not isinstance(input_shape, tuple):
            return (UNKNOWN,) * (len(dims) + 1)
        out = (input_shape[0],) + tuple(UNKNOWN if d is UNKNOWN else input_shape[d] for d in dims)
        why.step("output", "(batch,) + input_shape[dims]",
                 f"{format_shape(input_shape)} permuted by {_tuple_text(dims)}", format_shape(out))
        return out


def _positive_int(value: object, name: str) -> None:
    """``RepeatVector(n)`` / ``UpSampling1D(size)``: a plain positive ``int``."""
    if value is UNKNOWN:
        return
    if not is_int(value):
        raise ShapeError("invalid-argument", f"Expected an integer value for `{name}`, got {type(value)}.")
    if value <= 0:
        raise ShapeError("invalid-argument",
                         f"Argument `{name}` should be a positive integer. Received: {name}={value}")


@register("RepeatVector")
class RepeatVector(Layer):
    signature = "n, **kwargs"

    def validate(self) -> None:
        _positive_int(self.args["n"], "n")

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        require_rank(self, shape, ndim=2)
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        n = self.args["n"]
        if not isinstance(input_shape, tuple):
            return (UNKNOWN, n, UNKNOWN)
        out = (input_shape[0], n, input_shape[1])
        why.step("output", "(batch, n, features)", "", format_shape(out))
        return out


# ---- UpSampling ----------------------------------------------------------------------------------

class _UpSampling(Layer):
    """Repeats each spatial axis ``size`` times (``keras/src/layers/reshaping/up_sampling*d.py``)."""

    rank: ClassVar[int] = 2

    def validate(self) -> None:
        standardize_data_format(self.args["data_format"])
        self.size()

    def size(self) -> tuple[Any, ...]:
        return standardize_tuple(self.args["size"], self.rank, "size")

    def data_format(self) -> str | Unknown:
        return standardize_data_format(self.args["data_format"])

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        require_rank(self, shape, ndim=self.rank + 2)
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if not isinstance(input_shape, tuple):
            return (UNKNOWN,) * (self.rank + 2)
        data_format = self.data_format()
        if data_format is UNKNOWN:
            return (input_shape[0],) + (UNKNOWN,) * (self.rank + 1)
        out = list(input_shape)
        for i, (axis, factor) in enumerate(zip(_spatial_axes(self.rank + 2, data_format), self.size())):
            out[axis] = _grow(input_shape[axis], lambda d, f: d * f, factor)
            if is_int(out[axis]):
                why.step(axis_labels(self.rank)[i], "size · in", f"{factor} · {input_shape[axis]}", out[axis])
        return tuple(out)


@register("UpSampling1D")
class UpSampling1D(_UpSampling):
    signature = "size=2, **kwargs"
    rank = 1

    def validate(self) -> None:
        _positive_int(self.args["size"], "size")

    def size(self) -> tuple[Any, ...]:
        return (self.args["size"],)

    def data_format(self) -> str | Unknown:
        return "channels_last"


@register("UpSampling2D")
class UpSampling2D(_UpSampling):
    signature = "size=(2, 2), data_format=None, interpolation='nearest', **kwargs"
    rank = 2

    def validate(self) -> None:
        super().validate()
        interpolation = self.args["interpolation"]
        if interpolation is not UNKNOWN and not isinstance(interpolation, str):
            raise ShapeError("invalid-argument",
                             f"'{type(interpolation).__name__}' object has no attribute 'lower'")


@register("UpSampling3D")
class UpSampling3D(_UpSampling):
    signature = "size=(2, 2, 2), data_format=None, **kwargs"
    rank = 3


# ---- ZeroPadding and Cropping ----------------------------------------------------------------------

def _pairs(value: Any, rank: int, name: str, *, negative_int_ok: bool) -> tuple[Any, ...]:
    """``ZeroPadding2D/3D`` and ``Cropping2D/3D`` argument: an int, ``rank`` ints, or ``rank`` pairs.

    Returns one ``(before, after)`` pair per spatial axis."""
    if value is UNKNOWN:
        return ((UNKNOWN, UNKNOWN),) * rank
    if is_int(value) or isinstance(value, bool):
        if value < 0 and not negative_int_ok:
            raise ShapeError("invalid-argument", f"`{name}` cannot be negative. Received: {name}={value}.")
        return ((int(value), int(value)),) * rank
    if isinstance(value, (tuple, list, str)):
        if len(value) != rank:
            count = "two elements" if rank == 2 else f"{rank} elements"
            received = f"{name}={_tuple_text(value)}" if rank == 2 else _tuple_text(value)
            raise ShapeError("invalid-argument", f"`{name}` should have {count}. Received: {received}.")
        return tuple(standardize_tuple(entry, 2, f"{ORDINALS[i]} entry of {name}", allow_zero=True)
                     for i, entry in enumerate(value))
    raise ShapeError(
        "invalid-argument",
        f"`{name}` should be either an int, a tuple of {rank} ints, or a tuple of {rank} tuples of "
        f"2 ints. Received: {name}={value}.",
    )


class _Resize(Layer):
    """Adds (ZeroPadding) or removes (Cropping) ``before + after`` elements on each spatial axis."""

    rank: ClassVar[int] = 2
    sign: ClassVar[int] = 1          # +1 pads, −1 crops
    argument: ClassVar[str] = "padding"

    def validate(self) -> None:
        self.data_format()
        self.pairs()

    def pairs(self) -> tuple[Any, ...]:
        return _pairs(self.args[self.argument], self.rank, self.argument, negative_int_ok=self.sign > 0)

    def data_format(self) -> str | Unknown:
        return standardize_data_format(self.args["data_format"])

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        require_rank(self, shape, ndim=self.rank + 2)
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if not isinstance(input_shape, tuple):
            return (UNKNOWN,) * (self.rank + 2)
        data_format = self.data_format()
        if data_format is UNKNOWN:
            return (input_shape[0],) + (UNKNOWN,) * (self.rank + 1)
        pairs = self.pairs()
        out = list(input_shape)
        op = "+" if self.sign > 0 else "−"
        for i, (axis, (before, after)) in enumerate(zip(_spatial_axes(self.rank + 2, data_format), pairs)):
            dim = input_shape[axis]
            out[axis] = _grow(dim, lambda d, a, b: d + self.sign * (a + b), before, after)
            if self.sign < 0 and is_int(out[axis]) and out[axis] <= 0:
                raise ShapeError("window-too-large", self.too_large(input_shape, pairs))
            if is_int(out[axis]):
                why.step(axis_labels(self.rank)[i], f"in {op} {self.argument}_before {op} {self.argument}_after",
                         f"{dim} {op} {before} {op} {after}", out[axis])
        return keras_tensor_shape(tuple(out))

    def too_large(self, input_shape: tuple[Any, ...], pairs: tuple[Any, ...]) -> str:
        return ("Values in `cropping` argument should be smaller than the corresponding spatial "
                f"dimension of the input. Received: input_shape={_tuple_text(input_shape)}, "
                f"cropping={_tuple_text(pairs)}")


@register("ZeroPadding1D")
class ZeroPadding1D(_Resize):
    signature = "padding=1, data_format=None, **kwargs"
    rank = 1

    def pairs(self) -> tuple[Any, ...]:
        return (standardize_tuple(self.args["padding"], 2, "padding", allow_zero=True),)


@register("ZeroPadding2D")
class ZeroPadding2D(_Resize):
    signature = "padding=(1, 1), data_format=None, **kwargs"
    rank = 2


@register("ZeroPadding3D")
class ZeroPadding3D(_Resize):
    signature = "padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs"
    rank = 3


@register("Cropping1D")
class Cropping1D(_Resize):
    signature = "cropping=(1, 1), **kwargs"
    rank = 1
    sign = -1
    argument = "cropping"

    def pairs(self) -> tuple[Any, ...]:
        return (standardize_tuple(self.args["cropping"], 2, "cropping", allow_zero=True),)

    def data_format(self) -> str | Unknown:
        return "channels_last"

    def too_large(self, input_shape: tuple[Any, ...], pairs: tuple[Any, ...]) -> str:
        return ("`cropping` parameter of `Cropping1D` layer must be smaller than the input length. "
                f"Received: input_shape={_tuple_text(input_shape)}, cropping={_tuple_text(pairs[0])}")


@register("Cropping2D")
class Cropping2D(_Resize):
    signature = "cropping=((0, 0), (0, 0)), data_format=None, **kwargs"
    rank = 2
    sign = -1
    argument = "cropping"


@register("Cropping3D")
class Cropping3D(_Resize):
    signature = "cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs"
    rank = 3
    sign = -1
    argument = "cropping"
