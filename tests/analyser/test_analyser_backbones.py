"""``keras.applications`` backbones used for transfer learning, each snippet checked against real
Keras: a model built from part of a backbone (``get_layer(name).output``, ``base.input``), a
feature extractor with several of its layers as outputs, and layers frozen one by one
(``for layer in base.layers[:n]: layer.trainable = False``).  Found in public code, where the
model built from ``get_layer("mixed7").output`` came out with three rows in the wrong order and
the frozen backbone's totals as trainable."""

import pytest

from oracle_compare import assert_models_match_keras, write_snippet

SNIPPETS = {
    "a_model_from_an_inner_layer_of_a_frozen_backbone": """
        import keras
        from keras import layers
        base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False, weights=None,
                                              alpha=0.35)
        for layer in base.layers:
            layer.trainable = False
        last = base.get_layer("block_13_expand_relu")
        x = layers.Flatten()(last.output)
        x = layers.Dense(8, activation="relu")(x)
        x = layers.Dropout(0.2)(x)
        x = layers.Dense(1, activation="sigmoid")(x)
        model = keras.Model(base.input, x)
        """,
    "fine_tuning_the_top_layers_of_a_backbone": """
        import keras
        from keras import layers
        base = keras.applications.MobileNetV2(input_shape=(64, 64, 3), include_top=False, weights=None,
                                              alpha=0.35)
        base.trainable = True
        for layer in base.layers[:100]:
            layer.trainable = False
        pooled = layers.GlobalAveragePooling2D()(base.output)
        model = keras.Model(inputs=base.inputs, outputs=layers.Dense(5)(pooled))
        """,
    "a_feature_extractor_with_several_backbone_outputs": """
        import keras
        base = keras.applications.MobileNetV2(input_shape=(128, 128, 3), include_top=False, weights=None,
                                              alpha=0.35)
        names = ["block_1_expand_relu", "block_3_expand_relu", "block_6_expand_relu", "block_13_expand_relu",
                 "block_16_project"]
        outputs = [base.get_layer(name).output for name in names]
        down_stack = keras.Model(inputs=base.input, outputs=outputs)
        down_stack.trainable = False
        inputs = keras.Input(shape=(128, 128, 3))
        skips = down_stack(inputs)
        x = keras.layers.Conv2DTranspose(8, 3, strides=2, padding="same")(skips[-1])
        x = keras.layers.Concatenate()([x, skips[-2]])
        unet = keras.Model(inputs, x)
        """,
    "a_resnet_called_on_its_own_input_shape": """
        import keras
        from keras import layers
        base = keras.applications.ResNet50(input_shape=(64, 64, 3), include_top=False, weights=None)
        base.trainable = False
        inputs = keras.Input((64, 64, 3))
        x = base(inputs, training=False)
        model = keras.Model(inputs, layers.Dense(3)(layers.GlobalAveragePooling2D()(x)))
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_backbone_snippet_matches_keras(name, tmp_path):
    mine = assert_models_match_keras(write_snippet(tmp_path, name, SNIPPETS[name]))
    assert all(model["layers"] for model in mine["models"])
