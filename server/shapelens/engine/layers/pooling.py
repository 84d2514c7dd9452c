"""Pooling layers: MaxPooling1D/2D/3D, AveragePooling1D/2D/3D, the global poolings
GlobalMaxPooling1D/2D/3D, GlobalAveragePooling1D/2D/3D (with Keras's aliases) and the adaptive
poolings AdaptiveMax/AdaptiveAveragePooling1D/2D/3D (``keras/src/layers/pooling/``).

Mirrors ``BasePooling``, ``BaseGlobalPooling`` and ``BaseAdaptivePooling``.  Pooling layers have
no weights.  Unlike the
convolutions, Keras does not normalise a pooling layer's ``padding``: anything but the exact
strings "valid" and "same" is rejected when the layer is called, as are zero strides (which Keras
accepts at construction).
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..args import Args
from ..conv_utils import axis_labels, pool_output_length
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import Layer, passes, register
from ..shape import UNKNOWN, Shape, Shapes, format_shape, is_int
from ..utils import require_rank, standardize_data_format, standardize_tuple


class BasePooling(Layer):
    """``keras.src.layers.pooling.base_pooling.BasePooling``."""

    fixed_kwargs = passes("keras.src.layers.pooling.base_pooling.BasePooling.__init__", "pool_dimensions", "pool_mode")

    pool_dimensions: ClassVar[int] = 2

    def validate(self) -> None:
        n = self.pool_dimensions
        pool_size = self.args["pool_size"]
        self.pool_size = standardize_tuple(pool_size, n, "pool_size")
        strides = self.args["strides"]
        self.strides = standardize_tuple(pool_size if strides is None else strides, n, "strides",
                                         allow_zero=True)
        self.padding = self.args["padding"]
        self.data_format = standardize_data_format(self.args["data_format"])

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        require_rank(self, shape, ndim=self.pool_dimensions + 2)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        """Keras's ``compute_pooling_output_shape``."""
        if not isinstance(input_shape, tuple):
            return UNKNOWN
        batch = input_shape[0]
        if self.data_format is UNKNOWN:
            return (batch,) + (UNKNOWN,) * (len(input_shape) - 1)
        if self.padding is not UNKNOWN and self.padding not in ("valid", "same"):
            raise ShapeError("invalid-argument",
                             f"Argument `padding` must be either 'valid' or 'same'. Received: padding={self.padding}")
        if 0 in self.strides:
            raise ShapeError("invalid-argument",
                             f"The `strides` of `{self.keras_name}` cannot contain 0 (Keras divides by them "
                             f"when the layer is called). Received: strides={self.strides}")
        if self.data_format == "channels_last":
            sizes, channels = input_shape[1:-1], input_shape[-1]
        else:
            sizes, channels = input_shape[2:], input_shape[1]
        spatial = []
        for label, size, pool, stride in zip(axis_labels(self.pool_dimensions), sizes, self.pool_size, self.strides):
            length = pool_output_length(size, pool, stride, self.padding, label=label, why=why)
            if self.padding == "valid" and is_int(length) and length <= 0:
                raise ShapeError(
                    "window-too-large",
                    f"Computed output size would be zero or negative ({label} = {length}). "
                    f"Received: `inputs.shape={format_shape(input_shape)}`, `pool_size={self.pool_size}`, "
                    f"`strides={self.strides}`, `padding={self.padding}`.",
                )
            spatial.append(length)
        if self.data_format == "channels_last":
            out = (batch,) + tuple(spatial) + (channels,)
        else:
            out = (batch, channels) + tuple(spatial)
        why.step("output", "spatial axes pooled, channels kept", "", format_shape(out))
        return out


def _pooling_signature(pool_size: str) -> str:
    return f"pool_size{pool_size}, strides=None, padding='valid', data_format=None, name=None, **kwargs"


@register("MaxPooling1D", "MaxPool1D")
class MaxPooling1D(BasePooling):
    pool_dimensions = 1
    signature = _pooling_signature("=2")


@register("MaxPooling2D", "MaxPool2D")
class MaxPooling2D(BasePooling):
    pool_dimensions = 2
    signature = _pooling_signature("=(2, 2)")


@register("MaxPooling3D", "MaxPool3D")
class MaxPooling3D(BasePooling):
    pool_dimensions = 3
    signature = _pooling_signature("=(2, 2, 2)")


@register("AveragePooling1D", "AvgPool1D")
class AveragePooling1D(BasePooling):
    pool_dimensions = 1
    signature = _pooling_signature("")


@register("AveragePooling2D", "AvgPool2D")
class AveragePooling2D(BasePooling):
    pool_dimensions = 2
    signature = _pooling_signature("")


@register("AveragePooling3D", "AvgPool3D")
class AveragePooling3D(BasePooling):
    pool_dimensions = 3
    signature = _pooling_signature("")


# ---- global pooling -------------------------------------------------------------------------

class BaseGlobalPooling(Layer):
    """``keras.src.layers.pooling.base_global_pooling.BaseGlobalPooling``."""

    fixed_kwargs = passes("keras.src.layers.pooling.base_global_pooling.BaseGlobalPooling.__init__",
                          "pool_dimensions")

    pool_dimensions: ClassVar[int] = 2
    signature = "data_format=None, keepdims=False, **kwargs"

    def validate(self) -> None:
        self.data_format = standardize_data_format(self.args["data_format"])

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        require_rank(self, shape, ndim=self.pool_dimensions + 2)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        keepdims = self.args["keepdims"]
        if not isinstance(input_shape, tuple) or keepdims is UNKNOWN:
            return UNKNOWN
        batch, spatial = input_shape[0], len(input_shape) - 2
        if self.data_format is UNKNOWN:
            channels = UNKNOWN
        else:
            channels = input_shape[-1] if self.data_format == "channels_last" else input_shape[1]
        if not keepdims:
            out: tuple[Any, ...] = (batch, channels)
            why.step("output", "(batch, channels): every spatial axis reduced", "", format_shape(out))
            return out
        if self.data_format == "channels_last":
            out = (batch,) + (1,) * spatial + (channels,)
        elif self.data_format == "channels_first":
            out = (batch, channels) + (1,) * spatial
        else:
            out = (batch,) + (UNKNOWN,) * (spatial + 1)
        why.step("output", "keepdims=True: every spatial axis reduced to 1", "", format_shape(out))
        return out


@register("GlobalMaxPooling1D", "GlobalMaxPool1D")
class GlobalMaxPooling1D(BaseGlobalPooling):
    pool_dimensions = 1


@register("GlobalMaxPooling2D", "GlobalMaxPool2D")
class GlobalMaxPooling2D(BaseGlobalPooling):
    pool_dimensions = 2


@register("GlobalMaxPooling3D", "GlobalMaxPool3D")
class GlobalMaxPooling3D(BaseGlobalPooling):
    pool_dimensions = 3


@register("GlobalAveragePooling1D", "GlobalAvgPool1D")
class GlobalAveragePooling1D(BaseGlobalPooling):
    pool_dimensions = 1


@register("GlobalAveragePooling2D", "GlobalAvgPool2D")
class GlobalAveragePooling2D(BaseGlobalPooling):
    pool_dimensions = 2


@register("GlobalAveragePooling3D", "GlobalAvgPool3D")
class GlobalAveragePooling3D(BaseGlobalPooling):
    pool_dimensions = 3


# ---- adaptive pooling -----------------------------------------------------------------------

class BaseAdaptivePooling(Layer):
    """``keras.src.layers.pooling.base_adaptive_pooling.BaseAdaptivePooling``.

    Keras gives these layers no input spec: any input rank is accepted and the output is
    ``(batch, *output_size, channels)``."""

    pool_dimensions: ClassVar[int] = 2
    signature = "output_size, data_format=None, **kwargs"

    def validate(self) -> None:
        size, n = self.args["output_size"], self.pool_dimensions
        if size is UNKNOWN:
            self.output_size = (UNKNOWN,) * n
        elif isinstance(size, int):
            self.output_size = (int(size),) * n
        elif isinstance(size, (tuple, list)) and len(size) == n:
            self.output_size = tuple(int(v) if isinstance(v, bool) else v for v in size)
        else:
            raise ShapeError("invalid-argument",
                             f"`output_size` must be an integer or a tuple of {n} integers. Received: {size}")
        data_format = self.args["data_format"]
        # Not lower-cased, unlike every other layer's data_format.
        self.data_format = "channels_last" if data_format is None else data_format
        if self.data_format is not UNKNOWN and self.data_format not in ("channels_first", "channels_last"):
            raise ShapeError("invalid-argument",
                             f"Invalid data_format: {data_format}. Expected 'channels_first' or 'channels_last'.")

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if not isinstance(input_shape, tuple):
            return UNKNOWN
        for v in self.output_size:
            if isinstance(v, float) or (is_int(v) and v < 0):
                raise ShapeError("invalid-argument",
                                 f"`output_size` must hold non-negative integers. Received: {self.output_size}")
        sizes = tuple(v if v is None or is_int(v) else UNKNOWN for v in self.output_size)
        batch = input_shape[0]
        if self.data_format == "channels_last":
            out = (batch,) + sizes + (input_shape[-1],)
            why.step("output", "(batch, *output_size, channels)", "", format_shape(out))
        elif self.data_format == "channels_first":
            out = (batch, input_shape[1]) + sizes
            why.step("output", "(batch, channels, *output_size)", "", format_shape(out))
        else:
            out = (batch,) + (UNKNOWN,) * (self.pool_dimensions + 1)
        return out


@register("AdaptiveMaxPooling1D")
class AdaptiveMaxPooling1D(BaseAdaptivePooling):
    pool_dimensions = 1


@register("AdaptiveMaxPooling2D")
class AdaptiveMaxPooling2D(BaseAdaptivePooling):
    pool_dimensions = 2


@register("AdaptiveMaxPooling3D")
class AdaptiveMaxPooling3D(BaseAdaptivePooling):
    pool_dimensions = 3


@register("AdaptiveAveragePooling1D")
class AdaptiveAveragePooling1D(BaseAdaptivePooling):
    pool_dimensions = 1


@register("AdaptiveAveragePooling2D")
class AdaptiveAveragePooling2D(BaseAdaptivePooling):
    pool_dimensions = 2


@register("AdaptiveAveragePooling3D")
class AdaptiveAveragePooling3D(BaseAdaptivePooling):
    pool_dimensions = 3
