"""A subclassed model shaped with `model.build(shape)`.

In Keras 3 a Model subclass without its own `build()` method is only *marked* built by
`model.build(...)`: its layers stay unbuilt, so summary() shows "?" and "0 (unbuilt)".
"""

import keras
from keras import layers


class MLP(keras.Model):
    def __init__(self, hidden=64, num_classes=10, **kwargs):
        super().__init__(**kwargs)
        self.dense1 = layers.Dense(hidden, activation="relu")
        self.dropout = layers.Dropout(0.5)
        self.dense2 = layers.Dense(num_classes)

    def call(self, inputs, training=False):
        x = self.dense1(inputs)
        x = self.dropout(x, training=training)
        return self.dense2(x)


mlp = MLP(hidden=128)
mlp.build((None, 784))


class Classifier(keras.Model):
    """A subclass that defines build(): calling build() builds its layers."""

    def __init__(self):
        super().__init__()
        self.hidden = layers.Dense(32, activation="relu")
        self.out = layers.Dense(1)

    def build(self, input_shape):
        self.hidden.build(input_shape)
        self.out.build((input_shape[0], 32))
        self.built = True

    def call(self, x):
        return self.out(self.hidden(x))


clf = Classifier()
clf.build((None, 20))
