"""Keras 2's backend functions (``K.mean``, ``K.concatenate``, ``K.int_shape``, ...), as code
written for Keras 2 calls them inside a ``Lambda`` or a custom layer's ``call``.

In Keras 3 they exist only in ``tf.keras.backend`` (``keras/_tf_keras/keras/backend``, implemented
in ``keras/src/legacy/backend.py``), every spelling of which ``keras_api.canonical`` makes
``keras.legacy.backend``; plain ``keras.backend`` has none of them (``keras.backend.abs`` raises
``AttributeError``), so there they are unknown (``?``).  Each legacy function wraps one TensorFlow
op whose output shape is that of a ``keras.ops`` function: ``LEGACY_OPS`` names it, with the
legacy signature (its defaults differ: ``K.concatenate`` joins on the last axis, ``K.cumsum``
runs along axis 0), and the call goes through ``op_calls`` like ``keras.ops`` and TensorFlow's
element-wise functions (``keras_calls.TF_OPS``).

Being TensorFlow ops, they work on the tensors Keras traces a ``call`` or a ``Lambda`` with; on a
symbolic functional tensor (a ``KerasTensor``) Keras 3 rejects them, and on constants they make
an eager TensorFlow tensor: both are ``?`` here.  ``K.int_shape`` only reads ``x.shape``, so it
works on any tensor.
"""

from __future__ import annotations

from ..engine.shape import UNKNOWN
from . import calls
from .values import SymTensor

PREFIX = "keras.legacy.backend."

_X = (("x", "x"),)
_X1X2 = (("x", "x1"), ("y", "x2"))
_REDUCE = ("x", "axis", "keepdims")

# legacy name -> (keras.ops name, legacy parameters in order, their defaults,
#                 (legacy parameter, keras.ops parameter) passed on; the others do not change the shape)
LEGACY_OPS: dict[str, tuple[str, tuple[str, ...], dict, tuple[tuple[str, str], ...]]] = {
    **{name: (name, ("x",), {}, _X) for name in (
        "abs", "square", "sqrt", "exp", "log", "sign", "sigmoid", "tanh", "cos", "sin", "softsign",
        "round")},
    "softplus": ("softplus", ("x",), {}, _X),
    "relu": ("relu", ("x", "alpha", "max_value", "threshold"),
             {"alpha": 0.0, "max_value": None, "threshold": 0.0}, _X),
    "elu": ("elu", ("x", "alpha"), {"alpha": 1.0}, _X),
    "cast": ("cast", ("x", "dtype"), {}, _X),
    "zeros_like": ("zeros_like", ("x", "dtype", "name"), {"dtype": None, "name": None}, _X),
    "ones_like": ("ones_like", ("x", "dtype", "name"), {"dtype": None, "name": None}, _X),
    **{name: (name, _REDUCE, {"axis": None, "keepdims": False}, tuple((p, p) for p in _REDUCE))
       for name in ("mean", "sum", "max", "min", "std", "var", "prod", "any", "all")},
    **{name: (name, ("x", "axis"), {"axis": -1}, (("x", "x"), ("axis", "axis"))) for name in ("argmax", "argmin")},
    "cumsum": ("cumsum", ("x", "axis"), {"axis": 0}, (("x", "x"), ("axis", "axis"))),
    "cumprod": ("cumprod", ("x", "axis"), {"axis": 0}, (("x", "x"), ("axis", "axis"))),
    **{name: (name, ("x", "y"), {}, _X1X2) for name in (
        "maximum", "minimum", "equal", "not_equal", "greater", "greater_equal", "less", "less_equal", "dot")},
    "pow": ("power", ("x", "a"), {}, (("x", "x1"), ("a", "x2"))),
    "concatenate": ("concatenate", ("tensors", "axis"), {"axis": -1}, (("tensors", "xs"), ("axis", "axis"))),
    "reshape": ("reshape", ("x", "shape"), {}, (("x", "x"), ("shape", "newshape"))),
    "expand_dims": ("expand_dims", ("x", "axis"), {"axis": -1}, (("x", "x"), ("axis", "axis"))),
    "squeeze": ("squeeze", ("x", "axis"), {}, (("x", "x"), ("axis", "axis"))),
    "stack": ("stack", ("x", "axis"), {"axis": 0}, (("x", "x"), ("axis", "axis"))),
    "permute_dimensions": ("transpose", ("x", "pattern"), {}, (("x", "x"), ("pattern", "axes"))),
    "transpose": ("transpose", ("x",), {}, _X),
    "one_hot": ("one_hot", ("indices", "num_classes"), {}, (("indices", "x"), ("num_classes", "num_classes"))),
    "shape": ("shape", ("x",), {}, _X),
}


def _bind(params: tuple[str, ...], defaults: dict, positional: list, keywords: dict) -> dict | None:
    """The legacy function's arguments by name, as Python binds them (None when it would not)."""
    if len(positional) > len(params) or any(k not in params for k in keywords):
        return None
    bound = dict(zip(params, positional))
    for key, value in keywords.items():
        if key in bound:
            return None
        bound[key] = value
    for key in params:
        if key not in bound:
            if key not in defaults:
                return None
            bound[key] = defaults[key]
    return bound


def call(interp, name: str, positional: list, keywords: dict, node):
    """``K.<name>(...)`` of a backend that has the legacy functions."""
    if name == "int_shape":
        x = positional[0] if positional else keywords.get("x")
        return x.shape if isinstance(x, SymTensor) and isinstance(x.shape, tuple) else UNKNOWN
    tensors = calls.tensors_in(positional) + calls.tensors_in(keywords)
    traced = [t for t in tensors if t.node is None and not t.constant]
    if not traced or any(t.node is not None for t in tensors):
        return UNKNOWN          # on a KerasTensor Keras 3 raises; on constants, an eager tf tensor
    if name == "ndim":
        x = positional[0] if positional else keywords.get("x")
        return len(x.shape) if isinstance(x, SymTensor) and isinstance(x.shape, tuple) else UNKNOWN
    entry = LEGACY_OPS.get(name)
    if entry is None:
        return UNKNOWN
    op, params, defaults, passed = entry
    bound = _bind(params, defaults, positional, keywords)
    if bound is None:
        return UNKNOWN
    arguments = [bound[legacy] for legacy, _ in passed]
    return interp.keras_op(f"keras.ops.{op}", op, "op", arguments, {}, node)
