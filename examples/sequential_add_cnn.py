"""A small image classifier built with `Sequential()` and `.add(...)`, image size from constants."""

import keras
from keras import layers, models

IMG = 150
CHANNELS = 3
input_shape = (IMG, IMG, CHANNELS)

model = models.Sequential()
model.add(keras.Input(shape=input_shape))
model.add(layers.Conv2D(32, (3, 3), activation="relu"))
model.add(layers.MaxPool2D((2, 2)))
model.add(layers.Conv2D(64, (3, 3), activation="relu"))
model.add(layers.MaxPool2D((2, 2)))
model.add(layers.Conv2D(128, (3, 3), activation="relu"))
model.add(layers.MaxPool2D((2, 2)))
model.add(layers.Flatten())
model.add(layers.Dropout(0.5))
model.add(layers.Dense(512, activation="relu"))
model.add(layers.Dense(1, activation="sigmoid"))
