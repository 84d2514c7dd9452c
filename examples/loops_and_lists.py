"""Models whose layers come from Python control flow: for-loops over literal lists, tuples and
range(), list comprehensions, list concatenation, `append`, enumerate, and `if` on known values."""

import keras
from keras import layers

units = [256, 128, 64]
use_dropout = True
use_batchnorm = False

mlp_layers = [keras.Input(shape=(100,))]
for i, n in enumerate(units):
    mlp_layers.append(layers.Dense(n, activation="relu", name=f"hidden_{i}"))
    if use_dropout:
        mlp_layers.append(layers.Dropout(0.2))
    if use_batchnorm:
        mlp_layers.append(layers.BatchNormalization())
mlp_layers.append(layers.Dense(10, activation="softmax", name="output"))
mlp = keras.Sequential(mlp_layers)

head = [layers.Dense(n) for n in (32, 16)]
tail = [layers.Dense(1)]
stacked = keras.Sequential([keras.Input((8,))] + head + tail)

conv = keras.Sequential()
conv.add(keras.Input(shape=(64, 64, 3)))
for filters in (16, 32, 64):
    conv.add(layers.Conv2D(filters, 3, padding="same", activation="relu"))
    conv.add(layers.MaxPooling2D())
conv.add(layers.Flatten())
for _ in range(2):
    conv.add(layers.Dense(32, activation="relu"))
conv.add(layers.Dense(2))

inp = keras.Input(shape=(20,))
branches = []
for width in [4, 8, 16]:
    branches.append(layers.Dense(width, activation="relu")(inp))
merged = layers.concatenate(branches)
x = merged
for i in range(3):
    if i % 2 == 0:
        x = layers.Dense(12)(x)
    else:
        x = layers.Dense(6)(x)
towers = keras.Model(inp, x)
