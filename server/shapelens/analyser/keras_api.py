"""What the names of the Keras API mean: every import spelling is reduced to one canonical
dotted path (``tensorflow.keras.layers.Conv2D`` → ``keras.layers.Conv2D``), which is then
classified (a layer class, ``Input``, ``Model``, ``Sequential``, a merge function, an op, an
application) for the interpreter to act on."""

from __future__ import annotations

import re
from functools import lru_cache

from ..engine import REGISTRY

MERGE_FUNCTIONS = {
    "add": "Add", "subtract": "Subtract", "multiply": "Multiply", "average": "Average",
    "maximum": "Maximum", "minimum": "Minimum", "concatenate": "Concatenate", "dot": "Dot",
}

# Layers whose row in a subclassed model's summary shows an output shape: Keras prints the shape
# only for layers that remember the input they were built on (``_build_shapes_dict``): those
# defining their own ``build``, and (found by probing Keras 3.15) a few reshaping layers.
# Others print "?".  Checked against real Keras by tests/analyser/test_keras_facts.py.
LAYERS_WITH_BUILD = frozenset({
    "Flatten", "Permute", "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D",
    "ZeroPadding2D", "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D", "Rescaling",
    "Add", "AdditiveAttention", "Attention", "Average", "BatchNormalization", "Bidirectional",
    "Concatenate", "Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D",
    "Conv3DTranspose", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "Dense", "DepthwiseConv1D",
    "DepthwiseConv2D", "Dot", "EinsumDense", "Embedding", "GRU", "GroupNormalization",
    "GroupQueryAttention", "LSTM", "LayerNormalization", "Maximum", "Minimum",
    "MultiHeadAttention", "Multiply", "Normalization", "PReLU", "RMSNormalization", "RNN",
    "SeparableConv1D", "SeparableConv2D", "SimpleRNN", "Subtract", "TimeDistributed",
    "TextVectorization", "SpectralNormalization", "StackedRNNCells",
})

# Mask bookkeeping (``_keras_mask``) as it shows in functional summaries: ``Embedding(mask_zero=True)``
# records a ``NotEqual`` op; layers whose ``call`` takes ``mask`` get the mask tensor as an input
# (so the op becomes a row); layers that support masking pass it on unchanged.
MASK_CONSUMERS = frozenset({
    "SimpleRNN", "LSTM", "GRU", "RNN", "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D",
    "TimeDistributed", "GlobalAveragePooling1D",
})
MASK_PROPAGATORS = frozenset({
    "Dense", "Dropout", "Activation", "ReLU", "LeakyReLU", "ELU", "LayerNormalization",
    "BatchNormalization", "SpatialDropout1D", "GaussianNoise", "GaussianDropout", "AlphaDropout",
    "Identity", "EinsumDense",
})

# Sublayers some layers create in ``build``, taking default names from the same counters.
BUILD_CREATES = {
    "MultiHeadAttention": ("softmax", "dropout"),
}

# The Keras 2 backend functions (``K.mean``, ``K.int_shape``, ...) live on in Keras 3 only in
# ``tf.keras.backend`` (``keras/_tf_keras/keras/backend``, from ``keras/src/legacy/backend.py``);
# plain ``keras.backend`` (``keras/api/backend``) has none of them.  Every spelling of a backend
# that has them is ``keras.legacy.backend``, but for the names it shares with ``keras.backend``.
LEGACY_BACKENDS = ("tensorflow.python.keras.backend", "tensorflow.keras.backend", "tf_keras.backend",
                   "keras._tf_keras.keras.backend", "keras.src.legacy.backend", "keras.legacy.backend")
BACKEND_NAMES = frozenset({     # keras/api/backend/__init__.py (also in tf.keras.backend)
    "backend", "clear_session", "epsilon", "floatx", "get_uid", "image_data_format", "is_float_dtype",
    "is_int_dtype", "is_keras_tensor", "result_type", "set_epsilon", "set_floatx",
    "set_image_data_format", "standardize_dtype",
})


@lru_cache(maxsize=4096)
def canonical(path: str) -> str:
    """One spelling for every way of reaching the Keras API."""
    for root in LEGACY_BACKENDS:
        if path == root or path.startswith(root + "."):
            rest = path[len(root):]
            return ("keras.backend" if rest[1:] in BACKEND_NAMES else "keras.legacy.backend") + rest
    for root in ("tensorflow.python.keras", "tensorflow.keras", "tf_keras", "keras._tf_keras.keras", "keras.api",
                 "keras.src"):
        if path == root or path.startswith(root + "."):
            return "keras" + path[len(root):]
    return path


def is_keras(path: str) -> bool:
    return path == "keras" or path.startswith("keras.")


def camel_case(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


@lru_cache(maxsize=4096)
def classify(path: str) -> tuple[str, str]:
    """``(kind, name)`` for a canonical path.  Kinds: layer, input, input_layer, model,
    sequential, merge, op, activation, application, clone, module, external."""
    if not is_keras(path):
        return ("external", path)
    parts = path.split(".")
    name = parts[-1]
    scope = set(parts[:-1])
    if name == "Input" and ("layers" in scope or len(parts) == 2):
        return ("input", name)
    if name == "InputLayer":
        return ("input_layer", name)
    if name in ("Model", "Functional") and (len(parts) == 2 or "models" in scope):
        return ("model", name)
    if name == "Sequential" and (len(parts) == 2 or "models" in scope):
        return ("sequential", name)
    if name == "clone_model" and "models" in scope:
        return ("clone", name)
    if "applications" in scope:
        return ("application", name)
    if "layers" in scope and name in REGISTRY:
        return ("layer", name)
    if "layers" in scope and name in MERGE_FUNCTIONS:
        return ("merge", name)
    if "ops" in scope:
        return ("op", name)
    if "activations" in scope:
        return ("activation", name)
    if "layers" in scope and re.match(r"^[A-Z]", name):
        return ("unknown_layer", name)
    return ("module", name)
