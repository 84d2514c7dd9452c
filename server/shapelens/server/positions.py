"""Character columns (what the analyser gives: code points) ↔ the negotiated position encoding.

LSP positions count columns in UTF-16 code units by default; a client may negotiate UTF-8
(bytes) or UTF-32 (code points).  Tabs are one character in every encoding; a character outside
the Basic Multilingual Plane (an emoji) is two UTF-16 units and four UTF-8 bytes.  Lines end at
``\\n``, ``\\r\\n`` or ``\\r`` (LSP's rule — not ``str.splitlines``, which also splits on form feeds).
"""

from __future__ import annotations

import re
from itertools import islice

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    """The document's lines without their endings (LSP line numbering)."""
    if "\r" not in text:
        return text.split("\n")       # the usual text, split in C (each edit splits it again)
    return _LINE_BREAK.split(text)


def apply_edit(text: str, start, end, new_text: str, encoding: str = UTF16) -> str:
    """``text`` with the LSP range ``start``–``end`` (positions with ``line`` and ``character``
    in ``encoding``) replaced by ``new_text``, on LSP's lines.  pygls counts lines with
    ``str.splitlines``, which also breaks at form feeds, ``\\v``, ``\\x1c``–``\\x1e``,
    ``\\x85``, ``\\u2028`` and ``\\u2029``: its edits landed on the wrong lines."""
    first, last = _offset(text, start, encoding), _offset(text, end, encoding)
    return text[:first] + new_text + text[max(first, last):]


def _offset(text: str, position, encoding: str) -> int:
    """The index in ``text`` of an LSP position (past the last line: the end of the text).  Only
    the line breaks before it are looked at, and in C: an edit comes with every keystroke."""
    line = max(0, position.line)
    begin = 0
    if line and "\r" not in text:           # lines end at "\n" only: split in C
        head = text.split("\n", line)
        if len(head) <= line:
            return len(text)
        begin = len(text) - len(head[-1])
    elif line:
        previous = next(islice(_LINE_BREAK.finditer(text), line - 1, None), None)
        if previous is None:
            return len(text)
        begin = previous.end()
    after = _LINE_BREAK.search(text, begin)
    line_text = text[begin:after.start() if after is not None else len(text)]
    return begin + Converter([line_text], encoding).from_client(0, max(0, position.character))


def normalise_encoding(encoding) -> str:
    value = str(getattr(encoding, "value", encoding) or UTF16).lower()
    return value if value in (UTF8, UTF16, UTF32) else UTF16


class Converter:
    """Converts columns on the lines of one text for one encoding."""

    def __init__(self, lines: list[str], encoding: str = UTF16):
        self.lines = lines
        self.encoding = normalise_encoding(encoding)

    def _line(self, line: int) -> str:
        return self.lines[line] if 0 <= line < len(self.lines) else ""

    def to_client(self, line: int, char_col: int) -> int:
        """0-based ``line``, a code point column → the client's column."""
        if not 0 <= line < len(self.lines):
            return char_col
        text = self.lines[line]
        char_col = max(0, min(char_col, len(text)))
        if self.encoding == UTF32 or text.isascii():
            return char_col
        prefix = text[:char_col]
        if self.encoding == UTF8:
            return len(prefix.encode("utf-8"))
        return len(prefix) + sum(1 for ch in prefix if ord(ch) > 0xFFFF)

    def from_client(self, line: int, column: int) -> int:
        """0-based ``line``, a client column → a code point column (clamped to the line)."""
        text = self._line(line)
        if self.encoding == UTF32 or text.isascii():
            return max(0, min(column, len(text)))
        units = 0
        for index, ch in enumerate(text):
            if units >= column:
                return index
            if self.encoding == UTF8:
                units += len(ch.encode("utf-8"))
            else:
                units += 2 if ord(ch) > 0xFFFF else 1
        return len(text)
