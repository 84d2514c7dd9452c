"""Keras's global image data format: once the code calls ``set_image_data_format``, every layer
and op whose ``data_format`` is left unset (or ``None``) follows it, and NumPy arrays keep their
shapes. Each snippet is checked against real Keras."""

import textwrap

import pytest

from oracle_compare import assert_models_match_keras

SNIPPETS = {
    "channels_first_layers_follow_the_global_format": """
        import keras
        from keras import layers
        import keras.backend as K
        K.set_image_data_format("channels_first")
        x_in = keras.Input(shape=(1, 28, 28))
        x = layers.Conv2D(8, 3, padding="same")(x_in)
        x = layers.BatchNormalization(axis=1)(x)
        x = layers.MaxPooling2D(2)(x)
        x = layers.Conv2D(4, 3, data_format=None)(x)
        x = layers.UpSampling2D(2)(x)
        x = layers.ZeroPadding2D(1)(x)
        x = layers.GlobalAveragePooling2D()(x)
        model = keras.Model(x_in, layers.Dense(3)(x))
        keras.config.set_image_data_format("channels_last")
        y_in = keras.Input(shape=(12, 12, 2))
        back = keras.Model(y_in, layers.Conv2D(5, 3)(y_in))
        """,
    "channels_first_with_numpy_input_shape": """
        import numpy as np
        import keras
        from keras import layers
        keras.config.set_image_data_format("channels_first")
        data = np.zeros((10, 3, 16, 16))
        seq = keras.Sequential([keras.Input(shape=data.shape[1:]), layers.Conv2D(6, 3),
                                layers.AveragePooling2D(2), layers.Flatten(), layers.Dense(2)])
        """,
    "explicit_channels_last_under_channels_first": """
        import keras
        from keras import layers
        keras.config.set_image_data_format("channels_first")
        x_in = keras.Input(shape=(9, 9, 2))
        model = keras.Model(x_in, layers.Conv2D(3, 2, data_format="channels_last")(x_in))
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]).lstrip(), encoding="utf-8")
    assert_models_match_keras(path)
