"""The analyser: Python source → models, layer-call results and diagnostics, without running
or importing the source.  ``analyse_source(text)`` is the entry point."""

from .analysis import analyse_source, parse_with_recovery

__all__ = ["analyse_source", "parse_with_recovery"]
