"""A U-Net skip connection at the wrong resolution: concatenating 16x16 and 8x8 feature maps."""

import keras
from keras import layers

inputs = keras.Input(shape=(32, 32, 3))
skip = layers.Conv2D(16, 3, padding="same")(inputs)
skip = layers.MaxPooling2D()(skip)
down = layers.MaxPooling2D()(skip)
x = layers.concatenate([skip, down])  # error: incompatible-shapes
model = keras.Model(inputs, x)
