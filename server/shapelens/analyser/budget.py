"""Step budgets per top-level statement, and the static checks that keep loops from spending them.

Each top-level statement gets its own step budget (``STMT_STEPS``) under one global safety net
(``MAX_STEPS``; both grow with the file's size, ``control.step_budgets``): a training loop or a
data-preparation loop that spends its budget ends with an ``analysis-limit`` note at that
statement, and the models after it are still analysed.  What the
interrupted statement may have changed half-way — the names it binds, the objects it mutates
(``model.add`` in a loop), directly or through the user's functions it reaches — becomes ``?``,
so no half-built model or list is reported as if complete.  Calls that leave a model's summary
as it is (``gan.train_on_batch(...)`` on a built model, ``keeps_summary``) change nothing; a
``disc.trainable = ...`` keeps ``disc`` but makes the totals of every model holding it ``?``.

A long loop whose further iterations nothing can observe stops early (``Interpreter.loop_is_inert``
asks after ``INERT_AFTER`` exact iterations): its body calls none of the user's functions or
classes, its last iteration built no layer and recorded no call, and every name it binds or
mutates is ``?`` or is read nowhere outside the loop (nor is a model collected at module level), or
holds a concrete array (NumPy data), which then becomes ``?``.
A loop that builds layers (``for f in [32, 64]: x = layers.Conv2D(f, 3)(x)``) is unrolled exactly.

A loop that others can observe, but that runs ``QUIET_STEPS`` steps without naming a layer or
recording a call that results keep (a simulation, a naive matrix product, data preparation on
literals; a site keeps the results of its first 64 calls), stops there
(``Interpreter.loop_is_quiet``), as a loop stops at its iteration bound: with a note, and what it
binds or mutates becomes ``?``.  Such a loop used to spend the whole statement's budget, and three
of them the file's, so that the models after them were lost.  A loop stopped part-way that may
``return`` leaves its call's result ``?`` and the rest of the call uncertain (``may_return``).
"""

from __future__ import annotations

import ast
import weakref
from collections import Counter

from ..engine.shape import UNKNOWN
from .control import QUIET_STEPS, Scope
from .interpreter_base import InterpreterBase
from .models import FunctionalModel, ModelObj, SequentialModel, SubclassModel
from .values import MISSING, BoundMethod, Instance, LayerObj, Operation, Partial, SymTensor, UserClass, UserFunction

MAX_REACHED = 200            # user functions followed when working out what a statement may change

# methods of Keras models and layers that change nothing the analysis shows
INERT_METHODS = frozenset({
    "fit", "fit_generator", "evaluate", "evaluate_generator", "predict", "predict_generator",
    "predict_on_batch", "train_on_batch", "test_on_batch", "compile", "summary", "save",
    "save_weights", "load_weights", "get_weights", "set_weights", "count_params", "to_json",
    "get_config", "reset_states", "reset_metrics", "get_layer",
})
# Keras model methods that leave what ``model.summary()`` shows as it is, on any model
# (``compile`` changes no count: the trainable split follows ``layer.trainable`` as it is now)
# (``set_weights`` changes values only; ``get_layer`` looks a layer up)
SUMMARY_KEEPING = frozenset({
    "summary", "compile", "save", "save_weights", "get_weights", "set_weights", "count_params", "to_json",
    "get_config", "get_layer",
})
# ... and those that build an unbuilt model on the data they are given (``keras_calls.DATA_BUILDERS``),
# so that they keep only a built one
DATA_BUILDING = frozenset({
    "fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
    "fit_generator", "evaluate_generator", "predict_generator",
})
# methods of Python's dicts, lists and strings that change nothing (on what an instance holds)
READ_ONLY_METHODS = frozenset({"keys", "values", "items", "get", "copy", "count", "index", "startswith",
                               "endswith", "split", "join", "strip", "lower", "upper", "format", "replace"})
TRAINABLE_SET = "trainable="     # the "method" of a root ``name.trainable = ...`` (not an identifier)
_MUTATING_BUILTINS = frozenset({"setattr", "delattr"})
_FRESH_VALUES = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp, ast.Constant, ast.JoinedStr)
_USER_CALLABLE = (UserFunction, BoundMethod, UserClass, Instance, LayerObj, Operation)


class Effects:
    """What a piece of code may change and read, seen from its text alone."""

    __slots__ = ("stores", "roots", "chained", "via_layers", "loads", "callees", "exits", "yields", "params",
                 "declared", "__weakref__")

    def __init__(self, node: ast.AST):
        self.stores: set = set()        # names bound (assigned, deleted, defined, imported, declared global)
        self.roots: list = []           # (name, method or None): names whose object may be mutated
        self.chained: set = set()       # (name, method) of calls on something reached from the name
                                        # (``name.attr.method()``), not on its object
        self.via_layers: set = set()    # ... reached only through ``.layers[i]`` and ``.get_layer(...)``
        self.loads: Counter = Counter()  # names read
        self.callees: list = []         # the ``func`` of every call
        self.exits = False              # return / raise / yield directly inside (not in a nested def)
        self.params: set = set()        # for a function: its parameters
        self.declared: set = set()      # names in ``global`` / ``nonlocal`` statements, nested ones too
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            self.params = {a.arg for a in args.posonlyargs + args.args + args.kwonlyargs}
            self.params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
        self._walk(node)

    def _walk(self, top: ast.AST) -> None:
        # names bound inside a nested function or by a comprehension are local there (but what
        # they read and mutate is not)
        stack = [(top, False)]
        while stack:
            node, nested = stack.pop()
            if isinstance(node, ast.Name):
                if isinstance(node.ctx, ast.Load):
                    self.loads[node.id] += 1
                elif not nested:
                    self.stores.add(node.id)
            elif isinstance(node, (ast.Attribute, ast.Subscript)) and not isinstance(node.ctx, ast.Load):
                direct = (isinstance(node, ast.Attribute) and node.attr == "trainable" and isinstance(node.ctx, ast.Store)
                          and isinstance(node.value, ast.Name))
                self.roots.append((root_name(node), TRAINABLE_SET if direct else None))
            elif isinstance(node, ast.Call):
                self.callees.append(node.func)
                func = node.func
                if isinstance(func, ast.Attribute):
                    pair = (root_name(func.value), func.attr)
                    self.roots.append(pair)
                    if not isinstance(func.value, ast.Name):
                        (self.via_layers if _through_layers(func.value) else self.chained).add(pair)
                elif isinstance(func, ast.Name) and func.id in _MUTATING_BUILTINS:
                    self.roots.extend((root_name(arg), None) for arg in node.args)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node is not top:
                if not nested:
                    self.stores.add(node.name)
            elif isinstance(node, ast.alias) and not nested:
                self.stores.add((node.asname or node.name).split(".")[0])
            elif isinstance(node, (ast.Global, ast.Nonlocal)):
                self.stores.update(node.names)
                self.declared.update(node.names)
            inner = nested or (node is not top and isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)))
            if isinstance(node, ast.comprehension):
                stack.append((node.target, True))
                stack.extend((child, inner) for child in (node.iter, *node.ifs))
            elif isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
                stack.extend((child, True) for child in ast.iter_child_nodes(node))
            else:
                stack.extend((child, inner) for child in ast.iter_child_nodes(node))
        self.exits = _exits(top, (ast.Return, ast.Raise, ast.Yield, ast.YieldFrom, ast.Await))
        self.yields = _exits(top, (ast.Yield, ast.YieldFrom))


def _exits(top: ast.AST, kinds) -> bool:
    """Whether a node of ``kinds`` is in ``top``, outside nested functions and classes."""
    stack = list(ast.iter_child_nodes(top))
    while stack:
        node = stack.pop()
        if isinstance(node, kinds):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(node))
    return False


def _base(node):
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
        node = node.value
    return node


_LITERALS = (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Dict, ast.Set)


def _inert_method(value, method) -> bool:
    """A Keras model's or layer's method that changes nothing shown (``model.fit``), not one the
    user's own class defines."""
    if method not in INERT_METHODS:
        return False
    if isinstance(value, Instance):
        return value.keras_object is not None and value.cls.lookup(method) is MISSING
    return isinstance(value, (ModelObj, LayerObj))


def is_generator(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda, lines: list[str] | None = None) -> bool:
    """A generator (or ``async``) function: calling it runs none of its body.  ``lines``, the
    source lines the node's positions refer to, if known: without the word ``yield`` in its text
    a function is none (no walk over its body)."""
    if isinstance(node, ast.AsyncFunctionDef):
        return True
    if isinstance(node, ast.Lambda):
        return False
    end = getattr(node, "end_lineno", None)
    if lines is not None and end is not None and 1 <= node.lineno <= end <= len(lines):
        if not any("yield" in line for line in lines[node.lineno - 1:end]):
            return False
    code = _EFFECTS.get(node)       # a full ``Effects`` walk only for this was a fifth of a CLI run
    if code is not None:
        return code.yields
    found = _YIELDS.get(node)
    if found is None:
        found = _YIELDS[node] = _exits(node, (ast.Yield, ast.YieldFrom))
    return found


def root_name(node) -> str | None:
    """``a`` for ``a``, ``a.b.c``, ``a[0].b``, ``a.get_layer("d").b``; None when the chain starts
    elsewhere (another call)."""
    while True:
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
            node = node.value
        elif _is_get_layer(node):
            node = node.func.value
        else:
            return node.id if isinstance(node, ast.Name) else None


def _is_get_layer(node) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_layer"


def _through_layers(node) -> bool:
    """Whether ``node`` is a name followed only by ``.layers[i]`` and ``.get_layer(...)`` steps
    (``gan.layers[1]``, ``m.get_layer("d")``): a layer or a nested model of a model."""
    while True:
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "layers":
            node = node.value.value
        elif _is_get_layer(node):
            node = node.func.value
        else:
            return isinstance(node, ast.Name)


# weak: cached while the syntax tree lives (the server keeps trees across edits)
_EFFECTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_YIELDS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def effects(node: ast.AST) -> Effects:
    found = _EFFECTS.get(node)
    if found is None:
        found = _EFFECTS[node] = Effects(node)
    return found


def module_loads(body) -> Counter:
    """How often each name is read in the module (its top-level statements' texts)."""
    total: Counter = Counter()
    for stmt in body:
        total.update(effects(stmt).loads)
    return total


def mutable(value) -> bool:
    """Values the code could change in place (lists, dicts, Keras objects, instances, arrays
    whose items are known)."""
    return isinstance(value, (list, dict, set, Instance, Operation)) or (
        isinstance(value, SymTensor) and value.values is not None)


def _lookup(scope, name):
    return scope.lookup(name) if name is not None else MISSING


def reached_functions(node: ast.AST, scope, limit: int = MAX_REACHED, cost: list[int] | None = None):
    """The user's functions (their syntax nodes and closures) the code may call, found through
    the names it reads; None when there are too many to follow.  ``cost[0]`` grows by the names
    looked up (the interpreter counts them as steps)."""
    found: dict = {}
    work = [(node, scope)]
    while work:
        code, where = work.pop()
        loads = effects(code).loads
        if cost is not None:
            cost[0] += len(loads)
        for name in loads:
            value = where.lookup(name) if where is not None else MISSING
            for fn in _functions_of(value):
                if id(fn.node) not in found:
                    if len(found) >= limit:
                        return None
                    found[id(fn.node)] = fn
                    work.append((fn.node, fn.closure))
    return list(found.values())


def _functions_of(value):
    while isinstance(value, Partial):
        value = value.func
    if isinstance(value, UserFunction):
        return [value]
    if isinstance(value, BoundMethod):
        return [value.function]
    cls = value.cls if isinstance(value, Instance) else value if isinstance(value, UserClass) else None
    out, seen, work = [], set(), [cls]
    while work:
        cls = work.pop()
        if not isinstance(cls, UserClass) or id(cls) in seen:
            continue
        seen.add(id(cls))
        out.extend(v for v in cls.namespace.values() if isinstance(v, UserFunction))
        work.extend(cls.bases)
    return out


def _keras_model(value):
    """The Keras model a value is (a model, or an instance of the user's ``keras.Model`` subclass)."""
    return value.keras_object if isinstance(value, Instance) else value


def keeps_summary(value, method) -> bool:
    """Whether calling ``method`` on ``value`` leaves what its summary shows as it is: a Keras
    model's own ``summary``, ``save``, ... (not one the user's class defines), and ``predict``,
    ``fit``, ``train_on_batch``, ... on a model already built (on an unbuilt one they build it)."""
    if method not in SUMMARY_KEEPING and method not in DATA_BUILDING:
        return False
    if isinstance(value, Instance) and (value.keras_object is None or value.cls.lookup(method) is not MISSING):
        return False
    model = _keras_model(value)
    if not isinstance(model, ModelObj):
        return False
    if method in SUMMARY_KEEPING:
        return True
    return isinstance(model, FunctionalModel) or (isinstance(model, SequentialModel) and model.outputs is not None)


def touched_names(node: ast.AST, scope, cost: list[int] | None = None) -> tuple[set, set, set]:
    """``(bound, mutated, retrained)``: names the code may have bound, names whose objects it may
    have changed in place, directly or through the user's functions it reaches (every name it
    reads when a reached function mutates one of its parameters), and names of Keras models and
    layers whose only change is ``name.trainable = ...`` (their rows stay, the trainable split of
    every model holding them is unknown).  Calls that leave a model's summary as it is
    (``model.predict(x)`` on a built model, ``keeps_summary``) change nothing.  Used to forget
    what an interrupted statement or loop left half-done.  ``cost[0]`` grows by the names looked
    up."""
    code = effects(node)
    bound = set(code.stores)
    functions = reached_functions(node, scope, cost=cost)
    if functions is None:       # too much to follow: anything may have changed
        return bound, {name for name, _ in code.roots if name is not None} | set(scope.module.vars), set()
    roots = [(name, method, _reach(code, name, method), scope) for name, method in code.roots]
    passes_objects = False
    retrains_aliases = False        # ``layer.trainable = ...`` on a local that may alias anything
    param_methods: set = set()      # methods called on a parameter of a reached function
    param_layer_methods: set = set()    # ... on its layers (``g.layers[0].set_weights(w)``)
    loaded = set(code.loads).union(*(effects(fn.node).loads for fn in functions))
    for fn in functions:
        body = effects(fn.node)
        declared = body.declared
        local = (body.stores | body.params) - declared
        bound |= declared
        receiver = _receiver(fn, loaded)
        for name, method in body.roots:
            reach = _reach(body, name, method)
            if name == receiver and (reach == "direct" or method in READ_ONLY_METHODS):
                # a method changing its own instance (``self.x = ...``, ``self.fit(...)``): a change
                # of the instance it is called on; ``self.index.values()`` changes nothing
                continue
            if name in body.params:
                if reach == "layers" and method in SUMMARY_KEEPING:
                    param_layer_methods.add(method)
                elif reach != "direct" or method is None or method == TRAINABLE_SET or (
                        method not in SUMMARY_KEEPING and method not in DATA_BUILDING):
                    passes_objects = True
                else:
                    param_methods.add(method)
            elif name is not None and name not in local:
                roots.append((name, method, reach, fn.closure))
            elif method == TRAINABLE_SET and not _fresh(name, fn.node):
                # ``for layer in m.layers: layer.trainable = flag``: any Keras object it reads
                retrains_aliases = True
    mutated: set = set()
    retrained: set = set()
    if cost is not None:
        cost[0] += len(roots)
    for name, method, reach, where in roots:
        if name is None:
            continue
        value = _value_of(name, scope, where)
        if reach == "direct" and keeps_summary(value, method):
            continue
        if reach == "layers" and keeps_through_layers(value, method):
            continue
        chained = reach != "direct"
        if method == TRAINABLE_SET and not chained and isinstance(_keras_model(value), (ModelObj, LayerObj)):
            retrained.add(name)
        else:
            mutated.add(name)
    if passes_objects or param_methods or param_layer_methods or retrains_aliases:
        for code_node in [node] + [fn.node for fn in functions]:
            code_effects = effects(code_node)
            # a reached function's own variables hold only what its callers passed it or what it
            # read from outside: those names are here already (a local ``m`` is not the module's)
            own = set() if code_node is node else (
                (code_effects.stores | code_effects.params) - code_effects.declared - _read_outside(code_node))
            for name in code_effects.loads:
                if name in own:
                    continue
                value = _value_of(name, scope, None)
                if passes_objects or not all(keeps_summary(value, method) for method in param_methods) or not all(
                        keeps_through_layers(value, method) for method in param_layer_methods):
                    mutated.add(name)
                elif retrains_aliases and _keras_objects(value):
                    retrained.add(name)
    return bound, mutated, retrained - mutated


def _read_outside(fn_node) -> set:
    """The names a function's definition reads where it is defined: its defaults, decorators and
    annotations (``def step(x, m=m)`` reads the module's ``m``)."""
    args = fn_node.args
    parts = [*args.defaults, *(d for d in args.kw_defaults if d is not None), *getattr(fn_node, "decorator_list", ()),
             getattr(fn_node, "returns", None),
             *(a.annotation for a in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg)
               if a is not None)]
    return {n.id for part in parts if part is not None for n in ast.walk(part) if isinstance(n, ast.Name)}


def _receiver(fn: UserFunction, loaded: set) -> str | None:
    """The instance parameter (``self``) of a method that can only be called on an instance
    (``obj.method()``, which counts as a change of ``obj`` where it is called): None for a
    function, a static or class method, or when the code names the class (``Cls.method(obj)``
    passes any object as ``self``)."""
    if fn.owner is None or not isinstance(fn.node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    if fn.owner.name in loaded or any(isinstance(d, ast.Name) and d.id in ("staticmethod", "classmethod")
                                      for d in fn.node.decorator_list):
        return None
    params = fn.node.args.posonlyargs + fn.node.args.args
    return params[0].arg if params else None


def _reach(code: Effects, name, method) -> str:
    """How the code reaches the object ``method`` is called on from ``name``: ``"direct"`` (its
    own object), ``"layers"`` (only through ``.layers[i]`` / ``.get_layer(...)``) or ``"chained"``
    (through anything else, somewhere)."""
    pair = (name, method)
    if pair in code.chained:
        return "chained"
    return "layers" if pair in code.via_layers else "direct"


def keeps_through_layers(value, method) -> bool:
    """Whether ``value.layers[i].method(...)`` / ``value.get_layer(n).method(...)`` leaves every
    summary as it is: ``method`` keeps any Keras model's and layer's summary (``set_weights``), and
    neither the model nor any layer or model inside it, at any depth, is the user's class defining
    ``method``, ``layers`` or ``get_layer`` (a call on the model itself is checked too)."""
    return method in SUMMARY_KEEPING and keeps_summary(value, method) and _keras_layers_only(value, method)


def _keras_layers_only(value, method) -> bool:
    """Whether no model or layer reachable from ``value`` through ``.layers[i]`` and
    ``.get_layer(...)`` is the user's class defining ``method``, ``layers`` or ``get_layer``."""
    model = _keras_model(value)
    for op in [model] + descendants([model]):
        instance = getattr(op, "instance", None)
        if isinstance(instance, Instance) and any(
                instance.cls.lookup(name) is not MISSING for name in (method, "layers", "get_layer")):
            return False
    return True


def descendants(ops) -> list:
    """The layers and models the models among ``ops`` hold, at any depth."""
    found: list = []
    seen = {id(op) for op in ops}
    stack = [op for op in ops if isinstance(op, ModelObj)]
    while stack:
        for op in stack.pop().sublayers():
            if id(op) not in seen:
                seen.add(id(op))
                found.append(op)
                if isinstance(op, ModelObj):
                    stack.append(op)
    return found


def _fresh(name: str, function: ast.AST) -> bool:
    """Whether every binding of the local ``name`` in ``function`` makes a new object (a literal or
    a comprehension), so that it cannot alias an object from outside."""
    stores = fresh = 0
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            stores += 1
        elif isinstance(node, ast.Assign) and isinstance(node.value, _FRESH_VALUES):
            fresh += sum(isinstance(target, ast.Name) and target.id == name for target in node.targets)
    return stores == fresh


def _keras_objects(value) -> list:
    """The Keras models and layers a value is or holds directly (a model, a list of layers)."""
    items = value if isinstance(value, (list, tuple)) else [value]
    return [op for op in map(_keras_model, items) if isinstance(op, Operation)]


def _value_of(name, scope, where):
    value = scope.lookup(name)
    if value is MISSING and where is not None:
        value = where.lookup(name)
    return value


def forget_touched(node: ast.AST, scope) -> None:
    """Make ``?`` what the interrupted ``node`` may have left half-done (``touched_names``)."""
    bound, mutated, retrained = touched_names(node, scope)
    forget(bound, mutated, scope, retrained)


def forget(bound, mutated, scope, retrained=()) -> None:
    """Make the names ``?``: bound ones where the code binds them, mutated ones (holding a mutable
    object) where they live, and every module-level name holding one of those objects.  A Keras
    model or layer among those objects makes the totals of every module-level model holding it
    ``?`` (its layers are still there); one among ``retrained`` (its ``trainable`` changed) makes
    their trainable / non-trainable split ``?``."""
    objects = {}
    for name in bound:
        where = scope.module if name in scope.globals_ else scope
        value = where.vars.get(name, MISSING)
        if value is not MISSING:
            if mutable(value):
                objects[id(value)] = value
            where.vars[name] = UNKNOWN
    for name in mutated:
        where = scope
        while where is not None and name not in where.vars:
            where = where.parent
        if where is not None and mutable(where.vars[name]):
            objects[id(where.vars[name])] = where.vars[name]
            where.vars[name] = UNKNOWN
    # what a model changed in place holds, at any depth, may have changed with it
    # (``outer.layers[0].add(...)``): forgotten too
    inside = {id(op) for op in descendants([_keras_model(value) for value in objects.values()])}
    if objects or inside:
        module = scope.module.vars
        for name, value in list(module.items()):
            if id(value) in objects or id(_keras_model(value)) in inside:
                module[name] = UNKNOWN
    changed = [op for op in map(_keras_model, objects.values()) if isinstance(op, Operation)]
    if changed:
        _mark_holders(changed + descendants(changed), scope, "complete")
    # ``outer.trainable = False`` freezes every layer inside: the split of what holds them is
    # unknown, their weights (rows, totals) are not
    retrained_ops = [op for name in retrained for op in _keras_objects(scope.lookup(name))]
    if retrained_ops:
        _mark_holders(retrained_ops + descendants(retrained_ops), scope, "split_known")


def built_unseen(values: list) -> None:
    """Code the analysis does not see may build these models on data it does not see (a
    training step run by ``strategy.run``): each one still unbuilt (among ``values``, in lists,
    tuples and the attributes of the user's instances) shows ``?`` rows and totals, never
    "0 (unbuilt)"."""
    from .keras_calls import built_on_unknown_data, unbuilt_become_unknown

    stack, seen = list(values), set()
    while stack:
        value = stack.pop()
        if id(value) in seen:
            continue
        seen.add(id(value))
        if isinstance(value, (list, tuple)) and len(value) <= 256:
            stack.extend(value)
            continue
        if isinstance(value, Instance) and value.keras_object is None:
            stack.extend(value.attrs.values())      # ``self.model`` of the user's trainer class
            continue
        model = _keras_model(value)
        if isinstance(model, SequentialModel) and model.outputs is None:
            unbuilt_become_unknown([model])
        elif isinstance(model, SubclassModel) and model.inputs is None:
            built_on_unknown_data(model)


def _mark_holders(changed: list, scope, flag: str) -> None:
    """Every model among ``changed``, and every module-level model holding one of them (at any
    depth), gets ``flag`` (``complete``: its totals are ``?``; ``split_known``: its trainable /
    non-trainable split is ``?``) set to False."""
    targets = {id(op) for op in changed}
    for op in changed:
        if isinstance(op, ModelObj):
            setattr(op, flag, False)
    for value in list(scope.module.vars.values()):
        model = _keras_model(value)
        if isinstance(model, ModelObj) and getattr(model, flag) and any(
                id(op) in targets for op in descendants([model])):
            setattr(model, flag, False)


class BudgetMixin(InterpreterBase):
    """The interpreter's side: statement budgets and the inert-loop check."""

    news_seen = -1           # ``Recorder.news`` when a loop last looked (``loop_is_quiet``)
    quiet_since = 0          # the steps when it last changed

    def begin_statement(self) -> None:
        """A fresh budget for the next top-level statement (never past the global cap)."""
        self.step_limit = min(self.steps + self.stmt_steps, self.max_steps)
        self.rec.calls_here = {}
        self.news_seen, self.quiet_since = self.rec.news, self.steps    # (``loop_is_quiet``)

    def statement_limit(self, stmt: ast.stmt, scope) -> bool:
        """The statement spent its budget: forget what it may have half-changed and note it.
        True when the analysis goes on with the next statement (the global cap is not reached)."""
        forget_touched(stmt, scope)
        if self.step_limit >= self.max_steps:
            self.rec.limit(stmt, "analysis stopped: step budget reached (the rest of the file is not analysed)")
            return False
        self.rec.limit(stmt, "analysis stopped: step budget of this statement reached (what it changes is "
                             "unknown; the next statements are analysed)")
        return True

    def activity(self) -> int:
        """Layers named and calls recorded so far (what a loop iteration may add)."""
        return self.rec.activity

    def loop_is_inert(self, loop: ast.For | ast.AsyncFor | ast.While, scope, activity_before: int) -> bool:
        """Whether the loop's further iterations can change nothing anyone sees (see the module
        docstring); ``activity_before`` is ``activity()`` before the last iteration ran."""
        if loop.orelse or self.rec.activity != activity_before or self.foreign:
            return False
        body = getattr(self, "module_body", None)
        if body is None or scope.module is not self.module_scope:
            return False
        code = effects(loop)
        if code.exits:
            return False
        for func in code.callees:
            name = root_name(func)
            if name is None:
                if not isinstance(func, ast.Attribute) or not isinstance(_base(func), _LITERALS):
                    return False        # calls whatever a call or a lambda gives
                continue
            value = scope.lookup(name)
            if isinstance(value, Scope) or (isinstance(func, ast.Name) and isinstance(value, _USER_CALLABLE)):
                return False
            if isinstance(value, (Instance, UserClass)) and not (
                    isinstance(func, ast.Attribute) and func.value is not None
                    and isinstance(func.value, ast.Name) and _inert_method(value, func.attr)):
                return False
        for name in code.loads:
            if isinstance(scope.lookup(name), (UserFunction, BoundMethod, UserClass)):
                return False
        arrays = []
        for name in code.stores:
            value = scope.lookup(name)
            if isinstance(value, SymTensor) and value.constant and name in scope.vars:
                arrays.append(name)     # a concrete array: forgotten below, never stale
            elif not self._unobserved(name, value, code, scope):
                return False
        for name, method in code.roots:
            value = scope.lookup(name) if name is not None else MISSING
            if not mutable(value) or (_inert_method(value, method) and (
                    _reach(code, name, method) != "layers" or _keras_layers_only(value, method))):
                continue
            if name in code.stores or not self._unobserved(name, value, code, scope):
                return False            # (a loop variable may alias an object living outside)
        for name in arrays:             # its value after further iterations is not known
            scope.vars[name] = UNKNOWN
        return True

    def loop_is_quiet(self, start: int) -> bool:
        """Whether a loop begun at ``start`` (its steps then) has run ``QUIET_STEPS`` steps since,
        and since a layer was last named or a call recorded that results keep (``Recorder.news``,
        as the checks of every loop see it: an outer loop counts from the news its inner loops saw
        last), and may stop part-way (see the module docstring)."""
        news = self.rec.news
        if news != self.news_seen:
            self.news_seen, self.quiet_since = news, self.steps
            return False
        return self.steps - max(start, self.quiet_since) >= QUIET_STEPS

    def _unobserved(self, name, value, code: Effects, scope) -> bool:
        """Whether a further change of ``name`` inside the loop could be seen by no one: it is
        ``?`` already, or read nowhere outside the loop and not a module-level model."""
        if value is MISSING or value is UNKNOWN:
            return True
        if scope.module.vars.get(name, MISSING) is value and isinstance(value, (ModelObj, Instance)):
            return False                # collected as a model at the end
        loads = self.module_loads()
        if self.outside_queries is not None:
            self.outside_queries[name] = loads[name]
        return loads[name] - code.loads[name] <= 0

    def module_loads(self) -> Counter:
        loads = getattr(self, "_module_loads", None)
        if loads is None:
            loads = self._module_loads = module_loads(self.module_body)
        return loads
