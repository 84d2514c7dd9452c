"""Python expressions in the abstract interpreter: literals, names, operators (on numbers and on
symbolic tensors), comparisons, subscripts (``x[:, 0]`` on tensors), attributes, comprehensions
and iteration.  Calls are in ``functions.py``."""

from __future__ import annotations

import ast
import operator

from ..engine.shape import UNKNOWN, Unknown
from . import arrays, calls, npvalues, op_calls
from .budget import forget_touched
from .control import EXPR_HANDLERS, MAX_LOOP, Limit, Scope
from .interpreter_base import InterpreterBase
from .models import ModelObj
from .pybuiltins import BUILTINS, MATH_CONSTANTS, MAX_INT_BITS, MAX_SEQUENCE, WIDE_FORMAT, _str, plain, safe_int, sized
from .typechecks import TYPE_CHECKS, same_class
from .values import (
    MISSING,
    BoundMethod,
    BuiltinMethod,
    Instance,
    KerasRef,
    Operation,
    SuperProxy,
    SymTensor,
    UnknownOp,
    UserClass,
    UserFunction,
    hashable,
    oversized,
)

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


_LITERALS = (bool, int, float, str, list, tuple, dict, range, slice)


def _identity_object(value):
    """``value`` as the one analyser object that stands for its Python object, for ``is``: a
    user class's instance and the Keras layer or model behind it are one object; None for a
    value whose identity the analyser does not track one-to-one (tensors get private copies,
    bound methods are new each time, ints and strings may be interned...)."""
    if isinstance(value, Instance) and value.keras_object is not None:
        return value.keras_object
    if isinstance(value, (Operation, Instance, UserFunction, UserClass)):
        return value
    return None


def _never_none(value) -> bool:
    """A known value that cannot be ``None`` at run time."""
    if isinstance(value, SymTensor):     # a tensor of unknown shape may stand for a None output
        return isinstance(value.shape, tuple)
    return _identity_object(value) is not None or isinstance(
        value, (KerasRef, BoundMethod, BuiltinMethod, *_LITERALS))


def _class_comparison(op, right) -> bool:
    """``cls == other`` / ``cls != other``, or ``cls in (a, b)`` / ``cls not in [a, b]``."""
    if isinstance(op, (ast.Eq, ast.NotEq)):
        return not isinstance(right, (list, tuple))
    return isinstance(op, (ast.In, ast.NotIn)) and isinstance(right, (list, tuple))


def identical(left, right):
    """``left is right``: True / False when the analyser's values decide it, else UNKNOWN.
    ``tensor is None`` is False; two layers (or models, instances, functions, classes) are the
    same object exactly when they are the same stand-in; a tensor is never a layer."""
    if left is None or right is None:
        other = right if left is None else left
        if other is None:
            return True
        return False if _never_none(other) else UNKNOWN
    if isinstance(left, bool) and isinstance(right, bool):
        return left is right
    a, b = _identity_object(left), _identity_object(right)
    if a is not None and b is not None:
        return a is b
    if (a is not None and _never_none(right) and isinstance(right, SymTensor)) or \
            (b is not None and _never_none(left) and isinstance(left, SymTensor)):
        return False                     # a tensor is not a layer, a model or a function
    return UNKNOWN


class ExpressionsMixin(InterpreterBase):
    def eval(self, node, scope: Scope):
        if node is None:
            return None
        self.steps += 1
        if self.steps > self.step_limit:
            raise Limit()
        method = EXPR_HANDLERS.get(type(node))
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
        if node.id == "__name__":
            return self.module_name
        if node.id in BUILTINS or node.id in TYPE_CHECKS:
            return BuiltinMethod(None, node.id)
        if node.id in ("True", "False", "None"):
            return {"True": True, "False": False, "None": None}[node.id]
        return UNKNOWN

    def expr_Tuple(self, node, scope):
        items = self.eval_elements(node.elts, scope)
        return items if items is UNKNOWN else tuple(items)

    def expr_List(self, node, scope):
        return self.eval_elements(node.elts, scope)

    def eval_elements(self, elts, scope) -> list | Unknown:
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
            if not hashable(k):
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
        self.rec.branching += 1
        try:
            a = self.eval(node.body, scope)
            b = self.eval(node.orelse, scope)
        finally:
            self.rec.uncertain -= 1
            self.rec.branching -= 1
        return a if (a is b or (plain(a) and plain(b) and a == b)) else UNKNOWN

    def expr_BoolOp(self, node, scope):
        """``a and b``: an unknown comparison (``False`` or ``True``) followed by a ``False`` is
        ``False`` either way (``channels == filters and stride == 1`` with ``stride`` 2); the
        operands after an unknown one are evaluated only when that has no effect."""
        is_and = isinstance(node.op, ast.And)
        result = None
        undecided = False
        for value_node in node.values:
            if undecided and not _effect_free(value_node):
                return UNKNOWN
            value = self.eval(value_node, scope)
            t = self.truth(value)
            if t is UNKNOWN:
                if not _bool_valued(value_node):
                    return UNKNOWN
                undecided = True
                continue
            result = value
            if is_and and not t:
                return value if not undecided or value is False else UNKNOWN
            if not is_and and t:
                return value if not undecided or value is True else UNKNOWN
        return UNKNOWN if undecided else result

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
        known = npvalues.scalar_binop(op, left, right)
        if known is not None:
            return known
        if isinstance(left, SymTensor) or isinstance(right, SymTensor):
            known = npvalues.array_binop(op, left, right)
            if known is not None:
                return known
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
            if isinstance(op, (ast.Is, ast.IsNot)):     # identity, never element-wise, even on tensors
                same = identical(left, right)
                if same is UNKNOWN:
                    return UNKNOWN
                result = same if isinstance(op, ast.Is) else not same
            elif isinstance(left, SymTensor) or isinstance(right, SymTensor):
                return op_calls.compare(self, op, left, right, node, len(node.ops))
            elif left is UNKNOWN or right is UNKNOWN:
                return UNKNOWN
            elif isinstance(left, (KerasRef, UserClass)) and _class_comparison(op, right) \
                    and (same := same_class(left, right)) is not None:
                # ``type(layer) in [layers.Conv2D, layers.MaxPooling2D]``
                if same is UNKNOWN:
                    return UNKNOWN
                result = same if isinstance(op, (ast.Eq, ast.In)) else not same
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
        if npvalues.valued(obj):
            known = npvalues.item(obj, key)
            if known is not None:
                return known
        if isinstance(obj, SymTensor) and obj.constant:   # indexing a concrete array: no op
            return arrays.constant(_getitem_shape(obj.shape, key))
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
        if isinstance(obj, dict) and hashable(key):
            return obj.get(key, UNKNOWN)
        if isinstance(obj, ModelObj) or isinstance(obj, Instance):
            return UNKNOWN
        return UNKNOWN

    def tensor_getitem(self, tensor: SymTensor, key, node):
        """``x[:, 0]``: Keras records a ``GetItem`` op; its shape is worked out for ints, slices,
        ``None`` and ``...``."""
        op = UnknownOp(self.op_name("get_item", [tensor]), "GetItem", node)
        op.param_count = lambda: calls.NO_PARAMS   # type: ignore[method-assign]  # this row alone has no weights
        shape = _getitem_shape(tensor.shape, key)
        return calls.attach_call(self.rec, op, [tensor], shape, node, kind="layer")

    def expr_Attribute(self, node, scope):
        obj = self.eval(node.value, scope)
        return self.get_attribute(obj, node.attr, node)

    def get_attribute(self, obj, attr: str, node=None):
        if isinstance(obj, KerasRef):
            ref = obj.attribute(attr)
            return MATH_CONSTANTS.get(ref.path, ref)
        if isinstance(obj, SuperProxy):
            return self.super_attribute(obj, attr)
        if isinstance(obj, Scope):
            return obj.vars.get(attr, UNKNOWN)
        if isinstance(obj, SymTensor):
            if attr == "shape":
                return obj.shape if isinstance(obj.shape, tuple) else UNKNOWN
            if attr == "ndim":
                return len(obj.shape) if isinstance(obj.shape, tuple) else UNKNOWN
            if obj.constant:                # a concrete array: ``x.T``, ``x.reshape(...)``
                if attr not in ("size", "dtype"):
                    self.steps += npvalues.forget(obj)  # a view or a method that may change the items
                found = arrays.array_attribute(obj, attr)
                return BuiltinMethod(obj, attr) if found is MISSING else found
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
        if npvalues.valued(value):
            return npvalues.items(value)
        return None

    def comprehension(self, node, scope, produce):
        inner = Scope(scope, scope.module)
        results = []
        mark = self.rec.call_mark()
        complete = self._comp(node, 0, inner, produce, results, self.steps)
        if complete:
            return results
        self.rec.runs_cut_short(mark)       # the sites it called may run more often than counted
        return UNKNOWN

    def _comp(self, node, index, scope, produce, results, start: int) -> bool:
        generators = node.generators
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
            if self.loop_is_quiet(start):     # its value is ``?``; what its calls change too
                self.rec.limit(node, f"analysis stopped: comprehension stopped after {len(results):,} "
                                     "items that built no layer and gave no new result (its value and "
                                     "what it changes are unknown)")
                forget_touched(node, scope)
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
            if ok and not self._comp(node, index + 1, scope, produce, results, start):
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
        if pairs is UNKNOWN or not all(hashable(k) for k, _ in pairs):
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
        if "*" in left or WIDE_FORMAT.search(left):
            return False                    # a field width could ask for gigabytes
        return len(left) < 10_000
    return True


def _bounded(r: range):
    for i, item in enumerate(r):
        if i > MAX_LOOP:
            break
        yield item


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


def _bool_valued(node: ast.AST) -> bool:
    """Whether ``node``'s value is ``True`` or ``False`` whatever it is (a comparison, ``not``)."""
    if isinstance(node, ast.Compare) or (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)):
        return True
    return isinstance(node, ast.BoolOp) and all(_bool_valued(v) for v in node.values)


_EFFECTS = (ast.Call, ast.NamedExpr, ast.Await, ast.Yield, ast.YieldFrom, ast.Lambda, ast.ListComp,
            ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.Attribute)


def _effect_free(node: ast.AST) -> bool:
    """Whether evaluating ``node`` can run no code of the user's (no call, no attribute: a property)."""
    return not any(isinstance(n, _EFFECTS) for n in ast.walk(node))
