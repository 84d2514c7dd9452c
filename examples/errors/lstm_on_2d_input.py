"""An LSTM after a Dense on a flat vector: the LSTM needs (batch, timesteps, features)."""

import keras
from keras import layers

inputs = keras.Input(shape=(20,))
x = layers.Dense(64, activation="relu")(inputs)
x = layers.LSTM(32)(x)  # error: wrong-rank
model = keras.Model(inputs, layers.Dense(1)(x))
