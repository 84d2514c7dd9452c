"""Facts about Keras's own bookkeeping that the analyser encodes, checked against real Keras."""

import warnings

import keras
import pytest
from keras.src.utils import summary_utils

from shapelens.analyser.keras_api import LAYERS_WITH_BUILD

PROBES = [
    ("Flatten", ()), ("Reshape", ((-1,),)), ("Permute", ((2, 1, 3),)), ("UpSampling2D", ()),
    ("ZeroPadding2D", ()), ("GlobalAveragePooling2D", ()), ("Dropout", (0.1,)), ("Activation", ("relu",)),
    ("ReLU", ()), ("Rescaling", (0.5,)), ("Cropping2D", ()), ("MaxPooling2D", ()), ("Dense", (3,)),
    ("Conv2D", (2, 3)), ("BatchNormalization", ()), ("LayerNormalization", ()), ("Softmax", ()),
]


@pytest.mark.parametrize("class_name,args", PROBES)
def test_subclass_rows_show_shapes_exactly_for_layers_with_build(class_name, args):
    layer_class = getattr(keras.layers, class_name)

    class Probe(keras.Model):
        def __init__(self):
            super().__init__()
            self.inner = layer_class(*args)

        def call(self, x):
            return self.inner(x)

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = Probe()
        model(keras.Input((8, 8, 2)))
    shows_shape = summary_utils.format_layer_shape(model.inner) != "?"
    assert shows_shape == (class_name in LAYERS_WITH_BUILD)
