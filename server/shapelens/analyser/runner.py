"""Running the analyser for an editor: ``analyse_source`` plus what an editor needs on top.

* **cancellation** — a newer document version makes the running analysis stale: it stops at
  the next statement (``Cancelled``);
* **MACs** — each layer call's multiply-accumulate count (``engine.macs``), and each model's
  total, worked out from the layer's engine arguments and the shapes it was called on;
* **other files** — the modules read through the loader are remembered (editing them
  re-analyses this file).

It mirrors ``analysis.analyse_source`` step by step (same parse recovery, interpreter,
model collection); ``tests/analyser/test_incremental_equivalence.py`` checks both agree.  The
language server reaches it through the package's public names (``Outcome``, ``Cancelled``,
``macs_of``, ``analyse_for_editor``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..engine.layer import REGISTRY
from ..engine.macs import ZERO_MAC_LAYERS, op_macs
from ..engine.shape import UNKNOWN
from .analysis import model_report, module_models, run_interpreter, start_analysis
from .interpreter import Interpreter
from .macs import engine_call_macs
from .recorder import Recorder
from .result import KEPT_RESULTS, Analysis, CallSite


class Cancelled(BaseException):
    """The analysis was superseded by a newer document version (never caught by the analyser)."""


@dataclass
class Outcome:
    """One analysis of one text, with the server's extras."""

    analysis: Analysis
    modules: dict = field(default_factory=dict)         # module name -> source read (or None)
    reused_statements: int = 0                           # statements taken from the previous run
    rerun_statements: int = 0
    reused_explorations: int = 0                         # uncalled functions' explorations taken from it

    @property
    def model_macs(self) -> list:
        """Each model's MACs per example, aligned with ``analysis.models``."""
        return [report.macs for report in self.analysis.models]


def macs_of(result):
    """The MACs of one ``CallResult``: worked out for layer calls, 0 for element-wise operators,
    ``UNKNOWN`` otherwise."""
    value = getattr(result, "server_macs", None)
    if value is not None:
        return value
    if result.class_name in ZERO_MAC_LAYERS:
        return 0
    if result.class_name in REGISTRY or result.class_name in ("function", "?"):
        return UNKNOWN          # a layer call not worked out, a helper, an unknown class
    return op_macs(result.class_name)


# ---- the recorder and interpreter the server uses -------------------------------------------------

class ServerRecorder(Recorder):
    """Records like ``Recorder``, and also each layer call's MACs.

    With ``log`` set (a list), results are not stored but logged as events — ``("call", node,
    result, kind)``, ``("error", node, code, message)``, ``("limit", node, message)``, ``("cut",
    node)`` (``runs_cut_short``) — after the
    same filtering ``Recorder`` applies before it stores them (uncertain code, other files' code
    and their anchor); ``replay`` stores them later.
    The incremental analyser keeps one such log per statement.
    """

    def __init__(self, lines):
        super().__init__(lines)
        self._sites_by_key: dict = {}        # (line, column, end line, end column) -> CallSite (replays)
        self.log: list | None = None

    def record_call(self, node, result, kind="layer"):
        if result.layer is not None and result.call_args is not None:
            result.server_macs = _call_macs(result)
        if self.log is None:
            super().record_call(node, result, kind)
            return
        self.trace_call(result, kind)
        if node is not None and not self.foreign:
            self.activity += 1
            self.log.append(("call", node, result, kind))
            self.recorded.append(node)
            self.count_news(node, result)

    def cut_short(self, node):
        if self.log is None:
            super().cut_short(node)
        else:
            self.log.append(("cut", node))

    def error(self, node, code, message):
        if self.log is None:
            super().error(node, code, message)
            return
        target = self.error_target(node, message)
        if target is not None:
            self.log.append(("error", target[0], code, target[1]))

    def limit(self, node, message):
        if self.log is None:
            super().limit(node, message)
            return
        node = self.limit_target(node)
        if node is not None:
            self.log.append(("limit", node, message))

    def replay(self, events) -> None:
        """Store logged events as if they had just been recorded."""
        for event in events:
            kind = event[0]
            if kind == "call":
                Recorder.record_call(self, event[1], event[2], event[3])
            elif kind == "error":
                Recorder.error(self, event[1], event[2], event[3])
            elif kind == "cut":
                Recorder.cut_short(self, event[1])
            else:
                Recorder.limit(self, event[1], event[2])

    def prepare_replay(self, events) -> tuple:
        """``events`` ready for ``replay_prepared``: the calls that have a node grouped by site,
        ``(key, span, kind, results)`` in order of first call (``key``: the span as a tuple,
        quicker to look up); the other events; how many calls.  Calls and the rest touch
        different results, so their relative order does not matter."""
        span_of = self.spans.span
        calls: dict = {}
        others: list = []
        count = 0
        for event in events:
            kind = event[0]
            if kind == "call":
                if event[1] is not None:
                    span = span_of(event[1])
                    key = (span.line, span.column, span.end_line, span.end_column)
                    entry = calls.get(key)
                    if entry is None:
                        entry = calls[key] = (key, span, event[3], [])
                    entry[3].append(event[2])
                    count += 1
            else:
                others.append(event)
        return list(calls.values()), others, count

    def replay_prepared(self, prepared: tuple) -> None:
        """``replay`` of prepared events (spans worked out for an earlier replay)."""
        calls, others, count = prepared
        if self.traces or self.foreign:
            raise ValueError("prepared events replay only into a module-level recorder")
        sites, by_key, settled = self.analysis.sites, self._sites_by_key, self.settled
        for key, span, kind, results in calls:          # ``Recorder.record_call``
            if settled and span in settled:
                count -= len(results)
                continue
            site = by_key.get(key)
            if site is None:
                site = sites.get(span)
                if site is None:
                    site = sites[span] = CallSite(span, kind=kind)
                by_key[key] = site
            site.calls += len(results)
            room = KEPT_RESULTS - len(site.results)
            if room > 0:
                site.results.extend(results if len(results) <= room else results[:room])
        self.activity += count
        self.news += count
        if others:
            self.replay(others)


def _call_macs(result):
    """A layer call's MACs for its hover: the engine's count for the class called (``call_macs``
    already worked it out for a built-in layer; a user's subclass is counted here by its name)."""
    op = result.layer
    engine = getattr(op, "engine", None)
    if engine is None:
        return None
    if result.macs is not None and getattr(op, "instance", None) is None and op.class_name == engine.keras_name:
        return result.macs
    positional, keywords = result.call_args
    return engine_call_macs(op.class_name, engine.args, positional or [], keywords or {}, result.output)


class ServerInterpreter(Interpreter):
    """Checks for cancellation between statements."""

    def __init__(self, recorder, module_loader=None, cancel: threading.Event | None = None, depth_of_import: int = 0):
        super().__init__(recorder, module_loader, depth_of_import)
        self.cancel = cancel
        self.invoked: list | None = None     # user functions called (the incremental analyser's log)

    def exec_stmt(self, stmt, scope):
        if self.cancel is not None and self.cancel.is_set():
            raise Cancelled()
        super().exec_stmt(stmt, scope)

    def invoke(self, fn, positional, keywords, node, speculative=False):
        if self.invoked is not None:
            self.invoked.append(fn)
        return super().invoke(fn, positional, keywords, node, speculative)


class RecordingLoader:
    """Wraps a module loader and remembers what it returned (to notice edits of imported files)."""

    def __init__(self, loader):
        self.loader = loader
        self.loaded: dict = {}

    def __call__(self, name: str):
        source = self.loader(name) if self.loader is not None else None
        self.loaded[name] = source
        return source

    def locate(self, name: str):
        """The wrapped loader's real path for ``name`` (one module per file), if it can tell."""
        locate = getattr(self.loader, "locate", None)
        return locate(name) if locate is not None else None


# ---- whole-file analysis -------------------------------------------------------------------------

def collect(scope_vars: dict, recorder: ServerRecorder, reuse=None):
    """``analysis.collect_models``, also returning each model object and the operation behind
    each row of its report.

    ``reuse(name, model)`` may return a ``(report, row operations)`` worked out before for that
    object."""
    reports, objects, ops = [], [], []
    for name, model in module_models(scope_vars, recorder):
        cached = reuse(name, model) if reuse is not None else None
        if cached is None:
            row_ops: list = []
            cached = (model_report(name, model, recorder, row_ops), row_ops)
        reports.append(cached[0])
        ops.append(cached[1])
        objects.append(model)
    return reports, objects, ops


def analyse(text: str, module_loader=None, cancel: threading.Event | None = None) -> Outcome:
    """Analyse a whole text (the non-incremental path)."""
    loader = RecordingLoader(module_loader)
    recorder, tree = start_analysis(text, ServerRecorder)
    analysis = recorder.analysis
    if tree is None:
        return Outcome(analysis, modules=loader.loaded)
    _scope, (reports, _objects, _ops) = run_interpreter(ServerInterpreter(recorder, loader, cancel), recorder,
                                                        tree, lambda variables: collect(variables, recorder))
    analysis.models = reports
    return Outcome(analysis, loader.loaded)
