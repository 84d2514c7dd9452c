"""Inside a Sequential list: an LSTM placed after Flatten receives a 2-D tensor."""

import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(30, 8)),
    layers.Conv1D(16, 3, activation="relu"),
    layers.Flatten(),
    layers.LSTM(16),  # error: wrong-rank
    layers.Dense(1),
])
