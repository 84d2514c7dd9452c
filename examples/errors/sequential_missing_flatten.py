"""The classic mistake: Conv2D after a Dense on flat features inside a Sequential model."""

from keras import layers, models

model = models.Sequential()
model.add(layers.Dense(128, activation="relu", input_shape=(784,)))
model.add(layers.Conv2D(32, 3))  # error: wrong-rank
model.add(layers.Dense(10))
