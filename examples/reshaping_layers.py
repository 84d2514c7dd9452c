"""Reshaping: Flatten, Reshape with -1 and with sizes taken from `x.shape`, Permute, RepeatVector,
and Lambda with and without output_shape, in a sequence autoencoder and a small functional model."""

import keras
from keras import layers, ops

timesteps, features = 12, 6
latent = 16

autoencoder = keras.Sequential([
    keras.Input(shape=(timesteps, features)),
    layers.LSTM(latent),
    layers.RepeatVector(timesteps),
    layers.LSTM(latent, return_sequences=True),
    layers.TimeDistributed(layers.Dense(features)),
])

inp = keras.Input(shape=(28, 28))
x = layers.Reshape((28, 28, 1))(inp)
x = layers.Conv2D(4, 3, padding="same")(x)
h, w, c = x.shape[1:]
seq_view = layers.Reshape((h * w, c))(x)
rows = layers.Reshape((x.shape[1], x.shape[2] * x.shape[-1]))(x)
x = layers.Permute((3, 1, 2))(x)
x = layers.Reshape((4, -1))(x)
x = layers.Permute((2, 1))(x)
x = layers.Reshape((-1,))(x)
doubled = layers.Lambda(lambda t: t * 2.0)(x)
halves = layers.Lambda(lambda t: ops.reshape(t, (-1, 2, 1568)), output_shape=(2, 1568))(doubled)
summed = layers.Lambda(lambda t: ops.sum(t, axis=1), output_shape=lambda s: (s[0], s[2]))(halves)
flat = layers.Flatten()(summed)
pooled = layers.concatenate([layers.GlobalAveragePooling1D()(seq_view), layers.GlobalMaxPooling1D()(rows)])
reshaper = keras.Model(inp, [layers.Dense(10)(flat), pooled])
