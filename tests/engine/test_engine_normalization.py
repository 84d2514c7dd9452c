"""Normalization layers against real Keras: BatchNormalization, LayerNormalization,
GroupNormalization, UnitNormalization, RMSNormalization."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import T, check_layer
from shapelens.engine import UNKNOWN, ShapeError, create_layer

ACCEPTED = [
    # BatchNormalization: 2·C trainable (gamma, beta) + 2·C non-trainable (moving mean/variance)
    ("BatchNormalization", {}, (None, 17, 17, 64)),
    ("BatchNormalization", {"axis": 1}, (None, 17, 17, 64)),
    ("BatchNormalization", {"axis": -3}, (None, 3, 8, 5)),
    ("BatchNormalization", {"axis": 0}, (8, 17)),
    ("BatchNormalization", {"center": False}, (None, 5)),
    ("BatchNormalization", {"scale": False, "center": False}, (None, 5)),
    ("BatchNormalization", {"center": 0, "scale": None}, (None, 5)),
    ("BatchNormalization", {"trainable": False}, (None, 5)),      # every weight non-trainable
    ("BatchNormalization", {"renorm": True}, (None, 5)),           # + moving_stddev, renorm_mean/stddev
    ("BatchNormalization", {"renorm": True, "renorm_clipping": {"rmax": 3, "rmin": 0.5}}, (None, 5)),
    ("BatchNormalization", {"axis": 1.7}, (None, 5, 3)),           # int(axis), as Keras
    ("BatchNormalization", {"axis": "1"}, (None, 5, 3)),
    ("BatchNormalization", {}, (None, None, 6)),
    # LayerNormalization: gamma and beta over input_shape[axis]
    ("LayerNormalization", {}, (None, 17, 64)),
    ("LayerNormalization", {"axis": [1, 2]}, (None, 17, 64)),
    ("LayerNormalization", {"axis": (2, 1)}, (None, 17, 64)),
    ("LayerNormalization", {"axis": (-1, 1)}, (None, 17, 64)),
    ("LayerNormalization", {"axis": (1, 1)}, (None, 17, 64)),
    ("LayerNormalization", {"axis": []}, (None, 17, 64)),
    ("LayerNormalization", {"center": False}, (None, 5)),
    ("LayerNormalization", {"scale": False}, (None, 5)),
    ("LayerNormalization", {"scale": False, "center": False}, (None, None)),
    ("LayerNormalization", {"rms_scaling": True}, (None, 5)),
    ("LayerNormalization", {"rms_scaling": True, "scale": False}, (None, 5)),
    ("LayerNormalization", {"trainable": False}, (None, 5)),
    # GroupNormalization
    ("GroupNormalization", {}, (None, 17, 64)),
    ("GroupNormalization", {"groups": 4}, (None, 17, 64)),
    ("GroupNormalization", {"groups": -1}, (None, 17, 64)),
    ("GroupNormalization", {"groups": 1, "axis": 1}, (None, 17, 64)),
    ("GroupNormalization", {"groups": 2, "axis": -2}, (8, 4)),
    ("GroupNormalization", {"groups": 2, "center": False}, (None, 4)),
    ("GroupNormalization", {"groups": 2, "trainable": False}, (None, 4)),
    # UnitNormalization and RMSNormalization
    ("UnitNormalization", {}, (None, 4)),
    ("UnitNormalization", {"axis": [1, 2]}, (None, 4, 3)),
    ("UnitNormalization", {"axis": -3}, (None, 4, 3)),
    ("UnitNormalization", {}, (None, None)),
    ("RMSNormalization", {}, (None, 4, 3)),
    ("RMSNormalization", {"axis": (1, 2)}, (None, 4, 3)),
    ("RMSNormalization", {"trainable": False}, (None, 4, 3)),
]


@pytest.mark.parametrize("name,kwargs,shape", ACCEPTED)
def test_accepted_cases_match_keras(name, kwargs, shape):
    check_layer(name, inputs=T(shape), expect_error=False, **kwargs)


def test_batch_norm_counts():
    _, ours = check_layer("BatchNormalization", inputs=T((None, 17, 17, 64)), expect_error=False)
    assert (ours.trainable, ours.non_trainable) == (128, 128)
    _, ours = check_layer("BatchNormalization", trainable=False, inputs=T((None, 17, 17, 64)), expect_error=False)
    assert (ours.trainable, ours.non_trainable) == (0, 256)


REJECTED = [
    ("BatchNormalization", {"axis": 4}, (None, 17, 17, 64), "wrong-rank"),
    ("BatchNormalization", {"axis": -5}, (None, 17, 17, 64), "wrong-rank"),
    ("BatchNormalization", {}, (), "wrong-rank"),
    ("BatchNormalization", {"axis": 0}, (None, 17, 17, 64), "undefined-dimension"),
    ("BatchNormalization", {}, (None, None), "undefined-dimension"),
    ("BatchNormalization", {}, (None,), "undefined-dimension"),
    ("BatchNormalization", {"axis": [1]}, (None, 5), "invalid-argument"),
    ("BatchNormalization", {"axis": "x"}, (None, 5), "invalid-argument"),
    ("BatchNormalization", {"renorm": True, "renorm_clipping": {"rmax": 1, "rmin": 2}}, (None, 5), "invalid-argument"),
    ("BatchNormalization", {"renorm": True, "renorm_clipping": {"dmax": -1}}, (None, 5), "invalid-argument"),
    ("BatchNormalization", {"renorm": True, "renorm_clipping": {"rmean": 1}}, (None, 5), "invalid-argument"),
    ("LayerNormalization", {"axis": 0}, (None, 17, 64), "undefined-dimension"),
    ("LayerNormalization", {"axis": 3}, (None, 17, 64), "wrong-rank"),
    ("LayerNormalization", {"axis": [1, 5]}, (None, 17, 64), "wrong-rank"),
    ("LayerNormalization", {"axis": 1.0}, (None, 17, 64), "invalid-argument"),
    ("LayerNormalization", {"axis": [1.0]}, (None, 17, 64), "invalid-argument"),
    ("LayerNormalization", {}, (None, None), "undefined-dimension"),
    ("LayerNormalization", {"scale": False}, (None, None), "undefined-dimension"),
    ("LayerNormalization", {}, (), "wrong-rank"),
    ("GroupNormalization", {"groups": 5}, (None, 17, 64), "invalid-argument"),
    ("GroupNormalization", {"groups": 128}, (None, 17, 64), "invalid-argument"),
    ("GroupNormalization", {"groups": 0}, (None, 17, 64), "invalid-argument"),
    ("GroupNormalization", {"groups": -2}, (None, 17, 64), "invalid-argument"),
    ("GroupNormalization", {"groups": 2.0}, (None, 17, 64), "invalid-argument"),
    ("GroupNormalization", {"groups": 1, "axis": 0}, (None, 17, 64), "undefined-dimension"),
    ("GroupNormalization", {"groups": 1, "axis": 3}, (None, 17, 64), "wrong-rank"),
    ("GroupNormalization", {"groups": 1}, (None, None), "undefined-dimension"),
    ("GroupNormalization", {"groups": 2, "axis": [1]}, (None, 4), "invalid-argument"),
    ("GroupNormalization", {"groups": 1}, (None, 4, 0), "invalid-argument"),
    ("GroupNormalization", {"groups": -1}, (None, 4, 0), "invalid-argument"),
    ("UnitNormalization", {"axis": 3}, (None, 4, 3), "wrong-rank"),
    ("UnitNormalization", {"axis": [1, -4]}, (None, 4, 3), "wrong-rank"),
    ("UnitNormalization", {"axis": 1.0}, (None, 4, 3), "invalid-argument"),
    ("UnitNormalization", {}, (), "wrong-rank"),
    ("RMSNormalization", {"axis": 0}, (None, 4, 3), "undefined-dimension"),
    ("RMSNormalization", {"axis": 3}, (None, 4, 3), "wrong-rank"),
    ("RMSNormalization", {"axis": 1.0}, (None, 4, 3), "invalid-argument"),
]


@pytest.mark.parametrize("name,kwargs,shape,code", REJECTED)
def test_rejected_cases_match_keras(name, kwargs, shape, code):
    _, ours = check_layer(name, inputs=T(shape), expect_error=True, **kwargs)
    assert ours.error.split(":")[0] == code


def test_synchronized_is_not_flagged():
    """Keras rejects synchronized=True on JAX and torch only; the backend is not known statically."""
    check_layer("BatchNormalization", synchronized=True, inputs=T((None, 5)))


@pytest.mark.parametrize("name,kwargs", [("BatchNormalization", {}), ("GroupNormalization", {"groups": 2})])
def test_built_layer_pins_rank_and_axis(name, kwargs):
    layer = create_layer(name, [], kwargs)
    assert layer.apply([(None, 5, 4)], {}).output == (None, 5, 4)
    assert layer.apply([(None, 7, 4)], {}).output == (None, 7, 4)
    with pytest.raises(ShapeError) as error:
        layer.apply([(None, 5, 6)], {})
    assert error.value.code == "incompatible-shapes"
    with pytest.raises(ShapeError) as error:
        layer.apply([(None, 5, 4, 1)], {})
    assert error.value.code == "wrong-rank"


@pytest.mark.parametrize("name,kwargs,shape,params", [
    ("BatchNormalization", {}, (None, 8, UNKNOWN), (UNKNOWN, UNKNOWN)),
    ("BatchNormalization", {"center": UNKNOWN}, (None, 8, 4), (UNKNOWN, 8)),
    ("BatchNormalization", {"axis": UNKNOWN}, (None, None, 4), (UNKNOWN, UNKNOWN)),
    ("LayerNormalization", {"axis": [1, UNKNOWN]}, (None, None, 4), (UNKNOWN, 0)),
    ("LayerNormalization", {"scale": UNKNOWN, "center": False}, (None, None), (UNKNOWN, 0)),
    ("GroupNormalization", {"groups": UNKNOWN}, (None, 8, 6), (UNKNOWN, 0)),
    ("GroupNormalization", {"groups": 5}, (None, 8, UNKNOWN), (UNKNOWN, 0)),
    ("RMSNormalization", {}, UNKNOWN, (UNKNOWN, 0)),
])
def test_unknown_values_never_raise(name, kwargs, shape, params):
    layer = create_layer(name, [], kwargs)
    assert layer.apply([shape], {}).output == shape
    count = layer.param_count()
    assert (count.trainable, count.non_trainable) == params


def test_derivation_lists_counts():
    lines = create_layer("BatchNormalization", [], {}).apply([(None, 17, 17, 64)], {}).derivation.render_lines()
    assert "trainable = 2 · 64 = 128" in lines and "non-trainable = 2 · 64 = 128" in lines
    lines = create_layer("LayerNormalization", [], {"axis": [1, 2]}).apply([(None, 17, 64)], {}).derivation.render_lines()
    assert "features = 17 · 64 = 1088" in lines and "params = 2 · 1088 = 2176" in lines


# ---- property tests -------------------------------------------------------------------------------

DIM = st.one_of(st.none(), st.integers(0, 9))
FLAG = st.sampled_from([True, False])


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(DIM, min_size=0, max_size=4), axis=st.integers(-5, 4), data=st.data())
def test_batch_and_group_norm_random(shape, axis, data):
    shape = (None, *shape)
    flags = {"center": data.draw(FLAG), "scale": data.draw(FLAG), "trainable": data.draw(FLAG)}
    check_layer("BatchNormalization", axis=axis, renorm=data.draw(FLAG), inputs=T(shape), **flags)
    groups = data.draw(st.sampled_from([-2, -1, 0, 1, 2, 3, 4, 32]))
    check_layer("GroupNormalization", groups=groups, axis=axis, inputs=T(shape), **flags)


@settings(max_examples=40, deadline=None)
@given(shape=st.lists(DIM, min_size=0, max_size=4), data=st.data())
def test_layer_unit_rms_norm_random(shape, data):
    shape = (None, *shape)
    axis = data.draw(st.one_of(st.integers(-5, 4), st.lists(st.integers(-4, 4), max_size=3)))
    flags = {"center": data.draw(FLAG), "scale": data.draw(FLAG), "trainable": data.draw(FLAG)}
    check_layer("LayerNormalization", axis=axis, rms_scaling=data.draw(FLAG), inputs=T(shape), **flags)
    check_layer("UnitNormalization", axis=axis, inputs=T(shape))
    check_layer("RMSNormalization", axis=axis, inputs=T(shape), trainable=flags["trainable"])
