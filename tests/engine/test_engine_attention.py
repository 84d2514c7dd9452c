"""Attention layers against real Keras: MultiHeadAttention, GroupQueryAttention, Attention and
AdditiveAttention."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import T, check_layer
from shapelens.engine import UNKNOWN, ShapeError, create_layer

MHA, GQA = "MultiHeadAttention", "GroupQueryAttention"
# Glorot initialisation compiles a JAX kernel per weight shape; shapes do not depend on it.
FAST = {"kernel_initializer": "zeros"}


def apply(class_name, *args, inputs, call_args=(), call_kwargs=None, **kwargs):
    layer = create_layer(class_name, list(args), kwargs)
    return layer, layer.apply([inputs, *call_args], call_kwargs or {})


def error_code(outcome) -> str:
    return outcome.error.split(":", 1)[0]


# ---- MultiHeadAttention -----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {}, {"value_dim": 3}, {"use_bias": False}, {"output_shape": 7}, {"output_shape": (2, 5)},
    {"output_shape": [3]}, {"output_shape": 0}, {"use_gate": True}, {"use_gate": True, "value_dim": 3},
    {"dropout": 0.1, "sliding_window": 2}, {"trainable": False},
])
def test_mha_arguments(kwargs):
    check_layer(MHA, num_heads=2, key_dim=4, **FAST, inputs=T((None, 5, 8)), call_args=(T((None, 7, 6)),),
                expect_error=False, **kwargs)


@pytest.mark.parametrize("query,value,key", [
    ((None, 5, 8), (None, 7, 6), None),
    ((None, 5, 8), (None, 7, 6), (None, 7, 3)),        # query, value and key last dims all differ
    ((None, None, 8), (None, None, 6), (None, None, 2)),
    ((3, 5, 8), (4, 7, 8), None),                        # batch sizes are not compared symbolically
    ((None, 8), (None, 6), None),                        # no attention axis at all
    ((None, 4, 5, 8), (None, 4, 5, 6), None),
    ((None, 5, 8), (None, 7, 5, 6), None),
    ((None, 5, 4, 8), (None, 7, 6), None),
])
@pytest.mark.parametrize("scores", [False, True])
def test_mha_shapes(query, value, key, scores):
    call_args = (T(value),) if key is None else (T(value), T(key))
    check_layer(MHA, 2, 4, **FAST, inputs=T(query), call_args=call_args,
                call_kwargs={"return_attention_scores": scores}, expect_error=False)


def test_mha_key_and_value_as_keywords():
    check_layer(MHA, 2, 4, **FAST, inputs=T((3, 5, 8)), call_kwargs={"value": T((4, 7, 8)), "key": T((4, 7, 2))},
                expect_error=False)
    check_layer(MHA, 2, 4, **FAST, inputs=T((3, 5, 8)), call_args=(T((4, 7, 8)),),
                call_kwargs={"attention_mask": T((3, 5, 7)), "use_causal_mask": True}, expect_error=False)


@pytest.mark.parametrize("axes", [None, 1, 2, 3, -1, 0, (1, 2), [1], ()])
def test_mha_attention_axes(axes):
    check_layer(MHA, 2, 4, attention_axes=axes, **FAST, inputs=T((None, 4, 5, 8)), call_args=(T((None, 4, 5, 6)),),
                call_kwargs={"return_attention_scores": True}, expect_error=False)


def test_mha_parameter_derivation():
    _, applied = apply(MHA, num_heads=2, key_dim=4, inputs=(None, 5, 8), call_args=((None, 7, 6),))
    lines = applied.derivation.render_lines()
    assert "query params = 8 · 2 · 4 + 2 · 4 = 72" in lines
    assert "key params = 6 · 2 · 4 + 2 · 4 = 56" in lines
    assert "value params = 6 · 2 · 4 + 2 · 4 = 56" in lines
    assert "output params = 2 · 4 · 8 + 8 = 72" in lines
    assert "params = 72 + 56 + 56 + 72 = 256" in lines


def test_mha_scores_use_the_query_length_twice_as_keras_reports():
    _, ours = check_layer(MHA, 2, 4, **FAST, inputs=T((None, 5, 8)), call_args=(T((None, 7, 6)),),
                          call_kwargs={"return_attention_scores": True}, expect_error=False)
    assert ours.output[1] == (None, 2, 5, 5)


@pytest.mark.parametrize("kwargs,query,value,key,code", [
    ({}, (None, 5, 8), (None, 7, 6), (None, 6, 3), "incompatible-shapes"),
    ({}, (None, 5, 8), (None, None, 6), (None, 6, 3), "incompatible-shapes"),
    ({}, (None, 5, 8), (None, 7, 6), (None, 3), "incompatible-shapes"),
    ({}, (None, 5, None), (None, 7, 6), None, "undefined-dimension"),
    ({}, (None, 5, 3), (None, 7, None), None, "undefined-dimension"),
    ({"output_shape": (None, 3)}, (3, 5, 8), (4, 7, 8), None, "undefined-dimension"),
    ({"output_shape": -3}, (3, 5, 8), (4, 7, 8), None, "invalid-argument"),
    ({"output_shape": "ab"}, (3, 5, 8), (4, 7, 8), None, "invalid-argument"),
    ({"output_shape": 2.5}, (3, 5, 8), (4, 7, 8), None, "invalid-argument"),
    ({"num_heads": 0}, (None, 5, 8), (None, 7, 6), None, "invalid-argument"),
    ({"key_dim": 2.0}, (None, 5, 8), (None, 7, 6), None, "invalid-argument"),
    ({"value_dim": 0}, (None, 5, 8), (None, 7, 6), None, "invalid-argument"),
    ({"attention_axes": "a"}, (None, 4, 5, 8), (None, 4, 5, 6), None, "invalid-argument"),
    ({"attention_axes": 5}, (None, 4, 5, 8), (None, 4, 5, 6), None, "invalid-argument"),
    ({"attention_axes": -10}, (None, 4, 5, 8), (None, 4, 5, 6), None, "invalid-argument"),
    ({"sliding_window": 0}, (3, 5, 8), (4, 7, 8), None, "invalid-argument"),
    ({"flash_attention": True, "dropout": 0.1}, (3, 5, 8), (4, 7, 8), None, "invalid-argument"),
])
def test_mha_rejections(kwargs, query, value, key, code):
    kwargs = {"num_heads": 2, "key_dim": 4, **kwargs}
    call_args = (T(value),) if key is None else (T(value), T(key))
    _, ours = check_layer(MHA, **FAST, inputs=T(query), call_args=call_args, expect_error=True, **kwargs)
    assert error_code(ours) == code


def test_mha_missing_value_is_partial_not_an_error():
    layer, applied = apply(MHA, 2, 4, inputs=(None, 5, 8))
    assert applied.output == (None, 5, 8)
    assert layer.param_count().trainable is UNKNOWN


def test_mha_unknown_dims():
    layer, applied = apply(MHA, 2, 4, inputs=(None, 5, UNKNOWN), call_args=((None, 7, 6),))
    assert applied.output == (None, 5, UNKNOWN) and layer.param_count().trainable is UNKNOWN
    _, applied = apply(MHA, 2, 4, inputs=(None, 5, 8), call_args=((None, 7, 6),),
                       call_kwargs={"return_attention_scores": UNKNOWN})
    assert applied.output is UNKNOWN


# ---- GroupQueryAttention ----------------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [{}, {"use_bias": False}, {"use_gate": True}, {"use_gate": True, "use_bias": False},
                                    {"dropout": 0.2, "sliding_window": 3}])
@pytest.mark.parametrize("heads", [(4, 4, 2), (3, 6, 6), (2, 4, 1)])
@pytest.mark.parametrize("scores", [False, True])
def test_gqa(kwargs, heads, scores):
    check_layer(GQA, *heads, **FAST, inputs=T((None, 5, 8)), call_args=(T((None, 7, 8)),),
                call_kwargs={"return_attention_scores": scores}, expect_error=False, **kwargs)


@pytest.mark.parametrize("query,value,key", [
    ((None, 5, 8), (None, 7, 8), (None, 7, 3)),
    ((None, 5, 8, 2), (None, 7, 8, 2), None),            # axis 2 is projected, the last axis is the output
    ((2, None, 8), (3, None, 8), None),
])
def test_gqa_shapes(query, value, key):
    call_args = (T(value),) if key is None else (T(value), T(key))
    check_layer(GQA, 4, 4, 2, **FAST, inputs=T(query), call_args=call_args,
                call_kwargs={"return_attention_scores": True}, expect_error=False)


def test_gqa_class_name():
    layer = create_layer(GQA, [4, 4, 2], {})
    assert layer.keras_name == "GroupedQueryAttention" and layer.name == "grouped_query_attention"


@pytest.mark.parametrize("args,query,value,key,code", [
    ((4, 4, 3), (None, 5, 8), (None, 7, 8), None, "invalid-argument"),
    ((4, 2, 4), (None, 5, 8), (None, 7, 8), None, "invalid-argument"),
    ((4, 4, 0), (None, 5, 8), (None, 7, 8), None, "invalid-argument"),
    ((0, 4, 2), (None, 5, 8), (None, 7, 8), None, "invalid-argument"),
    ((4, -4, 2), (None, 5, 8), (None, 7, 8), None, "invalid-argument"),
    ((4, 4, 2), (None, 5, 8), (None, 7, 6), None, "incompatible-shapes"),
    ((4, 4, 2), (None, 5, 8), (None, 7, 8), (None, 6, 8), "incompatible-shapes"),
    ((4, 4, 2), (None, 8), (None, 8), None, "wrong-rank"),
    ((4, 4, 2), (None, 5, None), (None, 7, None), None, "undefined-dimension"),
    ((4, 4, 2), (None, 5, 8, None), (None, 7, 8, None), None, "undefined-dimension"),
])
def test_gqa_rejections(args, query, value, key, code):
    call_args = (T(value),) if key is None else (T(value), T(key))
    _, ours = check_layer(GQA, *args, **FAST, inputs=T(query), call_args=call_args, expect_error=True)
    assert error_code(ours) == code


# ---- Attention / AdditiveAttention -------------------------------------------------------------

@pytest.mark.parametrize("class_name,kwargs", [
    ("Attention", {}), ("Attention", {"use_scale": True}), ("Attention", {"score_mode": "concat"}),
    ("Attention", {"use_scale": True, "score_mode": "concat", "dropout": 0.5}),
    ("AdditiveAttention", {}), ("AdditiveAttention", {"use_scale": False}),
    ("AdditiveAttention", {"score_mode": "concat"}), ("AdditiveAttention", {"trainable": False}),
])
@pytest.mark.parametrize("shapes", [
    [(None, 5, 8), (None, 7, 6)],
    [(None, 5, 8), (None, 7, 6), (None, 9, 3)],
    [(None, 8), (None, 6)],
    [(None, 3, 4, 8), (None, 2, 7, 6)],
    [(2, None, 8), (3, None, 8)],
])
@pytest.mark.parametrize("scores", [False, True])
def test_attention(class_name, kwargs, shapes, scores):
    check_layer(class_name, inputs=[T(s) for s in shapes], call_kwargs={"return_attention_scores": scores},
                expect_error=False, **kwargs)


def test_attention_call_options():
    check_layer("Attention", inputs=[T((None, 5, 8)), T((None, 7, 6))],
                call_kwargs={"use_causal_mask": True, "mask": [T((None, 5), "bool"), T((None, 7), "bool")]},
                expect_error=False)


@pytest.mark.parametrize("class_name,kwargs,inputs,call_kwargs,code", [
    ("Attention", {"score_mode": "x"}, [T((None, 5, 8)), T((None, 7, 6))], {}, "invalid-argument"),
    ("AdditiveAttention", {"score_mode": "x"}, [T((None, 5, 8)), T((None, 7, 6))], {}, "invalid-argument"),
    ("Attention", {}, T((None, 5, 8)), {}, "wrong-input-count"),
    ("Attention", {}, [T((None, 5, 8))], {}, "wrong-input-count"),
    ("AdditiveAttention", {}, [T((None, 5, 8))] * 4, {}, "wrong-input-count"),
    ("Attention", {}, [T((None, 5, 8)), T((None, 7, 6))], {"mask": [T((None, 5), "bool")]}, "wrong-input-count"),
    ("Attention", {}, [T((None, 5, 8)), T((None, 7, 6))], {"mask": T((None, 5), "bool")}, "wrong-input-count"),
    ("Attention", {}, [T((None, 5, 8)), T((None, 7, 6)), T((4,))], {"return_attention_scores": True}, "wrong-rank"),
    ("AdditiveAttention", {}, [T((None, 5, None)), T((None, 7, 6))], {}, "undefined-dimension"),
])
def test_attention_rejections(class_name, kwargs, inputs, call_kwargs, code):
    _, ours = check_layer(class_name, inputs=inputs, call_kwargs=call_kwargs, expect_error=True, **kwargs)
    assert error_code(ours) == code


def test_attention_derivations():
    _, applied = apply("Attention", inputs=[(None, 5, 8), (None, 7, 6)], call_kwargs={"return_attention_scores": True})
    lines = applied.derivation.render_lines()
    assert "output = (None, 5, 8)[:-1] + (6,) = (None, 5, 6)" in lines
    assert "attention scores = (None, 5, 8)[:-1] + (7,) = (None, 5, 7)" in lines
    layer, applied = apply("AdditiveAttention", inputs=[(None, 5, 8), (None, 7, 6)])
    assert "params = 8" in applied.derivation.render_lines() and layer.param_count().trainable == 8


def test_attention_with_unknown_inputs():
    layer, applied = apply("Attention", inputs=UNKNOWN)
    assert applied.output is UNKNOWN
    _, applied = apply("AdditiveAttention", inputs=[UNKNOWN, (None, 7, 6)])
    assert applied.output is UNKNOWN
    with pytest.raises(ShapeError):
        apply("Attention", inputs=(None, 5, 8))


# ---- random configurations --------------------------------------------------------------------

dims = st.one_of(st.none(), st.integers(0, 6))
seq_shapes = st.lists(dims, min_size=2, max_size=4).map(tuple)


@st.composite
def query_value_key(draw):
    """Mostly compatible query/value/key shapes (same inner axes, defined features), sometimes not."""
    inner = draw(st.lists(st.one_of(st.none(), st.integers(1, 6)), min_size=1, max_size=2))
    features = st.sampled_from([1, 2, 3, 4, 5, 6] * 2 + [None, 0])
    query = (None, *draw(st.lists(st.integers(1, 6), min_size=len(inner), max_size=len(inner))), draw(features))
    value = (None, *inner, draw(features))
    key = draw(st.sampled_from([None, (None, *inner, draw(features))] * 3 + [draw(seq_shapes)]))
    if draw(st.sampled_from([False] * 9 + [True])):
        query, value = draw(seq_shapes), draw(seq_shapes)
    return query, value, key


@settings(max_examples=40, deadline=None)
@given(
    num_heads=st.sampled_from([1, 2, 3] * 3 + [0]), key_dim=st.sampled_from([1, 2, 4] * 3 + [0]),
    value_dim=st.sampled_from([None, 1, 3] * 3 + [0]),
    output_shape=st.one_of(st.none(), st.integers(1, 4), st.tuples(st.integers(1, 3), st.integers(1, 3))),
    use_bias=st.booleans(), use_gate=st.booleans(),
    attention_axes=st.sampled_from([None, None, 1, 2, -1, (1, 2), 4, -6]),
    shapes=query_value_key(), scores=st.booleans(),
)
def test_random_mha(num_heads, key_dim, value_dim, output_shape, use_bias, use_gate, attention_axes, shapes, scores):
    query, value, key = shapes
    call_args = (T(value),) if key is None else (T(value), T(key))
    check_layer(MHA, num_heads, key_dim, value_dim=value_dim, output_shape=output_shape, use_bias=use_bias,
                use_gate=use_gate, attention_axes=attention_axes, **FAST, inputs=T(query), call_args=call_args,
                call_kwargs={"return_attention_scores": scores})


@settings(max_examples=40, deadline=None)
@given(
    head_dim=st.sampled_from([1, 2, 4] * 3 + [0]), kv_heads=st.sampled_from([1, 2, 3] * 3 + [0]),
    groups=st.integers(1, 3), extra_heads=st.sampled_from([0] * 9 + [1]),
    use_bias=st.booleans(), use_gate=st.booleans(), shapes=query_value_key(), same_features=st.booleans(),
    scores=st.booleans(),
)
def test_random_gqa(head_dim, kv_heads, groups, extra_heads, use_bias, use_gate, shapes, same_features, scores):
    heads = (head_dim, kv_heads * groups + extra_heads, kv_heads)
    query, value, key = shapes
    if same_features and isinstance(query[-1], int):
        value = value[:-1] + (query[-1],)
    call_args = (T(value),) if key is None else (T(value), T(key))
    check_layer(GQA, *heads, use_bias=use_bias, use_gate=use_gate, **FAST, inputs=T(query), call_args=call_args,
                call_kwargs={"return_attention_scores": scores})


@settings(max_examples=40, deadline=None)
@given(
    class_name=st.sampled_from(["Attention", "AdditiveAttention"]),
    use_scale=st.booleans(), score_mode=st.sampled_from(["dot", "concat", "x"]),
    shapes=st.lists(st.lists(dims, min_size=1, max_size=4).map(tuple), min_size=1, max_size=4),
    scores=st.booleans(),
)
def test_random_attention(class_name, use_scale, score_mode, shapes, scores):
    check_layer(class_name, use_scale=use_scale, score_mode=score_mode, inputs=[T(s) for s in shapes],
                call_kwargs={"return_attention_scores": scores})


@pytest.mark.parametrize("class_name,args,kwargs,inputs,call_args,accepted", [
    (MHA, (2, 4), {"foo": 1}, T((None, 5, 8)), (T((None, 7, 6)),), False),
    (GQA, (4, 4, 2), {"input_length": 3}, T((None, 5, 8)), (T((None, 7, 8)),), False),
    ("Attention", (), {"causal": True}, [T((None, 5, 8)), T((None, 7, 6))], (), False),
    ("AdditiveAttention", (), {"seed": 3, "score_mode": "dot", "name": "att"}, [T((None, 5, 8)), T((None, 7, 6))],
     (), True),
])
def test_keyword_arguments_keras_does_not_know(class_name, args, kwargs, inputs, call_args, accepted):
    _, ours = check_layer(class_name, *args, inputs=inputs, call_args=call_args, expect_error=not accepted, **kwargs)
    assert accepted or error_code(ours) == "invalid-argument"
