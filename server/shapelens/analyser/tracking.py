"""Which layers and variables a subclassed model or custom layer tracks: every layer (or model)
and every ``keras.Variable`` assigned to an attribute, directly or inside lists, tuples and dicts,
in order of first assignment — as Keras's attribute tracking does."""

from __future__ import annotations

from collections.abc import Iterator

from .values import Instance, KerasVariable, Operation


def _attribute_values(instance: Instance) -> Iterator[object]:
    """The values the instance's attributes hold, containers opened (each once, 8 levels deep);
    another instance is a value, not opened: what it tracks is its own."""
    visited_containers: set = set()

    def walk(value, depth: int) -> Iterator[object]:
        if depth > 8:
            return
        if isinstance(value, (list, tuple, dict)):
            if id(value) in visited_containers:
                return
            visited_containers.add(id(value))
            for item in (value.values() if isinstance(value, dict) else value):
                yield from walk(item, depth + 1)
        else:
            yield value

    for name, value in instance.attrs.items():
        if not name.startswith("__"):
            yield from walk(value, 0)


def tracked_layers(instance: Instance) -> list[Operation]:
    found: list[Operation] = []
    seen: set = set()
    for value in _attribute_values(instance):
        if isinstance(value, Instance):
            value = value.keras_object
        if isinstance(value, Operation) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)
    return found


def tracked_variables(instance: Instance) -> list[KerasVariable]:
    """The variables the instance's own attributes hold (not those of the layers it tracks)."""
    found: list[KerasVariable] = []
    seen: set = set()
    for value in _attribute_values(instance):
        if isinstance(value, KerasVariable) and id(value) not in seen:
            seen.add(id(value))
            found.append(value)
    return found
