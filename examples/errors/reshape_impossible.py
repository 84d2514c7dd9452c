"""Reshape to a target that cannot hold the input: 100 values into (7, 7)."""

import keras
from keras import layers

inputs = keras.Input(shape=(100,))
x = layers.Dense(100)(inputs)
x = layers.Reshape((7, 7))(x)  # error: invalid-reshape
model = keras.Model(inputs, x)
