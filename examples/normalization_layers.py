"""Normalization layers: BatchNormalization (axis, center/scale), LayerNormalization,
GroupNormalization, UnitNormalization, and a preprocessing Normalization; one layer frozen with
`layer.trainable = False`."""

import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 16))
x = layers.BatchNormalization()(inputs)
x = layers.Conv2D(32, 3, padding="same")(x)
x = layers.GroupNormalization(groups=8)(x)
x = layers.Conv2D(32, 3, padding="same")(x)
bn = layers.BatchNormalization(momentum=0.9, epsilon=1e-3, center=False)
x = bn(x)
bn.trainable = False
x = layers.LayerNormalization(axis=[1, 2, 3])(x)
x = layers.GroupNormalization(groups=-1)(x)
x = layers.GlobalAveragePooling2D()(x)
x = layers.UnitNormalization()(x)
x = layers.LayerNormalization(scale=False)(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs)

tabular = keras.Sequential([
    keras.Input(shape=(13,)),
    layers.Normalization(axis=-1),
    layers.Dense(64, activation="relu"),
    layers.BatchNormalization(axis=-1, scale=False),
    layers.Dense(1),
])
