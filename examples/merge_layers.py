"""Every merge layer as a class and as a function: Add, Subtract, Multiply, Average, Maximum,
Minimum, Concatenate (with axis) and Dot (axes, normalize)."""

import keras
from keras import layers

a = keras.Input(shape=(16,), name="a")
b = keras.Input(shape=(16,), name="b")
c = keras.Input(shape=(16,), name="c")

added = layers.Add()([a, b, c])
subtracted = layers.Subtract()([a, b])
multiplied = layers.Multiply()([a, b])
averaged = layers.Average()([a, b, c])
maxed = layers.Maximum()([a, b])
mined = layers.Minimum()([b, c])
dotted = layers.Dot(axes=1)([a, b])
cosine = layers.Dot(axes=-1, normalize=True)([b, c])

f_add = layers.add([a, b])
f_sub = layers.subtract([b, c])
f_mul = layers.multiply([a, c])
f_avg = layers.average([a, b])
f_max = layers.maximum([a, b, c])
f_min = layers.minimum([a, c])
f_dot = layers.dot([a, c], axes=1)

class_merges = layers.Concatenate()([added, subtracted, multiplied, averaged, maxed, mined, dotted, cosine])
func_merges = layers.concatenate([f_add, f_sub, f_mul, f_avg, f_max, f_min, f_dot], axis=-1)
merged = layers.Concatenate(axis=1)([class_merges, func_merges])
out = layers.Dense(1)(merged)
merge_model = keras.Model([a, b, c], out)

img_a = keras.Input((8, 8, 3))
img_b = keras.Input((8, 8, 5))
stacked = layers.Concatenate(axis=-1)([img_a, img_b])
stacked_h = layers.concatenate([img_a, img_a], axis=1)
seq = keras.Input((5, 4))
seq2 = keras.Input((5, 4))
batched_dot = layers.Dot(axes=(1, 1))([seq, seq2])
image_merge = keras.Model([img_a, img_b, seq, seq2], [stacked, stacked_h, batched_dot])
