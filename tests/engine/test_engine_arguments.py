"""Constructor keyword arguments against real Keras, for every layer in the engine's catalogue.

Keras 3 rejects a keyword its constructor does not take: ``Layer.__init__`` raises
``ValueError("Unrecognized keyword arguments passed to Dense: {...}")`` for what is left in its
``**kwargs``, and Python raises ``TypeError`` for a class without ``**kwargs`` (``SpatialDropout1D``)
or a base parameter the class passes itself (``MaxPooling2D(pool_mode=...)``).  For each layer the
candidate keywords are those named by ``inspect.signature`` of the class's and its bases'
``__init__``, those popped from ``kwargs``, ``Layer``'s own, the engine's, and Keras 2's that real
code still passes; real Keras decides which it accepts (constructing the layer with the keyword),
and the engine must accept exactly those and reject the others with Keras's message.
"""

import inspect
import re

import keras
import pytest

from keras_oracle import L
from shapelens.engine import REGISTRY, ShapeError, create_layer
from shapelens.engine.layer import LAYER_KWARGS

REJECTED = re.compile(r"Unrecognized keyword arguments passed to|got an unexpected keyword argument"
                      r"|got multiple values for")

# Keywords written for Keras 2 (or for another layer) that real code passes.
KERAS2 = {"batch_input_shape", "batch_size", "input_length", "time_major", "kernel_initializer",
          "weights", "lora_rank", "lora_alpha", "quantization_config", "implementation", "rms_scaling",
          "alpha", "bounding_box_format", "zz_not_a_keyword"}


class F:
    """A Python function argument (``Lambda(function)``): ``lambda x: x`` in Keras, unknown to the engine."""


# A value for each required parameter, by name, then per class where the name is not enough.
REQUIRED = {
    "activation": "relu", "output_size": 2, "rate": 0.5, "pool_size": 2, "height": 2, "width": 2,
    "filters": 2, "kernel_size": 2, "units": 2, "axes": 1, "equation": "ab,bc->ac", "output_shape": 2,
    "input_dim": 4, "output_dim": 2, "stddev": 0.1, "head_dim": 2, "num_query_heads": 2,
    "num_key_value_heads": 1, "num_bins": 3, "function": F(), "max_number": 2, "num_heads": 2,
    "key_dim": 2, "dims": (1,), "cell": L("LSTMCell", 2), "factor": 0.1, "height_factor": 0.1,
    "width_factor": 0.1, "n": 2, "scale": 1.0, "target_shape": (2,), "cells": [L("LSTMCell", 2)],
}
REQUIRED_BY_CLASS = {"Bidirectional": {"layer": L("LSTM", 2)}, "TimeDistributed": {"layer": L("Dense", 2)},
                     "RandomPosterization": {"factor": 2}}
# Arguments that are optional in the signature but that the constructor needs.
NEEDED = {"CategoryEncoding": {"num_tokens": 3}, "Discretization": {"num_bins": 3}, "InputLayer": {"shape": (2,)}}


def _keras(value):
    if isinstance(value, F):
        return lambda x: x
    if isinstance(value, L):
        return getattr(keras.layers, value.class_name)(*map(_keras, value.args), **value.kwargs)
    if isinstance(value, list):
        return [_keras(v) for v in value]
    return value


def _engine(value):
    if isinstance(value, F):
        from shapelens.engine import UNKNOWN
        return UNKNOWN
    if isinstance(value, L):
        return create_layer(value.class_name, [_engine(a) for a in value.args], dict(value.kwargs))
    if isinstance(value, list):
        return [_engine(v) for v in value]
    return value


def _keras_class(rule):
    """The Keras class under the rule's name, or under an alias (``GroupQueryAttention``)."""
    names = [rule.keras_name] + [n for n, r in REGISTRY.items() if r is rule]
    return next(getattr(keras.layers, n) for n in names if hasattr(keras.layers, n))


def _required(name, cls) -> dict:
    sig = inspect.signature(cls.__init__)
    out = dict(NEEDED.get(name, {}))
    for p in list(sig.parameters.values())[1:]:
        if p.default is p.empty and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY):
            out[p.name] = REQUIRED_BY_CLASS.get(name, {}).get(p.name, REQUIRED.get(p.name))
    return out


def _candidates(cls, rule) -> set:
    names = set(LAYER_KWARGS) | KERAS2 | set(rule.accepted_keywords())
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None or klass is object:
            continue
        params = list(inspect.signature(init).parameters.values())[1:]
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        try:
            names |= set(re.findall(r"kwargs\.(?:pop|get)\(\s*[\"'](\w+)[\"']", inspect.getsource(init)))
        except (OSError, TypeError):
            pass
    return names


def _static_accepted(cls) -> set:
    """For a class Keras cannot construct here (``Hashing``, ``TextVectorization`` need TensorFlow):
    the parameters of each ``__init__`` down the chain its ``**kwargs`` go, and those it pops."""
    names = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        params = list(inspect.signature(init).parameters.values())[1:]
        names |= {p.name for p in params if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}
        names |= set(re.findall(r"kwargs\.pop\(\s*[\"'](\w+)[\"']", inspect.getsource(init)))
        if klass is keras.layers.Layer:
            return names | LAYER_KWARGS
        if not any(p.kind == p.VAR_KEYWORD for p in params):
            return names
    return names


def _constructible(cls, required) -> bool:
    try:
        cls(**{k: _keras(v) for k, v in required.items()})
    except ImportError:
        return False
    return True


def _keras_verdict(cls, required, keyword):
    """Keras's error message when the keyword is rejected as a keyword, else None."""
    try:
        cls(**{k: _keras(v) for k, v in required.items()}, **{keyword: None})
    except Exception as error:  # noqa: BLE001 - only a keyword rejection counts
        if REJECTED.search(str(error)):
            return str(error)
    return None


RULES = sorted({rule.keras_name: rule for rule in REGISTRY.values()}.items())


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name,rule", RULES, ids=[name for name, _ in RULES])
def test_engine_accepts_exactly_the_keywords_keras_accepts(name, rule):
    cls = _keras_class(rule)
    required = _required(name, cls)
    assert None not in required.values(), f"no value for a required argument of {name}: {required}"
    if not _constructible(cls, required):
        assert set(rule.accepted_keywords()) == _static_accepted(cls), (
            sorted(rule.accepted_keywords() ^ _static_accepted(cls)))
        return
    rejected = {}
    for keyword in sorted(_candidates(cls, rule) - set(required)):
        message = _keras_verdict(cls, required, keyword)
        if message is not None:
            rejected[keyword] = message
    if "zz_not_a_keyword" not in rejected:      # a class that drops its **kwargs (InputLayer)
        assert rule.ignores_kwargs, f"{name}: Keras accepts any keyword"
        create_layer(name, [], {k: _engine(v) for k, v in required.items()} | {"zz_not_a_keyword": 1})
        return
    accepted = _candidates(cls, rule) - set(rejected)
    assert set(rule.accepted_keywords()) == accepted, (
        f"{name}: engine misses {sorted(accepted - rule.accepted_keywords())}, "
        f"engine accepts {sorted(rule.accepted_keywords() - accepted)} that Keras rejects")
    engine_required = {k: _engine(v) for k, v in required.items()}
    for keyword, message in rejected.items():
        with pytest.raises(ShapeError) as raised:
            create_layer(name, [], {**engine_required, keyword: None})
        assert (raised.value.code, raised.value.message) == ("invalid-argument", message), keyword


@pytest.mark.filterwarnings("ignore")
def test_every_leftover_keyword_is_named_with_its_value_as_keras_does():
    kwargs = {"kernel_initializer": "he_normal", "batch_input_shape": (None, 8), "input_length": [1, 2]}
    with pytest.raises(ValueError) as keras_error:
        keras.layers.DepthwiseConv2D(3, **kwargs)
    with pytest.raises(ShapeError) as ours:
        create_layer("DepthwiseConv2D", [3], kwargs)
    assert ours.value.message == str(keras_error.value)
