"""GoogLeNet-style inception modules: four parallel branches joined with `layers.concatenate`."""

import keras
from keras import layers


def conv_bn(x, filters, kernel_size, strides=1, padding="same"):
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding, use_bias=False)(x)
    x = layers.BatchNormalization(scale=False)(x)
    return layers.Activation("relu")(x)


def inception(x, f1, f3_in, f3, f5_in, f5, pool_proj):
    b1 = conv_bn(x, f1, 1)
    b2 = conv_bn(x, f3_in, 1)
    b2 = conv_bn(b2, f3, 3)
    b3 = conv_bn(x, f5_in, 1)
    b3 = conv_bn(b3, f5, (5, 5))
    b4 = layers.MaxPooling2D(3, strides=1, padding="same")(x)
    b4 = conv_bn(b4, pool_proj, 1)
    return layers.concatenate([b1, b2, b3, b4], axis=-1)


img = keras.Input(shape=(64, 64, 3))
x = conv_bn(img, 32, 7, strides=2)
x = layers.MaxPooling2D(3, strides=2, padding="same")(x)
x = inception(x, 16, 24, 32, 4, 8, 8)
x = inception(x, f1=32, f3_in=32, f3=48, f5_in=8, f5=24, pool_proj=16)
x = layers.AveragePooling2D(pool_size=(2, 2))(x)
x = layers.GlobalAveragePooling2D()(x)
x = layers.Dropout(0.4)(x)
out = layers.Dense(10, activation="softmax")(x)
model = keras.Model(img, out)
