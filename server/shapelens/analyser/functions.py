"""Calls in the abstract interpreter: evaluating a call expression, dispatching it by what is
called (Keras API, layer, model, the user's function, class or instance, a built-in method),
and running the user's own functions and classes with their real arguments (``super()`` too)."""

from __future__ import annotations

import ast

from ..engine.layer import to_snake_case
from ..engine.shape import UNKNOWN
from . import calls, npvalues
from .budget import built_unseen, effects, is_generator, reached_functions
from .control import CALL_COST, LAYER_COST, MAX_DEPTH, Break, Continue, MaybeReturns, Return, Scope, Stop
from .interpreter_base import InterpreterBase
from .keras_api import classify
from .models import ModelObj, SubclassModel
from .pybuiltins import BUILTINS
from .typechecks import TYPE_CHECKS
from .user_layers import builtin_layer_parent
from .values import (
    MISSING,
    BoundMethod,
    BuiltinMethod,
    Instance,
    KerasRef,
    LayerObj,
    Operation,
    Partial,
    SuperProxy,
    SymTensor,
    UnknownOp,
    UserClass,
    UserFunction,
    UserLayerObj,
    tensor_structure,
)

# Python built-ins that never change an array given to them.
_READ_ONLY = frozenset((
    "len print isinstance issubclass type int float str repr bool list tuple sorted max min sum "
    "enumerate zip reversed range abs round any all hasattr getattr id hash"
).split())


class FunctionsMixin(InterpreterBase):
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

    def callbacks_may_run(self, arguments: list, callables: list) -> None:
        """A callable the analysis does not follow (``strategy.run(train_step, args=...)``,
        ``tf.function(step)``, ``map(step, batches)``) is given the user's function: it may call
        it, and so build the models that function calls, on data not seen here.  Every model
        still unbuilt among those the function (or a function it reaches) reads, and among the
        arguments, gets ``?`` rows and totals, never "0 (unbuilt)" (``budget.built_unseen``)."""
        values = list(arguments) + [c.receiver for c in arguments if isinstance(c, BoundMethod)]
        for fn in callables:
            reached = reached_functions(fn.node, fn.closure)
            if reached is None:          # too many to follow: any model of the module
                values.extend(self.module_scope.vars.values())
                continue
            for function in [fn, *reached]:
                values.extend(function.closure.lookup(name) for name in effects(function.node).loads)
        built_unseen(values)

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
        if attr in ("build", "call", "compute_output_shape") and isinstance(proxy.instance, Instance) \
                and isinstance(proxy.instance.keras_object, UserLayerObj):
            return BuiltinMethod(proxy.instance, "super-" + attr)
        return UNKNOWN

    def call_unknown(self, func, node):
        return UNKNOWN

    def call(self, func, positional, keywords, node):
        if isinstance(func, Partial):
            return self.call(func.func, [*func.args, *positional], {**func.keywords, **keywords}, node)
        arguments = [*positional, *keywords.values()]
        callables = _user_callables(arguments) if arguments and _unfollowed(func) else []
        if callables:
            self.callbacks_may_run(arguments, callables)
        if not isinstance(func, (UserFunction, BoundMethod, UserClass)) and not (
                isinstance(func, BuiltinMethod) and func.receiver is None and func.name in _READ_ONLY):
            self.steps += npvalues.forget_arguments(positional, keywords)   # a call we don't follow may change arrays
        if isinstance(func, KerasRef) and func.path.startswith("keras."):
            positional = [npvalues.keras_argument(v) for v in positional]
            keywords = {k: npvalues.keras_argument(v) for k, v in keywords.items()}
        if isinstance(func, (KerasRef, Operation)):
            self.steps += LAYER_COST
        elif isinstance(func, (UserFunction, BoundMethod, UserClass, Instance)):
            self.steps += CALL_COST
        if isinstance(func, KerasRef):
            return self.call_keras(func.path, positional, keywords, node)
        if isinstance(func, UserLayerObj):
            return self.call_user_layer(func.instance, positional, keywords, node)
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
            if func.function.qualname.endswith(".build") and isinstance(func.receiver, Instance):
                return self.explicit_build(func, positional, keywords, node)
            return self.invoke(func.function, [func.receiver] + positional, keywords, node)
        if isinstance(func, UserClass):
            return self.instantiate(func, positional, keywords, node)
        if isinstance(func, Instance):
            if func.keras_object is not None and not (calls.tensors_in(positional) or calls.tensors_in(keywords)):
                self.rec.uncertain += 1   # on values not known to be tensors: Keras may stop before build
                try:
                    return self.call_subclass(func, positional, keywords, node)
                finally:
                    self.rec.uncertain -= 1
            if func.keras_object is not None:
                return self.call_subclass(func, positional, keywords, node)
            method = func.cls.lookup("__call__")
            if isinstance(method, UserFunction):
                return self.invoke(method, [func] + positional, keywords, node)
            return UNKNOWN
        if isinstance(func, BuiltinMethod):
            return self.call_builtin(func, positional, keywords, node)
        return UNKNOWN

    def _branching_recursion(self, fn: UserFunction) -> bool:
        """Whether calling ``fn`` now recurses from inside a branch that may not run, begun
        within ``fn``'s own call (a recursive walker branching on unknown values).  A recursion
        inside a branch begun outside it (``if flag: x = tower(x, 3)``) is followed."""
        for index, (caller, _) in enumerate(self.stack):
            if caller.node is fn.node:
                return self.undecided[-1] > index
        return False

    def invoke(self, fn: UserFunction, positional, keywords, node, speculative: bool = False):
        fn.calls += 1
        if not speculative and is_generator(fn.node, None if fn.foreign else self.rec.spans.lines):
            return UNKNOWN          # calling a generator function runs none of its body
        if self.depth >= MAX_DEPTH:
            self.rec.limit(node, f"analysis stopped: call depth bound reached ({MAX_DEPTH} nested calls)")
            self.steps += npvalues.forget([positional, keywords])   # what the body would change is not known
            return UNKNOWN
        if self.undecided and self._branching_recursion(fn):
            # not followed: each level would run both branches again (2 ** depth runs, 40 deep);
            # the branches' merge forgets what they may change, this call included
            self.steps += npvalues.forget([positional, keywords])
            return UNKNOWN
        scope = Scope(fn.closure, fn.closure.module)
        self.bind_parameters(fn, positional, keywords, scope, speculative)
        entering_foreign = fn.foreign and not self.rec.foreign
        if entering_foreign:
            self.rec.foreign += 1
            self.rec.anchor, self.rec.anchor_name = node, getattr(fn.node, "name", "<lambda>")
        self.depth += 1
        self.stack.append((fn, scope))
        returns = MaybeReturns()
        self.returns.append(returns)
        try:
            if isinstance(fn.node, ast.Lambda):
                result = self.eval(fn.node.body, scope)
            else:
                result = None
                try:
                    self.exec_block(fn.node.body, scope)
                except Return as ret:
                    result = ret.value
                except Stop:
                    result = UNKNOWN
                    if returns.values:      # the way to the end raises: it returned earlier
                        result = MISSING
                except (Break, Continue):
                    result = UNKNOWN
        except RecursionError:
            self.rec.limit(node, "analysis stopped: expression nesting too deep")
            result = UNKNOWN
        finally:
            self.depth -= 1
            self.stack.pop()
            self.returns.pop()
            if returns.values:              # the rest of its body ran as code that may not run
                self.rec.uncertain -= 1
                self.rec.branching -= 1
            if entering_foreign:
                self.rec.foreign -= 1
                self.rec.anchor = None
        if returns.values:
            result = self.call_ended(returns, result, scope)
        if fn.custom_gradient:
            result = result[0] if isinstance(result, tuple) and len(result) == 2 else UNKNOWN
        if node is not None and not speculative and self._holds_tensors(result):
            self.rec.record_call(node, calls.CallResult(
                getattr(fn.node, "name", "<lambda>"), "function", calls.output_shapes(tensor_structure(result)),
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

    def instantiate(self, cls: UserClass, positional, keywords, node):
        instance = Instance(cls, site=node)
        base = cls.keras_base()
        parent = builtin_layer_parent(cls) if base is None else None
        if base is not None:   # named by super().__init__ (name= given there, or Keras's default)
            instance.keras_object = SubclassModel(None, cls.name, node, instance, base == "Model")
            instance.keras_object.made_branching = self.rec.branching
        init = cls.lookup("__init__")
        if isinstance(init, UserFunction):
            self.invoke(init, [instance] + positional, dict(keywords), node)
        elif parent is not None:       # no __init__ of its own: the parent's, with these arguments
            self.new_user_layer(instance, parent, positional, keywords, node)
        elif base is not None:         # MyModel(inputs, outputs): a functional model of that class
            self.super_init(instance, positional, keywords, node)
        if isinstance(instance.keras_object, SubclassModel) and instance.keras_object.name is None:
            self.name_subclass(instance.keras_object, {})   # __init__ never reached super().__init__
        return instance

    def name_subclass(self, op: SubclassModel, keywords) -> None:
        """Keras names a layer or model in ``Layer.__init__``: ``name=`` or the class in snake case."""
        given = keywords.get("name")
        op.name = given if isinstance(given, str) else self.rec.unique_name(to_snake_case(op.class_name))


def _unfollowed(func) -> bool:
    """A callable whose body the analysis does not run: an unknown value, a function of a
    module it does not read (``tf.distribute``'s ``strategy.run``, ``tf.function``), a Python
    built-in it does not model (``map``)."""
    if func is UNKNOWN:
        return True
    if isinstance(func, KerasRef):
        return classify(func.path)[0] == "external"
    return isinstance(func, BuiltinMethod) and func.receiver is None and func.name not in BUILTINS \
        and func.name not in TYPE_CHECKS


def _user_callables(values: list, depth: int = 0) -> list:
    """The user's functions among ``values`` (bound methods, partials, inside lists and tuples)."""
    found = []
    for value in values:
        if isinstance(value, Partial):
            found.extend(_user_callables([value.func, *value.args], depth + 1))
        elif isinstance(value, UserFunction):
            found.append(value)
        elif isinstance(value, BoundMethod):
            found.append(value.function)
        elif isinstance(value, (list, tuple)) and depth < 3 and len(value) <= 64:
            found.extend(_user_callables(list(value), depth + 1))
    return found
