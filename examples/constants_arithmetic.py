"""Sizes computed from module constants: `//`, `*`, `int(f * alpha)`, tuple concatenation."""

import keras
from keras import layers

IMG = 96
size = (IMG, IMG)
input_shape = size + (3,)
alpha = 0.75
base_filters = 32
hidden = 256
num_classes = 7
dropout_rate = 0.1 * 3

filters = int(base_filters * alpha)          # 24
inputs = keras.Input(shape=input_shape)
x = layers.Conv2D(filters, 3, strides=2, padding="same")(inputs)
x = layers.Conv2D(filters * 2, 3, strides=2, padding="same")(x)
x = layers.Conv2D(int(filters * 2 * alpha), kernel_size=(IMG // 32, IMG // 32))(x)
x = layers.GlobalMaxPooling2D()(x)
x = layers.Dense(hidden, activation="relu")(x)
x = layers.Dropout(dropout_rate)(x)
x = layers.Dense(hidden // 2, activation="relu")(x)
x = layers.Dense(hidden // 2 // 2, activation="relu")(x)
outputs = layers.Dense(num_classes, activation="softmax")(x)
model = keras.Model(inputs, outputs, name="arith")

seq_len, features = 2 ** 4, 3 * 4
units = [hidden // 4, hidden // 8]
rnn = keras.Sequential([
    keras.Input((seq_len, features)),
    layers.LSTM(units[0], return_sequences=True),
    layers.LSTM(units[-1]),
    layers.Dense(max(num_classes, 10) - 3),
])
