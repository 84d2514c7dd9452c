"""When the cyclic garbage collector runs in the server: never during an analysis, and its full
collections in idle time, not on the way to an answer.

An analysis turns the collector off (its passes were 15-20% of an analysis's time).  When the last
running analysis ends, what the analyses left is frozen (``gc.freeze``): the collector's full passes
scanned every syntax tree, record and scope of the open documents.  Frozen objects that became
cyclic garbage are freed by a full collection (``collect_all``: 100-200 ms with a 2,000-line file
open).  That collection used to run every 50 analyses, inside the analysis that reached the count,
so one edit in 50 waited for it (16% of the analysis thread's time while typing in the loop-heavy
benchmark file).  Now it is due after ``DUE_AFTER`` analyses and runs once no analysis has run for
``IDLE`` seconds: a pause in typing.  Only when ``AT_MOST`` analyses ran without such a pause (a
client that never stops sending edits), or when the analyses since the last one made more than
``MAX_PENDING`` container objects (the interpreter's count, ``gc.get_count``), does it run at the end
of an analysis, so memory stays bounded.  The count bounds what the analyses' size would not: 200 edits
of a file whose every edit explored 44 builders again held 1.5 GB before the 200th.
"""

from __future__ import annotations

import gc
import threading
import time

DUE_AFTER = 20       # analyses after which a full collection is due (it waits for a pause)
IDLE = 1.0           # seconds without an analysis that count as a pause (a collection is not
                     # interruptible: a keystroke coming during one waits for it, so it waits
                     # for a pause longer than those between keystrokes and words)
AT_MOST = 200        # analyses after which it runs at once, pause or not
MAX_PENDING = 1_000_000   # container objects the analyses made, after which it runs at once too
                          # (an edit makes 0-35 thousand; a first analysis of 2,000 lines 55-100)


def collect_all() -> None:
    """A full collection, frozen objects included; what survives is frozen again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


class Collector:
    """Counts the analyses under way (``begin``/``end``, from any thread) and decides when the
    garbage collector runs."""

    def __init__(self, idle: float = IDLE, due_after: int = DUE_AFTER, at_most: int = AT_MOST,
                 max_pending: int = MAX_PENDING):
        self.idle, self.due_after, self.at_most, self.max_pending = idle, due_after, at_most, max_pending
        self._pending = 0                  # container objects made since the last full collection
        self.analyses = 0
        self.collections = 0               # full collections run (the tests read it)
        self._running = 0                  # analyses under way (the collector is off while any is)
        self._collected_at = 0             # ``analyses`` at the last full collection
        self._last_end = 0.0               # ``time.monotonic()`` when the last analysis ended
        self._asked = False                # a collection was asked for while analyses ran
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()

    def begin(self) -> None:
        with self._lock:
            self._running += 1
            gc.disable()

    def end(self) -> None:
        with self._lock:
            self._running -= 1
            self.analyses += 1
            self._last_end = time.monotonic()
            if self._running:
                return
            self._pending += gc.get_count()[0]      # made since the last freeze (which resets it)
            gc.enable()
            since = self.analyses - self._collected_at
            if since >= self.at_most or self._pending >= self.max_pending:
                self._collect()
                return
            gc.freeze()
            if self._due() and self._timer is None:
                self._arm(self.idle)

    def collect_now(self) -> None:
        """A full collection (a document closed: its analyses are garbage): at once, or at the
        next pause when analyses are under way."""
        with self._lock:
            if not self._running:
                self._collect()
                return
            self._asked = True

    def _due(self) -> bool:
        return self._asked or self.analyses - self._collected_at >= self.due_after

    def stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

    def _arm(self, seconds: float) -> None:
        self._timer = threading.Timer(seconds, self._when_idle)
        self._timer.daemon = True
        self._timer.name = "shapelens-collector"
        self._timer.start()

    def _when_idle(self) -> None:
        with self._lock:
            self._timer = None
            if not self._due():
                return                     # collected meanwhile (``at_most`` or a closed document)
            quiet = time.monotonic() - self._last_end
            if self._running or quiet < self.idle:
                self._arm(self.idle if self._running else self.idle - quiet)
                return
            self._collect()

    def _collect(self) -> None:
        self._collected_at = self.analyses
        self._pending = 0
        self._asked = False
        self.collections += 1
        collect_all()
