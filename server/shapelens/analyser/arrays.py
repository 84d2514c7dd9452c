"""Concrete arrays: NumPy, ``keras.datasets`` loaders, ``keras.utils.to_categorical`` /
``pad_sequences`` and TensorFlow's constructors (``tf.zeros``, ``tf.random.normal``).

In model code these make the data whose shapes feed the model (``input_shape=x_train.shape[1:]``).
They are constant tensors (``SymTensor(shape, constant=True)``): no graph node, no row.  Their
shapes come from the engine's ``keras.ops`` rules (``engine/ops/``), since NumPy's shape semantics
equal ``keras.ops``'s for the functions listed here; where they differ (``reshape`` with an unknown
size, ``np.pad``'s pad widths) the NumPy behaviour is written here.  Anything not certain is
``UNKNOWN``, and NumPy's own errors are not ours to report: a rule that would raise gives ``UNKNOWN``.
"""

from __future__ import annotations

from ..engine import ShapeError
from ..engine.ops import literal_shape, op_output_shape, op_rule
from ..engine.ops.base import Unknown
from ..engine.ops.numpy import reshape_shape
from ..engine.shape import UNKNOWN, is_int
from .npvalues import from_literal
from .pybuiltins import MATH
from .values import MISSING, SymTensor

# ``keras.datasets.<name>.load_data()``: per-sample shapes of (x, y), as documented in the Keras
# API reference (https://keras.io/api/datasets/): mnist and fashion_mnist "x_train: uint8 NumPy
# array of grayscale image data with shapes (60000, 28, 28)", "y_train: ... shape (60000,)";
# cifar10 / cifar100 "(50000, 32, 32, 3)" (channels_last; the loader transposes to the image data
# format) with labels "(50000, 1)"; boston_housing 13 features, california_housing 8; imdb and
# reuters give object arrays of variable-length sequences (shape ``(N,)``).  The number of samples
# N is left unknown: it never decides a model's per-sample shape, and code may load a subset.
DATASETS: dict[str, tuple[tuple, tuple]] = {
    "mnist": ((28, 28), ()),
    "fashion_mnist": ((28, 28), ()),
    "cifar10": ((32, 32, 3), (1,)),
    "cifar100": ((32, 32, 3), (1,)),
    "boston_housing": ((13,), ()),
    "california_housing": ((8,), ()),
    "imdb": ((), ()),
    "reuters": ((), ()),
}

# NumPy functions whose output shape is the ``keras.ops`` function's of the same name.
NUMPY_AS_OPS = frozenset((
    "zeros ones empty full zeros_like ones_like empty_like full_like eye identity arange linspace "
    "expand_dims squeeze ravel transpose swapaxes moveaxis concatenate stack tile flip clip "
    "matmul dot broadcast_to copy abs absolute sqrt square exp log round floor ceil sign "
    "add subtract multiply divide true_divide maximum minimum power "
    "mean sum max min prod amax amin std var argmax argmin median"
).split())
# ``np.random.<f>``: the parameter holding ``size`` (its position).
RANDOM_SIZE = {
    "random": 0, "random_sample": 0, "sample": 0, "ranf": 0, "uniform": 2, "normal": 2,
    "randint": 2, "binomial": 2, "poisson": 1, "exponential": 1, "beta": 2, "standard_normal": 0,
}
# ``np.<f>`` on plain Python numbers (``np.prod(x.shape[1:])``, ``np.sqrt(d)``).
NUMPY_ON_NUMBERS = frozenset({"prod", "sqrt"})
# TensorFlow functions that make or reshape concrete tensors, as the ``keras.ops`` they equal.
TF_AS_OPS = {"zeros": "zeros", "ones": "ones", "zeros_like": "zeros_like", "ones_like": "ones_like",
             "expand_dims": "expand_dims", "squeeze": "squeeze"}
TF_RANDOM = frozenset({"normal", "uniform", "truncated_normal"})
# Methods of NumPy arrays that are ``keras.ops`` functions with the array as first argument.
ARRAY_METHODS = frozenset((
    "flatten ravel squeeze swapaxes clip round copy mean sum max min prod std var argmax argmin"
).split())


def constant(shape):
    """A concrete array of this shape, or ``UNKNOWN`` when its shape is not known at all.

    A 0-d array (``np.mean(x)``, ``x[0, 0]``) is a NumPy scalar of unknown value: it keeps the shape
    of the arrays it is combined with, and ``calls.to_engine`` makes it ``UNKNOWN`` wherever Keras
    would read it as a number (``Dense(units)``, a shape tuple).
    """
    if not isinstance(shape, tuple) or not all(d is UNKNOWN or (is_int(d) and d >= 0) for d in shape):
        return UNKNOWN
    return SymTensor(shape, constant=True)


def _shape_of(value):
    """A concrete array's shape, an array literal's, or ``UNKNOWN`` (symbolic tensors too)."""
    if isinstance(value, SymTensor):
        return value.shape if value.constant else UNKNOWN
    if isinstance(value, (list, tuple)) and any(isinstance(v, SymTensor) for v in value):
        shapes = [_shape_of(v) for v in value]
        if any(s is UNKNOWN for s in shapes) or any(s != shapes[0] for s in shapes):
            return UNKNOWN
        return (len(value),) + shapes[0]
    return literal_shape(value)


def _has_symbolic(positional, keywords) -> bool:
    values = list(positional) + list(keywords.values())
    while values:
        v = values.pop()
        if isinstance(v, SymTensor) and not v.constant:
            return True
        if isinstance(v, (list, tuple)) and len(v) <= 64:
            values.extend(v)
    return False


def _rule(name: str, positional, keywords):
    """The ``keras.ops`` rule with arrays as shapes; an error NumPy would raise is ``UNKNOWN``."""
    rule = op_rule(name)
    if rule is None:
        return UNKNOWN
    pos = [_argument(rule, i, v) for i, v in enumerate(positional)]
    kw = {k: _argument(rule, k, v) for k, v in keywords.items()}
    try:
        return constant(op_output_shape(name, pos, kw))
    except ShapeError:
        return UNKNOWN


def _argument(rule, where, value):
    """Arrays (and array literals, tuples too) in tensor positions become shapes."""
    role = rule.role(where)
    if role == "tensor" or (role == "list" and isinstance(where, int) and where >= len(rule.params)):
        return _shape_of(value)
    if role == "list":
        return [_shape_of(v) for v in value] if isinstance(value, (list, tuple)) and len(value) <= 64 else UNKNOWN
    return UNKNOWN if isinstance(value, SymTensor) else value


def reshape(shape, newshape):
    """``np.reshape``: an unknown size in ``newshape`` is an unknown dim (and makes ``-1`` one)."""
    if is_int(newshape):
        newshape = (newshape,)
    if not isinstance(newshape, (list, tuple)):
        return UNKNOWN
    if any(d is UNKNOWN for d in newshape):
        if not all(d is UNKNOWN or (is_int(d) and d >= -1) for d in newshape):
            return UNKNOWN
        return constant(tuple(UNKNOWN if d is UNKNOWN or d == -1 else d for d in newshape))
    if shape is UNKNOWN:
        return UNKNOWN
    try:
        return constant(reshape_shape(shape, tuple(newshape)))
    except (ShapeError, Unknown, TypeError, ValueError):
        return UNKNOWN


def pad(shape, pad_width):
    """``np.pad``: ``pad_width`` broadcast to ``(ndim, 2)`` (``(1, 2)`` pads every axis 1 and 2)."""
    if not isinstance(shape, tuple):
        return UNKNOWN
    widths = literal_shape(pad_width)
    if widths == () or widths == (1,) or widths == (1, 1):
        p = pad_width if widths == () else (pad_width[0] if widths == (1,) else pad_width[0][0])
        pairs = [(p, p)] * len(shape)
    elif widths == (2,):
        pairs = [tuple(pad_width)] * len(shape)
    elif widths == (1, 2):
        pairs = [tuple(pad_width[0])] * len(shape)
    elif widths == (len(shape), 2):
        pairs = [tuple(p) for p in pad_width]
    elif widths == (len(shape), 1):
        pairs = [(p[0], p[0]) for p in pad_width]
    else:
        return UNKNOWN
    if not all(is_int(v) and v >= 0 for p in pairs for v in p):
        return UNKNOWN
    return constant(tuple(d if d is UNKNOWN else d + a + b for d, (a, b) in zip(shape, pairs)))


def numpy_call(name: str, positional, keywords):
    if name in NUMPY_ON_NUMBERS and len(positional) == 1 and not keywords \
            and not isinstance(positional[0], SymTensor):
        return MATH[name](*positional) if name == "sqrt" else MATH["prod"](positional[0])
    if _has_symbolic(positional, keywords):
        return UNKNOWN
    if name.startswith("random."):
        return random_call(name[len("random."):], positional, keywords)
    if name in ("array", "asarray", "asanyarray", "ascontiguousarray"):
        made = constant(_shape_of(positional[0])) if positional else UNKNOWN
        if isinstance(made, SymTensor) and len(positional) == 1 and not keywords:
            made.values = from_literal(positional[0])
        return made
    if name == "reshape" and positional:
        newshape = positional[1] if len(positional) > 1 else keywords.get("newshape", keywords.get("shape", UNKNOWN))
        return reshape(_shape_of(positional[0]), newshape)
    if name == "pad" and positional:
        width = positional[1] if len(positional) > 1 else keywords.get("pad_width", UNKNOWN)
        return pad(_shape_of(positional[0]), width)
    if name == "where" and len(positional) != 3:
        return UNKNOWN                  # np.where(condition): indices of the true values
    if name in NUMPY_AS_OPS or name == "where":
        return _rule(name, positional, keywords)
    return UNKNOWN


def random_call(name: str, positional, keywords):
    if name in ("rand", "randn") and not keywords:
        dims = tuple(positional)
        return constant(dims) if dims else UNKNOWN
    where = RANDOM_SIZE.get(name)
    if where is None:
        return UNKNOWN
    size = positional[where] if len(positional) > where else keywords.get("size")
    if is_int(size):
        size = (size,)
    if isinstance(size, list):
        size = tuple(size)
    return constant(size) if isinstance(size, tuple) else UNKNOWN


def tf_call(name: str, positional, keywords):
    if _has_symbolic(positional, keywords):
        return UNKNOWN
    if name in TF_AS_OPS:
        return _rule(TF_AS_OPS[name], positional[:2], {k: v for k, v in keywords.items() if k == "axis"})
    if name.startswith("random.") and name[len("random."):] in TF_RANDOM:
        shape = positional[0] if positional else keywords.get("shape", UNKNOWN)
        return _rule("zeros", [shape], {})
    if name == "convert_to_tensor" and positional:
        return constant(_shape_of(positional[0]))
    if name == "fill" and positional:
        return _rule("zeros", [positional[0]], {})
    if name == "reshape" and positional:
        newshape = positional[1] if len(positional) > 1 else keywords.get("shape", UNKNOWN)
        return reshape(_shape_of(positional[0]), newshape)
    if name == "constant" and positional:
        given = keywords.get("shape", positional[2] if len(positional) > 2 else None)
        if given is not None:
            return _rule("zeros", [given], {})
        return constant(_shape_of(positional[0]))
    if name == "concat" and positional:
        axis = positional[1] if len(positional) > 1 else keywords.get("axis", UNKNOWN)
        return _rule("concatenate", [positional[0]], {"axis": axis}) if is_int(axis) else UNKNOWN
    return UNKNOWN


def load_data(dataset: str, channels_last: bool = True):
    """``keras.datasets.<dataset>.load_data()``: ``((x_train, y_train), (x_test, y_test))``."""
    sample: tuple[object, ...] = DATASETS[dataset][0]
    label = DATASETS[dataset][1]
    if len(sample) == 3 and not channels_last:
        sample = (UNKNOWN,) * 3         # transposed to the data format the code set
    part = (constant((UNKNOWN,) + sample), constant((UNKNOWN,) + label))
    return (part, (constant((UNKNOWN,) + sample), constant((UNKNOWN,) + label)))


def to_categorical(positional, keywords):
    """``keras.utils.to_categorical(x, num_classes)``: a trailing axis of 1 is dropped, then one
    axis of ``num_classes`` added (without ``num_classes`` it depends on the values)."""
    x = positional[0] if positional else keywords.get("x", UNKNOWN)
    n = positional[1] if len(positional) > 1 else keywords.get("num_classes")
    shape = _shape_of(x)
    if not is_int(n) or n <= 0 or not isinstance(shape, tuple) or not shape:
        return UNKNOWN
    if len(shape) > 1:
        if shape[-1] is UNKNOWN:
            return UNKNOWN
        if shape[-1] == 1:
            shape = shape[:-1]
    return constant(shape + (n,))


def pad_sequences(positional, keywords):
    """``pad_sequences(sequences, maxlen)``: ``(len(sequences), maxlen) + sample_shape``."""
    seqs = positional[0] if positional else keywords.get("sequences", UNKNOWN)
    maxlen = positional[1] if len(positional) > 1 else keywords.get("maxlen")
    if isinstance(seqs, SymTensor):
        shape = _shape_of(seqs)
        if not isinstance(shape, tuple) or not shape:
            return UNKNOWN
        count, sample = shape[0], shape[2:]
    elif isinstance(seqs, list) and seqs and len(seqs) <= 10_000:
        shapes = [literal_shape(s) for s in seqs]
        if any(not isinstance(s, tuple) or not s for s in shapes):
            return UNKNOWN
        count, sample = len(seqs), shapes[0][1:]
        if maxlen is None:
            maxlen = max(s[0] for s in shapes)
    else:
        return UNKNOWN
    if maxlen is None:
        maxlen = UNKNOWN
    elif not is_int(maxlen) or maxlen < 0:
        return UNKNOWN
    return constant((count, maxlen) + sample)


def call_array_function(path: str, positional, keywords, image_data_format: object = "channels_last"):
    """The value of a call that makes a concrete array, or ``MISSING`` for other functions.
    ``image_data_format`` is Keras's global one: the cifar loaders transpose their images to it, so
    under any other format than ``channels_last`` their arrays are unknown."""
    return _array_function(path, positional, keywords, image_data_format == "channels_last")


def _array_function(path: str, positional, keywords, channels_last: bool):
    parts = path.split(".")
    if parts[0] == "numpy" and len(parts) > 1:
        return numpy_call(".".join(parts[1:]), positional, keywords)
    if parts[0] == "tensorflow" and len(parts) > 1:
        return tf_call(".".join(parts[1:]), positional, keywords)
    if parts[0] != "keras":
        return MISSING
    name = parts[-1]
    if name == "load_data" and len(parts) >= 3 and parts[-3] == "datasets" and parts[-2] in DATASETS:
        return load_data(parts[-2], channels_last)
    if name == "to_categorical" and "utils" in parts:
        return to_categorical(positional, keywords)
    if name == "pad_sequences" and ("utils" in parts or "sequence" in parts):
        return pad_sequences(positional, keywords)
    return MISSING


def array_attribute(tensor: SymTensor, attr: str):
    """``x.T``, ``x.size`` and the methods of a concrete array (``MISSING`` for others)."""
    shape = tensor.shape
    if attr == "T":
        return constant(tuple(reversed(shape))) if isinstance(shape, tuple) else UNKNOWN
    if attr == "size":
        return MATH["prod"](shape) if isinstance(shape, tuple) else UNKNOWN
    if attr in ARRAY_METHODS or attr in ("reshape", "astype", "transpose"):
        return MISSING
    return UNKNOWN


def array_method(tensor: SymTensor, name: str, positional, keywords):
    """``x.reshape(...)``, ``x.astype(...)``, ``x.flatten()``… on a concrete array."""
    if name == "astype":
        return constant(tensor.shape)
    if name == "reshape":
        newshape = positional[0] if len(positional) == 1 else tuple(positional) if positional \
            else keywords.get("shape", UNKNOWN)
        return reshape(tensor.shape, newshape)
    if name == "transpose":
        axes = None if not positional else positional[0] if len(positional) == 1 else tuple(positional)
        return numpy_call("transpose", [tensor], {"axes": axes})
    if name in ("flatten", "ravel"):
        return numpy_call("ravel", [tensor], {})
    if name in ARRAY_METHODS:
        return numpy_call(name, [tensor] + list(positional), keywords)
    return UNKNOWN
