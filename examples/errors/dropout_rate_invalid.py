"""A dropout rate given as a percentage instead of a fraction."""

import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(10,)),
    layers.Dense(32, activation="relu"),
])
model.add(layers.Dropout(50))  # error: invalid-argument
model.add(layers.Dense(1))
