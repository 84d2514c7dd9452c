"""Explorations of the functions nobody called, kept from one incremental analysis to the next.

After the module's statements, the analyser *explores* each function nobody called: it runs it
with its defaults (else ``?``) so that its layers get hints (``Interpreter.explore_uncalled``).
In a file of builders that only other files call (an application module, a ``models.py``), that
is nearly all the work, and it was all done again on every keystroke: 500 ms an edit in Keras's
``nasnet.py``, where the statements an edit re-ran took 1 ms.

An exploration depends on the function, on the module-level values it read (the function's
callees among them), on the layer-name counters when it began, and on its budget.  This module
keeps, per explored function, what it read and what it recorded (the recorder's event log, the
counters after it, the functions it called, its steps).  The next analysis reuses it — replays its
events and advances the counters — when the function is the same object (its ``def`` was
replayed, not re-run), every name it read holds the same value (a value nothing can change in
place, ``sharing.shareable``; or a container of such values — a ``CONFIG`` dict, a list of block
settings — with the same content, ``sharing.plain_data``), the counters start where they did, and
its budget still covers its steps.  Anything else explores it again.  Only explorations that can
be reused that way are kept: one that wrote a module variable, read a value that is neither (a
model, a layer), changed a container it read, imported a module, or stopped at its budget is run
again every time.
"""

from __future__ import annotations

from dataclasses import dataclass

from .control import Scope
from .sharing import plain_data, same_data, shareable
from .values import MISSING, UserFunction


@dataclass
class Exploration:
    fn: UserFunction
    reads: dict                 # module-level name -> ``plain_data`` of the value it read
    counters_before: dict       # the layer-name counters when it began (non-zero ones)
    counters_after: dict
    events: list                # the recorder's log (``ServerRecorder``)
    invoked: list               # the user functions it called (``fn`` first)
    steps: int
    outside: dict               # module-wide reads a loop check relied on (``budget.py``)
    prepared: tuple | None = None   # its events ready to replay (``ServerRecorder.prepare_replay``)...
    prepared_at: tuple = ()         # ... when its events' nodes were at these lines

    def replay(self, recorder) -> None:
        """Store its events in ``recorder``; their sites' spans are worked out again only when the
        code they point at moved (an edit added or removed lines above it)."""
        at = tuple(event[1].lineno for event in self.events if event[1] is not None)
        if self.prepared is None or at != self.prepared_at:
            self.prepared, self.prepared_at = recorder.prepare_replay(self.events), at
        recorder.replay_prepared(self.prepared)


def _counters(recorder) -> dict:
    return {key: count for key, count in recorder.uid_counts().items() if count}


class Explorations:
    """One per ``IncrementalAnalysis``: ``explore(interp, recorder, variables, scope)`` explores
    the functions nobody called, reusing the last analysis's explorations where they still hold,
    and returns the module-level names the explorations it ran read (the incremental analyser
    makes their mutable values again next time); ``after(fn)``, when given, is called after each
    function it explored (``viewport.py``)."""

    def __init__(self) -> None:
        self.kept: dict[int, Exploration] = {}
        self.reused = 0             # explorations the last ``explore`` took from the one before

    def explore(self, interp, recorder, variables, scope: Scope, after=None) -> dict:
        kept, self.kept = self.kept, {}
        self.reused = 0
        reads: dict = {}

        def same(old: Exploration) -> bool:
            if _counters(recorder) != old.counters_before:
                return False
            if min(interp.stmt_steps, interp.max_steps - interp.steps) < old.steps:
                return False        # a smaller budget may stop it earlier
            if old.outside and any(interp.module_loads()[n] != c for n, c in old.outside.items()):
                return False
            for name, data in old.reads.items():
                now = plain_data(dict.get(variables, name, MISSING), scope)
                if now is None or not same_data(data, now):
                    return False
            return shareable(old.fn, scope)

        def explore(fn: UserFunction) -> None:
            old = kept.get(id(fn))
            if old is not None and old.fn is fn and same(old):
                old.replay(recorder)
                counters = recorder.uid_counts()      # shared with the statements' recorder: in place
                counters.clear()
                counters.update(old.counters_after)
                for called in old.invoked:
                    called.calls += 1
                interp.steps += old.steps
                self.kept[id(fn)] = old
                self.reused += 1
                return
            exploration = self._run(fn, interp, recorder, variables, scope)
            reads.update(variables.reads)
            if exploration is not None:
                self.kept[id(fn)] = exploration
            if after is not None:
                after(fn)

        try:
            interp.explore_uncalled(explore)
        except RecursionError:
            pass                    # too deep to go on: what was explored stands
        return reads

    @staticmethod
    def _run(fn: UserFunction, interp, recorder, variables, scope: Scope) -> Exploration | None:
        """Explore ``fn`` (its events logged, then stored), and what the next analysis needs to
        reuse the exploration, if it can be."""
        variables.begin()
        first: dict = {}            # the containers it read, as they were when it first read them

        def watch(name, value):
            if not shareable(value, scope):
                first[name] = plain_data(value, scope)

        before = _counters(recorder)
        modules_before = (len(recorder.modules), recorder.imported_chars)
        steps_before = interp.steps
        recorder.log, interp.invoked, interp.outside_queries, variables.watch = [], [], {}, watch
        complete = False
        try:
            complete = interp.explore_function(fn)
        finally:
            events, invoked, outside = recorder.log, interp.invoked, interp.outside_queries
            recorder.log, interp.invoked, interp.outside_queries, variables.watch = None, None, None, None
            recorder.replay(events)
        if not (complete and fn.closure is scope and not fn.foreign and not variables.changed()
                and (len(recorder.modules), recorder.imported_chars) == modules_before
                and interp.steps < interp.max_steps):
            return None
        reads = {}
        for name, value in variables.reads.items():
            data = plain_data(value, scope)
            if data is None or (name in first and (first[name] is None or not same_data(first[name], data))):
                return None         # a value it may have changed, or changed
            reads[name] = data
        return Exploration(fn, reads, before, _counters(recorder), events, invoked, interp.steps - steps_before,
                           outside)
