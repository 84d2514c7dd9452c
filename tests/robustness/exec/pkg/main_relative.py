"""Relative imports inside a package: ``from . import evil`` must be read, never imported."""
import keras
from keras import layers

from . import evil
from .evil import block

inputs = keras.Input((16,))
x = block(inputs)
y = evil.block(x)
model = keras.Model(inputs, layers.Dense(2)(x))

try:
    from .. import marker_module  # noqa: F401  (beyond the top package when really run)
except ImportError:
    pass
