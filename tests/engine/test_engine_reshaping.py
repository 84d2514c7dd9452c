"""Reshaping layers against real Keras: Flatten, Reshape, Permute, RepeatVector, UpSampling*,
ZeroPadding*, Cropping*."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import T, check_layer
from shapelens.engine import UNKNOWN, create_layer

DIM = st.one_of(st.none(), st.integers(0, 12))
FORMATS = st.sampled_from([None, "channels_last", "channels_first"])


def _code(ours) -> str:
    return ours.error.split(":")[0]


def test_stack_overflow_flatten():
    _, ours = check_layer("Flatten", inputs=T((None, 17, 17, 64)), expect_error=False)
    assert ours.output == (None, 18496)
    applied = create_layer("Flatten", [], {}).apply([(None, 17, 17, 64)], {})
    assert any("17 · 17 · 64 = 18496" in line for line in applied.derivation.render_lines())


ACCEPTED = [
    ("Flatten", (), {"data_format": "channels_first"}, (None, 17, 17, 64)),
    ("Flatten", (), {}, (None,)),
    ("Flatten", (), {}, (None, None, 3)),
    ("Flatten", (), {}, (4, 3)),
    ("Reshape", ((3, 4),), {}, (None, 12)),
    ("Reshape", ((-1, 4),), {}, (None, 12)),
    ("Reshape", ([2, -1, 2],), {}, (None, 3, 4)),
    ("Reshape", ((0, 5),), {}, (None, 0)),
    ("Reshape", ((-1, 4),), {}, (None, None)),
    ("Reshape", ((3, 5),), {}, (None, None)),
    ("Reshape", ((None, 4),), {}, (None, 12)),
    ("Reshape", ((3.0, 4),), {}, (None, 12)),
    ("Reshape", ((),), {}, (None,)),
    ("Reshape", ((-1,),), {}, (None, 0)),
    ("Reshape", ((-1,),), {}, (8, 2, 3)),
    ("Permute", ((2, 1),), {}, (None, 10, 64)),
    ("Permute", ((3, 1, 2),), {}, (None, 10, None, 3)),
    ("Permute", ([1],), {}, (None, 5)),
    ("RepeatVector", (3,), {}, (None, 32)),
    ("RepeatVector", (1,), {}, (None, None)),
    ("UpSampling1D", (), {}, (None, 10, 3)),
    ("UpSampling1D", (3,), {}, (None, None, 3)),
    ("UpSampling2D", (), {}, (None, 10, 12, 3)),
    ("UpSampling2D", ((2, 3),), {"data_format": "channels_first"}, (None, 3, 10, 12)),
    ("UpSampling2D", (3,), {"interpolation": "bilinear"}, (None, None, 12, 3)),
    ("UpSampling2D", (3,), {"interpolation": "not-checked-on-symbolic-inputs"}, (None, 7, 12, 3)),
    ("UpSampling3D", (), {}, (None, 10, 12, 4, 3)),
    ("UpSampling3D", ((1, 2, 3),), {"data_format": "channels_first"}, (None, 3, 10, None, 4)),
    ("ZeroPadding1D", (), {}, (None, 10, 3)),
    ("ZeroPadding1D", ((1, 2),), {"data_format": "channels_first"}, (None, 3, 10)),
    ("ZeroPadding1D", (2,), {}, (None, None, 3)),
    ("ZeroPadding2D", (), {}, (None, 10, 12, 3)),
    ("ZeroPadding2D", ((1, 2),), {}, (None, 10, 12, 3)),
    ("ZeroPadding2D", (((1, 2), (3, 4)),), {"data_format": "channels_first"}, (None, 3, 10, 12)),
    ("ZeroPadding2D", (((1, 2), 3),), {}, (None, 10, None, 3)),
    ("ZeroPadding2D", (-5,), {}, (None, 10, 12, 3)),      # a negative int is not checked by Keras
    ("ZeroPadding3D", (), {}, (None, 10, 12, 4, 3)),
    ("ZeroPadding3D", ((1, 2, 3),), {"data_format": "channels_first"}, (None, 3, 10, 12, 4)),
    ("ZeroPadding3D", (((0, 1), 2, (3, 0)),), {}, (None, 10, 12, 4, 3)),
    ("Cropping1D", (), {}, (None, 10, 3)),
    ("Cropping1D", (4,), {}, (None, 10, 3)),
    ("Cropping1D", ((5, 5),), {}, (None, None, 3)),
    ("Cropping2D", (), {}, (None, 10, 12, 3)),
    ("Cropping2D", (4,), {}, (None, 10, 12, 3)),
    ("Cropping2D", (((1, 2), (3, 4)),), {"data_format": "channels_first"}, (None, 3, 10, 12)),
    ("Cropping2D", ((1, 2),), {}, (None, 10, 12, 3)),
    ("Cropping3D", (), {}, (None, 10, 12, 4, 3)),
    ("Cropping3D", (((1, 2), 0, (1, 1)),), {"data_format": "channels_first"}, (None, 3, 10, 12, 4)),
]


@pytest.mark.parametrize("name,args,kwargs,shape", ACCEPTED)
def test_accepted_cases_match_keras(name, args, kwargs, shape):
    check_layer(name, *args, inputs=T(shape), expect_error=False, **kwargs)


REJECTED = [
    ("Flatten", (), {}, (), "wrong-rank"),
    ("Flatten", (), {"data_format": "channels_middle"}, (None, 3), "invalid-argument"),
    ("Reshape", ((3, 5),), {}, (None, 12), "invalid-reshape"),
    ("Reshape", ((-1, 5),), {}, (None, 12), "invalid-reshape"),
    ("Reshape", ((0, -1),), {}, (None, 12), "invalid-reshape"),
    ("Reshape", ((2,),), {}, (None,), "invalid-reshape"),
    ("Reshape", ((-1, -1),), {}, (None, 12), "invalid-argument"),
    ("Reshape", ((-2, 6),), {}, (None, 12), "invalid-argument"),
    ("Reshape", (12,), {}, (None, 12), "invalid-argument"),
    ("Reshape", ((4,),), {}, (), "wrong-rank"),
    ("Permute", ((2, 1),), {}, (None, 10, 64, 3), "wrong-rank"),
    ("Permute", ((0, 1),), {}, (None, 10, 64), "invalid-argument"),
    ("Permute", ((1, 1),), {}, (None, 10, 64), "invalid-argument"),
    ("Permute", (1,), {}, (None, 3), "invalid-argument"),
    ("Permute", ((1.0, 2),), {}, (None, 3, 4), "invalid-argument"),
    ("RepeatVector", (0,), {}, (None, 32), "invalid-argument"),
    ("RepeatVector", (3.0,), {}, (None, 32), "invalid-argument"),
    ("RepeatVector", (3,), {}, (None, 32, 2), "wrong-rank"),
    ("UpSampling1D", (0,), {}, (None, 10, 3), "invalid-argument"),
    ("UpSampling1D", ((2,),), {}, (None, 10, 3), "invalid-argument"),
    ("UpSampling1D", (), {}, (None, 10), "wrong-rank"),
    ("UpSampling2D", ((0, 2),), {}, (None, 10, 12, 3), "invalid-argument"),
    ("UpSampling2D", ((2, 2, 2),), {}, (None, 10, 12, 3), "invalid-argument"),
    ("UpSampling2D", (2,), {"interpolation": 3}, (None, 10, 12, 3), "invalid-argument"),
    ("UpSampling3D", (), {}, (None, 10, 12, 3), "wrong-rank"),
    ("ZeroPadding1D", (-1,), {}, (None, 10, 3), "invalid-argument"),
    ("ZeroPadding1D", ((1, 2, 3),), {}, (None, 10, 3), "invalid-argument"),
    ("ZeroPadding2D", ((1, 2, 3),), {}, (None, 10, 12, 3), "invalid-argument"),
    ("ZeroPadding2D", ("a",), {}, (None, 10, 12, 3), "invalid-argument"),
    ("ZeroPadding2D", (((1, 2, 3), (1, 2)),), {}, (None, 10, 12, 3), "invalid-argument"),
    ("ZeroPadding2D", (((-1, 2), 1),), {}, (None, 10, 12, 3), "invalid-argument"),
    ("ZeroPadding2D", (-6,), {}, (None, 10, 12, 3), "invalid-argument"),
    ("ZeroPadding3D", ((1, 2),), {}, (None, 10, 12, 4, 3), "invalid-argument"),
    ("Cropping1D", ((5, 5),), {}, (None, 10, 3), "window-too-large"),
    ("Cropping2D", (5,), {}, (None, 10, 12, 3), "window-too-large"),
    ("Cropping2D", (((0, 0), (6, 6)),), {"data_format": "channels_first"}, (None, 3, 10, 12), "window-too-large"),
    ("Cropping2D", (0,), {}, (None, 0, 12, 3), "window-too-large"),
    ("Cropping2D", (-1,), {}, (None, 10, 12, 3), "invalid-argument"),
    ("Cropping3D", (2,), {}, (None, 10, 12, 4, 3), "window-too-large"),
    ("Cropping3D", ((1, 2, 3),), {"data_format": "channels_first"}, (None, 3, 10, 12, 4), "window-too-large"),
    ("Cropping3D", (-1,), {}, (None, 10, 12, 4, 3), "invalid-argument"),
]


@pytest.mark.parametrize("name,args,kwargs,shape,code", REJECTED)
def test_rejected_cases_match_keras(name, args, kwargs, shape, code):
    _, ours = check_layer(name, *args, inputs=T(shape), expect_error=True, **kwargs)
    assert _code(ours) == code


def test_reshape_error_names_both_shapes():
    _, ours = check_layer("Reshape", (3, 5), inputs=T((None, 12)), expect_error=True)
    assert "input_shape=(12,)" in ours.error and "target_shape=(3, 5)" in ours.error
    assert "total size of the tensor must be unchanged" in ours.error


@pytest.mark.parametrize("name,args,shape,expected", [
    ("Flatten", (), (None, UNKNOWN, 4), (None, UNKNOWN)),
    ("Flatten", (), (None, UNKNOWN, None), (None, None)),
    ("Flatten", (), UNKNOWN, (UNKNOWN, UNKNOWN)),
    ("Reshape", ((3, 5),), (None, UNKNOWN), (None, 3, 5)),
    ("Reshape", ((-1, 5),), (None, UNKNOWN), (None, UNKNOWN, 5)),
    ("Reshape", ((UNKNOWN, -1),), (None, 12), (None, UNKNOWN, UNKNOWN)),
    ("Reshape", ((-1, 5),), UNKNOWN, (UNKNOWN, UNKNOWN, 5)),
    ("Permute", ((2, 1),), UNKNOWN, (UNKNOWN, UNKNOWN, UNKNOWN)),
    ("RepeatVector", (UNKNOWN,), (None, 4), (None, UNKNOWN, 4)),
    ("UpSampling2D", (UNKNOWN,), (None, 10, 12, 3), (None, UNKNOWN, UNKNOWN, 3)),
    ("UpSampling2D", ((2, UNKNOWN),), (None, None, 12, 3), (None, None, UNKNOWN, 3)),
    ("ZeroPadding2D", (((1, 2), UNKNOWN),), (None, 10, 12, 3), (None, 13, UNKNOWN, 3)),
    ("Cropping2D", (UNKNOWN,), (None, 10, 12, 3), (None, UNKNOWN, UNKNOWN, 3)),
    ("Cropping1D", ((30, 30),), (None, UNKNOWN, 3), (None, UNKNOWN, 3)),
])
def test_unknown_values_never_raise(name, args, shape, expected):
    applied = create_layer(name, list(args), {}).apply([shape], {})
    assert applied.output == expected


def test_derivation_records_formulas_and_defaults():
    lines = create_layer("ZeroPadding2D", [((1, 2), 3)], {}).apply([(None, 10, 12, 3)], {}).derivation.render_lines()
    assert "height = 10 + 1 + 2 = 13" in lines and "width = 12 + 3 + 3 = 18" in lines
    assert any("data_format=None" in line for line in lines)
    lines = create_layer("Reshape", [(-1, 4)], {}).apply([(None, 3, 4)], {}).derivation.render_lines()
    assert "elements = 3 · 4 = 12" in lines and "-1 = 12 / (4) = 3" in lines


# ---- property tests: random configurations, Keras is the judge both ways ---------------------------

@settings(max_examples=40, deadline=None)
@given(dims=st.lists(DIM, min_size=0, max_size=3),
       target=st.lists(st.one_of(st.integers(-2, 6), st.none()), min_size=0, max_size=3))
def test_reshape_random(dims, target):
    check_layer("Reshape", tuple(target), inputs=T((None, *dims)))


@settings(max_examples=40, deadline=None)
@given(rank=st.integers(0, 4), data=st.data())
def test_flatten_permute_repeat_random(rank, data):
    shape = (None, *data.draw(st.lists(DIM, min_size=rank, max_size=rank)))
    check_layer("Flatten", inputs=T(shape), data_format=data.draw(FORMATS))
    dims = data.draw(st.permutations(list(range(1, data.draw(st.integers(0, 4)) + 1))))
    if dims and data.draw(st.booleans()):
        dims[0] = data.draw(st.integers(-1, 5))     # often an invalid permutation
    check_layer("Permute", tuple(dims), inputs=T(shape))
    check_layer("RepeatVector", data.draw(st.integers(-1, 4)), inputs=T(shape))


PAD = st.one_of(st.integers(-3, 4), st.tuples(st.integers(-1, 4), st.integers(0, 4)))


@settings(max_examples=40, deadline=None)
@given(rank=st.integers(1, 3), data=st.data())
def test_padding_cropping_upsampling_random(rank, data):
    shape = (None, *data.draw(st.lists(DIM, min_size=rank + 1, max_size=rank + 1)))
    if data.draw(st.booleans()):
        shape = shape[:-1]                               # sometimes the wrong rank
    data_format = data.draw(FORMATS)
    fmt = {} if rank == 1 and data.draw(st.booleans()) else {"data_format": data_format}
    value = data.draw(st.one_of(PAD, st.lists(PAD, min_size=rank, max_size=rank).map(tuple),
                                st.lists(st.integers(0, 3), min_size=1, max_size=4).map(tuple)))
    if rank == 1:
        check_layer("ZeroPadding1D", value, inputs=T(shape), **fmt)
        check_layer("Cropping1D", value, inputs=T(shape))
        check_layer("UpSampling1D", data.draw(st.integers(-1, 3)), inputs=T(shape))
    else:
        check_layer(f"ZeroPadding{rank}D", value, inputs=T(shape), **fmt)
        check_layer(f"Cropping{rank}D", value, inputs=T(shape), **fmt)
        size = data.draw(st.one_of(st.integers(-1, 3), st.lists(st.integers(0, 3), min_size=1, max_size=4)
                                   .map(tuple)))
        check_layer(f"UpSampling{rank}D", size, inputs=T(shape), **fmt)
