"""Recurrent convolutions over frame sequences: ConvLSTM2D / ConvLSTM1D and TimeDistributed
wrappers around Conv2D, pooling and Flatten."""

import keras
from keras import layers

frames = 10

seq = keras.Sequential([
    keras.Input(shape=(frames, 40, 40, 1)),
    layers.ConvLSTM2D(16, kernel_size=(3, 3), padding="same", return_sequences=True),
    layers.BatchNormalization(),
    layers.ConvLSTM2D(16, kernel_size=(3, 3), padding="same", return_sequences=False),
    layers.Conv2D(1, 3, padding="same", activation="sigmoid"),
], name="next_frame")

clips = keras.Input(shape=(frames, 64, 64, 3))
x = layers.TimeDistributed(layers.Conv2D(16, 3, activation="relu"))(clips)
x = layers.TimeDistributed(layers.MaxPooling2D(2))(x)
x = layers.TimeDistributed(layers.Flatten())(x)
x = layers.LSTM(32)(x)
clip_classifier = keras.Model(clips, layers.Dense(4)(x))

signals = keras.Input(shape=(frames, 50, 3))
y, h, c = layers.ConvLSTM1D(8, 5, strides=2, return_state=True)(signals)
y2 = layers.ConvLSTM1D(4, 3, padding="same", return_sequences=True)(layers.TimeDistributed(layers.Dense(3))(signals))
conv1d_lstm = keras.Model(signals, [y, h, c, y2])
