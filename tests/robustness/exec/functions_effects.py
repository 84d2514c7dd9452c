"""Side effects in helpers, default arguments, decorators, class bodies, __init__, call,
lambdas and f-strings, all reached from a valid Keras model the analyser follows."""
import os

import keras
from keras import layers

MARKER_DIR = "__MARKER_DIR__"


def side(name):
    open(os.path.join(MARKER_DIR, name), "w").close()
    os.system("touch " + os.path.join(MARKER_DIR, name + "_sys"))
    return 4


def dense_block(x, units=side("default_arg"), *, act=side("kwonly_default")):
    side("helper_body")
    return layers.Dense(units)(x)


def deco(fn):
    side("decorator")
    return fn


@deco
def decorated_block(x):
    side("decorated_body")
    return layers.Dense(side("decorated_units"))(x)


class Block(layers.Layer):
    side("class_body")
    width = side("class_attr")

    def __init__(self, units=side("init_default"), **kwargs):
        super().__init__(**kwargs)
        side("init")
        self.inner = layers.Dense(units)

    def build(self, input_shape):
        side("build")

    def call(self, x):
        side("call")
        return self.inner(x)


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        side("model_init")
        self.d = layers.Dense(side("model_units"))

    def call(self, x):
        side("model_call")
        return self.d(x)


fn = lambda t: side("lambda") and t          # noqa: E731
label = f"{side('fstring')}-{os.system('touch ' + os.path.join(MARKER_DIR, 'fstring_sys'))}"
sizes = [side("comprehension") for _ in range(2)]
table = {k: side("dict_comprehension") for k in range(2)}
walrus = (n := side("walrus"))

inputs = keras.Input((16,))
x = dense_block(inputs)
x = decorated_block(x)
x = Block()(x)
x = layers.Lambda(lambda t: fn(t))(x)
x = layers.Dense(sizes[0])(x)
model = keras.Model(inputs, x)

net = Net()
net.build((None, 16))
