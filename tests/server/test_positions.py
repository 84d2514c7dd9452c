"""Character columns <-> the client's position encoding (UTF-8/16/32); edits and lines on LSP's line model."""

from __future__ import annotations

import io
import re

from hypothesis import given, settings
from hypothesis import strategies as st
from lsprotocol import types

from shapelens.analyser import line_mapping
from shapelens.analyser.parsing import line_texts, split_lines
from shapelens.server.positions import Converter, apply_edit
from shapelens.server.positions import split_lines as lsp_lines


def test_positions_convert_each_encoding():
    line = "\tx = ('é😀', layers.Dense(3)(x))"
    column = line.index("layers")
    for encoding, expected in (("utf-32", column), ("utf-16", column + 1), ("utf-8", column + 1 + 3)):
        converter = Converter([line], encoding)
        assert converter.to_client(0, column) == expected
        assert converter.from_client(0, expected) == column
    assert Converter(["abc"], "utf-16").to_client(5, 2) == 2      # a line past the end: as is


# ---- edits on LSP's lines ----------------------------------------------------------------------

_BREAKS = re.compile(r"(\r\n|\r|\n)")
_UNITS = {"utf-8": lambda ch: len(ch.encode("utf-8")), "utf-16": lambda ch: 2 if ord(ch) > 0xFFFF else 1,
          "utf-32": lambda ch: 1}


def _index(text: str, line: int, character: int, encoding: str) -> int:
    """Where an LSP position falls in ``text``, walked out line by line (the reference)."""
    pieces = _BREAKS.split(text)                   # line, break, line, break, …, line
    lines, breaks = pieces[0::2], pieces[1::2]
    if line >= len(lines):
        return len(text)
    index = sum(len(lines[i]) + len(breaks[i]) for i in range(line))
    units = 0
    for ch in lines[line]:
        if units >= character:
            break
        units += _UNITS[encoding](ch)
        index += 1
    return index


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", "é", "😀", " ", "\n", "\r", "\r\n", "\x0c", "\x0b", "\x85", "\u2028",
                                  "\x1c"]), max_size=40).map("".join),
       st.integers(0, 8), st.integers(0, 8), st.integers(0, 8), st.integers(0, 8),
       st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_an_edit_lands_where_the_client_put_it(text, line, character, end_line, end_character, encoding):
    """An incremental change replaces exactly its range, on LSP's lines (only ``\\n``, ``\\r\\n``
    and ``\\r`` end a line), whatever the other separators and the position encoding."""
    start, end = (line, character), (end_line, end_character)
    first, last = _index(text, *start, encoding), _index(text, *end, encoding)
    expected = text[:first] + "XY" + text[max(first, last):]
    assert apply_edit(text, types.Position(*start), types.Position(*end), "XY", encoding) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c"]), max_size=200), st.data())
def test_line_mapping_finds_the_changed_lines(old, data):
    """The lines an edit left alone, before and after it, are found however long the text."""
    new = list(old)
    for _ in range(data.draw(st.integers(0, 3))):
        at = data.draw(st.integers(0, len(new)))
        new[at:at + data.draw(st.integers(0, 2))] = data.draw(st.lists(st.sampled_from(["a", "b", "d"]), max_size=2))
    prefix, old_end, delta = line_mapping(old, new)
    suffix = len(old) - old_end
    assert delta == len(new) - len(old)
    assert old[:prefix] == new[:prefix] and prefix + suffix <= min(len(old), len(new))
    assert prefix == min(len(old), len(new)) or old[prefix] != new[prefix]
    assert old[len(old) - suffix:] == new[len(new) - suffix:]
    assert prefix + suffix == min(len(old), len(new)) or old[-suffix - 1] != new[-suffix - 1]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["a", " ", "\n", "\r", "\r\n", "\x0c", "\x0b", "\x85", "\u2028", "\x1d"]),
                max_size=30).map("".join))
def test_one_line_model_everywhere(text):
    """The analyser's lines are Python's (universal newlines: ``\\n``, ``\\r\\n``, ``\\r``), and
    the server's are the same lines, as LSP numbers them (a last, empty line after a final break)."""
    python_lines = io.StringIO(text, newline="").readlines()
    assert split_lines(text) == python_lines
    assert line_texts(text) == [line.rstrip("\r\n") for line in python_lines]
    ends_with_break = not python_lines or python_lines[-1].endswith(("\n", "\r"))
    assert lsp_lines(text) == line_texts(text) + ([""] if ends_with_break else [])
