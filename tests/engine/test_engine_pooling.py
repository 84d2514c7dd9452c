"""Pooling layers against real Keras: Max/AveragePooling1D/2D/3D, GlobalMax/GlobalAveragePooling1D/2D/3D,
AdaptiveMax/AdaptiveAveragePooling1D/2D/3D and every alias Keras exports for them."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import T, check_layer
from shapelens.engine import UNKNOWN, create_layer


def apply(class_name, *args, inputs, **kwargs):
    layer = create_layer(class_name, list(args), kwargs)
    return layer, layer.apply([inputs], {})


# ---- the Stack Overflow seed model ---------------------------------------------------------------

@pytest.mark.parametrize("shape,expected", [
    ((None, 148, 148, 16), (None, 74, 74, 16)),
    ((None, 72, 72, 32), (None, 36, 36, 32)),
    ((None, 34, 34, 64), (None, 17, 17, 64)),
])
def test_seed_model_pooling(shape, expected):
    _, ours = check_layer("MaxPooling2D", 2, inputs=T(shape), expect_error=False)
    assert ours.output == expected and ours.trainable == 0


def test_seed_model_pooling_derivation():
    _, applied = apply("MaxPooling2D", 2, inputs=(None, 148, 148, 16))
    lines = applied.derivation.render_lines()
    assert "height = floor((148 − 2) / 2) + 1 = 74" in lines
    assert "width = floor((148 − 2) / 2) + 1 = 74" in lines
    assert "output = (None, 74, 74, 16)" in lines
    assert any(line.startswith("Keras defaults:") and 'strides=None, padding="valid", data_format=None' in line
               for line in lines)


# ---- every class and alias -----------------------------------------------------------------------

WINDOW = [
    ("MaxPooling1D", (None, 20, 4)), ("MaxPool1D", (None, 20, 4)),
    ("MaxPooling2D", (None, 20, 21, 4)), ("MaxPool2D", (None, 20, 21, 4)),
    ("MaxPooling3D", (None, 9, 10, 11, 4)), ("MaxPool3D", (None, 9, 10, 11, 4)),
    ("AveragePooling1D", (None, 20, 4)), ("AvgPool1D", (None, 20, 4)),
    ("AveragePooling2D", (None, 20, 21, 4)), ("AvgPool2D", (None, 20, 21, 4)),
    ("AveragePooling3D", (None, 9, 10, 11, 4)), ("AvgPool3D", (None, 9, 10, 11, 4)),
]
GLOBAL = [
    ("GlobalMaxPooling1D", (None, 20, 4)), ("GlobalMaxPool1D", (None, 20, 4)),
    ("GlobalMaxPooling2D", (None, 20, 21, 4)), ("GlobalMaxPool2D", (None, 20, 21, 4)),
    ("GlobalMaxPooling3D", (None, 9, 10, 11, 4)), ("GlobalMaxPool3D", (None, 9, 10, 11, 4)),
    ("GlobalAveragePooling1D", (None, 20, 4)), ("GlobalAvgPool1D", (None, 20, 4)),
    ("GlobalAveragePooling2D", (None, 20, 21, 4)), ("GlobalAvgPool2D", (None, 20, 21, 4)),
    ("GlobalAveragePooling3D", (None, 9, 10, 11, 4)), ("GlobalAvgPool3D", (None, 9, 10, 11, 4)),
]


@pytest.mark.parametrize("class_name,shape", WINDOW)
@pytest.mark.parametrize("kwargs", [
    {"pool_size": 3},
    {"pool_size": 2, "strides": 1},
    {"pool_size": 3, "padding": "same"},
    {"pool_size": 2, "strides": 3, "data_format": "channels_first"},
])
def test_every_window_pooling_class(class_name, shape, kwargs):
    if kwargs.get("data_format") == "channels_first":
        shape = (shape[0], shape[-1]) + shape[1:-1]
    check_layer(class_name, inputs=T(shape), expect_error=False, **kwargs)


@pytest.mark.parametrize("class_name,shape", [c for c in WINDOW if c[0].startswith("Max")])
def test_max_pooling_default_pool_size(class_name, shape):
    check_layer(class_name, inputs=T(shape), expect_error=False)


@pytest.mark.parametrize("class_name,shape", GLOBAL)
@pytest.mark.parametrize("kwargs", [{}, {"keepdims": True}, {"data_format": "channels_first"},
                                    {"data_format": "channels_first", "keepdims": True}])
def test_every_global_pooling_class(class_name, shape, kwargs):
    check_layer(class_name, inputs=T(shape), expect_error=False, **kwargs)


@pytest.mark.parametrize("class_name,kwargs,shape", [
    ("MaxPooling2D", {"pool_size": (2, 3)}, (None, 9, 10, 3)),
    ("MaxPooling2D", {"pool_size": (2, 3), "strides": (3, 1)}, (None, 9, 10, 3)),
    ("MaxPooling2D", {"pool_size": 4, "padding": "same", "strides": (1, 3)}, (None, 9, 10, 3)),
    ("MaxPooling2D", {"pool_size": 3}, (None, None, 10, None)),
    ("MaxPooling2D", {"pool_size": 3}, (4, 3, 3, 1)),
    ("MaxPooling2D", {"pool_size": 5, "padding": "same"}, (None, 2, 3, 1)),
    ("AveragePooling1D", {"pool_size": 4, "strides": 2}, (None, 9, 3)),
    ("AveragePooling1D", {"pool_size": 4, "strides": 2, "data_format": "channels_first"}, (None, 3, 9)),
    ("AveragePooling3D", {"pool_size": (1, 2, 3), "padding": "same"}, (None, 4, 5, 7, 2)),
    ("MaxPooling3D", {"pool_size": 2, "strides": (1, 2, 3), "data_format": "channels_first"}, (None, 2, 4, 5, 7)),
    ("GlobalMaxPooling2D", {"keepdims": 1}, (None, None, None, 8)),
    ("GlobalAveragePooling1D", {"keepdims": None}, (None, None, 8)),
    ("GlobalAveragePooling2D", {}, (None, 5, 5, None)),
])
def test_pooling_arguments(class_name, kwargs, shape):
    check_layer(class_name, inputs=T(shape), expect_error=False, **kwargs)


# ---- rejected cases --------------------------------------------------------------------------

@pytest.mark.parametrize("class_name,kwargs,shape,code", [
    ("MaxPooling2D", {}, (None, 150, 150), "wrong-rank"),
    ("MaxPooling2D", {}, (None, 10, 10, 10, 3), "wrong-rank"),
    ("AveragePooling1D", {"pool_size": 2}, (None, 10, 10, 3), "wrong-rank"),
    ("GlobalAveragePooling1D", {}, (None, 5, 6, 3), "wrong-rank"),
    ("GlobalMaxPooling2D", {}, (None, 6, 3), "wrong-rank"),
    ("GlobalAvgPool3D", {}, (None, 5, 6, 3), "wrong-rank"),
    # pools larger than the input: Keras 3.15 (JAX backend) raises when the layer is called
    ("MaxPooling2D", {"pool_size": 5}, (None, 4, 7, 3), "window-too-large"),
    ("MaxPooling2D", {"pool_size": 2}, (None, 1, 1, 3), "window-too-large"),
    ("AveragePooling1D", {"pool_size": 3, "data_format": "channels_first"}, (None, 5, 2), "window-too-large"),
    ("MaxPooling3D", {"pool_size": (1, 1, 4)}, (None, 5, 5, 3, 2), "window-too-large"),
    # arguments
    ("MaxPooling2D", {"padding": "SAME"}, (None, 8, 8, 3), "invalid-argument"),
    ("MaxPooling2D", {"padding": "causal"}, (None, 8, 8, 3), "invalid-argument"),
    ("MaxPooling2D", {"padding": None}, (None, 8, 8, 3), "invalid-argument"),
    ("MaxPooling2D", {"strides": (0, 1)}, (None, 8, 8, 3), "invalid-argument"),
    ("MaxPooling1D", {"strides": 0, "padding": "same"}, (None, None, 3), "invalid-argument"),
    ("MaxPooling2D", {"pool_size": 0}, (None, 8, 8, 3), "invalid-argument"),
    ("MaxPooling2D", {"pool_size": (2, 2, 2)}, (None, 8, 8, 3), "invalid-argument"),
    ("MaxPooling2D", {"pool_size": 2.0}, (None, 8, 8, 3), "invalid-argument"),
    ("MaxPooling2D", {"strides": -1}, (None, 8, 8, 3), "invalid-argument"),
    ("MaxPooling2D", {"data_format": "NHWC"}, (None, 8, 8, 3), "invalid-argument"),
    ("GlobalMaxPooling2D", {"data_format": "NHWC"}, (None, 8, 8, 3), "invalid-argument"),
])
def test_rejected(class_name, kwargs, shape, code):
    _, ours = check_layer(class_name, inputs=T(shape), expect_error=True, **kwargs)
    assert ours.error.startswith(code + ":"), ours.error


def test_pool_larger_than_input_message():
    _, ours = check_layer("MaxPooling2D", 5, inputs=T((None, 4, 7, 3)), expect_error=True)
    assert "Computed output size would be zero or negative (height = 0)" in ours.error


# ---- adaptive pooling ------------------------------------------------------------------------

ADAPTIVE_CLASSES = ["AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D",
                    "AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D"]


@pytest.mark.parametrize("class_name", ADAPTIVE_CLASSES)
@pytest.mark.parametrize("kwargs", [{}, {"data_format": "channels_first"}])
def test_every_adaptive_pooling_class(class_name, kwargs):
    rank = int(class_name[-2])
    check_layer(class_name, 3, inputs=T((None,) + (9,) * rank + (5,)), expect_error=False, **kwargs)
    check_layer(class_name, tuple(range(2, 2 + rank)), inputs=T((2,) + (None,) * rank + (5,)),
                expect_error=False, **kwargs)


@pytest.mark.parametrize("class_name,args,kwargs,shape,expect_error", [
    # no input spec in Keras: any rank is accepted, larger outputs too
    ("AdaptiveMaxPooling2D", (3,), {}, (None, 8, 4), False),
    ("AdaptiveMaxPooling2D", (3,), {}, (None, 8, 8, 8, 4), False),
    ("AdaptiveAveragePooling2D", (16,), {}, (None, 8, 8, 4), False),
    ("AdaptiveAveragePooling2D", ((None, 2),), {}, (None, 8, 8, 4), False),
    ("AdaptiveAveragePooling2D", (0,), {}, (None, 8, 8, 4), False),
    ("AdaptiveMaxPooling1D", ([4],), {}, (None, 8, 4), False),
    ("AdaptiveMaxPooling1D", ([4, 4],), {}, (None, 8, 4), True),
    ("AdaptiveMaxPooling3D", ((2, 2),), {}, (None, 8, 8, 8, 4), True),
    ("AdaptiveMaxPooling2D", (-1,), {}, (None, 8, 8, 4), True),
    ("AdaptiveMaxPooling2D", ((2.0, 2),), {}, (None, 8, 8, 4), True),
    ("AdaptiveMaxPooling2D", (2.0,), {}, (None, 8, 8, 4), True),
    ("AdaptiveMaxPooling2D", (2,), {"data_format": "CHANNELS_LAST"}, (None, 8, 8, 4), True),
])
def test_adaptive_pooling_cases(class_name, args, kwargs, shape, expect_error):
    _, ours = check_layer(class_name, *args, inputs=T(shape), expect_error=expect_error, **kwargs)
    if expect_error:
        assert ours.error.startswith("invalid-argument:"), ours.error


# ---- unknown values -----------------------------------------------------------------------------

def test_unknown_values_give_partial_shapes():
    _, applied = apply("MaxPooling2D", (2, UNKNOWN), inputs=(None, 10, 10, 3))
    assert applied.output == (None, 5, UNKNOWN, 3)
    _, applied = apply("MaxPooling2D", 2, padding=UNKNOWN, inputs=(None, 10, 10, 3))
    assert applied.output == (None, UNKNOWN, UNKNOWN, 3)
    _, applied = apply("MaxPooling2D", 2, inputs=(None, UNKNOWN, 10, 3))
    assert applied.output == (None, UNKNOWN, 5, 3)
    _, applied = apply("MaxPooling2D", 2, data_format=UNKNOWN, inputs=(None, 10, 10, 3))
    assert applied.output == (None, UNKNOWN, UNKNOWN, UNKNOWN)
    _, applied = apply("GlobalAveragePooling2D", keepdims=UNKNOWN, inputs=(None, 10, 10, 3))
    assert applied.output is UNKNOWN
    _, applied = apply("GlobalAveragePooling2D", inputs=UNKNOWN)
    assert applied.output is UNKNOWN
    _, applied = apply("AdaptiveMaxPooling2D", (4, UNKNOWN), inputs=(None, 10, 10, 3))
    assert applied.output == (None, 4, UNKNOWN, 3)


# ---- random configurations ------------------------------------------------------------------

WINDOW_CLASSES = ["MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
                  "AveragePooling1D", "AveragePooling2D", "AveragePooling3D"]
GLOBAL_CLASSES = ["GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
                  "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D"]


def _per_axis(draw, rank, values):
    if draw(st.booleans()):
        return draw(values)
    return tuple(draw(values) for _ in range(rank))


def _shape(draw, rank, data_format):
    input_rank = rank + draw(st.sampled_from([0, 0, 0, 0, -1, 1]))
    spatial = [draw(st.one_of(st.none(), st.integers(1, 10))) for _ in range(input_rank)]
    batch, channels = draw(st.sampled_from([None, 3])), draw(st.sampled_from([None, 1, 4]))
    if data_format == "channels_last":
        return (batch, *spatial, channels)
    return (batch, channels, *spatial)


@st.composite
def pooling_config(draw):
    class_name = draw(st.sampled_from(WINDOW_CLASSES))
    rank = int(class_name[-2])
    kwargs = {
        "pool_size": _per_axis(draw, rank, st.integers(1, 5)),
        "padding": draw(st.sampled_from(["valid", "valid", "same", "Same"])),
        "data_format": draw(st.sampled_from(["channels_last", "channels_first"])),
    }
    if draw(st.booleans()):
        kwargs["strides"] = _per_axis(draw, rank, st.sampled_from([0, 1, 1, 2, 3]))
    return class_name, kwargs, _shape(draw, rank, kwargs["data_format"])


@st.composite
def global_pooling_config(draw):
    class_name = draw(st.sampled_from(GLOBAL_CLASSES))
    kwargs = {"data_format": draw(st.sampled_from(["channels_last", "channels_first"])),
              "keepdims": draw(st.booleans())}
    return class_name, kwargs, _shape(draw, int(class_name[-2]), kwargs["data_format"])


@st.composite
def adaptive_pooling_config(draw):
    class_name = draw(st.sampled_from(ADAPTIVE_CLASSES))
    rank = int(class_name[-2])
    sizes = st.one_of(st.integers(-1, 6), st.none())
    kwargs = {"output_size": draw(st.one_of(st.integers(0, 6), st.lists(sizes, min_size=1, max_size=3).map(tuple))),
              "data_format": draw(st.sampled_from(["channels_last", "channels_first"]))}
    return class_name, kwargs, _shape(draw, rank, kwargs["data_format"])


@settings(max_examples=40, deadline=None)
@given(adaptive_pooling_config())
def test_random_adaptive_pooling_agrees_with_keras(config):
    class_name, kwargs, shape = config
    check_layer(class_name, inputs=T(shape), **kwargs)


@settings(max_examples=40, deadline=None)
@given(pooling_config())
def test_random_pooling_agrees_with_keras(config):
    class_name, kwargs, shape = config
    check_layer(class_name, inputs=T(shape), **kwargs)


@settings(max_examples=40, deadline=None)
@given(global_pooling_config())
def test_random_global_pooling_agrees_with_keras(config):
    class_name, kwargs, shape = config
    check_layer(class_name, inputs=T(shape), **kwargs)
