"""``hover_at``: what the cursor is on, worked out without a server (the LSP round trip is in
``test_server_lsp.py``)."""

from __future__ import annotations

import pytest

from shapelens.analyser import analyse_for_editor
from shapelens.server.hover import hover_at, layer_hover, model_hover
from shapelens.server.settings import Settings

SOURCE = """\
import keras
from keras import layers

def block(x):
    return layers.Dense(4)(x)

inputs = keras.Input((8,))
hidden = block(layers.Dense(6)(inputs))
model = keras.Model(inputs, hidden)
model.summary()
"""
LINES = SOURCE.splitlines()


@pytest.fixture(scope="module")
def document():
    outcome = analyse_for_editor(SOURCE)
    analysis = outcome.analysis
    sites = sorted(analysis.sites.values(), key=lambda s: (s.span.line, s.span.column))
    return sites, list(zip(analysis.models, outcome.model_macs))


def _at(document, line: int, needle: str, offset: int = 0):
    sites, models = document
    column = LINES[line - 1].index(needle) + offset
    return hover_at(sites, models, LINES[line - 1], line, column, Settings())


def _site(document, line: int, needle: str):
    column = LINES[line - 1].index(needle)
    return next(s for s in document[0] if s.span.line == line and s.span.column == column)


def test_layer_call_under_the_cursor(document):
    answer = _at(document, 5, "Dense", 2)
    site = _site(document, 5, "layers.Dense")
    assert answer.value == layer_hover(site, Settings())
    assert answer.span == site.span
    assert answer.value.startswith("**Dense**")


def test_innermost_call_wins(document):
    """On ``Dense(6)`` inside the helper call ``block(...)``: the layer, not the helper."""
    inner = _at(document, 8, "Dense", 1)
    assert inner.span == _site(document, 8, "layers.Dense").span
    outer = _at(document, 8, "block")
    assert outer.span == _site(document, 8, "block").span
    assert outer.value.startswith("**block(…)**")


def test_model_variable_anywhere(document):
    models = document[1]
    model, macs = models[0]
    answer = _at(document, 10, "model", 2)
    assert answer.value == model_hover(model, macs)
    assert (answer.span.line, answer.span.column, answer.span.end_line, answer.span.end_column) == (10, 0, 10, 5)


def test_model_constructor_call(document):
    model, macs = document[1][0]
    answer = _at(document, 9, "Model", 1)
    assert answer.value == model_hover(model, macs)
    assert answer.span == model.span


def test_nothing_under_the_cursor(document):
    assert _at(document, 1, "import") is None
    assert hover_at(document[0], document[1], "", 3, 0, Settings()) is None
