"""Markdown hovers: a layer call (shape, parameters, MACs and the derivation with its numbers),
a helper call (what each run returned), and a model (the ``model.summary()`` table); and
``hover_at``, which finds what the cursor is on (pure: no server, no LSP types)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..analyser import Span, macs_of
from ..engine.shape import UNKNOWN
from ..report import count_text, memory_text, summary_table, traced_class_text
from .hints import shape_text
from .settings import Settings

MAX_RUNS_SHOWN = 8
_IDENTIFIER = re.compile(r"[^\W\d]\w*")
_CLASS_LINE = re.compile(r"\s*class\s+([^\W\d]\w*)")


def _count(value) -> str:
    return count_text(value)


def _params_line(params) -> str:
    if params is None:
        return "Parameters: built by an earlier call (shared layer) — no new weights"
    total = params.total
    text = f"Parameters: **{_count(total)}**"
    if params.non_trainable not in (0, UNKNOWN) or params.trainable is UNKNOWN:
        text += f" (trainable {_count(params.trainable)}, non-trainable {_count(params.non_trainable)})"
    return text


def _macs_line(value) -> str:
    return f"MACs: **{_count(value)}** per example"


def _code_block(lines: list[str]) -> list[str]:
    return ["```text", *lines, "```"]


def _result_section(result, settings: Settings) -> list[str]:
    out = [f"Output shape: `{shape_text(result.output, settings.batch_dimension_label)}`  ",
           _params_line(result.params) + "  ", _macs_line(macs_of(result))]
    derivation = result.derivation
    if derivation is not None:
        steps = [step.render() for step in derivation.steps]
        if steps:
            out += ["", *_code_block(steps)]
        if derivation.defaults:
            out += ["", "Keras defaults used: " + ", ".join(f"`{d}`" for d in derivation.defaults)]
        for note in derivation.notes:
            out += ["", note]
    return out


def layer_hover(site, settings: Settings) -> str:
    results = site.results
    first = results[0]
    if site.kind == "helper":
        return helper_hover(site, settings)
    title = f"**{first.class_name}** `{first.layer_name}`"
    if site.kind == "model":
        title += " (a model used as a layer)"
    runs = site.runs
    if runs == 1 and not site.cut_short:
        return "\n".join([title, "", *_result_section(first, settings)])
    lines = [f"{title} — runs {_runs_text(site, runs)} (one section per run)"]
    for index, result in enumerate(results[:MAX_RUNS_SHOWN], start=1):
        name = f" `{result.layer_name}`" if result.layer_name != first.layer_name else ""
        lines += ["", "---", f"**Run {index}**{name}", "", *_result_section(result, settings)]
    total_macs: Any = 0 if site.every_run_kept else UNKNOWN      # runs not kept are not known
    for result in results:
        m = macs_of(result)
        total_macs = UNKNOWN if m is UNKNOWN or total_macs is UNKNOWN else total_macs + m
    if runs > MAX_RUNS_SHOWN:
        lines += ["", f"… and {runs - MAX_RUNS_SHOWN} more runs"]
    lines += ["", "---", f"MACs of all runs: **{_count(total_macs)}** per example"]
    return "\n".join(lines + _runs_notes(site, runs))


def _runs_notes(site, runs: int) -> list[str]:
    notes = []
    if site.cut_short:
        notes += ["", "(a loop that runs it was stopped part-way: see its note)"]
    if runs > len(site.results):
        notes += ["", f"(ShapeLens keeps the first {len(site.results)} runs of a call)"]
    return notes


def _runs_text(site, runs: int) -> str:
    """``3 times``; ``at least 3 times`` when a loop that ran the site was stopped part-way."""
    times = f"{runs} time{'' if runs == 1 else 's'}"
    return f"at least {times}" if site.cut_short else times


def helper_hover(site, settings: Settings) -> str:
    results = site.results
    runs = site.runs
    name = results[0].layer_name
    lines = [f"**{name}(…)** — a helper function returning tensors"]
    if runs > 1 or site.cut_short:
        lines += ["", f"Runs {_runs_text(site, runs)}."]
    for index, result in enumerate(results[:MAX_RUNS_SHOWN], start=1):
        prefix = f"Run {index}: " if runs > 1 or site.cut_short else ""
        lines += ["", f"{prefix}returns `{shape_text(result.output, settings.batch_dimension_label)}`"]
    if runs > MAX_RUNS_SHOWN:
        lines += ["", f"… and {runs - MAX_RUNS_SHOWN} more runs"]
    return "\n".join(lines + _runs_notes(site, runs))


def model_hover(model, macs) -> str:
    total = model.params.total
    lines = [f"**{model.variable}** — {model.class_name} `{model.keras_name}`: "
             f"{_count(total)} params ({memory_text(total)})", "",
             *_code_block(summary_table(model).splitlines()), "",
             f"MACs per example (one forward pass): **{_count(macs)}**"]
    return "\n".join(lines)


# ---- what the cursor is on ---------------------------------------------------------------------------

@dataclass(frozen=True)
class HoverAnswer:
    value: str          # Markdown
    span: Span          # the range the hover is about (character columns)


def _contains(span: Span, line: int, column: int) -> bool:
    if (line, column) < (span.line, span.column):
        return False
    return (line, column) <= (span.end_line, span.end_column)


def _span_size(span: Span) -> tuple[int, int]:
    return (span.end_line - span.line, span.end_column - span.column if span.end_line == span.line else 0)


def hover_at(sites, models, line_text: str, line: int, column: int, settings: Settings) -> HoverAnswer | None:
    """The hover at ``line`` (1-based), character ``column`` of a document whose line reads
    ``line_text``: a model when the cursor is on its variable (anywhere) or on its constructor
    call (not on a layer call inside it), else the innermost layer or helper call site with
    results, else None.  ``sites`` are ``CallSite``s, ``models`` ``(ModelReport, macs)`` pairs."""
    word = None
    for match in _IDENTIFIER.finditer(line_text):
        if match.start() <= column <= match.end():
            word = match
            break
    declared = _CLASS_LINE.match(line_text)
    if declared is not None and declared.start(1) <= column <= declared.end(1):   # ``class Net``: traced runs
        text = traced_class_text(declared.group(1), [m for m, _macs in models],
                                 [r for s in sites for r in s.results])
        if text is not None:
            return HoverAnswer(text, Span(line, declared.start(1), line, declared.end(1)))
    # a model: its variable anywhere, or its constructor call (the call itself, not its arguments'
    # layers: a layer call inside wins)
    model_match: tuple[Any, Any, Span | None] | None = None
    if word is not None:
        for model, macs in models:
            if model.variable == word.group(0):
                model_match = (model, macs, Span(line, word.start(), line, word.end()))
    candidates = [s for s in sites if s.results and _contains(s.span, line, column)]
    site = min(candidates, key=lambda s: _span_size(s.span)) if candidates else None
    if model_match is None and site is None:
        for model, macs in models:
            if model.span is not None and _contains(model.span, line, column):
                model_match = (model, macs, None)
    if model_match is not None and (site is None or (word is not None and model_match[2] is not None)):
        model, macs, where = model_match
        return HoverAnswer(model_hover(model, macs), where if where is not None else model.span)
    if site is None:
        return None
    return HoverAnswer(layer_hover(site, settings), site.span)
