"""Inlay hint texts: shapes as Keras spells them, runs of one site compacted."""

from __future__ import annotations

from shapelens.engine.shape import UNKNOWN
from shapelens.server.hints import compact, shape_text


def test_hint_texts():
    assert shape_text((None, 148, 148, 16)) == "(None, 148, 148, 16)"
    assert shape_text((None, 3), "batch") == "(batch, 3)"
    assert shape_text([(None, 2), UNKNOWN], "N") == "[(N, 2), ?]"
    assert shape_text((None,)) == "(None,)"
    items = ["(None, 32, 32, 16)", "(None, 16, 16, 32)", "(None, 8, 8, 64)", "(None, 4, 4, 128)"]
    assert compact(items, 4) == "×4: (None, 32, 32, 16) | (None, 16, 16, 32) | (None, 8, 8, 64) | …"
    assert compact(["(None, 1000, 1000, 1000)"] * 3, 3).startswith("×3: (None, 1000, 1000, 1000) | (None")
