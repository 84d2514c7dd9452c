"""The base class every layer rule derives from, the parameter count, and the rule registry.

A rule mirrors a Keras layer class: constructed once with the user's arguments (``self.args``),
then called on input shapes.  Authors override Keras's own hooks:

* ``compute_output_shape(input_shape, why)`` — like ``keras.layers.Layer.compute_output_shape``;
* ``count_params(input_shape, why)`` — the weights ``build(input_shape)`` would create;
* ``call(call_args, why)`` — only for layers whose call takes more than one ``inputs``
  argument (attention's query/value/key, an RNN's ``initial_state``).

``why`` is a ``Derivation`` the rule records its formulas into.  Rules raise ``ShapeError`` only
when Keras would certainly raise; on anything unknown they return ``UNKNOWN`` dims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable, ClassVar, TypeVar

from . import memo
from .args import Args, bind, parse_signature
from .derivation import Derivation
from .errors import ShapeError
from .shape import UNKNOWN, Dim, Shape, Shapes, dim_op


@dataclass(frozen=True)
class ParamCount:
    """Weights a layer owns; ``UNKNOWN`` where a count depends on an unknown value.  ``whole`` is
    the total when only the split is unknown (a ``trainable`` flag the analysis lost track of)."""

    trainable: Dim = 0
    non_trainable: Dim = 0
    whole: Dim | None = None

    @property
    def total(self) -> Dim:
        if self.whole is not None:
            return self.whole
        return dim_op(lambda a, b: a + b, self.trainable, self.non_trainable)

    def __add__(self, other: "ParamCount") -> "ParamCount":
        a, b, c, d = self.trainable, other.trainable, self.non_trainable, other.non_trainable
        if type(a) is int and type(b) is int and type(c) is int and type(d) is int:
            return ParamCount(a + b, c + d)
        whole = None
        if self.whole is not None or other.whole is not None:
            whole = dim_op(lambda a, b: a + b, self.total, other.total)
        return ParamCount(
            dim_op(lambda a, b: a + b, self.trainable, other.trainable),
            dim_op(lambda a, b: a + b, self.non_trainable, other.non_trainable),
            whole,
        )

    def frozen(self) -> "ParamCount":
        """The same weights once ``layer.trainable = False``."""
        return ParamCount(0, self.total)

    def split_unknown(self) -> "ParamCount":
        """The same weights, with the trainable / non-trainable split unknown."""
        return ParamCount(UNKNOWN, UNKNOWN, self.total)


NO_PARAMS = ParamCount(0, 0)
UNKNOWN_PARAMS = ParamCount(UNKNOWN, UNKNOWN)


@dataclass
class Applied:
    """The result of calling a layer once: its output(s), and the derivation of this call."""

    output: Shapes                 # a shape, a list/tuple of shapes, or UNKNOWN
    derivation: Derivation = field(default_factory=Derivation)
    key: Any = None                # the memo's key of this first call (None: not keyable), which
                                   # decides everything the call's MACs depend on too


@lru_cache(maxsize=1024)
def to_snake_case(name: str) -> str:
    """Keras's own rule for default layer names (keras.src.utils.naming.to_snake_case)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()
    return name


# The keyword arguments ``keras.layers.Layer.__init__`` takes (``input_dim`` and ``input_shape``
# popped from its ``**kwargs``); any other one left in ``**kwargs`` raises "Unrecognized keyword
# arguments" (Keras 2's ``batch_input_shape``, ``batch_size``, ``input_length``, ``time_major``, ...).
LAYER_KWARGS = frozenset({"activity_regularizer", "trainable", "dtype", "autocast", "name", "input_dim",
                          "input_shape"})


def _shown(value: object) -> str:
    """A keyword's value as Keras's message prints it (``repr``), ``?`` where it is not known."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        items = ", ".join(_shown(v) for v in value)
        return f"[{items}]" if isinstance(value, list) else f"({items}{',' if len(value) == 1 else ''})"
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return "{" + ", ".join(f"{k!r}: {_shown(v)}" for k, v in value.items()) + "}"
    return "?"


def passes(init: str, *names: str, positional: bool = False) -> dict[str, str]:
    """``fixed_kwargs`` for parameters a Keras class passes to ``init`` itself, with Python's
    message for a second value given through ``**kwargs`` (``init`` named as Python names it:
    qualified by module for a keyword, by class for a positional argument)."""
    kind = "argument" if positional else "keyword argument"
    return {name: f"{init}() got multiple values for {kind} '{name}'" for name in names}


class Layer:
    """Static stand-in for one ``keras.layers.Layer`` instance."""

    keras_name: ClassVar[str] = "Layer"
    signature: ClassVar[str] = "**kwargs"
    call_signature: ClassVar[str] = "inputs, *, training=None, mask=None"
    # keywords the Keras class or an intermediate base (BaseConv, RNN, ...) takes through
    # ``**kwargs`` besides ``LAYER_KWARGS`` (``kwargs.pop("implementation")``, a base's own parameter)
    passed_kwargs: ClassVar[frozenset[str]] = frozenset()
    # parameters of a base ``__init__`` that the Keras class passes itself (``rank=2``): given again
    # through ``**kwargs`` they are Python's "got multiple values" (keyword -> message, ``passes``)
    fixed_kwargs: ClassVar[dict[str, str]] = {}
    ignores_kwargs: ClassVar[bool] = False      # the Keras class drops its **kwargs (InputLayer)
    made_from: Any = None       # the memo's key of the arguments this layer was made with

    def __init__(self, args: Args, name: str | None = None) -> None:
        self.args = args
        self.name = name or to_snake_case(self.keras_name)
        self.weights: ParamCount | None = None     # set when first built
        self.built_input_shape: Any = None
        trainable = args.extra.get("trainable", True)
        self.trainable = trainable is not False
        self.check_keywords()
        self.validate()

    def __repr__(self) -> str:
        return f"<{self.keras_name} name={self.name}>"   # stable: messages never show addresses

    @classmethod
    def accepted_keywords(cls) -> frozenset[str]:
        """Every keyword argument the Keras class's constructor accepts."""
        sig = parse_signature(cls.signature)
        names = frozenset(sig.names + sig.keyword_only)
        if not sig.var_keyword:
            return names
        return (names | LAYER_KWARGS | cls.passed_kwargs) - cls.fixed_kwargs.keys()

    def check_keywords(self) -> None:
        """Raise as Keras does for keywords its constructor does not accept: Python's ``TypeError``
        when the class has no ``**kwargs`` or passes that base parameter itself, else
        ``Layer.__init__``'s ``ValueError`` with every keyword left over."""
        extra = self.args.extra
        if not extra or self.ignores_kwargs:
            return
        if not parse_signature(self.signature).var_keyword:
            name = next(iter(extra))
            raise ShapeError("invalid-argument",
                             f"{self.keras_name}.__init__() got an unexpected keyword argument '{name}'")
        for name in extra:
            if name in self.fixed_kwargs:
                raise ShapeError("invalid-argument", self.fixed_kwargs[name])
        accepted = LAYER_KWARGS | self.passed_kwargs
        unknown = {k: v for k, v in extra.items() if k not in accepted}
        if unknown:
            shown = ", ".join(f"{k!r}: {_shown(v)}" for k, v in unknown.items())
            raise ShapeError("invalid-argument",
                             f"Unrecognized keyword arguments passed to {self.keras_name}: {{{shown}}}")

    # ---- hooks for rule authors -------------------------------------------------------------
    def validate(self) -> None:
        """Check constructor arguments (raise ``ShapeError('invalid-argument', ...)``)."""

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        return input_shape

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        return NO_PARAMS

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        """Default: one ``inputs`` argument; builds on first call, then computes the shape."""
        input_shape = call_args["inputs"]
        self.maybe_build(input_shape, why)
        return self.compute_output_shape(input_shape, why)

    # ---- machinery ----------------------------------------------------------------------------
    def maybe_build(self, input_shape: Any, why: Derivation) -> None:
        if self.weights is None:
            self.built_input_shape = input_shape
            self.weights = self.count_params(input_shape, why)
            if self.quantized():
                self.weights = UNKNOWN_PARAMS

    def quantized(self) -> bool:
        """A quantized dtype policy (``dtype="int8_from_float32"``) or a ``quantization_config``:
        the weights ``quantized_build`` makes are not counted here, so their number is ``?``."""
        dtype = self.args.peek("dtype")
        config = self.args.peek("quantization_config")
        return (isinstance(dtype, str) and "_from_" in dtype) or config is not None

    def param_count(self) -> ParamCount:
        """What ``model.summary()`` shows for this layer (frozen layers count as non-trainable)."""
        if self.weights is None:
            return NO_PARAMS
        return self.weights if self.trainable else self.weights.frozen()

    def apply(self, positional: list[Any], keywords: dict[str, Any]) -> Applied:
        """Call the layer on shapes (tensor arguments) and literals (everything else)."""
        key = self._call_key(positional, keywords)
        if key is not None:
            replay: memo.Replay | None = memo.CALLED.get(key)
            if replay is not None:
                output, derivation = replay.on(self)
                return Applied(output, derivation, key)
            before = dict(vars(self))
        applied = self._apply(positional, keywords)
        if key is not None:
            memo.Replay.remember(key, before, self, applied.output, applied.derivation)
            applied.key = key
        return applied

    def _call_key(self, positional: list[Any], keywords: dict[str, Any]) -> Any:
        """The memo's key of this first call, or ``None`` when it cannot be replayed."""
        if self.made_from is None or self.weights is not None or self.built_input_shape is not None:
            return None
        try:
            # (``trainable``: a rule may read it, and the user may set it before the first call)
            return (self.made_from, self.trainable, self.args.read_names(), memo.arguments_key(positional, keywords))
        except memo.Unkeyable:
            return None

    def _apply(self, positional: list[Any], keywords: dict[str, Any]) -> Applied:
        why = Derivation()
        try:
            call_args = bind(self.call_signature, positional, keywords, self.keras_name)
        except ShapeError:
            # call signatures vary between layers more than ours say: never an error here
            return Applied(UNKNOWN, why)
        first_call = self.weights is None
        try:
            output = self.call(call_args, why)
        except ShapeError:
            raise
        except (TypeError, ValueError, ArithmeticError, IndexError, KeyError, AttributeError):
            # A value the rule could not use (an UNKNOWN where it needed a number, ...):
            # the honest answer is "?", never a guess and never an error.
            output = UNKNOWN
            if self.weights is None:
                self.weights = UNKNOWN_PARAMS
            why = Derivation()
        if self.weights is None:   # a rule whose ``call`` did not build: called means built
            try:
                self.weights = self.count_params(call_args.get("inputs", UNKNOWN), why)
                if self.quantized():
                    self.weights = UNKNOWN_PARAMS
            except (ShapeError, TypeError, ValueError, ArithmeticError, IndexError, KeyError, AttributeError):
                self.weights = UNKNOWN_PARAMS
        if first_call:
            why.defaults = self.args.defaults_used()
        return Applied(output, why)


# ---- registry ---------------------------------------------------------------------------------

REGISTRY: dict[str, type[Layer]] = {}
L = TypeVar("L", bound=Layer)


def register(*names: str) -> Callable[[type[L]], type[L]]:
    """Class decorator: ``@register("MaxPooling2D", "MaxPool2D")``; the first name is the class
    name Keras prints in summaries, the others are the aliases Keras exports."""

    def wrap(cls: type[L]) -> type[L]:
        cls.keras_name = names[0]
        for n in names:
            if n in REGISTRY:
                raise ValueError(f"layer {n} registered twice")
            REGISTRY[n] = cls
        return cls

    return wrap


def create_layer(class_name: str, positional: list[Any], keywords: dict[str, Any], name: str | None = None) -> Layer:
    """Construct the rule for ``class_name(*positional, **keywords)``.

    Raises ``KeyError`` for a class the engine does not know (callers show ``?``) and
    ``ShapeError`` for arguments Keras would reject.
    """
    cls = REGISTRY[class_name]
    key = None
    if memo.ENABLED:
        try:
            key = (cls, memo.key_of(name), memo.arguments_key(positional, keywords))
        except memo.Unkeyable:
            pass
    made: Layer | None = memo.MADE.get(key) if key is not None else None
    if made is not None:
        return memo.copy_layer(made)
    args = bind(cls.signature, positional, keywords, cls.keras_name)
    given_name = args.peek("name")
    layer = cls(args, name=given_name if isinstance(given_name, str) else name)
    if key is not None and all(memo.shareable(v) for k, v in vars(layer).items() if k != "args"):
        layer.made_from = key
        memo.MADE.put(key, memo.copy_layer(layer))
    return layer

