"""An abstract interpreter over the Python AST that follows Keras model code without running it.

It walks statements in execution order with abstract values (see ``values.py``): literals are
computed exactly, Keras calls go to the engine through ``calls.py``, the user's functions and
classes are interpreted with their real arguments, ``if`` on a known value takes one branch,
loops over known sequences are unrolled.  What cannot be known becomes ``UNKNOWN`` and flows on
quietly.  Code that may or may not run (an ``if`` on an unknown value) is followed in an
*uncertain* mode that shows shapes but never reports errors.  Everything is bounded: a step
budget per top-level statement under a global cap (``budget.py``, which also stops long loops
nothing can observe), a loop bound and a call-depth bound, each reported as an ``analysis-limit``
note.

The interpreter is assembled from one mixin per concern, each in its own module:

* ``statements.py`` — assignment, ``if``/``for``/``while``/``with``/``try``, ``def``/``class``;
* ``imports.py`` — ``import`` of Keras spellings and of the user's own modules;
* ``expressions.py`` — operators, comparisons, subscripts, attributes, comprehensions;
* ``functions.py`` — call dispatch and the user's functions and classes;
* ``keras_calls.py`` — layers, models, ``keras.ops``, subclassed models, Keras object methods;
* ``builtin_methods.py`` — ``list.append``, ``dict.get``, built-in functions.

Their shared state (made in ``__init__``) and the methods they call on one another are declared
once in ``interpreter_base.py``, the base of every mixin.

``control.py`` holds the bounds, the control-flow signals and ``Scope``; ``budget.py`` the
statement budgets and the inert-loop check.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable

from .budget import BudgetMixin
from .builtin_methods import BuiltinMethodsMixin
from .control import EXPR_HANDLERS, MAX_UNCALLED, STMT_HANDLERS, Break, Continue, Limit, Return, Scope, Stop
from .expressions import ExpressionsMixin
from .functions import FunctionsMixin
from .imports import ImportsMixin
from .keras_calls import KerasCallsMixin
from .statements import StatementsMixin
from .values import UserFunction

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")     # the names a text may read (``exploration_order``)


def takes_self(fn: UserFunction) -> bool:
    """A method taking ``self`` or ``cls``: it runs through its class, never explored alone."""
    args = fn.node.args
    params = [a.arg for a in args.posonlyargs + args.args]
    return bool(fn.qualname.count(".") and params and params[0] in ("self", "cls"))


def explorable(fn: UserFunction) -> bool:
    """Whether ``explore_uncalled`` explores ``fn`` when nobody called it (within its bounds)."""
    return not isinstance(fn.node, ast.Lambda) and not takes_self(fn)


class Interpreter(StatementsMixin, ImportsMixin, ExpressionsMixin, FunctionsMixin, KerasCallsMixin,
                  BuiltinMethodsMixin, BudgetMixin):
    def run_module(self, tree: ast.Module) -> Scope:
        self.module_body = tree.body
        for stmt in tree.body:
            if not self.import_depth:     # an imported module spends the importing statement's budget
                self.begin_statement()
            try:
                self.exec_stmt(stmt, self.module_scope)
            except (Return, Break, Continue, Stop):
                break
            except Limit:
                if self.import_depth:     # the importing statement's budget is spent: it ends there
                    raise
                if not self.statement_limit(stmt, self.module_scope):
                    break
            except RecursionError:
                self.rec.limit(stmt, "analysis stopped: expression nesting too deep")
            except Exception as error:  # noqa: BLE001 - a ShapeLens bug must cost one statement, not the file
                self.rec.limit(stmt, f"analysis stopped: internal error ({type(error).__name__}); "
                                     "this statement was skipped")
        return self.module_scope

    def explore_uncalled(self, explore: Callable[[UserFunction], object] | None = None) -> None:
        """Run functions nobody called, with their defaults (else ``?``), so their layers get
        hints; errors there are not reported, since the real arguments are unknown.  Each starts
        from the layer-name counters the module left, and is explored by ``explore``
        (``explore_function`` unless given: the incremental analyser reuses an earlier run's
        exploration where it can, ``explorations.py``)."""
        explore = explore or self.explore_function
        explored = 0
        counters = self.rec.uid_counts()
        after_module = dict(counters)
        for fn in self.exploration_order():
            if self.steps >= self.max_steps:
                return
            if fn.calls or explored >= MAX_UNCALLED or isinstance(fn.node, ast.Lambda):
                continue
            explored += 1
            if takes_self(fn):
                continue
            # each as if called first once the module has run: the default names it gives do not
            # depend on the other functions nobody calls (an edit in one renamed every later one)
            counters.clear()
            counters.update(after_module)
            explore(fn)

    def exploration_order(self) -> list[UserFunction]:
        """The functions, those that no other function nobody called names first: a helper a
        builder calls is then explored through the builder, on the builder's values, and not alone
        on ``?`` ones first (finding: that gave the helper a run the program never makes, ``×3: ? ·
        ? params | …`` for a block the builder calls twice).  A helper the builder did not reach
        is still explored on its own afterwards (it has no calls then).  The names are looked for
        in the functions' text (a walk of their trees cost 50 ms on a 2,000-line file of builders);
        one named only in a comment is explored a little later, which changes nothing it shows."""
        functions = list(self.functions)
        uncalled = [(fn, fn.node) for fn in functions if not fn.calls and not fn.foreign
                    and isinstance(fn.node, (ast.FunctionDef, ast.AsyncFunctionDef))]
        if len(uncalled) < 2:
            return functions
        names = {node.name for _, node in uncalled}
        lines = self.rec.spans.lines
        named: set = set()
        for _, node in uncalled:
            body = "".join(lines[node.body[0].lineno - 1:node.end_lineno or node.body[-1].lineno])
            named |= names.intersection(_WORD.findall(body)) - {node.name}
        deferred = {id(fn) for fn, node in uncalled if node.name in named}
        if not deferred:
            return functions
        return [fn for fn in functions if id(fn) not in deferred] + [fn for fn in functions if id(fn) in deferred]

    def explore_function(self, fn: UserFunction) -> bool:
        """Explore one function nobody called, on its own budget: whether it ran to its end
        (False when the budget stopped it)."""
        self.rec.uncertain += 1
        try:
            self.begin_statement()
            self.invoke(fn, [], {}, None, speculative=True)
            return True
        except Limit:
            return False
        finally:
            self.rec.uncertain -= 1


def _handlers(prefix: str) -> dict:
    """Node type → handler, resolved once (``getattr`` per node costs more than the work)."""
    table = {}
    for name in dir(Interpreter):
        if name.startswith(prefix):
            node_type = getattr(ast, name[len(prefix):], None)
            if isinstance(node_type, type):
                table[node_type] = getattr(Interpreter, name)
    return table


STMT_HANDLERS.update(_handlers("stmt_"))
EXPR_HANDLERS.update(_handlers("expr_"))
