"""Keras's default layer names as values that can be renumbered after an edit.

Keras names a layer from a global counter per class: the fourth ``Conv2D`` of a session is
``conv2d_3``.  Typing a layer near the top of a file therefore changes the name of every later
layer of that class.  The incremental analyser (``incremental.py``) would have to run again every
later statement that names layers; instead it renumbers the names those statements made, in
place, when that is known to give what a new run would:

* ``AutoName`` is a ``str`` that also knows its prefix and count.  The incremental analyser's
  recorder hands them out (a full analysis uses plain strings).
* While a statement runs, ``WATCH`` logs each ``AutoName`` whose *text* is used: formatted
  into a message, compared (``get_layer("dense_2")``), hashed, sliced, read by the user's code
  (``layer.name``).  A statement that used a name's text must run again when the name changes.
* ``WATCH`` also logs the objects a name is stored in (``Operation.name``, an engine layer's
  ``name``).  Renumbering replaces the name in each of them and in the call results that copied
  it, and only when ``sys.getrefcount`` shows that nothing else holds the name.  Any reference
  it does not know of makes the statement run again instead.
"""

from __future__ import annotations

import sys
import threading

from .recorder import UNSURE


class AutoName(str):
    """A default name (``conv2d_3``, ``dense``) with its ``prefix`` and ``number``.  ``unsure``:
    shown as ``conv2d_?``, because a branch that may not run named a layer of this prefix before
    (``Recorder.unique_name``); ``branching``: given inside such a branch."""

    prefix: str
    number: int
    unsure: bool
    branching: bool

    @classmethod
    def make(cls, prefix: str, number: int, unsure: bool, branching: bool) -> AutoName:
        text = f"{prefix}_?" if unsure else prefix if number == 0 else f"{prefix}_{number}"
        name = cls(text)
        name.prefix, name.number, name.unsure, name.branching = prefix, number, unsure, branching
        return name


class _Watch(threading.local):
    """What the running statement does with names: ``used`` (names whose text it used) and
    ``holders`` (``(object, attribute)`` it stored a name in); both ``None`` when no statement of
    an incremental analysis is running.  One per thread: the server analyses several documents
    at once."""

    def __init__(self) -> None:
        self.used: list | None = None
        self.holders: list | None = None

    def begin(self) -> None:
        self.used = []
        self.holders = []

    def end(self) -> tuple[list, list]:
        used, holders = self.used or [], self.holders or []
        self.used = self.holders = None
        return used, holders


WATCH = _Watch()


def used(name) -> None:
    """``name``'s text is used by the running statement (a no-op for plain strings)."""
    if type(name) is AutoName and WATCH.used is not None:
        WATCH.used.append(name)


def stored(obj, attribute: str, name) -> None:
    """``name`` was stored in ``obj.attribute`` while a statement ran."""
    if type(name) is AutoName and WATCH.holders is not None:
        WATCH.holders.append((obj, attribute))


def plain(name):
    """``name`` as a plain ``str`` (a snapshot: what reports keep)."""
    return str.__str__(name) if type(name) is AutoName else name


def _watched(method_name: str):
    method = getattr(str, method_name)

    def watched(self, *args, **kwargs):
        if WATCH.used is not None:
            WATCH.used.append(self)
        return method(self, *args, **kwargs)

    watched.__name__ = method_name
    return watched


# every way Python code reads a string's text (C code that reads the buffer directly, such as
# ``str.join``, is not seen: the analyser gives names to it only through the methods below)
for _method in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__hash__", "__format__",
                "__str__", "__repr__", "__add__", "__mul__", "__rmul__", "__mod__", "__getitem__",
                "__iter__", "__len__", "__contains__", "capitalize", "casefold", "center", "count",
                "encode", "endswith", "expandtabs", "find", "format", "index", "isalnum", "isalpha",
                "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric", "isprintable",
                "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition",
                "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition",
                "rsplit", "rstrip", "split", "splitlines", "startswith", "strip", "swapcase", "title",
                "translate", "upper", "zfill"):
    setattr(AutoName, _method, _watched(_method))


def _radd(self, other):
    if WATCH.used is not None:
        WATCH.used.append(self)
    return str.__add__(other, self) if isinstance(other, str) else NotImplemented


AutoName.__radd__ = _radd      # type: ignore[attr-defined]   # "layer " + name


def _references_while_listed() -> int:
    """What ``sys.getrefcount`` gives for a name held only by a list that a ``for`` loop walks,
    as ``Renumbering.renumber`` walks a record's names (the list, the loop variable and the
    call's argument; measured, not assumed, since interpreters count differently)."""
    names = [AutoName.make("probe", 1, False, False)]
    for name in names:
        return sys.getrefcount(name)
    raise AssertionError


# references to a name that ``renumber`` accounts for itself
_OWN_REFERENCES = _references_while_listed()


class Renumbering:
    """Renumbers the names of statements replayed after a change in the counters before them.

    ``records`` are those that could hold the names (from the first record renumbered on);
    ``used`` is the ids of the names any of them used as text; ``renamed`` collects the ids of the
    objects that were given a new name.  Where a name is stored is looked
    up in its own record first, and in all of them (an index built once) when that does not
    account for every reference."""

    def __init__(self, records, renamed: set) -> None:
        self.records = list(records)
        self.renamed = renamed
        self.used: set[int] = set()
        for record in self.records:
            self.used.update(record.used_names)
        self.everywhere: dict[int, dict] | None = None

    @staticmethod
    def _index(records) -> dict[int, dict]:
        """``id(name)`` -> ``{(id(object), attribute): object}`` where ``records`` stored it."""
        index: dict[int, dict] = {}

        def hold(obj, attribute: str) -> None:
            name = getattr(obj, attribute, None)
            if type(name) is AutoName:
                index.setdefault(id(name), {})[(id(obj), attribute)] = obj

        for record in records:
            for obj, attribute in record.holders:
                hold(obj, attribute)
            for event in record.events:
                if event[0] == "call":
                    hold(event[2], "layer_name")
        return index

    def _own(self, record, needed: list) -> list:
        """Per name of ``record``, where the record stored it: listed on its first renumbering and
        kept (a replayed statement's objects stay the same; a renumbering gives the same places
        new names), then checked to still hold those names — the ``needed`` ones (indices), those
        about to change; listed again if one does not."""
        own = record.name_holders
        if own is not None and len(own) == len(record.names) and all(
                getattr(obj, attribute, None) is record.names[i]
                for i in needed for (_id, attribute), obj in own[i].items()):
            return own
        index = self._index([record])
        record.name_holders = [index.get(id(name), {}) for name in record.names]
        return record.name_holders

    def renumber(self, record, count) -> bool:
        """Give ``record``'s names what a new run gives them, now that its counters start at
        ``count(key)`` (``Recorder.unique_name``'s rules); False (nothing changed) when that
        cannot be done safely.  Only the names that change are looked at: a layer typed above
        shifts one class's numbers, and the other names keep their text and their places."""
        if not record.renumberable:
            return False
        prefixes = {name.prefix for name in record.names}
        shift = {prefix: count(prefix) - record.uid_start[prefix] for prefix in prefixes}
        unsure_from_start = {prefix for prefix in prefixes if count(prefix + UNSURE) > 0}
        marked: set = set()               # prefixes a name given in a branch made unsure
        targets: list = []                # per name: (number, unsure) when it changes, else None
        for name in record.names:
            prefix = name.prefix
            unsure = prefix in unsure_from_start or prefix in marked
            if name.branching and not unsure:
                marked.add(prefix)
            number = name.number + shift[prefix]
            targets.append(None if number == name.number and unsure == name.unsure else (number, unsure))
        needed = [i for i, target in enumerate(targets) if target is not None]
        own = self._own(record, needed) if needed else []
        plan: list = []
        position = 0
        for name in record.names:       # a plain loop: ``_OWN_REFERENCES`` counts what it holds
            target = targets[position]
            if target is None:
                plan.append(None)
                position += 1
                continue
            if id(name) in self.used:
                return False
            holders = own[position]
            position += 1
            if sys.getrefcount(name) != len(holders) + _OWN_REFERENCES:
                if self.everywhere is None:       # held by a later statement's objects too?
                    self.everywhere = self._index(self.records)
                holders = self.everywhere.get(id(name), {})
                if sys.getrefcount(name) != len(holders) + _OWN_REFERENCES:
                    return False          # stored somewhere it cannot be replaced
            plan.append(holders)
        names = []
        for name, target, holders in zip(record.names, targets, plan):
            if target is None:
                names.append(name)
                continue
            new = AutoName.make(name.prefix, target[0], target[1], name.branching)
            for (_id, attribute), obj in holders.items():
                object.__setattr__(obj, attribute, new)
                self.renamed.add(id(obj))
            names.append(new)
        for prefix in prefixes:
            record.uid_delta[prefix + UNSURE] = 1 if prefix in marked else 0
        record.names = names
        record.uid_start = {key: count(key) for key in record.uid_start}
        return True
