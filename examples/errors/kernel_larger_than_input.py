"""Too many valid convolutions: after two 3x3 convs a 5x5 image is 1x1, a third one does not fit."""

import keras
from keras import layers

inputs = keras.Input(shape=(5, 5, 3))
x = layers.Conv2D(8, 3)(inputs)
x = layers.Conv2D(8, 3)(x)
x = layers.Conv2D(8, 3)(x)  # error: window-too-large
model = keras.Model(inputs, x)
