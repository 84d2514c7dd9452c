"""Core layers: Input/InputLayer, Dense, EinsumDense, Embedding, Masking, Lambda, Identity
(``keras/src/layers/core/``)."""

from __future__ import annotations

from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import Layer, ParamCount, register
from ..shape import UNKNOWN, format_shape, is_int
from ..utils import require_axis, require_defined, require_rank


def input_batch_shape(shape, batch_size=None, batch_shape=None):
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


@register("Dense")
class Dense(Layer):
    signature = ("units, activation=None, use_bias=True, kernel_initializer='glorot_uniform', "
                 "bias_initializer='zeros', kernel_regularizer=None, bias_regularizer=None, "
                 "activity_regularizer=None, kernel_constraint=None, bias_constraint=None, "
                 "lora_rank=None, lora_alpha=None, **kwargs")

    def validate(self):
        units = self.args["units"]
        if units is not UNKNOWN and (not is_int(units) or units <= 0):
            raise ShapeError(
                "invalid-argument",
                f"Received an invalid value for `units`, expected a positive integer. Received: units={units}",
            )

    def call(self, call_args, why):
        shape = call_args["inputs"]
        require_rank(self, shape, min_ndim=2)
        if self.built_input_shape is not None and isinstance(self.built_input_shape, tuple):
            require_axis(self, shape, -1, self.built_input_shape[-1])
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)

    def compute_output_shape(self, input_shape, why):
        if not isinstance(input_shape, tuple):
            return UNKNOWN
        units = self.args["units"]
        out = input_shape[:-1] + (units,)
        why.step("output", "input_shape[:-1] + (units,)",
                 f"{format_shape(input_shape)}[:-1] + ({units},)", format_shape(out))
        return out

    def count_params(self, input_shape, why):
        if not isinstance(input_shape, tuple):
            return ParamCount(UNKNOWN, 0)
        in_dim = input_shape[-1]
        require_defined(self, in_dim, "last dimension", input_shape)
        units = self.args["units"]
        use_bias = self.args["use_bias"]
        if in_dim is UNKNOWN or units is UNKNOWN or use_bias is UNKNOWN:
            return ParamCount(UNKNOWN, 0)
        if use_bias:
            total = (in_dim + 1) * units
            why.step("params", "(in_features + 1) · units", f"({in_dim} + 1) · {units}", total)
        else:
            total = in_dim * units
            why.step("params", "in_features · units", f"{in_dim} · {units}", total)
        return ParamCount(total, 0)
