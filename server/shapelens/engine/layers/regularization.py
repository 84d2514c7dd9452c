"""Regularization layers: Dropout, SpatialDropout1D/2D/3D, GaussianNoise, GaussianDropout,
AlphaDropout, ActivityRegularization (``keras/src/layers/regularization/``).

None owns weights and all keep their input's shape; Keras rejects bad rates at construction
and the spatial dropouts check their input's rank.
"""

from __future__ import annotations

from typing import Any

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import Layer, passes, register
from ..shape import UNKNOWN, Shape, Shapes, format_shape
from ..utils import require_rank, standardize_data_format


def require_unit_interval(layer: Layer, name: str) -> None:
    """Keras's ``if not 0 <= rate <= 1: raise ValueError`` (a None fails the comparison too)."""
    value = layer.args[name]
    if value is UNKNOWN:
        return
    in_range = isinstance(value, (int, float)) and 0 <= value <= 1
    if value is None or isinstance(value, (int, float)) and not in_range:
        raise ShapeError(
            "invalid-argument",
            f"Invalid value received for argument `{name}`. Expected a float value between "
            f"0 and 1. Received: {name}={value}",
        )


class _Regularization(Layer):
    """Shape-preserving, weightless (``compute_output_shape`` returns the input shape)."""

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        why.step("output", "input shape (unchanged)", "", format_shape(input_shape))
        return input_shape


@register("Dropout")
class Dropout(_Regularization):
    signature = "rate, noise_shape=None, seed=None, **kwargs"

    def validate(self) -> None:
        require_unit_interval(self, "rate")
        if self.args.given("noise_shape"):
            self._validate_noise_shape(self.args["noise_shape"])

    @staticmethod
    def _validate_noise_shape(noise_shape: Any) -> None:
        """``Dropout._validate_noise_shape`` (never checked against the input's shape)."""
        prefix = "Invalid value received for argument `noise_shape`. "
        if isinstance(noise_shape, str):
            raise ShapeError("invalid-argument", prefix + "Expected a tuple or list of integers. "
                             f"Received: noise_shape={noise_shape}")
        if isinstance(noise_shape, (int, float)):
            raise ShapeError("invalid-argument", prefix + "Expected an iterable of integers (e.g., a "
                             f"tuple or list). Received: noise_shape={noise_shape}")
        if not isinstance(noise_shape, (tuple, list)):
            return
        for i, dim in enumerate(noise_shape):
            if dim is None or dim is UNKNOWN:
                continue
            if not isinstance(dim, int):
                raise ShapeError("invalid-argument", prefix + "Expected all elements to be integers "
                                 f"or None. Received element at index {i}: {dim} "
                                 f"(type: {type(dim).__name__})")
            if dim <= 0:
                raise ShapeError("invalid-argument", prefix + "Expected all dimensions to be positive "
                                 f"integers or None. Received negative or zero value at index {i}: {dim}")


class _SpatialDropout(Dropout):
    """``BaseSpatialDropout``: its ``__init__`` has no ``**kwargs``, so any other keyword is a
    ``TypeError``; ``InputSpec(ndim=rank)``."""

    rank = 0

    def validate(self) -> None:
        require_unit_interval(self, "rate")
        if self.args.given("data_format"):
            standardize_data_format(self.args["data_format"])

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        require_rank(self, shape, ndim=self.rank)
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)


@register("SpatialDropout1D")
class SpatialDropout1D(_SpatialDropout):
    signature = "rate, seed=None, name=None, dtype=None"
    rank = 3


@register("SpatialDropout2D")
class SpatialDropout2D(_SpatialDropout):
    signature = "rate, data_format=None, seed=None, name=None, dtype=None"
    rank = 4


@register("SpatialDropout3D")
class SpatialDropout3D(_SpatialDropout):
    signature = "rate, data_format=None, seed=None, name=None, dtype=None"
    rank = 5


@register("GaussianNoise")
class GaussianNoise(_Regularization):
    signature = "stddev, seed=None, **kwargs"

    def validate(self) -> None:
        require_unit_interval(self, "stddev")


@register("GaussianDropout")
class GaussianDropout(_Regularization):
    signature = "rate, seed=None, **kwargs"

    def validate(self) -> None:
        require_unit_interval(self, "rate")


@register("AlphaDropout")
class AlphaDropout(_Regularization):
    signature = "rate, noise_shape=None, seed=None, **kwargs"

    def validate(self) -> None:
        require_unit_interval(self, "rate")


@register("ActivityRegularization")
class ActivityRegularization(_Regularization):
    signature = "l1=0.0, l2=0.0, **kwargs"
    fixed_kwargs = passes("keras.src.layers.layer.Layer.__init__", "activity_regularizer")


__all__ = [
    "ActivityRegularization", "AlphaDropout", "Dropout", "GaussianDropout", "GaussianNoise",
    "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
]
