"""Collects what the interpreter learns: call-site results, diagnostics, limit notes, and the
uid counters Keras uses for default names (``conv2d``, ``conv2d_1``, ...)."""

from __future__ import annotations

import ast
from collections import defaultdict
from typing import Protocol, cast

from ..engine.shape import UNKNOWN
from .result import KEPT_RESULTS, Analysis, CallResult, CallSite, Diagnostic, Span


class Positioned(Protocol):
    """An ``ast`` node with a source position: every node a span is made for (a statement, an
    expression, an argument...; never the module)."""

    lineno: int
    col_offset: int


class SpanMaker:
    """Turns ``ast`` positions (UTF-8 byte columns) into character columns."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.ascii = all(map(str.isascii, lines))     # then byte columns are character columns

    def _char_col(self, line: int, byte_col: int) -> int:
        if 1 <= line <= len(self.lines):
            text = self.lines[line - 1]
            if text.isascii():
                return byte_col
            prefix = text.encode("utf-8", errors="surrogatepass")[:byte_col]
            try:
                return len(prefix.decode("utf-8", errors="surrogatepass"))
            except UnicodeDecodeError:      # a column inside a character: count whole ones
                return len(prefix.decode("utf-8", errors="ignore"))
        return byte_col

    def span(self, site: ast.AST) -> Span:
        node = cast(Positioned, site)
        end_line = getattr(node, "end_lineno", None) or node.lineno
        end_col = getattr(node, "end_col_offset", None)
        if end_col is None:
            end_col = node.col_offset
        if self.ascii:
            return Span(node.lineno, node.col_offset, end_line, end_col)
        return Span(node.lineno, self._char_col(node.lineno, node.col_offset),
                    end_line, self._char_col(end_line, end_col))


# The counter key that marks a name prefix whose count an undecided branch may have changed.
UNSURE = "?"


class Recorder:
    def __init__(self, lines: list[str]):
        self.spans = SpanMaker(lines)
        self.analysis = Analysis()
        self._uids: dict[str, int] = defaultdict(int)
        self.traces: list[list] = []  # calls made by subclassed models' call(), innermost last
        self.uncertain = 0          # > 0 while running code that may not run (unknown `if`)
        self.branching = 0          # > 0 inside an undecided branch or a loop of unknown length
        self.shadow = 0             # > 0 while tracing in a sandbox (``traced.py``): no errors, no names used
        self._shadow_uids: dict[str, int] = defaultdict(int)
        self.foreign = 0            # > 0 while running code from another file (an imported module)
        self.anchor: ast.AST | None = None   # this file's call that led into foreign code
        self.anchor_name = ""
        self.modules: dict = {}     # imported workspace modules, run once per analysis (as Python does)
        self.imported_chars = 0     # their source read so far (bounded: imports.MAX_IMPORTED_CHARS)
        self._reported: set = set()
        self.activity = 0           # layers named and calls recorded (a loop's iteration added any?)
        self.news = 0               # ... of which what results may show: layers named, and calls that
                                    # did not give the site's last result again, at a site this
                                    # statement called fewer than 64 times (a site keeps its first
                                    # 64 results; ``budget.loop_is_quiet``)
        self.calls_here: dict = {}  # node -> (calls there in this statement, the last result's key)
        self.recorded: list = []    # the nodes of the calls recorded, in order (``runs_cut_short``)
        self.settled: frozenset = frozenset()   # the spans of the sites the module's run reached (``settle``)

    # ---- names -----------------------------------------------------------------------------
    def unique_name(self, prefix: str) -> str:
        """``keras.src.backend.common.global_state.get_uid``: first ``prefix``, then ``prefix_1``...
        Once a branch that may not run (an undecided ``if``, a loop of unknown length) has named a
        layer of this prefix, the later counts are not known: ``prefix_?``."""
        self.activity += 1
        self.news += 1
        unsure = self._uids[prefix + UNSURE] > 0
        if self.shadow:
            count = self._uids[prefix] + self._shadow_uids[prefix]
            self._shadow_uids[prefix] += 1
        else:
            count = self._uids[prefix]
            self._uids[prefix] = count + 1
            if self.branching and not unsure:
                self.mark_unsure(prefix)
        if unsure:
            return f"{prefix}_?"
        return prefix if count == 0 else f"{prefix}_{count}"

    def mark_unsure(self, prefix: str) -> None:
        self._uids[prefix + UNSURE] += 1

    def end_shadow(self) -> None:
        """A sandboxed trace is over: the names it gave out were never taken."""
        self._shadow_uids.clear()

    def uid_counts(self) -> dict:
        """The counters themselves (shared with builders that name layers the same way)."""
        return self._uids

    def uid_count(self, prefix: str) -> int:
        """How many default names ``prefix`` has given out so far."""
        return self._uids[prefix]

    def advance_uids(self, prefix: str, count: int) -> None:
        """Consume ``count`` names of ``prefix`` without making them (a replayed statement's)."""
        self._uids[prefix] += count

    def share_uids(self, other: Recorder) -> None:
        """Name layers from ``other``'s counters from now on (the same counters, not a copy)."""
        self._uids = other.uid_counts()

    # ---- results ---------------------------------------------------------------------------
    def site(self, node: ast.AST, kind: str = "layer") -> CallSite:
        span = self.spans.span(node)
        site = self.analysis.sites.get(span)
        if site is None:
            site = self.analysis.sites[span] = CallSite(span, kind=kind)
        return site

    def settle(self) -> None:
        """The module's statements have run: the sites they reached keep what that run gave them.
        The functions nobody called, explored next for their hints, add nothing there (finding: a
        helper the script calls once, and an uncalled function too, showed ``×2``)."""
        self.settled = frozenset(self.analysis.sites)

    def record_call(self, node: ast.AST | None, result: CallResult, kind: str = "layer") -> None:
        self.trace_call(result, kind)
        if node is None or self.foreign:
            return
        self.activity += 1          # counted at a settled site too: what a loop sees is the same
        self.count_news(node, result)
        self.recorded.append(node)
        if self.settled and self.spans.span(node) in self.settled:
            return
        site = self.site(node, kind)
        site.calls += 1
        if len(site.results) < KEPT_RESULTS:
            site.results.append(result)

    def call_mark(self) -> int:
        """Where the calls recorded from now on begin (for ``runs_cut_short``)."""
        return len(self.recorded)

    def runs_cut_short(self, mark: int) -> None:
        """A loop that began at ``mark`` (``call_mark``) stopped before its end: each site it
        called may run more often than counted (its hint says ``×3+``)."""
        for node in dict.fromkeys(self.recorded[mark:]):
            self.cut_short(node)

    def cut_short(self, node: ast.AST) -> None:
        if not (self.settled and self.spans.span(node) in self.settled):
            self.site(node).cut_short = True

    def count_news(self, node: ast.AST, result: CallResult) -> None:
        """A call at ``node`` is news unless it gives the last result there again, or this
        statement called there ``KEPT_RESULTS`` times already."""
        calls, last = self.calls_here.get(node, (0, None))
        if calls >= KEPT_RESULTS:
            return
        key = (result.class_name, result.output, result.params)
        self.calls_here[node] = (calls + 1, key)
        if key != last:
            self.news += 1

    def trace_call(self, result: CallResult, kind: str) -> None:
        """While a subclass's ``call()`` is traced, remember each call it makes (for its MACs)."""
        if self.traces and kind != "helper":
            if self.uncertain:
                result = CallResult(result.layer_name, result.class_name, UNKNOWN, None, None,
                                    layer=result.layer, macs=UNKNOWN)
            self.traces[-1].append(result)

    def error_target(self, node: ast.AST | None, message: str):
        """Where an error is reported, ``(node, message)``, or None: nowhere in code that may
        not run; at the call in this file when a helper from another module failed on its values."""
        if self.uncertain or self.shadow:
            return None
        if self.foreign:
            if self.anchor is None:
                return None
            node, message = self.anchor, f"in {self.anchor_name}(): {message}"
        return None if node is None else (node, message)

    def limit_target(self, node: ast.AST | None):
        """Where a limit note goes: at the call in this file while another module's code runs."""
        return self.anchor if self.foreign else node

    def error(self, node: ast.AST | None, code: str, message: str) -> None:
        """A shape error Keras would raise, unless we are in code that may not run."""
        target = self.error_target(node, message)
        if target is None:
            return
        node, message = target
        span = self.spans.span(node)
        key = (span, code)
        if key in self._reported:
            return
        self._reported.add(key)
        self.analysis.diagnostics.append(Diagnostic(span, code, message))

    def limit(self, node: ast.AST | None, message: str) -> None:
        """An analysis limit was reached (loop bound, recursion depth): an information note."""
        node = self.limit_target(node)
        if node is None:
            return
        span = self.spans.span(node)
        key = (span, "analysis-limit")
        if key in self._reported:
            return
        self._reported.add(key)
        self.analysis.diagnostics.append(Diagnostic(span, "analysis-limit", message, severity="information"))
