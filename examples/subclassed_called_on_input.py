"""Subclassed models shaped by calling them on a `keras.Input`; one is wrapped in a functional model."""

import keras
from keras import layers


class ConvNet(keras.Model):
    def __init__(self, num_classes=10):
        super().__init__()
        self.conv1 = layers.Conv2D(32, 3, activation="relu")
        self.pool = layers.MaxPooling2D()
        self.conv2 = layers.Conv2D(64, 3, activation="relu")
        self.flatten = layers.Flatten()
        self.fc = layers.Dense(num_classes, activation="softmax")

    def call(self, x):
        x = self.pool(self.conv1(x))
        x = self.pool(self.conv2(x))      # the pooling layer is used twice
        return self.fc(self.flatten(x))


convnet = ConvNet()
convnet(keras.Input(shape=(28, 28, 1)))


class ResidualMLP(keras.Model):
    def __init__(self, width, depth):
        super().__init__()
        self.blocks = [layers.Dense(width, activation="relu") for _ in range(depth)]
        self.norm = layers.LayerNormalization()
        self.head = layers.Dense(1)

    def call(self, x):
        for block in self.blocks:
            x = x + block(x)
        return self.head(self.norm(x))


body = ResidualMLP(width=16, depth=3)
features = keras.Input(shape=(16,))
wrapped = keras.Model(features, body(features))
