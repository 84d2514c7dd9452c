"""An abstract interpreter over the Python AST that follows Keras model code without running it.

It walks statements in execution order with abstract values (see ``values.py``): literals are
computed exactly, Keras calls go to the engine through ``calls.py``, the user's functions and
classes are interpreted with their real arguments, ``if`` on a known value takes one branch,
loops over known sequences are unrolled.  What cannot be known becomes ``UNKNOWN`` and flows on
quietly.  Code that may or may not run (an ``if`` on an unknown value) is followed in an
*uncertain* mode that shows shapes but never reports errors.  Everything is bounded: a step
budget, a loop bound and a call-depth bound, each reported once as an ``analysis-limit`` note.
"""

from __future__ import annotations

import ast
import operator
import re

from ..engine.layers.core import input_batch_shape
from ..engine import Derivation
from ..engine.layer import UNKNOWN_PARAMS, to_snake_case
from ..engine.shape import UNKNOWN
from . import calls, op_calls
from .keras_api import MERGE_FUNCTIONS, canonical, classify
from .models import FunctionalModel, ModelObj, SequentialModel, SubclassModel, flatten
from .pybuiltins import BUILTINS, MATH, MAX_INT_BITS, MAX_SEQUENCE, _str, plain, safe_int, sized
from .recorder import Recorder
from .values import (
    MISSING, BoundMethod, BuiltinMethod, InputObj, Instance, KerasRef, LayerObj, Operation,
    SuperProxy, SymTensor, UnknownOp, UserClass, UserFunction, oversized,
)

MAX_STEPS = 1_000_000        # expression/statement evaluations per analysis
LAYER_COST = 100             # a layer built or called counts as this many steps
CALL_COST = 25               # so does a call of the user's own functions and classes
MAX_LOOP = 10_000            # iterations of one loop
MAX_DEPTH = 24               # nested calls of user functions
MAX_UNCALLED = 200           # uncalled functions explored speculatively


class Limit(Exception):
    """The step budget is spent: stop the whole analysis, keep what was found."""


class _Return(Exception):
    def __init__(self, value):
        self.value = value


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


class _Stop(Exception):
    """``raise`` in analysed code: this path ends here."""


class Scope:
    __slots__ = ("vars", "parent", "globals_", "module")

    def __init__(self, parent: "Scope | None" = None, module: "Scope | None" = None):
        self.vars: dict = {}
        self.parent = parent
        self.module = module or self
        self.globals_: set = set()

    def lookup(self, name: str):
        scope = self
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


_BINOPS = {
    ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv, ast.Mod: operator.mod, ast.Pow: operator.pow,
    ast.LShift: operator.lshift, ast.RShift: operator.rshift, ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_, ast.BitXor: operator.xor,
}
_CMPOPS = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.Is: operator.is_, ast.IsNot: operator.is_not,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}
_OP_SNAKE = {"Add": "add", "Subtract": "subtract", "Multiply": "multiply", "TrueDivide": "true_divide",
             "Power": "power", "FloorDivide": "floor_divide", "Mod": "mod", "Matmul": "matmul"}


class Interpreter:
    def __init__(self, recorder: Recorder, module_loader=None, depth_of_import: int = 0):
        self.rec = recorder
        self.steps = 0
        self.depth = 0
        self.module_loader = module_loader
        self.import_depth = depth_of_import
        self.functions: list[UserFunction] = []
        self.module_scope = Scope()
        self.foreign = 0          # > 0 while running code from another file
        self.stack: list = []     # (function, scope) of the calls under way

    # ---- entry -------------------------------------------------------------------------------
    def run_module(self, tree: ast.Module) -> Scope:
        for stmt in tree.body:
            try:
                self.exec_stmt(stmt, self.module_scope)
            except (_Return, _Break, _Continue, _Stop):
                break
            except Limit:
                self.rec.limit(stmt, "analysis stopped: step budget reached (the rest of the file is not analysed)")
                break
            except RecursionError:
                self.rec.limit(stmt, "analysis stopped: expression nesting too deep")
            except Exception as error:  # noqa: BLE001 - a ShapeLens bug must cost one statement, not the file
                self.rec.limit(stmt, f"analysis stopped: internal error ({type(error).__name__}); "
                                     "this statement was skipped")
        return self.module_scope

    def explore_uncalled(self) -> None:
        """Run functions nobody called, with their defaults (else ``?``), so their layers get
        hints; errors there are not reported, since the real arguments are unknown."""
        explored = 0
        for fn in list(self.functions):
            if fn.calls or explored >= MAX_UNCALLED or isinstance(fn.node, ast.Lambda):
                continue
            explored += 1
            self.rec.uncertain += 1
            try:
                args = fn.node.args
                params = [a.arg for a in args.posonlyargs + args.args]
                skip_self = 1 if fn.qualname.count(".") and params and params[0] in ("self", "cls") else 0
                if skip_self:
                    continue
                self.invoke(fn, [], {}, None, speculative=True)
            except Limit:
                return
            finally:
                self.rec.uncertain -= 1

    # ---- budget ------------------------------------------------------------------------------
    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Limit()

    # ---- statements ----------------------------------------------------------------------------
    def exec_block(self, stmts, scope: Scope) -> None:
        for stmt in stmts:
            self.exec_stmt(stmt, scope)

    def exec_stmt(self, stmt: ast.stmt, scope: Scope) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Limit()
        method = _STMT_HANDLERS.get(type(stmt))
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
        self.assign(stmt.target, value, scope)

    def stmt_Return(self, stmt, scope):
        raise _Return(self.eval(stmt.value, scope) if stmt.value is not None else None)

    def stmt_Break(self, stmt, scope):
        raise _Break()

    def stmt_Continue(self, stmt, scope):
        raise _Continue()

    def stmt_Raise(self, stmt, scope):
        raise _Stop()

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
        for decorator in stmt.decorator_list:
            self.eval(decorator, scope)
        qual = stmt.name if scope is scope.module else f"<local>.{stmt.name}"
        fn = UserFunction(stmt, scope, defaults, qual, foreign=bool(self.foreign))
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
            except (_Return, _Break, _Continue, _Stop):
                break
        for value in class_scope.vars.values():
            if isinstance(value, UserFunction):
                value.qualname = f"{stmt.name}.{value.node.name}" if hasattr(value.node, "name") else value.qualname
                value.closure = scope
                value.owner = cls
        scope.assign(stmt.name, cls)

    def stmt_Import(self, stmt, scope):
        for alias in stmt.names:
            path = canonical(alias.name)
            if alias.asname:
                scope.assign(alias.asname, self.import_module(path, stmt, alias.name))
            else:
                top = alias.name.split(".")[0]
                scope.assign(top, self.import_module(canonical(top), stmt, top))

    def stmt_ImportFrom(self, stmt, scope):
        if stmt.level and not self.module_loader:
            for alias in stmt.names:
                scope.assign(alias.asname or alias.name, UNKNOWN)
            return
        module = ("." * stmt.level) + (stmt.module or "")
        path = canonical(stmt.module or "")
        loaded = None
        if classify(path)[0] == "external" and self.module_loader is not None:
            loaded = self.load_module(module, stmt)
        for alias in stmt.names:
            if alias.name == "*":
                if isinstance(loaded, Scope):
                    for key, value in loaded.vars.items():
                        if not key.startswith("_"):
                            scope.assign(key, value)
                continue
            if isinstance(loaded, Scope):
                value = loaded.vars.get(alias.name, UNKNOWN)
            else:
                value = KerasRef(canonical(f"{path}.{alias.name}" if path else alias.name))
            scope.assign(alias.asname or alias.name, value)

    def import_module(self, path: str, stmt, raw: str):
        if classify(path)[0] == "external" and self.module_loader is not None:
            loaded = self.load_module(raw, stmt)
            if isinstance(loaded, Scope):
                return loaded
        return KerasRef(path)

    def load_module(self, name: str, stmt):
        """Interpret a module of the user's workspace (never imported: read and analysed)."""
        if self.import_depth >= 4:
            return None
        if name in self.rec.modules:            # Python runs a module once per process
            return self.rec.modules[name]
        self.rec.modules[name] = None           # an import cycle sees the module as unknown
        try:
            source = self.module_loader(name)
        except Exception:  # noqa: BLE001 - a loader failing is a missing module, nothing more
            source = None
        if source is None:
            return None
        from .analysis import parse_with_recovery, sanitize, too_large
        source = sanitize(source)
        if too_large(source):
            return None
        tree = parse_with_recovery(source)[0]
        if tree is None:
            return None
        sub = Interpreter(self.rec, self.module_loader, self.import_depth + 1)
        sub.steps = self.steps
        sub.foreign = 1
        saved = self.rec.foreign
        self.rec.foreign += 1
        try:
            scope = sub.run_module(tree)
        finally:
            self.rec.foreign = saved
            self.steps = sub.steps
        self.rec.modules[name] = scope
        return scope

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
        outcomes = []
        self.rec.uncertain += 1
        try:
            for body in branches:
                scope.vars.clear()
                scope.vars.update(before)
                try:
                    self.exec_block(body, scope)
                except (_Return, _Break, _Continue, _Stop):
                    pass
                outcomes.append(dict(scope.vars))
        finally:
            self.rec.uncertain -= 1
        scope.vars.clear()
        names = dict.fromkeys(before)          # ordered: models keep their module order
        for outcome in outcomes:
            names.update(dict.fromkeys(outcome))
        for name in names:
            values = [o.get(name, MISSING) for o in outcomes]
            first = values[0]
            if all(v is first for v in values) or (plain(first) and all(plain(v) and v == first for v in values)):
                if first is not MISSING:
                    scope.vars[name] = first
            elif all(isinstance(v, SymTensor) for v in values):
                scope.vars[name] = calls.either_tensor(values)
            else:
                scope.vars[name] = UNKNOWN

    def stmt_For(self, stmt, scope):
        iterable = self.eval(stmt.iter, scope)
        items = self.iterate(iterable)
        if items is None:
            # unknown sequence: run the body once, uncertainly, with an unknown item
            self.assign(stmt.target, UNKNOWN, scope, quiet=True)
            self.uncertain_branches([stmt.body, []], scope)
            return
        count = 0
        for item in items:
            count += 1
            if count > MAX_LOOP:
                self.rec.limit(stmt, f"analysis stopped: loop bound reached ({MAX_LOOP} iterations)")
                self._forget_assigned(stmt.body, scope)
                return
            self.assign(stmt.target, item, scope)
            try:
                self.exec_block(stmt.body, scope)
            except _Break:
                return
            except _Continue:
                continue
        self.exec_block(stmt.orelse, scope)

    stmt_AsyncFor = stmt_For

    def stmt_While(self, stmt, scope):
        count = 0
        while True:
            cond = self.truth(self.eval(stmt.test, scope))
            if cond is False:
                self.exec_block(stmt.orelse, scope)
                return
            if cond is not True:
                self.uncertain_branches([stmt.body, []], scope)
                self._forget_assigned(stmt.body, scope)
                return
            count += 1
            if count > MAX_LOOP:
                self.rec.limit(stmt, f"analysis stopped: loop bound reached ({MAX_LOOP} iterations)")
                self._forget_assigned(stmt.body, scope)
                return
            try:
                self.exec_block(stmt.body, scope)
            except _Break:
                return
            except _Continue:
                continue

    def _forget_assigned(self, body, scope: Scope) -> None:
        for node in body:
            for sub in ast.walk(node):
                if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                    scope.assign(sub.id, UNKNOWN)

    def stmt_With(self, stmt, scope):
        for item in stmt.items:
            self.eval(item.context_expr, scope)
            if item.optional_vars is not None:
                self.assign(item.optional_vars, UNKNOWN, scope, quiet=True)
        self.exec_block(stmt.body, scope)

    stmt_AsyncWith = stmt_With

    def stmt_Try(self, stmt, scope):
        try:
            self.exec_block(stmt.body, scope)
        except _Stop:
            pass
        self.exec_block(stmt.orelse, scope)
        self.exec_block(stmt.finalbody, scope)

    stmt_TryStar = stmt_Try

    # ---- assignment ----------------------------------------------------------------------------
    def assign(self, target, value, scope: Scope, quiet: bool = False) -> None:
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
            key = self.eval(target.slice, scope)
            if isinstance(obj, dict) and _hashable(key):
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

    def set_attribute(self, obj, attr: str, value) -> None:
        if isinstance(obj, Instance):
            obj.attrs[attr] = value
            if attr == "trainable" and obj.keras_object is not None:
                obj.keras_object.set_trainable(value)
        elif attr == "trainable" and isinstance(obj, (LayerObj, ModelObj)):
            obj.set_trainable(value)
        elif isinstance(obj, list) and attr == "trainable":
            pass

    # ---- truth -------------------------------------------------------------------------------
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

    # ---- expressions ---------------------------------------------------------------------------
    def eval(self, node, scope: Scope):
        if node is None:
            return None
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise Limit()
        method = _EXPR_HANDLERS.get(type(node))
        if method is None:
            return UNKNOWN
        return method(self, node, scope)

    def expr_Constant(self, node, scope):
        value = node.value
        if value is Ellipsis:
            return value
        if isinstance(value, (bytes, complex)):
            return UNKNOWN
        return value

    def expr_Name(self, node, scope):
        value = scope.lookup(node.id)
        if value is not MISSING:
            return value
        if node.id in BUILTINS:
            return BuiltinMethod(None, node.id)
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        return UNKNOWN

    def expr_Tuple(self, node, scope):
        items = self.eval_elements(node.elts, scope)
        return items if items is UNKNOWN else tuple(items)

    def expr_List(self, node, scope):
        return self.eval_elements(node.elts, scope)

    def eval_elements(self, elts, scope) -> list:
        out = []
        for elt in elts:
            if isinstance(elt, ast.Starred):
                value = self.eval(elt.value, scope)
                items = self.iterate(value)
                if items is None:
                    return UNKNOWN
                out.extend(items)
            else:
                out.append(self.eval(elt, scope))
        return sized(out)

    def expr_Set(self, node, scope):
        return UNKNOWN

    def expr_Dict(self, node, scope):
        out = {}
        for key, value in zip(node.keys, node.values):
            if key is None:
                merged = self.eval(value, scope)
                if isinstance(merged, dict):
                    out.update(merged)
                else:
                    return UNKNOWN
                continue
            k = self.eval(key, scope)
            v = self.eval(value, scope)
            if not _hashable(k):
                return UNKNOWN
            out[k] = v
        return out

    def expr_JoinedStr(self, node, scope):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                inner = self.eval(value.value, scope)
                if isinstance(inner, (str, int, float, bool)) and value.format_spec is None and value.conversion == -1:
                    text = _str(inner)
                    if text is UNKNOWN:
                        return UNKNOWN
                    parts.append(text)
                else:
                    return UNKNOWN
        return "".join(parts)

    def expr_NamedExpr(self, node, scope):
        value = self.eval(node.value, scope)
        self.assign(node.target, value, scope)
        return value

    def expr_IfExp(self, node, scope):
        cond = self.truth(self.eval(node.test, scope))
        if cond is True:
            return self.eval(node.body, scope)
        if cond is False:
            return self.eval(node.orelse, scope)
        self.rec.uncertain += 1
        try:
            a = self.eval(node.body, scope)
            b = self.eval(node.orelse, scope)
        finally:
            self.rec.uncertain -= 1
        return a if (a is b or (plain(a) and plain(b) and a == b)) else UNKNOWN

    def expr_BoolOp(self, node, scope):
        is_and = isinstance(node.op, ast.And)
        result = None
        for value_node in node.values:
            value = self.eval(value_node, scope)
            t = self.truth(value)
            if t is UNKNOWN:
                return UNKNOWN
            result = value
            if is_and and not t:
                return value
            if not is_and and t:
                return value
        return result

    def expr_UnaryOp(self, node, scope):
        value = self.eval(node.operand, scope)
        if isinstance(node.op, ast.Not):
            t = self.truth(value)
            return UNKNOWN if t is UNKNOWN else (not t)
        if isinstance(value, SymTensor):
            if isinstance(node.op, ast.USub):
                return calls.unary_tensor_op(self.rec, "Negative", "negative", value, node)
            return UNKNOWN
        if isinstance(value, (int, float)) and not isinstance(value, bool) or isinstance(value, bool):
            if isinstance(node.op, ast.USub):
                return -value
            if isinstance(node.op, ast.UAdd):
                return +value
            if isinstance(node.op, ast.Invert) and isinstance(value, int):
                return ~value
        return UNKNOWN

    def expr_BinOp(self, node, scope):
        left = self.eval(node.left, scope)
        right = self.eval(node.right, scope)
        return self.binop(node.op, left, right, node)

    def binop(self, op, left, right, node):
        if isinstance(left, SymTensor) or isinstance(right, SymTensor):
            op_class = calls.OPERATOR_OPS.get(type(op))
            if op_class is None:
                return UNKNOWN
            return calls.tensor_operator(self.rec, op_class, left, right, node, _OP_SNAKE[op_class])
        if left is UNKNOWN or right is UNKNOWN:
            return UNKNOWN
        if isinstance(op, ast.Add) and type(left) is type(right) and isinstance(left, (list, tuple)):
            return sized(left + right)          # lists of tensors or layers concatenate too
        if isinstance(op, ast.Mult) and isinstance(left, (list, tuple)) and isinstance(right, int) \
                and not isinstance(right, bool) and len(left) * max(right, 0) <= MAX_SEQUENCE:
            return left * right
        if not (plain(left) and plain(right)) or isinstance(left, range) or isinstance(right, range):
            return UNKNOWN
        fn = _BINOPS.get(type(op))
        if fn is None:
            return UNKNOWN
        if not _cheap(op, left, right):
            return UNKNOWN
        try:
            return sized(safe_int(fn(left, right)))
        except (ArithmeticError, TypeError, ValueError, OverflowError, MemoryError):
            return UNKNOWN

    def expr_Compare(self, node, scope):
        left = self.eval(node.left, scope)
        for op, comparator in zip(node.ops, node.comparators):
            right = self.eval(comparator, scope)
            if isinstance(left, SymTensor) or isinstance(right, SymTensor):
                return op_calls.compare(self, op, left, right, node, len(node.ops))
            if left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            if isinstance(op, (ast.Is, ast.IsNot)):
                if left is None or right is None or isinstance(left, bool) or isinstance(right, bool):
                    result = _CMPOPS[type(op)](left, right)
                else:
                    return UNKNOWN
            else:
                if not (plain(left) and plain(right)) and not isinstance(right, dict):
                    return UNKNOWN
                if _contains_unknown(left) or _contains_unknown(right):
                    return UNKNOWN
                try:
                    result = _CMPOPS[type(op)](left, right)
                except TypeError:
                    return UNKNOWN
            if not result:
                return False
            left = right
        return True

    def expr_Subscript(self, node, scope):
        obj = self.eval(node.value, scope)
        key = self.eval(node.slice, scope)
        return self.subscript(obj, key, node)

    def expr_Slice(self, node, scope):
        parts = [self.eval(p, scope) if p is not None else None for p in (node.lower, node.upper, node.step)]
        if any(p is UNKNOWN for p in parts):
            return UNKNOWN
        if not all(p is None or isinstance(p, int) for p in parts):
            return UNKNOWN
        return slice(*parts)

    def subscript(self, obj, key, node):
        if isinstance(obj, SymTensor):
            return self.tensor_getitem(obj, key, node)
        if obj is UNKNOWN or key is UNKNOWN:
            return UNKNOWN
        if isinstance(obj, (list, tuple, str, range)):
            if isinstance(key, bool) or not isinstance(key, (int, slice)):
                return UNKNOWN
            try:
                return obj[key]
            except (IndexError, ValueError):
                return UNKNOWN
        if isinstance(obj, dict) and _hashable(key):
            return obj.get(key, UNKNOWN)
        if isinstance(obj, ModelObj) or isinstance(obj, Instance):
            return UNKNOWN
        return UNKNOWN

    def tensor_getitem(self, tensor: SymTensor, key, node):
        """``x[:, 0]``: Keras records a ``GetItem`` op; its shape is worked out for ints, slices,
        ``None`` and ``...``."""
        op = UnknownOp(self.op_name("get_item", [tensor]), "GetItem", node)
        op.param_count = lambda: calls.NO_PARAMS
        shape = _getitem_shape(tensor.shape, key)
        return calls.attach_call(self.rec, op, [tensor], shape, node, kind="layer")

    def expr_Attribute(self, node, scope):
        obj = self.eval(node.value, scope)
        return self.get_attribute(obj, node.attr, node)

    def get_attribute(self, obj, attr: str, node=None):
        if isinstance(obj, KerasRef):
            return KerasRef(canonical(f"{obj.path}.{attr}"))
        if isinstance(obj, SuperProxy):
            return self.super_attribute(obj, attr)
        if isinstance(obj, Scope):
            return obj.vars.get(attr, UNKNOWN)
        if isinstance(obj, SymTensor):
            if attr == "shape":
                return obj.shape if isinstance(obj.shape, tuple) else UNKNOWN
            if attr == "ndim":
                return len(obj.shape) if isinstance(obj.shape, tuple) else UNKNOWN
            return UNKNOWN
        if isinstance(obj, Instance):
            if attr in obj.attrs:
                return obj.attrs[attr]
            found = obj.cls.lookup(attr)
            if isinstance(found, UserFunction):
                return BoundMethod(found, obj)
            if found is not MISSING:
                return found
            if obj.keras_object is not None:
                return self.keras_attribute(obj.keras_object, attr, obj)
            return UNKNOWN
        if isinstance(obj, UserClass):
            found = obj.lookup(attr)
            return UNKNOWN if found is MISSING else found
        if isinstance(obj, Operation):
            return self.keras_attribute(obj, attr, obj)
        if isinstance(obj, (list, dict, str)):
            return BuiltinMethod(obj, attr)
        return UNKNOWN

    def keras_attribute(self, op: Operation, attr: str, receiver):
        if attr == "name":
            return op.name
        if attr == "trainable":
            return getattr(getattr(op, "engine", None), "trainable", True)
        if attr in ("output", "outputs"):
            if isinstance(op, ModelObj) and op.outputs is not None:
                out = op.outputs
                return list(flatten(out)) if attr == "outputs" and not isinstance(out, list) else out
            if op.nodes:
                return op.nodes[-1].outputs
            return UNKNOWN
        if attr in ("input", "inputs"):
            if isinstance(op, ModelObj) and op.inputs is not None:
                inp = op.inputs
                return list(flatten(inp)) if attr == "inputs" and not isinstance(inp, list) else inp
            return UNKNOWN
        if attr == "layers" and isinstance(op, ModelObj):
            layers = [l for l in op.summary_layers() if not (isinstance(l, InputObj) and isinstance(op, SequentialModel))]
            return layers
        if attr in ("output_shape", "input_shape"):
            return UNKNOWN
        return BuiltinMethod(receiver, attr)

    def iterate(self, value):
        """Known items of an iterable, or None."""
        if isinstance(value, (list, tuple, str)):
            return list(value)
        if isinstance(value, range):
            try:
                return value if len(value) <= MAX_LOOP else _bounded(value)
            except OverflowError:          # longer than sys.maxsize
                return _bounded(value)
        if isinstance(value, dict):
            return list(value.keys())
        return None

    # ---- comprehensions --------------------------------------------------------------------------
    def comprehension(self, node, scope, produce):
        inner = Scope(scope, scope.module)
        results = []
        complete = self._comp(node.generators, 0, inner, produce, results)
        return results if complete else UNKNOWN

    def _comp(self, generators, index, scope, produce, results) -> bool:
        if index == len(generators):
            results.append(produce(scope))
            return True
        gen = generators[index]
        items = self.iterate(self.eval(gen.iter, scope))
        if items is None:
            return False
        count = 0
        for item in items:
            count += 1
            if count > MAX_LOOP or len(results) > MAX_SEQUENCE:
                self.rec.limit(gen.iter, f"analysis stopped: loop bound reached ({MAX_LOOP} iterations)")
                return False
            self.assign(gen.target, item, scope)
            ok = True
            for cond in gen.ifs:
                t = self.truth(self.eval(cond, scope))
                if t is UNKNOWN:
                    return False
                if not t:
                    ok = False
                    break
            if ok and not self._comp(generators, index + 1, scope, produce, results):
                return False
        return True

    def expr_ListComp(self, node, scope):
        return self.comprehension(node, scope, lambda s: self.eval(node.elt, s))

    expr_GeneratorExp = expr_ListComp

    def expr_SetComp(self, node, scope):
        self.comprehension(node, scope, lambda s: self.eval(node.elt, s))
        return UNKNOWN

    def expr_DictComp(self, node, scope):
        pairs = self.comprehension(node, scope, lambda s: (self.eval(node.key, s), self.eval(node.value, s)))
        if pairs is UNKNOWN or not all(_hashable(k) for k, _ in pairs):
            return UNKNOWN
        return dict(pairs)

    def expr_Lambda(self, node, scope):
        defaults = {}
        args = node.args
        positional = args.posonlyargs + args.args
        for param, default in zip(positional[len(positional) - len(args.defaults):], args.defaults):
            defaults[param.arg] = self.eval(default, scope)
        return UserFunction(node, scope, defaults, "<lambda>")

    def expr_Starred(self, node, scope):
        return self.eval(node.value, scope)

    def expr_Await(self, node, scope):
        self.eval(node.value, scope)
        return UNKNOWN

    # ---- calls -----------------------------------------------------------------------------------
    def expr_Call(self, node, scope):
        if isinstance(node.func, ast.Name) and node.func.id == "super" and scope.lookup("super") is MISSING:
            return self.make_super(scope)
        func = self.eval(node.func, scope)
        positional = []
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                items = self.iterate(self.eval(arg.value, scope))
                if items is None:
                    return self.call_unknown(func, node)
                positional.extend(items)
            else:
                positional.append(self.eval(arg, scope))
        keywords = {}
        for kw in node.keywords:
            value = self.eval(kw.value, scope)
            if kw.arg is None:
                if isinstance(value, dict) and all(isinstance(k, str) for k in value):
                    keywords.update(value)
                else:
                    return self.call_unknown(func, node)
            else:
                keywords[kw.arg] = value
        return self.call(func, positional, keywords, node)

    def make_super(self, scope):
        """``super()`` inside a method: the instance, and the class whose bases to search."""
        if not self.stack:
            return UNKNOWN
        fn, _ = self.stack[-1]
        params = fn.node.args.posonlyargs + fn.node.args.args
        if not params or fn.owner is None:
            return UNKNOWN
        return SuperProxy(scope.lookup(params[0].arg), fn.owner)

    def super_attribute(self, proxy: SuperProxy, attr: str):
        for base in proxy.owner.bases:
            if isinstance(base, UserClass):
                found = base.lookup(attr)
                if isinstance(found, UserFunction):
                    return BoundMethod(found, proxy.instance)
                if found is not MISSING:
                    return found
        if attr == "__init__" and isinstance(proxy.instance, Instance):
            return BuiltinMethod(proxy.instance, "super-init")
        return UNKNOWN

    def op_name(self, snake: str, tensors) -> str:
        """Ops on traced (private) tensors take no uid, as under Keras's tracing."""
        return snake if calls.is_private(tensors) else self.rec.unique_name(snake)

    def call_unknown(self, func, node):
        return UNKNOWN

    def call(self, func, positional, keywords, node):
        if isinstance(func, (KerasRef, Operation)):
            self.steps += LAYER_COST
        elif isinstance(func, (UserFunction, BoundMethod, UserClass, Instance)):
            self.steps += CALL_COST
        if isinstance(func, KerasRef):
            return self.call_keras(func.path, positional, keywords, node)
        if isinstance(func, LayerObj):
            if isinstance(func.python_function, UserFunction):
                return self.call_lambda(func, positional, keywords, node)
            return calls.apply_layer(self.rec, func, positional, keywords, node)
        if isinstance(func, ModelObj) and not isinstance(func, SubclassModel):
            return calls.call_model(self.rec, func, positional, keywords, node, self.call_operation)
        if isinstance(func, UnknownOp):
            return calls.record_unknown_call(self.rec, func, positional, node)
        if isinstance(func, UserFunction):
            return self.invoke(func, positional, keywords, node)
        if isinstance(func, BoundMethod):
            return self.invoke(func.function, [func.receiver] + positional, keywords, node)
        if isinstance(func, UserClass):
            return self.instantiate(func, positional, keywords, node)
        if isinstance(func, Instance):
            if func.keras_object is not None:
                return self.call_subclass(func, positional, keywords, node)
            method = func.cls.lookup("__call__")
            if isinstance(method, UserFunction):
                return self.invoke(method, [func] + positional, keywords, node)
            return UNKNOWN
        if isinstance(func, BuiltinMethod):
            return self.call_builtin(func, positional, keywords, node)
        return UNKNOWN

    def call_lambda(self, layer: LayerObj, positional, keywords, node):
        """A ``Lambda`` without ``output_shape``: Keras traces the function to learn its output;
        we interpret the function on traced (private) tensors, reporting nothing from inside."""
        explicit = layer.python_output_shape
        inputs = positional[0] if positional else keywords.get("inputs", UNKNOWN)
        if explicit is not None and not isinstance(explicit, UserFunction):
            return calls.apply_layer(self.rec, layer, positional, keywords, node)
        self.rec.uncertain += 1
        try:
            if isinstance(explicit, UserFunction):   # output_shape=lambda s: ... gets the input shape
                result = self.invoke(explicit, [calls.output_shapes(inputs)], {}, None)
                shapes = result if isinstance(result, tuple) and all(
                    d is None or d is UNKNOWN or isinstance(d, int) for d in result) else UNKNOWN
            else:
                result = self.invoke(layer.python_function, [_private_copy(inputs)], {}, None)
                shapes = calls.output_shapes(_tensor_structure(result))
        finally:
            self.rec.uncertain -= 1
        if layer.engine.weights is None:
            layer.engine.weights = calls.NO_PARAMS
        return calls.attach_call(self.rec, layer, inputs, shapes, node, kind="layer")

    def call_operation(self, op, positional, keywords, site):
        """Call a layer, model or custom layer object (used when building Sequential models)."""
        if isinstance(op, LayerObj):
            if isinstance(op.python_function, UserFunction):
                return self.call_lambda(op, positional, keywords, site)
            return calls.apply_layer(self.rec, op, positional, keywords, site)
        if isinstance(op, SubclassModel):
            return self.call_subclass(op.instance, positional, keywords, site)
        if isinstance(op, ModelObj):
            return calls.call_model(self.rec, op, positional, keywords, site, self.call_operation)
        if isinstance(op, UnknownOp):
            return calls.record_unknown_call(self.rec, op, positional, site)
        return UNKNOWN

    # ---- the user's functions ------------------------------------------------------------------------
    def invoke(self, fn: UserFunction, positional, keywords, node, speculative: bool = False):
        fn.calls += 1
        if self.depth >= MAX_DEPTH:
            self.rec.limit(node, f"analysis stopped: call depth bound reached ({MAX_DEPTH} nested calls)")
            return UNKNOWN
        scope = Scope(fn.closure, fn.closure.module)
        self.bind_parameters(fn, positional, keywords, scope, speculative)
        entering_foreign = fn.foreign and not self.rec.foreign
        if entering_foreign:
            self.rec.foreign += 1
            self.rec.anchor, self.rec.anchor_name = node, getattr(fn.node, "name", "<lambda>")
        self.depth += 1
        self.stack.append((fn, scope))
        try:
            if isinstance(fn.node, ast.Lambda):
                result = self.eval(fn.node.body, scope)
            else:
                result = None
                try:
                    self.exec_block(fn.node.body, scope)
                except _Return as ret:
                    result = ret.value
                except _Stop:
                    result = UNKNOWN
                except (_Break, _Continue):
                    result = UNKNOWN
        except RecursionError:
            self.rec.limit(node, "analysis stopped: expression nesting too deep")
            result = UNKNOWN
        finally:
            self.depth -= 1
            self.stack.pop()
            if entering_foreign:
                self.rec.foreign -= 1
                self.rec.anchor = None
        if node is not None and not speculative and self._holds_tensors(result):
            self.rec.record_call(node, calls.CallResult(
                getattr(fn.node, "name", "<lambda>"), "function", calls.output_shapes(_tensor_structure(result)),
                None, None), kind="helper")
        return result

    def _holds_tensors(self, value) -> bool:
        if isinstance(value, SymTensor):
            return True
        if isinstance(value, (list, tuple)) and len(value) <= 16:
            return any(isinstance(v, SymTensor) for v in value)
        return False

    def bind_parameters(self, fn, positional, keywords, scope, speculative):
        args = fn.node.args
        params = args.posonlyargs + args.args
        for i, param in enumerate(params):
            if i < len(positional):
                value = positional[i]
            elif param.arg in keywords:
                value = keywords.pop(param.arg)
            else:
                value = fn.defaults.get(param.arg, UNKNOWN)
            scope.vars[param.arg] = value
        if args.vararg is not None:
            scope.vars[args.vararg.arg] = tuple(positional[len(params):]) if not speculative else UNKNOWN
        for param in args.kwonlyargs:
            scope.vars[param.arg] = keywords.pop(param.arg, fn.defaults.get(param.arg, UNKNOWN))
        if args.kwarg is not None:
            scope.vars[args.kwarg.arg] = dict(keywords) if not speculative else UNKNOWN

    # ---- classes -------------------------------------------------------------------------------------
    def instantiate(self, cls: UserClass, positional, keywords, node):
        instance = Instance(cls)
        base = cls.keras_base()
        if base is not None:
            name = keywords.get("name")
            model_name = name if isinstance(name, str) else self.rec.unique_name(to_snake_case(cls.name))
            instance.keras_object = SubclassModel(model_name, cls.name, node, instance, base == "Model")
        init = cls.lookup("__init__")
        if isinstance(init, UserFunction):
            self.invoke(init, [instance] + positional, dict(keywords), node)
        return instance

    def call_subclass(self, instance: Instance, positional, keywords, node):
        """Calling a subclassed model or custom layer on tensors: ``build`` then ``call`` run on
        private tensors; the outer graph sees one node with the resulting shapes."""
        op = instance.keras_object
        if isinstance(op, FunctionalModel):
            return calls.call_model(self.rec, op, positional, keywords, node, self.call_operation)
        inputs = positional[0] if positional else keywords.get("inputs", UNKNOWN)
        private = _private_copy(inputs)
        build = instance.cls.lookup("build")
        if isinstance(build, UserFunction) and not op.build_called:
            op.build_called = True
            self.invoke(build, [instance, calls.output_shapes(inputs)], {}, None)
        call = instance.cls.lookup("call")
        result = UNKNOWN
        if isinstance(call, UserFunction):
            result = self.invoke(call, [instance, private] + list(positional[1:]), dict(keywords), None)
        shapes = calls.output_shapes(_tensor_structure(result))
        if op.inputs is None:
            op.inputs, op.outputs = inputs, result
        return calls.attach_call(self.rec, op, inputs, shapes, node)

    def super_init(self, instance: Instance, positional, keywords, node):
        """``super().__init__(inputs, outputs)`` in a Model subclass makes it functional."""
        op = instance.keras_object
        inputs = positional[0] if positional else keywords.get("inputs")
        outputs = positional[1] if len(positional) > 1 else keywords.get("outputs")
        if isinstance(op, SubclassModel) and inputs is not None and outputs is not None:
            model = calls.functional_model(self.rec, inputs, outputs, op.name, node, op.class_name)
            instance.keras_object = model
        if isinstance(op, SubclassModel) and "trainable" in keywords:
            op.set_trainable(keywords["trainable"])

    # ---- the Keras API -------------------------------------------------------------------------------
    def call_keras(self, path: str, positional, keywords, node):
        kind, name = classify(path)
        rec = self.rec
        if kind == "layer":
            obj = calls.new_layer(rec, name, positional, keywords, node)
            if obj is None or obj == "error":
                return UnknownOp(rec.unique_name(to_snake_case(name)), name, node)
            if obj.class_name == "Lambda":
                obj.python_function = positional[0] if positional else keywords.get("function")
                obj.python_output_shape = positional[1] if len(positional) > 1 else keywords.get("output_shape")
            return obj
        if kind == "unknown_layer":
            given = keywords.get("name")
            return UnknownOp(given if isinstance(given, str) else rec.unique_name(to_snake_case(name)), name, node)
        if kind == "input":
            return self.make_input(positional, keywords, node)
        if kind == "input_layer":
            tensor = self.make_input(positional, keywords, node)
            return tensor.node.operation if isinstance(tensor, SymTensor) else UNKNOWN
        if kind == "model":
            inputs = positional[0] if positional else keywords.get("inputs")
            outputs = positional[1] if len(positional) > 1 else keywords.get("outputs")
            if inputs is None or outputs is None:
                return UNKNOWN
            return calls.functional_model(rec, inputs, outputs, keywords.get("name"), node)
        if kind == "sequential":
            return self.make_sequential(positional, keywords, node)
        if kind == "merge":
            layer = calls.new_layer(rec, MERGE_FUNCTIONS[name], [], {k: v for k, v in keywords.items()}, node)
            inputs = positional[0] if positional else keywords.get("inputs", UNKNOWN)
            if not isinstance(layer, LayerObj):
                return UNKNOWN
            return calls.apply_layer(rec, layer, [inputs], {}, node)
        if kind == "application":
            return self.make_application(name, positional, keywords, node)
        if kind in ("op", "activation"):
            return self.keras_op(path, name, kind, positional, keywords, node)
        if kind == "external" and path.startswith("math."):
            fn = MATH.get(path[len("math."):])
            return fn(*positional) if fn is not None and not keywords else UNKNOWN
        return UNKNOWN

    def make_input(self, positional, keywords, node):
        names = ("shape", "batch_size", "dtype", "sparse", "batch_shape", "name", "tensor")
        values = dict(zip(names, positional))
        values.update(keywords)
        shape = values.get("shape", values.get("input_shape"))
        batch_shape = values.get("batch_shape", values.get("batch_input_shape"))
        if shape is None and batch_shape is None:
            shape = UNKNOWN
        for given in (shape, batch_shape):
            if isinstance(given, (tuple, list)) and any(isinstance(d, int) and not isinstance(d, bool) and d < 0
                                                        for d in given):
                self.rec.error(node, "invalid-argument", f"Cannot convert '{tuple(given)!r}' to a shape. "
                                                         "Negative dimensions are not allowed.")
        batch = input_batch_shape(calls.to_engine(shape), calls.to_engine(values.get("batch_size")),
                                  calls.to_engine(batch_shape))
        if isinstance(batch, tuple):
            if any(not (d is None or d is UNKNOWN or isinstance(d, int)) for d in batch):
                batch = UNKNOWN
            else:   # a negative size is not a shape Keras builds on: unknown, never a number
                batch = tuple(UNKNOWN if isinstance(d, int) and d < 0 else d for d in batch)
        return calls.make_input(self.rec, batch, values.get("name"), node)

    def make_sequential(self, positional, keywords, node):
        name = keywords.get("name", positional[2] if len(positional) > 2 else None)
        model = SequentialModel(name if isinstance(name, str) else self.rec.unique_name("sequential"), node)
        layers = positional[0] if positional else keywords.get("layers")
        if isinstance(layers, (list, tuple)):
            for item in layers:
                calls.sequential_add(self.rec, model, item, node, self.call_operation, rebuild=False)
            if model.outputs is not None and model.layers:
                self.rec.unique_name("functional")   # the one rebuild after the constructor
        elif layers is UNKNOWN:
            model.complete = False
        return model

    def make_application(self, name, positional, keywords, node):
        try:
            from .applications import application_model
        except ImportError:
            return UNKNOWN
        return application_model(self.rec, name, positional, keywords, node)

    def keras_op(self, path, name, kind, positional, keywords, node):
        """``keras.ops.*`` and ``keras.activations.*`` calls: see ``op_calls.py``."""
        return op_calls.call_op(self, path, name, kind, positional, keywords, node)

    # ---- methods of built-in values and Keras objects -------------------------------------------------
    def call_builtin(self, method: BuiltinMethod, positional, keywords, node):
        receiver, name = method.receiver, method.name
        if name == "super-init":
            self.super_init(receiver, positional, keywords, node)
            return None
        if receiver is None:
            fn = BUILTINS.get(name)
            if fn is None:
                return UNKNOWN
            try:
                return fn(*positional, **keywords)
            except (TypeError, ValueError, OverflowError, MemoryError):
                return UNKNOWN
        if isinstance(receiver, list):
            return self.list_method(receiver, name, positional)
        if isinstance(receiver, dict):
            return self.dict_method(receiver, name, positional)
        if isinstance(receiver, str):
            return self.str_method(receiver, name, positional)
        if isinstance(receiver, Instance) and receiver.keras_object is not None:
            return self.model_method(receiver.keras_object, name, positional, keywords, node, receiver)
        if isinstance(receiver, Operation):
            return self.model_method(receiver, name, positional, keywords, node, receiver)
        return UNKNOWN

    def list_method(self, lst, name, args):
        if name == "append" and len(args) == 1:
            if len(lst) < MAX_SEQUENCE:
                lst.append(args[0])
            return None
        if name == "extend" and len(args) == 1:
            items = self.iterate(args[0])
            if items is not None and len(lst) + len(items) <= MAX_SEQUENCE:
                lst.extend(items)
            return None
        if name == "insert" and len(args) == 2 and isinstance(args[0], int):
            lst.insert(args[0], args[1])
            return None
        if name == "pop" and lst:
            if not args:
                return lst.pop()
            if isinstance(args[0], int) and -len(lst) <= args[0] < len(lst):
                return lst.pop(args[0])
        if name == "index" and args and plain(args[0]):
            return lst.index(args[0]) if args[0] in lst else UNKNOWN
        if name == "copy":
            return list(lst)
        if name == "reverse":
            lst.reverse()
            return None
        return UNKNOWN

    def dict_method(self, d, name, args):
        if name == "get" and args and _hashable(args[0]):
            return d.get(args[0], args[1] if len(args) > 1 else None)
        if name == "keys":
            return list(d.keys())
        if name == "values":
            return list(d.values())
        if name == "items":
            return list(d.items())
        if name == "update" and args and isinstance(args[0], dict):
            d.update(args[0])
            return None
        if name == "pop" and args and _hashable(args[0]):
            return d.pop(args[0], args[1] if len(args) > 1 else UNKNOWN)
        if name == "setdefault" and args and _hashable(args[0]):
            return d.setdefault(args[0], args[1] if len(args) > 1 else None)
        if name == "copy":
            return dict(d)
        return UNKNOWN

    def str_method(self, s, name, args):
        if name in ("upper", "lower", "strip", "title", "capitalize") and not args:
            return getattr(s, name)()
        if name == "format" and all(isinstance(a, (int, float, str)) for a in args) and len(s) < 1000 \
                and not _WIDE_FORMAT.search(s) and not any(isinstance(a, int) and abs(a) >= 10_000 for a in args):
            try:
                return s.format(*args)
            except (IndexError, KeyError, ValueError):
                return UNKNOWN
        if name in ("startswith", "endswith") and args and isinstance(args[0], str):
            return getattr(s, name)(args[0])
        return UNKNOWN

    def model_method(self, op: Operation, name, positional, keywords, node, receiver):
        if isinstance(op, SequentialModel):
            if name == "add" and positional:
                calls.sequential_add(self.rec, op, positional[0], node, self.call_operation)
                return None
            if name == "pop" and op.layers:
                return op.layers.pop()
            if name == "build":
                shape = positional[0] if positional else keywords.get("input_shape")
                if isinstance(shape, (list, tuple)):
                    calls.sequential_build(self.rec, op, tuple(shape), self.call_operation)
                return None
        if isinstance(op, SubclassModel) and name == "build":
            build = op.instance.cls.lookup("build") if isinstance(receiver, Instance) else MISSING
            shape = positional[0] if positional else keywords.get("input_shape", UNKNOWN)
            if isinstance(build, UserFunction) and not op.build_called:
                op.build_called = True
                self.invoke(build, [receiver, shape], {}, None)
            return None
        if isinstance(op, SubclassModel) and name == "add_weight":
            shape = keywords.get("shape", positional[0] if positional else UNKNOWN)
            trainable = keywords.get("trainable", True)
            count = UNKNOWN
            if isinstance(shape, (list, tuple)) and all(isinstance(d, int) for d in shape):
                count = 1
                for d in shape:
                    count *= d
            elif isinstance(shape, int):
                count = shape
            from ..engine import ParamCount
            op.extra_weights = op.extra_weights + (ParamCount(count, 0) if trainable is not False else ParamCount(0, count))
            return UNKNOWN
        if isinstance(op, LayerObj) and name == "build":
            shape = positional[0] if positional else keywords.get("input_shape", UNKNOWN)
            if isinstance(shape, (list, tuple)):
                try:
                    op.engine.maybe_build(tuple(shape), Derivation())
                except Exception:  # noqa: BLE001 - a rule failing on odd input gives "?"
                    op.engine.weights = op.engine.weights or UNKNOWN_PARAMS
            return None
        if isinstance(op, LayerObj) and name == "compute_output_shape" and positional:
            try:
                return op.engine.compute_output_shape(tuple(positional[0]), Derivation())
            except Exception:  # noqa: BLE001
                return UNKNOWN
        if name == "count_params":
            total = op.param_count().total
            return total
        if name == "get_layer" and isinstance(op, ModelObj):
            wanted = keywords.get("name", positional[0] if positional else None)
            for layer in op.summary_layers():
                if isinstance(wanted, str) and layer.name == wanted:
                    return layer
                if isinstance(wanted, int):
                    return UNKNOWN
            return UNKNOWN
        if name == "__call__":
            return self.call(op, positional, keywords, node)
        return None if name in ("summary", "compile", "fit", "evaluate", "save", "load_weights") else UNKNOWN


# ---- helpers --------------------------------------------------------------------------------------

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


def _hashable(value) -> bool:
    return value is None or isinstance(value, (int, float, str, bool)) or (
        isinstance(value, tuple) and all(_hashable(v) for v in value))


def _contains_unknown(value, depth: int = 0) -> bool:
    if value is UNKNOWN or depth > 16 or (depth == 0 and isinstance(value, (list, tuple)) and oversized(value)):
        return True
    if isinstance(value, (list, tuple)):
        return any(_contains_unknown(v, depth + 1) for v in value)
    return False


def _cheap(op, left, right) -> bool:
    """Refuse Python operations that would take unbounded time or memory."""
    if isinstance(op, ast.Pow) and isinstance(left, int) and isinstance(right, int):
        if right < 0:
            return True
        return right * max(abs(left), 1).bit_length() <= MAX_INT_BITS
    if isinstance(op, ast.LShift) and isinstance(right, int):
        return right <= MAX_INT_BITS
    if isinstance(op, ast.Mult):
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(n, int):
                return len(seq) * max(n, 0) <= MAX_SEQUENCE
    if isinstance(op, ast.Mod) and isinstance(left, str):
        if "*" in left or _WIDE_FORMAT.search(left):
            return False                    # a field width could ask for gigabytes
        return len(left) < 10_000
    return True


_WIDE_FORMAT = re.compile(r"\d{5,}")


def _bounded(r: range):
    for i, item in enumerate(r):
        if i > MAX_LOOP:
            break
        yield item


def _tensor_structure(value, depth: int = 0):
    if depth > 16 or (depth == 0 and isinstance(value, (list, tuple, dict)) and oversized(value)):
        return SymTensor(UNKNOWN)
    if isinstance(value, (list, tuple)):
        return type(value)(_tensor_structure(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return [_tensor_structure(value[k], depth + 1) for k in sorted(value, key=str)]
    return value if isinstance(value, SymTensor) else SymTensor(UNKNOWN)


def _private_copy(value, depth: int = 0):
    """Tensors with the same shapes but no history: what a subclass's ``call`` sees."""
    if depth > 16 or (depth == 0 and isinstance(value, (list, tuple, dict)) and oversized(value)):
        return UNKNOWN
    if isinstance(value, SymTensor):
        return SymTensor(value.shape)
    if isinstance(value, list):
        return [_private_copy(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(_private_copy(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: _private_copy(v, depth + 1) for k, v in value.items()}
    return value


def _getitem_shape(shape, key):
    if not isinstance(shape, tuple):
        return UNKNOWN
    keys = list(key) if isinstance(key, tuple) else [key]
    if any(k is UNKNOWN for k in keys):
        return UNKNOWN
    if keys.count(Ellipsis) > 1:
        return UNKNOWN
    consumed = sum(1 for k in keys if k is not None and k is not Ellipsis)
    if Ellipsis in keys:
        i = keys.index(Ellipsis)
        keys[i:i + 1] = [slice(None)] * max(len(shape) - consumed, 0)
    out = []
    axis = 0
    for k in keys:
        if k is None:
            out.append(1)
            continue
        if axis >= len(shape):
            return UNKNOWN
        dim = shape[axis]
        axis += 1
        if isinstance(k, bool):
            return UNKNOWN
        if isinstance(k, int):
            continue
        if isinstance(k, slice):
            if k.start is None and k.stop is None and k.step is None:
                out.append(dim)
            elif isinstance(dim, int):
                start, stop, step = k.indices(dim)
                out.append(max(0, (stop - start + step - (1 if step > 0 else -1)) // step))
            else:
                out.append(None if dim is None else UNKNOWN)
            continue
        return UNKNOWN
    out.extend(shape[axis:])
    return tuple(out)


def _handlers(prefix: str) -> dict:
    """Node type → handler, resolved once (``getattr`` per node costs more than the work)."""
    table = {}
    for name in dir(Interpreter):
        if name.startswith(prefix):
            node_type = getattr(ast, name[len(prefix):], None)
            if isinstance(node_type, type):
                table[node_type] = getattr(Interpreter, name)
    return table


_STMT_HANDLERS = _handlers("stmt_")
_EXPR_HANDLERS = _handlers("expr_")
