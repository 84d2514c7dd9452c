"""The oracle for ``keras.ops``: run ``keras.ops.<name>(*args)`` in real Keras on symbolic
tensors (``T(shape)``, a ``keras.KerasTensor``) or concrete arrays (``A(shape)``, numpy zeros),
and compare with ``op_output_shape`` on the same shapes and literals.

* our shape must equal Keras's output shape(s) exactly;
* our ``ShapeError`` needs Keras to raise too;
* ``UNKNOWN`` is allowed only where the case says so (``unknown=True``) or Keras raises;
* on symbolic tensors, the operation Keras records must carry the class name we print.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from shapelens.engine import ShapeError
from shapelens.engine.layer import to_snake_case
from shapelens.engine.ops import op_output_shape, op_rule
from shapelens.engine.shape import UNKNOWN


@dataclass(frozen=True)
class T:
    shape: tuple
    dtype: str = "float32"


@dataclass(frozen=True)
class A:
    shape: tuple
    dtype: str = "float32"


def _to_keras(value):
    if isinstance(value, T):
        return keras.KerasTensor(value.shape, dtype=value.dtype)
    if isinstance(value, A):
        return np.zeros(value.shape, dtype=value.dtype)
    if isinstance(value, list):
        return [_to_keras(v) for v in value]
    return value


def _to_engine(value):
    if isinstance(value, (T, A)):
        return value.shape
    if isinstance(value, list):
        return [_to_engine(v) for v in value]
    return value


def _function(name: str):
    obj = keras.ops
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _shapes(out):
    if isinstance(out, (list, tuple)):
        return type(out)(_shapes(o) for o in out)
    return tuple(out.shape)


def _first(out):
    while isinstance(out, (list, tuple)):
        out = out[0]
    return out


def _same_structure(ours, theirs) -> bool:
    if isinstance(theirs, (list, tuple)) and theirs and isinstance(theirs[0], tuple):
        return isinstance(ours, (list, tuple)) and len(ours) == len(theirs) and all(
            _same_structure(o, t) for o, t in zip(ours, theirs))
    return tuple(ours) == tuple(theirs) if isinstance(ours, tuple) else False


def check_op(name, *args, unknown=False, **kwargs):
    try:
        out = _function(name)(*[_to_keras(a) for a in args], **{k: _to_keras(v) for k, v in kwargs.items()})
        theirs, error = _shapes(out), None
    except Exception as exc:  # noqa: BLE001 - any rejection counts
        out, theirs, error = None, None, exc
    try:
        ours = op_output_shape(name, [_to_engine(a) for a in args], {k: _to_engine(v) for k, v in kwargs.items()})
    except ShapeError as exc:
        assert error is not None, f"false alarm: {name} raised {exc.message!r}, Keras gave {theirs}"
        return
    if error is not None:
        assert ours is UNKNOWN or unknown, f"Keras raised {error!r} but we said {ours}"
        return
    if ours is UNKNOWN:
        assert unknown, f"{name}: we said ?, Keras says {theirs}"
        return
    assert _same_structure(ours, theirs), f"{name}: ours {ours}, Keras {theirs}"
    history = getattr(_first(out), "_keras_history", None)
    if history is not None and any(isinstance(a, T) or (isinstance(a, list) and any(isinstance(i, T) for i in a))
                                   for a in list(args) + list(kwargs.values())):
        keras_class = type(history.operation).__name__
        rule = op_rule(name)
        assert rule.keras_class == keras_class, f"{name}: class {rule.keras_class}, Keras {keras_class}"
        assert to_snake_case(rule.keras_class) == history.operation.name.rsplit("_", 1)[0] \
            or to_snake_case(rule.keras_class) == history.operation.name
