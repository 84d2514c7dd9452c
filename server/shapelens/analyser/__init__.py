"""The analyser: Python source → models, layer-call results and diagnostics, without running
or importing the source.  ``analyse_source(text)`` is the entry point.

These names are the analyser's public API: the CLI and the language server use nothing else
(``tests/test_architecture.py``).

* ``analyse_source(text, path, module_loader) -> Analysis`` — one file, once;
  ``analyse_oversized(size_in_bytes)`` — the note for a file over the size limits, unread;
  ``decode_source(data)`` — a file's bytes as Python decodes them (BOM, PEP 263, else UTF-8);
* ``IncrementalAnalysis().update(text, loader, cancel) -> Outcome`` — successive versions of one
  document, re-analysing only what an edit touched (equal to a full analysis);
  ``analyse_for_editor(text, loader, cancel) -> Outcome`` is the same without reuse;
  ``Outcome`` adds each model's MACs and the modules read; ``Cancelled`` is raised when
  ``cancel`` is set; ``macs_of(result)`` is one layer call's MACs; ``update(…, viewport)`` hands
  a ``Viewport``'s ranges of lines their final hints as soon as a first analysis proves them;
* ``module_loader(path, open_buffer)`` — reads the user's own modules (never imports them);
* ``line_mapping(old_lines, new_lines)`` / ``map_span(span, mapping)`` — where unchanged lines
  moved to after an edit;
* ``read_notebook(text)`` / ``notebook_source(cells)`` / ``analyse_notebook(cells, path, loader)``
  — Jupyter notebooks: the code cells as one module, IPython syntax blanked, ``NotebookSource``
  mapping module lines back to (cell, line in cell); ``NotebookError`` for a file that is not one;
* the result types: ``Analysis``, ``CallSite``, ``CallResult``, ``ModelReport``, ``LayerRow``,
  ``Diagnostic``, ``Span``.
"""

from .analysis import analyse_oversized, analyse_source, parse_with_recovery
from .incremental import IncrementalAnalysis, line_mapping, map_span
from .notebook import NotebookError, NotebookSource, analyse_notebook, notebook_source, read_notebook
from .result import Analysis, CallResult, CallSite, Diagnostic, LayerRow, ModelReport, Span, TracedTable
from .runner import Cancelled, Outcome, macs_of
from .runner import analyse as analyse_for_editor
from .viewport import Viewport
from .workspace import decode_source, module_loader

__all__ = [
    "Analysis",
    "CallResult",
    "CallSite",
    "Cancelled",
    "Diagnostic",
    "IncrementalAnalysis",
    "LayerRow",
    "ModelReport",
    "NotebookError",
    "NotebookSource",
    "Outcome",
    "Span",
    "TracedTable",
    "Viewport",
    "analyse_for_editor",
    "analyse_notebook",
    "analyse_oversized",
    "analyse_source",
    "decode_source",
    "line_mapping",
    "macs_of",
    "map_span",
    "module_loader",
    "notebook_source",
    "parse_with_recovery",
    "read_notebook",
]
