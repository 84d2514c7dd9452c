"""Calling ``keras.ops`` functions (and ``keras.activations``): the interpreter hands every such
call here.

Three cases, as in Keras:

* an op on at least one symbolic tensor records an operation in the graph (a row in functional
  summaries, named as Keras names the op's class), with constants as plain operands;
* an op on tensors traced inside a layer's ``call`` (no history) records nothing named;
* an op on constants only (``ops.arange(0, 16)``, ``ops.ones((1, 4))``, array literals) computes
  a concrete array in Keras: a tensor of known shape that is no graph node and no row.

Array literals in tensor positions become shapes; an argument we cannot know (``?``) in an op
without symbolic tensors makes the result unknown, since that argument could have been symbolic.
"""

from __future__ import annotations

import ast
import inspect

from ..engine import ShapeError
from ..engine.layer import to_snake_case
from ..engine.ops import literal_shape, op_output_shape, op_rule
from ..engine.shape import UNKNOWN
from . import calls
from .keras_api import camel_case
from .pybuiltins import MATH
from .result import CallResult
from .values import SymTensor, UnknownOp, oversized


def op_name_of(path: str, name: str, kind: str) -> str:
    """``keras.ops.image.resize`` → ``image.resize``; ``keras.ops.nn.relu`` → ``nn.relu``."""
    if kind == "op":
        parts = path.split(".")
        if "ops" in parts:
            return ".".join(parts[parts.index("ops") + 1:])
    return name


def _default_data_format(rule, engine_pos, engine_kw, image_data_format) -> None:
    """An op's ``data_format=None`` is Keras's global image data format, once the code sets one."""
    names = list(inspect.signature(rule.fn).parameters)
    if "data_format" not in names or engine_kw.get("data_format") is not None:
        return
    index = names.index("data_format")
    if index < len(engine_pos):
        if engine_pos[index] is None:
            engine_pos[index] = image_data_format
        return
    engine_kw["data_format"] = image_data_format


def call_op(interp, path: str, name: str, kind: str, positional: list, keywords: dict, node):
    rec = interp.rec
    qualified = op_name_of(path, name, kind)
    if name == "shape" and positional and isinstance(positional[0], SymTensor):
        shape = positional[0].shape
        return shape if isinstance(shape, tuple) else UNKNOWN
    tensors = calls.tensors_in(positional) + calls.tensors_in(keywords)
    symbolic = [t for t in tensors if t.node is not None]
    if not tensors:
        # on plain numbers an op is arithmetic (``ops.sqrt(32.0)``), not a graph operation
        fn = MATH.get(name)
        if fn is not None and positional and not keywords and all(
                isinstance(a, (int, float)) for a in positional):
            return fn(*positional)
    rule = op_rule(qualified)
    traced = [t for t in tensors if t.node is None and not t.constant]
    if not symbolic and not traced and (rule is None or _holds_unknown(positional) or _holds_unknown(keywords)):
        return UNKNOWN               # an unknown argument might have been a symbolic tensor
    if rule is not None:
        class_name = rule.keras_class
    else:
        class_name = camel_case(name)
    if kind == "activation":
        class_name = "ReLU" if name == "relu" else camel_case(name)
    snake = to_snake_case(class_name) if kind == "activation" or rule is not None else name
    engine_pos, engine_kw = engine_arguments(rule, positional, keywords)
    if rule is not None and interp.image_data_format != "channels_last":
        _default_data_format(rule, engine_pos, engine_kw, interp.image_data_format)
    try:
        shape = op_output_shape(qualified, engine_pos, engine_kw, traced=bool(traced) and not symbolic)
    except ShapeError as error:
        rec.error(node, error.code, error.message)
        shape = UNKNOWN
    if symbolic or traced:
        op = UnknownOp(interp.op_name(snake, symbolic or traced), class_name, node)
        op.keras_op = True                  # a bare op row: no weights, no MACs of its own (macs.py)
        return calls.attach_call(rec, op, symbolic or traced, shape, node, kind="layer")
    # constants only: a concrete array in Keras, no node and no row
    outputs = calls.wrap_output(shape, None)
    for tensor in calls.tensors_in(outputs if isinstance(outputs, (list, tuple)) else [outputs]):
        tensor.constant = True
    rec.record_call(node, CallResult(snake, class_name, shape, calls.NO_PARAMS, None, None, calls.NO_PARAMS))
    return outputs


def engine_arguments(rule, positional: list, keywords: dict):
    """Tensors → shapes, array literals in tensor positions → their shapes, the rest as literals."""
    if rule is None:
        return ([calls.to_engine(a) for a in positional], {k: calls.to_engine(v) for k, v in keywords.items()})
    pos = [_convert(rule, i, v) for i, v in enumerate(positional)]
    kw = {k: _convert(rule, k, v) for k, v in keywords.items()}
    return pos, kw


def _convert(rule, where, value):
    role = rule.role(where)
    if role == "tensor" or (role == "list" and isinstance(where, int) and where >= len(rule.params)):
        return _tensor(value)
    if role == "list":
        if isinstance(value, (list, tuple)) and not oversized(value):
            return [_tensor(v) for v in value]
        return UNKNOWN
    if isinstance(value, SymTensor):
        return UNKNOWN               # a tensor where Keras wants a literal: its value is unknown
    return calls.to_engine(value)


def _tensor(value):
    if isinstance(value, SymTensor):
        return value.shape
    if value is None:
        return None
    if isinstance(value, (list, tuple)) and oversized(value):
        return UNKNOWN
    return literal_shape(value)


def _holds_unknown(value, depth: int = 0) -> bool:
    if value is UNKNOWN or depth > 16:
        return True
    if isinstance(value, (list, tuple)):
        return oversized(value) if depth == 0 and oversized(value) else any(
            _holds_unknown(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return any(_holds_unknown(v, depth + 1) for v in value.values())
    return False


# ``x > y`` on a tensor is ``ops.greater`` (``KerasTensor.__gt__``); ``==`` stays Python's.
COMPARISONS = {ast.Lt: "Less", ast.LtE: "LessEqual", ast.Gt: "Greater", ast.GtE: "GreaterEqual",
               ast.NotEq: "NotEqual"}


def compare(interp, op, left, right, node, chained: int):
    op_class = COMPARISONS.get(type(op))
    if op_class is None or chained != 1:
        return UNKNOWN
    return calls.tensor_operator(interp.rec, op_class, left, right, node, to_snake_case(op_class))
