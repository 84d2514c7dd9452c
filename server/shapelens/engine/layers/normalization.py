"""Normalization layers: BatchNormalization, LayerNormalization, GroupNormalization,
UnitNormalization, RMSNormalization (``keras/src/layers/normalization/``).

All keep the input's shape; what differs is the weights ``build`` creates, one value per
normalised feature: ``gamma``/``beta`` (trainable) and, for BatchNormalization, the moving
statistics (non-trainable).  ``trainable=False`` turns every weight non-trainable.
"""

from __future__ import annotations

import math
from typing import Any

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import Layer, ParamCount, register
from ..shape import UNKNOWN, Shape, Shapes, Unknown, format_dim, format_shape, is_int
from ..utils import require_axis, require_rank


def _axis_index(layer: Layer, shape: tuple[Any, ...], axis: int) -> int:
    """``input_shape[axis]`` must exist (Keras indexes the shape in ``build``)."""
    if axis >= len(shape) or axis < -len(shape):
        raise ShapeError(
            "wrong-rank",
            f"Axis {axis} is out of bounds for input shape {format_shape(shape)}. "
            f"Received: axis={layer.args['axis']}",
        )
    return axis


def _weight_size(layer: Layer, dims: tuple[Any, ...], weight: str, created: bool | Unknown = True) -> int | Unknown:
    """Elements of a weight of shape ``dims``.  A ``None`` in it is what Keras rejects, but only
    when the weight is certainly created (``created`` may be ``UNKNOWN``)."""
    if any(d is None for d in dims):
        if created is True:
            inner = ", ".join(format_dim(d) for d in dims) + ("," if len(dims) == 1 else "")
            raise ShapeError(
                "undefined-dimension",
                "Shapes used to initialize variables must be fully-defined (no `None` dimensions). "
                f"Received: shape=({inner}) for variable path='{layer.name}/{weight}'",
            )
        return UNKNOWN
    if any(d is UNKNOWN for d in dims):
        return UNKNOWN
    size: int = math.prod(dims)
    return size


def _truth(value: object) -> bool | Unknown:
    """Python truthiness of a literal argument; ``UNKNOWN`` stays unknown."""
    return UNKNOWN if value is UNKNOWN else bool(value)


def _count(flags: list[bool | Unknown], size: int | Unknown, label: str, names: list[str], why: Derivation) -> int | Unknown:
    """``size`` elements for every weight whose flag is set, with the derivation step."""
    if all(f is False for f in flags):
        return 0
    if size is UNKNOWN or any(f is UNKNOWN for f in flags):
        return UNKNOWN
    created = [n for n, f in zip(names, flags) if f]
    total = len(created) * size
    if created:
        why.step(label, f"{len(created)} · features   ({', '.join(created)})", f"{len(created)} · {size}", total)
    return total


def _check_list_axis(axis: object, what: str = "Expected an int or a list/tuple of ints for the argument "
                                        "'axis', but received: {!r}") -> None:
    if axis is UNKNOWN or isinstance(axis, (int, list, tuple)):
        return
    raise ShapeError("invalid-argument", what.format(axis))


class _PinnedInput(Layer):
    """Layers that, once built, pin the input rank and the normalised axis (Keras ``InputSpec``)."""

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        built = self.built_input_shape
        if isinstance(built, tuple) and isinstance(shape, tuple):
            require_rank(self, shape, ndim=len(built))
            axis = self.spec_axis()
            if is_int(axis) and -len(built) <= axis < len(built):
                require_axis(self, shape, axis, built[axis])
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def spec_axis(self) -> Any:
        return None

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        why.step("output", "same shape as the input", "", format_shape(input_shape))
        return input_shape


@register("BatchNormalization")
class BatchNormalization(_PinnedInput):
    signature = ("axis=-1, momentum=0.99, epsilon=0.001, center=True, scale=True, "
                 "beta_initializer='zeros', gamma_initializer='ones', moving_mean_initializer='zeros', "
                 "moving_variance_initializer='ones', beta_regularizer=None, gamma_regularizer=None, "
                 "beta_constraint=None, gamma_constraint=None, renorm=False, renorm_clipping=None, "
                 "renorm_momentum=0.99, synchronized=False, **kwargs")

    def validate(self) -> None:
        self.spec_axis()
        # synchronized=True is rejected on JAX and torch only: the backend is not known statically.
        if self.args["renorm"] is not UNKNOWN and self.args["renorm"]:
            self.check_renorm_clipping(self.args["renorm_clipping"])

    def spec_axis(self) -> Any:
        """``int(axis)``, as Keras converts it."""
        axis = self.args["axis"]
        if axis is UNKNOWN:
            return UNKNOWN
        if isinstance(axis, (int, float)):
            return int(axis)
        if isinstance(axis, str):
            try:
                return int(axis)
            except ValueError:
                pass
        raise ShapeError(
            "invalid-argument",
            f"int() argument must be a string, a bytes-like object or a real number, not "
            f"'{type(axis).__name__}'" if not isinstance(axis, str)
            else f"invalid literal for int() with base 10: {axis!r}",
        )

    @staticmethod
    def check_renorm_clipping(clipping: Any) -> None:
        if not isinstance(clipping, dict) and clipping is not None:
            return
        clipping = clipping or {}
        keys = ["rmax", "rmin", "dmax"]
        if set(clipping) - set(keys):
            raise ShapeError("invalid-argument", "Received invalid keys for `renorm_clipping` argument: "
                                                 f"{clipping}. Supported values: {keys}.")
        rmax, rmin, dmax = (clipping.get(k) for k in ("rmax", "rmin", "dmax"))
        numbers = (int, float)
        if isinstance(rmax, numbers) and isinstance(rmin, numbers) and rmax < rmin:
            raise ShapeError("invalid-argument", "rmax should be greater than rmin in the `renorm_clipping` "
                                                 f"argument. Received: rmax={rmax}, rmin={rmin}.")
        if isinstance(dmax, numbers) and dmax < 0:
            raise ShapeError("invalid-argument", "dmax should be non-negative in the `renorm_clipping` "
                                                 f"argument. Received: dmax={dmax}.")

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        axis = self.spec_axis()
        if not isinstance(input_shape, tuple) or axis is UNKNOWN:
            return ParamCount(UNKNOWN, UNKNOWN)
        channels = _weight_size(self, (input_shape[_axis_index(self, input_shape, axis)],), "gamma")
        if is_int(channels):
            why.step("features", "input_shape[axis]", f"{format_shape(input_shape)}[{axis}]", channels)
        trainable = _count([_truth(self.args["scale"]), _truth(self.args["center"])], channels,
                           "trainable", ["gamma", "beta"], why)
        renorm = _truth(self.args["renorm"])
        stats = ["moving_mean", "moving_variance"]
        flags: list[bool | Unknown] = [True, True]
        if renorm is UNKNOWN or renorm:
            stats += ["moving_stddev", "renorm_mean", "renorm_stddev"]
            flags += [renorm] * 3
        non_trainable = _count(flags, channels, "non-trainable", stats, why)
        return ParamCount(trainable, non_trainable)


def _normalized_axes(layer: Layer, input_shape: tuple[Any, ...]) -> tuple[Any, ...] | Unknown:
    """LayerNormalization / RMSNormalization ``build``: ``sorted(axis)`` (or ``[axis]``) and the
    weight shape ``input_shape[axes]``; ``UNKNOWN`` when the axes are not all known ints."""
    axis = layer.args["axis"]
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    if not all(is_int(a) for a in axes):
        if any(isinstance(a, (float, str)) or a is None for a in axes):
            bad = next(a for a in axes if isinstance(a, (float, str)) or a is None)
            raise ShapeError("invalid-argument",
                             f"tuple indices must be integers or slices, not {type(bad).__name__}")
        return UNKNOWN
    dims = tuple(input_shape[_axis_index(layer, input_shape, a)] for a in sorted(axes))
    return dims


@register("LayerNormalization")
class LayerNormalization(Layer):
    signature = ("axis=-1, epsilon=0.001, center=True, scale=True, beta_initializer='zeros', "
                 "gamma_initializer='ones', beta_regularizer=None, gamma_regularizer=None, "
                 "beta_constraint=None, gamma_constraint=None, **kwargs")
    passed_kwargs = frozenset({"rms_scaling"})      # kwargs.pop("rms_scaling", False)

    def validate(self) -> None:
        _check_list_axis(self.args["axis"])

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        why.step("output", "same shape as the input", "", format_shape(input_shape))
        return input_shape

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        if not isinstance(input_shape, tuple):
            return ParamCount(UNKNOWN, 0)
        dims = _normalized_axes(self, input_shape)
        rms = _truth(self.args.extra.get("rms_scaling", False))
        scale, center = _truth(self.args["scale"]), _truth(self.args["center"])
        gamma: bool | Unknown
        beta: bool | Unknown
        if UNKNOWN in (rms, scale, center):
            gamma = beta = UNKNOWN
        else:
            gamma, beta = scale or rms, center and not rms
        if dims is UNKNOWN:
            return ParamCount(UNKNOWN, 0)
        created = True if (gamma is True or beta is True) else UNKNOWN if UNKNOWN in (gamma, beta) else False
        size = _weight_size(self, dims, "gamma" if gamma is True else "beta", created)
        if created is not False and is_int(size):
            why.step("features", "product of input_shape[axis]", " · ".join(map(str, dims)), size)
        return ParamCount(_count([gamma, beta], size, "params", ["gamma", "beta"], why), 0)


@register("GroupNormalization")
class GroupNormalization(_PinnedInput):
    signature = ("groups=32, axis=-1, epsilon=0.001, center=True, scale=True, beta_initializer='zeros', "
                 "gamma_initializer='ones', beta_regularizer=None, gamma_regularizer=None, "
                 "beta_constraint=None, gamma_constraint=None, **kwargs")

    def validate(self) -> None:
        groups = self.args["groups"]
        if groups is UNKNOWN:
            return
        if not isinstance(groups, int) or (groups <= 0 and groups != -1):
            raise ShapeError(
                "invalid-argument",
                "Received an invalid value for argument `groups`, expected a positive integer (or `-1` "
                f"for instance normalization). Received: groups={groups}",
            )

    def spec_axis(self) -> Any:
        return self.args["axis"]

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        axis = self.args["axis"]
        if not isinstance(input_shape, tuple) or axis is UNKNOWN:
            return ParamCount(UNKNOWN, 0)
        if not isinstance(axis, int):
            raise ShapeError("invalid-argument",
                             f"tuple indices must be integers or slices, not {type(axis).__name__}")
        dim = input_shape[_axis_index(self, input_shape, axis)]
        if dim is None:
            raise ShapeError(
                "undefined-dimension",
                f"Axis {axis} of input tensor should have a defined dimension but the layer received an "
                f"input with shape {format_shape(input_shape)}.",
            )
        groups = self.args["groups"]
        if dim is UNKNOWN or groups is UNKNOWN:
            return ParamCount(UNKNOWN, 0)
        if groups == -1:
            groups = dim
        if dim < groups:
            raise ShapeError("invalid-argument",
                             f"Number of groups ({groups}) cannot be more than the number of channels ({dim}).")
        if groups == 0:
            raise ShapeError("invalid-argument", "integer modulo by zero (groups=-1 on an axis of size 0)")
        if dim % groups != 0:
            raise ShapeError("invalid-argument",
                             f"Number of groups ({groups}) must be a multiple of the number of channels ({dim}).")
        why.step("channels per group", "channels / groups", f"{dim} / {groups}", dim // groups)
        flags = [_truth(self.args["scale"]), _truth(self.args["center"])]
        return ParamCount(_count(flags, dim, "params", ["gamma", "beta"], why), 0)


@register("UnitNormalization")
class UnitNormalization(Layer):
    signature = "axis=-1, **kwargs"

    def validate(self) -> None:
        _check_list_axis(self.args["axis"], "Invalid value for `axis` argument: expected an int or a "
                                            "list/tuple of ints. Received: axis={}")

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        axis = self.args["axis"]
        if isinstance(input_shape, tuple):
            for a in (axis if isinstance(axis, (list, tuple)) else [axis]):
                if is_int(a) and (a >= len(input_shape) or a < -len(input_shape)):
                    raise ShapeError("wrong-rank",
                                     f"Axis {axis} is out of bounds for input shape {format_shape(input_shape)}.")
        why.step("output", "same shape as the input", "", format_shape(input_shape))
        return input_shape


@register("RMSNormalization")
class RMSNormalization(Layer):
    signature = "axis=-1, epsilon=1e-06, **kwargs"
    call_signature = "x"

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["x"]
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        why.step("output", "same shape as the input", "", format_shape(input_shape))
        return input_shape

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        axis = self.args["axis"]
        if not isinstance(input_shape, tuple) or axis is UNKNOWN:
            return ParamCount(UNKNOWN, 0)
        if not isinstance(axis, (int, list, tuple)):
            raise ShapeError("invalid-argument",
                             f"tuple indices must be integers or slices, not {type(axis).__name__}")
        dims = _normalized_axes(self, input_shape)
        if dims is UNKNOWN:
            return ParamCount(UNKNOWN, 0)
        size = _weight_size(self, dims, "scale")
        if is_int(size):
            why.step("params", "product of input_shape[axis]   (scale)", " · ".join(map(str, dims)), size)
        return ParamCount(size, 0)
