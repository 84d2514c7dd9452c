"""Dense on an input whose last axis is unknown (shape=(None,)): Dense cannot build its kernel."""

import keras
from keras import layers

features = keras.Input(shape=(None,))
hidden = layers.Dense(32)(features)  # error: undefined-dimension
model = keras.Model(features, hidden)
