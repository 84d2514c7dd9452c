"""Hints for well-known Keras 2 import paths that Keras 3 no longer has: where their names live
now.  A hint is given only when the Keras 3 name exists in the generated list
(``keras3_modules.py``); the error itself never depends on this map (``keras_imports.py``)."""

from __future__ import annotations

# A Keras 2 module (and everything under it) -> the Keras 3 modules its names moved to, searched in order
MOVED = {
    "keras.layers": ("keras.layers",),        # keras.layers.core, .convolutional, .normalization, .merge, ...
    "keras.engine": ("keras.layers", "keras.models", "keras"),   # keras.engine.topology.Layer, ...
    "keras.utils": ("keras.utils",),          # keras.utils.np_utils.to_categorical, .generic_utils, ...
    "keras.preprocessing": ("keras.utils", "keras.preprocessing"),
}

# A Keras 2 name -> the Keras 3 name that does its job
RENAMED = {
    "CuDNNLSTM": "keras.layers.LSTM",         # Keras 3's LSTM uses cuDNN when it can
    "CuDNNGRU": "keras.layers.GRU",
    "KerasClassifier": "keras.wrappers.SKLearnClassifier",
    "KerasRegressor": "keras.wrappers.SKLearnRegressor",
}
