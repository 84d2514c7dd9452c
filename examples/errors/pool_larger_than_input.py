"""A pooling window larger than the feature map left after downsampling (3x3 input, pool 4)."""

import keras
from keras import layers

inputs = keras.Input(shape=(12, 12, 8))
x = layers.MaxPooling2D(2)(inputs)
x = layers.MaxPooling2D(2)(x)
x = layers.MaxPooling2D(pool_size=4)(x)  # error: window-too-large
model = keras.Model(inputs, x)
