"""Layers made through a factory: ``functools.partial`` (found in public code, where the layers it
made were silently dropped and the layers after them got wrong shapes), and a value the
analysis cannot follow given to a Sequential (its rows from there on and the shapes after it
are unknown, never guessed).  Each snippet is checked against real Keras."""

import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, write_snippet

PARTIAL = {
    "partial_layer_classes_in_a_sequential_built_by_a_helper": """
        import functools
        import keras

        def make_classifier(n_outputs=1, n_filters=12):
            Conv2D = functools.partial(keras.layers.Conv2D, padding="same", activation="relu")
            BatchNormalization = keras.layers.BatchNormalization
            Dense = functools.partial(keras.layers.Dense, activation="relu")
            return keras.Sequential([
                keras.Input(shape=(64, 64, 3)),
                Conv2D(filters=1 * n_filters, kernel_size=5, strides=2),
                BatchNormalization(),
                Conv2D(filters=2 * n_filters, kernel_size=3, strides=2),
                keras.layers.Flatten(),
                Dense(16),
                Dense(n_outputs, activation=None),
            ])

        model = make_classifier()
        classifier = make_classifier(3)
        """,
    "partial_with_positional_arguments_of_user_functions_and_of_partials": """
        from functools import partial
        import keras
        from keras import layers

        def conv_block(x, filters, kernel_size, strides=1):
            x = layers.Conv2D(filters, kernel_size, strides=strides, padding="same")(x)
            return layers.ReLU()(x)

        block = partial(conv_block, kernel_size=3)
        wide = partial(block, filters=32)
        Pool = partial(layers.MaxPooling2D, 2)
        inputs = keras.Input((32, 32, 3))
        x = block(inputs, 16)
        x = wide(x, strides=2)
        x = Pool()(x)
        model = keras.Model(inputs, layers.GlobalAveragePooling2D()(x))
        """,
}


@pytest.mark.parametrize("name", sorted(PARTIAL))
def test_layers_made_through_functools_partial_match_keras(name, tmp_path):
    mine = assert_models_match_keras(write_snippet(tmp_path, name, PARTIAL[name]))
    assert all(model["layers"] for model in mine["models"])


def test_a_layer_the_analysis_cannot_follow_leaves_what_follows_unknown(tmp_path):
    """``layers.deserialize`` is not followed: Keras builds a Conv2D there.  The rows from it on
    are not listed (the model says so), the totals are ``?``, and no shape is guessed."""
    path = write_snippet(tmp_path, "unfollowed", """
        import keras
        from keras import layers
        conv = layers.deserialize({"module": "keras.layers", "class_name": "Conv2D",
                                   "config": {"filters": 2, "kernel_size": 3}})
        model = keras.Sequential([keras.Input((6, 6, 3)), layers.Dense(3), conv, layers.BatchNormalization(),
                                  layers.Flatten(), layers.Dense(2)])
        added = keras.Sequential([keras.Input((6, 6, 3)), layers.Dense(3)])
        added.add(conv)
        added.add(layers.Flatten())
        """)
    real, mine = keras_report(path), ours(path)
    assert real["error"] is None, real["error"]
    assert [m["name"] for m in mine["models"]] == ["model", "added"] == [m["name"] for m in real["models"]]
    for want, got in zip(real["models"], mine["models"]):
        assert len(want["layers"]) > 2 and got["rows_complete"] is False
        assert [(r["class"], r["output_shape"], r["params"]) for r in got["layers"]] == [
            (r["class"], r["output_shape"], r["params"]) for r in want["layers"][:1]]
        assert got["total_params"] is None
    assert not [d for d in mine["diagnostics"] if d["severity"] == "error"]


def test_a_layer_called_on_a_tensor_the_analysis_cannot_follow_leaves_the_model_unknown(tmp_path):
    """``get_layer(index=...)`` is not followed: Keras's models below hold the layers that lead to
    that tensor, so ShapeLens lists only the ``Input`` row it is sure of and leaves the totals
    ``?`` (before, it listed the new layers first, then the ``Input``, as if complete)."""
    path = write_snippet(tmp_path, "unseen_tensor", """
        import keras
        from keras import layers
        inputs = keras.Input((8,))
        hidden = layers.Dense(6)(inputs)
        base = keras.Model(inputs, layers.Dense(4)(hidden))
        x = layers.Dense(3)(base.get_layer(index=1).output)
        model = keras.Model(base.input, x)
        merged = keras.Model(base.input, layers.Add()([layers.Dense(4)(inputs), base.get_layer(index=2).output]))
        """)
    real, mine = keras_report(path), ours(path)
    assert real["error"] is None, real["error"]
    assert [m["name"] for m in mine["models"]] == [m["name"] for m in real["models"]] == ["base", "model", "merged"]
    assert mine["models"][0]["total_params"] == real["models"][0]["total_params"]
    for want, got in zip(real["models"][1:], mine["models"][1:]):
        assert got["rows_complete"] is False and got["total_params"] is None
        assert [(r["class"], r["output_shape"]) for r in got["layers"]] == [("InputLayer", "(None, 8)")] == [
            (r["class"], r["output_shape"]) for r in want["layers"][:1]]
    assert not [d for d in mine["diagnostics"] if d["severity"] == "error"]
