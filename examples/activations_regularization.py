"""Activation layers (Activation, ReLU with max_value, LeakyReLU, PReLU, ELU, Softmax) and the
regularisation layers (Dropout, GaussianNoise, GaussianDropout, AlphaDropout, ActivityRegularization),
plus Identity and Masking."""

import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(16, 8)),
    layers.Masking(mask_value=0.0),
    layers.Dense(32),
    layers.Activation("tanh"),
    layers.ReLU(max_value=6.0),
    layers.Dense(32),
    layers.LeakyReLU(negative_slope=0.2),
    layers.PReLU(),
    layers.Dense(16),
    layers.PReLU(shared_axes=[1]),
    layers.ELU(alpha=1.0),
    layers.GaussianNoise(0.1),
    layers.GaussianDropout(0.2),
    layers.AlphaDropout(0.1),
    layers.ActivityRegularization(l1=1e-5, l2=1e-4),
    layers.Identity(),
    layers.Dropout(0.5, noise_shape=(None, 1, 16)),
    layers.Flatten(),
    layers.Dense(4),
    layers.Softmax(),
], name="activations")

inp = keras.Input((10,))
act = layers.Activation(keras.activations.swish)(inp)
soft = layers.Softmax(axis=-1)(layers.Dense(3)(act))
gelu = layers.Dense(10, activation="gelu")(inp)
func = keras.Model(inp, [soft, gelu])
