"""Python statements in the abstract interpreter: assignment and unpacking, ``if`` (one branch when
the test is known, both *uncertainly* when not), ``for``/``while`` loops unrolled over known
sequences up to a bound, ``with``/``try`` (an import Keras 3 rejects inside a ``try`` runs the
``except`` clause that catches it), and ``def``/``class`` statements that bind the user's
functions and classes.  Imports live in ``imports.py``, expressions in ``expressions.py``."""

from __future__ import annotations

import ast
from typing import Any

from ..engine.shape import UNKNOWN
from . import calls, npvalues
from .budget import effects, forget, forget_touched, touched_names
from .control import (
    INERT_AFTER,
    MAX_LOOP,
    STMT_HANDLERS,
    Break,
    Continue,
    ImportFailed,
    Limit,
    MaybeReturns,
    Return,
    Scope,
    Stop,
)
from .interpreter_base import InterpreterBase
from .models import ModelObj, SubclassModel
from .pybuiltins import plain
from .tracking import tracked_layers
from .values import (
    MISSING,
    Instance,
    KerasRef,
    LayerObj,
    Operation,
    SymTensor,
    UserClass,
    UserFunction,
    hashable,
    oversized,
)

# decorators whose function returns ``(y, grad_fn)`` while a call of it gives ``y``
CUSTOM_GRADIENT = frozenset({"keras.ops.custom_gradient", "tensorflow.custom_gradient"})


class StatementsMixin(InterpreterBase):
    def exec_block(self, stmts, scope: Scope) -> None:
        for stmt in stmts:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, stmt: ast.stmt, scope: Scope) -> None:
        self.steps += 1
        if self.steps > self.step_limit:
            raise Limit()
        method = STMT_HANDLERS.get(type(stmt))
        if method is not None:
            method(self, stmt, scope)

    def stmt_Expr(self, stmt, scope):
        self.eval(stmt.value, scope)

    def stmt_Assign(self, stmt, scope):
        value = self.eval(stmt.value, scope)
        for target in stmt.targets:
            self.assign(target, value, scope)

    def stmt_AnnAssign(self, stmt, scope):
        if stmt.value is not None:
            self.assign(stmt.target, self.eval(stmt.value, scope), scope)

    def stmt_AugAssign(self, stmt, scope):
        current = self.eval(_as_load(stmt.target), scope)
        value = self.binop(stmt.op, current, self.eval(stmt.value, scope), stmt)
        self.steps += npvalues.forget(current)      # in place: every alias of the array changes
        self.assign(stmt.target, value, scope)

    def stmt_Return(self, stmt, scope):
        raise Return(self.eval(stmt.value, scope) if stmt.value is not None else None)

    def stmt_Break(self, stmt, scope):
        raise Break()

    def stmt_Continue(self, stmt, scope):
        raise Continue()

    def stmt_Raise(self, stmt, scope):
        raise Stop()

    def stmt_Global(self, stmt, scope):
        scope.globals_.update(stmt.names)

    def stmt_Delete(self, stmt, scope):
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                scope.vars.pop(target.id, None)

    def stmt_FunctionDef(self, stmt, scope):
        defaults = {}
        args = stmt.args
        positional = args.posonlyargs + args.args
        for param, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
            defaults[param.arg] = self.eval(default, scope)
        for param, default in zip(args.kwonlyargs, args.kw_defaults):
            if default is not None:
                defaults[param.arg] = self.eval(default, scope)
        decorators = [self.eval(decorator, scope) for decorator in stmt.decorator_list]
        qual = stmt.name if scope is scope.module else f"<local>.{stmt.name}"
        fn = UserFunction(stmt, scope, defaults, qual, foreign=bool(self.foreign))
        fn.custom_gradient = any(isinstance(d, KerasRef) and d.path in CUSTOM_GRADIENT for d in decorators)
        if scope is scope.module and not self.foreign:
            self.functions.append(fn)
        scope.assign(stmt.name, fn)

    stmt_AsyncFunctionDef = stmt_FunctionDef

    def stmt_ClassDef(self, stmt, scope):
        bases = [self.eval(b, scope) for b in stmt.bases]
        class_scope = Scope(scope, scope.module)
        cls = UserClass(stmt, bases, class_scope.vars, scope)
        for item in stmt.body:
            try:
                self.exec_stmt(item, class_scope)
            except (Return, Break, Continue, Stop):
                break
        for value in class_scope.vars.values():
            if isinstance(value, UserFunction):
                value.qualname = f"{stmt.name}.{value.node.name}" if hasattr(value.node, "name") else value.qualname
                value.closure = scope
                value.owner = cls
        scope.assign(stmt.name, cls)

    def stmt_If(self, stmt, scope):
        cond = self.truth(self.eval(stmt.test, scope))
        if cond is True:
            self.exec_block(stmt.body, scope)
        elif cond is False:
            self.exec_block(stmt.orelse, scope)
        else:
            self.uncertain_branches([stmt.body, stmt.orelse], scope)

    def uncertain_branches(self, branches, scope: Scope) -> None:
        """Follow branches that may or may not run; names they change become ``?`` unless every
        branch agrees."""
        before = dict(scope.vars)
        containers, cost = _containers_changed_by(branches, scope)
        self.steps += cost
        outcomes = []
        returned = []               # values returned by branches (the call may have returned them)
        ends = 0                    # branches that end (return or raise): the code after is not theirs
        self.rec.uncertain += 1
        self.rec.branching += 1
        self.undecided.append(len(self.stack))
        # the module's variables in the incremental analysis note the names a statement binds
        # (``incremental.TrackingDict``): those the branches bind are told apart from the rest
        tracking: Any = scope.vars if hasattr(scope.vars, "assigned") else None
        if tracking is not None:
            bound, written = tracking.assigned, set(tracking.writes)
            tracking.assigned = set()
        inside: set = set()
        try:
            for body in branches:
                scope.vars.clear()
                scope.vars.update(before)
                try:
                    self.exec_block(body, scope)
                except Return as ret:
                    returned.append(ret.value)
                    ends += 1
                except Stop:
                    ends += 1
                except (Break, Continue):
                    self.escaped = True     # the enclosing loop's next iterations may not run
                outcomes.append(dict(scope.vars))
        finally:
            self.rec.uncertain -= 1
            self.rec.branching -= 1
            self.undecided.pop()
            if tracking is not None:
                inside = tracking.assigned
                tracking.assigned = bound | inside
        scope.vars.clear()
        put_back = None
        if tracking is not None:
            for name in inside:             # what a branch may have bound depends on what it held
                tracking.read_prior(name, before, written)
            put_back = tracking.put_back
        names = dict.fromkeys(before)          # ordered: models keep their module order
        for outcome in outcomes:
            names.update(dict.fromkeys(outcome))
        for name in names:
            value = self.merged([o.get(name, MISSING) for o in outcomes])
            if value is MISSING:
                continue
            if put_back is None or name in inside:
                scope.vars[name] = value
            else:
                put_back(name, value)       # no branch bound it: it holds what it held
        _forget_changed(containers, scope)
        if returned and ends == len(branches) and self.returns:
            raise Return(self.merged(returned))     # every branch returns (or raises): so does the call
        for value in returned:
            self.may_return(value)

    def merged(self, values: list) -> object:
        """One value for what ``values`` (one per way the code may have gone) leave: theirs when
        they agree, a tensor of the dims they agree on, else ``?``."""
        first = values[0]
        if all(v is first for v in values) or (plain(first) and all(plain(v) and v == first for v in values)):
            return first
        if all(isinstance(v, SymTensor) for v in values):
            return calls.either_tensor(values)
        return UNKNOWN

    def may_return(self, value) -> None:
        """The call under way may have returned ``value`` here, in code that may not have run: its
        result merges it in, and the rest of its body may not run: it runs as an undecided
        branch does, and the containers it changes in place hold ``?`` after the call
        (``call_ended``)."""
        if not self.returns:
            return
        returns = self.returns[-1]
        if not returns.values:
            self.rec.uncertain += 1         # undone when the call ends
            self.rec.branching += 1
            fn, scope = self.stack[-1]
            cost = [0]
            returns.containers = _containers_of(touched_names(fn.node, scope, cost)[1], scope)
            self.steps += cost[0]
        returns.values.append(value)

    def call_ended(self, returns: MaybeReturns, result, scope: Scope):
        """What a call that may have returned before its end (``may_return``) returns: each value
        it may return merged (``result``, at its end, is ``MISSING`` when the end raises); what
        it changed in place after the early return is ``?``."""
        _forget_changed(returns.containers, scope)
        return self.merged(returns.values + ([] if result is MISSING else [result]))

    def stmt_For(self, stmt, scope):
        iterable = self.eval(stmt.iter, scope)
        items = self.iterate(iterable)
        if items is None:
            # unknown sequence: run the body once, uncertainly, with an unknown item
            self.assign(stmt.target, UNKNOWN, scope)
            self._run_uncertainly(stmt, scope)
            return
        count = 0
        activity = None
        start, mark = self.steps, self.rec.call_mark()
        for item in items:
            count += 1
            if count == INERT_AFTER:
                activity = self.activity()
            elif count == INERT_AFTER + 1 and self.loop_is_inert(stmt, scope, activity):
                self.rec.runs_cut_short(mark)
                return                  # nothing can see the further iterations (budget.py)
            if count > MAX_LOOP:
                self._stop_part_way(stmt, scope, f"loop bound reached ({MAX_LOOP} iterations)", mark)
                return
            if self.loop_is_quiet(start):
                self._stop_part_way(stmt, scope, _quiet(count - 1), mark)
                return
            self.assign(stmt.target, item, scope)
            if not self._iteration(stmt, scope, mark):
                return
        self.exec_block(stmt.orelse, scope)

    stmt_AsyncFor = stmt_For

    def stmt_While(self, stmt, scope):
        count = 0
        activity = None
        start, mark = self.steps, self.rec.call_mark()
        while True:
            cond = self.truth(self.eval(stmt.test, scope))
            if cond is False:
                self.exec_block(stmt.orelse, scope)
                return
            if cond is not True:
                self._run_uncertainly(stmt, scope)
                self._forget_assigned(stmt, scope)
                return
            count += 1
            if count == INERT_AFTER:
                activity = self.activity()
            elif count == INERT_AFTER + 1 and self.loop_is_inert(stmt, scope, activity):
                self.rec.runs_cut_short(mark)
                return
            if count > MAX_LOOP:
                self._stop_part_way(stmt, scope, f"loop bound reached ({MAX_LOOP} iterations)", mark)
                return
            if self.loop_is_quiet(start):
                self._stop_part_way(stmt, scope, _quiet(count - 1), mark)
                return
            if not self._iteration(stmt, scope, mark):
                return

    def _iteration(self, loop, scope: Scope, mark: int) -> bool:
        """One run of a loop's body; False when the loop ends there: at a ``break``, or after a
        ``break`` or ``continue`` in a branch that may not have run (``uncertain_branches``), when
        the iterations that follow may not run as they would: the loop stops there, and what it
        binds or mutates becomes ``?``."""
        outer, self.escaped = self.escaped, False
        try:
            self.exec_block(loop.body, scope)
        except Break:
            return False
        except Continue:
            pass
        finally:
            escaped, self.escaped = self.escaped, outer
        if escaped:
            self._end_part_way(loop, scope, mark)
            return False
        return True

    def _run_uncertainly(self, loop, scope: Scope) -> None:
        """A loop run as its body once, as code that may not run (an unknown sequence or test):
        a ``break`` or ``continue`` there is its own, not an enclosing loop's."""
        outer = self.escaped
        try:
            self.uncertain_branches([loop.body, []], scope)
        finally:
            self.escaped = outer

    def _stop_part_way(self, loop, scope: Scope, why: str, mark: int) -> None:
        """A loop stopped before its end by a bound (its iterations, or quiet: budget.py)."""
        self.rec.limit(loop, f"analysis stopped: {why}")
        self._end_part_way(loop, scope, mark)

    def _end_part_way(self, loop, scope: Scope, mark: int) -> None:
        """A loop left before its end (begun at ``mark``, ``Recorder.call_mark``): the sites it
        called may run more often than counted, what it binds or mutates becomes ``?``, and a
        call whose loop may ``return`` (in an iteration not run) may have returned ``?``."""
        self.rec.runs_cut_short(mark)
        self._forget_assigned(loop, scope)
        if effects(loop).exits:
            self.may_return(UNKNOWN)

    def _forget_assigned(self, loop, scope: Scope) -> None:
        """A loop stopped part-way: what its body binds or mutates becomes unknown."""
        forget_touched(loop, scope)

    def stmt_With(self, stmt, scope):
        for item in stmt.items:
            self.eval(item.context_expr, scope)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, UNKNOWN, scope)
        self.exec_block(stmt.body, scope)

    stmt_AsyncWith = stmt_With

    def stmt_Try(self, stmt, scope):
        depth = len(self.try_stack)
        self.try_stack.append((stmt, scope))
        try:
            self.exec_block(stmt.body, scope)
        except ImportFailed as failed:
            del self.try_stack[depth:]
            self.import_handler(stmt, failed, scope)
            return
        except Stop:
            pass
        finally:
            del self.try_stack[depth:]
        self.exec_block(stmt.orelse, scope)
        self.exec_block(stmt.finalbody, scope)

    def import_handler(self, stmt, failed: ImportFailed, scope: Scope) -> None:
        """An import in the body failed (``ImportError``): run the handler Python picks (the first
        that catches it; when a handler's type is unknown, each handler that may be the one,
        uncertainly), then ``finally``.  No handler: the error goes on to an outer ``try``."""
        candidates = []
        for handler in stmt.handlers:
            verdict = handler_catches(handler, failed.exception, scope)
            if verdict is False:
                continue
            candidates.append(handler)
            if verdict is True:
                break
        if not candidates:
            self.exec_block(stmt.finalbody, scope)
            raise failed
        if len(candidates) == 1 and handler_catches(candidates[0], failed.exception, scope) is True:
            self.run_handler(candidates[0], scope)
        else:
            for handler in candidates:
                if handler.name:
                    scope.assign(handler.name, UNKNOWN)
            self.uncertain_branches([h.body for h in candidates], scope)
        self.exec_block(stmt.finalbody, scope)

    def run_handler(self, handler, scope: Scope) -> None:
        if handler.name:
            scope.assign(handler.name, UNKNOWN)
        self.exec_block(handler.body, scope)
        if handler.name:
            scope.vars.pop(handler.name, None)      # Python deletes the name when the handler ends

    def import_guarded(self, exception: type[BaseException]) -> bool:
        """Whether a ``try`` under way (here or in a caller) may catch ``exception``."""
        return any(any(handler_catches(h, exception, scope) is not False for h in stmt.handlers)
                   for stmt, scope in self.try_stack)

    stmt_TryStar = stmt_Try

    def assign(self, target, value, scope: Scope) -> None:
        if isinstance(target, ast.Name):
            scope.assign(target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            self.unpack(target, value, scope)
        elif isinstance(target, ast.Starred):
            self.assign(target.value, value, scope)
        elif isinstance(target, ast.Attribute):
            obj = self.eval(target.value, scope)
            self.set_attribute(obj, target.attr, value)
        elif isinstance(target, ast.Subscript):
            obj = self.eval(target.value, scope)
            self.steps += npvalues.forget(obj)
            key = self.eval(target.slice, scope)
            if isinstance(obj, dict) and hashable(key):
                obj[key] = value
            elif isinstance(obj, list) and isinstance(key, int) and -len(obj) <= key < len(obj):
                obj[key] = value

    def unpack(self, target, value, scope: Scope) -> None:
        elts = target.elts
        items = None
        if isinstance(value, (tuple, list)):
            items = list(value)
        elif isinstance(value, SymTensor):
            items = self.tensor_items(value, len(elts))
        star = [i for i, e in enumerate(elts) if isinstance(e, ast.Starred)]
        if items is None or (not star and len(items) != len(elts)):
            for elt in elts:
                self.assign(elt, UNKNOWN, scope)
            return
        if star:
            i = star[0]
            after = len(elts) - i - 1
            if len(items) < len(elts) - 1:
                for elt in elts:
                    self.assign(elt, UNKNOWN, scope)
                return
            for elt, item in zip(elts[:i], items[:i]):
                self.assign(elt, item, scope)
            self.assign(elts[i], items[i:len(items) - after], scope)
            for elt, item in zip(elts[i + 1:], items[len(items) - after:]):
                self.assign(elt, item, scope)
            return
        for elt, item in zip(elts, items):
            self.assign(elt, item, scope)

    def tensor_items(self, tensor: SymTensor, count: int):
        """Unpacking a tensor: its items along axis 0 are unknown tensors (no graph row)."""
        return [UNKNOWN] * count

    def note_uncertain_layer(self, instance: Instance, attr: str, value) -> None:
        """``self.b = layers.Dense(5)`` in a branch that may not run: the subclassed model may or
        may not have that row (and its weights), so its rows from there on are not known."""
        model = instance.keras_object
        if not isinstance(model, SubclassModel) or self.rec.branching <= getattr(model, "made_branching", 0):
            return
        if not (_may_hold_layer(value) or _may_hold_layer(instance.attrs.get(attr))):
            return
        model.complete = False
        model.rows_unknown_from(0 if attr in instance.attrs else len(tracked_layers(instance)))

    def set_attribute(self, obj, attr: str, value) -> None:
        if isinstance(obj, SymTensor):
            obj.values = None           # ``a.shape = ...``: the items are no longer ``a[i]``
        if isinstance(obj, Instance):
            self.note_uncertain_layer(obj, attr, value)
            obj.attrs[attr] = value
            if attr == "trainable" and obj.keras_object is not None:
                obj.keras_object.set_trainable(value)
        elif attr == "trainable" and isinstance(obj, Operation):
            obj.set_trainable(value)        # a no-op on what has no weights to freeze
        elif isinstance(obj, list) and attr == "trainable":
            pass

    def truth(self, value):
        if value is UNKNOWN:
            return UNKNOWN
        if value is None or isinstance(value, (bool, int, float, str, range)):
            return bool(value)
        if isinstance(value, (list, tuple, dict)):
            return bool(value) if len(value) else False
        if isinstance(value, (LayerObj, ModelObj, UserFunction, UserClass, KerasRef, Instance)):
            return True
        return UNKNOWN


def handler_catches(handler: ast.ExceptHandler, exception: type[BaseException], scope: Scope):
    """Whether ``except <type>:`` catches ``exception``: True, False, or ``UNKNOWN`` (a type the
    analysis cannot name).  Python's built-in exception classes are known by name (a name the
    code rebinds is not the built-in); a class of the user's is never a base of a built-in
    exception."""
    return _catches(handler.type, exception, scope)


def _catches(node, exception: type[BaseException], scope: Scope):
    if node is None:
        return True
    if isinstance(node, ast.Tuple):
        verdicts = [_catches(elt, exception, scope) for elt in node.elts]
        return True if True in verdicts else (False if all(v is False for v in verdicts) else UNKNOWN)
    if isinstance(node, ast.Name):
        bound = scope.lookup(node.id)
        if isinstance(bound, UserClass):
            return False
        builtin = _BUILTIN_EXCEPTIONS.get(node.id) if bound is MISSING else None
        if builtin is not None:
            return issubclass(exception, builtin)
    return UNKNOWN


def _exception_classes(base: type[BaseException]):
    yield base
    for sub in base.__subclasses__():
        yield from _exception_classes(sub)


# Python's built-in exception classes by name (``ImportError``, ``Exception``, ``KeyError``, ...)
_BUILTIN_EXCEPTIONS = {cls.__name__: cls for cls in _exception_classes(BaseException) if cls.__module__ == "builtins"}


def _as_load(target):
    if isinstance(target, ast.Name):
        return ast.Name(id=target.id, ctx=ast.Load(), lineno=target.lineno, col_offset=target.col_offset)
    if isinstance(target, ast.Attribute):
        return ast.Attribute(value=target.value, attr=target.attr, ctx=ast.Load(),
                             lineno=target.lineno, col_offset=target.col_offset)
    if isinstance(target, ast.Subscript):
        return ast.Subscript(value=target.value, slice=target.slice, ctx=ast.Load(),
                             lineno=target.lineno, col_offset=target.col_offset)
    return target


def _quiet(iterations: int) -> str:
    return (f"loop stopped after {iterations:,} iteration{'' if iterations == 1 else 's'} that built no layer "
            "and gave no new result (what it changes is unknown)")


def _containers_changed_by(branches, scope) -> tuple[list, int]:
    """The lists, dicts and sets the branches may change in place (held by a name, or by an
    attribute of an instance a name holds), each with a shallow copy to compare afterwards; and
    the names looked up to find them (steps: code reaching many functions is costly to branch on)."""
    mutated: set = set()
    cost = [0]
    for body in branches:
        for stmt in body:
            mutated |= touched_names(stmt, scope, cost)[1]
    return _containers_of(mutated, scope), cost[0]


def _containers_of(mutated: set, scope) -> list:
    """The lists, dicts and sets the names in ``mutated`` hold (or instances they hold hold),
    each with a shallow copy to compare afterwards (``_forget_changed``)."""
    found = []
    for name in mutated:
        value = scope.lookup(name)
        places: list[tuple[str | None, tuple[Instance, object] | None, object]] = [(name, None, value)]
        if isinstance(value, Instance):
            places += [(None, (value, key), item) for key, item in value.attrs.items()]
        for place_name, attribute, item in places:
            if isinstance(item, (list, dict, set)):
                found.append((place_name, attribute, item, _copy(item)))
    return found


def _may_hold_layer(value, depth: int = 0) -> bool:
    """Whether ``value`` may be (or hold) a layer a model tracks as a row."""
    if value is UNKNOWN or isinstance(value, Operation) or (isinstance(value, Instance) and value.keras_object is not None):
        return True
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return depth >= 8 or oversized(value) or any(_may_hold_layer(v, depth + 1) for v in value)
    return False


def _copy(container):
    return dict(container) if isinstance(container, dict) else type(container)(container)


def _same(container, copy) -> bool:
    if isinstance(container, dict):
        return container.keys() == copy.keys() and all(container[k] is copy[k] for k in copy)
    if isinstance(container, set):
        return container == copy
    return len(container) == len(copy) and all(a is b for a, b in zip(container, copy))


def _forget_changed(containers, scope) -> None:
    """A container an undecided branch changed holds what only some runs would put there: ``?``."""
    for name, attribute, container, copy in containers:
        if _same(container, copy):
            continue
        if name is not None:
            forget(set(), {name}, scope)
        else:
            instance, key = attribute
            if instance.attrs.get(key) is container:
                instance.attrs[key] = UNKNOWN
            if isinstance(instance.keras_object, ModelObj):      # its layers may hide in there
                instance.keras_object.complete = False
                instance.keras_object.rows_known = False
