"""Bind a layer call's arguments to the layer's Keras signature, remembering which were defaults.

Signatures are written the way Keras writes them, as Python parameter lists, e.g.
``"filters, kernel_size, strides=(1, 1), padding='valid', use_bias=True, **kwargs"``.  They are
parsed once with ``ast`` (only literals: nothing is evaluated).  ``Args`` records every argument a
rule reads, so a derivation can list the Keras defaults it relied on without any per-layer code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from .errors import ShapeError
from .shape import UNKNOWN

_MISSING = object()


@dataclass(frozen=True)
class Signature:
    names: tuple[str, ...]          # positional-or-keyword names in order
    defaults: dict[str, Any]        # name -> default (absent: required)
    keyword_only: tuple[str, ...]   # names after * / *args
    var_keyword: bool       # has **kwargs
    all_names: tuple[str, ...] = field(init=False)     # names + keyword_only
    named: frozenset[str] = field(init=False)          # the same, for membership tests

    def __post_init__(self) -> None:
        object.__setattr__(self, "all_names", self.names + self.keyword_only)
        object.__setattr__(self, "named", frozenset(self.all_names))


@lru_cache(maxsize=None)
def parse_signature(text: str) -> Signature:
    fn = cast(ast.FunctionDef, ast.parse(f"def _({text}): pass").body[0])
    a = fn.args
    names = tuple(p.arg for p in a.posonlyargs + a.args)
    defaults: dict[str, Any] = {}
    positional = a.posonlyargs + a.args
    for p, d in zip(positional[len(positional) - len(a.defaults):], a.defaults):
        defaults[p.arg] = ast.literal_eval(d)
    kwonly = tuple(p.arg for p in a.kwonlyargs)
    for p, kw_default in zip(a.kwonlyargs, a.kw_defaults):
        if kw_default is not None:
            defaults[p.arg] = ast.literal_eval(kw_default)
    return Signature(names, defaults, kwonly, a.kwarg is not None)


class Args:
    """Bound arguments of one layer (or one call), with default tracking.

    ``args["filters"]`` reads a value; ``args.given("strides")`` says whether the user wrote it.
    Values are Python literals, ``UNKNOWN``, shapes (for tensor arguments of calls) or engine
    ``Layer`` objects (for wrappers such as ``Bidirectional(LSTM(8))``).
    """

    def __init__(self, values: dict[str, Any], given: set[str], extra: dict[str, Any]) -> None:
        self._values = values
        self._given = given
        self.extra = extra          # **kwargs that the signature does not name
        self._read: dict[str, None] = {}     # names read, in order

    def __getitem__(self, name: str) -> Any:
        self._read[name] = None
        return self._values[name]

    def peek(self, name: str, default: Any = None) -> Any:
        """Read a value without recording it as used (bookkeeping such as ``name``)."""
        if name in self._values:
            return self._values[name]
        return self.extra.get(name, default)

    def get(self, name: str, default: Any = None) -> Any:
        if name in self._values:
            return self[name]
        return self.extra.get(name, default)

    def __contains__(self, name: str) -> bool:
        return name in self._values or name in self.extra

    def given(self, name: str) -> bool:
        return name in self._given or name in self.extra

    def defaults_used(self) -> list[str]:
        """``name=value`` for every argument read but not written by the user."""
        out = []
        for name in self._read:
            if name not in self._given and name in self._values:
                value = self._values[name]
                out.append(f"{name}={_show(value)}")
        return out

    def copy(self) -> "Args":
        """An independent copy, reads included (the values themselves are shared)."""
        new = Args(dict(self._values), set(self._given), dict(self.extra))
        new._read = dict(self._read)
        return new

    def read_names(self) -> tuple[str, ...]:
        """The names read so far, in order."""
        return tuple(self._read)

    def replace(self, **values: Any) -> "Args":
        """A copy with some values changed (treated as given)."""
        new = Args(dict(self._values, **values), self._given | set(values), dict(self.extra))
        return new


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)


def bind(signature_text: str, positional: list[Any], keywords: dict[str, Any], what: str) -> Args:
    """Bind like Python would; a missing required argument is UNKNOWN (never an error: the user
    may still be typing), too many positional arguments or an unknown keyword raise
    ``invalid-argument`` as Keras would (``TypeError``)."""
    sig = parse_signature(signature_text)
    values: dict[str, Any] = {}
    given: set[str] = set()
    if len(positional) > len(sig.names):
        raise ShapeError(
            "invalid-argument",
            f"{what}() takes {len(sig.names)} positional arguments but {len(positional)} were given",
        )
    for name, value in zip(sig.names, positional):
        values[name] = value
        given.add(name)
    extra: dict[str, Any] = {}
    named, defaults = sig.named, sig.defaults
    for name, value in keywords.items():
        if name in named:
            if name in given:
                raise ShapeError("invalid-argument", f"{what}() got multiple values for argument '{name}'")
            values[name] = value
            given.add(name)
        else:
            extra[name] = value
    for name in sig.all_names:
        if name not in values:
            values[name] = defaults.get(name, UNKNOWN)
    return Args(values, given, extra)
