"""Dot product of vectors of different lengths (8 vs 6) along axis 1."""

import keras
from keras import layers

user = keras.Input(shape=(8,))
item = keras.Input(shape=(6,))
score = layers.Dot(axes=1)([user, item])  # error: incompatible-shapes
model = keras.Model([user, item], score)
