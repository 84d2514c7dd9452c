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
    note = None if model.rows_complete else ("more rows not known: part of this model is built in a "
                                             "branch or a loop that cannot be decided statically")
    return _table(f'Model: "{model.keras_name}"', "Output Shape", model.rows, model.params, note)


def _table(title: str, shape_header: str, table_rows, p, note: str | None = None) -> str:
    header = ("Layer (type)", shape_header, "Param #")
    rows = [(f"{r.name} ({r.class_name})", r.output_shape,
             count_text(r.params) + ("" if r.built else " (unbuilt)")) for r in table_rows]
    widths = [max([len(header[i])] + [len(row[i]) for row in rows]) + 2 for i in range(3)]
    widths = [max(widths[0], 33), max(widths[1], 24), max(widths[2], 15)]

    def line(left, mid, right, fill):
        return left + mid.join(fill * (w) for w in widths) + right

    def cells(values, edge="│"):
        parts = [f" {values[0]:<{widths[0] - 2}} ", f" {values[1]:<{widths[1] - 2}} ",
                 f" {values[2]:>{widths[2] - 2}} "]
        return edge + edge.join(parts) + edge

    out = [title]
    out.append(line("┏", "┳", "┓", "━"))
    out.append(cells(header, "┃"))
    out.append(line("┡", "╇", "┩", "━"))
    for i, row in enumerate(rows):
        if i:
            out.append(line("├", "┼", "┤", "─"))
        out.append(cells(row))
    out.append(line("└", "┴", "┘", "─"))
    if note:
        out.append(f" ({note})")
    out.append(f" Total params: {count_text(p.total)} ({memory_text(p.total)})")
    out.append(f" Trainable params: {count_text(p.trainable)} ({memory_text(p.trainable)})")
    out.append(f" Non-trainable params: {count_text(p.non_trainable)} ({memory_text(p.non_trainable)})")
    return "\n".join(out)


# ---- shapes traced by ShapeLens inside a subclassed model's call() ----------------------------------

BUILD_ONLY_NOTE = "Keras's `summary()` will show `?` until the model is called on data"


def runs_text(texts: list[str]) -> str:
    """Several traced runs of one thing, as the inlay hints show them: ``×2: (2, 4) | (2, 3, 4)``
    (``×2: (2, 4)`` when the runs agree)."""
    if len(texts) == 1:
        return texts[0]
    if len(set(texts)) == 1:
        return f"×{len(texts)}: {texts[0]}"
    return f"×{len(texts)}: " + " | ".join(texts)


def traced_note(tables) -> str:
    """What the traced values are, for the reader who would take them for Keras's."""
    if all(t.how == "build" for t in tables):
        return f"traced by ShapeLens from `build()`; {BUILD_ONLY_NOTE}"
    return "traced by ShapeLens, not printed by Keras"


def traced_rows(tables) -> list:
    """One row per sublayer, its outputs over every traced run, its params after the last."""
    from dataclasses import replace

    rows = []
    for index, row in enumerate(tables[-1].rows):
        texts = [t.rows[index].output_shape if index < len(t.rows) else "?" for t in tables]
        rows.append(replace(row, output_shape=runs_text(texts)))
    return rows


def traced_table(model: ModelReport) -> str | None:
    """The traced table of a subclassed model, labelled as traced (never passed off as Keras's),
    or None when the model was never traced on known shapes."""
    tables = model.traced
    if not tables:
        return None
    title = (f'Traced by ShapeLens, not printed by Keras: "{model.keras_name}" on input '
             f"{runs_text([t.input_shape for t in tables])}")
    if all(t.how == "build" for t in tables):
        title += f"\n(from build(): {BUILD_ONLY_NOTE.replace('`', '')})"
    return _table(title, "Output Shape (traced)", traced_rows(tables), tables[-1].params)


def traced_class_text(name: str, models, results) -> str | None:
    """Markdown for the hover on ``class Name``: each input the class was traced with, its
    output and total params (``models``: ``ModelReport``s; ``results``: ``CallResult``s of calls
    to instances of the class), marked as traced.  None when it never was."""
    lines, covered = [], set()
    notes = []
    for model in models:
        if model.class_name == name and model.traced:
            covered.add(model.keras_name)
            notes.append(traced_note(model.traced))
            for t in model.traced:
                how = "`build()`" if t.how == "build" else "call"
                lines.append(f"- `{model.variable}` ({how}): input `{t.input_shape}` → `{t.output_shape}`, "
                             f"**{count_text(t.params.total)}** params")
    for r in results:
        if r.class_name == name and r.layer_name not in covered:
            params = r.layer_params.total if r.layer_params is not None else UNKNOWN
            lines.append(f"- `{r.layer_name}`: input `{_shape_of(r.input_shapes)}` → `{_shape_of(r.output)}`, "
                         f"**{count_text(params)}** params")
            notes.append("traced by ShapeLens")
    if not lines:
        return None
    note = f"`build()`: {BUILD_ONLY_NOTE}" if any(BUILD_ONLY_NOTE in n for n in notes) else None
    out = [f"**{name}** — traced by ShapeLens ({len(lines)} run{'s' if len(lines) != 1 else ''})", "", *lines[:16]]
    if len(lines) > 16:
        out.append(f"- … and {len(lines) - 16} more")
    if note:
        out += ["", note]
    return "\n".join(out)


def _shape_of(shape) -> str:
    from .engine.shape import format_dim, is_shape_list

    if isinstance(shape, tuple) and not is_shape_list(shape):
        return "(" + ", ".join(format_dim(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    if isinstance(shape, (list, tuple)) and shape:
        return "[" + ", ".join(_shape_of(s) for s in shape) + "]"
    return "?"


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
            "traced": [{       # shapes inside call() traced by ShapeLens: not what Keras's summary() prints
                "how": table.how,
                "input_shape": table.input_shape,
                "output_shape": table.output_shape,
                "total_params": _json_count(table.params.total),
                "trainable_params": _json_count(table.params.trainable),
                "non_trainable_params": _json_count(table.params.non_trainable),
                "layers": [{"name": row.name, "class": row.class_name, "output_shape": row.output_shape,
                            "params": _json_count(row.params)} for row in table.rows],
            } for table in model.traced],
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
