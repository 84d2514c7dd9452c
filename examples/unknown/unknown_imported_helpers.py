"""Blocks and constants imported from the user's own package, which the analyser cannot see."""

import keras
from keras import layers

from my_project.blocks import make_backbone, residual_unit
from my_project.config import IMAGE_SHAPE, NUM_CLASSES, WIDTHS

inputs = keras.Input(shape=IMAGE_SHAPE)
x = make_backbone(inputs, widths=WIDTHS)
for w in WIDTHS:
    x = residual_unit(x, w)
x = layers.Conv2D(64, 3)(x)
y = layers.Conv2D(64, 1)(inputs)
x = layers.Concatenate()([x, y])
x = layers.GlobalAveragePooling2D()(x)
outputs = layers.Dense(NUM_CLASSES)(x)
model = keras.Model(inputs, outputs)
