"""``keras.applications.<family>.preprocess_input(x)`` on a tensor: the ops Keras records.

Keras (``applications/imagenet_utils.py``, ``_preprocess_tensor_input``) scales the tensor with
operators, each an op row in a functional summary, by the family's mode:

* ``tf``: ``x / 127.5 - 1`` (TrueDivide, Subtract);
* ``torch``: ``x / 255``, plus the negated mean, divided by the std (TrueDivide, Add, TrueDivide);
* ``caffe``: RGB → BGR (three GetItem, a Stack), plus the negated mean (Add).

ConvNeXt, EfficientNet(V2) and MobileNetV3 keep ``preprocess_input`` as a placeholder that
returns its input.  A NumPy input gives a NumPy array (no rows); we do not know its shape.
"""

from __future__ import annotations

from typing import Any, Callable

from ..engine.shape import UNKNOWN
from . import calls, op_calls
from .values import SymTensor

MODES = {
    "vgg16": "caffe", "vgg19": "caffe", "resnet": "caffe", "resnet50": "caffe",
    "resnet_v2": "tf", "inception_v3": "tf", "inception_resnet_v2": "tf", "mobilenet": "tf",
    "mobilenet_v2": "tf", "nasnet": "tf", "xception": "tf", "densenet": "torch",
    "convnext": "identity", "efficientnet": "identity", "efficientnet_v2": "identity",
    "mobilenet_v3": "identity",
}


def _argument(positional, keywords, index, name, default=None):
    return positional[index] if len(positional) > index else keywords.get(name, default)


def preprocess_input(interp, path: str, positional, keywords, node):
    """The tensor Keras returns (its ops recorded), or ``UNKNOWN``."""
    family = path.split(".")[-2]
    x = _argument(positional, keywords, 0, "x")
    data_format = _argument(positional, keywords, 1, "data_format")
    mode = _argument(positional, keywords, 2, "mode", "caffe") if family == "imagenet_utils" else MODES.get(family)
    if not isinstance(x, SymTensor) or x.constant:
        return UNKNOWN
    if mode == "identity":
        return x
    if data_format is None:
        data_format = interp.image_data_format      # keras.config.image_data_format()
    if mode not in ("tf", "torch", "caffe") or data_format not in ("channels_last", "channels_first"):
        return UNKNOWN
    rec = interp.rec
    ndim = len(x.shape) if isinstance(x.shape, tuple) else None
    if mode == "tf":
        x = calls.tensor_operator(rec, "TrueDivide", x, 127.5, node, "true_divide")
        return calls.tensor_operator(rec, "Subtract", x, 1.0, node, "subtract")
    first = data_format == "channels_first"
    if mode == "torch":
        x = calls.tensor_operator(rec, "TrueDivide", x, 255.0, node, "true_divide")
    else:   # caffe: 'RGB' -> 'BGR'
        if first and ndim is None:
            return UNKNOWN
        index: Callable[[int], tuple[Any, ...]]
        if not first:
            axis, index = -1, (lambda i: (Ellipsis, i))
        elif ndim == 3:
            axis, index = 0, (lambda i: (i, Ellipsis))
        else:
            axis, index = 1, (lambda i: (slice(None), i, slice(None)))
        parts = [interp.tensor_getitem(x, index(i), node) for i in (2, 1, 0)]
        x = op_calls.call_op(interp, "keras.ops.stack", "stack", "op", [parts], {"axis": axis}, node)
    mean_shape: Any
    if ndim is None:
        mean_shape = UNKNOWN
    elif first:
        mean_shape = (3, 1, 1) if ndim == 3 else (1, 3) + (1,) * (ndim - 2)
    else:
        mean_shape = (1,) * (ndim - 1) + (3,)
    x = calls.tensor_operator(rec, "Add", x, _constant(mean_shape), node, "add")
    if mode == "torch":
        x = calls.tensor_operator(rec, "TrueDivide", x, _constant((3, 1, 1) if first else (3,)), node, "true_divide")
    return x


def _constant(shape) -> SymTensor:
    tensor = SymTensor(shape)
    tensor.constant = True            # a concrete array: an operand, never a node input
    return tensor
