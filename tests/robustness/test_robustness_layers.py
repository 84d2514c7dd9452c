"""Every registered layer rule with hostile arguments: the analysis never crashes.

For each class in ``shapelens.engine.REGISTRY``, a file builds the layer with hostile first and
second positional arguments (strings, floats, None, bools, negatives, zero, 10**100, empty and
over-long tuples, lists, a tensor) and calls it on inputs of rank 2 to 5, feeds the result to
BatchNormalization and Dense, binds a functional model and a Sequential model.  ``analyse_source``
must not raise, must not report an "internal error" note (a crash it caught in itself), and no
model may report a negative parameter count.  Errors are allowed: most of these are invalid Keras.
A second test does the same with hostile keyword arguments
(``output_shape='a'``, ``axis=-1``, ``strides=()``...) on a rank-4 input. (~16 500 analyses,
~12 s of CPU in all.)
"""

from __future__ import annotations

import pytest

from shapelens.analyser import analyse_source
from shapelens.engine import REGISTRY

HOSTILE = ["'a'", "2.5", "None", "True", "-1", "0", "10**100", "()", "(1, 2, 3, 4, 5)", "[2]", "x", "(0, -1)"]
SHAPES = ["(8,)", "(6, 8)", "(6, 6, 8)", "(4, 6, 6, 8)"]


def _source(name: str, args: str, shape: str) -> str:
    return (f"import keras\nfrom keras import layers\nx = keras.Input({shape})\nl = layers.{name}({args})\n"
            f"y = l(x)\nz = layers.BatchNormalization()(y)\nw = layers.Dense(2)(z)\nm = keras.Model(x, [y, z, w])\n"
            f"s = keras.Sequential([keras.Input({shape}), layers.{name}({args}), layers.BatchNormalization(), "
            f"layers.Flatten(), layers.Dense(3)])\n")


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_layer_with_hostile_arguments(name):
    failures = []
    for shape in SHAPES:
        for value in HOSTILE:
            for args in (value, f"4, {value}"):
                source = _source(name, args, shape)
                try:
                    analysis = analyse_source(source)
                except Exception as error:  # noqa: BLE001 - collect them all for the report
                    failures.append(f"layers.{name}({args}) on Input({shape}): {type(error).__name__}: {error}")
                    continue
                for d in analysis.diagnostics:
                    if "internal error" in d.message:
                        failures.append(f"layers.{name}({args}) on Input({shape}): line {d.span.line}: {d.message}")
                for model in analysis.models:
                    total = model.params.total
                    if isinstance(total, int) and total < 0:
                        failures.append(f"layers.{name}({args}) on Input({shape}): {model.variable} has {total} params")
    assert not failures, f"{len(failures)} failures, e.g.:\n" + "\n".join(failures[:15])


KEYWORDS = ["output_shape", "axis", "strides", "padding", "pool_size", "size", "target_shape", "dims", "units",
            "key_dim", "num_heads", "cropping", "dilation_rate", "groups", "return_sequences", "input_shape"]
KEYWORD_VALUES = ["'a'", "-1", "()", "(2, 'b')"]


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_layer_with_hostile_keywords(name):
    failures = []
    for keyword in KEYWORDS:
        for value in KEYWORD_VALUES:
            args = f"4, {keyword}={value}"
            source = _source(name, args, "(6, 6, 8)")
            try:
                analysis = analyse_source(source)
            except Exception as error:  # noqa: BLE001
                failures.append(f"layers.{name}({args}): {type(error).__name__}: {error}")
                continue
            failures += [f"layers.{name}({args}): line {d.span.line}: {d.message}"
                         for d in analysis.diagnostics if "internal error" in d.message]
            failures += [f"layers.{name}({args}): {m.variable} has {m.params.total} params"
                         for m in analysis.models if isinstance(m.params.total, int) and m.params.total < 0]
    assert not failures, f"{len(failures)} failures, e.g.:\n" + "\n".join(failures[:15])
