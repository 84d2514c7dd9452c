"""A subclassed CNN with a residual block, called on a `keras.Input`: ShapeLens traces `call()`
and shows the output shape and parameter count of every layer call inside it."""

import keras
from keras import layers


class SmallCNN(keras.Model):
    def __init__(self, num_classes=10):
        super().__init__()
        self.stem = layers.Conv2D(32, 3, padding="same", activation="relu")
        self.pool = layers.MaxPooling2D()
        self.conv_a = layers.Conv2D(32, 3, padding="same", activation="relu")
        self.conv_b = layers.Conv2D(32, 3, padding="same")
        self.merge = layers.Add()
        self.down = layers.Conv2D(64, 3, strides=2, activation="relu")
        self.gap = layers.GlobalAveragePooling2D()
        self.dropout = layers.Dropout(0.3)
        self.head = layers.Dense(num_classes, activation="softmax")

    def call(self, inputs, training=False):
        x = self.stem(inputs)
        x = self.pool(x)
        # residual block: two convolutions plus the shortcut
        y = self.conv_a(x)
        y = self.conv_b(y)
        x = self.merge([x, y])
        x = self.down(x)
        x = self.gap(x)
        x = self.dropout(x, training=training)
        return self.head(x)


model = SmallCNN()
model(keras.Input(shape=(64, 64, 3)))
