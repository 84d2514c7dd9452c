"""MNIST multilayer perceptron, the classic Keras example: Sequential with `input_shape=`."""

import keras

num_classes = 10
hidden = 512

model = keras.models.Sequential([
    keras.layers.Flatten(input_shape=(28, 28)),
    keras.layers.Dense(hidden, activation="relu"),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(hidden // 2, activation="relu"),
    keras.layers.Dropout(0.2),
    keras.layers.Dense(num_classes, activation="softmax"),
])
