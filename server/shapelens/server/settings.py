"""The ``shapelens`` settings: defaults, and merging what a client sends.

Sources, later ones winning: the defaults below, ``initializationOptions`` (the whole object,
or its ``shapelens`` member), then ``workspace/configuration`` for section ``shapelens`` (or a
``workspace/didChangeConfiguration`` notification carrying ``{"shapelens": {...}}`` for
clients that push settings).  Both nested (``{"inlayHints": {"enabled": false}}``) and dotted
(``{"inlayHints.enabled": false}``) spellings are accepted; unknown keys and values of the
wrong type are ignored.  See ``docs/settings.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class Settings:
    inlay_hints_enabled: bool = True
    show_params: bool = True
    show_zero_param_layers: bool = False
    diagnostics_enabled: bool = True
    batch_dimension_label: str = "None"


# setting key (as written in the client's settings) -> (field, type)
KEYS = {
    "inlayHints.enabled": ("inlay_hints_enabled", bool),
    "inlayHints.showParams": ("show_params", bool),
    "inlayHints.showZeroParamLayers": ("show_zero_param_layers", bool),
    "diagnostics.enabled": ("diagnostics_enabled", bool),
    "batchDimensionLabel": ("batch_dimension_label", str),
}


def _flatten(value, prefix: str = "") -> dict:
    out = {}
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(item, dict):
                out.update(_flatten(item, name))
            else:
                out[name] = item
    return out


def section_of(options) -> dict | None:
    """The ``shapelens`` part of an ``initializationOptions`` / settings object."""
    if not isinstance(options, dict):
        return None
    inner = options.get("shapelens")
    if isinstance(inner, dict):
        return inner
    return options


def merge(settings: Settings, values) -> Settings:
    """``settings`` with every recognised key of ``values`` applied."""
    if not isinstance(values, dict):
        return settings
    changes: dict[str, Any] = {}          # field name -> a bool or a str, as the field's kind says
    for key, value in _flatten(values).items():
        spec = KEYS.get(key)
        if spec is None:
            continue
        field_name, kind = spec
        if kind is bool and isinstance(value, bool):
            changes[field_name] = value
        elif kind is str and isinstance(value, str) and value.strip():
            changes[field_name] = value.strip()
    return replace(settings, **changes) if changes else settings
