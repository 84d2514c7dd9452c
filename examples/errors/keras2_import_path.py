"""Keras 2 code run under Keras 3: `keras.layers.normalization` is gone (Keras 3 has
keras.layers.BatchNormalization), so the script stops at the import."""

import keras
from keras import layers
from keras.layers.normalization import BatchNormalization  # error: import-error

inputs = keras.Input(shape=(28, 28, 1))
x = layers.Conv2D(16, 3, activation="relu")(inputs)
x = BatchNormalization()(x)
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
