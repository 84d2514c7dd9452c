"""Grayscale images given without a channel axis: Conv2D needs a 4-D input, this one is 3-D."""

from keras import layers
from keras.models import Model

image = layers.Input(shape=(28, 28))
x = layers.Conv2D(32, 3, activation="relu")(image)  # error: wrong-rank
x = layers.Flatten()(x)
model = Model(image, layers.Dense(10)(x))
