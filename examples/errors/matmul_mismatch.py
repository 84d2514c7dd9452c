"""Matrix product of incompatible operands with the `@` operator on symbolic tensors."""

import keras
from keras import layers

a = keras.Input(shape=(4, 6))
b = keras.Input(shape=(5, 3))
c = a @ b  # error: incompatible-shapes
model = keras.Model([a, b], c)
