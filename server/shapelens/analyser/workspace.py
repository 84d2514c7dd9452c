"""Finding the user's own modules for ``from blocks import conv_block``: a loader that reads
their text from disk (or from an editor's open buffers first) — never imports them."""

from __future__ import annotations

import os
from typing import Callable


def module_loader(file_path: str | None, open_buffer: Callable[[str], str | None] | None = None):
    """A ``loader(module_name) -> source | None`` resolving names next to ``file_path``.

    ``module_name`` may be dotted (``models.blocks``) or relative (``.blocks``, ``..util``).
    ``open_buffer(path)`` returns an editor's unsaved text for a path, if any.
    """
    base = os.path.dirname(os.path.abspath(file_path)) if file_path else os.getcwd()

    def load(name: str) -> str | None:
        level = len(name) - len(name.lstrip("."))
        parts = [p for p in name.lstrip(".").split(".") if p]
        root = base
        for _ in range(max(level - 1, 0)):
            root = os.path.dirname(root)
        if not parts:
            candidates = [os.path.join(root, "__init__.py")]
        else:
            stem = os.path.join(root, *parts)
            candidates = [stem + ".py", os.path.join(stem, "__init__.py")]
        for candidate in candidates:
            if open_buffer is not None:
                text = open_buffer(candidate)
                if text is not None:
                    return text
            if os.path.isfile(candidate):
                try:
                    with open(candidate, encoding="utf-8") as handle:
                        return handle.read(2_000_000)
                except (OSError, UnicodeDecodeError):
                    return None
        return None

    return load
