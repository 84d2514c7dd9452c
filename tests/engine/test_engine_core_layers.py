"""Core layers against real Keras: EinsumDense, Embedding, Masking, Lambda, Identity, and the
Dense arguments beyond tests/engine/test_engine_core.py (LoRA, activation names)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import T, check_layer, run_engine
from shapelens.engine import ShapeError, create_layer
from shapelens.engine.shape import UNKNOWN


def agree(class_name, *args, inputs, **kwargs):
    """check_layer, plus: Keras and the engine accept or reject the same cases."""
    real, ours = check_layer(class_name, *args, inputs=inputs, **kwargs)
    assert real.rejected == ours.rejected, f"{class_name}{args}{kwargs} on {inputs}: Keras {real.error}, engine {ours.error}"
    return real, ours


def apply(class_name, *args, inputs, **kwargs):
    layer = create_layer(class_name, list(args), kwargs)
    return layer, layer.apply([inputs], {})


# ---- Dense: LoRA and activations -------------------------------------------------------------

@pytest.mark.parametrize("kwargs", [
    {"lora_rank": 2}, {"lora_rank": 4, "use_bias": False}, {"lora_rank": 0},
    {"lora_rank": 2, "lora_alpha": 8}, {"lora_rank": 3, "trainable": False},
])
def test_dense_lora_freezes_the_kernel(kwargs):
    agree("Dense", 8, inputs=T((None, 10)), expect_error=False, **kwargs)


def test_dense_lora_rejects_a_kernel_constraint():
    _, ours = agree("Dense", 8, lora_rank=2, kernel_constraint="non_neg", inputs=T((None, 10)), expect_error=True)
    assert ours.error.startswith("invalid-argument")


@pytest.mark.parametrize("activation", ["relu", "softmax", "gelu", None, "linear"])
def test_dense_activation_names(activation):
    agree("Dense", 4, activation=activation, inputs=T((None, 3)), expect_error=False)


def test_dense_rejects_unknown_activation_name():
    _, ours = agree("Dense", 4, activation="rleu", inputs=T((None, 3)), expect_error=True)
    assert ours.error == "invalid-argument: Could not interpret activation function identifier: rleu"


def test_dense_derivation_lists_only_relevant_defaults():
    _, applied = apply("Dense", 16, inputs=(None, 8))
    assert applied.derivation.render_lines() == [
        "params = (8 + 1) · 16 = 144",
        "output = (None, 8)[:-1] + (16,) = (None, 16)",
        "Keras defaults: use_bias=True",
    ]


# ---- EinsumDense -----------------------------------------------------------------------------

@pytest.mark.parametrize("equation,output_shape,bias_axes,shape", [
    ("ab,bc->ac", 64, None, (None, 10)),
    ("ab,bc->ac", 64, "c", (None, 10)),
    ("ab,bc->ac", (64,), "c", (4, 10)),
    ("abc,cd->abd", (None, 64), "d", (None, 5, 10)),
    ("abc,cd->abd", [None, 64], None, (None, 5, 10)),
    ("abc,cd->abd", (5, 64), None, (None, 5, 10)),
    ("abc,cde->abde", (None, 4, 16), "de", (None, 7, 32)),
    ("abc,cde->abde", (None, 4, 16), "e", (None, 7, 32)),
    ("abc,cde->abde", (None, 4, 16), "d", (None, 7, 32)),
    ("abcd,cde->abe", (None, 16), "e", (None, 7, 4, 16)),          # attention output projection
    ("...b,bc->...c", 64, "c", (None, 5, 7, 10)),                   # left ellipsis (Keras reverses)
    ("...bc,cd->...bd", (5, 64), "b", (None, 7, 5, 10)),
    ("...b,bc->...c", 64, None, (None, 10)),
    ("ab...,bc->ac...", 64, "c", (None, 10, 5, 7)),                 # right ellipsis
    ("abc...,cd->abd...", (5, 64), "b", (None, 5, 10, 3, 2)),
    ("ab...,bc->ac...", 64, None, (None, 10)),
    ("ab,bc->ac", 64, None, (None, 5, 10)),                         # extra axes appended
    ("ab,b->a", (), None, (None, 10)),
    ("aB,Bc->ac", 64, "c", (None, 10)),
])
def test_einsum_dense_matches_keras(equation, output_shape, bias_axes, shape):
    agree("EinsumDense", equation, output_shape, bias_axes=bias_axes, inputs=T(shape), expect_error=False)


@pytest.mark.parametrize("kwargs", [{"lora_rank": 3}, {"lora_rank": 2, "bias_axes": "de"}, {"trainable": False}])
def test_einsum_dense_lora_and_frozen(kwargs):
    agree("EinsumDense", "abc,cde->abde", (None, 4, 16), inputs=T((None, 7, 32)), expect_error=False, **kwargs)


@pytest.mark.parametrize("equation,output_shape,bias_axes,shape,code", [
    ("ab->ac", 64, None, (None, 10), "invalid-argument"),
    ("abc,cd->abd", (4, 64), None, (None, 5, 10), "incompatible-shapes"),
    ("abc,cd->abd", (5, 64), None, (None, None, 10), "incompatible-shapes"),
    ("abc,cd->abd", 64, None, (None, 5, 10), "incompatible-shapes"),
    ("ab,bc->ac", 64, "", (None, 10), "invalid-argument"),
    ("ab,bc->ac", 64, "x", (None, 10), "invalid-argument"),
    ("ab,bc->acd", (64, 3), None, (None, 10), "invalid-argument"),
    ("ab,bcx->ac", 64, None, (None, 10), "invalid-argument"),
    ("ab,bc->ac", 64, None, (None, None), "undefined-dimension"),
    ("ab,bc->ac", (None,), None, (None, 10), "undefined-dimension"),
    ("...bc,cd->...bd", (5, 64), None, (10,), "wrong-rank"),
    ("ab,bc->ac", 64, None, (), "wrong-rank"),
])
def test_einsum_dense_rejects(equation, output_shape, bias_axes, shape, code):
    _, ours = agree("EinsumDense", equation, output_shape, bias_axes=bias_axes, inputs=T(shape), expect_error=True)
    assert ours.error.startswith(code), ours.error


def test_einsum_dense_rejects_a_kernel_constraint_with_lora():
    _, ours = agree("EinsumDense", "ab,bc->ac", 8, lora_rank=2, kernel_constraint="non_neg",
                    inputs=T((None, 10)), expect_error=True)
    assert ours.error.startswith("invalid-argument")


def test_einsum_dense_unknowns():
    layer, applied = apply("EinsumDense", "abc,cd->abd", (None, 64), bias_axes="d", inputs=(None, UNKNOWN, 10))
    assert applied.output == (None, None, 64)
    assert layer.param_count().trainable == 10 * 64 + 64
    layer, applied = apply("EinsumDense", "abc,cd->abd", (None, 64), inputs=(None, 5, UNKNOWN))
    assert applied.output == (None, None, 64) and layer.param_count().trainable is UNKNOWN
    _, applied = apply("EinsumDense", UNKNOWN, 64, inputs=(None, 10))
    assert applied.output is UNKNOWN
    _, applied = apply("EinsumDense", "abc,cd->abd", (UNKNOWN, 64), inputs=(None, 5, 10))
    assert applied.output == (None, UNKNOWN, 64)
    _, applied = apply("EinsumDense", "ab,bc->ac", 64, inputs=UNKNOWN)
    assert applied.output is UNKNOWN
    layer, applied = apply("EinsumDense", "ab,bc->ac", 64, bias_axes=UNKNOWN, inputs=(None, 10))
    assert applied.output == (None, 64) and layer.param_count().trainable is UNKNOWN


def test_einsum_dense_derivation():
    _, applied = apply("EinsumDense", "abc,cde->abde", (None, 4, 16), bias_axes="de", inputs=(None, 7, 32))
    lines = applied.derivation.render_lines()
    assert "kernel = 32 · 4 · 16 = 2048" in lines
    assert "bias = 4 · 16 = 64" in lines
    assert "params = 2048 + 64 = 2112" in lines


def test_einsum_dense_reuse_checks_rank():
    layer = create_layer("EinsumDense", ["abc,cd->abd", (None, 64)], {})
    layer.apply([(None, 5, 10)], {})
    with pytest.raises(ShapeError) as err:
        layer.apply([(None, 10)], {})
    assert err.value.code == "wrong-rank"


# ---- Embedding -------------------------------------------------------------------------------

@pytest.mark.filterwarnings("ignore:Argument `input_length` is deprecated")
@pytest.mark.parametrize("args,kwargs,shape", [
    ((1000, 64), {}, (None, 10)),
    ((1000, 64), {}, (None, None)),
    ((50, 8), {}, (None,)),
    ((50, 8), {}, ()),
    ((50, 8), {}, (4, 3, 2)),
    ((50, 8), {"mask_zero": True}, (None, 10)),
    ((100, 8), {"lora_rank": 2}, (None, 10)),
    ((100, 8), {"trainable": False}, (None, 10)),
    ((100, 8), {"input_length": 10}, (None, 10)),
])
def test_embedding_matches_keras(args, kwargs, shape):
    agree("Embedding", *args, inputs=T(shape, dtype="int32"), expect_error=False, **kwargs)


@pytest.mark.parametrize("args", [(0, 8), (10, 0), (-1, 8), (10, 2.5), (True, 4)])
def test_embedding_rejects_bad_dims(args):
    _, ours = agree("Embedding", *args, inputs=T((None, 10), dtype="int32"), expect_error=True)
    assert ours.error.startswith("invalid-argument")


def test_embedding_lora_rejects_constraint():
    _, ours = agree("Embedding", 100, 8, lora_rank=2, embeddings_constraint="non_neg",
                    inputs=T((None, 10), dtype="int32"), expect_error=True)
    assert ours.error.startswith("invalid-argument")


def test_embedding_derivation_and_unknowns():
    layer, applied = apply("Embedding", 1000, 64, inputs=(None, 10))
    assert applied.derivation.render_lines()[:2] == [
        "params = 1000 · 64 = 64000", "output = (None, 10) + (64,) = (None, 10, 64)"]
    layer, applied = apply("Embedding", UNKNOWN, 64, inputs=(None, UNKNOWN))
    assert applied.output == (None, UNKNOWN, 64)
    assert layer.param_count().trainable is UNKNOWN


# ---- Masking, Identity -----------------------------------------------------------------------

@pytest.mark.parametrize("shape", [(None, 10, 8), (None, None, 3), (2, 5)])
@pytest.mark.parametrize("name,kwargs", [("Masking", {}), ("Masking", {"mask_value": -1.0}), ("Identity", {})])
def test_pass_through_layers(name, kwargs, shape):
    agree(name, inputs=T(shape), expect_error=False, **kwargs)


def test_identity_on_a_list():
    agree("Identity", inputs=[T((None, 4)), T((3,))], expect_error=False)


def test_pass_through_keeps_unknowns():
    _, applied = apply("Masking", inputs=(None, UNKNOWN, 3))
    assert applied.output == (None, UNKNOWN, 3)


# ---- Lambda ----------------------------------------------------------------------------------

@pytest.mark.parametrize("output_shape,inputs", [
    ((3,), T((None, 7, 32))),
    ((), T((None, 7))),
    ((None, 4), T((8, 7))),
    ([(3,), (4,)], T((None, 7))),
    (((3,), (4, 5)), T((None, 7))),
    ((3,), [T((5, 7)), T((None, 2))]),
    ((3,), [T(()), T((4, 2))]),
])
def test_lambda_with_declared_output_shape(output_shape, inputs):
    agree("Lambda", lambda x: x, output_shape=output_shape, inputs=inputs, expect_error=False)


@pytest.mark.parametrize("output_shape,inputs,code", [
    (3, T((None, 7)), "invalid-argument"),
    ([3, 4], T((None, 7)), "invalid-argument"),
    ([(3,), None], T((None, 7)), "invalid-argument"),
    ((3,), T(()), "wrong-rank"),
])
def test_lambda_rejects(output_shape, inputs, code):
    _, ours = agree("Lambda", lambda x: x, output_shape=output_shape, inputs=inputs, expect_error=True)
    assert ours.error.startswith(code)


@pytest.mark.parametrize("output_shape", [None, lambda s: s, UNKNOWN])
def test_lambda_without_a_literal_shape_is_unknown(output_shape):
    ours = run_engine("Lambda", (UNKNOWN,), {"output_shape": output_shape}, T((None, 7, 32)))
    assert ours.output is UNKNOWN and not ours.rejected
    assert (ours.trainable, ours.non_trainable) == (0, 0)


def test_lambda_partial_shape():
    _, applied = apply("Lambda", UNKNOWN, output_shape=(UNKNOWN, 4), inputs=(None, 9))
    assert applied.output == (None, UNKNOWN, 4)
    assert applied.derivation.render_lines()[0] == "output = (None,) + (?, 4) = (None, ?, 4)"


# ---- random configurations -------------------------------------------------------------------

@st.composite
def einsum_configs(draw):
    """Equations of the three Keras forms: output axes taken from the input or new ones the
    kernel creates, output sizes sometimes contradicting the input, ranks sometimes off."""
    form = draw(st.sampled_from(["plain", "left", "right"]))
    input_spec = "".join(draw(st.permutations("abcd"))[:draw(st.integers(1, 3))])
    new = draw(st.sampled_from(["", "x", "xy"]))
    kept = draw(st.lists(st.sampled_from(input_spec), min_size=0, max_size=len(input_spec), unique=True))
    output_spec = "".join(draw(st.permutations(kept + list(new)))) or input_spec[0]
    summed = draw(st.lists(st.sampled_from(input_spec), min_size=1, max_size=2, unique=True))
    weight_spec = "".join(draw(st.permutations(sorted(set(summed) | set(new)))))
    if form == "plain":
        equation = f"{input_spec},{weight_spec}->{output_spec}"
    elif form == "left":
        equation = f"...{input_spec},{weight_spec}->...{output_spec}"
    else:
        equation = f"{input_spec}...,{weight_spec}->{output_spec}..."
    rank = len(input_spec) + draw(st.sampled_from([0, 0, 1, 2, -1]))
    shape = tuple(draw(st.sampled_from([None, 2, 3])) for _ in range(max(rank, 0)))
    out_len = len(output_spec) - draw(st.sampled_from([1, 1, 0]))
    output_shape = tuple(draw(st.sampled_from([None, 2, 3])) for _ in range(max(out_len, 0)))
    bias_axes = draw(st.one_of(st.none(), st.text(alphabet=output_spec + "z", min_size=1, max_size=2)))
    return equation, output_shape, bias_axes, shape


@settings(max_examples=40, deadline=None)
@given(config=einsum_configs(), lora=st.sampled_from([None, 2]))
def test_einsum_dense_random(config, lora):
    equation, output_shape, bias_axes, shape = config
    agree("EinsumDense", equation, output_shape, bias_axes=bias_axes, lora_rank=lora, inputs=T(shape))


@settings(max_examples=40, deadline=None)
@given(input_dim=st.sampled_from([-1, 0, 7, 50]), output_dim=st.sampled_from([-2, 0, 4]),
       lora=st.sampled_from([None, 0, 3]),
       shape=st.lists(st.sampled_from([None, 1, 5]), max_size=3).map(tuple))
def test_embedding_random(input_dim, output_dim, lora, shape):
    agree("Embedding", input_dim, output_dim, lora_rank=lora, inputs=T(shape, dtype="int32"))


@settings(max_examples=40, deadline=None)
@given(output_shape=st.one_of(st.integers(1, 4), st.lists(st.sampled_from([None, 2, 3]), max_size=3).map(tuple),
                              st.lists(st.sampled_from([None, 2, 3]), max_size=2)),
       shape=st.lists(st.sampled_from([None, 2, 3]), max_size=3).map(tuple))
def test_lambda_random(output_shape, shape):
    agree("Lambda", lambda x: x, output_shape=output_shape, inputs=T(shape))
