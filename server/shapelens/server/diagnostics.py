"""Analyser diagnostics → LSP diagnostics: severity Error for shape errors Keras would raise,
Information for analysis-limit notes; source ``shapelens``; ``code`` is the analyser's code."""

from __future__ import annotations

from lsprotocol import types

from .positions import Converter

SOURCE = "shapelens"


def to_lsp(diagnostics, converter: Converter) -> list[types.Diagnostic]:
    out = []
    for d in sorted(diagnostics, key=lambda d: (d.span.line, d.span.column, d.code)):
        span = d.span
        start_line, end_line = span.line - 1, span.end_line - 1
        severity = (types.DiagnosticSeverity.Error if d.severity == "error"
                    else types.DiagnosticSeverity.Information)
        out.append(types.Diagnostic(
            range=types.Range(
                start=types.Position(start_line, converter.to_client(start_line, span.column)),
                end=types.Position(end_line, converter.to_client(end_line, span.end_column)),
            ),
            message=d.message,
            severity=severity,
            code=d.code,
            source=SOURCE,
        ))
    return out
