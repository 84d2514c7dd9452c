"""Subtract takes exactly two tensors; here it is given three."""

import keras
from keras import layers

a = keras.Input(shape=(16,))
b = keras.Input(shape=(16,))
c = keras.Input(shape=(16,))
diff = layers.Subtract()([a, b, c])  # error: wrong-input-count
model = keras.Model([a, b, c], diff)
