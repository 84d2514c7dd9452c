"""Multiply-accumulate operations (MACs) of one layer call, per example.

``layer_macs(class_name, args, input_shape, output_shape)`` counts the multiplications of
weights by activations (and, for attention, of activations by activations) that one call
makes for ONE example: the batch axis is left out.  Additions of biases, activations,
normalisation, pooling and other element-wise work are not MACs and count 0.  The exact
definitions, layer by layer, are in ``docs/macs.md``.

* ``args`` — the layer's bound engine arguments (``engine.args.Args`` or a plain dict);
* ``input_shape`` — the shape the layer was called on; for attention layers the list
  ``[query, value]`` or ``[query, value, key]``;
* ``output_shape`` — the output shape (the first output for layers returning several).

The result is an ``int`` or ``UNKNOWN`` (``?``) when a dimension it needs is unknown or dynamic
(``None``, e.g. a variable sequence length), or the layer class is not one the engine knows.
"""

from __future__ import annotations

import re
from math import prod
from typing import Any, Iterable, Union

from .shape import UNKNOWN, Unknown, is_int

Macs = Union[int, Unknown]      # a count of multiply-accumulates, or UNKNOWN

_CONV_RANK = {"Conv1D": 1, "Conv2D": 2, "Conv3D": 3, "Convolution1D": 1, "Convolution2D": 2,
              "Convolution3D": 3}
_TRANSPOSE_RANK = {"Conv1DTranspose": 1, "Conv2DTranspose": 2, "Conv3DTranspose": 3,
                   "Convolution1DTranspose": 1, "Convolution2DTranspose": 2, "Convolution3DTranspose": 3}
_DEPTHWISE_RANK = {"DepthwiseConv1D": 1, "DepthwiseConv2D": 2}
_SEPARABLE_RANK = {"SeparableConv1D": 1, "SeparableConv2D": 2, "SeparableConvolution1D": 1,
                   "SeparableConvolution2D": 2}
_CONVLSTM_RANK = {"ConvLSTM1D": 1, "ConvLSTM2D": 2, "ConvLSTM3D": 3}
_RNN_GATES = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}

# Layers whose work is not a multiplication of weights by inputs: 0 MACs by definition.
ZERO_MAC_LAYERS = frozenset({
    "InputLayer", "Embedding", "Activation", "ReLU", "LeakyReLU", "ELU", "Softmax", "PReLU",
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "GaussianDropout",
    "GaussianNoise", "AlphaDropout", "ActivityRegularization",
    "Flatten", "Reshape", "Permute", "RepeatVector", "Cropping1D", "Cropping2D", "Cropping3D",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D", "UpSampling1D", "UpSampling2D", "UpSampling3D",
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
    "AveragePooling3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    "BatchNormalization", "LayerNormalization", "GroupNormalization", "UnitNormalization",
    "RMSNormalization", "Masking", "Identity",
})


# Layers whose work depends on code or cells we do not count: always unknown.
UNKNOWN_MAC_LAYERS = frozenset({"Lambda", "RNN", "SimpleRNNCell", "GRUCell", "LSTMCell", "StackedRNNCells"})

# Keras ops (``keras.ops.*`` and operators) that contract tensors: their MACs are not counted
# (unknown); every other op (element-wise, reshaping, reductions) counts 0.
CONTRACTING_OPS = frozenset({"Matmul", "Dot", "Einsum", "Tensordot", "Inner", "Outer", "Vdot", "Conv",
                             "ConvTranspose", "DepthwiseConv", "SeparableConv"})


def op_macs(class_name: str) -> Macs:
    """MACs of a Keras op that is not a layer (``x + y``, ``keras.ops.matmul``)."""
    return UNKNOWN if class_name in CONTRACTING_OPS else 0


def _arg(args: object, name: str, default: Any = None) -> Any:
    """Read an argument without marking it as used (``Args.peek``) — a plain dict works too.
    The value is whatever the user passed: callers check it (``_known``) before counting."""
    if args is None:
        return default
    peek = getattr(args, "peek", None)
    if peek is not None:
        return peek(name, default)
    if hasattr(args, "get"):
        return args.get(name, default)
    return default


def _known(*values: object) -> bool:
    return all(is_int(v) for v in values)


def _prod(values: Iterable[object]) -> Macs:
    total = 1
    for v in values:
        if not is_int(v):
            return UNKNOWN
        total *= v
    return total


def _tuple(value: object, n: int) -> tuple[int, ...] | None:
    if is_int(value) and not isinstance(value, bool):
        return (value,) * n
    if isinstance(value, (tuple, list)) and len(value) == n and all(is_int(v) for v in value):
        return tuple(value)
    return None


def _first_shape(shape: object) -> object:
    if isinstance(shape, list) and shape:
        return shape[0]
    if isinstance(shape, tuple) and shape and all(isinstance(s, tuple) for s in shape):
        return shape[0]
    return shape


def _split(shape: object, data_format: str, rank: int) -> tuple[tuple[Any, ...], Any] | None:
    """``(spatial dims, channels)`` of a ``(batch, ..., channels)`` shape, or ``None``."""
    if not isinstance(shape, tuple) or len(shape) != rank + 2:
        return None
    if data_format == "channels_first":
        return shape[2:], shape[1]
    return shape[1:-1], shape[-1]


def _data_format(args: object) -> str:
    fmt = _arg(args, "data_format")
    return fmt if fmt in ("channels_first", "channels_last") else "channels_last"


def layer_macs(class_name: str, args: object, input_shape: object, output_shape: object) -> Macs:
    """MACs of one call for one example (``int``), or ``UNKNOWN``."""
    try:
        return _layer_macs(class_name, args, input_shape, output_shape)
    except (TypeError, ValueError, IndexError, KeyError, AttributeError, ArithmeticError, RecursionError):
        return UNKNOWN


def _layer_macs(class_name: str, args: object, input_shape: object, output_shape: object) -> Macs:
    if class_name in ZERO_MAC_LAYERS:
        return 0
    if class_name == "Dense":
        return _dense(args, _first_shape(input_shape), _first_shape(output_shape))
    if class_name == "EinsumDense":
        return _einsum_dense(args, _first_shape(input_shape), _first_shape(output_shape))
    if class_name in _CONV_RANK:
        return _conv(args, _CONV_RANK[class_name], input_shape, output_shape)
    if class_name in _TRANSPOSE_RANK:
        return _conv_transpose(args, _TRANSPOSE_RANK[class_name], input_shape, output_shape)
    if class_name in _DEPTHWISE_RANK:
        return _depthwise(args, _DEPTHWISE_RANK[class_name], input_shape, output_shape)
    if class_name in _SEPARABLE_RANK:
        return _separable(args, _SEPARABLE_RANK[class_name], input_shape, output_shape)
    if class_name in _RNN_GATES:
        return _rnn(_RNN_GATES[class_name], args, _first_shape(input_shape))
    if class_name in _CONVLSTM_RANK:
        return _conv_lstm(args, _CONVLSTM_RANK[class_name], _first_shape(input_shape), _first_shape(output_shape))
    if class_name == "Bidirectional":
        return _bidirectional(args, input_shape)
    if class_name == "TimeDistributed":
        return _time_distributed(args, _first_shape(input_shape), _first_shape(output_shape))
    if class_name == "MultiHeadAttention":
        return _multi_head(args, input_shape, output_shape)
    if class_name in ("GroupedQueryAttention", "GroupQueryAttention"):
        return _grouped_query(args, input_shape)
    if class_name in ("Attention", "AdditiveAttention"):
        return _dot_attention(input_shape)
    if class_name in UNKNOWN_MAC_LAYERS:
        return UNKNOWN
    from .layer import REGISTRY     # every other layer the engine knows: no weight products

    return 0 if class_name in REGISTRY else UNKNOWN


# ---- dense ---------------------------------------------------------------------------------------

def _dense(args: object, inp: object, out: object) -> Macs:
    """Every output unit at every position is a dot product over the input features."""
    if not isinstance(inp, tuple) or not isinstance(out, tuple) or len(inp) < 2:
        return UNKNOWN
    return _mul(_prod(out[1:]), inp[-1])


def _mul(*values: object) -> Macs:
    return _prod(values)


def _einsum_dense(args: object, inp: object, out: object) -> Macs:
    """The product of the sizes of every index of the equation (batch excluded)."""
    equation = _arg(args, "equation")
    if not isinstance(equation, str) or not isinstance(inp, tuple) or not isinstance(out, tuple):
        return UNKNOWN
    match = re.fullmatch(r"\s*([a-zA-Z.]+)\s*,\s*([a-zA-Z.]+)\s*->\s*([a-zA-Z.]+)\s*", equation)
    if not match:
        return UNKNOWN
    in_spec, kernel_spec, out_spec = match.groups()
    sizes: dict[str, Any] = {}
    batch_letters: set[str] = set()

    def bind(spec: str, shape: tuple[Any, ...], first_is_batch: bool) -> None:
        if "..." in spec:
            head, tail = spec.split("...")
            n_ell = len(shape) - len(head) - len(tail)
            if n_ell < 0:
                raise ValueError(spec)
            letters = list(head) + [f"…{i}" for i in range(n_ell)] + list(tail)
        else:
            letters = list(spec)
        if len(letters) != len(shape):
            raise ValueError(spec)
        for position, (letter, dim) in enumerate(zip(letters, shape)):
            if position == 0 and first_is_batch:
                batch_letters.add(letter)
            sizes.setdefault(letter, dim)

    bind(in_spec, inp, True)
    bind(out_spec, out, True)
    for letter in kernel_spec.replace("...", ""):
        if letter not in sizes:
            return UNKNOWN
    dims = [d for letter, d in sizes.items() if letter not in batch_letters]
    return _prod(dims)


# ---- convolutions --------------------------------------------------------------------------------

def _conv(args: object, rank: int, inp: object, out: object) -> Macs:
    """Output positions × filters × (kernel window × input channels / groups)."""
    fmt = _data_format(args)
    a, b = _split(inp, fmt, rank), _split(out, fmt, rank)
    kernel = _tuple(_arg(args, "kernel_size"), rank)
    filters, groups = _arg(args, "filters"), _arg(args, "groups", 1)
    if a is None or b is None or kernel is None or not _known(filters, groups, a[1]) or groups <= 0:
        return UNKNOWN
    per_position = prod(kernel) * a[1] // groups * filters
    return _mul(_prod(b[0]), per_position)


def _conv_transpose(args: object, rank: int, inp: object, out: object) -> Macs:
    """Every input position scatters its channels through the kernel to every filter."""
    fmt = _data_format(args)
    a = _split(inp, fmt, rank)
    kernel = _tuple(_arg(args, "kernel_size"), rank)
    filters = _arg(args, "filters")
    if a is None or kernel is None or not _known(filters, a[1]):
        return UNKNOWN
    return _mul(_prod(a[0]), a[1], _prod(kernel), filters)


def _depthwise(args: object, rank: int, inp: object, out: object) -> Macs:
    """Output positions × input channels × depth_multiplier × kernel window."""
    fmt = _data_format(args)
    a, b = _split(inp, fmt, rank), _split(out, fmt, rank)
    kernel = _tuple(_arg(args, "kernel_size"), rank)
    multiplier = _arg(args, "depth_multiplier", 1)
    if a is None or b is None or kernel is None or not _known(multiplier, a[1]):
        return UNKNOWN
    return _mul(_prod(b[0]), a[1], multiplier, _prod(kernel))


def _separable(args: object, rank: int, inp: object, out: object) -> Macs:
    """The depthwise step, then a 1×1 convolution from channels × depth_multiplier to filters."""
    depthwise = _depthwise(args, rank, inp, out)
    fmt = _data_format(args)
    a, b = _split(inp, fmt, rank), _split(out, fmt, rank)
    filters, multiplier = _arg(args, "filters"), _arg(args, "depth_multiplier", 1)
    if depthwise is UNKNOWN or a is None or b is None or not _known(filters, multiplier, a[1]):
        return UNKNOWN
    pointwise = _mul(_prod(b[0]), a[1], multiplier, filters)
    return UNKNOWN if pointwise is UNKNOWN else depthwise + pointwise


# ---- recurrent -------------------------------------------------------------------------------------

def _rnn(gates: int, args: object, inp: object) -> Macs:
    """Per time step: gates × (input features × units + units × units)."""
    units = _arg(args, "units")
    if not isinstance(inp, tuple) or len(inp) != 3 or not _known(units, inp[1], inp[2]):
        return UNKNOWN
    macs: int = inp[1] * gates * (inp[2] * units + units * units)
    return macs


def _conv_lstm(args: object, rank: int, inp: object, out: object) -> Macs:
    """Per time step, 4 gates: an input convolution and a recurrent ("same", stride 1)
    convolution over the state, both with ``filters`` outputs at every output position."""
    fmt = _data_format(args)
    if not isinstance(inp, tuple) or len(inp) != rank + 3:
        return UNKNOWN
    timesteps = inp[1]
    step = _split((inp[0],) + inp[2:], fmt, rank)
    filters = _arg(args, "filters")
    kernel = _tuple(_arg(args, "kernel_size"), rank)
    if not isinstance(out, tuple) or step is None or kernel is None or not _known(filters, timesteps, step[1]):
        return UNKNOWN
    out_step = (out[0],) + out[2:] if len(out) == rank + 3 else out
    b = _split(out_step, fmt, rank)
    if b is None:
        return UNKNOWN
    positions = _prod(b[0])
    return _mul(timesteps, 4, positions, _prod(kernel), step[1] + filters, filters)


def _inner(layer: object) -> tuple[str | None, object]:
    return getattr(layer, "keras_name", None), getattr(layer, "args", None)


def _bidirectional(args: object, input_shape: object) -> Macs:
    forward = _arg(args, "layer")
    backward = _arg(args, "backward_layer") or forward
    total = 0
    for layer in (forward, backward):
        name, inner_args = _inner(layer)
        if name is None:
            return UNKNOWN
        inp = _first_shape(input_shape)
        macs = layer_macs(name, inner_args, inp, None)
        if macs is UNKNOWN:
            return UNKNOWN
        total += macs
    return total


def _time_distributed(args: object, inp: object, out: object) -> Macs:
    """The wrapped layer's MACs on one step, times the number of time steps."""
    name, inner_args = _inner(_arg(args, "layer"))
    if name is None or not isinstance(inp, tuple) or len(inp) < 3 or not _known(inp[1]):
        return UNKNOWN
    step_in = (inp[0],) + inp[2:]
    step_out = (out[0],) + out[2:] if isinstance(out, tuple) and len(out) >= 2 else UNKNOWN
    macs = layer_macs(name, inner_args, step_in, step_out)
    return UNKNOWN if macs is UNKNOWN else macs * inp[1]


# ---- attention -------------------------------------------------------------------------------------

def _qkv(input_shape: object) -> tuple[tuple[Any, ...], tuple[Any, ...], tuple[Any, ...]] | None:
    shapes = input_shape if isinstance(input_shape, list) else [input_shape]
    if not shapes or not all(isinstance(s, tuple) for s in shapes if s is not None):
        return None
    query = shapes[0]
    value = shapes[1] if len(shapes) > 1 and shapes[1] is not None else query
    key = shapes[2] if len(shapes) > 2 and shapes[2] is not None else value
    if not (isinstance(query, tuple) and isinstance(value, tuple) and isinstance(key, tuple)
            and min(len(query), len(value), len(key)) >= 3):
        return None
    return query, value, key


def _multi_head(args: object, input_shape: object, output_shape: object) -> Macs:
    """Q/K/V projections, scores (heads × Tq × Tv × key_dim), the weighted sum
    (heads × Tq × Tv × value_dim) and the output projection."""
    qkv = _qkv(input_shape)
    heads, key_dim = _arg(args, "num_heads"), _arg(args, "key_dim")
    value_dim = _arg(args, "value_dim") or key_dim
    if qkv is None or not _known(heads, key_dim, value_dim):
        return UNKNOWN
    query, value, key = qkv
    tq, tv = _prod(query[1:-1]), _prod(value[1:-1])
    dq, dv, dk = query[-1], value[-1], key[-1]
    out = _first_shape(output_shape)
    dout = out[-1] if isinstance(out, tuple) and out else dq
    if not (is_int(tq) and is_int(tv)) or not _known(dq, dv, dk, dout):
        return UNKNOWN
    macs: int = (tq * dq * heads * key_dim + tv * dk * heads * key_dim + tv * dv * heads * value_dim
            + heads * tq * tv * key_dim + heads * tq * tv * value_dim + tq * heads * value_dim * dout)
    return macs


def _grouped_query(args: object, input_shape: object) -> Macs:
    qkv = _qkv(input_shape)
    head_dim = _arg(args, "head_dim")
    q_heads, kv_heads = _arg(args, "num_query_heads"), _arg(args, "num_key_value_heads")
    if qkv is None or not _known(head_dim, q_heads, kv_heads):
        return UNKNOWN
    query, value, key = qkv
    tq, tv = _prod(query[1:-1]), _prod(value[1:-1])
    dq, dv, dk = query[-1], value[-1], key[-1]
    if not (is_int(tq) and is_int(tv)) or not _known(dq, dv, dk):
        return UNKNOWN
    macs: int = (tq * dq * q_heads * head_dim + tv * dk * kv_heads * head_dim + tv * dv * kv_heads * head_dim
            + 2 * q_heads * tq * tv * head_dim + tq * q_heads * head_dim * dq)
    return macs


def _dot_attention(input_shape: object) -> Macs:
    """Scores Tq × Tv × dim and the weighted sum Tq × Tv × value_dim (no weights)."""
    qkv = _qkv(input_shape)
    if qkv is None:
        return UNKNOWN
    query, value, _key = qkv
    tq, tv = _prod(query[1:-1]), _prod(value[1:-1])
    if not (is_int(tq) and is_int(tv)) or not _known(query[-1], value[-1]):
        return UNKNOWN
    macs: int = tq * tv * query[-1] + tq * tv * value[-1]
    return macs


def total_macs(values: Iterable[object]) -> Macs:
    """Sum of MACs; ``UNKNOWN`` as soon as one is unknown."""
    total = 0
    for v in values:
        if not is_int(v):
            return UNKNOWN
        total += v
    return total


__all__ = ["CONTRACTING_OPS", "UNKNOWN_MAC_LAYERS", "ZERO_MAC_LAYERS", "layer_macs", "op_macs", "total_macs"]
