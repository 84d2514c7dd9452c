"""Per-document state: text, version, and ONE analysis per version shared by every request.

How work is scheduled
---------------------
* ``didOpen``/``didChange`` call ``Documents.update``: the document's new text and version are
  stored and an analysis of that version is queued on the document's own worker thread, its
  *lane* (the event loop never runs the analyser, so requests and notifications keep flowing
  while it works).  A document's analyses run one at a time, in order; different documents'
  run side by side (at most ``PARALLEL`` at once), so one slow document never holds back the
  hints of the others.
* A newer version makes older work stale: the running analysis is cancelled at its next
  statement, and queued analyses of old versions return at once without running.
* In a burst (a change arrives while the previous version is still queued or being analysed),
  the new version's analysis first waits ``SETTLE`` for a newer one: the event loop keeps the
  interpreter lock while the burst's messages pour in, and the last version is analysed once,
  right after the burst (analysing each version until the next cancels it held the loop back:
  the hints of a 1,000-edit burst came seconds after it).
* Requests (``Documents.snapshot``) wait for the analysis of the latest version; every request
  for that version shares the same ``Snapshot`` (the result is computed once, then cached until
  the next edit).
* Each document keeps an ``IncrementalAnalysis`` (``analyser/incremental.py``): statements whose text
  did not change are not analysed again.
* Another open document, or a file on disk, read through ``from blocks import conv_block``
  makes this document depend on it: editing ``blocks.py`` re-analyses ``model.py``.  Open
  buffers take precedence over disk.

While the buffer does not parse
-------------------------------
The analyser blanks the lines that stop the file from parsing and analyses the rest.  On top of
that, when a version has a syntax error, the lines that are the same as in the last version
that parsed (the common first and last lines of both texts) keep the hints, hovers and
diagnostics of that last good version, moved to their new line numbers; only the changed lines
in between show what the broken buffer's own analysis found.  So typing an unfinished line
never makes the rest of the file lose or change its hints; once the file parses again, every
result comes from the new analysis.

Notebooks
---------
A notebook is one document (its URI): ``update(..., cells=[(cell uri, text), …])`` with its
Python code cells in order.  The analyser's ``notebook_source`` makes them one module (IPython
syntax blanked, a cell that does not parse blanked as a unit); the snapshot's text and lines are
the cells' own text joined, ``Snapshot.notebook`` maps its lines to cells, and a blanked cell
counts as a syntax error for the last-good merge above.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Callable

from ..analyser import (
    Cancelled,
    IncrementalAnalysis,
    NotebookSource,
    Outcome,
    Span,
    Viewport,
    line_mapping,
    map_span,
    module_loader,
    notebook_source,
)
from .collector import Collector
from .positions import split_lines

log = logging.getLogger(__name__)

SETTLE = 0.01      # seconds an analysis started during a burst of changes waits for the next one
PARALLEL = 4       # analyses of different documents running at once (each on its document's lane)
EARLY_PAUSE = 0.002   # seconds a document's first analysis waits before parsing (``_analyse``)


@dataclass
class EarlySnapshot:
    """The final hints of some lines of a version still being analysed (``EarlyHints``): what an
    inlay-hint request reads of a ``Snapshot``."""

    version: int
    lines: list                       # the LSP lines of the text
    sites: list                       # CallSite, of those lines only
    models: list                      # (model hint, None), of those lines only
    cache: dict = field(default_factory=dict)


class EarlyHints(Viewport):
    """The viewports waiting for a document's first analysis, answered as soon as the analyser
    proves their hints final (``analyser/viewport.py``).  Made on the event loop; ``wanted`` and
    ``final`` run on the document's lane."""

    def __init__(self, version: int, text: str):
        self.loop = asyncio.get_running_loop()
        self.version = version
        self.text = text
        self.lock = threading.Lock()
        self.waiting: dict[tuple[int, int], asyncio.Future] = {}
        self.answered: dict[tuple[int, int], EarlySnapshot] = {}

    def want(self, lines: tuple[int, int]) -> asyncio.Future:
        with self.lock:
            future = self.waiting.get(lines)
            if future is None:
                future = self.loop.create_future()
                if lines in self.answered:          # asked again: the same final hints
                    future.set_result(self.answered[lines])
                else:
                    self.waiting[lines] = future
            return future

    def abandon(self) -> None:
        """No early answer any more (a newer version, or the analysis ended): waiters move on."""
        with self.lock:
            waiting, self.waiting = self.waiting, {}
        for future in waiting.values():
            self.loop.call_soon_threadsafe(_settle, future, None)

    def wanted(self) -> list[tuple[int, int]]:
        with self.lock:
            return list(self.waiting)

    def final(self, lines: tuple[int, int], sites: list, models: list) -> None:
        early = EarlySnapshot(self.version, split_lines(self.text), sites, [(m, None) for m in models])
        with self.lock:
            future = self.waiting.pop(lines, None)
            self.answered[lines] = early
        if future is not None:
            self.loop.call_soon_threadsafe(_settle, future, early)


def _settle(future: asyncio.Future, result) -> None:
    if not future.done():
        future.set_result(result)


@dataclass
class Snapshot:
    """What the requests of one document version read (never mutated once built)."""

    version: int
    text: str
    lines: list                       # the LSP lines of ``text``
    outcome: Outcome
    sites: list                       # CallSite, effective (see "While the buffer does not parse")
    models: list                      # (ModelReport, macs)
    diagnostics: list                 # analyser Diagnostic
    stale_lines: frozenset = frozenset()   # lines (1-based) showing the last good version's results
    paths: frozenset = frozenset()    # files this analysis read or looked for (dependencies)
    seconds: float = 0.0
    cache: dict = field(default_factory=dict)   # per-settings hint lists, built on demand
    notebook: NotebookSource | None = None      # a notebook's cells: lines → (cell uri, line)

    @property
    def syntax_ok(self) -> bool:
        return self.outcome.analysis.syntax_ok and (self.notebook is None or self.notebook.syntax_ok)


def norm_path(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


class Document:
    def __init__(self, uri: str, path: str | None, version: int, text: str):
        self.uri = uri
        self.path = path
        self.version = version
        self.text = text
        self.latest: Snapshot | None = None    # the newest finished analysis (maybe older version)
        self.good: Snapshot | None = None      # the newest one whose text parsed
        self.engine = IncrementalAnalysis()
        self.cells: list | None = None         # a notebook's (cell uri, text), in order
        self.future: asyncio.Future | None = None
        self.lane: ThreadPoolExecutor | None = None   # the worker thread of its analyses
        self.cancel: threading.Event | None = None
        self.early: EarlyHints | None = None   # the viewports its first analysis may answer early
        self.generation = 0                    # bumps on every schedule (also re-analyses)
        self.latest_generation = -1            # the generation ``latest`` was scheduled as


# ---- the last-good merge -----------------------------------------------------------------------

def _at(record, span: Span):
    """``record`` (a call site, model report or diagnostic) at ``span``: itself when it has not moved."""
    return record if span is record.span else replace(record, span=span)


def build_snapshot(version: int, text: str, outcome: Outcome, good: Snapshot | None,
                   paths=frozenset(), seconds: float = 0.0, notebook: NotebookSource | None = None) -> Snapshot:
    analysis = outcome.analysis
    lines = split_lines(text)
    sites = sorted(analysis.sites.values(), key=lambda s: (s.span.line, s.span.column))
    models = list(zip(analysis.models, outcome.model_macs))
    diagnostics = list(analysis.diagnostics)
    if (analysis.syntax_ok and (notebook is None or notebook.syntax_ok)) or good is None:
        return Snapshot(version, text, lines, outcome, sites, models, diagnostics,
                        paths=frozenset(paths), seconds=seconds, notebook=notebook)
    mapping = line_mapping(good.lines, lines)
    prefix, old_end, delta = mapping
    first_changed, last_changed = prefix + 1, old_end + delta      # new-text lines, inclusive

    def changed(span: Span) -> bool:
        return span.end_line >= first_changed and span.line <= last_changed

    kept_sites = [s for s in sites if changed(s.span)]
    for site in good.sites:
        span = map_span(site.span, mapping)
        if span is not None and not changed(span):
            kept_sites.append(_at(site, span))
    kept_models = [(m, macs) for m, macs in models if m.span is not None and changed(m.span)]
    for model, macs in good.models:
        span = map_span(model.span, mapping) if model.span is not None else None
        if span is not None and not changed(span):
            kept_models.append((_at(model, span), macs))
    kept_diagnostics = [d for d in diagnostics if changed(d.span)]
    for d in good.diagnostics:
        span = map_span(d.span, mapping)
        if span is not None and not changed(span):
            kept_diagnostics.append(_at(d, span))
    kept_sites.sort(key=lambda s: (s.span.line, s.span.column))
    stale = frozenset(range(1, first_changed)).union(range(last_changed + 1, len(lines) + 1))
    return Snapshot(version, text, lines, outcome, kept_sites, kept_models, kept_diagnostics,
                    stale, frozenset(paths), seconds, notebook=notebook)


# ---- the documents ---------------------------------------------------------------------------------

class Documents:
    """All open documents, and the worker threads (one lane per document) that analyse them."""

    def __init__(self, on_analysed: Callable[[Document, Snapshot], None] | None = None):
        self.docs: dict[str, Document] = {}
        self.by_path: dict[str, Document] = {}
        self.on_analysed = on_analysed
        self.collector = Collector()        # the garbage collector: off during analyses, full passes when idle
        self._slots = threading.BoundedSemaphore(PARALLEL)

    @staticmethod
    def lane(doc: Document) -> ThreadPoolExecutor:
        if doc.lane is None:
            doc.lane = ThreadPoolExecutor(max_workers=1, thread_name_prefix="shapelens-analysis")
        return doc.lane

    def shutdown(self) -> None:
        self.collector.stop()
        for doc in self.docs.values():
            if doc.cancel is not None:
                doc.cancel.set()
            if doc.lane is not None:
                doc.lane.shutdown(wait=False, cancel_futures=True)

    # ---- buffers ---------------------------------------------------------------------------------
    def buffer_text(self, path: str) -> str | None:
        doc = self.by_path.get(norm_path(path))
        return doc.text if doc is not None else None

    def get(self, uri: str) -> Document | None:
        return self.docs.get(uri)

    # ---- changes ---------------------------------------------------------------------------------
    def update(self, uri: str, path: str | None, version: int | None, text: str, cells=None) -> Document:
        """A document's new version; a notebook gives its Python cells ``[(cell uri, text), …]``
        (``text`` is then unused)."""
        doc = self.docs.get(uri)
        if doc is None:
            doc = Document(uri, path, version or 0, text)
            self.docs[uri] = doc
            if path and cells is None:
                self.by_path[norm_path(path)] = doc
        else:
            doc.version = version if version is not None else doc.version + 1
            doc.text = text
        doc.cells = list(cells) if cells is not None else None
        self.schedule(doc)
        if path:
            self.schedule_dependents(doc)
        return doc

    def close(self, uri: str) -> None:
        doc = self.docs.pop(uri, None)
        if doc is None:
            return
        if doc.cancel is not None:
            doc.cancel.set()
        if doc.path and self.by_path.get(norm_path(doc.path)) is doc:
            self.by_path.pop(norm_path(doc.path), None)
            self.schedule_dependents(doc)     # dependents now read the file on disk
        # the closed document's analyses are garbage now (syntax trees and records hold cycles):
        # collect them on its lane once its work is done (at the next pause if other documents are
        # being analysed), for the next documents to reuse
        lane = self.lane(doc)
        lane.submit(self.collector.collect_now)
        lane.shutdown(wait=False)

    def schedule_dependents(self, changed: Document) -> None:
        if not changed.path:
            return
        key = norm_path(changed.path)
        for doc in list(self.docs.values()):
            if doc is changed or doc.latest is None:
                continue
            if key in doc.latest.paths:
                self.schedule(doc)

    def schedule(self, doc: Document) -> None:
        """Queue an analysis of the document's current text; older work becomes stale."""
        loop = asyncio.get_running_loop()
        if doc.cancel is not None:
            doc.cancel.set()
        cancel = threading.Event()
        doc.cancel = cancel
        doc.generation += 1
        previous = doc.future
        future = loop.create_future()
        doc.future = future
        # the previous version was still queued or being analysed: changes are coming faster
        # than they are analysed (a burst); this one waits a moment for the next (see ``_run``)
        settle = SETTLE if previous is not None and not previous.done() else 0.0
        if previous is not None and not previous.done():
            previous.set_result(None)          # its waiters move on to the new future
        if doc.early is not None:
            doc.early.abandon()
        # the document's first analysis answers the viewports it is asked for as soon as it can
        first = previous is None and doc.latest is None and doc.cells is None
        doc.early = early = EarlyHints(doc.version, doc.text) if first else None
        version, text, generation = doc.version, doc.cells if doc.cells is not None else doc.text, doc.generation
        job = loop.run_in_executor(self.lane(doc), self._run, doc, version, text, cancel, settle, early)
        job.add_done_callback(lambda j: self._finished(doc, generation, future, j))

    def _run(self, doc: Document, version: int, text, cancel: threading.Event, settle: float = 0.0,
             early: EarlyHints | None = None):
        """On the document's lane (``text``: a notebook's cells, or the text).  In a burst (``settle`` > 0) it first waits that long for a
        newer version, holding no lock: an analysis that the next change would cancel would only
        take the interpreter lock from the event loop, which then reads the burst's messages
        seconds late — and the hints of the last version with them."""
        if cancel.is_set() or (settle and cancel.wait(settle)):
            return None
        with self._slots:
            if cancel.is_set():
                return None
            return self._analyse(doc, version, text, cancel, early)

    def _analyse(self, doc: Document, version: int, text, cancel: threading.Event, early: EarlyHints | None = None):
        started = time.perf_counter()
        paths: set = set()

        def open_buffer(path: str):
            paths.add(norm_path(path))
            return self.buffer_text(path)

        loader = module_loader(doc.path, open_buffer) if doc.path else None
        notebook = notebook_source(text) if isinstance(text, list) else None
        if early is not None:
            # parsing holds the interpreter lock for its whole run (tens of ms on a large file):
            # first let the event loop take the inlay-hint request an editor sends right after
            # ``didOpen``, so that the analysis knows which lines to prove final early
            time.sleep(EARLY_PAUSE)
        self.collector.begin()      # no collector passes during an analysis (see ``collector``)
        try:
            outcome = doc.engine.update(notebook.text if notebook else text, loader, cancel, early)
        except Cancelled:
            return None
        finally:
            self.collector.end()
            if early is not None:
                early.abandon()
        return build_snapshot(version, notebook.original if notebook else text, outcome, doc.good, paths,
                              time.perf_counter() - started, notebook)

    def _finished(self, doc: Document, generation: int, future: asyncio.Future, job) -> None:
        try:
            snapshot = job.result()
        except (Cancelled, asyncio.CancelledError):
            snapshot = None
        except Exception:  # noqa: BLE001 - an analyser bug must not take the server down
            log.exception("analysis failed for %s", doc.uri)
            snapshot = None
        if snapshot is not None:
            if doc.latest is None or generation >= doc.latest_generation:
                doc.latest = snapshot
                doc.latest_generation = generation
            if snapshot.syntax_ok:
                doc.good = snapshot
        if not future.done():
            future.set_result(snapshot)
        if snapshot is not None and generation == doc.generation and self.docs.get(doc.uri) is doc:
            if self.on_analysed is not None:
                self.on_analysed(doc, snapshot)

    # ---- reading ------------------------------------------------------------------------------------
    async def viewport(self, uri: str, lines: tuple[int, int]) -> EarlySnapshot | Snapshot | None:
        """What the inlay hints of ``lines`` (1-based, inclusive) read: the final hints of those
        lines as soon as the document's first analysis has proved them, else ``snapshot``."""
        doc = self.docs.get(uri)
        if doc is None or doc.early is None or doc.future is None or doc.future.done():
            return await self.snapshot(uri)
        early, future = doc.early, doc.future
        answer = early.want(lines)
        await asyncio.wait((answer, future), return_when=asyncio.FIRST_COMPLETED)
        if answer.done() and answer.result() is not None and doc.version == early.version:
            return answer.result()
        return await self.snapshot(uri)

    async def snapshot(self, uri: str) -> Snapshot | None:
        """The analysis of the document's latest version (waits for it if it is under way)."""
        doc = self.docs.get(uri)
        if doc is None:
            return None
        while True:
            future = doc.future
            if future is None:
                return doc.latest
            result = await asyncio.shield(future)
            if result is not None and future is doc.future:
                return result
            if future is doc.future:            # the analysis of this version failed
                return doc.latest
