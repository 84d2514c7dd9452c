"""The state the interpreter's mixins share, and the methods they call on one another.

``Interpreter`` (``interpreter.py``) is assembled from one mixin per concern (``statements.py``,
``expressions.py``, ``functions.py``, …); each mixin reads the interpreter's state and calls
methods another mixin defines.  ``InterpreterBase`` is their common base: it holds that state
(made in ``__init__``) and declares, for the type checker only, the methods one mixin calls on
another, so each mixin is checked against what the others provide.  At run time it adds nothing
but ``__init__``: the declarations sit under ``TYPE_CHECKING``, and every method is found in the
mixin that defines it.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..engine.shape import Unknown
from .control import MaybeReturns, Scope, step_budgets
from .recorder import Recorder
from .values import UserFunction

IMAGE_DATA_FORMAT = "_<image data format>"    # its module-scope key (see ``image_data_format``)

if TYPE_CHECKING:
    from .models import SubclassModel
    from .values import BoundMethod, BuiltinMethod, Instance, LayerObj, Operation, SuperProxy


class InterpreterBase:
    """The interpreter's state; abstract values are ``object`` (any of ``values.py``'s stand-ins,
    a Python literal, or ``UNKNOWN``)."""

    def __init__(self, recorder: Recorder, module_loader: Callable[[str], str | None] | None = None,
                 depth_of_import: int = 0):
        self.rec = recorder
        self.steps = 0
        # budgets scale with the file's size (an imported module spends its importer's: ``imports.py``)
        self.max_steps, self.stmt_steps = step_budgets(sum(map(len, recorder.spans.lines)))
        self.step_limit = self.max_steps   # the current top-level statement's budget ends here (budget.py)
        # set by the incremental analyser: module-wide reads the loop check used
        self.outside_queries: dict[str, int] | None = None
        self.module_body: list[ast.stmt] | None = None    # the module's statements (for the loop check)
        self.depth = 0
        self.undecided: list[int] = []     # per branch that may not run (``uncertain_branches``)
                                            # under way: the calls under way when it began
        self.module_loader = module_loader
        self.import_depth = depth_of_import
        self.functions: list[UserFunction] = []
        self.module_scope = Scope()
        self.foreign = 0          # > 0 while running code from another file
        self.stack: list[tuple[UserFunction, Scope]] = []     # (function, scope) of the calls under way
        self.returns: list[MaybeReturns] = []     # ... and what each may have returned (statements.py)
        self.escaped = False      # a ``break``/``continue`` that may not run ran in this loop iteration
        self.try_stack: list[tuple[ast.Try, Scope]] = []     # the ``try`` (or ``try``/``except*``) bodies under way
        self.module_name: str | Unknown = "__main__"     # ``__name__``: the analysed file runs as a script

    @property
    def image_data_format(self) -> str | Unknown:
        """Keras's global image data format: its default until the code sets another (``UNKNOWN``
        when set to what we cannot know).  It is held in the module scope, under a name no code
        can spell, so that the incremental analyser tracks it like a module variable: a statement
        that sets it, replayed, sets it again, and the statements that read it run again when it
        changes (finding: a layer edited below ``set_image_data_format("channels_first")`` was
        worked out channels-last)."""
        return self.module_scope.vars.get(IMAGE_DATA_FORMAT, "channels_last")

    @image_data_format.setter
    def image_data_format(self, value: str | Unknown) -> None:
        self.module_scope.vars[IMAGE_DATA_FORMAT] = value

    if TYPE_CHECKING:
        # interpreter.py
        def run_module(self, tree: ast.Module) -> Scope: ...

        # statements.py
        def exec_block(self, stmts: list[ast.stmt], scope: Scope) -> None: ...
        def exec_stmt(self, stmt: ast.stmt, scope: Scope) -> None: ...
        def may_return(self, value: object) -> None: ...
        def call_ended(self, returns: MaybeReturns, result: object, scope: Scope) -> object: ...
        def merged(self, values: list) -> object: ...
        def assign(self, target: ast.expr, value: object, scope: Scope) -> None: ...
        def truth(self, value: object) -> bool | Unknown: ...
        def import_guarded(self, exception: type[BaseException]) -> bool: ...

        # expressions.py
        def eval(self, node: ast.AST | None, scope: Scope) -> object: ...
        def binop(self, op: ast.operator, left: object, right: object, node: ast.AST) -> object: ...
        def iterate(self, value: object) -> Iterable[object] | None: ...

        # functions.py
        def call(self, func: object, positional: list, keywords: dict, node: ast.AST | None) -> object: ...
        def invoke(self, fn: UserFunction, positional: list, keywords: dict, node: ast.AST | None,
                   speculative: bool = False) -> object: ...
        def super_attribute(self, proxy: SuperProxy, attr: str) -> object: ...
        def name_subclass(self, op: SubclassModel, keywords: dict) -> None: ...

        # keras_calls.py and user_layers.py
        def keras_attribute(self, op: Operation, attr: str, receiver: object) -> object: ...
        def op_name(self, snake: str, tensors: object) -> str: ...
        def call_keras(self, path: str, positional: list, keywords: dict, node: ast.AST | None) -> object: ...
        def call_lambda(self, layer: LayerObj, positional: list, keywords: dict, node: ast.AST | None) -> object: ...
        def call_operation(self, op: object, positional: list, keywords: dict, site: ast.AST | None) -> object: ...
        def call_subclass(self, instance: Instance, positional: list, keywords: dict,
                          node: ast.AST | None) -> object: ...
        def super_init(self, instance: Instance, positional: list, keywords: dict, node: ast.AST | None) -> None: ...
        def model_method(self, op: Operation, name: str, positional: list, keywords: dict,
                         node: ast.AST | None, receiver: object) -> object: ...
        def new_user_layer(self, instance: Instance, parent: str, positional: list, keywords: dict,
                           node: ast.AST | None) -> None: ...
        def call_user_layer(self, instance: Instance, positional: list, keywords: dict,
                            node: ast.AST | None) -> object: ...
        def explicit_build(self, method: BoundMethod, positional: list, keywords: dict,
                           node: ast.AST | None) -> object: ...
        def super_layer_method(self, instance: object, name: str, positional: list, keywords: dict,
                               node: ast.AST | None) -> object: ...
        def declared_output_shape(self, instance: Instance, positional: list, keywords: dict) -> object: ...
        def remember_build_output(self, instance: Instance, input_shape: object) -> None: ...

        # builtin_methods.py
        def call_builtin(self, method: BuiltinMethod, positional: list, keywords: dict,
                         node: ast.AST | None) -> object: ...

        # budget.py
        def activity(self) -> int: ...
        def loop_is_inert(self, loop: ast.For | ast.AsyncFor | ast.While, scope: Scope, activity_before: int) -> bool: ...
        def loop_is_quiet(self, start: int) -> bool: ...
