"""Inlay hint texts: shapes as Keras spells them, runs of one site compacted."""

from __future__ import annotations

import textwrap

from shapelens.analyser import analyse_source
from shapelens.engine.shape import UNKNOWN
from shapelens.server.hints import collect_hints, compact, shape_text
from shapelens.server.settings import Settings


def test_hint_texts():
    assert shape_text((None, 148, 148, 16)) == "(None, 148, 148, 16)"
    assert shape_text((None, 3), "batch") == "(batch, 3)"
    assert shape_text([(None, 2), UNKNOWN], "N") == "[(N, 2), ?]"
    assert shape_text((None,)) == "(None,)"
    items = ["(None, 32, 32, 16)", "(None, 16, 16, 32)", "(None, 8, 8, 64)", "(None, 4, 4, 128)"]
    assert compact(items, 4) == "×4: (None, 32, 32, 16) | (None, 16, 16, 32) | (None, 8, 8, 64) | …"
    assert compact(["(None, 1000, 1000, 1000)"] * 3, 3).startswith("×3: (None, 1000, 1000, 1000) | (None")


def test_a_viewport_gets_the_hints_of_its_lines_only_and_the_same_ones():
    """An editor asks for the lines it shows: only their labels are built, and they are the
    labels a request for the whole document gives on those lines."""
    source = textwrap.dedent("""\
        import keras
        from keras import layers
        inputs = keras.Input(shape=(28, 28, 1))
        x = layers.Conv2D(16, 3)(inputs)
        x = layers.Flatten()(x)
        outputs = layers.Dense(10)(x)
        model = keras.Model(inputs, outputs)
        """)
    analysis = analyse_source(source)
    sites = list(analysis.sites.values())
    everything = collect_hints(sites, analysis.models, Settings())
    assert {h.line for h in everything} >= {4, 6, 7}
    window = collect_hints(sites, analysis.models, Settings(), (4, 6))
    assert window == [h for h in everything if 4 <= h.line <= 6]
    assert window and collect_hints(sites, analysis.models, Settings(), (8, 9)) == []
