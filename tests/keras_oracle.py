"""The oracle: build the same layer in real Keras 3 and in the engine, and compare.

``check_layer("Conv2D", 16, 3, inputs=T((None, 150, 150, 3)))`` constructs
``keras.layers.Conv2D(16, 3)``, calls it on a symbolic input of that shape, and asserts that the
engine gives exactly the same output shape(s), trainable and non-trainable parameter counts, and
the same verdict: when the engine reports a ``ShapeError``, Keras must raise too, and (with
``expect_error=True`` for curated bad cases) when Keras raises, the engine must report it.

Markers in arguments:
* ``T(shape, dtype="float32")`` — a symbolic tensor with this (batch-first) shape;
* ``L("LSTM", 8, return_sequences=True)`` — a nested layer (wrappers: Bidirectional, TimeDistributed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import keras
import pytest

from shapelens.engine import ShapeError, create_layer
from shapelens.engine.shape import UNKNOWN


@dataclass(frozen=True)
class T:
    shape: tuple
    dtype: str = "float32"


@dataclass
class L:
    class_name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def __init__(self, class_name, *args, **kwargs):
        self.class_name, self.args, self.kwargs = class_name, args, kwargs


@dataclass
class Outcome:
    output: object = None          # a shape tuple or a list of shape tuples
    trainable: int | None = None
    non_trainable: int | None = None
    error: str | None = None       # message when rejected

    @property
    def rejected(self) -> bool:
        return self.error is not None


# ---- real Keras ------------------------------------------------------------------------------

def _to_keras(value):
    if isinstance(value, T):
        return keras.Input(batch_shape=value.shape, dtype=value.dtype)
    if isinstance(value, L):
        cls = getattr(keras.layers, value.class_name)
        return cls(*[_to_keras(a) for a in value.args], **{k: _to_keras(v) for k, v in value.kwargs.items()})
    if isinstance(value, list):
        return [_to_keras(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_keras(v) for k, v in value.items()}
    return value


def _keras_shapes(out):
    if isinstance(out, (list, tuple)):
        return [_keras_shapes(o) for o in out]
    return tuple(out.shape)


def _count(weights) -> int:
    return int(sum(math.prod(w.shape) for w in weights))


def run_keras(class_name, args, kwargs, inputs, call_args=(), call_kwargs=None) -> Outcome:
    try:
        layer = _to_keras(L(class_name, *args, **kwargs))
        out = layer(_to_keras(inputs), *[_to_keras(a) for a in call_args],
                    **{k: _to_keras(v) for k, v in (call_kwargs or {}).items()})
    except Exception as error:  # noqa: BLE001 - any rejection counts
        return Outcome(error=f"{type(error).__name__}: {error}")
    return Outcome(_keras_shapes(out), _count(layer.trainable_weights), _count(layer.non_trainable_weights))


# ---- the engine ------------------------------------------------------------------------------

def _to_engine(value):
    if isinstance(value, T):
        return tuple(value.shape)
    if isinstance(value, L):
        return create_layer(value.class_name, [_to_engine(a) for a in value.args],
                            {k: _to_engine(v) for k, v in value.kwargs.items()})
    if isinstance(value, list):
        return [_to_engine(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_engine(v) for k, v in value.items()}
    return value


def _engine_shapes(out):
    if isinstance(out, list) or (isinstance(out, tuple) and out and isinstance(out[0], tuple)):
        return [_engine_shapes(o) for o in out]
    return out


def run_engine(class_name, args, kwargs, inputs, call_args=(), call_kwargs=None) -> Outcome:
    try:
        layer = _to_engine(L(class_name, *args, **kwargs))
        applied = layer.apply([_to_engine(inputs)] + [_to_engine(a) for a in call_args],
                              {k: _to_engine(v) for k, v in (call_kwargs or {}).items()})
    except ShapeError as error:
        return Outcome(error=f"{error.code}: {error.message}")
    params = layer.param_count()
    return Outcome(_engine_shapes(applied.output), params.trainable, params.non_trainable)


# ---- the comparison --------------------------------------------------------------------------

def check_layer(class_name, *args, inputs, call_args=(), call_kwargs=None, expect_error=None, **kwargs):
    """Assert the engine agrees with real Keras on this layer; return both outcomes."""
    real = run_keras(class_name, args, kwargs, inputs, call_args, call_kwargs)
    ours = run_engine(class_name, args, kwargs, inputs, call_args, call_kwargs)
    where = f"{class_name}{args}{kwargs} on {inputs}"
    if ours.rejected:
        assert real.rejected, f"false alarm on {where}: engine said {ours.error!r}, Keras accepted"
    elif real.rejected:
        assert not expect_error, f"missed error on {where}: Keras said {real.error!r}"
    else:
        assert ours.output != UNKNOWN, f"engine gave ? for {where}; Keras gave {real.output}"
        assert ours.output == real.output, f"shape of {where}: engine {ours.output}, Keras {real.output}"
        assert (ours.trainable, ours.non_trainable) == (real.trainable, real.non_trainable), (
            f"params of {where}: engine {ours.trainable}+{ours.non_trainable}, "
            f"Keras {real.trainable}+{real.non_trainable}"
        )
    if expect_error is True:
        assert real.rejected, f"{where}: expected Keras to reject it, but it accepted"
        assert ours.rejected, f"{where}: Keras rejected it ({real.error}) but the engine did not"
    if expect_error is False:
        assert not real.rejected, f"{where}: Keras rejected it: {real.error}"
    return real, ours


__all__ = ["L", "T", "check_layer", "run_engine", "run_keras", "pytest"]
