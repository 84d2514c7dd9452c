"""Freezing: `layer.trainable = False` on single layers and `trainable=False` in the constructor
move their weights to Non-trainable params; the per-layer Param # does not change."""

import keras
from keras import layers

features = layers.Dense(64, activation="relu", name="features")
model = keras.Sequential([
    keras.Input(shape=(32,)),
    features,
    layers.BatchNormalization(),
    layers.Dense(32, activation="relu", trainable=False),
    layers.Dense(1),
])
features.trainable = False

inp = keras.Input(shape=(10, 10, 3))
conv = layers.Conv2D(8, 3)
x = conv(inp)
x = layers.BatchNormalization(trainable=False)(x)
x = layers.Flatten()(x)
out = layers.Dense(2)(x)
cnn = keras.Model(inp, out)
conv.trainable = False
for layer in cnn.layers[-1:]:
    layer.trainable = True
