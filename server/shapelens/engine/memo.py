"""Rule results remembered by their arguments, so that a repeated layer runs its rule once.

Real models repeat themselves: ResNet stages stack the same block, a transformer the same layer, and
a file often builds several models with one helper.  A layer made with the same arguments, and first
called on the same shapes, gets the same answer.  So ``create_layer`` copies the layer it made
before, and ``Layer.apply`` replays what the first call left on it, instead of binding, validating
and running the rule again.  The call's key (``Applied.key``) also keys its MACs, which depend on
nothing else (``analyser/macs.call_macs``).

Only what can be keyed exactly is remembered, types included (``1``, ``True`` and ``1.0`` are
equal as dict keys, and Keras treats them differently): ``int``, ``str``, ``bool``, ``float`` (by
its ``repr``: ``-0.0`` is not ``0.0``), ``None``, ``UNKNOWN`` and tuples of them.  A layer that
holds anything else (a wrapped layer, a cell, a list, a name the analysis is watching) is made and
called the usual way.  So is a layer whose constructor or first call leaves state that is not such
a value: every first run is checked before it is remembered.

A rule is a pure function of the arguments and shapes it is given; the memo relies on nothing else.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from .shape import UNKNOWN

ENABLED = True      # off: every rule runs (the tests compare both ways)
LIMIT = 1024        # entries per table (about 1.8 KB each: at most ~3.6 MB held); a full table is
                    # emptied (the 2,000-line benchmark files need fewer than 100)

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
MACS = Table()      # the same key as ``CALLED`` -> the call's MACs (``engine.macs.layer_macs``)


def clear() -> None:
    """Forget every remembered result."""
    MADE.entries.clear()
    CALLED.entries.clear()
    MACS.entries.clear()


def shareable(value: Any) -> bool:
    """A value layers made alike may share: a keyable literal, or a frozen dataclass of them
    (a ``ParamCount``)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type) and value.__dataclass_params__.frozen:  # type: ignore[attr-defined]
        return all(keyable(getattr(value, f.name)) for f in dataclasses.fields(value))
    return keyable(value)


def _replayable(value: Any) -> bool:
    """A value a first call may leave and a replay give again: ``shareable``, or a list of
    keyable values (a merge's input shapes), which each layer gets a copy of."""
    if type(value) is list:
        return all(keyable(item) for item in value)
    return shareable(value)


T = TypeVar("T")


def copy_layer(layer: T) -> T:
    """A layer in the same state as ``layer``: its attributes shared (``shareable``), its
    ``args`` its own (they record the names a rule reads)."""
    new = object.__new__(type(layer))
    new.__dict__.update(vars(layer))
    new.args = layer.args.copy()  # type: ignore[attr-defined]
    return new


@dataclasses.dataclass(frozen=True)
class Replay:
    """What a layer's first call left: the attributes it set, and its answer.  (The arguments it
    read before are in the key: they decide the defaults its derivation lists; nothing reads them
    after the first call.)"""

    state: dict[str, Any]
    output: Any
    derivation: Any

    def on(self, layer: Any) -> tuple[Any, Any]:
        """Leave on ``layer`` what the first call left (a list: a copy of its own); its output and
        derivation."""
        for name, value in self.state.items():
            setattr(layer, name, list(value) if type(value) is list else value)
        return self.output, self.derivation

    @staticmethod
    def remember(key: Any, before: dict[str, Any], layer: Any, output: Any, derivation: Any) -> None:
        """Remember a first call, if all it left can be given again to later layers."""
        after = vars(layer)
        if any(k not in after for k in before) or not keyable(output):
            return
        state = {k: v for k, v in after.items() if k != "args" and (k not in before or before[k] is not v)}
        if all(_replayable(v) for v in state.values()):
            CALLED.put(key, Replay({k: list(v) if type(v) is list else v for k, v in state.items()},
                                   output, derivation))
