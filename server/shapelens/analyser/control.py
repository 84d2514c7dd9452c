"""The abstract interpreter's bounds, control-flow signals and scopes.

``Return``/``Break``/``Continue``/``Stop`` carry Python's control flow out of nested statement
handlers (``Stop`` is a ``raise`` in the analysed code: that path ends; ``ImportFailed``, a failing
import under a ``try`` that catches it); ``Limit`` ends the
analysis of the current top-level statement when its step budget is spent (``budget.py``).  ``Scope`` is one
function's or module's variables.  The handler tables map AST node types to the interpreter's
``stmt_*``/``expr_*`` methods; ``interpreter.py`` fills them once.
"""

from __future__ import annotations

from .values import MISSING

MAX_STEPS = 3_000_000        # expression/statement evaluations per analysis (the safety net)...
STMT_STEPS = 1_000_000       # of which one top-level statement (or uncalled function) may spend
# ...at least: a larger file gets budgets in proportion to its size, so that files up to the size
# caps are analysed completely (ResNet-style stages, helpers called in loops, take 6-11 steps a
# character; a step is ~1 us of CPU, so at the 1,000,000-character cap the bound is ~16 s)
STEPS_PER_CHAR = 16
LAYER_COST = 100             # a layer built or called counts as this many steps
CALL_COST = 25               # so does a call of the user's own functions and classes
MAX_LOOP = 10_000            # iterations of one loop
INERT_AFTER = 64             # exact iterations before a loop may stop as inert (see budget.py)
QUIET_STEPS = 100_000        # steps a loop may run without naming a layer or recording a call (budget.py)
# nested calls of user functions: one level costs 8-20 of Python's frames (measured: a plain
# helper 8, a method 11, a call inside an expression 14, inside a comprehension 18, inside
# for/with/try 20), so 40 levels stay under Python's default limit of 1000 with room for the CLI or
# server below and the deepest expression above; deeper recursion ends with a note either way
MAX_DEPTH = 40
MAX_UNCALLED = 200           # uncalled functions explored speculatively



def step_budgets(chars: int) -> tuple[int, int]:
    """``(per analysis, per top-level statement)`` for a file of ``chars`` characters."""
    total = max(MAX_STEPS, STEPS_PER_CHAR * chars)
    return total, max(STMT_STEPS, total // 3)


STMT_HANDLERS: dict = {}     # ast.stmt subclass -> Interpreter.stmt_* (filled by interpreter.py)
EXPR_HANDLERS: dict = {}     # ast.expr subclass -> Interpreter.expr_*


class Limit(Exception):
    """The step budget is spent: stop the current top-level statement (the whole analysis once
    the global cap is reached), keep what was found."""


class Return(Exception):
    """``return`` in analysed code, carrying the returned value."""

    def __init__(self, value):
        self.value = value


class MaybeReturns:
    """What a call under way may have returned before its end: the values returned in branches
    that may not have run (``uncertain_branches``), ``?`` for a loop with a ``return`` stopped
    part-way.  Once there is one, the rest of its body may not run either."""

    __slots__ = ("values", "containers")

    def __init__(self) -> None:
        self.values: list = []
        self.containers: list = []  # what the body may change in place, as it was then (statements.py)


class Break(Exception):
    """``break`` in analysed code."""


class Continue(Exception):
    """``continue`` in analysed code."""


class Stop(Exception):
    """``raise`` in analysed code: this path ends here."""


class ImportFailed(Stop):
    """An import Keras 3 certainly fails (``keras_imports.py``) inside a ``try`` whose handlers may
    catch it: that ``try`` runs its handler (``statements.py``)."""

    def __init__(self, exception: type[BaseException]):
        self.exception = exception


class Scope:
    """The variables of a module, function call, class body or comprehension."""

    __slots__ = ("vars", "parent", "globals_", "module")

    def __init__(self, parent: Scope | None = None, module: Scope | None = None):
        self.vars: dict = {}
        self.parent = parent
        self.module = module or self
        self.globals_: set = set()

    def lookup(self, name: str):
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name]
            scope = scope.parent
        return MISSING

    def assign(self, name: str, value) -> None:
        if name in self.globals_:
            self.module.vars[name] = value
        else:
            self.vars[name] = value
