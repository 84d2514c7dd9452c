"""Attention layers: MultiHeadAttention, GroupedQueryAttention (exported as GroupQueryAttention),
Attention and AdditiveAttention (``keras/src/layers/attention/``).

Symbolic Keras builds these layers' weights from the input shapes and then takes the output shape
from ``compute_output_spec``; nothing else about the inputs is checked, so neither is it here
(a query and a value of different batch sizes are accepted, as in Keras).
"""

from __future__ import annotations

from math import prod
from typing import Any

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import NO_PARAMS, UNKNOWN_PARAMS, Layer, ParamCount, register
from ..shape import UNKNOWN, Dim, Shape, Shapes, Unknown, format_shape, is_int, is_shape_list
from ..utils import require_defined

ATTENTION_CALL = ("query, value, key=None, query_mask=None, value_mask=None, key_mask=None, "
                  "attention_mask=None, return_attention_scores=False, training=None, use_causal_mask=False")
SUBLAYER_ARGS = ("kernel_initializer='glorot_uniform', bias_initializer='zeros', kernel_regularizer=None, "
                 "bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None, "
                 "use_gate=False, seed=None, **kwargs")


def check_positive_int(value: object, name: str, allow_none: bool = False) -> None:
    """``num_heads`` / ``key_dim`` / ``value_dim``: Keras requires a positive int (``isinstance(v, int)``)."""
    if value is UNKNOWN or (allow_none and value is None):
        return
    if not isinstance(value, int) or value <= 0:
        raise ShapeError(
            "invalid-argument",
            f"Received an invalid value for argument `{name}`, expected a positive integer"
            f"{' or `None`' if allow_none else ''}. Received: {name}={value!r}",
        )


def check_common_options(args: Args) -> None:
    """``sliding_window`` and ``flash_attention`` checks shared by MultiHeadAttention and GQA."""
    window = args["sliding_window"]
    if window is not None and window is not UNKNOWN and (not isinstance(window, int) or window <= 0):
        raise ShapeError("invalid-argument",
                         f"`sliding_window` must be `None` or a positive integer. Received: sliding_window={window!r}")
    dropout = args["dropout"]
    if args["flash_attention"] and isinstance(dropout, (int, float)) and dropout > 0.0:
        raise ShapeError("invalid-argument",
                         "Dropout is not supported when flash attention is enabled. "
                         "Please set dropout to 0.0 to use flash attention.")


def check_value_key(value: object, key: object) -> None:
    """``value`` and ``key`` must agree on every axis but the last (Keras compares the tuples)."""
    if not (isinstance(value, tuple) and isinstance(key, tuple)):
        return
    a, b = value[1:-1], key[1:-1]
    if len(a) != len(b) or any(x is not UNKNOWN and y is not UNKNOWN and x != y for x, y in zip(a, b)):
        raise ShapeError(
            "incompatible-shapes",
            "All dimensions of `value` and `key`, except the last one, must be equal. "
            f"Received: value_shape={format_shape(value)} and key_shape={format_shape(key)}",
        )


def require_weight_dims(layer: Layer, dims: tuple[Dim, ...], what: str, shape: object) -> None:
    """A weight whose shape holds a ``None`` cannot be created ("must be fully-defined")."""
    if any(d is None for d in dims):
        require_defined(layer, None, what, shape)


def projection_params(label: str, in_dim: int, heads: int, dim: int, use_bias: bool, why: Derivation) -> int:
    """An ``EinsumDense`` projecting ``in_dim`` features to ``(heads, dim)``."""
    total = in_dim * heads * dim + (heads * dim if use_bias else 0)
    if use_bias:
        why.step(f"{label} params", "in · heads · dim + heads · dim",
                 f"{in_dim} · {heads} · {dim} + {heads} · {dim}", total)
    else:
        why.step(f"{label} params", "in · heads · dim", f"{in_dim} · {heads} · {dim}", total)
    return total


def output_params(heads: int, dim: int, out_dims: tuple[int, ...], use_bias: bool, why: Derivation) -> int:
    """The output ``EinsumDense``: kernel ``(heads, dim, *out_dims)``, bias ``out_dims``."""
    size = prod(out_dims)
    out = " · ".join(str(d) for d in out_dims)
    total = heads * dim * size + (size if use_bias else 0)
    bias = f" + {out}" if use_bias else ""
    why.step("output params", "heads · dim · out" + (" + out" if use_bias else ""),
             f"{heads} · {dim} · {out}{bias}", total)
    return total


def sum_parts(parts: dict[str, int], why: Derivation) -> ParamCount:
    """The layer's weights: the sum of its projections' weights."""
    total = sum(parts.values())
    why.step("params", " + ".join(parts), " + ".join(str(v) for v in parts.values()), total)
    return ParamCount(total, 0)


@register("MultiHeadAttention")
class MultiHeadAttention(Layer):
    """``query`` (and ``value``/``key``) projected to ``num_heads`` heads, attended, projected back to
    ``output_shape`` (default: the query's last axis)."""

    signature = ("num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_shape=None, "
                 "attention_axes=None, sliding_window=None, flash_attention=None, " + SUBLAYER_ARGS)
    call_signature = ATTENTION_CALL

    def validate(self) -> None:
        check_positive_int(self.args["num_heads"], "num_heads")
        check_positive_int(self.args["key_dim"], "key_dim")
        check_positive_int(self.args["value_dim"], "value_dim", allow_none=True)
        self.out_shape = self.standard_output_shape(self.args["output_shape"])
        axes = self.args["attention_axes"]
        if is_int(axes):
            axes = (axes,)
        elif axes and axes is not UNKNOWN and not isinstance(axes, (list, tuple)):
            raise ShapeError("invalid-argument",
                             f"`attention_axes` must be an int, list, or tuple.Received: attention_axes={axes!r}")
        self.attention_axes = axes
        check_common_options(self.args)

    @staticmethod
    def standard_output_shape(value: object) -> tuple[Any, ...] | None | Unknown:
        """None (use the query's last axis), UNKNOWN, or a tuple."""
        if value is UNKNOWN:
            return UNKNOWN
        if not value:
            return None
        if isinstance(value, int):
            return (value,)
        if isinstance(value, (tuple, list, str)):
            return tuple(value)
        raise ShapeError("invalid-argument",
                         f"Invalid `output_shape`: {value!r}. When specified, the `output_shape` should be "
                         "of type tuple, list, or int.")

    def dims(self) -> tuple[Any, Any, Any]:
        """``(num_heads, key_dim, value_dim)``, ``value_dim`` defaulting to ``key_dim``."""
        key_dim, value_dim = self.args["key_dim"], self.args["value_dim"]
        return self.args["num_heads"], key_dim, (value_dim if value_dim else key_dim)

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        query, value, key = call_args["query"], call_args["value"], call_args["key"]
        shapes = (query, value, value if key is None else key)
        self.maybe_build(shapes, why)
        output = self.compute_output_shape(shapes, why)
        return_scores: object = call_args["return_attention_scores"]
        if return_scores is UNKNOWN:
            return UNKNOWN
        if not return_scores:
            return output
        scores: Shape = UNKNOWN
        if isinstance(query, tuple):
            scores = (query[0], self.args["num_heads"], query[1], query[1])
            why.step("attention scores", "(batch, num_heads, query_length, query_length)",
                     f"({query[0]}, {self.args['num_heads']}, {query[1]}, {query[1]})", format_shape(scores))
            why.note("Keras reports the scores' last axis as the query length (its compute_output_spec).")
        return [output, scores]

    def compute_output_shape(self, input_shape: Any, why: Derivation) -> Shapes:
        """``input_shape``: the ``(query, value, key)`` shapes."""
        query, value, key = input_shape
        check_value_key(value, key)
        if not isinstance(query, tuple) or self.out_shape is UNKNOWN:
            return UNKNOWN
        if self.out_shape is None:
            why.step("output", "query_shape   (output_shape=None)", "", format_shape(query))
            return query
        out = query[:-1] + self.out_shape
        why.step("output", "query_shape[:-1] + output_shape",
                 f"{format_shape(query)}[:-1] + {format_shape(self.out_shape)}", format_shape(out))
        return out

    def count_params(self, input_shape: Any, why: Derivation) -> ParamCount:
        query, value, key = input_shape
        check_value_key(value, key)
        if not all(isinstance(s, tuple) and s for s in input_shape):
            return UNKNOWN_PARAMS
        heads, key_dim, value_dim = self.dims()
        use_bias, use_gate = self.args["use_bias"], self.args["use_gate"]
        for shape, what in ((query, "query"), (key, "key"), (value, "value")):
            require_weight_dims(self, (shape[-1],), f"last dimension of the {what}", shape)
        self.check_attention_axes(len(value) + 1)
        out_dims = self.out_shape if self.out_shape is not None else (query[-1],)
        if out_dims is not UNKNOWN:
            self.check_output_dims(out_dims, query)
        numbers = (query[-1], key[-1], value[-1], heads, key_dim, value_dim)
        if (out_dims is UNKNOWN or use_bias is UNKNOWN or use_gate is UNKNOWN
                or not all(is_int(d) for d in numbers + tuple(out_dims))):
            return UNKNOWN_PARAMS
        parts = {
            "query": projection_params("query", query[-1], heads, key_dim, use_bias, why),
            "key": projection_params("key", key[-1], heads, key_dim, use_bias, why),
            "value": projection_params("value", value[-1], heads, value_dim, use_bias, why),
        }
        if use_gate:
            parts["gate"] = projection_params("gate", query[-1], heads, value_dim, use_bias, why)
        parts["output"] = output_params(heads, value_dim, tuple(out_dims), use_bias, why)
        return sum_parts(parts, why)

    def check_attention_axes(self, rank: int) -> None:
        """``_build_attention``: axes index the projected value, of rank ``value_rank + 1``."""
        axes = self.attention_axes
        if not isinstance(axes, (list, tuple)):
            return
        for axis in axes:
            if not is_int(axis):
                continue
            normalized = axis if axis >= 0 else (rank - 1) + axis
            if not -rank <= normalized < rank:
                raise ShapeError(
                    "invalid-argument",
                    f"`attention_axes` {tuple(axes)} is out of range for the projected inputs of rank {rank}: "
                    f"index {normalized} is out of bounds for axis 0 with size {rank}",
                )

    def check_output_dims(self, out_dims: tuple[Any, ...], query: object) -> None:
        for d in out_dims:
            if d is None:
                require_defined(self, None, "output_shape", query)
            invalid = not is_int(d) if d is not UNKNOWN else False
            if invalid or (is_int(d) and d < 0):
                raise ShapeError(
                    "invalid-argument",
                    f"Cannot convert {out_dims!r} to a shape: `output_shape` must hold non-negative integers.",
                )


@register("GroupedQueryAttention", "GroupQueryAttention")
class GroupedQueryAttention(Layer):
    """Grouped-query attention: ``num_query_heads`` query heads share ``num_key_value_heads``
    key/value heads; the output has the query's shape."""

    signature = ("head_dim, num_query_heads, num_key_value_heads, dropout=0.0, use_bias=True, "
                 "sliding_window=None, flash_attention=None, " + SUBLAYER_ARGS)
    call_signature = ATTENTION_CALL

    def validate(self) -> None:
        q_heads, kv_heads = self.args["num_query_heads"], self.args["num_key_value_heads"]
        if is_int(q_heads) and is_int(kv_heads):
            if kv_heads == 0:
                raise ShapeError("invalid-argument",
                                 "`num_key_value_heads` must not be 0 (integer modulo by zero).")
            if q_heads % kv_heads != 0:
                raise ShapeError("invalid-argument",
                                 "`num_query_heads` must be divisible by `num_key_value_heads`.")
        check_common_options(self.args)
        head_dim = self.args["head_dim"]
        if isinstance(head_dim, (int, float)) and head_dim <= 0:
            raise ShapeError("invalid-argument",
                             f"`head_dim` must be positive (Keras scales by 1 / sqrt(head_dim)). Received: {head_dim}")

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        query, value, key = call_args["query"], call_args["value"], call_args["key"]
        shapes = (query, value, value if key is None else key)
        self.maybe_build(shapes, why)
        output = self.compute_output_shape(shapes, why)
        return_scores: object = call_args["return_attention_scores"]
        if return_scores is UNKNOWN:
            return UNKNOWN
        if not return_scores:
            return output
        scores: Shape = UNKNOWN
        source = shapes[2]
        if isinstance(query, tuple) and isinstance(source, tuple):
            scores = (query[0], self.args["num_query_heads"], query[1], source[1])
            why.step("attention scores", "(batch, num_query_heads, query_length, key_length)",
                     f"({query[0]}, {self.args['num_query_heads']}, {query[1]}, {source[1]})",
                     format_shape(scores))
        return [output, scores]

    def compute_output_shape(self, input_shape: Any, why: Derivation) -> Shapes:
        """``input_shape``: the ``(query, value, key)`` shapes."""
        query: Shape
        query, value, key = input_shape
        if isinstance(query, tuple) and isinstance(value, tuple):
            q, v = query[-1], value[-1]
            if q is not UNKNOWN and v is not UNKNOWN and q != v:
                raise ShapeError(
                    "incompatible-shapes",
                    f"The last dimension of `query_shape` and `value_shape` must be equal, but are {q}, {v}. "
                    f"Received: query_shape={format_shape(query)}, value_shape={format_shape(value)}",
                )
        check_value_key(value, key)
        if isinstance(query, tuple):
            why.step("output", "query_shape", "", format_shape(query))
        return query

    def count_params(self, input_shape: Any, why: Derivation) -> ParamCount:
        query, value, key = input_shape
        for shape, what in ((query, "query"), (key, "key"), (value, "value")):
            if isinstance(shape, tuple) and len(shape) < 3:
                raise ShapeError(
                    "wrong-rank",
                    f"`{self.keras_name}` projects axis 2 of its {what} (batch, length, features): "
                    f"expected min_ndim=3, found ndim={len(shape)}. Full shape received: {format_shape(shape)}",
                )
        if not all(isinstance(s, tuple) for s in input_shape):
            return UNKNOWN_PARAMS
        head_dim, q_heads, kv_heads = (self.args["head_dim"], self.args["num_query_heads"],
                                       self.args["num_key_value_heads"])
        use_bias, use_gate = self.args["use_bias"], self.args["use_gate"]
        if any(is_int(n) and n < 0 for n in (head_dim, q_heads, kv_heads)):
            raise ShapeError("invalid-argument", "Negative dimensions are not allowed (head counts).")
        for shape, what in ((query, "query"), (key, "key"), (value, "value")):
            require_weight_dims(self, (shape[2],), f"feature dimension (axis 2) of the {what}", shape)
        features = query[-1]
        require_weight_dims(self, (features,), "last dimension of the query", query)
        numbers = (query[2], key[2], value[2], features, head_dim, q_heads, kv_heads)
        if use_bias is UNKNOWN or use_gate is UNKNOWN or not all(is_int(d) for d in numbers):
            return UNKNOWN_PARAMS
        parts = {
            "query": projection_params("query", query[2], q_heads, head_dim, use_bias, why),
            "key": projection_params("key", key[2], kv_heads, head_dim, use_bias, why),
            "value": projection_params("value", value[2], kv_heads, head_dim, use_bias, why),
        }
        if use_gate:
            parts["gate"] = projection_params("gate", query[2], q_heads, head_dim, use_bias, why)
        parts["output"] = output_params(q_heads, head_dim, (features,), use_bias, why)
        return sum_parts(parts, why)


@register("Attention")
class Attention(Layer):
    """Dot-product (Luong) attention over ``[query, value]`` or ``[query, value, key]``."""

    signature = "use_scale=False, score_mode='dot', dropout=0.0, seed=None, **kwargs"
    call_signature = ("inputs, mask=None, training=False, return_attention_scores=False, "
                      "use_causal_mask=False")

    def validate(self) -> None:
        score_mode = self.args.get("score_mode", "dot")
        if score_mode is not UNKNOWN and score_mode not in ("dot", "concat"):
            raise ShapeError("invalid-argument",
                             "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                             f"Received: score_mode={score_mode}")

    def split_inputs(self, inputs: object, what: str = "inputs") -> list[Any] | None:
        """``[query, value, key]`` (key defaulting to value), ``None`` when unknown."""
        if inputs is UNKNOWN or inputs is None and what == "mask":
            return None
        if not isinstance(inputs, (list, tuple)) or not is_shape_list(inputs):
            if what == "mask":
                raise ShapeError("wrong-input-count",
                                 f"{self.keras_name} layer mask must be a list, namely [query_mask, value_mask].")
            raise ShapeError(
                "wrong-input-count",
                f"{self.keras_name} layer must be called on a list of inputs, namely [query, value] or "
                f"[query, value, key]. Received: inputs={format_shape(inputs)}.",
            )
        if not 2 <= len(inputs) <= 3:
            raise ShapeError(
                "wrong-input-count",
                f"{self.keras_name} layer accepts {what} list of length 2 or 3, namely [query, value] or "
                f"[query, value, key]. Received length: {len(inputs)}.",
            )
        return [inputs[0], inputs[1], inputs[2] if len(inputs) > 2 else inputs[1]]

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        parts = self.split_inputs(call_args["inputs"])
        mask = call_args["mask"]
        if mask is not UNKNOWN:
            self.split_inputs(mask, "mask")
        if parts is None:
            return UNKNOWN
        self.maybe_build(parts, why)
        output = self.compute_output_shape(parts, why)
        return_scores: object = call_args["return_attention_scores"]
        if return_scores is UNKNOWN:
            return UNKNOWN
        if not return_scores:
            return output
        query, _, key = parts
        scores: Shape = UNKNOWN
        if isinstance(key, tuple) and len(key) < 2:
            raise ShapeError(
                "wrong-rank",
                f"{self.keras_name} reads the key length from axis −2 of the key to shape the attention "
                f"scores: expected min_ndim=2, found ndim={len(key)}. Full shape received: {format_shape(key)}",
            )
        if isinstance(query, tuple) and isinstance(key, tuple):
            scores = query[:-1] + (key[-2],)
            why.step("attention scores", "query_shape[:-1] + (key_length,)",
                     f"{format_shape(query)}[:-1] + ({key[-2]},)", format_shape(scores))
        return [output, scores]

    def compute_output_shape(self, input_shape: Any, why: Derivation) -> Shapes:
        """``input_shape``: the ``[query, value, key]`` shapes."""
        query, value = input_shape[0], input_shape[1]
        if not isinstance(query, tuple) or not isinstance(value, tuple):
            return UNKNOWN
        out = query[:-1] + (value[-1],)
        why.step("output", "query_shape[:-1] + (value_dim,)",
                 f"{format_shape(query)}[:-1] + ({value[-1]},)", format_shape(out))
        return out

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        use_scale, score_mode = self.args["use_scale"], self.args["score_mode"]
        if use_scale is UNKNOWN or score_mode is UNKNOWN:
            return UNKNOWN_PARAMS
        total = (1 if use_scale else 0) + (1 if score_mode == "concat" else 0)
        if total:
            why.step("params", "scale (use_scale) + concat_score_weight (score_mode=\"concat\")",
                     f"{1 if use_scale else 0} + {1 if score_mode == 'concat' else 0}", total)
        return ParamCount(total, 0)


@register("AdditiveAttention")
class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention; ``use_scale`` learns one scale per query feature."""

    signature = "use_scale=True, dropout=0.0, **kwargs"
    passed_kwargs = frozenset({"score_mode", "seed"})        # forwarded to Attention.__init__

    def count_params(self, input_shape: Any, why: Derivation) -> ParamCount:
        use_scale = self.args["use_scale"]
        if use_scale is UNKNOWN:
            return UNKNOWN_PARAMS
        if not use_scale:
            return NO_PARAMS
        query = input_shape[0]
        if not isinstance(query, tuple) or not query:
            return UNKNOWN_PARAMS
        dim = query[-1]
        require_defined(self, dim, "last dimension of the query", query)
        if not is_int(dim):
            return UNKNOWN_PARAMS
        why.step("params", "query_dim   (the scale vector)", "", dim)
        return ParamCount(dim, 0)
