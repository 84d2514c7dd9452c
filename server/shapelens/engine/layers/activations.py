"""Activation layers: Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax
(``keras/src/layers/activations/``).

All keep their input's shape; only PReLU owns weights (one ``alpha`` per input element,
shared along ``shared_axes``)."""

from __future__ import annotations

from typing import Any, TypeGuard

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import Layer, ParamCount, register
from ..shape import UNKNOWN, Shape, Shapes, Unknown, dim_product, format_shape, is_int
from ..utils import require_axis, require_rank
from .core import require_activation, require_weight_shape, weight_size


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class _Activation(Layer):
    """Shape-preserving, weightless (``compute_output_shape`` returns the input shape)."""

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        why.step("output", "input shape (unchanged)", "", format_shape(input_shape))
        return input_shape


@register("Activation")
class Activation(_Activation):
    signature = "activation, **kwargs"

    def validate(self) -> None:
        require_activation(self.args["activation"])


@register("ReLU")
class ReLU(_Activation):
    signature = "max_value=None, negative_slope=0.0, threshold=0.0, **kwargs"

    def validate(self) -> None:
        max_value = self.args["max_value"] if self.args.given("max_value") else None
        if _is_number(max_value) and max_value < 0.0:
            raise ShapeError("invalid-argument",
                             "max_value of a ReLU layer cannot be a negative value. "
                             f"Received: max_value={max_value}")
        for name in ("negative_slope", "threshold"):
            if not self.args.given(name):
                continue
            value = self.args[name]
            if value is None or (_is_number(value) and value < 0.0):
                raise ShapeError("invalid-argument",
                                 f"{name} of a ReLU layer cannot be None or a negative value. "
                                 f"Received: {name}={value}")


@register("LeakyReLU")
class LeakyReLU(_Activation):
    signature = "negative_slope=0.3, **kwargs"
    passed_kwargs = frozenset({"alpha"})        # kwargs.pop("alpha")

    def validate(self) -> None:
        # The deprecated ``alpha`` keyword replaces ``negative_slope``.
        if "alpha" in self.args.extra:
            value = self.args.extra["alpha"]
        elif self.args.given("negative_slope"):
            value = self.args["negative_slope"]
        else:
            return
        if value is None or (_is_number(value) and value < 0):
            raise ShapeError("invalid-argument",
                             "The negative_slope value of a Leaky ReLU layer cannot be None or "
                             f"negative value. Expected a float. Received: negative_slope={value}")


@register("ELU")
class ELU(_Activation):
    signature = "alpha=1.0, **kwargs"


@register("Softmax")
class Softmax(_Activation):
    """The symbolic call never checks ``axis`` or ``mask`` (Keras uses compute_output_shape)."""

    signature = "axis=-1, **kwargs"
    call_signature = "inputs, mask=None"


@register("PReLU")
class PReLU(_Activation):
    signature = ("alpha_initializer='Zeros', alpha_regularizer=None, alpha_constraint=None, "
                 "shared_axes=None, **kwargs")

    def _shared_axes(self) -> list[Any] | None | Unknown:
        """``[axes]`` as Keras stores it, ``None`` when not shared, ``UNKNOWN`` if unknown."""
        axes = self.args["shared_axes"]
        if axes is None or axes is UNKNOWN:
            return axes
        axes = list(axes) if isinstance(axes, (list, tuple)) else [axes]
        return axes if all(is_int(a) for a in axes) else UNKNOWN

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        built = self.built_input_shape
        if isinstance(built, tuple):
            # build() set InputSpec(ndim=len(input_shape), axes={non-shared axes: size}).
            require_rank(self, shape, ndim=len(built))
            shared = self._shared_axes()
            if shared and shared is not UNKNOWN and isinstance(shape, tuple):
                for i in range(1, len(built)):
                    if i not in shared:
                        require_axis(self, shape, i, built[i])
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        shared = self._shared_axes()
        if not isinstance(input_shape, tuple) or shared is UNKNOWN:
            return ParamCount(UNKNOWN, 0)
        alpha_axes = list(input_shape[1:])
        for i in shared or ():
            try:
                alpha_axes[i - 1] = 1
            except IndexError:
                raise ShapeError(
                    "invalid-argument",
                    f"shared_axes={self.args['shared_axes']!r} does not fit an input of rank "
                    f"{len(input_shape)}: {format_shape(input_shape)}",
                ) from None
        alpha = tuple(alpha_axes)
        require_weight_shape(self, alpha, "alpha")
        total = dim_product(alpha)
        if shared:
            why.step("alpha shape", "input_shape[1:] with the shared axes set to 1",
                     f"{format_shape(input_shape[1:])} with axes {shared} → 1", format_shape(alpha))
        else:
            why.step("alpha shape", "input_shape[1:]", "", format_shape(alpha))
        why.step("params", "prod(alpha shape)", weight_size(alpha), total)
        return ParamCount(total, 0)


__all__ = ["ELU", "Activation", "LeakyReLU", "PReLU", "ReLU", "Softmax"]
