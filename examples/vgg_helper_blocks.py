"""VGG-style network from a helper with default and keyword arguments that returns a tuple
(features, pooled); blocks configured by a list of dicts and a tuple of tuples."""

import keras
from keras import layers


def conv_block(x, filters, n_convs=2, kernel_size=3, pool=True, name=None):
    for _ in range(n_convs):
        x = layers.Conv2D(filters, kernel_size, padding="same", activation="relu")(x)
    features = x
    if pool:
        x = layers.MaxPooling2D(pool_size=2, strides=2)(x)
    return features, x


def dense_head(x, units=(256, 128), num_classes=10, dropout=0.5):
    x = layers.Flatten()(x)
    for u in units:
        x = layers.Dense(u, activation="relu")(x)
        x = layers.Dropout(dropout)(x)
    return layers.Dense(num_classes, activation="softmax")(x)


image = keras.Input(shape=(64, 64, 3))
_, x = conv_block(image, 32)
_, x = conv_block(x, 64, n_convs=2)
f3, x = conv_block(x, filters=128, n_convs=3)
f4, _ = conv_block(x, 128, kernel_size=(3, 3), pool=False)
outputs = dense_head(f4, num_classes=5)
vgg = keras.Model(image, outputs, name="vgg_mini")

stages = ((16, 1), (32, 2))
config = [{"filters": 8, "n_convs": 1}, {"filters": 16, "pool": False}]
inp = keras.Input((32, 32, 1))
y = inp
for filters, n in stages:
    _, y = conv_block(y, filters, n_convs=n)
for cfg in config:
    _, y = conv_block(y, **cfg)
small = keras.Model(inp, dense_head(y, units=(), num_classes=2))
