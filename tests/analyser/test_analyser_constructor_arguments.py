"""Constructor keyword arguments at the source level, each snippet checked against real Keras.

Code written for Keras 2 passes keywords Keras 3 rejects (``DepthwiseConv2D(3,
kernel_initializer=...)``, ``batch_input_shape=``, ``time_major=``): the analyser reports Keras's
error, with Keras's message, on the line Keras raises.  Every kind of keyword Keras accepts — a
class's own, ``Layer``'s (``name``, ``dtype``, ``input_shape``, ...), one an intermediate base
takes through ``**kwargs`` (``lora_rank`` of ``BaseConv``), one popped from ``**kwargs``
(``implementation``, ``input_length``) — gives the same models as Keras and no error.
"""


import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, write_snippet

ACCEPTED = {
    "layer_keywords_taken_by_keras_layer_init": """
        import keras
        from keras import layers
        model = keras.Sequential([
            layers.Dense(8, input_dim=4, name="first", dtype="float32", trainable=True, autocast=False,
                         activity_regularizer="l2"),
            layers.Dense(3, input_shape=(8,)),
        ])
        """,
    "keywords_of_an_intermediate_base_class": """
        import keras
        from keras import layers
        inputs = keras.Input((16, 16, 3))
        x = layers.Conv2D(8, 3, lora_rank=2, lora_alpha=4)(inputs)
        x = layers.Conv1D(4, 3, padding="same", lora_rank=3)(layers.Reshape((14 * 14, 8))(x))
        x = layers.Conv3D(2, 2, lora_rank=1, use_bias=False)(layers.Reshape((14, 14, 14, 4))(
            layers.Dense(14 * 4)(layers.Reshape((14 * 14, 4))(x))))
        model = keras.Model(inputs, x)
        """,
    "keywords_popped_from_kwargs": """
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input((10,)),
            layers.Embedding(50, 8, input_length=10),
            layers.LSTM(6, implementation=1, return_sequences=True),
            layers.LayerNormalization(rms_scaling=True),
            layers.GRU(4, implementation=2),
            layers.LeakyReLU(alpha=0.2),
        ])
        """,
    "keywords_through_a_splatted_dict": """
        import keras
        from keras import layers
        conv = dict(padding="same", activation="relu", name="c1", dtype="float32")
        model = keras.Sequential([keras.Input((8, 8, 3)), layers.Conv2D(4, 3, **conv),
                                  layers.MaxPooling2D(2, **{"data_format": "channels_last"})])
        """,
    "input_arguments_by_position": """
        import keras
        from keras import layers
        inputs = keras.Input((4,), 8, "float32", False, False, None, "pixels")
        first = keras.Model(inputs, layers.Dense(2)(inputs))
        second = keras.Sequential([layers.InputLayer(None, None, "float32", False, False, (None, 5)),
                                   layers.Dense(3)])
        third = keras.Sequential([layers.InputLayer(batch_input_shape=(None, 6)), layers.Dense(1)])
        """,
    "input_layer_ignores_other_keywords": """
        import keras
        from keras import layers
        model = keras.Sequential([layers.InputLayer(shape=(5,), anything=1), layers.Dense(2)])
        """,
}

# A snippet Keras rejects at one line: the analyser reports Keras's message there.
REJECTED = {
    "input_without_a_shape": """
        import keras
        from keras import layers
        def create_model(vocab_size):
            return keras.Sequential([keras.Input(None), layers.Embedding(vocab_size, 8)])
        model = create_model(100)
        """,
    "input_layer_without_a_shape": """
        import keras
        from keras import layers
        model = keras.Sequential([layers.InputLayer(), layers.Dense(2)])
        """,
    "input_with_shape_and_batch_shape": """
        import keras
        inputs = keras.Input((3,), None, None, None, None, (None, 3))
        """,
    "input_with_batch_size_and_batch_shape": """
        import keras
        inputs = keras.Input(batch_size=2, batch_shape=(2, 3))
        """,
    "input_with_keras2_input_shape": """
        import keras
        inputs = keras.Input(input_shape=(3,))
        """,
    "keras2_kernel_initializer_of_depthwise_conv": """
        import keras
        from keras import layers
        inputs = keras.Input((8, 8, 3))
        x = layers.DepthwiseConv2D(3, kernel_initializer="he_normal", padding="same")(inputs)
        model = keras.Model(inputs, x)
        """,
    "keras2_batch_input_shape": """
        import keras
        from keras import layers
        model = keras.Sequential()
        model.add(layers.Dense(4, batch_input_shape=(None, 8), foo=[1, 2]))
        """,
    "keras2_time_major": """
        import keras
        from keras import layers
        inputs = keras.Input((5, 3))
        outputs = layers.LSTM(4, time_major=False)(inputs)
        """,
    "class_without_kwargs": """
        import keras
        from keras import layers
        drop = layers.SpatialDropout1D(0.2, noise_shape=None)
        """,
    "base_parameter_the_class_passes_itself": """
        import keras
        from keras import layers
        pool = layers.MaxPooling2D(2, pool_mode="avg")
        """,
    "rank_of_a_convolution": """
        import keras
        from keras import layers
        conv = layers.Conv2D(4, 3, rank=2)
        """,
    "cell_of_a_recurrent_layer": """
        import keras
        from keras import layers
        gru = layers.GRU(4, cell=None)
        """,
}



@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_keywords_keras_accepts_give_its_models(name, tmp_path):
    assert_models_match_keras(write_snippet(tmp_path, name, ACCEPTED[name]))


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_keywords_keras_rejects_are_reported_with_its_message(name, tmp_path):
    path = write_snippet(tmp_path, name, REJECTED[name])
    error = keras_report(path)["error"]
    assert error is not None and error["line"] is not None, "Keras accepted it"
    errors = [d for d in ours(path)["diagnostics"] if d["severity"] == "error"]
    assert [(d["line"], d["code"], d["message"]) for d in errors] == [
        (error["line"], "invalid-argument", error["message"])]


def test_lora_convolution_params_match_keras(tmp_path):
    """The kernel frozen, ``lora_kernel_a``/``lora_kernel_b`` trainable: exact totals."""
    mine = assert_models_match_keras(write_snippet(tmp_path, "lora", ACCEPTED["keywords_of_an_intermediate_base_class"]))
    assert mine["models"][0]["non_trainable_params"] > 0


def test_quantized_weights_are_unknown_never_a_wrong_number(tmp_path):
    path = write_snippet(tmp_path, "quantized", """
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input((4,)), layers.Dense(3, dtype="int8_from_float32"), layers.Dense(2)])
        """)
    real, mine = keras_report(path), ours(path)
    assert real["error"] is None
    want, got = real["models"][0], mine["models"][0]
    assert [r["output_shape"] for r in got["layers"]] == [r["output_shape"] for r in want["layers"]]
    assert got["layers"][0]["params"] is None and got["layers"][1]["params"] == want["layers"][1]["params"]
    assert got["total_params"] is None
    assert not [d for d in mine["diagnostics"] if d["severity"] == "error"]
