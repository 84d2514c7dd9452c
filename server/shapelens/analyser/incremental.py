"""Incremental analysis: after an edit, re-run only the top-level statements it affects.

The analyser interprets a module statement by statement.  This module keeps, for every
top-level statement of the previous run, a *record*: its source text (after syntax-error
recovery), the module-level names it read before writing them and the values it wrote, the
layer-name counters it consumed (Keras's ``conv2d``, ``conv2d_1``...), the user functions it
defined and called, the interpreter steps it took, and everything it recorded (layer-call
results, diagnostics, limit notes, MACs) as an event log.

A new text is parsed (with the same recovery as the analyser); statements whose text is the
same as in the previous run at the start (common prefix) or end (common suffix) of the module
are *matched* to their records, the rest are new.  Then, in order:

* a matched statement is **replayed** — its recorded writes are put in the module scope, its
  counters advanced, its log reused (its AST nodes are the previous run's, moved to their new
  line numbers) — unless it must be re-run:
* a statement is **re-run** if it is new, if it read a name whose value differs from the
  previous run at that point (*dirty*: written by a re-run or removed statement), if the
  layer-name counters it uses do not start where they did, or if a module it imported changed;
* **mutable objects** (layers, models, tensors, lists, instances...) are never shared between
  a re-run statement and a replayed one: before a statement re-runs, the statements that
  created the mutable values it reads re-run too (using the previous run's reads, the names the
  statement's code loads, and — checked after it ran — what it actually read; a statement found
  to need more restarts the pass).  Immutable values (numbers, strings, tuples of them, Keras
  API references, this file's functions and classes) are shared.

The final ``Analysis`` is rebuilt by replaying every statement's log in order into a fresh
recorder (same de-duplication and per-site caps as a full run); functions nobody called are then
explored as in a full run, and models are collected from the final scope.  Anything unusual —
a top-level ``return``/``raise``/``break``, the step budget, a cancelled run, more than a few
restarts — falls back to a full analysis (and the next edit starts from that).
``tests/analyser/test_incremental_equivalence.py`` checks incremental and full analyses agree
after random edits of every example file.  The language server keeps one ``IncrementalAnalysis``
per open document.
"""

from __future__ import annotations

import ast
import weakref
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from typing import cast

from .autonames import WATCH, AutoName, Renumbering, plain
from .control import Break, Continue, Limit, Return, Scope, Stop
from .explorations import Explorations
from .parsing import first_line, line_texts, sanitize, split_lines, too_large
from .parsing import parse_lines as parse_with_recovery
from .recorder import UNSURE, SpanMaker
from .result import Span, copied
from .runner import Cancelled, Outcome, RecordingLoader, ServerInterpreter, ServerRecorder, analyse, collect
from .sharing import DELETED, same_value, shareable
from .values import MISSING
from .viewport import Reach, Viewport

MAX_RESTARTS = 4


# ---- parsing ---------------------------------------------------------------------------------------

def _last_line(stmt: ast.stmt) -> int:
    """A parsed statement's last line (``ast.parse`` always sets it)."""
    return cast(int, stmt.end_lineno)


def _key(stmt, lines: list) -> str:
    return "".join(lines[first_line(stmt) - 1:stmt.end_lineno])


def _comments_only(records: list, statements: list, keys: list) -> bool:
    """Whether ``statements`` (with ``keys``) are ``records``' statements with only comments
    changed, on the same lines: they parse to the same trees, every position included (spaces
    the parser does not keep may differ too; the analysis sees neither)."""
    if not records or len(records) != len(statements):
        return False
    for record, stmt, key in zip(records, statements, keys):
        if (record.first_line, _last_line(record.node)) != (first_line(stmt), _last_line(stmt)):
            return False
        if key != record.key and not _same_tree(stmt, record.node):
            return False
    return True


def _same_tree(a: ast.AST, b: ast.AST) -> bool:
    """Whether two syntax trees are equal, node types, fields and positions included (values by
    type too: ``1``, ``1.0`` and ``True`` differ).  A walk, not ``ast.dump``: a 1,400-line class
    compares in a few milliseconds, where tokenizing its text twice took 55."""
    left: list = [a]
    right: list = [b]
    while left:
        x, y = left.pop(), right.pop()
        if type(x) is not type(y):
            return False
        if isinstance(x, ast.AST):
            for name in x._fields:
                left.append(getattr(x, name, None))
                right.append(getattr(y, name, None))
            for name in x._attributes:
                if getattr(x, name, None) != getattr(y, name, None):
                    return False
        elif type(x) is list:
            if len(x) != len(y):
                return False
            left.extend(x)
            right.extend(y)
        elif x != y:
            return False
    return True


# weak: the cache must not keep the statements alive (holding up to 20,000 of them, the earlier
# dict grew the server by ~5 KB per edit and kept closed documents' syntax trees;
# ``tests/robustness/test_robustness_load.py``)
_LOADS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _loads(stmt) -> set:
    """Names the statement's code loads (cached per AST node while it is alive)."""
    names = _LOADS.get(stmt)
    if names is None:
        names = {n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
        _LOADS[stmt] = names
    return names


def _stores(stmt) -> set:
    names = set()
    for n in ast.walk(stmt):
        if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del)):
            names.add(n.id)
        elif isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and n is stmt:
            names.add(n.name)
        elif isinstance(n, ast.alias):
            names.add((n.asname or n.name).split(".")[0])
    return names


def _starts_indented(lines: list, first: int, last: int) -> bool:
    """Whether the first line of code (not blank, not a comment) among ``lines[first - 1:last]``
    is indented."""
    for line in lines[first - 1:last]:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return line[0] in " \t\f"
    return False


_RUN = 64      # lines compared at once by ``_same_start``


def _same_start(old: list, new: list, limit: int) -> int:
    """How many first items ``old`` and ``new`` have in common (at most ``limit``).  Runs of
    lines are compared as list slices (in C): each edit compares the lines of the old and the new
    text, thousands of them, several times."""
    count = 0
    while count < limit:
        end = min(count + _RUN, limit)
        if old[count:end] != new[count:end]:
            while old[count] == new[count]:
                count += 1
            return count
        count = end
    return limit


def line_mapping(old: list, new: list):
    """``(prefix, old_end, delta)``: lines ``<= prefix`` (1-based) are the same in both texts;
    old lines ``> old_end`` are the same lines moved by ``delta``; the others changed."""
    limit = min(len(old), len(new))
    prefix = _same_start(old, new, limit)
    suffix = _same_start(old[::-1], new[::-1], limit - prefix)
    return prefix, len(old) - suffix, len(new) - len(old)


def map_line(line: int, mapping):
    prefix, old_end, delta = mapping
    if line <= prefix:
        return line
    if line > old_end:
        return line + delta
    return None


def map_span(span: Span, mapping) -> Span | None:
    """The span in the new text, or None when it touches a changed line."""
    start, end = map_line(span.line, mapping), map_line(span.end_line, mapping)
    if start is None or end is None or end - start != span.end_line - span.line:
        return None
    if start == span.line:
        return span
    return Span(start, span.column, end, span.end_column)


class TrackingDict(dict):
    """The module scope's variables, noting names read (before written) and written.

    A name is written when the statement binds it (``assigned``: ``=``, ``del``, ``import``...),
    even to the object it held (``units = 4`` again: replaying the statement must bind it again
    after an edit of the first binding), or when its value changed.  ``uncertain_branches``'s
    bookkeeping (``clear``, ``update``, ``put_back``) is no binding."""

    watch = None        # called with (name, value) on each first read, when set (``explorations.py``)

    def begin(self) -> None:
        self.reads: dict = {}
        self.writes: set = set()
        self.before: dict = {}
        self.assigned: set = set()

    def _read(self, key) -> None:
        if key in self.reads:
            return
        value = dict.get(self, key, DELETED)
        # a name written in this statement is still read from outside while it holds the value
        # it had before (``uncertain_branches`` clears the scope and puts the same values back)
        if key not in self.writes or value is self.before.get(key, DELETED):
            self._note_read(key, value)

    def _note_read(self, key, value) -> None:
        self.reads[key] = MISSING if value is DELETED else value
        if self.watch is not None:
            self.watch(key, value)

    def read_prior(self, key, prior: dict, written: set) -> None:
        """Code that may not have run bound ``key`` (``prior``: the variables before it,
        ``written``: the names the statement had written by then): what the statement leaves
        depends on the value it held."""
        value = prior.get(key, DELETED)
        if key not in self.reads and (key not in written or value is self.before.get(key, DELETED)):
            self._note_read(key, value)

    def _write(self, key) -> None:
        self.writes.add(key)
        if key not in self.before:
            self.before[key] = dict.get(self, key, DELETED)

    def _assign(self, key) -> None:
        self._write(key)
        self.assigned.add(key)

    def put_back(self, key, value) -> None:
        """``key`` set to ``value`` by the analysis's bookkeeping, not bound by the statement."""
        self._write(key)
        dict.__setitem__(self, key, value)

    def changed(self) -> dict:
        """Names the statement bound, or whose value is not the one they had before (``DELETED``
        when removed)."""
        out = {}
        for key, old in self.before.items():
            new = dict.get(self, key, DELETED)
            if new is not old or key in self.assigned:
                out[key] = new
        return out

    def __getitem__(self, key):
        self._read(key)
        return dict.__getitem__(self, key)

    def __contains__(self, key):
        self._read(key)
        return dict.__contains__(self, key)

    def get(self, key, default=None):
        self._read(key)
        return dict.get(self, key, default)

    def __setitem__(self, key, value):
        self._assign(key)
        dict.__setitem__(self, key, value)

    def __delitem__(self, key):
        self._assign(key)
        dict.__delitem__(self, key)

    def pop(self, key, *default):
        self._assign(key)
        return dict.pop(self, key, *default)

    def setdefault(self, key, default=None):
        self._read(key)
        self._assign(key)
        return dict.setdefault(self, key, default)

    def update(self, *args, **kwargs):
        other = dict(*args, **kwargs)
        for key in other:
            self._write(key)
        dict.update(self, other)

    def clear(self):
        for key in list(dict.keys(self)):
            self._write(key)
        dict.clear(self)

    def items(self):
        for key in dict.keys(self):
            self._read(key)
        return dict.items(self)

    def values(self):
        for key in dict.keys(self):
            self._read(key)
        return dict.values(self)


@dataclass
class Record:
    key: str
    node: ast.stmt
    reads: set                      # names read before written
    mutable_reads: set              # of those, the ones holding a mutable value
    writes: dict                    # name -> value after the statement (or DELETED)
    uid_start: dict                 # prefix -> counter value when first consumed here
    uid_delta: dict                 # prefix -> how many names consumed
    steps: int
    functions: list                 # UserFunctions defined at module level
    invoked: list                   # UserFunctions called
    events: list                    # the recorder's log
    modules: dict = field(default_factory=dict)   # module name -> source read while running
    first_line: int = 0
    outside: dict = field(default_factory=dict)   # name -> module-wide reads a loop check relied on
    names: list = field(default_factory=list)     # the default names it gave (``AutoName``), in order
    holders: list = field(default_factory=list)   # (object, attribute) it stored a default name in
    used_names: set = field(default_factory=set)  # ids of the default names whose text it used
    renumberable: bool = False      # its names can be renumbered instead of running it again
    prepared: tuple | None = None   # its events, ready to replay (``ServerRecorder.prepare_replay``)
    prepared_line: int = 0          # ... when its first line was this one
    line_nodes: list | None = None  # its AST nodes that have line numbers (``move``), listed once
    name_holders: list | None = None    # per name of ``names``, where it stored it (``Renumbering``)

    def move(self, delta: int) -> None:
        """Move the statement ``delta`` lines, as ``ast.increment_lineno`` does: the nodes are
        listed on the first move, so moving it again (every edit that adds or removes a line
        above it) is one loop, not a walk of its tree."""
        if self.line_nodes is None:
            self.line_nodes = [n for n in ast.walk(self.node) if hasattr(n, "lineno")]
        for n in self.line_nodes:
            n.lineno += delta
            if getattr(n, "end_lineno", None) is not None:
                n.end_lineno += delta
        self.first_line += delta


class _Restart(Exception):
    def __init__(self, indices):
        self.indices = indices


class _Fallback(Exception):
    pass


class _CountingRecorder(ServerRecorder):
    """The recorder statements run with: logs events, counts name counters per statement."""

    def __init__(self, lines: list[str]):
        super().__init__(lines)
        self.begin()

    def begin(self) -> None:
        self.log = []
        self.recorded = []
        self.uid_start: dict = {}
        self.uid_delta: dict = defaultdict(int)
        self.names: list[AutoName] = []           # the default names given, in order
        self.shadow_named = False
        self.counts_before: dict | None = None    # the counters before it, once they are lent out

    def uid_counts(self) -> dict:
        """The counters, lent to a builder that takes names itself: what they were before the
        statement is noted first (the names ``unique_name`` and ``mark_unsure`` took, each one,
        are in ``uid_delta``)."""
        if self.counts_before is None:
            self.counts_before = {key: count - self.uid_delta.get(key, 0) for key, count in self._uids.items()}
        return self._uids

    def end(self) -> bool:
        """Count the names the statement took without ``unique_name`` (an application's builder
        takes its own from the counters) like the others; whether there were none."""
        if self.counts_before is None:     # never lent: every name it took is counted already
            return True
        taken_elsewhere = False
        for key, count in self._uids.items():
            if key.endswith(UNSURE):
                continue
            before = self.counts_before.get(key, 0)
            if count - before != self.uid_delta.get(key, 0):
                taken_elsewhere = True
                self.uid_delta[key] = count - before
                self.uid_start.setdefault(key, before)
                self.uid_start.setdefault(key + UNSURE, self.counts_before.get(key + UNSURE, 0))
        return not taken_elsewhere

    def renumberable(self, used: set) -> bool:
        """Whether the names this statement gave (all through ``unique_name``: ``end``) are all
        ``AutoName``s it did not use as text."""
        return not self.shadow_named and not any(id(name) in used for name in self.names)

    def unique_name(self, prefix: str) -> str:
        if self.shadow:                # a sandboxed trace takes no names
            self.shadow_named = True
            return super().unique_name(prefix)
        for key in (prefix, prefix + UNSURE):       # the name depends on both counters
            if key not in self.uid_start:
                self.uid_start[key] = self.uid_count(key)
        self.uid_delta[prefix] += 1
        name = AutoName.make(prefix, self.uid_count(prefix), self.uid_count(prefix + UNSURE) > 0,
                             self.branching > 0)
        super().unique_name(prefix)
        self.names.append(name)
        return name

    def mark_unsure(self, prefix: str) -> None:
        self.uid_delta[prefix + UNSURE] += 1
        super().mark_unsure(prefix)


class IncrementalAnalysis:
    """One per document: analyses successive texts, reusing what an edit did not touch.

    ``update(text, loader, cancel)`` analyses the document's new full text (the edit is found
    by comparing it with the previous one) and returns the same ``Outcome`` as a full analysis."""

    def __init__(self) -> None:
        self.records: list[Record] | None = None
        self.scope: Scope | None = None
        self.lines: list | None = None          # the previous text's lines, as parsed (repaired)
        self.original: list | None = None       # the previous text's lines
        self.force_names: set = set()        # mutable names unexplored functions read last time
        self.renamed: set[int] = set()      # ids of the objects the last update's renumberings renamed
        self.text_lines: list[str] = []
        self.reports: dict[int, tuple] | None = None   # id(model) -> (model, variable, report, (first, last line), row operations) last time
        self.explorations = Explorations()    # the functions nobody called, as explored last time
        self.reach: Reach | None = None      # a first analysis's early hints (``viewport.py``)

    def reset(self) -> None:
        self.records = self.scope = self.lines = self.original = None
        self.force_names = set()
        self.reports = None
        self.explorations = Explorations()

    # ---- entry ---------------------------------------------------------------------------------
    def update(self, text: str, loader=None, cancel=None, viewport: Viewport | None = None) -> Outcome:
        """``viewport``: ranges of lines an editor waits for, answered as soon as their hints are
        final when this is a first analysis of a text that parses (``viewport.py``)."""
        text = sanitize(text)
        if too_large(text):
            self.reset()
            return analyse(text, loader, cancel)
        original = split_lines(text)
        self.text_lines = line_texts(text)     # what spans are made from
        parsed = self._parse_changed(original) if self.records is not None else None
        known = None
        if parsed is None:
            tree, syntax_ok, lines = parse_with_recovery(text)
            if tree is None:
                self.reset()
                return analyse(text, loader, cancel)
            body = tree.body
            keys = [_key(stmt, lines) for stmt in body]
            if viewport is not None and syntax_ok and self.records is None:
                self.reach = Reach(viewport, body, keys, lines, SpanMaker(self.text_lines))
        else:
            body, keys, lines, known = parsed
            syntax_ok = lines == original
        try:
            outcome = self._incremental(text, body, keys, syntax_ok, lines, loader, cancel, known)
            self.original = original
            return outcome
        except Cancelled:
            self.reset()
            raise
        except (_Fallback, RecursionError):
            self.reset()
        finally:
            self.reach = None
        return analyse(text, loader, cancel)

    # ---- the pass ------------------------------------------------------------------------------
    def _match(self, body, keys):
        """``{new index: old record}`` for the common prefix and suffix of statements."""
        old = self.records or []
        matches = {}
        limit = min(len(old), len(body))
        prefix = 0
        while prefix < limit and old[prefix].key == keys[prefix]:
            matches[prefix] = old[prefix]
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and old[len(old) - 1 - suffix].key == keys[len(body) - 1 - suffix]:
            matches[len(body) - 1 - suffix] = old[len(old) - 1 - suffix]
            suffix += 1
        removed = old[prefix:len(old) - suffix]
        self.prefix = prefix
        return matches, removed

    def _parse_changed(self, original: list):
        """Parse only the lines an edit changed: ``(body, keys, repaired lines)`` or None.

        The changed lines (common first and last lines of the old and new text aside) widen
        to the top-level statements they touch and the lines between their neighbours; that
        slice — starting at the top level, after a complete statement — is parsed on its own
        (with the same recovery) and put between the previous run's statements before and after
        it.  Syntax errors are so repaired inside the edited region only."""
        old_original = getattr(self, "original", None)
        records = self.records
        if old_original is None or records is None or self.lines is None or len(self.lines) != len(old_original):
            return None
        prefix, old_end, delta = line_mapping(old_original, original)
        a = 0
        while a < len(records) and _last_line(records[a].node) <= prefix:
            a += 1
        b = a
        while b < len(records) and records[b].first_line <= old_end:
            b += 1
        # an indented line may continue the block of the statement before it (a function's body
        # being typed, its line blanked while incomplete): that statement is parsed again too
        while a > 0 and _starts_indented(original, _last_line(records[a - 1].node) + 1, len(original)):
            a -= 1
        start = _last_line(records[a - 1].node) + 1 if a > 0 else 1
        end_old = records[b].first_line - 1 if b < len(records) else len(old_original)
        end_new = end_old + delta
        if end_new < start - 1 or start > prefix + 1 or end_old < old_end:
            return None
        tree, _ok, repaired = parse_with_recovery("".join(original[start - 1:end_new]), start)
        if tree is None:
            return None
        lines = self.lines[:start - 1] + repaired + self.lines[end_old:]
        if len(lines) != len(original):
            return None
        for record in records[b:]:
            if delta:
                record.move(delta)
        body = [r.node for r in records[:a]] + tree.body + [r.node for r in records[b:]]
        keys = [r.key for r in records[:a]] + [_key(stmt, lines) for stmt in tree.body] + [r.key for r in records[b:]]
        if _comments_only(records[a:b], tree.body, keys[a:a + len(tree.body)]):
            # only comments changed: the statements are the previous run's, at the same places
            for record, key in zip(records[a:b], keys[a:b]):
                record.key = key
            body[a:b] = [r.node for r in records[a:b]]
            return body, keys, lines, ({i: records[i] for i in range(len(records))}, [], len(records))
        matches = {i: records[i] for i in range(a)}
        offset = a + len(tree.body) - b
        matches.update({i + offset: records[i] for i in range(b, len(records))})
        return body, keys, lines, (matches, records[a:b], a)

    def _incremental(self, text, body, keys, syntax_ok, lines, loader, cancel, known=None) -> Outcome:
        if self.records is None or self.scope is None:
            matches, removed = {}, []
            self.prefix = 0
            self.scope = Scope()
        elif known is not None:
            matches, removed, self.prefix = known
        else:
            matches, removed = self._match(body, keys)
        # move replayed statements' AST nodes to their new lines (undone by ``reset`` on failure)
        for index, record in matches.items():
            delta = first_line(body[index]) - record.first_line
            if delta:
                record.move(delta)
        forced: set = set()
        if self.force_names:
            last: dict = {}
            for i, stmt in enumerate(body):
                record = matches.get(i)
                for name in (record.writes if record is not None else _stores(stmt)):
                    last[name] = i
            forced = {last[n] for n in self.force_names if n in last}
        self.renamed = set()          # ids of the objects this update's renumberings gave a new name
        for _ in range(MAX_RESTARTS + 1):
            try:
                return self._pass(text, body, keys, syntax_ok, lines, matches, removed, forced, loader, cancel)
            except _Restart as restart:
                if restart.indices <= forced:
                    break
                forced |= restart.indices
        raise _Fallback()

    def _closure(self, body, matches, removed, forced) -> set:
        """Statements to re-run, worked out before running: new and forced ones; the statements
        that read what a re-run statement writes (they will see new values); and the creators of
        the mutable values a re-run statement reads — or that a removed statement read (and may
        have changed, as ``model.add(...)`` does).  The pass re-checks all of it as it runs."""
        count = len(body)
        rerun = set(forced) | {i for i in range(count) if i not in matches}
        if len(rerun) == count:     # a first run, or nothing kept: no need to walk the statements
            return rerun
        writes_of, reads_of = [], []
        for i, stmt in enumerate(body):
            record = matches.get(i)
            writes_of.append(record.writes.keys() if record is not None else _stores(stmt))
            reads_of.append(record.reads if record is not None else _loads(stmt))
        writing: dict = defaultdict(list)       # name -> the statements writing it, in order
        readers: dict = defaultdict(list)
        for i in range(count):
            for name in reads_of[i]:
                readers[name].append(i)
            for name in writes_of[i]:
                writing[name].append(i)

        def last_writer(i: int, name: str, default=None):
            """The last statement before ``i`` that writes ``name`` (a copy of every writer map per
            statement was quadratic: 4 ms a pass on a 2,000-line file)."""
            indices = writing.get(name)
            if not indices:
                return default
            k = bisect_left(indices, i)
            return indices[k - 1] if k else default
        gap = min(getattr(self, "prefix", 0), count)
        for record in removed:
            for name in record.mutable_reads:
                j = last_writer(gap, name)
                if j is not None:
                    rerun.add(j)
            for name in record.writes:           # what follows saw the removed statement's values
                for j in readers.get(name, ()):
                    if j >= gap and last_writer(j, name, -1) < gap:
                        rerun.add(j)
        work = list(rerun)
        while work:
            i = work.pop()
            record = matches.get(i)
            for name in (record.mutable_reads if record is not None else _loads(body[i])):
                j = last_writer(i, name)
                if j is None or j in rerun:
                    continue
                written = matches.get(j)
                if written is not None and shareable(written.writes.get(name), self.scope):
                    continue
                rerun.add(j)
                work.append(j)
            for name in writes_of[i]:
                for j in readers.get(name, ()):
                    if j > i and j not in rerun and last_writer(j, name) == i:
                        rerun.add(j)
                        work.append(j)
        return rerun

    def _pass(self, text, body, keys, syntax_ok, lines, matches, removed, forced, loader, cancel) -> Outcome:
        """One run over the statements (``_Restart`` when more must re-run than planned)."""
        scope = cast(Scope, self.scope)     # made by ``_incremental`` before any pass
        variables = TrackingDict()
        variables.begin()
        scope.vars = variables
        recorder = _CountingRecorder(self.text_lines)
        recording = RecordingLoader(loader)
        interp = ServerInterpreter(recorder, recording if loader is not None else None, cancel)
        interp.module_scope = scope
        interp.module_body = body
        plan = self._closure(body, matches, removed, forced)
        dirty: set = set()
        gap = min(self.prefix, len(body))
        removed_writes = set()
        for record in removed:
            removed_writes.update(record.writes)
        definer: dict = {}
        rerun: set = set()
        records: list[Record] = []
        steps = 0
        reused = 0
        renumbering: Renumbering | None = None
        for i, stmt in enumerate(body):
            if i == gap:
                dirty |= removed_writes      # names the removed statements set differ from here on
            old = matches.get(i)
            run = i in plan or old is None
            if not run:
                if dirty and not old.reads.isdisjoint(dirty):
                    run = True
                elif any(recorder.uid_count(p) != n for p, n in old.uid_start.items()):
                    # Keras's default names shift (a layer was added or removed above): the names
                    # it gave are renumbered where that is safe (``autonames.py``)
                    if renumbering is None:
                        renumbering = Renumbering((matches[k] for k in range(i, len(body)) if k in matches), self.renamed)
                    if self._changed_around(old, loader, interp) or not renumbering.renumber(old, recorder.uid_count):
                        # it cannot: it re-runs, and so does every later statement naming layers of these
                        # classes that cannot be renumbered — decided at once, so that the creators
                        # of what they read are re-run in the same pass
                        shifted = {p for p, n in old.uid_start.items() if recorder.uid_count(p) != n}
                        later = {k for k in range(i, len(body)) if k in matches and k not in plan
                                 and not shifted.isdisjoint(matches[k].uid_start)
                                 and (k == i or not matches[k].renumberable)}
                        if later - forced:
                            raise _Restart(later | forced)
                        run = True
                elif self._changed_around(old, loader, interp):
                    run = True
            if not run:
                for name, value in old.writes.items():
                    if value is DELETED:
                        dict.pop(variables, name, None)
                    else:
                        dict.__setitem__(variables, name, value)
                    definer[name] = i
                    dirty.discard(name)
                for prefix, count in old.uid_delta.items():
                    recorder.advance_uids(prefix, count)
                steps += old.steps
                interp.functions.extend(old.functions)
                records.append(old)
                reused += 1
                continue
            # the creators of mutable values this statement will read must have re-run too (when
            # every statement so far re-ran, they all did)
            if reused:
                names = _loads(stmt) | (old.reads if old is not None else set())
                need = {definer[n] for n in names if n in definer and definer[n] not in rerun
                        and not shareable(dict.get(variables, n, MISSING), scope)}
                if need:
                    raise _Restart(need)
            record = self._run(i, stmt, keys[i], interp, recorder, variables, recording, steps)
            need = {definer[n] for n in record.mutable_reads if n in definer and definer[n] not in rerun}
            if need:
                raise _Restart(need)
            steps += record.steps
            for name, value in record.writes.items():
                definer[name] = i
                if old is not None and name in old.writes and same_value(old.writes[name], value):
                    dirty.discard(name)
                else:
                    dirty.add(name)
            if old is not None:
                dirty.update(name for name in old.writes if name not in record.writes)
            rerun.add(i)
            records.append(record)
            if self.reach is not None and not matches:
                self.reach.after_statement(i, records, interp, variables)
        if gap >= len(body):
            dirty |= removed_writes
        interp.steps = steps                 # uncalled functions are explored after all statements
        return self._finish(text, syntax_ok, lines, records, interp, recorder, variables, reused, len(rerun))

    @staticmethod
    def _changed_around(old: Record, loader, interp) -> bool:
        """Whether what ``old``'s statement read outside this file's statements changed: a module
        it imported, or module-wide reads a loop it stopped early relied on (``budget.py``)."""
        if old.modules and loader is not None and any(loader(m) != src for m, src in old.modules.items()):
            return True
        return bool(old.outside) and any(interp.module_loads()[n] != c for n, c in old.outside.items())

    def _run(self, index, stmt, key, interp, recorder, variables, recording, steps) -> Record:
        variables.begin()
        recorder.begin()
        recording.loaded = {}
        interp.steps = steps
        interp.begin_statement()
        interp.outside_queries = {}
        interp.invoked = []
        functions_before = len(interp.functions)
        WATCH.begin()
        try:
            interp.exec_stmt(stmt, self.scope)
        except Limit:
            if not interp.statement_limit(stmt, self.scope):
                raise _Fallback() from None
        except (Return, Break, Continue, Stop):
            raise _Fallback() from None
        finally:
            used, holders = WATCH.end()
        reads = dict(variables.reads)
        mutable = {n for n, v in reads.items() if not shareable(v, self.scope)}
        writes = variables.changed()
        used_ids = {id(name) for name in used}
        renumberable = recorder.end() and recorder.renumberable(used_ids)
        return Record(key, stmt, set(reads), mutable, writes, dict(recorder.uid_start), dict(recorder.uid_delta),
                      interp.steps - steps, interp.functions[functions_before:], list(interp.invoked),
                      recorder.log, dict(recording.loaded), first_line(stmt), dict(interp.outside_queries),
                      recorder.names, holders, used_ids, renumberable)

    def _finish(self, text, syntax_ok, lines, records, interp, recorder, variables, reused, rerun) -> Outcome:
        final = ServerRecorder(self.text_lines)
        final.analysis.syntax_ok = syntax_ok
        final.share_uids(recorder)
        for record in records:
            # a statement that did not move ran only code at or above it, which did not move either
            if record.prepared is None or record.prepared_line != record.first_line:
                record.prepared, record.prepared_line = final.prepare_replay(record.events), record.first_line
            final.replay_prepared(record.prepared)
        for fn in interp.functions:
            fn.calls = 0
        for record in records:
            for fn in record.invoked:
                fn.calls += 1
        # the models first: what the functions nobody called would do to them never happens
        # (``analysis.run_interpreter``)
        reports, objects, ops = collect(dict(dict.items(variables)), final, self._report_reuser(lines))
        final.analysis.models = reports
        interp.rec = final
        interp.invoked = None
        final.settle()
        after = None
        if self.reach is not None:
            reach = self.reach
            reach.after_exploration(None, records, interp, variables, final)
            after = lambda fn: reach.after_exploration(fn, records, interp, variables, final)   # noqa: E731
        explored_reads = self.explorations.explore(interp, final, variables, cast(Scope, self.scope), after)
        explored = {n for n, v in explored_reads.items() if not shareable(v, self.scope)}
        bounds = {id(entry[2]): entry[3] for entry in (self.reports or {}).values()}
        self.reports = {id(m): (m, r.variable, r, bounds.get(id(r)) or _lines_of(r), o)
                        for m, r, o in zip(objects, reports, ops)}
        modules = {}
        for record in records:
            modules.update(record.modules)
        self.records = records
        self.lines = lines
        # exploring uncalled functions may have changed these objects: their creators re-run next time
        self.force_names = explored
        return Outcome(final.analysis, modules, reused, rerun, self.explorations.reused)

    def _report_reuser(self, lines):
        """Model reports of the previous run for model objects this run kept (a kept object was
        not changed: whatever could change it re-ran and made a new one), spans moved and
        default names ``renamed``."""
        previous = getattr(self, "reports", None)
        if not previous or self.lines is None:
            return None
        mapping = line_mapping(self.lines, lines)

        prefix, old_end, delta = mapping

        def reuse(name, model):
            entry = previous.get(id(model))
            if entry is None or entry[0] is not model or entry[1] != name:
                return None
            report = entry[2]
            if self.renamed and (id(model) in self.renamed or any(id(op) in self.renamed for op in entry[4])):
                report = _with_names(report, model, entry[4])
            first, last = entry[3]
            if last <= prefix or (first > old_end and not delta):
                return report, entry[4]     # every line it shows is where it was
            span = map_span(report.span, mapping) if report.span is not None else None
            rows = _moved_rows(report.rows, mapping)
            traced = [(table, _moved_rows(table.rows, mapping)) for table in report.traced]
            if (report.span is not None and span is None) or rows is None or any(r is None for _t, r in traced):
                return None
            traced = [copied(table, rows=moved) for table, moved in traced]
            return copied(report, span=span, rows=rows, traced=traced), entry[4]

        return reuse


def _with_names(report, model, row_ops: list):
    """``report`` with the names its model and rows' operations have now (renumbered: a traced
    run's rows keep their names, which are never renumbered)."""
    names = [plain(op.name) for op in row_ops]
    if report.keras_name == plain(model.name) and all(r.name == n for r, n in zip(report.rows, names)):
        return report
    return copied(report, keras_name=plain(model.name),
                  rows=[row if row.name == name else copied(row, name=name) for row, name in zip(report.rows, names)])


def _moved_rows(rows: list, mapping) -> list | None:
    """``rows`` with their spans moved to the new text; None when one touches a changed line."""
    moved = []
    for row in rows:
        row_span = map_span(row.span, mapping) if row.span is not None else None
        if row.span is not None and row_span is None:
            return None
        moved.append(row if row_span is row.span else copied(row, span=row_span))
    return moved


def _lines_of(report) -> tuple[int, int]:
    """The first and last line of the spans ``report`` shows (``(0, 0)`` for none)."""
    rows = [*report.rows, *(row for table in report.traced for row in table.rows)]
    lines = [line for span in [report.span, *(row.span for row in rows)] if span is not None
             for line in (span.line, span.end_line)]
    return (min(lines), max(lines)) if lines else (0, 0)
