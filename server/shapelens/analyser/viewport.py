"""Early hints for the lines an editor shows, while a document's first analysis runs.

An editor asks for the inlay hints of the lines on its screen.  A file's first analysis runs
every statement, then explores the functions nobody called; on a large file that takes several
times as long as parsing it, while the hints of the lines on screen are often settled after a few
of its statements.  ``Reach`` proves, after each statement and each exploration, that nothing
still to run can change the hints of a range of lines, and then hands the range's hints to the
``Viewport`` that asked: the final analysis's own hints for those lines, only sooner.

What could still change a range's hints, and how each is ruled out (in doubt, it waits):

* **code of the range not run yet**: a statement holding a line of the range, or a function whose
  code lies in the range and that would still be explored (nobody called it yet).  It waits for
  them;
* **code of the range run again, or objects made there used again** (a helper called once more,
  a ``Sequential`` built later, a model called on other shapes).  The module names whose values
  may lead there are *tainted*:
  - the names a statement holding code of the range bound;
  - the names bound, and the mutable values read, by any statement that read a tainted name;
  - the names of functions and classes whose code names a tainted name (``symtable`` says which
    names code reads from the module, the text which statements to ask);
  no statement still to run may read a tainted name before it binds the name anew, and no
  function still to be explored may name one;
* **a model whose hint is in the range collected under another name, or not at all**: no
  statement still to run may bind the name that holds it.

The sites the module's statements reached keep what they have once the module has run
(``Recorder.settle``): the explorations change them only through code of the range, ruled out
above.  ``tests/analyser/test_viewport.py`` checks every early answer against the final hints.
"""

from __future__ import annotations

import ast
import re
import symtable
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from itertools import accumulate

from ..engine.shape import UNKNOWN
from .analysis import module_models
from .interpreter import explorable
from .parsing import first_line
from .result import KEPT_RESULTS, CallSite, Span
from .sharing import DELETED
from .values import MISSING, KerasRef


class Viewport:
    """The ranges of lines an editor waits for, and where their final hints go.  ``wanted`` and
    ``final`` are called on the analysis's thread."""

    def wanted(self) -> list[tuple[int, int]]:
        """The ranges still waited for: (first line, last line), 1-based, inclusive."""
        return []

    def final(self, lines: tuple[int, int], sites: list, models: list) -> None:
        """The final call sites (``CallSite``) and models (``span``, ``params``) of ``lines``."""


@dataclass(frozen=True)
class ModelHint:
    """What a model's hint shows (``ModelReport``'s ``span`` and ``params``)."""

    span: Span
    params: object


# what a statement may hold that the module runs later, or that can make a value (a call, an
# operator on a tensor, a comprehension): a statement of the range without any is plain data
_CODE = (ast.Call, ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.GeneratorExp,
         ast.ListComp, ast.SetComp, ast.DictComp, ast.Subscript, ast.Attribute, ast.NamedExpr,
         ast.Await, ast.Yield, ast.YieldFrom, ast.Starred)
FREE_PROOFS = 32       # failed proofs before the next ones are spaced out (``Reach._resting``)
MAX_TAINTED = 300      # names that may lead into a range: past this, it is answered at the end

_DEFERRED = re.compile(r"\b(?:def|class|lambda)\b")
_STAR_IMPORT = re.compile(r"\bimport\s*\(?\s*\*")


def inert(value, depth: int = 0) -> bool:
    """A value that cannot lead to code or objects: numbers, strings, Keras API references, and
    tuples of them."""
    if value is None or value is UNKNOWN or value is MISSING or value is DELETED:
        return True
    if isinstance(value, (bool, int, float, complex, str, bytes, range, KerasRef)):
        return True
    return isinstance(value, tuple) and depth < 4 and all(inert(v, depth + 1) for v in value)


def plain_statement(stmt: ast.stmt) -> bool:
    """A statement that only binds constants, names and containers of them (operators on
    constants included): nothing in it can run again or make an object a layer could record."""
    for node in ast.walk(stmt):
        if isinstance(node, _CODE):
            return False
        if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.Compare, ast.BoolOp)):
            operands = [getattr(node, "left", None), getattr(node, "right", None), getattr(node, "operand", None),
                        *getattr(node, "comparators", ()), *getattr(node, "values", ())]
            if any(isinstance(o, ast.Name) for o in operands):
                return False
    return True


# what a function may hold and still record nothing when explored: arithmetic on its own names
_ARITHMETIC = (ast.IfExp, ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.Tuple,
               ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def records_nothing(fn) -> bool:
    """Whether exploring ``fn`` can record no call: its body is arithmetic (``+``, comparisons,
    ``if``) on its parameters, whose defaults are ``inert``, and on names it bound from them
    before.  Its values are then numbers, strings or ``?`` — never a tensor, the only operand an
    operator records a call for (``Interpreter.binop``) — and it binds no module name."""
    node = fn.node
    args = node.args
    if args.vararg is not None or args.kwarg is not None or not all(inert(v) for v in fn.defaults.values()):
        return False
    return _arithmetic(node.body, {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs})


def _arithmetic(body: list, bound: set) -> bool:
    """Whether ``body`` is arithmetic reading only ``bound`` names (those it binds are added)."""
    for stmt in body:
        if isinstance(stmt, ast.If):
            if not _reads_only(stmt.test, bound) or not _arithmetic(stmt.body, set(bound)) \
                    or not _arithmetic(stmt.orelse, set(bound)):
                return False
            continue
        if not isinstance(stmt, (ast.Return, ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Pass)):
            return False
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
        names = [t.id for t in targets if isinstance(t, ast.Name)]
        if len(names) != len([t for t in targets if t is not None]):
            return False
        value = getattr(stmt, "value", None)
        if value is not None and not _reads_only(value, bound):
            return False
        if isinstance(stmt, ast.AugAssign) and not bound.issuperset(names):
            return False
        bound.update(names)
    return True


def _reads_only(expression: ast.expr, bound: set) -> bool:
    for inner in ast.walk(expression):
        if not isinstance(inner, _ARITHMETIC):
            return False
        if isinstance(inner, ast.Name) and inner.id not in bound:
            return False
    return True


@dataclass
class Names:
    """The module names a top-level statement reads (its functions' and classes' code included)
    and binds; ``certain``: those it binds whatever happens (``x = …``, ``def x``, ``import x``)."""

    loads: frozenset        # read at once, or later by its functions and classes (``deferred``)
    stores: frozenset
    certain: frozenset
    deferred: frozenset     # read by its functions', classes' and lambdas' code


_NAMES: dict[str, Names | None] = {}     # statement text -> its names (None: symtable refused it)


def statement_names(stmt: ast.stmt, text: str) -> Names | None:
    """``Names`` of ``stmt`` (whose source is ``text``), from Python's own ``symtable``; None when
    it cannot tell (a ``return`` at module level, which ``ast`` accepts and ``symtable`` does not)."""
    if text in _NAMES:
        return _NAMES[text]
    try:
        table = symtable.symtable(text, "<statement>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        names = None
    else:
        loads: set = set()
        stores: set = set()
        deferred: set = set()
        _collect(table, loads, stores, deferred)
        names = Names(frozenset(loads | deferred), frozenset(stores), frozenset(_certain_stores(stmt)),
                      frozenset(deferred))
    if len(_NAMES) > 20_000:
        _NAMES.clear()
    _NAMES[text] = names
    return names


def _collect(table, loads: set, stores: set, deferred: set) -> None:
    kind = table.get_type()
    for symbol in table.get_symbols():
        name = symbol.get_name()
        if kind == "module":
            if symbol.is_referenced():
                loads.add(name)
            if symbol.is_assigned() or symbol.is_imported() or symbol.is_namespace():
                stores.add(name)
        else:
            if symbol.is_referenced() and (symbol.is_global() or (kind == "class" and not symbol.is_free())):
                deferred.add(name)
            if symbol.is_declared_global() and symbol.is_assigned():
                stores.add(name)
    for child in table.get_children():
        _collect(child, loads, stores, deferred)


def _certain_stores(stmt: ast.stmt) -> set:
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*"}
    targets: list = []
    if isinstance(stmt, ast.Assign):
        targets = list(stmt.targets)
    elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
        targets = [stmt.target]
    names = set()
    while targets:
        target = targets.pop()
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            targets.extend(target.elts)
    return names


@dataclass
class _Range:
    first: int
    last: int
    statements: tuple[int, int] | None       # the first and last statement holding its lines
    origins: set = field(default_factory=set)   # statements whose code or objects lead into it
    blocked_until: int = -1                  # no proof before this statement has run
    functions: list = field(default_factory=list)   # explorable functions with code in it
    functions_seen: int = 0                  # how many of the interpreter's functions were looked at
    failed: int = 0                          # its proofs that failed
    next_try: int = 0                        # no proof before this many statements and explorations
    answered: bool = False


class Reach:
    """The proofs of one first analysis (``IncrementalAnalysis.update`` with a ``Viewport``).

    ``body`` is the module's statements, ``keys`` their source texts, ``lines`` the source's lines
    (with their line breaks) that the statements' line numbers count."""

    def __init__(self, viewport: Viewport, body: list, keys: list, lines: list[str], spans):
        self.viewport = viewport
        self.body = body
        self.keys = keys
        self.spans = spans
        self.lines = lines
        self.text = "".join(lines)
        self.boundaries = 0                      # statements run and functions explored so far
        self.starts = [first_line(stmt) for stmt in body]
        self.ranges: dict[tuple[int, int], _Range] = {}
        self.explored: set[int] = set()          # ids of the functions explored so far
        self.explorations: list = []             # (function, names read, mutable ones, names bound)
        self.mentioned: dict = {}                # (names, upto) -> the statements naming them
        self.upto = 0                            # the last statement run so far
        self.deferring: frozenset | None = None

    @cached_property
    def offsets(self) -> list[int]:
        """Where each line of the text starts."""
        return [0, *accumulate(map(len, self.lines))]

    # ---- the ranges ---------------------------------------------------------------------------
    def _range(self, lines: tuple[int, int]) -> _Range:
        state = self.ranges.get(lines)
        if state is None:
            first, last = lines
            inside = [i for i, stmt in enumerate(self.body)
                      if self.starts[i] <= last and stmt.end_lineno >= first]
            state = self.ranges[lines] = _Range(first, last, (inside[0], inside[-1]) if inside else None)
            if inside:
                state.origins = {i for i in range(inside[0], inside[-1] + 1) if not plain_statement(self.body[i])}
        return state

    def _waiting(self) -> list[_Range]:
        wanted = self.viewport.wanted()
        if not wanted:
            return []
        return [state for state in map(self._range, wanted) if not state.answered]

    # ---- after a statement --------------------------------------------------------------------
    def after_statement(self, index: int, records: list, interp, variables) -> None:
        """Statement ``index`` has run (``records`` hold every statement so far)."""
        self.upto = index
        self.boundaries += 1
        for state in self._waiting():
            if state.statements is None:
                self._answer(state, [], [])
                continue
            if index < state.statements[1] or index < state.blocked_until or self._resting(state):
                continue
            if self._pending(state, interp):
                continue
            if not self._prove(state, records, index, interp, variables):
                self._rest(state)

    def _prove(self, state: _Range, records: list, index: int, interp, variables) -> bool:
        tainted = self._taint(state, records, index)
        if tainted is None:
            state.blocked_until = len(self.body)
            return False
        if self._explorations_read(interp, tainted):
            state.blocked_until = len(self.body)
            return False
        models = self._models(state, variables)
        holders = {name for name, _ in models}
        if holders and self._rebinds_globally(holders):
            state.blocked_until = len(self.body)
            return False
        if not self._rest_clear(state, index + 1, tainted, holders):
            return False
        self._answer(state, self._replayed_sites(state, records), [hint for _, hint in models])
        return True

    def _resting(self, state: _Range) -> bool:
        """Whether the range's next proof waits: after ``FREE_PROOFS`` failed ones, each waits
        until the run has passed twice as many statements and explorations as at the last
        failure, so that however often its proofs fail (a helper of the range that every later
        statement calls) they cost a logarithmic number of tries, and the answers do not depend
        on the machine's speed."""
        return state.failed >= FREE_PROOFS and self.boundaries < state.next_try

    def _rest(self, state: _Range) -> None:
        state.failed += 1
        if state.failed >= FREE_PROOFS:
            state.next_try = 2 * self.boundaries

    def _pending(self, state: _Range, interp) -> bool:
        """Whether a function with code in the range would still be explored (nobody called it),
        and exploring it may record something there."""
        functions = interp.functions
        for fn in functions[state.functions_seen:]:
            node = fn.node
            if node.lineno <= state.last and node.end_lineno >= state.first and not getattr(fn, "foreign", False) \
                    and explorable(fn) and not records_nothing(fn):
                state.functions.append(fn)
        state.functions_seen = len(functions)
        return any(not fn.calls and id(fn) not in self.explored for fn in state.functions)

    def _taint(self, state: _Range, records: list, upto: int, explorations: tuple | list = ()) -> set | None:
        """The names whose values may lead into the range once statements ``0..upto`` (and the
        ``explorations``: ``(function, names read, mutable ones, names bound)``) have run; None
        when there are more than ``MAX_TAINTED`` (the range is answered at the end)."""
        origins = state.origins
        while True:
            tainted: set = set()
            for j in range(min(origins, default=upto + 1), upto + 1):
                record = records[j]
                if j in origins or not tainted.isdisjoint(record.reads):
                    if not self._only_defines(j):
                        tainted |= record.mutable_reads
                    tainted.update(n for n, v in record.writes.items() if not inert(v))
                else:
                    tainted.difference_update(record.writes)
            for fn, reads, mutable, writes in explorations:
                node = fn.node
                if (node.lineno <= state.last and node.end_lineno >= state.first) \
                        or not tainted.isdisjoint(reads) or self._code_reads(node, tainted):
                    tainted |= mutable
                    tainted |= writes
            if len(tainted) > MAX_TAINTED:
                return None
            candidates = (self._deferring() & self._mentions(tainted)) - origins
            new = {j for j in candidates if j <= upto and self._defers_reading(j, tainted)}
            if not new:
                return tainted
            origins |= new

    def _only_defines(self, index: int) -> bool:
        """Whether statement ``index`` is a ``def`` that changes nothing it reads when it runs: no
        decorator, no call in its defaults or annotations (``def f(x, lr=CONFIG["lr"])``)."""
        stmt = self.body[index]
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) or stmt.decorator_list:
            return False
        args = stmt.args
        evaluated = [*args.defaults, *args.kw_defaults, stmt.returns,
                     *(a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
                       if a is not None)]
        return not any(isinstance(node, (ast.Call, ast.Lambda, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom))
                       for part in evaluated if part is not None for node in ast.walk(part))

    def _defers_reading(self, index: int, tainted: set) -> bool:
        """Whether statement ``index`` defines code (a function, class or lambda) that may read a
        tainted name when it runs later."""
        if index not in self._deferring() or index not in self._mentions(tainted):
            return False
        names = statement_names(self.body[index], self.keys[index])
        return names is None or not names.deferred.isdisjoint(tainted)

    def _explorations_read(self, interp, tainted: set) -> bool:
        """Whether a function that would still be explored may read a tainted name."""
        if not tainted:
            return False
        for fn in interp.functions:
            if fn.calls or getattr(fn, "foreign", False) or id(fn) in self.explored or not explorable(fn):
                continue
            if self._code_reads(fn.node, tainted):
                return True
        return False

    def _code_reads(self, node, tainted: set) -> bool:
        """Whether the code of ``node`` (a function of this file) may read a tainted name: the
        text of its top-level statement names one, and so does that statement's ``symtable``."""
        index = bisect_right(self.starts, node.lineno) - 1
        if index < 0 or index not in self._mentions(tainted):
            return False
        names = statement_names(self.body[index], self.keys[index])
        return names is None or not names.deferred.isdisjoint(tainted)

    def _mentions(self, tainted: set) -> frozenset:
        """The statements run so far whose text has a tainted name in it (as a word)."""
        key = (frozenset(tainted), self.upto)
        known = self.mentioned.get(key)
        if known is None:
            found = set()
            starts, offsets, body = self.starts, self.offsets, self.body
            end = self._line_end(body[self.upto].end_lineno) if body else 0
            for match in _words(tainted).finditer(self.text, 0, end) if tainted else ():
                line = bisect_right(offsets, match.start())
                index = bisect_right(starts, line) - 1
                if index >= 0 and body[index].end_lineno >= line:
                    found.add(index)
            if len(self.mentioned) > 64:
                self.mentioned.clear()
            known = self.mentioned[key] = frozenset(found)
        return known

    def _deferring(self) -> frozenset:
        """The statements that define code the module may run later: functions, classes, lambdas."""
        if self.deferring is None:
            self.deferring = frozenset(i for i, key in enumerate(self.keys) if _DEFERRED.search(key))
        return self.deferring

    def _models(self, state: _Range, variables) -> list:
        """``(name, ModelHint)`` of the models bound at module level whose hint is in the range."""
        found = []
        for name, model in module_models(dict(dict.items(variables))):
            if model.site is None:
                continue
            span = self.spans.span(model.site)
            if state.first <= span.end_line <= state.last:
                found.append((name, ModelHint(span, model.param_count())))
        return found

    def _rebinds_globally(self, names: set) -> bool:
        """Whether a function defined so far may bind one of ``names`` (``global``) when called."""
        for index in self._mentions(names) & self._deferring():
            found = statement_names(self.body[index], self.keys[index])
            # the statement's own binding (``def name``) has run; what its code binds has not
            if found is None or (found.stores - {getattr(self.body[index], "name", None)}) & names:
                return True
        return False

    def _rest_clear(self, state: _Range, start: int, tainted: set, holders: set) -> bool:
        """Whether no statement from ``start`` on reads a tainted name before binding it anew, nor
        binds a name holding a model of the range (else: no proof before it has run)."""
        if holders and self._star_import_from(start):
            state.blocked_until = len(self.body)
            return False
        tainted = set(tainted)
        position = self.offsets[self.starts[start] - 1] if start < len(self.body) else len(self.text)
        pattern = _words(tainted | holders)
        while tainted or holders:
            match = pattern.search(self.text, position)
            if match is None:
                return True
            if match.group() not in tainted and match.group() not in holders:     # bound anew above
                pattern = _words(tainted | holders)
                position = match.start()
                continue
            line = bisect_right(self.offsets, match.start())
            index = bisect_right(self.starts, line) - 1
            if index < start or self.body[index].end_lineno < line:     # a comment between statements
                position = self.offsets[line] if line < len(self.offsets) else len(self.text)
                continue
            names = statement_names(self.body[index], self.keys[index])
            if names is None or not names.loads.isdisjoint(tainted):
                state.blocked_until = index
                return False
            if not names.stores.isdisjoint(holders):
                state.blocked_until = len(self.body)
                return False
            tainted -= names.certain
            end = self.body[index].end_lineno
            position = self.offsets[end] if end < len(self.offsets) else len(self.text)
        return True

    def _star_import_from(self, start: int) -> bool:
        """Whether a statement from ``start`` on may be ``from … import *`` (binding any name)."""
        position = self.offsets[self.starts[start] - 1] if start < len(self.body) else len(self.text)
        return _STAR_IMPORT.search(self.text, position) is not None

    def _line_end(self, line: int) -> int:
        return self.offsets[line] if line < len(self.offsets) else len(self.text)

    def _replayed_sites(self, state: _Range, records: list) -> list:
        """The range's call sites as the records' events give them (``ServerRecorder.replay``)."""
        sites: dict = {}
        span_of = self.spans.span
        for record in records:
            for event in record.events:
                if event[0] not in ("call", "cut") or event[1] is None:
                    continue
                span = span_of(event[1])
                if not state.first <= span.end_line <= state.last:
                    continue
                if event[0] == "cut":
                    site = sites.get(span) or sites.setdefault(span, CallSite(span))
                    site.cut_short = True
                    continue
                site = sites.get(span) or sites.setdefault(span, CallSite(span, kind=event[3]))
                site.calls += 1
                if len(site.results) < KEPT_RESULTS:
                    site.results.append(event[2])
        return list(sites.values())

    # ---- after an exploration ------------------------------------------------------------------
    def after_exploration(self, fn, records: list, interp, variables, recorder) -> None:
        """``fn`` was explored (None: the module has run and its models are collected, nothing is
        explored yet); ``recorder`` holds the final sites and models."""
        self.upto = len(records) - 1
        self.boundaries += 1
        if fn is not None:
            self.explored.add(id(fn))
            reads = variables.reads
            self.explorations.append((fn, set(reads), {n for n, v in reads.items() if not inert(v)},
                                      set(variables.changed())))
        for state in self._waiting():
            if state.statements is None:
                self._answer(state, [], [])
                continue
            if self._resting(state) or self._pending(state, interp):
                continue
            tainted = self._taint(state, records, len(records) - 1, self.explorations)
            if tainted is None or self._explorations_read(interp, tainted):
                self._rest(state)
                continue
            analysis = recorder.analysis
            sites = [s for s in analysis.sites.values() if state.first <= s.span.end_line <= state.last]
            models = [ModelHint(m.span, m.params) for m in analysis.models
                      if m.span is not None and state.first <= m.span.end_line <= state.last]
            self._answer(state, sites, models)

    def _answer(self, state: _Range, sites: list, models: list) -> None:
        state.answered = True
        self.viewport.final((state.first, state.last), sites, models)


@lru_cache(maxsize=256)
def _pattern(names: frozenset) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(sorted(map(re.escape, names))) + r")\b")


def _words(names: set) -> re.Pattern:
    """A pattern finding any of ``names`` as a whole word."""
    return _pattern(frozenset(names))
