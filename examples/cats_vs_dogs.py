"""Cats vs dogs: the small convnet from the Stack Overflow question behind ShapeLens.

Three Conv2D/MaxPooling2D stages shrink a 150x150 RGB image to 17x17x64 before Flatten, so the
Dense(512) after it holds 18,496 * 512 + 512 = 9,470,464 of the model's 9,494,561 parameters.
"""

from keras import layers
from keras.models import Model

image_input = layers.Input(shape=(150, 150, 3))

x = layers.Conv2D(16, 3, activation='relu')(image_input)
x = layers.MaxPooling2D(2)(x)

x = layers.Conv2D(32, 3, activation='relu')(x)
x = layers.MaxPooling2D(2)(x)

x = layers.Conv2D(64, 3, activation='relu')(x)
x = layers.MaxPooling2D(2)(x)

x = layers.Flatten()(x)
x = layers.Dense(512, activation='relu')(x)
output = layers.Dense(1, activation='sigmoid')(x)

model = Model(image_input, output)
