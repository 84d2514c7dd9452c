"""Rules for the layer classes Keras defines inside its application modules.

They are not ``keras.layers`` exports, so they are not registered: the builder receives the
class itself (``b.layer(LayerScale, 1e-6, 96, name=...)``).
"""

from __future__ import annotations

from typing import Any

from ..derivation import Derivation
from ..layer import Layer, ParamCount
from ..layers.merging import broadcast_shapes
from ..shape import UNKNOWN, Shape, Shapes, format_dim, format_shape, is_int


class LayerScale(Layer):
    """``convnext.LayerScale``: multiplies by a trainable ``gamma`` of ``projection_dim``."""

    keras_name = "LayerScale"
    signature = "init_values, projection_dim, **kwargs"

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        return broadcast_shapes(input_shape, (self.args["projection_dim"],), why)

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        dim = self.args["projection_dim"]
        why.step("params", "projection_dim (gamma)", "", format_dim(dim))
        return ParamCount(dim if is_int(dim) else UNKNOWN, 0)


class StochasticDepth(Layer):
    """``convnext.StochasticDepth``: drops whole residual branches while training."""

    keras_name = "StochasticDepth"
    signature = "drop_path_rate, **kwargs"

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        why.step("output", "input shape (unchanged)", "", format_shape(input_shape))
        return input_shape


class CustomScaleLayer(Layer):
    """``inception_resnet_v2.CustomScaleLayer``: ``inputs[0] + inputs[1] · scale``."""

    keras_name = "CustomScaleLayer"
    signature = "scale, **kwargs"

    def compute_output_shape(self, input_shape: Any, why: Derivation) -> Shapes:
        """``input_shape``: the ``[inputs, branch]`` shapes."""
        if not isinstance(input_shape, list) or len(input_shape) != 2:
            return UNKNOWN
        return broadcast_shapes(input_shape[0], input_shape[1], why)
