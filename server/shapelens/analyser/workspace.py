"""Finding the user's own modules for ``from blocks import conv_block``: a loader that reads
their text from disk (or from an editor's open buffers first) — never imports them.

A module is identified by its file's resolved real path (``loader.locate(name)``), so aliases
through symlinked packages (``s.t.s.m`` where ``s/t`` links back) are one module, read and
analysed once per analysis."""

from __future__ import annotations

import io
import os
import tokenize
from typing import Callable

MAX_MODULE_CHARS = 2_000_000     # more of one imported file is not read


def decode_source(data: bytes) -> str:
    """Source bytes as Python reads them (PEP 3120, PEP 263): a UTF-8 BOM, else a coding
    declaration in the first two lines, else UTF-8.  ``ValueError`` says what is wrong."""
    problem: str | None = None
    try:
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
    except SyntaxError as error:       # an unknown or conflicting declaration, or bad UTF-8 early on
        encoding, problem = "utf-8", error.msg
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        name = "UTF-8" if encoding in ("utf-8", "utf-8-sig") else f"valid {encoding} (its coding declaration)"
        raise ValueError(f"not {name} (byte {error.start})") from None
    if problem is not None:
        raise ValueError(problem)
    return text


def module_loader(file_path: str | None, open_buffer: Callable[[str], str | None] | None = None):
    """A ``loader(module_name) -> source | None`` resolving names next to ``file_path``.

    ``module_name`` may be dotted (``models.blocks``) or relative (``.blocks``, ``..util``).
    ``open_buffer(path)`` returns an editor's unsaved text for a path, if any.
    ``loader.locate(module_name)`` gives the resolved real path of the file the name reads.
    """
    base = os.path.dirname(os.path.abspath(file_path)) if file_path else os.getcwd()

    def candidates(name: str) -> list[str]:
        level = len(name) - len(name.lstrip("."))
        parts = [p for p in name.lstrip(".").split(".") if p]
        root = base
        for _ in range(max(level - 1, 0)):
            root = os.path.dirname(root)
        if not parts:
            return [os.path.join(root, "__init__.py")]
        stem = os.path.join(root, *parts)
        return [stem + ".py", os.path.join(stem, "__init__.py")]

    def find(name: str) -> str | None:
        for candidate in candidates(name):
            if open_buffer is not None and open_buffer(candidate) is not None:
                return candidate
            if os.path.isfile(candidate):
                return candidate
        return None

    def locate(name: str) -> str | None:
        found = find(name)
        return os.path.realpath(found) if found is not None else None

    def load(name: str) -> str | None:
        candidate = find(name)
        if candidate is None:
            return None
        if open_buffer is not None:
            text = open_buffer(candidate)
            if text is not None:
                return text
        try:
            with open(candidate, "rb") as handle:
                data = handle.read(4 * MAX_MODULE_CHARS + 1)
            return decode_source(data)[:MAX_MODULE_CHARS] if len(data) <= 4 * MAX_MODULE_CHARS else None
        except (OSError, ValueError):
            return None

    load.locate = locate  # type: ignore[attr-defined]
    return load
