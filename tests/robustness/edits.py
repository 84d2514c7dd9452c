"""Random editor edits for the typing simulations (analyser level and through the server).

``random_edit`` makes one edit a user might make (insertions, deletions, pasted blocks from
other files, replacements, duplicated and joined lines); ``edit_session`` strings them into a
session with undo and redo; ``as_change`` turns a text-to-text step into the single
incremental change an editor would send (the smallest range that differs, in the client's
position units).
"""

from __future__ import annotations

import random

SNIPPETS = [
    "(", ")", "[", "]", "{", "}", ",", ":", "\n", "\n    ", "    ", "#", "'", '"', "\\", "=", ".",
    "x", "layers.", "keras.layers.Dense(", "Dense(64)", "(x)", "0", "-1", "10**100", "None", "lambda t: t",
    "x = layers.Dense(8)(x)\n", "model.add(layers.Dropout(0.5))\n", "def f(x):\n    return x\n",
    "for i in range(3):\n    ", "if x:\n    ", "class M(keras.Model):\n    ", "import keras\n",
    "from keras import layers\n", "keras.Input((4,))", "inputs", "model", "\t", "é", "😀", "\r\n",
]


def random_edit(rng: random.Random, text: str, donors: list[str]) -> tuple[str, str]:
    """One random edit of ``text``: ``(new text, description)``."""
    kind = rng.choice(["insert", "insert", "delete", "delete", "paste", "replace", "duplicate_line",
                       "join_lines"])
    pos = rng.randint(0, len(text))
    if kind == "insert":
        return text[:pos] + rng.choice(SNIPPETS) + text[pos:], f"insert@{pos}"
    if kind == "delete":
        end = min(len(text), pos + rng.randint(1, 30))
        return text[:pos] + text[end:], f"delete@{pos}:{end}"
    if kind == "paste":
        donor = rng.choice(donors)
        a = rng.randint(0, len(donor))
        block = donor[a:a + rng.randint(1, 400)]
        return text[:pos] + block + text[pos:], f"paste@{pos}({len(block)})"
    if kind == "replace":
        end = min(len(text), pos + rng.randint(1, 10))
        return text[:pos] + rng.choice(SNIPPETS) + text[end:], f"replace@{pos}:{end}"
    lines = text.splitlines(keepends=True)
    if not lines:
        return text + "\n", "newline"
    i = rng.randrange(len(lines))
    if kind == "duplicate_line":
        lines.insert(i, lines[i])
        return "".join(lines), f"duplicate line {i + 1}"
    if i + 1 < len(lines):
        lines[i] = lines[i].rstrip("\r\n") + " " + lines.pop(i + 1)
    return "".join(lines), f"join line {i + 1}"


def edit_session(rng: random.Random, original: str, donors: list[str], steps: int):
    """Yield ``(text, description)`` after each of ``steps`` edits; about one step in eight is an
    undo and one in twenty a redo.  The session's undo history starts at ``original``."""
    history = [original]
    redo: list[str] = []
    for _ in range(steps):
        roll = rng.random()
        if roll < 0.12 and len(history) > 1:
            redo.append(history.pop())
            yield history[-1], "undo"
        elif roll < 0.17 and redo:
            history.append(redo.pop())
            yield history[-1], "redo"
        else:
            text, what = random_edit(rng, history[-1], donors)
            history.append(text)
            redo.clear()
            yield text, what


def _position(text: str, offset: int, encoding: str) -> tuple[int, int]:
    """The LSP position of a character offset (lines end at \\n, \\r\\n or \\r, as in LSP)."""
    line, start, i = 0, 0, 0
    while True:
        n = text.find("\n", i, offset)
        r = text.find("\r", i, offset)
        breaks = [b for b in (n, r) if b != -1]
        if not breaks:
            break
        b = min(breaks)
        if text[b] == "\r" and b + 1 < len(text) and text[b + 1] == "\n":
            if b + 1 >= offset:     # offset inside a \r\n pair: not a place an editor edits
                break
            i = b + 2
        else:
            i = b + 1
        line, start = line + 1, i
    prefix = text[start:offset]
    if encoding == "utf-8":
        return line, len(prefix.encode("utf-8"))
    if encoding == "utf-16":
        return line, len(prefix.encode("utf-16-le", "surrogatepass")) // 2
    return line, len(prefix)


def as_change(old: str, new: str, encoding: str = "utf-16"):
    """The single change ``(start_line, start_char, end_line, end_char, text)`` that turns
    ``old`` into ``new`` (positions in ``old``, in the client's units), or None if equal.  The
    range never splits a ``\\r\\n`` pair."""
    if old == new:
        return None
    limit = min(len(old), len(new))
    start = 0
    while start < limit and old[start] == new[start]:
        start += 1
    end_old, end_new = len(old), len(new)
    while end_old > start and end_new > start and old[end_old - 1] == new[end_new - 1]:
        end_old -= 1
        end_new -= 1
    if start > 0 and old[start - 1] == "\r" and (start < len(old) and old[start] == "\n"
                                                  or start < len(new) and new[start] == "\n"):
        start -= 1                                       # keep a \r\n pair whole
    if end_old < len(old) and old[end_old] == "\n" and end_old > 0 and old[end_old - 1] == "\r" \
            and end_old > start:
        end_old += 1
        end_new += 1
    return (*_position(old, start, encoding), *_position(old, end_old, encoding), new[start:end_new])


def parsing_session(rng: random.Random, original: str, donors: list[str], steps: int, parses):
    """Like ``edit_session`` without undo, but every step's text parses (``parses(text)``): the
    first of up to 50 random edits that keeps the file valid Python.  Yields ``(text, description)``."""
    text = original
    for _ in range(steps):
        for _attempt in range(50):
            candidate, what = random_edit(rng, text, donors)
            if candidate != text and parses(candidate):
                text = candidate
                yield text, what
                break
