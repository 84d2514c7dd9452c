"""``isinstance`` and ``issubclass`` in the abstract interpreter.

Known exactly for Keras stand-ins (built-in layers, Sequential and functional models, the user's
subclasses of Keras classes), for the user's own classes and for plain Python values checked
against ``int``/``float``/``str``/``bool``/``list``/``tuple``/``dict``; ``UNKNOWN`` whenever the
answer depends on something not known statically (an unknown value, a class with a base that is
not the user's or Keras's, a Keras class not modelled here).

Keras's class hierarchy between its public layer classes (``keras.layers.*``; every layer is a
``Layer``; ``Bidirectional`` is not a ``Wrapper``) is listed in ``KERAS_ANCESTORS``, read off
Keras 3's own classes.
"""

from __future__ import annotations

from ..engine import REGISTRY
from ..engine.shape import UNKNOWN
from .keras_api import classify
from .models import FunctionalModel, SequentialModel, SubclassModel
from .npvalues import NumpyInt
from .values import BuiltinMethod, InputObj, Instance, KerasRef, LayerObj, UserClass, UserLayerObj

# Public Keras layer classes → their public ancestors other than ``Layer`` (Keras 3).
KERAS_ANCESTORS = {
    "AdditiveAttention": ("Attention",), "ConvLSTM1D": ("RNN",), "ConvLSTM2D": ("RNN",),
    "ConvLSTM3D": ("RNN",), "GRU": ("RNN",), "LSTM": ("RNN",), "SimpleRNN": ("RNN",),
    "ReversibleEmbedding": ("Embedding",), "SpatialDropout1D": ("Dropout",),
    "SpatialDropout2D": ("Dropout",), "SpatialDropout3D": ("Dropout",),
    "SpectralNormalization": ("Wrapper",), "TimeDistributed": ("Wrapper",),
    "FlaxLayer": ("JaxLayer",),
}

PYTHON_TYPES = {"int": int, "float": float, "str": str, "bool": bool, "list": list, "tuple": tuple,
                "dict": dict}
TYPE_CHECKS = ("isinstance", "issubclass", "type")
_MAX_DEPTH = 16


class _ClassInfo:
    """What is known of a class: the user's classes and Keras's classes it derives from (by
    name), and whether some base is not known (then a "no" is only a "maybe")."""

    def __init__(self):
        self.user: list[UserClass] = []
        self.keras: set[str] = set()
        self.open = False


def keras_class_name(ref: KerasRef) -> str | None:
    """The Keras class a reference names (aliases resolved), or None when not modelled here."""
    kind, name = classify(ref.path)
    parts = ref.path.split(".")
    if name in ("Layer", "Operation") and (len(parts) == 2 or parts[-2] == "layers"):
        return name
    if kind == "model":
        return name
    if kind == "sequential":
        return "Sequential"
    if kind == "input_layer":
        return "InputLayer"
    if kind == "layer" and name in REGISTRY:
        return REGISTRY[name].keras_name
    return None


def _with_ancestors(name: str) -> set[str]:
    names = {name, "Layer", "Operation"}
    names.update(KERAS_ANCESTORS.get(name, ()))
    if name in ("Sequential", "Functional"):
        names.add("Model")
    return names


def _add_class(info: _ClassInfo, cls, depth: int = 0) -> None:
    if depth > _MAX_DEPTH:
        info.open = True
    elif isinstance(cls, UserClass):
        if cls not in info.user:
            info.user.append(cls)
        for base in cls.bases:
            _add_class(info, base, depth + 1)
    elif isinstance(cls, KerasRef):
        name = keras_class_name(cls)
        if name is None:
            info.open = True
        else:
            info.keras |= _with_ancestors(name)
    else:
        info.open = True


def _class_of(value) -> _ClassInfo | None:
    """The class of a Keras stand-in or user instance, or None when it is not known."""
    info = _ClassInfo()
    if isinstance(value, UserLayerObj):
        value = value.instance
    elif isinstance(value, SubclassModel):
        value = value.instance
    if isinstance(value, Instance):
        _add_class(info, value.cls)
        return info
    if isinstance(value, InputObj):
        info.keras = _with_ancestors("InputLayer")
    elif isinstance(value, SequentialModel):
        info.keras = _with_ancestors("Sequential")
    elif isinstance(value, FunctionalModel) and value.class_name == "Functional":
        info.keras = _with_ancestors("Functional")
    elif type(value) is LayerObj and value.engine.keras_name in REGISTRY:
        info.keras = _with_ancestors(value.engine.keras_name)
    else:
        return None
    return info


def _matches(info: _ClassInfo, ref):
    """Does a class described by ``info`` derive from ``ref`` (a class or a tuple of them)?"""
    if isinstance(ref, tuple):
        answers = [_matches(info, r) for r in ref]
        if True in answers:
            return True
        return UNKNOWN if any(a is UNKNOWN for a in answers) else False
    if isinstance(ref, UserClass):
        found = ref in info.user
    elif isinstance(ref, KerasRef):
        name = keras_class_name(ref)
        if name is None:
            return UNKNOWN
        if name == "Functional" and "Model" in info.keras and info.user:
            return UNKNOWN   # a Model subclass made with (inputs, outputs) is also a Functional
        found = name in info.keras
    elif isinstance(ref, BuiltinMethod) and ref.receiver is None and ref.name in PYTHON_TYPES:
        found = False   # a Keras object or the user's class is no int/list/...
    else:
        return UNKNOWN
    return True if found else (UNKNOWN if info.open else False)


def _python_types(ref):
    """``ref`` as real Python types, when it names only the plain built-in ones."""
    refs = ref if isinstance(ref, tuple) else (ref,)
    if refs and all(isinstance(r, BuiltinMethod) and r.receiver is None and r.name in PYTHON_TYPES
                    for r in refs):
        return tuple(PYTHON_TYPES[r.name] for r in refs)
    return None


def check_isinstance(value, ref, *rest):
    if rest:
        return UNKNOWN
    kinds = _python_types(ref)
    if isinstance(value, NumpyInt):
        return UNKNOWN                  # ``np.int64`` is no ``int`` (but a ``numbers.Integral``)
    if kinds is not None and value is not UNKNOWN and (value is None or isinstance(
            value, (bool, int, float, str, list, tuple, dict))):
        return isinstance(value, kinds)
    info = _class_of(value)
    return UNKNOWN if info is None else _matches(info, ref)


def check_issubclass(cls, ref, *rest):
    if rest or not isinstance(cls, (UserClass, KerasRef)):
        return UNKNOWN
    info = _ClassInfo()
    _add_class(info, cls)
    if isinstance(cls, KerasRef) and not info.keras:
        return UNKNOWN
    return _matches(info, ref)


def type_of(value):
    """``type(value)`` for a built-in Keras layer (the ``keras.layers`` class) or an instance of
    the user's class (that class); ``UNKNOWN`` for anything else (a model's class is Keras's
    private ``Functional``...)."""
    if isinstance(value, UserLayerObj):
        value = value.instance
    if isinstance(value, Instance):
        return value.cls
    if type(value) is LayerObj and value.engine.keras_name in REGISTRY:
        return KerasRef(f"keras.layers.{value.engine.keras_name}")
    return UNKNOWN


def same_class(left, right):
    """``left == right`` when both are classes (``type(layer) == layers.Conv2D``), or
    ``left in right`` for a list or tuple of classes: True, False, or UNKNOWN (a class not
    modelled here); None when they are not classes."""
    if isinstance(right, (list, tuple)):
        answers = [same_class(left, item) for item in right]
        if None in answers or not answers:
            return None
        return True if True in answers else (UNKNOWN if UNKNOWN in answers else False)
    if not isinstance(left, (KerasRef, UserClass)) or not isinstance(right, (KerasRef, UserClass)):
        return None
    if isinstance(left, UserClass) or isinstance(right, UserClass):
        return left is right
    a, b = keras_class_name(left), keras_class_name(right)
    if a is None or b is None:
        return UNKNOWN
    return a == b


def type_check(name: str, positional: list, keywords: dict):
    """``isinstance(...)`` / ``issubclass(...)`` on abstract values: True, False or UNKNOWN;
    ``type(value)``: see ``type_of``."""
    if name == "type":
        return type_of(positional[0]) if len(positional) == 1 and not keywords else UNKNOWN
    if keywords or len(positional) != 2:
        return UNKNOWN
    check = check_isinstance if name == "isinstance" else check_issubclass
    return check(*positional)
