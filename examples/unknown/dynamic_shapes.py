"""Values the analyser cannot pin down: random choices, data-dependent sizes, numpy loads, and
attributes of objects built at run time."""

import random

import numpy as np
import keras
from keras import layers

data = np.load("train.npz")
x_train = data["x"]
n_features = x_train.shape[1]
depth = random.choice([1, 2, 3])
width = random.randint(8, 64)

inputs = keras.Input(shape=(n_features,))
x = inputs
for _ in range(depth):
    x = layers.Dense(width, activation="relu")(x)
x = layers.Reshape((width // 4, 4))(x)
x = layers.Conv1D(width, 3)(x)
outputs = layers.Dense(len(data["labels"]))(layers.Flatten()(x))
model = keras.Model(inputs, outputs)
