"""Recurrent layers against real Keras: SimpleRNN, GRU, LSTM, their cells, StackedRNNCells, RNN,
ConvLSTM1D/2D/3D, Bidirectional and TimeDistributed."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keras_oracle import L, T, check_layer
from shapelens.engine import REGISTRY, UNKNOWN, create_layer


def apply(class_name, *args, inputs, call_args=(), call_kwargs=None, **kwargs):
    layer = create_layer(class_name, list(args), kwargs)
    return layer, layer.apply([inputs, *call_args], call_kwargs or {})


def error_code(outcome) -> str:
    return outcome.error.split(":", 1)[0]


# Keras's default initializers (orthogonal, glorot) compile a JAX kernel for every new weight shape,
# about 2 s each; shapes and counts do not depend on them, so most cases use zeros.
FAST = {"kernel_initializer": "zeros", "recurrent_initializer": "zeros"}


def LF(class_name, *args, **kwargs):
    """A nested recurrent layer (or cell) with fast initializers."""
    return L(class_name, *args, **FAST, **kwargs)


# ---- SimpleRNN / GRU / LSTM -------------------------------------------------------------------

RNN_CLASSES = ["SimpleRNN", "GRU", "LSTM"]


@pytest.mark.parametrize("class_name", RNN_CLASSES)
@pytest.mark.parametrize("kwargs", [
    {}, {"return_sequences": True}, {"return_state": True},
    {"return_sequences": True, "return_state": True}, {"use_bias": False},
    {"go_backwards": True, "unroll": True}, {"trainable": False},
])
def test_recurrent_layers(class_name, kwargs):
    check_layer(class_name, 8, **FAST, inputs=T((None, 5, 3)), expect_error=False, **kwargs)


@pytest.mark.parametrize("shape", [(None, None, 3), (4, 7, 1), (2, 0, 3), (None, 5, 0)])
@pytest.mark.parametrize("class_name", RNN_CLASSES)
def test_recurrent_layers_on_dynamic_and_small_shapes(class_name, shape):
    check_layer(class_name, 4, **FAST, inputs=T(shape), return_sequences=True, expect_error=False)


@pytest.mark.parametrize("kwargs", [{"reset_after": False}, {"reset_after": False, "use_bias": False},
                                    {"reset_after": True, "return_state": True}])
def test_gru_reset_after(kwargs):
    check_layer("GRU", 8, **FAST, inputs=T((None, 5, 3)), expect_error=False, **kwargs)


def test_lstm_parameter_count_and_derivation():
    _, applied = apply("LSTM", 8, inputs=(None, 5, 3))
    lines = applied.derivation.render_lines()
    assert "lstm params = 4·8·(3 + 8) + 4·8 = 384" in lines
    assert "output = (None,) + (8,) = (None, 8)" in lines


def test_gru_reset_after_derivation_names_the_extra_bias_row():
    _, applied = apply("GRU", 8, inputs=(None, 5, 3))
    assert any("2·3·8" in line and line.endswith("= 312") for line in applied.derivation.render_lines())


@pytest.mark.parametrize("class_name", RNN_CLASSES)
@pytest.mark.parametrize("shape", [(None, 5), (None, 5, 3, 2)])
def test_recurrent_layers_reject_wrong_rank(class_name, shape):
    _, ours = check_layer(class_name, 8, **FAST, inputs=T(shape), expect_error=True)
    assert error_code(ours) == "wrong-rank"


@pytest.mark.parametrize("class_name", RNN_CLASSES)
def test_recurrent_layers_reject_undefined_features(class_name):
    _, ours = check_layer(class_name, 8, **FAST, inputs=T((None, 5, None)), expect_error=True)
    assert error_code(ours) == "undefined-dimension"


@pytest.mark.parametrize("units", [0, -1, 8.0, "8"])
def test_invalid_units(units):
    _, ours = check_layer("LSTM", units, **FAST, inputs=T((None, 5, 3)), expect_error=True)
    assert error_code(ours) == "invalid-argument"


def test_stateful_needs_a_static_batch():
    _, ours = check_layer("LSTM", 8, stateful=True, **FAST, inputs=T((None, 4, 3)), expect_error=True)
    assert error_code(ours) == "undefined-dimension"
    check_layer("LSTM", 8, stateful=True, **FAST, inputs=T((2, 4, 3)), expect_error=False)


def test_use_cudnn_values():
    _, ours = check_layer("GRU", 8, use_cudnn="x", **FAST, inputs=T((2, 4, 3)), expect_error=True)
    assert error_code(ours) == "invalid-argument"
    check_layer("LSTM", 8, use_cudnn=False, **FAST, inputs=T((2, 4, 3)), expect_error=False)


def test_unroll_with_unknown_timesteps_is_accepted_symbolically():
    check_layer("LSTM", 8, unroll=True, **FAST, inputs=T((None, None, 3)), expect_error=False)


@pytest.mark.parametrize("initial_state", [
    [T((2, 8)), T((2, 8))], [T((2, 5)), T((2, 8))], T((2, 8)),
])
def test_initial_state_never_changes_the_shape(initial_state):
    check_layer("LSTM", 8, **FAST, inputs=T((2, 4, 3)), call_kwargs={"initial_state": initial_state},
                expect_error=False)
    check_layer("SimpleRNN", 8, **FAST, inputs=T((2, 4, 3)), call_args=(initial_state,), expect_error=False)


def test_shared_layer_reused_on_other_features_is_accepted():
    layer = create_layer("LSTM", [3], {})
    assert layer.apply([(None, 5, 2)], {}).output == (None, 3)
    assert layer.apply([(None, 5, 7)], {}).output == (None, 3)
    assert layer.param_count().trainable == 72


def test_unknown_values_give_partial_answers():
    _, applied = apply("LSTM", UNKNOWN, inputs=(None, 5, 3))
    assert applied.output == (None, UNKNOWN)
    layer, applied = apply("LSTM", 8, return_state=UNKNOWN, inputs=(None, 5, 3))
    assert applied.output is UNKNOWN and layer.param_count().trainable == 384
    _, applied = apply("GRU", 8, return_sequences=True, inputs=(None, UNKNOWN, 3))
    assert applied.output == (None, UNKNOWN, 8)
    layer, applied = apply("GRU", 8, inputs=(None, 5, UNKNOWN))
    assert applied.output == (None, 8) and layer.param_count().trainable is UNKNOWN


# ---- cells, StackedRNNCells and RNN(cell) -----------------------------------------------------

CELLS = [LF("SimpleRNNCell", 4), LF("GRUCell", 4), LF("GRUCell", 4, reset_after=False), LF("LSTMCell", 4),
         LF("LSTMCell", 4, use_bias=False)]


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.class_name}{c.kwargs}")
@pytest.mark.parametrize("kwargs", [{}, {"return_state": True}, {"return_sequences": True, "return_state": True}])
def test_rnn_of_one_cell(cell, kwargs):
    check_layer("RNN", cell, inputs=T((None, 5, 3)), expect_error=False, **kwargs)


@pytest.mark.parametrize("cells", [
    [LF("LSTMCell", 4), LF("GRUCell", 3)],
    [LF("SimpleRNNCell", 2), LF("LSTMCell", 5), LF("SimpleRNNCell", 3)],
])
@pytest.mark.parametrize("return_state", [False, True])
def test_rnn_of_a_list_of_cells(cells, return_state):
    check_layer("RNN", cells, inputs=T((None, 5, 3)), return_state=return_state, expect_error=False)
    check_layer("RNN", L("StackedRNNCells", cells), inputs=T((None, 5, 3)), return_state=return_state,
                return_sequences=True, expect_error=False)


@pytest.mark.parametrize("return_state", [False, True])
def test_rnn_of_nested_stacks(return_state):
    nested = [L("StackedRNNCells", [LF("LSTMCell", 2), LF("GRUCell", 3)]), LF("GRUCell", 3)]
    check_layer("RNN", nested, inputs=T((None, 5, 3)), return_state=return_state, expect_error=return_state)


def test_rnn_has_no_input_rank_check():
    # RNN(cell) has no InputSpec: a 4-D input runs the cell on (batch, 3, 2) frames, a 2-D input on (batch,).
    check_layer("RNN", LF("LSTMCell", 4), inputs=T((None, 5, 3, 2)), expect_error=False)
    check_layer("RNN", LF("GRUCell", 4), inputs=T((8, 5)), expect_error=False)
    _, ours = check_layer("RNN", LF("LSTMCell", 4), inputs=T((None, 5)), expect_error=True)
    assert error_code(ours) == "undefined-dimension"


def test_rnn_rejects_a_non_cell():
    _, ours = check_layer("RNN", L("Dense", 4), inputs=T((None, 5, 3)), expect_error=True)
    assert error_code(ours) == "invalid-argument"


def test_frozen_cell_counts_as_non_trainable():
    check_layer("RNN", LF("LSTMCell", 4, trainable=False), inputs=T((None, 5, 3)), expect_error=False)
    check_layer("RNN", LF("LSTMCell", 4), trainable=False, inputs=T((None, 5, 3)), expect_error=False)


@pytest.mark.parametrize("class_name,states", [
    ("LSTMCell", [T((None, 4)), T((None, 4))]),
    ("GRUCell", T((None, 4))), ("GRUCell", [T((None, 4))]),
    ("SimpleRNNCell", T((None, 4))), ("SimpleRNNCell", [T((None, 4))]),
])
def test_cells_called_directly(class_name, states):
    check_layer(class_name, 4, **FAST, inputs=T((None, 3)), call_args=(states,), expect_error=False)


def test_cell_called_with_mismatched_state_is_unknown_not_an_error():
    real, ours = check_layer("SimpleRNNCell", 4, **FAST, inputs=T((None, 3)), call_args=(T((None, 7)),))
    assert real.rejected and not ours.rejected


# ---- ConvLSTM ---------------------------------------------------------------------------------

CONV_LSTM = [
    ("ConvLSTM1D", (4, 3), (None, 5, 9, 3)),
    ("ConvLSTM2D", (4, 3), (None, 5, 8, 8, 3)),
    ("ConvLSTM3D", (4, (1, 2, 3)), (None, 5, 9, 4, 6, 3)),
]


@pytest.mark.parametrize("class_name,args,shape", CONV_LSTM)
@pytest.mark.parametrize("kwargs", [
    {}, {"padding": "same"}, {"strides": 2}, {"dilation_rate": 2, "padding": "same"},
    {"return_sequences": True, "return_state": True}, {"use_bias": False}, {"go_backwards": True},
])
def test_conv_lstm(class_name, args, shape, kwargs):
    check_layer(class_name, *args, **FAST, inputs=T(shape), **kwargs)


@pytest.mark.parametrize("class_name,args,shape", [
    ("ConvLSTM1D", (4, 3), (None, 5, 3, 9)),
    ("ConvLSTM2D", (4, 3), (None, 5, 3, 8, 8)),
    ("ConvLSTM3D", (2, 2), (None, 5, 3, 4, 5, 6)),
])
@pytest.mark.parametrize("return_state", [False, True])
def test_conv_lstm_channels_first(class_name, args, shape, return_state):
    check_layer(class_name, *args, **FAST, inputs=T(shape), data_format="channels_first", return_state=return_state,
                expect_error=False)


def test_conv_lstm_parameters_and_derivation():
    _, applied = apply("ConvLSTM2D", 4, 3, inputs=(None, 5, 8, 8, 3))
    lines = applied.derivation.render_lines()
    assert "params = 3 · 3 · 3 · 4·4 + 3 · 3 · 4 · 4·4 + 4·4 = 1024" in lines
    assert "height = floor((8 + 2·0 − 1·(3 − 1) − 1) / 1) + 1 = 6" in lines


def test_conv_lstm_dynamic_timesteps():
    check_layer("ConvLSTM2D", 4, 3, **FAST, inputs=T((None, None, 8, 8, 3)), return_sequences=True, expect_error=False)


@pytest.mark.parametrize("kwargs,shape,code", [
    ({}, (None, 5, 2, 8, 3), "window-too-large"),
    ({"kernel_size": 9}, (None, 5, 8, 8, 3), "window-too-large"),
    ({}, (None, 5, 8, None, 3), "undefined-dimension"),
    ({}, (None, 5, 8, 8, None), "undefined-dimension"),
    ({}, (None, 5, 8, 8), "wrong-rank"),
    ({"strides": 2, "dilation_rate": 2}, (None, 5, 8, 8, 3), "invalid-argument"),
    ({"strides": 0}, (None, 5, 8, 8, 3), "invalid-argument"),
    ({"padding": "causal"}, (None, 5, 8, 8, 3), "invalid-argument"),
    ({"kernel_size": 0}, (None, 5, 8, 8, 3), "invalid-argument"),
    ({"filters": -2}, (None, 5, 8, 8, 3), "invalid-argument"),
    ({"stateful": True}, (None, 5, 8, 8, 3), "undefined-dimension"),
])
def test_conv_lstm_rejections(kwargs, shape, code):
    kwargs = {"filters": 4, "kernel_size": 3, **kwargs}
    _, ours = check_layer("ConvLSTM2D", **FAST, inputs=T(shape), expect_error=True, **kwargs)
    assert error_code(ours) == code


def test_conv_lstm_zero_filters_is_accepted():
    check_layer("ConvLSTM2D", 0, 3, **FAST, inputs=T((None, 5, 8, 8, 3)), expect_error=False)


# ---- Bidirectional ----------------------------------------------------------------------------

@pytest.mark.parametrize("merge_mode", ["concat", "sum", "mul", "ave", None])
@pytest.mark.parametrize("inner", [
    LF("LSTM", 8), LF("GRU", 8, return_sequences=True), LF("SimpleRNN", 8, return_state=True),
    LF("LSTM", 8, return_sequences=True, return_state=True),
], ids=lambda c: f"{c.class_name}{c.kwargs}")
def test_bidirectional(inner, merge_mode):
    check_layer("Bidirectional", inner, merge_mode=merge_mode, inputs=T((None, 5, 3)), expect_error=False)


def test_bidirectional_of_other_recurrent_layers():
    check_layer("Bidirectional", L("RNN", LF("LSTMCell", 4)), inputs=T((None, 5, 3)), expect_error=False)
    check_layer("Bidirectional", L("RNN", [LF("LSTMCell", 4), LF("GRUCell", 2)], return_state=True),
                merge_mode=None, inputs=T((None, 5, 3)), expect_error=False)
    check_layer("Bidirectional", LF("ConvLSTM2D", 4, 3, return_state=True), inputs=T((None, 5, 8, 8, 3)),
                expect_error=False)
    check_layer("Bidirectional", LF("ConvLSTM1D", 4, 3, data_format="channels_first"),
                inputs=T((None, 5, 3, 9)), expect_error=False)


@pytest.mark.parametrize("merge_mode", ["concat", None])
def test_bidirectional_with_a_different_backward_layer(merge_mode):
    # Keras reports the forward layer's shapes (doubled for concat), whatever the backward layer is.
    check_layer("Bidirectional", LF("LSTM", 8), backward_layer=LF("GRU", 4, go_backwards=True),
                merge_mode=merge_mode, inputs=T((None, 5, 3)), expect_error=False)
    check_layer("Bidirectional", LF("LSTM", 8, return_state=True, go_backwards=True),
                backward_layer=LF("SimpleRNN", 4, return_state=True), merge_mode=merge_mode,
                inputs=T((None, 5, 3)), expect_error=False)


def test_bidirectional_frozen():
    check_layer("Bidirectional", LF("SimpleRNN", 4, trainable=False), inputs=T((None, 5, 3)), expect_error=False)
    check_layer("Bidirectional", LF("SimpleRNN", 4), trainable=False, inputs=T((None, 5, 3)), expect_error=False)


def test_bidirectional_initial_state():
    check_layer("Bidirectional", LF("LSTM", 8), inputs=T((None, 5, 3)),
                call_kwargs={"initial_state": [T((None, 8))] * 4}, expect_error=False)


def test_bidirectional_params_derivation():
    _, applied = apply("Bidirectional", create_layer("LSTM", [8], {}), inputs=(None, 5, 3))
    lines = applied.derivation.render_lines()
    assert "forward_lstm params = 4·8·(3 + 8) + 4·8 = 384" in lines
    assert "backward_lstm params = 4·8·(3 + 8) + 4·8 = 384" in lines
    assert "params = 384 + 384 = 768" in lines


@pytest.mark.parametrize("inner,kwargs,shape,code", [
    (LF("LSTM", 8), {}, (None, 5), "wrong-rank"),
    (LF("LSTM", 8), {"merge_mode": "x"}, (None, 5, 3), "invalid-argument"),
    (L("Dense", 8), {}, (None, 5, 3), "invalid-argument"),
    (L("Bidirectional", LF("LSTM", 8)), {}, (None, 5, 3), "invalid-argument"),
    (LF("LSTM", 8, go_backwards=True), {}, (None, 5, 3), "invalid-argument"),
    (LF("LSTM", 8), {"backward_layer": LF("LSTM", 4)}, (None, 5, 3), "invalid-argument"),
    (LF("LSTM", 8), {"backward_layer": LF("GRU", 4, go_backwards=True, return_state=True)}, (None, 5, 3),
     "invalid-argument"),
    (LF("LSTM", 8), {"backward_layer": L("Dense", 4)}, (None, 5, 3), "invalid-argument"),
    (LF("LSTM", 8, stateful=True), {}, (None, 5, 3), "undefined-dimension"),
    (LF("GRU", 3, stateful=True, return_state=True), {}, (2, 5, 3), "invalid-argument"),
    (LF("LSTM", 8), {}, (None, 5, None), "undefined-dimension"),
])
def test_bidirectional_rejections(inner, kwargs, shape, code):
    _, ours = check_layer("Bidirectional", inner, inputs=T(shape), expect_error=True, **kwargs)
    assert error_code(ours) == code


def test_bidirectional_does_not_build_the_layer_it_was_given():
    lstm = create_layer("LSTM", [8], {})
    bidirectional = create_layer("Bidirectional", [lstm], {})
    bidirectional.apply([(None, 5, 3)], {})
    assert lstm.weights is None and bidirectional.param_count().trainable == 768


# ---- TimeDistributed --------------------------------------------------------------------------

@pytest.mark.parametrize("inner,shape", [
    (L("Dense", 8), (None, 5, 3)),
    (L("Dense", 8), (None, None, 7, 3)),
    (L("Dense", 8, trainable=False), (None, 4, 3)),
    (LF("LSTM", 8), (None, 5, 10, 3)),
    (LF("GRU", 4, return_sequences=True), (2, 5, 10, 3)),
    (L("Bidirectional", LF("SimpleRNN", 4)), (None, 5, 10, 3)),
    (LF("ConvLSTM1D", 2, 3), (None, 4, 5, 9, 3)),
])
def test_time_distributed(inner, shape):
    check_layer("TimeDistributed", inner, inputs=T(shape), expect_error=False)


def test_time_distributed_frozen_wrapper():
    check_layer("TimeDistributed", L("Dense", 8), trainable=False, inputs=T((None, 4, 3)), expect_error=False)


@pytest.mark.skipif("Conv2D" not in REGISTRY or "Flatten" not in REGISTRY,
                    reason="convolution / reshaping rules not registered")
def test_time_distributed_over_images():
    check_layer("TimeDistributed", L("Conv2D", 8, 3), inputs=T((None, 5, 10, 10, 3)), expect_error=False)
    check_layer("TimeDistributed", L("Flatten"), inputs=T((None, 4, 7, 3)), expect_error=False)


@pytest.mark.parametrize("inner,shape,code", [
    (L("Dense", 8), (None, 5), "wrong-rank"),
    (L("Dense", 8), (None, 5, None), "undefined-dimension"),
    (LF("LSTM", 8, return_state=True), (None, 5, 10, 3), "invalid-argument"),
    (LF("LSTM", 8), (None, 5, 10), "undefined-dimension"),
])
def test_time_distributed_rejections(inner, shape, code):
    _, ours = check_layer("TimeDistributed", inner, inputs=T(shape), expect_error=True)
    assert error_code(ours) == code


def test_time_distributed_derivation():
    _, applied = apply("TimeDistributed", create_layer("Dense", [8], {}), inputs=(None, 5, 4, 3))
    lines = applied.derivation.render_lines()
    assert "step input = (None,) + (4, 3) = (None, 4, 3)" in lines
    assert "output = (None, 5) + (4, 8) = (None, 5, 4, 8)" in lines


def test_wrappers_reject_non_layers():
    for class_name in ("TimeDistributed", "Bidirectional"):
        with pytest.raises(Exception) as info:
            create_layer(class_name, ["lstm"], {})
        assert info.value.code == "invalid-argument"
    assert create_layer("TimeDistributed", [UNKNOWN], {}).apply([(None, 5, 3)], {}).output is UNKNOWN


# ---- random configurations --------------------------------------------------------------------
# sampled_from with repeated entries: mostly valid configurations, a few that Keras rejects.

def mostly(valid, rare):
    return st.sampled_from(list(valid) * 3 + list(rare))


dims = mostly([1, 2, 3, 5, None], [0])
features = mostly([1, 2, 3, 4], [None, 0])


@st.composite
def sequences(draw, rank=None):
    """Mostly ``(batch, time, features)``, sometimes another rank."""
    rank = rank or draw(mostly([3], [2, 4]))
    return (draw(mostly([None], [2])), *(draw(dims) for _ in range(rank - 2)), draw(features))


@settings(max_examples=40, deadline=None)
@given(
    class_name=st.sampled_from(RNN_CLASSES), units=mostly([1, 2, 4, 6], [0, -1]), shape=sequences(),
    return_sequences=st.booleans(), return_state=st.booleans(), use_bias=st.booleans(),
    extra=mostly([{}, {"reset_after": False}, {"go_backwards": True}], [{"stateful": True}]),
)
def test_random_recurrent_layers(class_name, units, shape, return_sequences, return_state, use_bias, extra):
    if class_name != "GRU":
        extra = {k: v for k, v in extra.items() if k != "reset_after"}
    check_layer(class_name, units, **FAST, inputs=T(shape), return_sequences=return_sequences,
                return_state=return_state, use_bias=use_bias, **extra)


@settings(max_examples=40, deadline=None)
@given(
    inner=st.sampled_from(["LSTM", "GRU", "SimpleRNN"]), units=st.integers(1, 5),
    merge_mode=st.sampled_from(["concat", "sum", "mul", "ave", None]),
    return_sequences=st.booleans(), return_state=st.booleans(), shape=sequences(),
    wrapper=st.sampled_from(["Bidirectional", "TimeDistributed"]),
)
def test_random_wrappers(inner, units, merge_mode, return_sequences, return_state, shape, wrapper):
    layer = LF(inner, units, return_sequences=return_sequences, return_state=return_state)
    kwargs = {"merge_mode": merge_mode} if wrapper == "Bidirectional" else {}
    if wrapper == "TimeDistributed":
        shape = shape[:2] + (3,) + shape[2:]
    check_layer(wrapper, layer, inputs=T(shape), **kwargs)


@settings(max_examples=40, deadline=None)
@given(
    rank=st.sampled_from([1, 2, 3]), filters=mostly([1, 2, 3], [0]), kernel=st.integers(1, 4),
    strides=mostly([1, 1, 2], [3]), dilation=mostly([1, 1, 2], []),
    padding=st.sampled_from(["valid", "same"]),
    data_format=st.sampled_from(["channels_last", "channels_first"]),
    spatial=st.lists(mostly([2, 4, 7], [None, 1]), min_size=3, max_size=3),
    channels=mostly([1, 3], [None]), time=st.sampled_from([None, 2]),
    return_sequences=st.booleans(), return_state=st.booleans(),
)
def test_random_conv_lstm(rank, filters, kernel, strides, dilation, padding, data_format, spatial, channels, time,
                          return_sequences, return_state):
    frame = tuple(spatial[:rank])
    frame = (channels, *frame) if data_format == "channels_first" else (*frame, channels)
    check_layer(f"ConvLSTM{rank}D", filters, kernel, strides=strides, dilation_rate=dilation, padding=padding,
                data_format=data_format, return_sequences=return_sequences, return_state=return_state,
                **FAST, inputs=T((None, time, *frame)))


@settings(max_examples=40, deadline=None)
@given(
    cells=st.lists(st.tuples(st.sampled_from(["SimpleRNNCell", "GRUCell", "LSTMCell"]), st.integers(1, 4)),
                   min_size=1, max_size=3),
    shape=sequences(), return_sequences=st.booleans(), return_state=st.booleans(),
)
def test_random_rnn_cells(cells, shape, return_sequences, return_state):
    cell = [LF(name, units) for name, units in cells]
    check_layer("RNN", cell if len(cell) > 1 else cell[0], inputs=T(shape), return_sequences=return_sequences,
                return_state=return_state)


@pytest.mark.parametrize("class_name", RNN_CLASSES)
def test_default_initializers(class_name):
    check_layer(class_name, 8, inputs=T((None, 5, 3)), expect_error=False)


@pytest.mark.parametrize("class_name,args,kwargs,accepted", [
    ("LSTM", (4,), {"time_major": True}, False),
    ("LSTM", (4,), {"input_length": 5}, False),
    ("LSTM", (4,), {"batch_input_shape": (None, 5, 3)}, False),
    ("SimpleRNN", (4,), {"implementation": 1}, False),
    ("LSTM", (4,), {"implementation": 1, "zero_output_for_mask": True, "autocast": False}, True),
    ("GRU", (4,), {"implementation": 1, "input_shape": (5, 3)}, True),
    ("ConvLSTM1D", (4, 3), {"unroll": True, "zero_output_for_mask": True}, True),
    ("ConvLSTM1D", (4, 3), {"implementation": 1}, False),
])
def test_keyword_arguments_keras_does_not_know(class_name, args, kwargs, accepted):
    shape = (None, 5, 9, 3) if class_name.startswith("Conv") else (None, 5, 3)
    _, ours = check_layer(class_name, *args, **FAST, inputs=T(shape), expect_error=not accepted, **kwargs)
    assert accepted or error_code(ours) == "invalid-argument"


def test_wrapped_and_wrapping_keyword_arguments():
    check_layer("RNN", LF("LSTMCell", 4, implementation=1), inputs=T((None, 5, 3)), expect_error=False)
    check_layer("RNN", LF("SimpleRNNCell", 4, implementation=1), inputs=T((None, 5, 3)), expect_error=True)
    check_layer("Bidirectional", LF("LSTM", 4), foo=1, inputs=T((None, 5, 3)), expect_error=True)
    check_layer("TimeDistributed", L("Dense", 4), foo=1, inputs=T((None, 5, 3)), expect_error=True)
