"""Convolution layers against real Keras: Conv1D/2D/3D, the transposed convolutions, DepthwiseConv1D/2D,
SeparableConv1D/2D and every alias Keras exports for them."""

import re

import keras
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import T, check_layer
from shapelens.engine import UNKNOWN, ShapeError, create_layer


def apply(class_name, *args, inputs, **kwargs):
    layer = create_layer(class_name, list(args), kwargs)
    return layer, layer.apply([inputs], {})


# ---- the Stack Overflow seed model ---------------------------------------------------------------

@pytest.mark.parametrize("filters,shape,expected,params", [
    (16, (None, 150, 150, 3), (None, 148, 148, 16), 448),
    (32, (None, 74, 74, 16), (None, 72, 72, 32), 4640),
    (64, (None, 36, 36, 32), (None, 34, 34, 64), 18496),
])
def test_seed_model_convolutions(filters, shape, expected, params):
    real, ours = check_layer("Conv2D", filters, 3, inputs=T(shape), expect_error=False)
    assert ours.output == expected
    assert ours.trainable == params


def test_seed_model_derivation():
    _, applied = apply("Conv2D", 16, 3, inputs=(None, 150, 150, 3))
    lines = applied.derivation.render_lines()
    assert "height = floor((150 + 2·0 − 1·(3 − 1) − 1) / 1) + 1 = 148" in lines
    assert "params = (3 · 3 · 3 + 1) · 16 = 448" in lines
    assert "width = floor((150 + 2·0 − 1·(3 − 1) − 1) / 1) + 1 = 148" in lines
    assert any(line.startswith("Keras defaults:") and 'padding="valid"' in line for line in lines)


# ---- every class and alias -----------------------------------------------------------------------

ALIASES = [
    ("Conv1D", (8, 3), (None, 20, 4)), ("Convolution1D", (8, 3), (None, 20, 4)),
    ("Conv2D", (8, 3), (None, 20, 21, 4)), ("Convolution2D", (8, 3), (None, 20, 21, 4)),
    ("Conv3D", (8, 3), (None, 9, 10, 11, 4)), ("Convolution3D", (8, 3), (None, 9, 10, 11, 4)),
    ("Conv1DTranspose", (8, 3), (None, 20, 4)), ("Convolution1DTranspose", (8, 3), (None, 20, 4)),
    ("Conv2DTranspose", (8, 3), (None, 20, 21, 4)), ("Convolution2DTranspose", (8, 3), (None, 20, 21, 4)),
    ("Conv3DTranspose", (8, 3), (None, 9, 10, 11, 4)), ("Convolution3DTranspose", (8, 3), (None, 9, 10, 11, 4)),
    ("DepthwiseConv1D", (3,), (None, 20, 4)), ("DepthwiseConv2D", (3,), (None, 20, 21, 4)),
    ("SeparableConv1D", (8, 3), (None, 20, 4)), ("SeparableConvolution1D", (8, 3), (None, 20, 4)),
    ("SeparableConv2D", (8, 3), (None, 20, 21, 4)), ("SeparableConvolution2D", (8, 3), (None, 20, 21, 4)),
]


@pytest.mark.parametrize("class_name,args,shape", ALIASES)
def test_every_class_and_alias(class_name, args, shape):
    check_layer(class_name, *args, inputs=T(shape), expect_error=False)


@pytest.mark.parametrize("class_name,args,shape", ALIASES)
def test_every_class_channels_first_without_bias(class_name, args, shape):
    channels_first = (shape[0], shape[-1]) + shape[1:-1]
    check_layer(class_name, *args, data_format="channels_first", use_bias=False,
                inputs=T(channels_first), expect_error=False)


@pytest.mark.parametrize("class_name,args,shape", ALIASES)
def test_every_class_with_dynamic_spatial_dims(class_name, args, shape):
    dynamic = (None,) + (None,) * (len(shape) - 2) + shape[-1:]
    check_layer(class_name, *args, padding="same", inputs=T(dynamic), expect_error=False)


def test_alias_reports_the_keras_class_name():
    layer, _ = apply("Convolution2D", 4, 3, inputs=(None, 8, 8, 1))
    assert layer.keras_name == "Conv2D" and layer.name == "conv2d"


# ---- arguments that change shapes or parameters ----------------------------------------------------

@pytest.mark.parametrize("kwargs,shape", [
    ({"strides": 2}, (None, 150, 150, 3)),
    ({"strides": (2, 3), "padding": "same"}, (None, 15, 17, 3)),
    ({"padding": "SAME"}, (None, 15, 17, 3)),
    ({"dilation_rate": 2}, (None, 15, 17, 3)),
    ({"dilation_rate": (3, 1), "padding": "same"}, (None, 15, 17, 3)),
    ({"kernel_size": (1, 5)}, (None, 15, 17, 3)),
    ({"groups": 3}, (None, 15, 17, 6)),
    ({"groups": 2, "use_bias": False}, (None, 15, 17, 4)),
    ({"data_format": "channels_first", "strides": 2}, (None, 3, 15, 17)),
    ({"data_format": "channels_first", "groups": 2}, (None, 4, None, 17)),
    ({}, (4, 15, 17, 3)),
    ({}, (None, None, 17, 3)),
    ({"kernel_size": 15}, (None, 15, 15, 3)),
])
def test_conv2d_arguments(kwargs, shape):
    kwargs = {"kernel_size": 3, **kwargs}
    check_layer("Conv2D", 12, inputs=T(shape), expect_error=False, **kwargs)


@pytest.mark.parametrize("kwargs,shape", [
    ({"padding": "causal"}, (None, 10, 3)),
    ({"padding": "causal", "dilation_rate": 4}, (None, 10, 3)),
    ({"padding": "causal", "strides": 3}, (None, 10, 3)),
    ({"padding": "same", "strides": 2, "data_format": "channels_first"}, (None, 3, 11)),
    ({"groups": 2}, (None, None, 8)),
])
def test_conv1d_arguments(kwargs, shape):
    check_layer("Conv1D", 6, 3, inputs=T(shape), expect_error=False, **kwargs)


@pytest.mark.parametrize("kwargs,shape", [
    ({"strides": (1, 2, 3)}, (None, 9, 10, 11, 2)),
    ({"padding": "same", "strides": 2}, (None, 9, 10, 11, 2)),
    ({"dilation_rate": 2, "data_format": "channels_first"}, (2, 2, 9, 10, 11)),
    ({"groups": 2}, (None, 9, 10, 11, 2)),
])
def test_conv3d_arguments(kwargs, shape):
    check_layer("Conv3D", 4, 3, inputs=T(shape), expect_error=False, **kwargs)


@pytest.mark.parametrize("class_name,kwargs,shape", [
    ("Conv2DTranspose", {"strides": 2}, (None, 7, 8, 3)),
    ("Conv2DTranspose", {"strides": 2, "padding": "same"}, (None, 7, 8, 3)),
    ("Conv2DTranspose", {"strides": 3, "output_padding": (1, 2)}, (None, 7, 8, 3)),
    ("Conv2DTranspose", {"strides": 3, "output_padding": 2, "padding": "same"}, (None, 7, 8, 3)),
    ("Conv2DTranspose", {"strides": 5, "kernel_size": 2}, (None, 7, 8, 3)),
    ("Conv2DTranspose", {"dilation_rate": 2}, (None, 7, 8, 3)),
    ("Conv2DTranspose", {"dilation_rate": 2, "padding": "same", "output_padding": 0}, (None, 7, 8, 3)),
    ("Conv2DTranspose", {"data_format": "channels_first", "strides": 2}, (None, 3, 7, None)),
    ("Conv1DTranspose", {"strides": 4, "output_padding": 3}, (None, 7, 3)),
    ("Conv1DTranspose", {"padding": "same", "kernel_size": 4, "output_padding": 0}, (None, 7, 3)),
    ("Conv3DTranspose", {"strides": (1, 2, 3), "padding": "same"}, (None, 4, 5, 6, 2)),
    ("Conv3DTranspose", {"output_padding": (0, 1, 0), "strides": 2}, (None, 4, 5, 6, 2)),
])
def test_transpose_arguments(class_name, kwargs, shape):
    kwargs = {"kernel_size": 3, **kwargs}
    check_layer(class_name, 5, inputs=T(shape), expect_error=False, **kwargs)


@pytest.mark.parametrize("class_name,kwargs,shape", [
    ("DepthwiseConv2D", {"depth_multiplier": 3}, (None, 12, 13, 4)),
    ("DepthwiseConv2D", {"depth_multiplier": 2, "use_bias": False, "strides": 2}, (None, 12, 13, 4)),
    ("DepthwiseConv2D", {"dilation_rate": 2, "strides": 2}, (None, 12, 13, 4)),
    ("DepthwiseConv2D", {"data_format": "channels_first", "padding": "same"}, (None, 4, 12, 13)),
    ("DepthwiseConv1D", {"depth_multiplier": 4, "padding": "same", "strides": 3}, (None, 10, 2)),
    ("DepthwiseConv1D", {"data_format": "channels_first"}, (None, 2, 10)),
])
def test_depthwise_arguments(class_name, kwargs, shape):
    check_layer(class_name, 3, inputs=T(shape), expect_error=False, **kwargs)


@pytest.mark.parametrize("class_name,kwargs,shape", [
    ("SeparableConv2D", {"depth_multiplier": 3}, (None, 12, 13, 4)),
    ("SeparableConv2D", {"depth_multiplier": 2, "use_bias": False}, (None, 12, 13, 4)),
    ("SeparableConv2D", {"dilation_rate": 2, "strides": 2}, (None, 12, 13, 4)),
    ("SeparableConv2D", {"strides": (2, 1), "data_format": "channels_first"}, (None, 4, 12, 13)),
    ("SeparableConv1D", {"depth_multiplier": 2, "padding": "same", "strides": 2}, (None, 10, 3)),
    ("SeparableConv1D", {"data_format": "channels_first", "dilation_rate": 3}, (None, 3, 10)),
])
def test_separable_arguments(class_name, kwargs, shape):
    check_layer(class_name, 7, 3, inputs=T(shape), expect_error=False, **kwargs)


def test_depthwise_and_separable_derivations_show_both_parts():
    _, applied = apply("DepthwiseConv2D", 3, depth_multiplier=2, inputs=(None, 10, 10, 8))
    lines = applied.derivation.render_lines()
    assert "channels = 8 · 2 = 16" in lines
    assert "depthwise kernel = 3 · 3 · 8 · 2 = 144" in lines
    assert "bias = 8 · 2 = 16" in lines
    assert "params = 144 + 16 = 160" in lines
    _, applied = apply("SeparableConv2D", 16, 3, inputs=(None, 10, 10, 8))
    lines = applied.derivation.render_lines()
    assert "depthwise kernel = 3 · 3 · 8 · 1 = 72" in lines
    assert "pointwise kernel = 8 · 1 · 16 = 128" in lines
    assert "params = 72 + 128 + 16 = 216" in lines


def test_grouped_and_transposed_derivations():
    _, applied = apply("Conv2D", 16, 3, groups=2, inputs=(None, 10, 10, 8))
    assert "params = (3 · 3 · (8 / 2) + 1) · 16 = 592" in applied.derivation.render_lines()
    _, applied = apply("Conv2DTranspose", 4, 3, strides=2, inputs=(None, 5, 5, 8))
    lines = applied.derivation.render_lines()
    assert "height = (5 − 1) · 2 + max(3, 2) = 11" in lines
    assert "params = (3 · 3 · 8 + 1) · 4 = 292" in lines


# ---- rejected cases --------------------------------------------------------------------------

@pytest.mark.parametrize("class_name,args,kwargs,shape,code", [
    # the classic: Conv2D on a 3-D tensor (a missing channel axis)
    ("Conv2D", (16, 3), {}, (None, 150, 150), "wrong-rank"),
    ("Conv2D", (16, 3), {}, (None, 10, 10, 10, 3), "wrong-rank"),
    ("Conv1D", (4, 3), {}, (None, 10), "wrong-rank"),
    ("Conv3D", (4, 3), {}, (None, 10, 10, 3), "wrong-rank"),
    ("Conv2DTranspose", (4, 3), {}, (None, 10, 10, 10, 3), "wrong-rank"),
    ("Conv1DTranspose", (4, 3), {}, (None, 3), "wrong-rank"),
    ("DepthwiseConv2D", (3,), {}, (None, 10, 10, 10, 3), "wrong-rank"),
    ("SeparableConv1D", (4, 3), {}, (None, 10, 10, 3), "wrong-rank"),
    # windows larger than the input
    ("Conv2D", (16, 3), {}, (None, 2, 10, 3), "window-too-large"),
    ("Conv2D", (16, 3), {"dilation_rate": 5}, (None, 10, 10, 3), "window-too-large"),
    ("Conv1D", (4, 7), {"data_format": "channels_first"}, (None, 3, 6), "window-too-large"),
    ("Conv3D", (4, (1, 1, 4)), {}, (None, 5, 5, 3, 2), "window-too-large"),
    ("DepthwiseConv2D", (5,), {}, (None, 4, 10, 3), "window-too-large"),
    ("SeparableConv2D", (4, 5), {}, (None, 10, 4, 3), "window-too-large"),
    # channel axis undefined
    ("Conv2D", (16, 3), {}, (None, 10, 10, None), "undefined-dimension"),
    ("Conv2D", (16, 3), {"data_format": "channels_first"}, (None, None, 10, 10), "undefined-dimension"),
    ("Conv2DTranspose", (16, 3), {}, (None, 10, 10, None), "undefined-dimension"),
    ("DepthwiseConv1D", (3,), {}, (None, 10, None), "undefined-dimension"),
    ("SeparableConv2D", (4, 3), {}, (None, 10, 10, None), "undefined-dimension"),
    # groups
    ("Conv2D", (16, 3), {"groups": 3}, (None, 10, 10, 6), "invalid-argument"),
    ("Conv2D", (16, 3), {"groups": 4}, (None, 10, 10, 6), "incompatible-shapes"),
    ("Conv2D", (16, 3), {"groups": 0}, (None, 10, 10, 6), "invalid-argument"),
    # construction arguments
    ("Conv2D", (16, 3), {"padding": "causal"}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2D", (16, 3), {"padding": "full"}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2D", (16, 3), {"padding": [[1, 1], [1, 1]]}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2DTranspose", (16, 3), {"padding": [[1, 1], [1, 1]]}, (None, 10, None, 3), "invalid-argument"),
    ("Conv1DTranspose", (4, 3), {"padding": "causal"}, (None, 10, 3), "invalid-argument"),
    ("DepthwiseConv1D", (3,), {"padding": "causal"}, (None, 10, 3), "invalid-argument"),
    ("Conv2D", (16, 3), {"strides": 2, "dilation_rate": 2}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2DTranspose", (16, 3), {"strides": 2, "dilation_rate": 2}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2DTranspose", (16, 3), {"strides": 2, "output_padding": 2}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2D", (0, 3), {}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2D", (16, 0), {}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2D", (16, (3, 3, 3)), {}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2D", (16, 3), {"strides": 0}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2D", (16, 3), {"data_format": "NHWC"}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2D", (None, 3), {}, (None, 10, 10, 3), "invalid-argument"),
    ("Conv2D", (16.0, 3), {}, (None, 10, 10, 3), "invalid-argument"),
    ("DepthwiseConv2D", (3,), {"depth_multiplier": 0}, (None, 10, 10, 3), "invalid-argument"),
    ("DepthwiseConv2D", (3,), {"depth_multiplier": None}, (None, 10, 10, 3), "invalid-argument"),
    ("SeparableConv2D", (4, 3), {"depth_multiplier": -1}, (None, 10, 10, 3), "invalid-argument"),
    ("SeparableConv2D", (0, 3), {}, (None, 10, 10, 3), "invalid-argument"),
])
def test_rejected(class_name, args, kwargs, shape, code):
    _, ours = check_layer(class_name, *args, inputs=T(shape), expect_error=True, **kwargs)
    assert ours.error.startswith(code + ":"), ours.error


def test_wrong_rank_message_is_keras_wording():
    _, ours = check_layer("Conv2D", 16, 3, inputs=T((None, 150, 150)), expect_error=True)
    assert ours.error == ("wrong-rank: Input 0 of layer 'conv2d' is incompatible with the layer: "
                          "expected min_ndim=4, found ndim=3. Full shape received: (None, 150, 150)")


def test_window_too_large_message():
    _, ours = check_layer("Conv2D", 16, 3, inputs=T((None, 2, 10, 3)), expect_error=True)
    assert "Computed output size would be zero or negative" in ours.error
    assert "height = 0" in ours.error


@pytest.mark.parametrize("class_name,args,kwargs,shape", [
    # accepted by Keras although they look wrong: no false alarms here
    ("Conv2DTranspose", (4, 3), {"padding": [[1, 1], [1, 1]]}, (None, None, None, 3)),
    ("Conv2D", (4, 3), {"padding": "same"}, (None, 1, 1, 3)),
    ("Conv2D", (4, 3), {}, (None, 3, 3, 3)),
    ("DepthwiseConv2D", (3,), {"strides": 2, "dilation_rate": 2}, (None, 9, 9, 3)),
    ("Conv2DTranspose", (4, 9), {}, (None, 1, 1, 3)),
    ("Conv2D", (4, 3), {"use_bias": None}, (None, 5, 5, 3)),
    ("Conv2D", (4, 3), {"activation": "relu", "name": "c1"}, (None, 5, 5, 3)),
    ("Conv2D", (4, 3), {"trainable": False}, (None, 5, 5, 3)),
    ("SeparableConv1D", (4, 3), {"trainable": False}, (None, 5, 3)),
])
def test_accepted_edge_cases(class_name, args, kwargs, shape):
    check_layer(class_name, *args, inputs=T(shape), expect_error=False, **kwargs)


# ---- shared layers and unknown values ----------------------------------------------------------

def test_shared_layer_rejects_other_channel_count():
    layer = create_layer("Conv2D", [4, 3], {})
    layer.apply([(None, 8, 8, 3)], {})
    with pytest.raises(ShapeError) as error:
        layer.apply([(None, 8, 8, 5)], {})
    assert error.value.code == "incompatible-shapes"
    keras_layer = keras.layers.Conv2D(4, 3)
    keras_layer(keras.Input(batch_shape=(None, 8, 8, 3)))
    with pytest.raises(ValueError):
        keras_layer(keras.Input(batch_shape=(None, 8, 8, 5)))


def test_shared_layer_reuse_on_other_sizes():
    layer = create_layer("Conv2D", [4, 3], {})
    layer.apply([(None, 8, 8, 3)], {})
    assert layer.apply([(None, 20, 10, 3)], {}).output == (None, 18, 8, 4)
    assert layer.param_count().trainable == 112


def test_unknown_values_give_partial_shapes_never_errors():
    layer, applied = apply("Conv2D", 16, UNKNOWN, inputs=(None, 150, 150, 3))
    assert applied.output == (None, UNKNOWN, UNKNOWN, 16)
    assert layer.param_count().trainable is UNKNOWN
    layer, applied = apply("Conv2D", 16, 3, inputs=(None, UNKNOWN, 150, UNKNOWN))
    assert applied.output == (None, UNKNOWN, 148, 16)
    assert layer.param_count().trainable is UNKNOWN
    layer, applied = apply("Conv2D", UNKNOWN, 3, strides=(2, UNKNOWN), inputs=(None, 150, 150, 3))
    assert applied.output == (None, 74, UNKNOWN, UNKNOWN)
    _, applied = apply("Conv2D", 16, 3, padding=UNKNOWN, inputs=(None, 150, 150, 3))
    assert applied.output == (None, UNKNOWN, UNKNOWN, 16)
    _, applied = apply("Conv2D", 16, 3, data_format=UNKNOWN, inputs=(None, 150, 150, 3))
    assert applied.output == (None, UNKNOWN, UNKNOWN, UNKNOWN)
    _, applied = apply("Conv2D", 16, 3, inputs=UNKNOWN)
    assert applied.output is UNKNOWN
    _, applied = apply("DepthwiseConv2D", 3, depth_multiplier=UNKNOWN, inputs=(None, 9, 9, 3))
    assert applied.output == (None, 7, 7, UNKNOWN)
    _, applied = apply("Conv2DTranspose", 4, 3, strides=2, output_padding=UNKNOWN, inputs=(None, 9, 9, 3))
    assert applied.output == (None, UNKNOWN, UNKNOWN, 4)
    # groups unknown: the shape is still known, the count is not
    layer, applied = apply("Conv2D", 16, 3, groups=UNKNOWN, inputs=(None, 9, 9, 4))
    assert applied.output == (None, 7, 7, 16) and layer.param_count().trainable is UNKNOWN


# ---- random configurations ------------------------------------------------------------------

FAMILIES = {
    "Conv": ["Conv1D", "Conv2D", "Conv3D"],
    "Transpose": ["Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"],
    "Depthwise": ["DepthwiseConv1D", "DepthwiseConv2D"],
    "Separable": ["SeparableConv1D", "SeparableConv2D"],
}
RANK = {name: int(re.search(r"(\d)D", name).group(1)) for names in FAMILIES.values() for name in names}


def _per_axis(draw, rank, values):
    if draw(st.booleans()):
        return draw(values)
    return tuple(draw(values) for _ in range(rank))


@st.composite
def conv_config(draw):
    family = draw(st.sampled_from(sorted(FAMILIES)))
    class_name = draw(st.sampled_from(FAMILIES[family]))
    rank = RANK[class_name]
    kwargs = {
        "kernel_size": _per_axis(draw, rank, st.integers(1, 5)),
        "strides": _per_axis(draw, rank, st.sampled_from([1, 1, 2, 3])),
        "dilation_rate": _per_axis(draw, rank, st.sampled_from([1, 1, 2])),
        "padding": draw(st.sampled_from(["valid", "same", "causal"] if rank == 1 else ["valid", "same"])),
        "data_format": draw(st.sampled_from(["channels_last", "channels_first"])),
        "use_bias": draw(st.booleans()),
    }
    channels = draw(st.integers(1, 6))
    if family == "Conv":
        kwargs["groups"] = draw(st.sampled_from([1, 1, 2, 3]))
    if family in ("Conv", "Transpose", "Separable"):
        kwargs["filters"] = draw(st.sampled_from([1, 4, 6]))
    if family in ("Depthwise", "Separable"):
        kwargs["depth_multiplier"] = draw(st.integers(1, 3))
    if family == "Transpose" and draw(st.booleans()):
        kwargs["output_padding"] = _per_axis(draw, rank, st.integers(0, 2))
    input_rank = rank + draw(st.sampled_from([0, 0, 0, 0, 0, -1, 1]))
    spatial = [draw(st.one_of(st.none(), st.integers(1, 12))) for _ in range(input_rank)]
    batch = draw(st.sampled_from([None, 2]))
    if kwargs["data_format"] == "channels_last":
        shape = (batch, *spatial, channels)
    else:
        shape = (batch, channels, *spatial)
    return class_name, kwargs, shape


@settings(max_examples=40, deadline=None)
@given(conv_config())
def test_random_convolutions_agree_with_keras(config):
    class_name, kwargs, shape = config
    check_layer(class_name, inputs=T(shape), **kwargs)
