"""A residual connection whose branches disagree: Add of (None, 32) and (None, 16)."""

import keras
from keras import layers

inputs = keras.Input(shape=(32,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.Dense(16)(x)
out = layers.Add()([inputs, x])  # error: incompatible-shapes
model = keras.Model(inputs, out)
