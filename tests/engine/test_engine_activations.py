"""Activation layers against real Keras: Activation, ReLU, LeakyReLU, PReLU, ELU, Softmax."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import T, check_layer
from shapelens.engine import ShapeError, create_layer
from shapelens.engine.layers.core import ACTIVATION_NAMES
from shapelens.engine.shape import UNKNOWN

SHAPES = [(None, 10), (None, None, 3), (4, 5, 6, 7), (None,)]


def agree(class_name, *args, inputs, **kwargs):
    """check_layer, plus: Keras and the engine accept or reject the same cases."""
    real, ours = check_layer(class_name, *args, inputs=inputs, **kwargs)
    assert real.rejected == ours.rejected, f"{class_name}{args}{kwargs} on {inputs}: Keras {real.error}, engine {ours.error}"
    return real, ours


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name,args,kwargs", [
    ("Activation", ("relu",), {}),
    ("Activation", (None,), {}),
    ("ReLU", (), {}),
    ("ReLU", (6.0,), {"negative_slope": 0.1, "threshold": 0.5}),
    ("LeakyReLU", (), {}),
    ("LeakyReLU", (0.2,), {}),
    ("ELU", (), {"alpha": 0.5}),
    ("Softmax", (), {}),
    ("Softmax", (), {"axis": 1}),
    ("Softmax", (), {"axis": [1, -1]}),
])
def test_shape_preserving_activations(name, args, kwargs, shape):
    agree(name, *args, inputs=T(shape), expect_error=False, **kwargs)


def test_every_keras_activation_name_is_accepted():
    import keras.src.activations as acts
    assert ACTIVATION_NAMES == set(acts.ALL_OBJECTS_DICT)


@pytest.mark.parametrize("name", sorted(ACTIVATION_NAMES))
def test_activation_names(name):
    agree("Activation", name, inputs=T((None, 6)), expect_error=False)


@pytest.mark.parametrize("name,args,kwargs", [
    ("Activation", ("rleu",), {}),
    ("Activation", ("ReLU",), {}),
    ("ReLU", (-1.0,), {}),
    ("ReLU", (), {"negative_slope": -0.1}),
    ("ReLU", (), {"negative_slope": None}),
    ("ReLU", (), {"threshold": -1}),
    ("ReLU", (), {"threshold": None}),
    ("LeakyReLU", (-0.1,), {}),
    ("LeakyReLU", (None,), {}),
    ("LeakyReLU", (), {"alpha": -1}),
])
@pytest.mark.filterwarnings("ignore:Argument `alpha` is deprecated")
def test_activation_arguments_keras_rejects(name, args, kwargs):
    _, ours = agree(name, *args, inputs=T((None, 4)), expect_error=True, **kwargs)
    assert ours.error.startswith("invalid-argument")


@pytest.mark.filterwarnings("ignore:Argument `alpha` is deprecated")
def test_leaky_relu_deprecated_alpha_is_accepted():
    agree("LeakyReLU", alpha=0.1, inputs=T((None, 4)), expect_error=False)


def test_softmax_does_not_check_axis_or_mask():
    agree("Softmax", axis=5, inputs=T((None, 4)), expect_error=False)
    agree("Softmax", inputs=T((None, 4)), call_kwargs={"mask": T((None, 5))}, expect_error=False)


def test_activations_keep_unknown_dims():
    layer = create_layer("ReLU", [], {})
    assert layer.apply([(None, UNKNOWN, 3)], {}).output == (None, UNKNOWN, 3)
    assert layer.apply([UNKNOWN], {}).output is UNKNOWN


# ---- PReLU -----------------------------------------------------------------------------------

@pytest.mark.parametrize("shared_axes,shape", [
    (None, (None, 10)),
    (None, (None, 3, 4)),
    (None, (None,)),
    (None, ()),
    ([1], (None, None, 4)),
    ([1, 2], (None, 32, 32, 16)),
    ((1, 2), (None, None, None, 16)),
    (1, (None, None, 4)),
    (-1, (None, 3, 4)),
    (0, (None, 3, 4)),
    ([3], (None, 8, 8, 3)),
])
def test_prelu_alpha_shape(shared_axes, shape):
    agree("PReLU", shared_axes=shared_axes, inputs=T(shape), expect_error=False)


def test_prelu_frozen():
    agree("PReLU", trainable=False, inputs=T((None, 3, 4)), expect_error=False)


@pytest.mark.parametrize("shared_axes,shape,code", [
    (None, (None, None, 4), "undefined-dimension"),
    ([2], (None, None, 4), "undefined-dimension"),
    (5, (None, 3, 4), "invalid-argument"),
    ([1], (None,), "invalid-argument"),
])
def test_prelu_rejects(shared_axes, shape, code):
    _, ours = agree("PReLU", shared_axes=shared_axes, inputs=T(shape), expect_error=True)
    assert ours.error.startswith(code)


def test_prelu_derivation():
    layer = create_layer("PReLU", [], {"shared_axes": [1, 2]})
    lines = layer.apply([(None, 32, 32, 16)], {}).derivation.render_lines()
    assert lines[:2] == ["alpha shape = (32, 32, 16) with axes [1, 2] → 1 = (1, 1, 16)",
                         "params = 1 · 1 · 16 = 16"]


def test_prelu_reuse_checks_input_spec():
    layer = create_layer("PReLU", [], {"shared_axes": [1]})
    layer.apply([(None, 5, 4)], {})
    assert layer.apply([(None, 9, 4)], {}).output == (None, 9, 4)    # shared axis may change
    with pytest.raises(ShapeError) as err:
        layer.apply([(None, 5, 3)], {})
    assert err.value.code == "incompatible-shapes"
    with pytest.raises(ShapeError) as err:
        layer.apply([(None, 4)], {})
    assert err.value.code == "wrong-rank"


def test_prelu_unknowns():
    layer = create_layer("PReLU", [], {})
    layer.apply([(None, UNKNOWN, 4)], {})
    assert layer.param_count().trainable is UNKNOWN
    layer = create_layer("PReLU", [], {"shared_axes": UNKNOWN})
    assert layer.apply([(None, 3, 4)], {}).output == (None, 3, 4)
    assert layer.param_count().trainable is UNKNOWN


# ---- random configurations -------------------------------------------------------------------

small_shapes = st.lists(st.sampled_from([None, 1, 2, 3]), max_size=4).map(tuple)


@settings(max_examples=40, deadline=None)
@given(shared_axes=st.one_of(st.none(), st.integers(-2, 4), st.lists(st.integers(0, 4), max_size=2, unique=True)),
       shape=small_shapes)
def test_prelu_random(shared_axes, shape):
    agree("PReLU", shared_axes=shared_axes, inputs=T(shape))


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(["ReLU", "LeakyReLU", "ELU", "Softmax"]),
       value=st.one_of(st.none(), st.floats(-2, 8, allow_nan=False), st.integers(-1, 3)),
       shape=small_shapes)
def test_activation_layers_random(name, value, shape):
    agree(name, value, inputs=T(shape))
