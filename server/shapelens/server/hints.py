"""Inlay hint texts: one per layer call site, one per model-building line.

* a layer call: ``(None, 148, 148, 16) · 448 params`` — the parameter part only when the call
  built the layer (a shared layer's later calls show the shape alone) and, for layers without
  weights, only when ``showZeroParamLayers`` is on;
* a site run several times (a layer inside a helper called three times):
  ``×3: (None, 32, 32, 16) | (None, 16, 16, 32) | …``; identical runs collapse to
  ``×3: (None, 10) · 330 params``; a site keeps the results of its first 64 runs, and one run
  more often ends in ``…``: ``×100: (None, 8) · 72 params | …``; a site in a loop the analysis
  stopped part-way may run more often than counted: ``×64+: (None, 8) · 72 params | …``;
* a helper call (a user function returning tensors): ``→ (None, 16, 16, 32)``;
* a model constructor: ``Model: 9,494,561 params (36.22 MB)``.

Unknown values print ``?``.  The leading ``None`` of every shape becomes
``batchDimensionLabel``.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.shape import UNKNOWN, format_dim, is_shape_list
from ..report import count_text, memory_text
from .settings import Settings

MAX_HINT_CHARS = 60


@dataclass(frozen=True)
class Hint:
    line: int           # 1-based
    column: int         # character column (code points)
    label: str
    kind: str           # "layer" | "helper" | "model" (a model used as a layer) | "summary"


def shape_text(shape, batch_label: str = "None", leading: bool = True) -> str:
    """Keras's spelling of a shape structure, with the batch axis spelled ``batch_label``."""
    if shape is UNKNOWN or shape is None:
        return "?"
    if isinstance(shape, dict):
        return "{" + ", ".join(f"{k!r}: {shape_text(v, batch_label)}" for k, v in shape.items()) + "}"
    if is_shape_list(shape):
        return "[" + ", ".join(shape_text(s, batch_label) for s in shape) + "]"
    if isinstance(shape, tuple):
        dims = [format_dim(d) for d in shape]
        if dims and shape[0] is None and leading:
            dims[0] = batch_label
        if len(dims) == 1:
            return f"({dims[0]},)"
        return "(" + ", ".join(dims) + ")"
    return "?"


def params_text(count) -> str:
    return f"{count_text(count)} param{'' if count == 1 else 's'}"


def result_text(result, settings: Settings, with_params: bool = True) -> str:
    text = shape_text(result.output, settings.batch_dimension_label)
    if not with_params or not settings.show_params or result.params is None:
        return text
    total = result.params.total
    if total == 0 and not settings.show_zero_param_layers:
        return text
    return f"{text} · {params_text(total)}"


def compact(items: list[str], count: int, more: bool = False) -> str:
    """``×N: a | b | …`` within ``MAX_HINT_CHARS`` (at least one item is always shown); ``…``
    also when the site ran more often (``count``) than it kept results (``items``); ``×N+``
    when it may run ``more`` often than that (a loop stopped part-way)."""
    shown: list[str] = []
    length = 0
    for item in items:
        extra = len(item) + (3 if shown else 0)
        if shown and length + extra > MAX_HINT_CHARS:
            break
        shown.append(item)
        length += extra
    text = " | ".join(shown)
    if len(shown) < count or more:
        text += " | …"
    return f"×{count}{'+' if more else ''}: {text}"


def site_label(site, settings: Settings) -> str | None:
    """The hint of a call site: its one result, or ``×N`` and its runs (``N`` counts every run,
    also past the results the site keeps: those end in ``…``)."""
    results = site.results
    if not results:
        return None
    helper = site.kind == "helper"
    if helper:
        texts = [shape_text(r.output, settings.batch_dimension_label) for r in results]
    else:
        texts = [result_text(r, settings) for r in results]
    if site.runs == 1 and not site.cut_short:
        return f"→ {texts[0]}" if helper else texts[0]
    label = _runs_label(texts, site)
    return label.replace(":", " →", 1) if helper else label


def _runs_label(texts: list[str], site) -> str:
    """``×N: …`` of a site run several times; identical runs once (``×3: (None, 10) · 330
    params``), followed by ``…`` when some runs are not known (``×100: (None, 8) · 72 params | …``)."""
    if len(set(texts)) == 1:
        if site.every_run_kept:
            return f"×{site.runs}: {texts[0]}"
        texts = texts[:1]
    return compact(texts, site.runs, site.cut_short)


def model_label(model) -> str:
    total = model.params.total
    return f"Model: {params_text(total)} ({memory_text(total)})"


def collect_hints(sites, models, settings: Settings, lines: tuple[int, int] | None = None) -> list[Hint]:
    """The hints of a document, in position order: all of them, or those on ``lines`` (first and
    last, 1-based, inclusive: an editor asks for its viewport, and only those labels are built)."""
    if not settings.inlay_hints_enabled:
        return []
    first, last = lines if lines is not None else (1, float("inf"))
    hints = []
    for site in sites:
        span = site.span
        if first <= span.end_line <= last:
            label = site_label(site, settings)
            if label:
                hints.append(Hint(span.end_line, span.end_column, label, site.kind))
    for model in models:
        span = model.span
        if span is not None and first <= span.end_line <= last:
            hints.append(Hint(span.end_line, span.end_column, model_label(model), "summary"))
    hints.sort(key=lambda h: (h.line, h.column))
    return hints
