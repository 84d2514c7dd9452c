"""Presenting an ``Analysis``: the ``model.summary()``-style table, the JSON report of
``shapelens check --format json``, and the one-line problem format."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .engine.shape import UNKNOWN

if TYPE_CHECKING:       # annotations only: presenting a result does not load the analyser
    from .analyser import Analysis, ModelReport


def count_text(value) -> str:
    return "?" if value is UNKNOWN or value is None else f"{value:,}"


def memory_text(params) -> str:
    """Keras's ``readable_memory_size`` for float32 weights (4 bytes each)."""
    if params is UNKNOWN or params is None or params.bit_length() > 1000:
        return "?"
    size = params * 4.0
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size / 1024 < 1:
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} PB"


def summary_table(model: ModelReport) -> str:
    """The table ``model.summary()`` prints (without colours and the "Connected to" column)."""
    header = ("Layer (type)", "Output Shape", "Param #")
    rows = [(f"{r.name} ({r.class_name})", r.output_shape,
             count_text(r.params) + ("" if r.built else " (unbuilt)")) for r in model.rows]
    widths = [max([len(header[i])] + [len(row[i]) for row in rows]) + 2 for i in range(3)]
    widths = [max(widths[0], 33), max(widths[1], 24), max(widths[2], 15)]

    def line(left, mid, right, fill):
        return left + mid.join(fill * (w) for w in widths) + right

    def cells(values, edge="│"):
        parts = [f" {values[0]:<{widths[0] - 2}} ", f" {values[1]:<{widths[1] - 2}} ",
                 f" {values[2]:>{widths[2] - 2}} "]
        return edge + edge.join(parts) + edge

    out = [f'Model: "{model.keras_name}"']
    out.append(line("┏", "┳", "┓", "━"))
    out.append(cells(header, "┃"))
    out.append(line("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        if i:
            out.append(line("├", "┼", "┤", "─"))
        out.append(cells(row))
    out.append(line("└", "┴", "┘", "─"))
    if not model.rows_complete:
        out.append(" (more rows not known: part of this model is built in a branch or a loop that "
                   "cannot be decided statically)")
    p = model.params
    out.append(f" Total params: {count_text(p.total)} ({memory_text(p.total)})")
    out.append(f" Trainable params: {count_text(p.trainable)} ({memory_text(p.trainable)})")
    out.append(f" Non-trainable params: {count_text(p.non_trainable)} ({memory_text(p.non_trainable)})")
    return "\n".join(out)


def _json_count(value):
    return None if value is UNKNOWN or value is None else value


def file_json(path: str, analysis: Analysis, locate=None) -> dict:
    """One entry of the ``files`` list (lines and columns 1-based; end column exclusive).  For a
    notebook, ``locate(line) -> (cell number, line in cell)`` and positions get a ``cell``."""
    def at(line, key="line", cell_key="cell"):
        if line is None or locate is None:
            return {key: line}
        cell, in_cell = locate(line) or (None, None)
        return {cell_key: cell, key: in_cell}

    models = []
    for model in analysis.models:
        models.append({
            "name": model.variable,
            "class": model.class_name,
            **at(model.span.line if model.span else None),
            "total_params": _json_count(model.params.total),
            "trainable_params": _json_count(model.params.trainable),
            "non_trainable_params": _json_count(model.params.non_trainable),
            "macs": _json_count(model.macs),
            "rows_complete": model.rows_complete,
            "layers": [{
                "name": row.name,
                "class": row.class_name,
                **at(row.span.line if row.span else None),
                "column": row.span.column + 1 if row.span else None,
                "output_shape": row.output_shape,
                "params": _json_count(row.params),
                "macs": _json_count(row.macs),
            } for row in model.rows],
        })
    diagnostics = [{
        **at(d.span.line), "column": d.span.column + 1,
        **at(d.span.end_line, "end_line", "end_cell"), "end_column": d.span.end_column + 1,
        "severity": d.severity, "code": d.code, "message": d.message,
    } for d in sorted(analysis.diagnostics, key=lambda d: (d.span.line, d.span.column))]
    return {"path": path, "models": models, "diagnostics": diagnostics}


def where_text(path: str, line: int, locate=None) -> str:
    """``path:line``, or ``nb.ipynb:cell 3:line 2`` in a notebook."""
    place = locate(line) if locate is not None else None
    return f"{path}:cell {place[0]}:line {place[1]}" if place else f"{path}:{line}"


def problem_lines(path: str, analysis: Analysis, locate=None) -> list[str]:
    out = []
    for d in sorted(analysis.diagnostics, key=lambda d: (d.span.line, d.span.column)):
        kind = "error" if d.severity == "error" else "note"
        column = f"column {d.span.column + 1}" if locate is not None else d.span.column + 1
        out.append(f"{where_text(path, d.span.line, locate)}:{column}: {kind}[{d.code}]: {d.message}")
    return out
