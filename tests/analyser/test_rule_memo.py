"""The engine's rule memo (``engine/memo.py``) changes no answer: every example file, and the
benchmark's generated modules, analyse to the same hints, parameters, derivations, diagnostics and
summaries with the memo on (empty, then full) as with every rule run afresh; arguments that are
equal in Python but not in Keras stay apart; and a repeated layer does not run its rule again."""

from __future__ import annotations

import pathlib
import sys

import pytest

from shapelens.analyser import analyse_source, macs_of
from shapelens.engine import memo
from shapelens.engine.layer import REGISTRY

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((ROOT / "examples").rglob("*.py"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from generate import generate_loop_module, generate_module  # noqa: E402


def _everything(source: str) -> list[str]:
    """What a user can see of an analysis: each call's hint, parameters, MACs and derivation,
    the diagnostics and the model summaries."""
    a = analyse_source(source)
    sites = [repr((s.span, s.kind, [(r.layer_name, r.class_name, r.output, r.params, r.layer_params,
                                     macs_of(r), r.derivation.render_lines() if r.derivation else None)
                                    for r in s.results])) for s in a.sites.values()]
    diagnostics = [repr((d.span, d.code, d.message, d.severity)) for d in a.diagnostics]
    models = [repr((m.variable, m.class_name, m.span, m.rows, m.params)) for m in a.models]
    return sorted(sites) + sorted(diagnostics) + models


def _fresh_and_remembered(source: str) -> tuple[list[str], list[str], list[str]]:
    memo.clear()
    memo.ENABLED = False
    try:
        fresh = _everything(source)
    finally:
        memo.ENABLED = True
    return fresh, _everything(source), _everything(source)     # the memo empty, then full


SOURCES = {path.name: path for path in EXAMPLES}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_memo_changes_no_answer_in_the_examples(name):
    fresh, first, again = _fresh_and_remembered(SOURCES[name].read_text())
    assert first == fresh
    assert again == fresh


@pytest.mark.parametrize("generate", [generate_module, generate_loop_module])
def test_the_memo_changes_no_answer_in_repeated_blocks(generate):
    fresh, first, again = _fresh_and_remembered(generate(400))
    assert first == fresh
    assert again == fresh


EQUAL_IN_PYTHON = '''
import keras
from keras import layers
x = keras.Input((8, 8, 3))
a = layers.Dense(4)(x)
b = layers.Dense(4.0)(x)
c = layers.Dense(True)(x)
d = layers.Conv2D(2, 3, use_bias=1)(x)
e = layers.Conv2D(2, 3, use_bias=True)(x)
f = layers.Dropout(0.0)(x)
g = layers.Dropout(-0.0)(x)
h = layers.Dense(3)
h.activation
i = h(x)
j = layers.Dense(3)(x)
k = layers.Dense(3)
k.trainable = False
m = k(x)
n = layers.Dense(3)(keras.Input((5,)))
'''


def test_arguments_equal_in_python_are_different_layers():
    """``4``, ``4.0`` and ``True`` are one dict key; to Keras, ``Dense(4.0)`` and ``Dense(True)``
    are errors after a ``Dense(4)`` that works."""
    fresh, first, again = _fresh_and_remembered(EQUAL_IN_PYTHON)
    assert first == fresh and again == fresh
    messages = [d.message for d in analyse_source(EQUAL_IN_PYTHON).diagnostics]
    assert any("units=4.0" in m for m in messages)
    assert any("units=True" in m for m in messages)


def test_a_repeated_layer_runs_its_rule_once(monkeypatch):
    """The same convolution on the same shape, made three times: one run of its rule."""
    runs = []
    conv = REGISTRY["Conv2D"]
    rule = conv.compute_output_shape
    monkeypatch.setattr(conv, "compute_output_shape", lambda self, *a: runs.append(1) or rule(self, *a))
    memo.clear()
    source = "\n".join(["import keras", "from keras import layers", "x = keras.Input((32, 32, 3))"]
                       + ["y = layers.Conv2D(8, 3, padding='same')(x)"] * 3)
    analysis = analyse_source(source)
    outputs = [r.output for s in analysis.sites.values() for r in s.results if r.class_name == "Conv2D"]
    assert outputs == [(None, 32, 32, 8)] * 3
    assert len(runs) == 1
    memo.clear()


def test_a_repeated_layer_counts_its_macs_once(monkeypatch):
    """The same convolution on the same shape, made three times: its MACs are counted once, and
    every call shows them: (3*3*3 * 8) MACs for each of the 32*32 positions."""
    from shapelens.analyser import macs as analyser_macs

    counts = []
    count = analyser_macs.engine_call_macs
    monkeypatch.setattr(analyser_macs, "engine_call_macs", lambda *a: counts.append(1) or count(*a))
    memo.clear()
    source = "\n".join(["import keras", "from keras import layers", "x = keras.Input((32, 32, 3))"]
                       + ["y = layers.Conv2D(8, 3, padding='same')(x)"] * 3)
    analysis = analyse_source(source)
    macs = [r.macs for s in analysis.sites.values() for r in s.results if r.class_name == "Conv2D"]
    assert macs == [3 * 3 * 3 * 8 * 32 * 32] * 3
    assert len(counts) == 1
    memo.clear()


def _watcher(monkeypatch, made, called):
    """A rule registered for the test: its constructor keeps ``made()``, its first call
    ``called([input_shape])``."""
    from shapelens.engine.layer import Layer

    class Watcher(Layer):
        keras_name = "Watcher"

        def validate(self):
            self.made = made()

        def compute_output_shape(self, input_shape, why):
            self.seen = called([input_shape])
            return input_shape

    monkeypatch.setitem(REGISTRY, "Watcher", Watcher)
    memo.clear()


@pytest.mark.parametrize("keep", [list, lambda shapes: {"shapes": shapes}], ids=["list", "dict"])
def test_what_a_first_call_keeps_is_never_shared(monkeypatch, keep):
    """A first call that leaves a mutable value on the layer: the next layers made and called
    alike get their own value (a copy, or their rule run again), never another layer's."""
    from shapelens.engine.layer import create_layer

    _watcher(monkeypatch, tuple, keep)
    layers = [create_layer("Watcher", [], {}) for _ in range(3)]
    assert [layer.apply([(None, 4)], {}).output for layer in layers] == [(None, 4)] * 3
    assert [layer.seen for layer in layers] == [keep([(None, 4)])] * 3
    assert len({id(layer.seen) for layer in layers}) == 3
    memo.clear()


def test_what_a_constructor_keeps_is_never_shared(monkeypatch):
    from shapelens.engine.layer import create_layer

    _watcher(monkeypatch, list, tuple)
    layers = [create_layer("Watcher", [], {}) for _ in range(3)]
    assert len({id(layer.made) for layer in layers}) == 3
    memo.clear()
