"""Models used as layers: a Sequential encoder inside a functional model, a functional decoder
inside a Sequential, a frozen sub-model (`encoder.trainable = False`), nested Sequentials."""

import keras
from keras import layers
from keras.models import Model, Sequential

latent_dim = 8

encoder_input = keras.Input(shape=(28, 28, 1), name="img")
x = layers.Conv2D(16, 3, activation="relu")(encoder_input)
x = layers.Conv2D(32, 3, activation="relu")(x)
x = layers.MaxPooling2D(3)(x)
x = layers.Conv2D(32, 3, activation="relu")(x)
x = layers.GlobalMaxPooling2D()(x)
encoder_output = layers.Dense(latent_dim)(x)
encoder = Model(encoder_input, encoder_output, name="encoder")

decoder = Sequential([
    keras.Input(shape=(latent_dim,)),
    layers.Dense(7 * 7 * 16, activation="relu"),
    layers.Reshape((7, 7, 16)),
    layers.Conv2DTranspose(16, 3, strides=2, padding="same", activation="relu"),
    layers.Conv2DTranspose(1, 3, strides=2, padding="same", activation="sigmoid"),
], name="decoder")

autoencoder_input = keras.Input(shape=(28, 28, 1), name="digits")
encoded = encoder(autoencoder_input)
decoded = decoder(encoded)
autoencoder = Model(autoencoder_input, decoded, name="autoencoder")

encoder.trainable = False
classifier = Sequential([
    keras.Input(shape=(28, 28, 1)),
    encoder,
    layers.Dense(10, activation="softmax"),
], name="frozen_encoder_classifier")

block = Sequential([layers.Dense(32, activation="relu"), layers.Dense(32, activation="relu")], name="block")
stack = Sequential([keras.Input((16,)), layers.Dense(32), block, layers.Dense(1)])
