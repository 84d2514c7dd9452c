"""The shape and parameter engine: pure functions of layer arguments and input shapes.

No parsing, no LSP, no Keras import.  Use ``create_layer(class_name, args, kwargs)`` to get a
rule object standing for one Keras layer instance, then ``layer.apply(call_args, call_kwargs)``
with shapes for tensor arguments; see ``layer.py`` for the contract rules follow.
"""

from . import layers as _layers  # noqa: F401  (registers every rule)
from .derivation import Derivation, Step
from .errors import CODES, ShapeError
from .layer import REGISTRY, Applied, Layer, ParamCount, create_layer, to_snake_case
from .shape import UNKNOWN, Shape, format_shape

__all__ = [
    "Applied", "CODES", "Derivation", "Layer", "ParamCount", "REGISTRY", "Shape", "ShapeError",
    "Step", "UNKNOWN", "create_layer", "format_shape", "to_snake_case",
]
