"""Rules for ``keras.ops.nn`` (``keras/src/ops/nn.py``): activations, convolutions, pooling,
``one_hot`` / ``multi_hot``, normalisations, ``moments``, losses, ``dot_product_attention``,
``depth_to_space`` and friends.  Window arithmetic is shared with the layer rules
(``conv_utils``), as Keras shares ``operation_utils`` between ops and layers."""

from __future__ import annotations

from typing import Any

from ..conv_utils import pool_output_length, transpose_output_length, window_output_length
from ..shape import Dim, Shapes, dim_op, is_int
from .base import Tensor, Unknown, axes_set, axis_index, known_shape, literal_int, op
from .numpy import reduce_shape

ACTIVATIONS = (
    "relu relu6 sigmoid sparse_sigmoid softplus softsign soft_shrink sparse_plus silu swish "
    "log_sigmoid leaky_relu hard_sigmoid hard_silu hard_swish elu selu gelu celu hard_tanh "
    "hard_shrink tanh_shrink threshold squareplus sparsemax normalize l2_normalize"
).split()
_CLASS = {"swish": "Silu", "hard_swish": "HardSilu"}


def _same(x: Tensor) -> tuple[Any, ...]:
    return known_shape(x)


for _name in ACTIVATIONS:
    op(_name, cls=_CLASS.get(_name))(lambda x, *args, **kwargs: _same(x))


@op("softmax", "log_softmax")
def softmax(x: Tensor, axis: object = -1) -> Shapes:
    x = known_shape(x)
    if axis is not None:
        axes_set(axis, len(x))
    return x


@op("glu")
def glu(x: Tensor, axis: object = -1) -> Shapes:
    x = known_shape(x)
    ax = axis_index(axis, len(x))
    size = x[ax]
    if is_int(size) and size % 2:
        raise Unknown
    return x[:ax] + (dim_op(lambda s: s // 2, size),) + x[ax + 1:]


# ---- one-hot --------------------------------------------------------------------------------

def _insert_classes(x: Tensor, num_classes: object, axis: object) -> tuple[Any, ...]:
    x = known_shape(x)
    n = literal_int(num_classes)
    if axis == -1:
        return x + (n,)
    if is_int(axis) and 0 <= axis < len(x):
        return x[:axis] + (n,) + x[axis:]
    raise Unknown


@op("one_hot")
def one_hot(x: Tensor, num_classes: object, axis: object = -1, dtype: object = None, sparse: object = False) -> Shapes:
    return _insert_classes(x, num_classes, axis)


@op("multi_hot", tensors=("inputs",))
def multi_hot(inputs: Tensor, num_classes: object = None, axis: object = -1, dtype: object = None,
              sparse: object = False, **kwargs: object) -> Shapes:
    out = _insert_classes(inputs, num_classes if num_classes is not None else kwargs.get("num_tokens"), axis)
    return (out[-1],) if len(out) == 2 else (out[0],) + out[2:]


# ---- windows: convolution and pooling -----------------------------------------------------

def _data_format(data_format: object) -> str:
    if data_format is None:
        return "channels_last"          # keras.config.image_data_format()'s default
    if data_format in ("channels_last", "channels_first"):
        return data_format
    raise Unknown


def _tuple(value: object, n: int) -> tuple[int, ...]:
    if is_int(value):
        return (value,) * n
    if isinstance(value, (list, tuple)) and len(value) == n and all(is_int(v) for v in value):
        return tuple(value)
    raise Unknown


def _spatial(inputs: Tensor, data_format: object) -> tuple[str, tuple[Any, ...]]:
    inputs = known_shape(inputs)
    if len(inputs) < 3:
        raise Unknown
    fmt = _data_format(data_format)
    return fmt, (inputs[1:-1] if fmt == "channels_last" else inputs[2:])


def _assemble(inputs: tuple[Any, ...], fmt: str, spatial: list[Dim], channels: Dim) -> tuple[Any, ...]:
    if fmt == "channels_last":
        return (inputs[0],) + tuple(spatial) + (channels,)
    return (inputs[0], channels) + tuple(spatial)


def _pool(inputs: Tensor, pool_size: object, strides: object, padding: object, data_format: object
          ) -> tuple[Any, ...]:
    inputs = known_shape(inputs)
    fmt, spatial = _spatial(inputs, data_format)
    n = len(spatial)
    pool = _tuple(pool_size, n)
    stride = pool if strides is None else _tuple(strides, n)
    if padding not in ("valid", "same"):
        raise Unknown
    out = [pool_output_length(s, p, st, padding) for s, p, st in zip(spatial, pool, stride)]
    if any(is_int(o) and o <= 0 for o in out):
        raise Unknown
    return _assemble(inputs, fmt, out, inputs[-1] if fmt == "channels_last" else inputs[1])


@op("max_pool", "average_pool", tensors=("inputs",))
def max_pool(inputs: Tensor, pool_size: object, strides: object = None, padding: object = "valid",
             data_format: object = None) -> Shapes:
    return _pool(inputs, pool_size, strides, padding, data_format)


def _conv(inputs: Tensor, kernel_spatial: tuple[Any, ...], channels: Dim, strides: object, padding: object,
          data_format: object, dilation_rate: object) -> tuple[Any, ...]:
    inputs = known_shape(inputs)
    fmt, spatial = _spatial(inputs, data_format)
    n = len(spatial)
    if len(kernel_spatial) != n or padding not in ("valid", "same", "causal"):
        raise Unknown
    stride = _tuple(strides, n)
    dilation = _tuple(dilation_rate, n)
    out = []
    for s, k, st, d in zip(spatial, kernel_spatial, stride, dilation):
        if not is_int(k):
            raise Unknown
        o = window_output_length(s, k, st, padding, d)
        if is_int(o) and o <= 0:
            raise Unknown
        out.append(o)
    return _assemble(inputs, fmt, out, channels)


@op("conv", tensors=("inputs", "kernel"))
def conv(inputs: Tensor, kernel: Tensor, strides: object = 1, padding: object = "valid", data_format: object = None,
         dilation_rate: object = 1) -> Shapes:
    kernel = known_shape(kernel)
    return _conv(inputs, kernel[:-2], kernel[-1], strides, padding, data_format, dilation_rate)


@op("depthwise_conv", tensors=("inputs", "kernel"))
def depthwise_conv(inputs: Tensor, kernel: Tensor, strides: object = 1, padding: object = "valid",
                   data_format: object = None, dilation_rate: object = 1) -> Shapes:
    kernel, inputs = known_shape(kernel), known_shape(inputs)
    channels = dim_op(lambda a, b: a * b, kernel[-2], kernel[-1])
    return _conv(inputs, kernel[:-2], channels, strides, padding, data_format, dilation_rate)


@op("separable_conv", tensors=("inputs", "depthwise_kernel", "pointwise_kernel"))
def separable_conv(inputs: Tensor, depthwise_kernel: Tensor, pointwise_kernel: Tensor, strides: object = 1,
                   padding: object = "valid", data_format: object = None, dilation_rate: object = 1) -> Shapes:
    depthwise_kernel, pointwise_kernel = known_shape(depthwise_kernel), known_shape(pointwise_kernel)
    return _conv(inputs, depthwise_kernel[:-2], pointwise_kernel[-1], strides, padding, data_format,
                 dilation_rate)


@op("conv_transpose", tensors=("inputs", "kernel"))
def conv_transpose(inputs: Tensor, kernel: Tensor, strides: object = 1, padding: object = "valid",
                   output_padding: object = None, data_format: object = None,
                   dilation_rate: object = 1) -> Shapes:
    kernel, inputs = known_shape(kernel), known_shape(inputs)
    fmt, spatial = _spatial(inputs, data_format)
    n = len(spatial)
    if len(kernel) != n + 2 or padding not in ("valid", "same"):
        raise Unknown
    stride = _tuple(strides, n)
    dilation = _tuple(dilation_rate, n)
    out_pad = (None,) * n if output_padding is None else _tuple(output_padding, n)
    out = [transpose_output_length(s, k, st, padding, op_, d)
           for s, k, st, op_, d in zip(spatial, kernel[:-2], stride, out_pad, dilation)]
    return _assemble(inputs, fmt, out, kernel[-2])


def _depth_space(x: Tensor, block_size: object, data_format: object, to_space: bool) -> tuple[Any, ...]:
    x = known_shape(x)
    if len(x) != 4:
        raise Unknown
    b = literal_int(block_size)
    fmt = _data_format(data_format)
    if fmt == "channels_last":
        n, h, w, c = x
    else:
        n, c, h, w = x
    if to_space:
        if is_int(c) and c % (b * b):
            raise Unknown
        c, h, w = dim_op(lambda v: v // (b * b), c), dim_op(lambda v: v * b, h), dim_op(lambda v: v * b, w)
    else:
        if (is_int(h) and h % b) or (is_int(w) and w % b):
            raise Unknown
        c, h, w = dim_op(lambda v: v * b * b, c), dim_op(lambda v: v // b, h), dim_op(lambda v: v // b, w)
    return (n, h, w, c) if fmt == "channels_last" else (n, c, h, w)


@op("depth_to_space")
def depth_to_space(x: Tensor, block_size: object, data_format: object = "channels_last") -> Shapes:
    return _depth_space(x, block_size, data_format, True)


@op("space_to_depth")
def space_to_depth(x: Tensor, block_size: object, data_format: object = "channels_last") -> Shapes:
    return _depth_space(x, block_size, data_format, False)


# ---- normalisation, statistics, attention, losses --------------------------------------------

@op("batch_normalization", tensors=("x", "mean", "variance", "offset", "scale"), cls="BatchNorm")
def batch_normalization(x: Tensor, mean: Tensor, variance: Tensor, axis: object, offset: Tensor = None,
                        scale: Tensor = None, epsilon: object = 1e-3) -> Shapes:
    return _same(x)


@op("layer_normalization", tensors=("x", "gamma", "beta"), cls="LayerNorm")
@op("rms_normalization", tensors=("x", "scale"), cls="RMSNorm")
def layer_normalization(x: Tensor, *args: object, **kwargs: object) -> Shapes:
    return _same(x)


@op("moments")
def moments(x: Tensor, axes: object, keepdims: object = False, synchronized: object = False) -> Shapes:
    out = reduce_shape(x, axes, keepdims)
    return (out, out)


@op("dot_product_attention", tensors=("query", "key", "value", "bias", "mask"))
def dot_product_attention(query: Tensor, key: Tensor, value: Tensor, *args: object, **kwargs: object) -> Shapes:
    return _same(query)


@op("binary_crossentropy", tensors=("target", "output"))
def binary_crossentropy(target: Tensor, output: Tensor, from_logits: object = False) -> Shapes:
    target, output = known_shape(target), known_shape(output)
    if target != output:
        raise Unknown
    return output


@op("categorical_crossentropy", tensors=("target", "output"))
def categorical_crossentropy(target: Tensor, output: Tensor, from_logits: object = False, axis: object = -1) -> Shapes:
    target, output = known_shape(target), known_shape(output)
    if target != output or not output:
        raise Unknown
    return output[:-1]


@op("sparse_categorical_crossentropy", tensors=("target", "output"))
def sparse_categorical_crossentropy(target: Tensor, output: Tensor, from_logits: object = False,
                                    axis: object = -1) -> Shapes:
    target, output = known_shape(target), known_shape(output)
    if not output:
        raise Unknown
    ax = axis_index(axis, len(output))
    expected = output[:ax] + output[ax + 1:]
    if len(target) == len(output) and target[-1] == 1:
        target = target[:-1]
    if target != expected:
        raise Unknown
    return expected


@op("psnr", tensors=("x1", "x2"), cls="PSNR")
def psnr(x1: Tensor, x2: Tensor, max_val: object) -> Shapes:
    return ()


@op("polar", tensors=("abs_", "angle"))
def polar(abs_: Tensor, angle: Tensor) -> Shapes:
    return _same(abs_)


@op("unfold")
def unfold(x: Tensor, kernel_size: object, dilation: object = 1, padding: object = 0, stride: object = 1) -> Shapes:
    x = known_shape(x)
    if len(x) != 4:
        raise Unknown
    n, c, h, w = x
    (kh, kw), (dh, dw), (ph, pw), (sh, sw) = (_tuple(v, 2) for v in (kernel_size, dilation, padding, stride))
    oh = dim_op(lambda s: (s + 2 * ph - dh * (kh - 1) - 1) // sh + 1, h)
    ow = dim_op(lambda s: (s + 2 * pw - dw * (kw - 1) - 1) // sw + 1, w)
    return (n, dim_op(lambda v: v * kh * kw, c), dim_op(lambda a, b: a * b, oh, ow))


@op("fold")
def fold(x: Tensor, output_size: object, kernel_size: object, dilation: object = 1, padding: object = 0,
         stride: object = 1) -> Shapes:
    x = known_shape(x)
    if len(x) != 3:
        raise Unknown
    n, ckk, _ = x
    kh, kw = _tuple(kernel_size, 2)
    oh, ow = _tuple(output_size, 2)
    if is_int(ckk) and ckk % (kh * kw):
        raise Unknown
    return (n, dim_op(lambda v: v // (kh * kw), ckk), oh, ow)



# ``keras.activations`` functions that are not ops (the interpreter sends them here too).
for _name in ("mish", "exponential", "linear"):
    op(_name)(lambda x: _same(x))
