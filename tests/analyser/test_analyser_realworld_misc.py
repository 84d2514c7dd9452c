"""Causes found on real-world code (unknown input sizes, ``applications.*.preprocess_input``,
re-calling a built model, TextVectorization, RNNs with user cells), each snippet checked against
real Keras: the same models, rows, shapes and totals; where a value cannot be known statically,
``?`` exactly where the test says (never a wrong number, never 0 for an unbuilt model)."""


import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, write_snippet

EXACT = {
    "preprocess_caffe_before_backbone": """
        import keras
        from keras import layers
        backbone = keras.applications.VGG16(weights=None, include_top=False, input_shape=(48, 48, 3))
        images = keras.Input(shape=(48, 48, 3))
        features = backbone(keras.applications.vgg16.preprocess_input(images))
        head = keras.Model(images, layers.Dense(2)(layers.GlobalAveragePooling2D()(features)))
        """,
    "preprocess_then_unsized_backbone": """
        import keras
        from keras import layers
        trunk = keras.applications.VGG16(weights=None, include_top=False)
        pics = keras.Input(shape=(32, 32, 3))
        z = layers.Flatten()(trunk(keras.applications.vgg16.preprocess_input(pics)))
        net = keras.Model(pics, layers.Dense(3)(z))
        """,
    "preprocess_modes_per_family": """
        import keras
        from keras import applications, layers
        from keras.applications.densenet import preprocess_input as torch_style
        src = keras.Input(shape=(8, 8, 3))
        a = applications.mobilenet_v2.preprocess_input(src)
        b = torch_style(src)
        c = applications.resnet50.preprocess_input(src)
        d = applications.efficientnet.preprocess_input(src)
        e = applications.imagenet_utils.preprocess_input(src, mode="tf")
        joined = layers.Concatenate()([a, b, c, d, e])
        mixer = keras.Model(src, layers.Conv2D(4, 1)(joined))
        """,
    "preprocess_channels_first": """
        import keras
        from keras import layers
        planes = keras.Input(shape=(3, 6, 6))
        p = keras.applications.vgg19.preprocess_input(planes, data_format="channels_first")
        q = keras.applications.densenet.preprocess_input(planes, data_format="channels_first")
        cf = keras.Model(planes, layers.Flatten()(layers.Add()([p, q])))
        """,
    "built_model_recalled_on_unknown_batch": """
        import sys
        import numpy as np
        import keras
        from keras import layers

        class Wrapper(keras.Model):
            def __init__(self):
                super().__init__()
                self.body = keras.Sequential([keras.Input(shape=(3,)), layers.Dense(5)])

            def call(self, data):
                return self.body(data)

        wrapped = Wrapper()
        rows = np.ones((len(sys.argv) + 6, 3), "float32")
        result = wrapped.body(rows)
        """,
    "backend_int_shape_sizes_a_decoder": """
        import keras
        from keras import layers
        from keras.src.legacy import backend as K      # what tf.keras.backend is under Keras 3
        image = keras.Input(shape=(12, 12, 1))
        x = layers.Conv2D(4, 3, strides=2, padding="same")(image)
        saved = K.int_shape(x)
        encoder = keras.Model(image, layers.Flatten()(x))
        code = keras.Input(shape=(5,))
        y = layers.Dense(saved[1] * saved[2] * saved[3])(code)
        y = layers.Reshape((saved[1], saved[2], saved[3]))(y)
        decoder = keras.Model(code, layers.Conv2DTranspose(1, 3, strides=2, padding="same")(y))
        """,
}

# A snippet, and for each model the (row index, field) pairs that must be ``?`` (the rest exact).
WITH_UNKNOWNS = {
    "unknown_input_dim": ("""
        import sys
        import keras
        from keras import layers
        width = len(sys.argv) + 9
        mlp = keras.Sequential()
        mlp.add(layers.Dense(6, input_dim=width, activation="relu"))
        mlp.add(layers.Dense(3))
        wide = keras.Sequential([layers.Dense(5, input_shape=(width,)), layers.Dense(2)])
        """, {"mlp": {(0, "params")}, "wide": {(0, "params")}}),
    "rnn_over_user_cell": ("""
        import keras
        from keras import layers

        class Accumulator(layers.Layer):
            def __init__(self, width):
                super().__init__()
                self.state_size = width
                self.output_size = width
                self.step = layers.Dense(width)

            def call(self, inputs, states):
                total = self.step(inputs) + states[0]
                return total, [total]

        seq = keras.Sequential([keras.Input(shape=(7, 4)), layers.RNN(Accumulator(6), return_sequences=True),
                                layers.Dense(2)])
        last = keras.Sequential([keras.Input(shape=(5, 3)), layers.RNN(Accumulator(4)), layers.Dense(1)])
        """, {"seq": {(0, "params")}, "last": {(0, "params")}}),
}



@pytest.mark.parametrize("name", sorted(EXACT))
def test_snippet_matches_keras(name, tmp_path):
    assert_models_match_keras(write_snippet(tmp_path, name, EXACT[name]))


@pytest.mark.parametrize("name", sorted(WITH_UNKNOWNS))
def test_snippet_matches_keras_where_known(name, tmp_path):
    text, unknown = WITH_UNKNOWNS[name]
    path = write_snippet(tmp_path, name, text)
    real, mine = keras_report(path), ours(path)
    assert real.get("error") is None, real["error"]
    assert [m["name"] for m in mine["models"]] == [m["name"] for m in real["models"]]
    for want, got in zip(real["models"], mine["models"]):
        assert got["class"] == want["class"]
        assert [(r["name"], r["class"]) for r in got["layers"]] == [(r["name"], r["class"]) for r in want["layers"]]
        for index, (w, g) in enumerate(zip(want["layers"], got["layers"])):
            for field in ("output_shape", "params"):
                if (index, field) in unknown[want["name"]]:
                    assert g[field] is None or "?" in str(g[field]), (want["name"], index, field, g[field])
                else:
                    assert g[field] == w[field], (want["name"], index, field)
        wanted_unknown = any(field == "params" for _, field in unknown[want["name"]])
        for key in ("total_params", "trainable_params"):
            assert got[key] == (None if wanted_unknown else want[key]), (want["name"], key)
    assert not [d for d in mine["diagnostics"] if d["severity"] == "error"]
