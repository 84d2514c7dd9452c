"""Regularization layers against real Keras: Dropout, SpatialDropout1D/2D/3D, GaussianNoise,
GaussianDropout, AlphaDropout, ActivityRegularization."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import T, check_layer
from shapelens.engine import create_layer
from shapelens.engine.shape import UNKNOWN

SHAPES = [(None, 10), (None, None, 3), (4, 5, 6, 7), (None,), ()]
RATE_LAYERS = ["Dropout", "GaussianDropout", "AlphaDropout", "GaussianNoise"]


def agree(class_name, *args, inputs, **kwargs):
    """check_layer, plus: Keras and the engine accept or reject the same cases."""
    real, ours = check_layer(class_name, *args, inputs=inputs, **kwargs)
    assert real.rejected == ours.rejected, f"{class_name}{args}{kwargs} on {inputs}: Keras {real.error}, engine {ours.error}"
    return real, ours


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name,args,kwargs", [
    ("Dropout", (0.5,), {}),
    ("Dropout", (0.0,), {"seed": 3}),
    ("Dropout", (1,), {"noise_shape": (None, 1)}),
    ("GaussianNoise", (0.1,), {}),
    ("GaussianDropout", (0.3,), {}),
    ("AlphaDropout", (0.2,), {"noise_shape": [None, 1]}),
    ("ActivityRegularization", (), {}),
    ("ActivityRegularization", (0.01, 0.02), {}),
])
def test_shape_preserving_layers(name, args, kwargs, shape):
    agree(name, *args, inputs=T(shape), expect_error=False, **kwargs)


@pytest.mark.parametrize("name", RATE_LAYERS)
@pytest.mark.parametrize("value", [-0.1, 1.5, None, 2])
def test_rate_outside_0_1_is_rejected(name, value):
    _, ours = agree(name, value, inputs=T((None, 4)), expect_error=True)
    assert ours.error.startswith("invalid-argument")


def test_gaussian_noise_stddev_above_1_is_rejected():
    _, ours = agree("GaussianNoise", 2.0, inputs=T((None, 4)), expect_error=True)
    assert "Expected a float value between 0 and 1. Received: stddev=2.0" in ours.error


@pytest.mark.parametrize("noise_shape", ["ab", (None, 0), (None, -2), (None, 1.5), 5])
def test_dropout_rejects_bad_noise_shape(noise_shape):
    _, ours = agree("Dropout", 0.5, noise_shape=noise_shape, inputs=T((None, 4)), expect_error=True)
    assert ours.error.startswith("invalid-argument")


def test_dropout_noise_shape_is_not_checked_against_the_input():
    agree("Dropout", 0.5, noise_shape=(None, 1, 5), inputs=T((None, 4)), expect_error=False)


# ---- SpatialDropout --------------------------------------------------------------------------

@pytest.mark.parametrize("name,shape,kwargs", [
    ("SpatialDropout1D", (None, 10, 8), {}),
    ("SpatialDropout1D", (None, None, 8), {"seed": 1}),
    ("SpatialDropout2D", (None, 32, 32, 3), {}),
    ("SpatialDropout2D", (None, 3, 32, 32), {"data_format": "channels_first"}),
    ("SpatialDropout2D", (2, 4, 4, 3), {"data_format": "Channels_Last"}),
    ("SpatialDropout3D", (None, 8, 8, 8, 3), {}),
    ("SpatialDropout3D", (None, 3, 8, 8, 8), {"data_format": "channels_first"}),
    ("SpatialDropout2D", (None, 32, 32, 3), {"name": "drop", "dtype": "float32"}),
])
def test_spatial_dropout_accepts(name, shape, kwargs):
    agree(name, 0.25, inputs=T(shape), expect_error=False, **kwargs)


@pytest.mark.parametrize("name,shape", [
    ("SpatialDropout1D", (None, 10)),
    ("SpatialDropout1D", (None, 10, 8, 3)),
    ("SpatialDropout2D", (None, 32, 3)),
    ("SpatialDropout2D", (None, 8, 8, 8, 3)),
    ("SpatialDropout3D", (None, 8, 8, 3)),
])
def test_spatial_dropout_checks_rank(name, shape):
    _, ours = agree(name, 0.25, inputs=T(shape), expect_error=True)
    assert ours.error.startswith("wrong-rank")
    assert "expected ndim=" in ours.error


@pytest.mark.parametrize("name,kwargs", [
    ("SpatialDropout2D", {"data_format": "channels_middle"}),
    ("SpatialDropout3D", {"data_format": "NHWC"}),
    ("SpatialDropout1D", {"trainable": False}),
    ("SpatialDropout2D", {"noise_shape": (None, 1, 1, 3)}),
])
def test_spatial_dropout_rejects_arguments(name, kwargs):
    rank = {"SpatialDropout1D": 3, "SpatialDropout2D": 4, "SpatialDropout3D": 5}[name]
    _, ours = agree(name, 0.25, inputs=T((None,) + (4,) * (rank - 1)), expect_error=True, **kwargs)
    assert ours.error.startswith("invalid-argument")


def test_unknowns_never_raise():
    assert create_layer("Dropout", [UNKNOWN], {}).apply([(None, UNKNOWN)], {}).output == (None, UNKNOWN)
    assert create_layer("SpatialDropout2D", [0.5], {}).apply([UNKNOWN], {}).output is UNKNOWN
    assert create_layer("Dropout", [0.5], {"noise_shape": (UNKNOWN, 1)}).apply([(None, 4)], {}).output == (None, 4)


def test_derivation():
    lines = create_layer("Dropout", [0.5], {}).apply([(None, 4)], {}).derivation.render_lines()
    assert lines == ["output = (None, 4)"]


# ---- random configurations -------------------------------------------------------------------

small_shapes = st.lists(st.sampled_from([None, 1, 3]), max_size=6).map(tuple)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(RATE_LAYERS),
       rate=st.one_of(st.floats(-0.5, 1.5, allow_nan=False), st.sampled_from([0, 1, None])),
       shape=small_shapes)
def test_rate_layers_random(name, rate, shape):
    agree(name, rate, inputs=T(shape))


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(["SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]),
       rate=st.sampled_from([0.0, 0.5, 1.2]),
       data_format=st.sampled_from([None, "channels_first", "channels_last", "bad"]),
       shape=small_shapes)
def test_spatial_dropout_random(name, rate, data_format, shape):
    kwargs = {} if name == "SpatialDropout1D" else {"data_format": data_format}
    agree(name, rate, inputs=T(shape), **kwargs)
