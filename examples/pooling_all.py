"""All pooling layers and their aliases: Max/Average pooling in 1, 2 and 3 dimensions with
strides and padding, and every global pooling layer with and without keepdims."""

import keras
from keras import layers

seq_in = keras.Input(shape=(50, 6))
s1 = layers.MaxPooling1D(pool_size=3, strides=2)(seq_in)
s2 = layers.MaxPool1D(2, padding="same")(seq_in)
s3 = layers.AveragePooling1D(pool_size=4, strides=1, padding="valid")(seq_in)
s4 = layers.AvgPool1D(5, padding="same")(seq_in)
g1 = layers.GlobalMaxPooling1D()(s1)
g2 = layers.GlobalAveragePooling1D(keepdims=True)(s2)
g3 = layers.GlobalMaxPool1D(keepdims=True)(s3)
g4 = layers.GlobalAvgPool1D()(s4)
pool1d = keras.Model(seq_in, [g1, g2, g3, g4])

img_in = keras.Input(shape=(33, 47, 5))
p1 = layers.MaxPooling2D(pool_size=(3, 3), strides=(2, 2))(img_in)
p2 = layers.MaxPool2D(pool_size=2, padding="same")(img_in)
p3 = layers.AveragePooling2D(pool_size=(2, 3), strides=(1, 2))(img_in)
p4 = layers.AvgPool2D(pool_size=(3, 3), strides=2, padding="same")(img_in)
q1 = layers.GlobalMaxPooling2D()(p1)
q2 = layers.GlobalAveragePooling2D(keepdims=True)(p2)
q3 = layers.GlobalMaxPool2D(keepdims=True)(p3)
q4 = layers.GlobalAvgPool2D()(p4)
pool2d = keras.Model(img_in, [q1, q2, q3, q4])

vol_in = keras.Input(shape=(9, 10, 11, 2))
v1 = layers.MaxPooling3D(pool_size=(2, 2, 2))(vol_in)
v2 = layers.MaxPool3D(pool_size=3, strides=(1, 2, 3), padding="same")(vol_in)
v3 = layers.AveragePooling3D(pool_size=(3, 1, 2))(vol_in)
v4 = layers.AvgPool3D(2, strides=1)(vol_in)
w1 = layers.GlobalMaxPooling3D()(v1)
w2 = layers.GlobalAveragePooling3D(keepdims=True)(v2)
w3 = layers.GlobalMaxPool3D()(v3)
w4 = layers.GlobalAvgPool3D(keepdims=True)(v4)
pool3d = keras.Model(vol_in, [w1, w2, w3, w4])
