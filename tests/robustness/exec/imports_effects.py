"""Imports of sibling modules and packages whose import has side effects."""
import importlib

import keras
from keras import layers

import marker_module
import marker_module as alias
from marker_module import block as imported_block
from marker_pkg import evil
from marker_pkg.evil import evil_block
from marker_pkg import *  # noqa: F403

mod = importlib.import_module("marker_module")
mod2 = __import__("marker_pkg.evil")

inputs = keras.Input((16,))
x = imported_block(inputs)
x = evil_block(x)
x = marker_module.block(x)
model = keras.Model(inputs, layers.Dense(2)(x))
