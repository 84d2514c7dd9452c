"""Rule results remembered by their arguments, so that a repeated layer runs its rule once.

Real models repeat themselves: ResNet stages stack the same block, a transformer the same layer, and
a file often builds several models with one helper.  A layer made with the same arguments, and first
called on the same shapes, gets the same answer.  So ``create_layer`` copies the layer it made
before, and ``Layer.apply`` replays what the first call left on it, instead of binding, validating
and running the rule again.

Only what can be keyed exactly is remembered, types included (``1``, ``True`` and ``1.0`` are
equal as dict keys, and Keras treats them differently): ``int``, ``str``, ``bool``, ``float`` (by
its ``repr``: ``-0.0`` is not ``0.0``), ``None``, ``UNKNOWN`` and tuples of them.  A layer that
holds anything else (a wrapped layer, a cell, a list, a name the analysis is watching) is made and
called the usual way.  So is a layer whose constructor or first call leaves state that is not such
a value: every first run is checked before it is remembered.

A rule is a pure function of the arguments and shapes it is given; the memo relies on nothing else.
"""

from __future__ import annotations

from typing import Any

from .shape import UNKNOWN

ENABLED = True      # off: every rule runs (the tests compare both ways)
LIMIT = 4096        # entries per table; a full table is emptied (a file past this repeats little)

_BOOL, _FLOAT, _LIST = object(), object(), object()     # tags: True and 1.0 are not 1, [a] is not (a,)


class Unkeyable(Exception):
    """A value the memo cannot key exactly."""


def key_of(value: Any) -> Any:
    """A dict key equal only for values of the same types and contents; ``Unkeyable`` else."""
    kind = type(value)
    if kind is int or kind is str or value is None or value is UNKNOWN:
        return value
    if kind is tuple:
        for item in value:
            if type(item) is not int and item is not None:
                return tuple([key_of(item) for item in value])
        return value        # a shape of sizes: its own key
    if kind is bool:
        return (_BOOL, value)
    if kind is float:
        return (_FLOAT, repr(value))
    raise Unkeyable


def keyable(value: Any) -> bool:
    """Whether ``key_of`` takes ``value``: such a value is immutable, and may be shared."""
    try:
        key_of(value)
    except Unkeyable:
        return False
    return True


def argument_key(value: Any) -> Any:
    """``key_of``, and a list of such values too (``Add()([a, b])``): an argument, read by the
    rule, never kept (a rule that keeps it leaves state that is not shared)."""
    if type(value) is list:
        return (_LIST, tuple([key_of(v) for v in value]))
    return key_of(value)


def arguments_key(positional: list[Any], keywords: dict[str, Any]) -> Any:
    """The key of a call's arguments (keyword order included: it orders Keras's messages)."""
    return (tuple([argument_key(v) for v in positional]),
            tuple([(k, argument_key(v)) for k, v in keywords.items()]))


class Table:
    """One bounded table of remembered results."""

    def __init__(self) -> None:
        self.entries: dict[Any, Any] = {}

    def get(self, key: Any) -> Any:
        return self.entries.get(key)

    def put(self, key: Any, value: Any) -> None:
        if len(self.entries) >= LIMIT:
            self.entries.clear()
        self.entries[key] = value


MADE = Table()      # (class, name, arguments) -> a pristine layer to copy
CALLED = Table()    # (made key, trainable, arguments read, call arguments) -> a Replay


def clear() -> None:
    """Forget every remembered result."""
    MADE.entries.clear()
    CALLED.entries.clear()
