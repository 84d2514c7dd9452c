"""Convolution layers: Conv1D/2D/3D, Conv1D/2D/3DTranspose, DepthwiseConv1D/2D, SeparableConv1D/2D
(``keras/src/layers/convolutional/``).

The four families mirror Keras's base classes ``BaseConv``, ``BaseConvTranspose``,
``BaseDepthwiseConv`` and ``BaseSeparableConv``: the same argument checks in ``validate``, the
output rule of their ``compute_output_shape`` and the weights their ``build`` creates.  As in
Keras, the window check ("Computed output size would be zero or negative") runs before the
weights are created, so a rejected call leaves the layer unbuilt.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar, Iterable, TypeGuard

from ..args import Args
from ..conv_utils import axis_labels, transpose_output_length, window_output_length
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import UNKNOWN_PARAMS, Layer, ParamCount, passes, register
from ..shape import UNKNOWN, Dim, Shape, Shapes, Unknown, format_shape, is_int
from ..utils import (
    lora_rank,
    require_axis,
    require_defined,
    require_rank,
    standardize_data_format,
    standardize_padding,
    standardize_tuple,
)

_REGULARIZED = ("{w}_initializer='glorot_uniform', bias_initializer='zeros', {w}_regularizer=None, "
                "bias_regularizer=None, activity_regularizer=None, {w}_constraint=None, "
                "bias_constraint=None, **kwargs")


def _ones(rank: int) -> str:
    """Keras's spelling of the default strides / dilation_rate: ``1`` in 1-D, ``(1, 1)`` in 2-D."""
    return "1" if rank == 1 else "(" + ", ".join("1" * rank) + ")"


def _conv_signature(rank: int) -> str:
    return (f"filters, kernel_size, strides={_ones(rank)}, padding='valid', data_format=None, "
            f"dilation_rate={_ones(rank)}, groups=1, activation=None, use_bias=True, "
            + _REGULARIZED.format(w="kernel"))


def _transpose_signature(rank: int) -> str:
    # Conv3DTranspose lists data_format before output_padding; the 1-D and 2-D layers after it.
    middle = ("data_format=None, output_padding=None" if rank == 3
              else "output_padding=None, data_format=None")
    return (f"filters, kernel_size, strides={_ones(rank)}, padding='valid', {middle}, "
            f"dilation_rate={_ones(rank)}, activation=None, use_bias=True, "
            + _REGULARIZED.format(w="kernel"))


def _depthwise_signature(rank: int) -> str:
    return (f"kernel_size, strides={_ones(rank)}, padding='valid', depth_multiplier=1, "
            f"data_format=None, dilation_rate={_ones(rank)}, activation=None, use_bias=True, "
            + _REGULARIZED.format(w="depthwise"))


def _separable_signature(rank: int) -> str:
    return (f"filters, kernel_size, strides={_ones(rank)}, padding='valid', data_format=None, "
            f"dilation_rate={_ones(rank)}, depth_multiplier=1, activation=None, use_bias=True, "
            "depthwise_initializer='glorot_uniform', pointwise_initializer='glorot_uniform', "
            "bias_initializer='zeros', depthwise_regularizer=None, pointwise_regularizer=None, "
            "bias_regularizer=None, activity_regularizer=None, depthwise_constraint=None, "
            "pointwise_constraint=None, bias_constraint=None, **kwargs")


def _is_number(value: object) -> TypeGuard[float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _all_int(*values: object) -> bool:
    return all(is_int(v) for v in values)


def _product(values: Iterable[object]) -> str:
    return " · ".join(str(v) for v in values)


class _Convolution(Layer):
    """What every convolution family shares: window arguments, the channel axis, the call."""

    rank: ClassVar[int] = 2
    allow_causal: ClassVar[bool] = False    # only Conv1D accepts padding="causal"

    def validate(self) -> None:
        a, n = self.args, self.rank
        self.kernel_size = standardize_tuple(a["kernel_size"], n, "kernel_size")
        self.strides = standardize_tuple(a["strides"], n, "strides")
        self.dilation_rate = standardize_tuple(a["dilation_rate"], n, "dilation_rate")
        padding = a["padding"]
        # Keras's standardize_padding passes lists/tuples through; the shape rule rejects them later.
        if not isinstance(padding, (list, tuple)):
            padding = standardize_padding(padding, allow_causal=self.allow_causal)
        self.padding = padding
        self.data_format = standardize_data_format(a["data_format"])

    def check_positive(self, name: str, message: str) -> None:
        value = self.args[name]
        if _is_number(value) and value <= 0:
            raise ShapeError("invalid-argument", f"{message} Received {name}={value}.")

    def check_strides_with_dilation(self) -> None:
        if any(is_int(s) and s > 1 for s in self.strides) and any(
                is_int(d) and d > 1 for d in self.dilation_rate):
            raise ShapeError(
                "invalid-argument",
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. "
                f"Received: strides={self.strides} and dilation_rate={self.dilation_rate}",
            )

    # ---- the call ------------------------------------------------------------------------------
    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        require_rank(self, shape, min_ndim=self.rank + 2)
        if isinstance(self.built_input_shape, tuple) and self.data_format is not UNKNOWN:
            axis = self.channel_axis()
            require_axis(self, shape, axis, self.built_input_shape[axis])
        output = self.compute_output_shape(shape, why)
        self.maybe_build(shape, why)
        return output

    def channel_axis(self) -> int:
        return -1 if self.data_format == "channels_last" else 1

    def input_channels(self, shape: Any) -> Any:
        if not isinstance(shape, tuple) or self.data_format is UNKNOWN:
            return UNKNOWN
        return shape[self.channel_axis()]

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if not isinstance(input_shape, tuple):
            return UNKNOWN
        if len(input_shape) != self.rank + 2:
            raise ShapeError(
                "wrong-rank",
                "Kernel shape must have the same length as input: "
                f"{self.keras_name} expects {self.rank + 2}-D inputs (batch, "
                f"{', '.join(axis_labels(self.rank))}, channels), but received input of shape "
                f"{format_shape(input_shape)}.",
            )
        batch = input_shape[0]
        if self.data_format is UNKNOWN:
            return (batch,) + (UNKNOWN,) * (self.rank + 1)
        if self.data_format == "channels_last":
            spatial_in = input_shape[1:-1]
        else:
            spatial_in = input_shape[2:]
        spatial = self.spatial_output(input_shape, spatial_in, why)
        channels = self.output_channels(input_shape, why)
        if self.data_format == "channels_last":
            out = (batch,) + spatial + (channels,)
            layout = "(batch, " + ", ".join(axis_labels(self.rank)) + ", channels)"
        else:
            out = (batch, channels) + spatial
            layout = "(batch, channels, " + ", ".join(axis_labels(self.rank)) + ")"
        why.step("output", layout, "", format_shape(out))
        return out

    def spatial_output(self, input_shape: Shape, sizes: tuple[Any, ...], why: Derivation) -> tuple[Dim, ...]:
        """Keras's ``compute_conv_output_shape``: one window length per spatial axis."""
        if isinstance(self.padding, (list, tuple)):
            raise ShapeError("invalid-argument",
                             f"`padding` must be either `'valid'` or `'same'`. Received {self.padding}.")
        out = []
        for label, size, kernel, stride, dilation in zip(
                axis_labels(self.rank), sizes, self.kernel_size, self.strides, self.dilation_rate):
            length = window_output_length(size, kernel, stride, self.padding, dilation, label=label, why=why)
            if self.padding == "valid" and is_int(length) and length <= 0:
                raise ShapeError(
                    "window-too-large",
                    f"Computed output size would be zero or negative ({label} = {length}). "
                    f"Received `inputs shape={format_shape(input_shape)}`, "
                    f"`kernel_size={self.kernel_size}`, `dilation_rate={self.dilation_rate}`, "
                    f"`strides={self.strides}`, `padding={self.padding}`.",
                )
            out.append(length)
        return tuple(out)

    def output_channels(self, input_shape: Shape, why: Derivation) -> Any:
        filters = self.args["filters"]
        return filters if is_int(filters) else UNKNOWN

    def weight_size(self, name: str) -> Any:
        """A size the weights are created with: Keras rejects ``None`` and floats there."""
        value = self.args[name]
        if value is None or isinstance(value, float):
            raise ShapeError(
                "invalid-argument",
                f"`{name}` must be an integer to create the weights of `{self.keras_name}`. "
                f"Received: {name}={value}",
            )
        return value if is_int(value) else UNKNOWN

    def kernel_names(self) -> list[str]:
        return [f"kernel_{label[0]}" for label in axis_labels(self.rank)]

    def use_bias(self) -> bool | Unknown:
        use_bias = self.args["use_bias"]
        return UNKNOWN if use_bias is UNKNOWN else bool(use_bias)

    def defined_channels(self, input_shape: Shape) -> Any:
        channels = self.input_channels(input_shape)
        require_defined(self, channels, "channel dimension", input_shape)
        return channels


# ---- Conv1D / Conv2D / Conv3D ---------------------------------------------------------------------

class BaseConv(_Convolution):
    """``keras.src.layers.convolutional.base_conv.BaseConv``."""

    passed_kwargs = frozenset({"lora_rank", "lora_alpha"})
    fixed_kwargs = passes("keras.src.layers.convolutional.base_conv.BaseConv.__init__", "rank")

    def validate(self) -> None:
        super().validate()
        self.check_positive("filters", "Invalid value for argument `filters`. Expected a strictly positive value.")
        groups = self.args["groups"]
        if _is_number(groups) and groups <= 0:
            raise ShapeError("invalid-argument",
                             f"The number of groups must be a positive integer. Received: groups={groups}.")
        filters = self.args["filters"]
        if _is_number(filters) and _is_number(groups) and filters % groups != 0:
            raise ShapeError(
                "invalid-argument",
                "The number of filters must be evenly divisible by the number of groups. "
                f"Received: groups={groups}, filters={filters}.",
            )
        self.check_strides_with_dilation()

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        channels = self.defined_channels(input_shape)
        groups = self.args["groups"]
        if _all_int(channels, groups) and channels % groups != 0:
            raise ShapeError(
                "incompatible-shapes",
                "The number of input channels must be evenly divisible by the number of groups. "
                f"Received groups={groups}, but the input has {channels} channels "
                f"(full input shape is {format_shape(input_shape)}).",
            )
        filters = self.weight_size("filters")
        use_bias = self.use_bias()
        rank = lora_rank(self, "kernel_constraint")
        if not _all_int(*self.kernel_size, channels, groups, filters) or use_bias is UNKNOWN:
            return ParamCount(UNKNOWN, 0) if rank == 0 else UNKNOWN_PARAMS
        if rank is UNKNOWN:
            return UNKNOWN_PARAMS
        kernel = math.prod(self.kernel_size) * (channels // groups) * filters
        per_group = f"({channels} / {groups})" if groups != 1 else str(channels)
        inner = _product(self.kernel_size + (per_group,))
        names = _product(self.kernel_names() + ["in_channels / groups"])
        if rank:
            return self._lora_params(kernel, inner, names, filters, rank, use_bias, why)
        if use_bias:
            why.step("params", f"({names} + 1) · filters", f"({inner} + 1) · {filters}", kernel + filters)
            return ParamCount(kernel + filters, 0)
        why.step("params", f"{names} · filters", f"{inner} · {filters}", kernel)
        return ParamCount(kernel, 0)

    @staticmethod
    def _lora_params(kernel: int, inner: str, names: str, filters: int, rank: int, use_bias: bool,
                     why: Derivation) -> ParamCount:
        """``enable_lora`` at build: the kernel frozen, ``lora_kernel_a`` (kernel[:-1] + (rank,))
        and ``lora_kernel_b`` (rank, filters) trainable."""
        why.step("non-trainable params", f"{names} · filters (kernel frozen by LoRA)", f"{inner} · {filters}",
                 kernel)
        lora = kernel // filters * rank + rank * filters
        bias = filters if use_bias else 0
        formula = f"{names} · lora_rank + lora_rank · filters" + (" + filters" if use_bias else "")
        bias_text = f" + {filters}" if use_bias else ""
        why.step("trainable params", formula, f"{inner} · {rank} + {rank} · {filters}{bias_text}", lora + bias)
        return ParamCount(lora + bias, kernel)


@register("Conv1D", "Convolution1D")
class Conv1D(BaseConv):
    rank = 1
    allow_causal = True
    signature = _conv_signature(1)


@register("Conv2D", "Convolution2D")
class Conv2D(BaseConv):
    rank = 2
    signature = _conv_signature(2)


@register("Conv3D", "Convolution3D")
class Conv3D(BaseConv):
    rank = 3
    signature = _conv_signature(3)


# ---- Conv1DTranspose / Conv2DTranspose / Conv3DTranspose ---------------------------------------

class BaseConvTranspose(_Convolution):
    """``keras.src.layers.convolutional.base_conv_transpose.BaseConvTranspose``."""

    fixed_kwargs = passes("keras.src.layers.convolutional.base_conv_transpose.BaseConvTranspose.__init__", "rank")

    def validate(self) -> None:
        super().validate()
        output_padding = self.args["output_padding"]
        self.output_padding = (None if output_padding is None else
                               standardize_tuple(output_padding, self.rank, "output_padding", allow_zero=True))
        self.check_positive("filters", "Invalid value for argument `filters`. Expected a strictly positive value.")
        for i, (pad, stride) in enumerate(zip(self.output_padding or (), self.strides)):
            if _all_int(pad, stride) and pad >= stride:
                raise ShapeError(
                    "invalid-argument",
                    "`output_padding` must be strictly less than `strides` for all dimensions. "
                    f"At dimension {i}, `output_padding` is {pad} but `strides` is {stride}. "
                    f"Received: output_padding={self.output_padding}, strides={self.strides}",
                )
        self.check_strides_with_dilation()

    def spatial_output(self, input_shape: Shape, sizes: tuple[Any, ...], why: Derivation) -> tuple[Dim, ...]:
        """Keras's ``compute_conv_transpose_output_shape``."""
        output_padding = self.output_padding or (None,) * self.rank
        out = []
        for label, size, kernel, stride, dilation, pad in zip(
                axis_labels(self.rank), sizes, self.kernel_size, self.strides, self.dilation_rate,
                output_padding):
            if isinstance(self.padding, (list, tuple)) and is_int(size):
                # Keras only looks at `padding` for axes of known length (None axes stay None).
                raise ShapeError("invalid-argument",
                                 f"The `padding` argument must be one of 'valid', 'same'. Received: "
                                 f"padding={self.padding}")
            out.append(transpose_output_length(size, kernel, stride, self.padding, pad, dilation,
                                               label=label, why=why))
        return tuple(out)

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        channels = self.defined_channels(input_shape)
        filters = self.weight_size("filters")
        use_bias = self.use_bias()
        if not _all_int(*self.kernel_size, channels, filters) or use_bias is UNKNOWN:
            return ParamCount(UNKNOWN, 0)
        kernel = math.prod(self.kernel_size) * channels * filters
        inner = _product(self.kernel_size + (channels,))
        names = _product(self.kernel_names() + ["in_channels"])
        if use_bias:
            why.step("params", f"({names} + 1) · filters", f"({inner} + 1) · {filters}", kernel + filters)
            return ParamCount(kernel + filters, 0)
        why.step("params", f"{names} · filters", f"{inner} · {filters}", kernel)
        return ParamCount(kernel, 0)


@register("Conv1DTranspose", "Convolution1DTranspose")
class Conv1DTranspose(BaseConvTranspose):
    rank = 1
    signature = _transpose_signature(1)


@register("Conv2DTranspose", "Convolution2DTranspose")
class Conv2DTranspose(BaseConvTranspose):
    rank = 2
    signature = _transpose_signature(2)


@register("Conv3DTranspose", "Convolution3DTranspose")
class Conv3DTranspose(BaseConvTranspose):
    rank = 3
    signature = _transpose_signature(3)


# ---- DepthwiseConv1D / DepthwiseConv2D ------------------------------------------------------------

class BaseDepthwiseConv(_Convolution):
    """``keras.src.layers.convolutional.base_depthwise_conv.BaseDepthwiseConv``."""

    fixed_kwargs = passes("keras.src.layers.convolutional.base_depthwise_conv.BaseDepthwiseConv.__init__", "rank")

    def validate(self) -> None:
        super().validate()
        self.check_positive("depth_multiplier",
                            "Invalid value for argument `depth_multiplier`. Expected a strictly positive value.")

    def output_channels(self, input_shape: Shape, why: Derivation) -> Any:
        in_channels = self.defined_channels(input_shape)
        multiplier = self.weight_size("depth_multiplier")
        if not _all_int(in_channels, multiplier):
            return UNKNOWN
        channels = in_channels * multiplier
        why.step("channels", "in_channels · depth_multiplier", f"{in_channels} · {multiplier}", channels)
        return channels

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        channels = self.input_channels(input_shape)
        multiplier = self.weight_size("depth_multiplier")
        use_bias = self.use_bias()
        if not _all_int(*self.kernel_size, channels, multiplier) or use_bias is UNKNOWN:
            return ParamCount(UNKNOWN, 0)
        kernel = math.prod(self.kernel_size) * channels * multiplier
        kernel_text = _product(self.kernel_size + (channels, multiplier))
        kernel_names = _product(self.kernel_names() + ["in_channels", "depth_multiplier"])
        if not use_bias:
            why.step("params", kernel_names, kernel_text, kernel)
            return ParamCount(kernel, 0)
        bias = channels * multiplier
        why.step("depthwise kernel", kernel_names, kernel_text, kernel)
        why.step("bias", "in_channels · depth_multiplier", f"{channels} · {multiplier}", bias)
        why.step("params", "depthwise kernel + bias", f"{kernel} + {bias}", kernel + bias)
        return ParamCount(kernel + bias, 0)


@register("DepthwiseConv1D")
class DepthwiseConv1D(BaseDepthwiseConv):
    rank = 1
    signature = _depthwise_signature(1)


@register("DepthwiseConv2D")
class DepthwiseConv2D(BaseDepthwiseConv):
    rank = 2
    signature = _depthwise_signature(2)


# ---- SeparableConv1D / SeparableConv2D -----------------------------------------------------------

class BaseSeparableConv(_Convolution):
    """``keras.src.layers.convolutional.base_separable_conv.BaseSeparableConv``."""

    fixed_kwargs = passes("keras.src.layers.convolutional.base_separable_conv.BaseSeparableConv.__init__", "rank")

    def validate(self) -> None:
        super().validate()
        self.check_positive("depth_multiplier",
                            "Invalid value for argument `depth_multiplier`. Expected a strictly positive value.")
        self.check_positive("filters", "Invalid value for argument `filters`. Expected a strictly positive value.")

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        channels = self.defined_channels(input_shape)
        multiplier = self.weight_size("depth_multiplier")
        filters = self.weight_size("filters")
        use_bias = self.use_bias()
        if not _all_int(*self.kernel_size, channels, multiplier, filters) or use_bias is UNKNOWN:
            return ParamCount(UNKNOWN, 0)
        depthwise = math.prod(self.kernel_size) * channels * multiplier
        why.step("depthwise kernel", _product(self.kernel_names() + ["in_channels", "depth_multiplier"]),
                 _product(self.kernel_size + (channels, multiplier)), depthwise)
        pointwise = channels * multiplier * filters
        why.step("pointwise kernel", "in_channels · depth_multiplier · filters",
                 f"{channels} · {multiplier} · {filters}", pointwise)
        if not use_bias:
            why.step("params", "depthwise kernel + pointwise kernel", f"{depthwise} + {pointwise}",
                     depthwise + pointwise)
            return ParamCount(depthwise + pointwise, 0)
        total = depthwise + pointwise + filters
        why.step("params", "depthwise kernel + pointwise kernel + bias (filters)",
                 f"{depthwise} + {pointwise} + {filters}", total)
        return ParamCount(total, 0)


@register("SeparableConv1D", "SeparableConvolution1D")
class SeparableConv1D(BaseSeparableConv):
    rank = 1
    signature = _separable_signature(1)


@register("SeparableConv2D", "SeparableConvolution2D")
class SeparableConv2D(BaseSeparableConv):
    rank = 2
    signature = _separable_signature(2)
