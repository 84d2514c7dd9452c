"""Merge layers (Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot) and
``broadcast_shapes`` (``x + y`` on symbolic tensors) against real Keras."""

import keras
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import T, check_layer
from shapelens.engine import ShapeError, create_layer
from shapelens.engine.derivation import Derivation
from shapelens.engine.layers.merging import broadcast_shapes
from shapelens.engine.shape import UNKNOWN

ELEMENTWISE = ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum"]
ELEMENTWISE_MANY = ["Add", "Multiply", "Average", "Maximum", "Minimum"]


def agree(class_name, *args, inputs, **kwargs):
    """check_layer, plus: Keras and the engine accept or reject the same cases."""
    real, ours = check_layer(class_name, *args, inputs=inputs, **kwargs)
    assert real.rejected == ours.rejected, f"{class_name}{args}{kwargs} on {inputs}: Keras {real.error}, engine {ours.error}"
    return real, ours


def engine(class_name, *args, inputs, **kwargs):
    layer = create_layer(class_name, list(args), kwargs)
    return layer.apply([inputs], {}).output


def ts(*shapes):
    return [T(s) for s in shapes]


# ---- elementwise merges ----------------------------------------------------------------------

@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shapes", [
    ((None, 4), (None, 4)),
    ((None, 8, 16), (None, 8, 16)),
    ((None, 4), (None, 1)),            # broadcasting a 1
    ((None, 1, 5), (None, 3, 1)),
    ((None, None), (None, 1)),
    ((None, 5), (None, None)),          # None against a size gives None
    ((None, 4), (None, 3, 4)),          # different ranks, aligned from the right
    ((2, 4), (None, 4)),                # the one known batch size wins
    ((1, 4), (None, 4)),
    ((None, 2, 3, 4), (None, 3, 4)),
])
def test_elementwise_merge_accepts(name, shapes):
    agree(name, inputs=ts(*shapes), expect_error=False)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("shapes", [
    ((None, 4), (None, 5)),
    ((None, 3), (None, 3, 4)),
    ((None, 8, 16), (None, 8, 15)),
])
def test_elementwise_merge_rejects_incompatible_shapes(name, shapes):
    _, ours = agree(name, inputs=ts(*shapes), expect_error=True)
    assert ours.error.startswith("incompatible-shapes")
    assert "Inputs have incompatible shapes" in ours.error


def test_add_error_message_names_both_shapes():
    _, ours = agree("Add", inputs=ts((None, 4), (None, 5)), expect_error=True)
    assert ours.error == "incompatible-shapes: Inputs have incompatible shapes. Received shapes (4,) and (5,)"


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_merge_rejects_different_batch_sizes(name):
    _, ours = agree(name, inputs=ts((2, 4), (3, 4)), expect_error=True)
    assert ours.error.startswith("incompatible-shapes")
    assert "different batch sizes" in ours.error


@pytest.mark.parametrize("name", ELEMENTWISE_MANY)
@pytest.mark.parametrize("count", [1, 3, 4])
def test_merges_accept_one_or_more_inputs(name, count):
    agree(name, inputs=ts(*[(None, 6)] * count), expect_error=False)


@pytest.mark.parametrize("count", [1, 3])
def test_subtract_needs_exactly_two_inputs(count):
    _, ours = agree("Subtract", inputs=ts(*[(None, 6)] * count), expect_error=True)
    assert ours.error.startswith("wrong-input-count")


@pytest.mark.parametrize("name", ELEMENTWISE + ["Concatenate"])
def test_merge_rejects_a_single_tensor(name):
    _, ours = agree(name, inputs=T((None, 4)), expect_error=True)
    assert ours.error.startswith("wrong-input-count")


def test_dot_rejects_a_single_tensor():
    _, ours = agree("Dot", 1, inputs=T((None, 4)), expect_error=True)
    assert ours.error.startswith("wrong-input-count")


@pytest.mark.parametrize("name", ["Add", "Concatenate"])
def test_merge_rejects_an_empty_list(name):
    _, ours = agree(name, inputs=[], expect_error=True)
    assert ours.error.startswith("wrong-input-count")


def test_merge_rejects_rank_0_inputs():
    _, ours = agree("Add", inputs=ts((), ()), expect_error=True)
    assert ours.error.startswith("wrong-rank")


def test_merge_three_inputs_broadcast_in_order():
    agree("Add", inputs=ts((None, 1, 4), (None, 3, 1), (None, 3, 4)), expect_error=False)
    agree("Maximum", inputs=ts((None, 4), (None, None), (None, 5)), expect_error=False)


def test_frozen_merge_has_no_params():
    agree("Add", trainable=False, inputs=ts((None, 4), (None, 4)), expect_error=False)


def test_merge_with_unknown_dims_never_raises():
    assert engine("Add", inputs=[(None, UNKNOWN), (None, 5)]) == (None, UNKNOWN)
    assert engine("Add", inputs=[(None, 5, UNKNOWN), (None, 5, 3)]) == (None, 5, UNKNOWN)
    assert engine("Add", inputs=[(None, 1, UNKNOWN), (None, 5, 1)]) == (None, 5, UNKNOWN)
    assert engine("Add", inputs=[(UNKNOWN, 4), (None, 4)]) == (UNKNOWN, 4)
    assert engine("Add", inputs=[(UNKNOWN, 4), (2, 4)]) == (2, 4)
    assert engine("Multiply", inputs=[(None, 4), UNKNOWN]) is UNKNOWN
    assert engine("Subtract", inputs=UNKNOWN) is UNKNOWN
    assert engine("Add", inputs=(UNKNOWN, UNKNOWN)) is UNKNOWN
    assert engine("Add", inputs=((None, 4), (None, 1))) == (None, 4)     # a tuple of tensors


def test_merge_with_unknown_shape_still_checks_batch_sizes():
    with pytest.raises(ShapeError) as err:
        engine("Add", inputs=[(2, 4), UNKNOWN, (3, 4)])
    assert err.value.code == "incompatible-shapes"


def test_merge_derivation():
    layer = create_layer("Add", [], {})
    applied = layer.apply([[(None, 4), (None, 1)]], {})
    assert applied.derivation.render_lines() == ["output = (None,) + broadcast((4,), (1,)) = (None, 4)"]


# ---- Concatenate -----------------------------------------------------------------------------

@pytest.mark.parametrize("axis,shapes", [
    (-1, ((None, 4), (None, 5))),
    (-1, ((None, 4), (None, 5), (None, 7))),
    (1, ((None, 3, 4), (None, 2, 4))),
    (2, ((None, 3, 4), (None, 3, 6))),
    (-2, ((None, 3, 4), (None, 5, 4))),
    (0, ((2, 4), (3, 4))),
    (0, ((None, 4), (3, 4))),
    (-1, ((None, None), (None, 5))),
    (-1, ((None, 4), (None, None))),
    (1, ((None, None, 4), (None, 3, 4))),      # None matches any size off the axis
    (-1, ((None, 3, None), (None, None, 5))),
    (-1, ((None, 4),)),
    (1, ((None, 10, 64, 64, 3), (None, 2, 64, 64, 3))),
    (-1, ((2, 4), (None, 5))),
])
def test_concatenate_accepts(axis, shapes):
    agree("Concatenate", axis=axis, inputs=ts(*shapes), expect_error=False)


def test_concatenate_default_axis():
    agree("Concatenate", inputs=ts((None, 8, 8, 16), (None, 8, 8, 32)), expect_error=False)


@pytest.mark.parametrize("axis,shapes", [
    (1, ((None, 3, 4), (None, 3, 5))),
    (-1, ((None, 3, 4), (None, 2, 5))),
    (-1, ((None, 4), (None, 3, 5))),          # ranks differ
    (-1, ((2, 4), (3, 5))),                    # batch sizes differ
    (2, ((None, 4), (None, 5))),               # axis past the rank, shapes differ
    (-1, ((None, 8, 8, 16), (None, 4, 4, 16))),
])
def test_concatenate_rejects_mismatched_shapes(axis, shapes):
    _, ours = agree("Concatenate", axis=axis, inputs=ts(*shapes), expect_error=True)
    assert ours.error.startswith("incompatible-shapes")
    assert "requires inputs with matching shapes except for the concatenation axis" in ours.error


@pytest.mark.parametrize("axis,shapes", [
    (5, ((None, 4), (None, 4))),
    (2, ((None, 4), (None, 4))),
    (-5, ((None, 4), (None, 5))),
    (-3, ((None, 4), (None, 4))),
])
def test_concatenate_rejects_axis_out_of_range(axis, shapes):
    _, ours = agree("Concatenate", axis=axis, inputs=ts(*shapes), expect_error=True)
    assert ours.error.startswith("invalid-argument")


def test_concatenate_rejects_rank_0():
    _, ours = agree("Concatenate", inputs=ts((), ()), expect_error=True)
    assert ours.error.startswith("wrong-rank")


def test_concatenate_with_unknowns():
    assert engine("Concatenate", inputs=[(None, UNKNOWN), (None, 5)]) == (None, UNKNOWN)
    assert engine("Concatenate", inputs=[(None, UNKNOWN), (None, None)]) == (None, None)
    assert engine("Concatenate", inputs=[(None, 3, 4), UNKNOWN]) == (None, 3, UNKNOWN)
    assert engine("Concatenate", inputs=[(None, UNKNOWN, 4), (None, 3, 5)]) == (None, UNKNOWN, 9)
    assert engine("Concatenate", axis=UNKNOWN, inputs=[(None, 4), (None, 5)]) is UNKNOWN
    # known shapes that already disagree are an error whatever the unknown one is
    with pytest.raises(ShapeError):
        engine("Concatenate", axis=1, inputs=[(None, 3, 4), UNKNOWN, (None, 3, 5)])


def test_concatenate_derivation():
    layer = create_layer("Concatenate", [], {})
    lines = layer.apply([[(None, 4), (None, 5)]], {}).derivation.render_lines()
    assert lines[0] == "axis -1 = 4 + 5 = 9"
    assert "Keras defaults: axis=-1" in lines


# ---- Dot -------------------------------------------------------------------------------------

@pytest.mark.parametrize("axes,shapes", [
    (1, ((None, 4), (None, 4))),
    (-1, ((None, 4), (None, 4))),
    ((2, 2), ((None, 3, 4), (None, 5, 4))),
    ((1, 1), ((None, 3, 4), (None, 3, 5))),
    ((-1, -1), ((None, 3, 4), (None, 5, 4))),
    (-1, ((None, 3, 4), (None, 4))),
    ((1, 2), ((None, 4, 5, 6), (None, 7, 4, 2))),
    (0, ((None, 4), (None, 4))),               # Keras reports (4, 1): its shape rule, not batch_dot
    (1, ((2, 4), (3, 4))),                     # Dot does not check batch sizes
    ((2, 1), ((None, 3, 4), (None, 4))),
])
def test_dot_accepts(axes, shapes):
    agree("Dot", axes, inputs=ts(*shapes), expect_error=False)


@pytest.mark.parametrize("normalize", [True, False])
def test_dot_normalize_keeps_the_shape(normalize):
    agree("Dot", axes=1, normalize=normalize, inputs=ts((None, 8), (None, 8)), expect_error=False)


@pytest.mark.parametrize("axes,shapes", [
    (1, ((None, 4), (None, 5))),
    (1, ((None, None), (None, 5))),           # None against a size is an error for Dot
    ((1, 0), ((None, 4), (None, 4))),
    ((2, 2), ((None, 3, 4), (None, 5, 6))),
])
def test_dot_rejects_incompatible_axes(axes, shapes):
    _, ours = agree("Dot", axes, inputs=ts(*shapes), expect_error=True)
    assert ours.error.startswith("incompatible-shapes")
    assert "Incompatible input shapes: axis values" in ours.error


@pytest.mark.parametrize("axes,shapes,code", [
    (5, ((None, 3, 4), (None, 4)), "invalid-argument"),
    (0, ((4,), (4,)), "wrong-rank"),
    (-1, ((), (None, 4)), "wrong-rank"),
])
def test_dot_rejects_axes_out_of_range(axes, shapes, code):
    _, ours = agree("Dot", axes, inputs=ts(*shapes), expect_error=True)
    assert ours.error.startswith(code)


@pytest.mark.parametrize("count", [1, 3])
def test_dot_needs_two_inputs(count):
    _, ours = agree("Dot", 1, inputs=ts(*[(None, 4)] * count), expect_error=True)
    assert ours.error.startswith("wrong-input-count")


@pytest.mark.parametrize("axes", [(1,), (1, 2, 3), "a", (1, 1.5), None])
def test_dot_rejects_bad_axes_argument(axes):
    _, ours = agree("Dot", axes, inputs=ts((None, 4), (None, 4)), expect_error=True)
    assert ours.error.startswith("invalid-argument")


def test_dot_with_unknowns():
    assert engine("Dot", 1, inputs=[(None, UNKNOWN), (None, 5)]) == (None, 1)
    assert engine("Dot", (2, 2), inputs=[(None, 3, UNKNOWN), (None, UNKNOWN, 4)]) == (None, 3, UNKNOWN)
    assert engine("Dot", UNKNOWN, inputs=[(None, 4), (None, 4)]) is UNKNOWN
    assert engine("Dot", 1, inputs=[UNKNOWN, (None, 4)]) is UNKNOWN


# ---- broadcast_shapes: x + y on symbolic tensors ----------------------------------------------

def keras_binary(op, a, b):
    """The shape Keras gives ``op(Input(a), Input(b))``, or the error it raises."""
    x, y = keras.Input(batch_shape=a), keras.Input(batch_shape=b)
    try:
        return tuple(op(x, y).shape)
    except ValueError as error:
        return error


def assert_broadcast_agrees(a, b, op=lambda x, y: x + y):
    real = keras_binary(op, a, b)
    try:
        ours = broadcast_shapes(a, b)
    except ShapeError as error:
        assert error.code == "incompatible-shapes"
        assert isinstance(real, ValueError), f"{a} + {b}: engine raised {error.message}, Keras gave {real}"
        return
    assert not isinstance(real, Exception), f"{a} + {b}: Keras raised {real}, engine gave {ours}"
    assert ours == real, f"{a} + {b}: engine {ours}, Keras {real}"


@pytest.mark.parametrize("a,b", [
    ((None, 4), (None, 5)),
    ((None, 4), (3, 1)),
    ((None, None, 4), (3, 1)),
    ((2, 4), (3, 4)),
    ((None, 4), (None, 1)),
    ((None, 1), (None, None)),
    ((None, 5), (None, None)),
    ((5,), (None, 3, 5)),
    ((None, 4), ()),
    ((1, 4), (None, 4)),
    ((None, 8, 1), (None, 1, 8)),
])
@pytest.mark.parametrize("op", [lambda x, y: x + y, lambda x, y: x - y, lambda x, y: x * y],
                         ids=["add", "subtract", "multiply"])
def test_broadcast_shapes_matches_keras_operators(a, b, op):
    assert_broadcast_agrees(a, b, op)


def test_broadcast_shapes_on_keras_input_examples():
    """``keras.Input((4,)) + keras.Input((5,))`` raises; ``keras.Input((None, 4)) +
    keras.Input((3, 1))`` is ``(None, 3, 4)``."""
    with pytest.raises(ValueError):
        keras.Input((4,)) + keras.Input((5,))
    assert tuple((keras.Input((None, 4)) + keras.Input((3, 1))).shape) == (None, 3, 4)
    with pytest.raises(ShapeError):
        broadcast_shapes((None, 4), (None, 5))
    assert broadcast_shapes((None, None, 4), (None, 3, 1)) == (None, 3, 4)


def test_broadcast_shapes_error_message():
    with pytest.raises(ShapeError) as err:
        broadcast_shapes((None, 4), (None, 5))
    assert err.value.code == "incompatible-shapes"
    assert err.value.message == ("Cannot broadcast shape, the failure dim has value 4, which cannot be "
                                 "broadcasted to 5. Input shapes are: [None, 4] and [None, 5].")


def test_broadcast_shapes_with_unknowns():
    assert broadcast_shapes(UNKNOWN, (None, 4)) is UNKNOWN
    assert broadcast_shapes((None, UNKNOWN), (None, 5)) == (None, 5)
    assert broadcast_shapes((None, 5), (None, UNKNOWN)) == (None, 5)
    assert broadcast_shapes((None, UNKNOWN), (None, 1)) == (None, UNKNOWN)
    assert broadcast_shapes((None, UNKNOWN), (None, None)) == (None, UNKNOWN)
    assert broadcast_shapes((UNKNOWN, 4), (3, 4, 4)) == (3, 4, 4)
    assert broadcast_shapes((UNKNOWN, 4), (3, 1, 4)) == (3, UNKNOWN, 4)


def test_broadcast_shapes_records_a_step():
    why = Derivation()
    broadcast_shapes((None, 1, 4), (3, 1), why)
    assert why.render_lines() == ["output = broadcast((None, 1, 4), (3, 1)) = (None, 3, 4)"]


# ---- random configurations -------------------------------------------------------------------

dims = st.sampled_from([None, 1, 2, 3])
shapes = st.lists(dims, min_size=0, max_size=3).map(tuple)


@settings(max_examples=40, deadline=None)
@given(a=shapes, b=shapes)
def test_broadcast_shapes_random(a, b):
    assert_broadcast_agrees(a, b)


batch = st.sampled_from([None, 2, 3])
merge_input = st.tuples(batch, st.lists(dims, min_size=0, max_size=3)).map(lambda t: (t[0],) + tuple(t[1]))


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(ELEMENTWISE), inputs=st.lists(merge_input, min_size=1, max_size=3))
def test_elementwise_merges_random(name, inputs):
    agree(name, inputs=ts(*inputs))


@settings(max_examples=40, deadline=None)
@given(axis=st.integers(-4, 3), inputs=st.lists(merge_input, min_size=1, max_size=3))
def test_concatenate_random(axis, inputs):
    agree("Concatenate", axis=axis, inputs=ts(*inputs))


@settings(max_examples=40, deadline=None)
@given(axes=st.one_of(st.integers(-3, 3), st.tuples(st.integers(-3, 3), st.integers(-3, 3))),
       normalize=st.booleans(), inputs=st.lists(merge_input, min_size=2, max_size=2))
def test_dot_random(axes, normalize, inputs):
    agree("Dot", axes, normalize=normalize, inputs=ts(*inputs))
