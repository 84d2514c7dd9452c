"""Sizes read from a JSON config at run time: nothing about them is known statically, so no
shape error may be reported (the file need not exist for the analysis)."""

import json

import keras
from keras import layers

with open("config.json") as f:
    config = json.load(f)

img_size = config["image_size"]
hidden = config["hidden_units"]
n_classes = int(config.get("num_classes", 10))

inputs = keras.Input(shape=(img_size, img_size, config["channels"]))
x = layers.Conv2D(config["filters"], config["kernel_size"])(inputs)
x = layers.MaxPooling2D(config["pool"])(x)
x = layers.Conv2D(config["filters"] * 2, 3)(x)
x = layers.Flatten()(x)
x = layers.Reshape((hidden, -1))(x)
x = layers.Dense(hidden)(x)
skip = layers.Dense(hidden)(layers.Flatten()(inputs))
x = layers.Add()([layers.Flatten()(x), skip])
outputs = layers.Dense(n_classes, activation="softmax")(x)
model = keras.Model(inputs, outputs)
