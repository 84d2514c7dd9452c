"""Hyper-parameters from environment variables and the command line."""

import os
import sys

import keras
from keras import layers

SEQ_LEN = int(os.environ["SEQ_LEN"])
FEATURES = int(os.environ.get("FEATURES", "8"))
UNITS = int(sys.argv[1]) if len(sys.argv) > 1 else 32
KERNEL = int(os.getenv("KERNEL", "3"))

model = keras.Sequential([
    keras.Input(shape=(SEQ_LEN, FEATURES)),
    layers.Conv1D(UNITS, KERNEL),
    layers.MaxPooling1D(KERNEL),
    layers.LSTM(UNITS),
    layers.RepeatVector(SEQ_LEN),
    layers.Reshape((SEQ_LEN, UNITS)),
    layers.Dense(FEATURES),
])
