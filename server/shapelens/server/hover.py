"""Markdown hovers: a layer call (shape, parameters, MACs and the derivation with its numbers),
a helper call (what each run returned), and a model (the ``model.summary()`` table)."""

from __future__ import annotations

from ..engine.shape import UNKNOWN
from ..report import count_text, memory_text, summary_table
from .hints import shape_text
from .runner import macs_of
from .settings import Settings

MAX_RUNS_SHOWN = 8


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
    if len(results) == 1:
        return "\n".join([title, "", *_result_section(first, settings)])
    lines = [f"{title} — runs {len(results)} times (one section per run)"]
    total_macs = 0
    for index, result in enumerate(results[:MAX_RUNS_SHOWN], start=1):
        name = f" `{result.layer_name}`" if result.layer_name != first.layer_name else ""
        lines += ["", "---", f"**Run {index}**{name}", "", *_result_section(result, settings)]
    for result in results:
        m = macs_of(result)
        total_macs = UNKNOWN if m is UNKNOWN or total_macs is UNKNOWN else total_macs + m
    if len(results) > MAX_RUNS_SHOWN:
        lines += ["", f"… and {len(results) - MAX_RUNS_SHOWN} more runs"]
    lines += ["", "---", f"MACs of all runs: **{_count(total_macs)}** per example"]
    return "\n".join(lines)


def helper_hover(site, settings: Settings) -> str:
    results = site.results
    name = results[0].layer_name
    lines = [f"**{name}(…)** — a helper function returning tensors"]
    for index, result in enumerate(results[:MAX_RUNS_SHOWN], start=1):
        prefix = f"Run {index}: " if len(results) > 1 else ""
        lines += ["", f"{prefix}returns `{shape_text(result.output, settings.batch_dimension_label)}`"]
    if len(results) > MAX_RUNS_SHOWN:
        lines += ["", f"… and {len(results) - MAX_RUNS_SHOWN} more runs"]
    return "\n".join(lines)


def model_hover(model, macs) -> str:
    total = model.params.total
    lines = [f"**{model.variable}** — {model.class_name} `{model.keras_name}`: "
             f"{_count(total)} params ({memory_text(total)})", "",
             *_code_block(summary_table(model).splitlines()), "",
             f"MACs per example (one forward pass): **{_count(macs)}**"]
    return "\n".join(lines)
