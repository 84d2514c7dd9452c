"""Client settings merged into ``Settings`` (``docs/settings.md``)."""

from __future__ import annotations

from shapelens.server.settings import Settings, merge, section_of


def test_settings_merge():
    settings = merge(Settings(), {"inlayHints": {"showParams": False}, "batchDimensionLabel": "N",
                                  "diagnostics.enabled": False, "inlayHints.enabled": "yes", "unknown": 1})
    assert settings == Settings(show_params=False, batch_dimension_label="N", diagnostics_enabled=False)
    assert section_of({"shapelens": {"a": 1}}) == {"a": 1}
