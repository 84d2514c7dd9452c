"""Which values a replayed and a re-run statement may share, and when two values are the same.

The incremental analyser (``incremental.py``) replays the top-level statements an edit did not
touch, and keeps the explorations of functions nobody called (``explorations.py``).  A value one
run made may reach the next only if nothing can change it in place (``shareable``); a statement
need not run again when a name it reads holds a value it cannot tell apart from last time's
(``same_value``).  Containers of such values (a module's ``CONFIG`` dict, a list of block
settings) are compared by content (``plain_data``, ``same_data``).
"""

from __future__ import annotations

from ..engine.shape import UNKNOWN
from .values import MISSING, KerasRef, UserClass, UserFunction

DELETED = object()          # a name a statement removed (``del``), in its recorded writes
MAX_DATA_ITEMS = 10_000     # items ``plain_data`` copies at most (a bigger container is not compared)


def shareable(value, module_scope, depth: int = 0) -> bool:
    """Values a replayed and a re-run statement may both hold: nothing can mutate them."""
    if value is None or value is UNKNOWN or value is MISSING or value is DELETED:
        return True
    if isinstance(value, (bool, int, float, complex, str, bytes, range, KerasRef)):
        return True
    if depth >= 4:
        return False
    if isinstance(value, (UserFunction, UserClass)):
        # one defined inside a function call holds that call's variables (a factory's layer, a
        # ``nonlocal`` counter): they belong to the run that made it.  One from another module
        # holds that module's.
        if value.closure is not module_scope or getattr(value, "foreign", False):
            return False
        # what they hold can be mutated too: a function's default values, a class's attributes
        held = value.defaults.values() if isinstance(value, UserFunction) else [*value.namespace.values(), *value.bases]
        return all(shareable(v, module_scope, depth + 1) for v in held)
    if isinstance(value, tuple):
        return all(shareable(v, module_scope, depth + 1) for v in value)
    return False


def same_value(old, new) -> bool:
    """Equal values a later statement cannot tell apart (so it need not re-run)."""
    if old is new:
        return True
    if type(old) is not type(new) or not isinstance(old, (bool, int, float, str, bytes, tuple, KerasRef)):
        return False
    if isinstance(old, tuple) and not all(isinstance(v, (bool, int, float, str, type(None))) for v in old + new):
        return False
    try:
        return bool(old == new)
    except Exception:  # noqa: BLE001
        return False


def plain_data(value, module_scope, budget: list | None = None, depth: int = 0):
    """A copy of a container of shareable values (lists, dicts, sets and tuples of them, nested),
    to compare by content with ``same_data``; None for anything else, or a container too big."""
    budget = [MAX_DATA_ITEMS] if budget is None else budget
    if shareable(value, module_scope):
        return ("value", value)
    if depth >= 4 or type(value) not in (list, dict, set, tuple):
        return None
    budget[0] -= len(value)
    if budget[0] < 0:
        return None
    if type(value) is dict:
        if not all(shareable(key, module_scope) for key in value):
            return None
        items = [(key, plain_data(item, module_scope, budget, depth + 1)) for key, item in value.items()]
        return None if any(copy is None for _, copy in items) else ("dict", tuple(items))
    if type(value) is set:
        return ("set", frozenset(value)) if all(shareable(v, module_scope) for v in value) else None
    copies = tuple(plain_data(item, module_scope, budget, depth + 1) for item in value)
    return None if any(copy is None for copy in copies) else (type(value).__name__, copies)


def same_data(old, new) -> bool:
    """Whether two ``plain_data`` copies hold the same content."""
    if old[0] != new[0]:
        return False
    if old[0] == "value":
        return same_value(old[1], new[1])
    if old[0] == "set":
        return old[1] == new[1]
    if old[0] == "dict":
        return len(old[1]) == len(new[1]) and all(
            ok == nk and same_data(ov, nv) for (ok, ov), (nk, nv) in zip(old[1], new[1]))
    return len(old[1]) == len(new[1]) and all(same_data(o, n) for o, n in zip(old[1], new[1]))
