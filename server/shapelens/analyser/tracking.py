"""Which layers and variables a subclassed model or custom layer tracks: every layer (or model)
and every ``keras.Variable`` assigned to an attribute, directly or inside lists, tuples and dicts,
in order of first assignment — as Keras's attribute tracking does."""

from __future__ import annotations

from .values import Instance, KerasVariable, Operation


def tracked_layers(instance: Instance) -> list[Operation]:
    found: list[Operation] = []
    seen: set = set()

    visited_containers: set = set()

    def walk(value, depth: int) -> None:
        if depth > 8:
            return
        if isinstance(value, (list, tuple, dict)):
            if id(value) in visited_containers:
                return
            visited_containers.add(id(value))
        if isinstance(value, Instance):
            value = value.keras_object
        if isinstance(value, Operation):
            if id(value) not in seen:
                seen.add(id(value))
                found.append(value)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item, depth + 1)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item, depth + 1)

    for name, value in instance.attrs.items():
        if not name.startswith("__"):
            walk(value, 0)
    return found


def tracked_variables(instance: Instance) -> list[KerasVariable]:
    """The variables the instance's own attributes hold (not those of the layers it tracks)."""
    found: list[KerasVariable] = []
    seen: set = set()

    def walk(value, depth: int) -> None:
        if depth > 8 or id(value) in seen:
            return
        if isinstance(value, KerasVariable):
            seen.add(id(value))
            found.append(value)
        elif isinstance(value, (list, tuple)):
            seen.add(id(value))
            for item in value:
                walk(item, depth + 1)
        elif isinstance(value, dict):
            seen.add(id(value))
            for item in value.values():
                walk(item, depth + 1)

    for name, value in instance.attrs.items():
        if not name.startswith("__"):
            walk(value, 0)
    return found
