"""Character columns <-> the client's position encoding (UTF-8/16/32)."""

from __future__ import annotations

from shapelens.server.positions import Converter


def test_positions_convert_each_encoding():
    line = "\tx = ('é😀', layers.Dense(3)(x))"
    column = line.index("layers")
    for encoding, expected in (("utf-32", column), ("utf-16", column + 1), ("utf-8", column + 1 + 3)):
        converter = Converter([line], encoding)
        assert converter.to_client(0, column) == expected
        assert converter.from_client(0, expected) == column
    assert Converter(["abc"], "utf-16").to_client(5, 2) == 2      # a line past the end: as is
