"""Keras 2 import paths that fail under Keras 3: which ``import keras.…`` / ``from keras.… import …``
certainly raise, with Python's exception and message (``ModuleNotFoundError: No module named
'keras.layers.normalization'``, ``ImportError: cannot import name 'CuDNNLSTM' from 'keras.layers'``),
decided on the generated list of Keras 3's public modules (``keras3_modules.py``), never by importing.

Only the ``keras.…`` spellings are judged (``tensorflow.keras`` aliases differ between versions),
and only below Keras's public API: ``keras.src`` (internal), ``keras.api`` (a module in earlier
Keras 3 releases) and private names are never reported.  A name missing from an existing module is
reported only when the list is complete for that module.  ``keras2_paths.py`` adds a hint."""

from __future__ import annotations

from .keras2_paths import MOVED, RENAMED
from .keras3_modules import INCOMPLETE, MODULES, PLAIN

NOT_JUDGED = frozenset({"src", "api"})      # keras.<these> are internal, or existed in some Keras 3


def _judged(parent: str, child: str) -> bool:
    return not child.startswith("_") and not (parent == "keras" and child in NOT_JUDGED)


def module_failure(module: str) -> tuple[str, str] | None:
    """``(exception type, message)`` when ``import <module>`` certainly fails under Keras 3."""
    parts = module.split(".")
    if parts[0] != "keras" or len(parts) < 2:
        return None
    for i in range(2, len(parts) + 1):
        prefix = ".".join(parts[:i])
        if prefix in MODULES:
            continue
        parent = ".".join(parts[:i - 1])
        if not _judged(parent, parts[i - 1]):
            return None
        if parent in PLAIN:
            return "ModuleNotFoundError", f"No module named '{prefix}'; '{parent}' is not a package"
        return "ModuleNotFoundError", f"No module named '{prefix}'"
    return None


def name_failure(module: str, name: str) -> tuple[str, str] | None:
    """``(exception type, message)`` when ``from <module> import <name>`` certainly fails (the
    module itself importing)."""
    if module not in MODULES or module in INCOMPLETE or name == "*" or not _judged(module, name):
        return None
    if name in MODULES[module] or f"{module}.{name}" in MODULES:
        return None
    return "ImportError", f"cannot import name '{name}' from '{module}'"


def hint(module: str, names: list[str]) -> str:
    """Where Keras 3 has the names a Keras 2 path gave (``""`` when nothing is known)."""
    moved = [key for key in MOVED if module == key or module.startswith(key + ".")]
    found = []
    for name in names:
        target = _existing(RENAMED.get(name))
        for candidate in MOVED[max(moved, key=len)] if moved and target is None else ():
            target = _existing(f"{candidate}.{name}")
            if target is not None:
                break
        if target is not None and target not in found:
            found.append(target)
    return f"Keras 3 has {', '.join(found)}" if found else ""


def _existing(path: str | None) -> str | None:
    if path is None:
        return None
    module, _, name = path.rpartition(".")
    return path if name in MODULES.get(module, ()) else None


def failure_message(kind: str, message: str, hint_text: str) -> str:
    return f"{kind}: {message}" + (f" ({hint_text})" if hint_text else "")
