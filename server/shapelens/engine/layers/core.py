"""Core layers: Input/InputLayer, Dense, EinsumDense, Embedding, Masking, Lambda, Identity
(``keras/src/layers/core/``), and two checks other families share: activation identifiers
and fully-defined weight shapes."""

from __future__ import annotations

import re
from typing import Any, Sequence

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import UNKNOWN_PARAMS, Layer, ParamCount, register
from ..shape import UNKNOWN, Shape, Shapes, dim_product, format_dim, format_shape, is_int
from ..utils import lora_rank, require_axis, require_defined, require_rank

# keras.src.activations.ALL_OBJECTS_DICT: the only strings ``activations.get`` accepts.
ACTIVATION_NAMES = frozenset({
    "celu", "elu", "exponential", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu",
    "hard_swish", "hard_tanh", "leaky_relu", "linear", "log_sigmoid", "log_softmax", "mish",
    "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink", "softmax", "softplus", "softsign",
    "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink",
    "threshold",
})


def require_activation(value: object) -> None:
    """``keras.activations.get``: a string must name a built-in activation (custom objects
    registered by the user are not consulted for strings)."""
    if isinstance(value, str) and value not in ACTIVATION_NAMES:
        raise ShapeError("invalid-argument",
                         f"Could not interpret activation function identifier: {value}")


def require_weight_shape(layer: Layer, shape: Shape, weight: str) -> None:
    """``add_weight`` refuses a shape with a ``None`` dimension (``?`` is fine)."""
    if isinstance(shape, tuple) and any(d is None for d in shape):
        raise ShapeError(
            "undefined-dimension",
            "Shapes used to initialize variables must be fully-defined (no `None` dimensions). "
            f"Received: shape={format_shape(shape)} for variable path='{layer.name}/{weight}'",
        )


def weight_size(shape: tuple[Any, ...]) -> str:
    """``3 · 4 · 16`` for a weight shape (``1`` for a scalar)."""
    return " · ".join(format_dim(d) for d in shape) if shape else "1"


def input_batch_shape(shape: object, batch_size: object = None, batch_shape: object = None) -> Shape:
    """The shape a ``keras.Input(shape=..., batch_size=...)`` tensor has (batch axis first)."""
    if batch_shape is not None and batch_shape is not UNKNOWN:
        if isinstance(batch_shape, (tuple, list)):
            return tuple(batch_shape)
        return UNKNOWN
    if shape is UNKNOWN:
        return UNKNOWN
    if is_int(shape):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        return UNKNOWN
    batch = batch_size if (batch_size is UNKNOWN or is_int(batch_size)) else None
    return (batch,) + tuple(shape)


@register("InputLayer")
class InputLayer(Layer):
    signature = ("shape=None, batch_size=None, dtype=None, sparse=None, ragged=None, "
                 "batch_shape=None, input_tensor=None, optional=False, name=None, **kwargs")
    ignores_kwargs = True       # ``super().__init__(name=name)``: its **kwargs never reach Layer


@register("Dense")
class Dense(Layer):
    signature = ("units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', "
                 "bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, "
                 "activity_regularizer=None, kernel_constraint=None, bias_constraint=None, "
                 "lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs")
    constraint_arg = "kernel_constraint"

    def validate(self) -> None:
        units = self.args["units"]
        if units is not UNKNOWN and (not is_int(units) or units <= 0):
            raise ShapeError(
                "invalid-argument",
                f"Received an invalid value for `units`, expected a positive integer. Received: units={units}",
            )
        if self.args.given("activation"):
            require_activation(self.args["activation"])

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        require_rank(self, shape, min_ndim=2)
        if self.built_input_shape is not None and isinstance(self.built_input_shape, tuple):
            require_axis(self, shape, -1, self.built_input_shape[-1])
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if not isinstance(input_shape, tuple):
            return UNKNOWN
        units = self.args["units"]
        out = input_shape[:-1] + (units,)
        why.step("output", "input_shape[:-1] + (units,)",
                 f"{format_shape(input_shape)}[:-1] + ({units},)", format_shape(out))
        return out

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        rank = lora_rank(self, self.constraint_arg)
        if not isinstance(input_shape, tuple):
            return ParamCount(UNKNOWN, 0) if rank == 0 else UNKNOWN_PARAMS
        in_dim = input_shape[-1]
        require_defined(self, in_dim, "last dimension", input_shape)
        units = self.args["units"]
        use_bias = self.args["use_bias"]
        if in_dim is UNKNOWN or units is UNKNOWN or use_bias is UNKNOWN:
            return ParamCount(UNKNOWN, 0) if rank == 0 else UNKNOWN_PARAMS
        if rank is UNKNOWN:
            return UNKNOWN_PARAMS
        if rank:
            return self._lora_params(in_dim, units, bool(use_bias), rank, why)
        if use_bias:
            total = (in_dim + 1) * units
            why.step("params", "(in_features + 1) · units", f"({in_dim} + 1) · {units}", total)
        else:
            total = in_dim * units
            why.step("params", "in_features · units", f"{in_dim} · {units}", total)
        return ParamCount(total, 0)

    @staticmethod
    def _lora_params(in_dim: int, units: int, use_bias: bool, rank: int, why: Derivation) -> ParamCount:
        frozen = in_dim * units
        why.step("non-trainable params", "in_features · units (kernel frozen by LoRA)",
                 f"{in_dim} · {units}", frozen)
        trainable = in_dim * rank + rank * units + (units if use_bias else 0)
        bias, bias_term = (f" + {units}", " + units") if use_bias else ("", "")
        why.step("trainable params", "in_features · lora_rank + lora_rank · units" + bias_term,
                 f"{in_dim} · {rank} + {rank} · {units}{bias}", trainable)
        return ParamCount(trainable, frozen)


# ---- EinsumDense --------------------------------------------------------------------------------

class _EinsumShapes:
    """What ``keras.src.layers.core.einsum_dense._analyze_einsum_string`` returns."""

    def __init__(self, kernel: tuple[Any, ...], bias: tuple[Any, ...] | None, output: tuple[Any, ...]) -> None:
        self.kernel, self.bias, self.output = kernel, bias, output


def _at(shape: Sequence[Any], index: int, what: str, equation: str) -> Any:
    """``shape[index]``, with the error Keras's own indexing would raise."""
    try:
        return shape[index]
    except IndexError:
        code = "wrong-rank" if what == "input" else "invalid-argument"
        raise ShapeError(
            code,
            f"The einsum equation '{equation}' does not fit the {what} shape "
            f"{format_shape(tuple(shape))}: index {index} is out of range",
        ) from None


def _known_differ(a: object, b: object) -> bool:
    """Keras's ``a != b`` on dims, only where the answer is certain (``?`` may be anything)."""
    return a is not UNKNOWN and b is not UNKNOWN and a != b


def analyze_einsum(equation: str, bias_axes: str | None, input_shape: tuple[Any, ...],
                   partial_output: Sequence[Any]) -> _EinsumShapes | None:
    """Mirror of Keras's ``_analyze_einsum_string`` (same regexes, same quirks: a left
    ellipsis inserts the elided axes in reverse order, a ``None`` in ``output_shape`` stays
    ``None`` in the output).  ``None`` when the equation has none of the accepted forms."""
    replaced = re.sub(r"\.\.\.", "0", equation)
    for pattern, left_elided in (("([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
                                 ("0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
                                 ("([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False)):
        match = re.match(pattern, replaced)
        if match:
            return _analyze_split(equation, match, bias_axes, input_shape, partial_output, left_elided)
    return None


def _analyze_split(equation: str, match: re.Match[str], bias_axes: str | None, input_shape: tuple[Any, ...],
                   partial_output: Sequence[Any], left_elided: bool) -> _EinsumShapes:
    input_spec, weight_spec, output_spec = match.group(1), match.group(2), match.group(3)
    elided = len(input_shape) - len(input_spec)
    output = [_at(input_shape, 0, "input", equation)] + list(partial_output)
    if elided > 0 and left_elided:
        for i in range(1, elided):
            output.insert(1, input_shape[i])
    elif elided > 0:
        output.extend(input_shape[len(input_shape) - elided:])

    if left_elided:
        input_map = {d: (i + elided) - len(input_shape) for i, d in enumerate(input_spec)}
        output_map = {d: i + elided for i, d in enumerate(output_spec)}
    else:
        input_map = {d: i for i, d in enumerate(input_spec)}
        output_map = {d: i for i, d in enumerate(output_spec)}

    for d in input_spec:
        in_dim = _at(input_shape, input_map[d], "input", equation)
        if d in output_map:
            out_dim = _at(output, output_map[d], "output", equation)
            if out_dim is not None and _known_differ(out_dim, in_dim):
                raise ShapeError(
                    "incompatible-shapes",
                    f"Input shape and output shape do not match at shared dimension '{d}'. "
                    f"Input shape is {format_dim(in_dim)}, and output shape is {format_dim(out_dim)}.",
                )
    for d in output_spec:
        if d not in input_spec and d not in weight_spec:
            raise ShapeError(
                "invalid-argument",
                f"Dimension '{d}' was specified in the output '{output_spec}' but has no "
                f"corresponding dim in the input spec '{input_spec}' or weight spec '{output_spec}'",
            )
    kernel = []
    for d in weight_spec:
        if d in output_map:
            kernel.append(_at(output, output_map[d], "output", equation))
        elif d in input_map:
            kernel.append(_at(input_shape, input_map[d], "input", equation))
        else:
            raise ShapeError(
                "invalid-argument",
                f"Weight dimension '{d}' did not have a match in either the input spec "
                f"'{input_spec}' or the output spec '{output_spec}'. For this layer, the weight "
                "must be fully specified.",
            )
    bias: tuple[Any, ...] | None = None
    if bias_axes is not None:
        offset = elided if left_elided else 0
        sizes = {c: _at(output, i + offset, "output", equation) for i, c in enumerate(output_spec)}
        for c in bias_axes:
            if c not in output_spec:
                raise ShapeError("invalid-argument",
                                 f"Bias dimension '{c}' was requested, but is not part of the "
                                 f"output spec '{output_spec}'")
        if not bias_axes:
            raise ShapeError("invalid-argument", "min() arg is an empty sequence (bias_axes='')")
        first = min(output_spec.find(c) for c in bias_axes)
        bias_dims = [sizes[c] if c in bias_axes else 1 for c in output_spec[first:]]
        if not left_elided:
            bias_dims.extend([1] * max(elided, 0))
        bias = tuple(bias_dims)
    return _EinsumShapes(tuple(kernel), bias, tuple(output))


@register("EinsumDense")
class EinsumDense(Layer):
    signature = ("equation, output_shape, activation=None, bias_axes=None, "
                 "kernel_initializer='glorot_uniform', bias_initializer='zeros', "
                 "kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None, "
                 "bias_constraint=None, lora_rank=None, lora_alpha=None, "
                 "gptq_unpacked_column_size=None, quantization_config=None, **kwargs")
    constraint_arg = "kernel_constraint"

    def validate(self) -> None:
        output_shape = self.args["output_shape"]
        if output_shape is None or isinstance(output_shape, (str, float)):
            raise ShapeError("invalid-argument",
                             f"`output_shape` must be an int or a tuple of dims. Received: "
                             f"output_shape={output_shape!r}")
        if self.args.given("activation"):
            require_activation(self.args["activation"])

    def _analysis(self, input_shape: Shape) -> _EinsumShapes | None:
        """``None`` when something needed is unknown (an unknown ``bias_axes`` only hides
        the bias: ``count_params`` checks it)."""
        equation, bias_axes = self.args["equation"], self.args["bias_axes"]
        if bias_axes is UNKNOWN:
            bias_axes = None
        partial = self.args["output_shape"]
        if is_int(partial):
            partial = (partial,)
        if (not isinstance(input_shape, tuple) or not isinstance(equation, str)
                or not isinstance(partial, (tuple, list))
                or not (bias_axes is None or isinstance(bias_axes, str))):
            return None
        shapes = analyze_einsum(equation, bias_axes, input_shape, partial)
        if shapes is None:
            raise ShapeError(
                "invalid-argument",
                f"Invalid einsum equation '{equation}'. Equations must be in the form "
                "[X],[Y]->[Z], ...[X],[Y]->...[Z], or [X]...,[Y]->[Z]....",
            )
        return shapes

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        if isinstance(self.built_input_shape, tuple):
            require_rank(self, shape, ndim=len(self.built_input_shape))
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        shapes = self._analysis(input_shape)
        if shapes is None:
            return UNKNOWN
        why.step("output", f"einsum '{self.args['equation']}' on {format_shape(input_shape)}",
                 "", format_shape(shapes.output))
        return shapes.output

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        shapes = self._analysis(input_shape)
        if shapes is None:
            return UNKNOWN_PARAMS
        require_weight_shape(self, shapes.kernel, "kernel")
        if shapes.bias is not None:
            require_weight_shape(self, shapes.bias, "bias")
        # numbers once the test below rules UNKNOWN out (None dims were refused above)
        rank: Any = lora_rank(self, self.constraint_arg)
        kernel: Any = dim_product(shapes.kernel)
        bias: Any = dim_product(shapes.bias) if shapes.bias is not None else 0
        if UNKNOWN in (kernel, bias, rank, self.args["bias_axes"]):
            return UNKNOWN_PARAMS
        why.step("kernel", f"kernel shape {format_shape(shapes.kernel)}", weight_size(shapes.kernel), kernel)
        if shapes.bias is not None:
            why.step("bias", f"bias shape {format_shape(shapes.bias)}", weight_size(shapes.bias), bias)
        if not rank:
            if shapes.bias is not None:
                why.step("params", "kernel + bias", f"{kernel} + {bias}", kernel + bias)
            return ParamCount(kernel + bias, 0)
        *lead, last = shapes.kernel
        lora = dim_product(lead) * rank + rank * last
        why.step("trainable params", "prod(kernel[:-1]) · lora_rank + lora_rank · kernel[-1] + bias",
                 f"{weight_size(tuple(lead))} · {rank} + {rank} · {last} + {bias}", lora + bias)
        why.note(f"LoRA freezes the kernel: {kernel} non-trainable")
        return ParamCount(lora + bias, kernel)


# ---- Embedding, Masking, Lambda, Identity ---------------------------------------------------

@register("Embedding")
class Embedding(Layer):
    signature = ("input_dim, output_dim, embeddings_initializer='uniform', "
                 "embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, "
                 "weights=None, lora_rank=None, lora_alpha=None, quantization_config=None, **kwargs")
    passed_kwargs = frozenset({"input_length"})     # kwargs.pop("input_length"), deprecated
    constraint_arg = "embeddings_constraint"

    def validate(self) -> None:
        for name in ("input_dim", "output_dim"):
            value = self.args[name]
            if value is not UNKNOWN and (not is_int(value) or value <= 0):
                raise ShapeError(
                    "invalid-argument",
                    f"`{name}` must be a positive integer. Received: {name}={value} "
                    f"(of type {type(value).__name__}).",
                )

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if not isinstance(input_shape, tuple):
            return UNKNOWN
        out = input_shape + (self.args["output_dim"],)
        why.step("output", "input_shape + (output_dim,)",
                 f"{format_shape(input_shape)} + ({format_dim(out[-1])},)", format_shape(out))
        return out

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        vocab, dim = self.args["input_dim"], self.args["output_dim"]
        rank = lora_rank(self, self.constraint_arg)
        if vocab is UNKNOWN or dim is UNKNOWN or rank is UNKNOWN:
            return ParamCount(UNKNOWN, 0) if rank == 0 else UNKNOWN_PARAMS
        total = vocab * dim
        if not rank:
            why.step("params", "input_dim · output_dim", f"{vocab} · {dim}", total)
            return ParamCount(total, 0)
        why.step("non-trainable params", "input_dim · output_dim (embeddings frozen by LoRA)",
                 f"{vocab} · {dim}", total)
        lora = vocab * rank + rank * dim
        why.step("trainable params", "input_dim · lora_rank + lora_rank · output_dim",
                 f"{vocab} · {rank} + {rank} · {dim}", lora)
        return ParamCount(lora, total)


class _PassThrough(Layer):
    """A layer whose output has its input's shape (``compute_output_shape`` returns it)."""

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        why.step("output", "input shape (unchanged)", "", format_shape(input_shape))
        return input_shape


@register("Masking")
class Masking(_PassThrough):
    signature = "mask_value=0.0, **kwargs"


@register("Identity")
class Identity(_PassThrough):
    signature = "**kwargs"


def _is_shape_leaf(value: object) -> bool:
    """``tree.map_shape_structure``'s leaves: a list or tuple of ints / None."""
    return isinstance(value, (list, tuple)) and all(
        is_int(d) or d is None or d is UNKNOWN for d in value)


_NO_DIM = object()     # what ``_first_dim`` finds in shapes without any axis


def _first_dim(structure: Any) -> Any:
    """``tree.flatten(input_shape)[0]``: the first dim of the first non-empty shape."""
    if structure is UNKNOWN:
        return UNKNOWN
    if _is_shape_leaf(structure):
        return structure[0] if structure else _NO_DIM
    if isinstance(structure, (list, tuple)):
        for item in structure:
            dim = _first_dim(item)
            if dim is not _NO_DIM:
                return dim
        return _NO_DIM
    return UNKNOWN


@register("Lambda")
class Lambda(Layer):
    """Only a literal ``output_shape`` makes a Lambda's output knowable statically: Keras then
    reports ``(batch,) + output_shape`` without running the function."""

    signature = "function, output_shape=None, mask=None, arguments=None, **kwargs"
    call_signature = "inputs, mask=None, training=None"

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        declared = self.args["output_shape"]
        if declared is None or not isinstance(declared, (int, list, tuple)):
            why.note("Lambda: the output shape depends on the function (give `output_shape` to declare it)")
            return UNKNOWN
        batch = _first_dim(input_shape)
        if batch is _NO_DIM:
            raise ShapeError("wrong-rank",
                             f"Lambda needs a batch axis to prepend to `output_shape`. Received "
                             f"input_shape={format_shape(input_shape)}")
        out = self._add_batch(declared, batch)
        shown = format_shape(declared) if isinstance(declared, tuple) else repr(declared)
        why.step("output", "(batch,) + output_shape", f"({format_dim(batch)},) + {shown}", format_shape(out))
        return out

    def _add_batch(self, declared: Any, batch: Any) -> Shapes:
        """``tree.map_shape_structure(lambda s: (batch,) + s, output_shape)``."""
        if isinstance(declared, tuple) and _is_shape_leaf(declared):
            return (batch,) + declared
        if isinstance(declared, (list, tuple)) and not _is_shape_leaf(declared):
            return [self._add_batch(item, batch) for item in declared]
        if declared is UNKNOWN or not (declared is None or isinstance(declared, (int, list))):
            return UNKNOWN
        raise ShapeError(
            "invalid-argument",
            f"Lambda's `output_shape` must be a tuple (or a structure of tuples): `(batch_size,) + "
            f"output_shape` fails on {declared!r} (can only concatenate tuple to tuple)",
        )


__all__ = [
    "ACTIVATION_NAMES", "Dense", "EinsumDense", "Embedding", "Identity", "InputLayer", "Lambda",
    "Masking", "analyze_einsum", "input_batch_shape", "require_activation", "require_weight_shape",
    "weight_size",
]
