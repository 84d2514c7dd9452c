"""Calling Keras objects on symbolic tensors: layers (through the engine), ``keras.Input``,
operators between tensors, models used as layers, and building Sequential models.

Every call records its result at a source site, and a ``ShapeError`` from the engine becomes a
diagnostic there; the failed call's output is a tensor of unknown shape, so one mistake is
reported once rather than on every later line.
"""

from __future__ import annotations

import ast
from typing import cast

from ..engine import REGISTRY, ShapeError, create_layer
from ..engine.args import parse_signature
from ..engine.layer import NO_PARAMS, UNKNOWN_PARAMS
from ..engine.shape import UNKNOWN, Shape, Shapes, is_int
from .autonames import stored
from .keras_api import BUILD_CREATES, MASK_CONSUMERS, MASK_PROPAGATORS, classify
from .macs import call_macs
from .models import MAX_MODEL_NESTING, FunctionalModel, ModelObj, SequentialModel, flatten, too_deep
from .recorder import Recorder
from .result import CallResult
from .values import (
    MISSING,
    InputObj,
    Instance,
    KerasRef,
    LayerObj,
    Node,
    Operation,
    OpObj,
    SymTensor,
    UnknownOp,
    oversized,
)

# ---- conversions between interpreter values and engine arguments -----------------------------

_PLAIN = frozenset({str, float, bool, type(None)})     # engine arguments as they are


def to_engine(value, depth: int = 0):
    """Interpreter value → engine argument: tensors become shapes, layers become rules."""
    if depth > 20:
        return UNKNOWN
    if isinstance(value, SymTensor):
        # a NumPy scalar (0-d constant) stands for a number whose value is unknown, not a shape
        return UNKNOWN if value.constant and value.shape == () else value.shape
    kind = type(value)        # the usual arguments next, without the checks below
    if kind in _PLAIN:
        return value
    if isinstance(value, int):          # bools are plain, above
        return UNKNOWN if value.bit_length() > 63 else value    # beyond int64: Keras cannot hold it either
    if depth == 0 and isinstance(value, (list, tuple, dict)) and oversized(value):
        return UNKNOWN
    if isinstance(value, LayerObj):
        return value.engine
    if isinstance(value, Instance):
        return UNKNOWN
    if isinstance(value, list):
        return [to_engine(v, depth + 1) for v in value]
    if isinstance(value, tuple):
        return tuple(to_engine(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return {k: to_engine(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (float, str)) or value is UNKNOWN:
        return value
    return UNKNOWN


def tensors_in(value, depth: int = 0) -> list[SymTensor]:
    if depth > 20:
        return []
    if isinstance(value, SymTensor):
        return [value]
    kind = type(value)
    if kind in _PLAIN or kind is int:
        return []
    if depth == 0 and isinstance(value, (list, tuple, dict)) and oversized(value):
        return []
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in tensors_in(v, depth + 1)]
    if isinstance(value, dict):
        return [t for v in value.values() for t in tensors_in(v, depth + 1)]
    return []


def wrap_output(output, node: Node | _Detached | None):
    """Engine output structure → SymTensors produced by ``node``."""
    if type(output) is tuple and output and (output[0] is None or type(output[0]) is int):
        return SymTensor(_sane_shape(output), node if isinstance(node, Node) else None, 0)   # one shape
    counter = [0]

    def wrap(item):
        if isinstance(item, list):
            return [wrap(i) for i in item]
        if isinstance(item, tuple) and item and all(isinstance(i, tuple) or i is UNKNOWN for i in item) \
                and any(isinstance(i, tuple) for i in item):
            return tuple(wrap(i) for i in item)
        owner = node if isinstance(node, Node) else None
        tensor = SymTensor(_sane_shape(item), owner, counter[0])
        counter[0] += 1
        return tensor

    return wrap(output)


def _sane_shape(shape):
    """A shape whose dims are all sizes: anything else a rule let through (a string, a negative
    number from a user's ``output_shape``) is unknown, never a number we would print or count."""
    if not isinstance(shape, tuple):
        return UNKNOWN
    return tuple(d if d is None or d is UNKNOWN or (isinstance(d, int) and not isinstance(d, bool) and d >= 0)
                 else UNKNOWN for d in shape)


def output_shapes(structure, depth: int = 0):
    if depth > 20 or (depth == 0 and isinstance(structure, (list, tuple)) and oversized(structure)):
        return UNKNOWN
    if isinstance(structure, SymTensor):
        return structure.shape
    if isinstance(structure, list):
        return [output_shapes(s, depth + 1) for s in structure]
    if isinstance(structure, tuple):
        return tuple(output_shapes(s, depth + 1) for s in structure)
    return UNKNOWN


# ---- inputs ------------------------------------------------------------------------------------

def make_input(rec: Recorder, batch_shape, name, site: ast.AST | None) -> SymTensor:
    op = InputObj(name if isinstance(name, str) else rec.unique_name("input_layer"), batch_shape, site)
    op.named = isinstance(name, str)     # the tensor's name too (else Keras's ``keras_tensor_N``)
    tensor = SymTensor(batch_shape)
    node = Node(op, [], tensor, is_input=True)
    tensor.node = node
    op.nodes.append(node)
    return tensor


def input_layer_of(tensor: SymTensor) -> InputObj:
    """The ``InputLayer`` behind a tensor ``make_input`` made (whose node is always set)."""
    return cast(Node, tensor.node).operation


# ---- layers --------------------------------------------------------------------------------

def new_layer(rec: Recorder, class_name: str, positional: list, keywords: dict, site: ast.AST,
              image_data_format: object = "channels_last"):
    """Construct a layer stand-in; ``None`` when the engine does not know the class.
    ``image_data_format`` is Keras's global one, the default of a ``data_format`` left unset."""
    engine_pos = [to_engine(v) for v in positional]
    engine_kw = {k: to_engine(v) for k, v in keywords.items()}
    if class_name not in REGISTRY:
        return None
    if image_data_format != "channels_last":
        _default_data_format(class_name, engine_pos, engine_kw, image_data_format)
    if class_name == "RNN":      # a cell of the user's own class: the RNN rule on its sizes
        _user_cell_argument(positional, keywords, engine_pos, engine_kw)
    try:
        layer = create_layer(class_name, engine_pos, engine_kw)
    except ShapeError as error:
        rec.error(site, error.code, error.message)
        return "error"
    except Exception:  # noqa: BLE001 - a rule bug must never take the analysis down
        return None
    if "name" not in engine_kw or not isinstance(engine_kw.get("name"), str):
        layer.name = rec.unique_name(layer.name)
        stored(layer, "name", layer.name)
    obj = LayerObj(layer, site)
    shape = engine_kw.get("input_shape")
    if shape is None and engine_kw.get("input_dim") is not None and not _own_input_dim(class_name):
        dim = engine_kw["input_dim"]
        shape = (dim if is_int(dim) else UNKNOWN,)     # an unknown size still builds the model
    if shape is not None:
        obj.input_shape_arg = shape
        if engine_kw.get("batch_size") is not None:
            obj.input_batch = engine_kw.get("batch_size")
    return obj


def _own_input_dim(class_name: str) -> bool:
    """Whether ``input_dim`` is the layer's own argument (``Embedding``'s vocabulary size), not
    Keras's ``Layer(input_dim=k)`` shorthand for ``input_shape=(k,)``."""
    return "input_dim" in parse_signature(REGISTRY[class_name].signature).names


def _default_data_format(class_name, engine_pos, engine_kw, image_data_format) -> None:
    """A ``data_format`` the code leaves unset (or ``None``) is Keras's global image data format."""
    signature = parse_signature(REGISTRY[class_name].signature)
    names = signature.names + signature.keyword_only
    if "data_format" not in names or engine_kw.get("data_format") is not None:
        return
    if "data_format" in signature.names and signature.names.index("data_format") < len(engine_pos):
        index = signature.names.index("data_format")
        if engine_pos[index] is None:
            engine_pos[index] = image_data_format
        return
    engine_kw["data_format"] = image_data_format


def _user_cell_argument(positional, keywords, engine_pos, engine_kw) -> None:
    from ..engine.layers.rnn import UserCell

    cell = positional[0] if positional else keywords.get("cell")
    if not isinstance(cell, Instance) or "state_size" not in cell.attrs:
        return
    state = to_engine(cell.attrs["state_size"])
    state = list(state) if isinstance(state, tuple) else state
    user_cell = UserCell(state, to_engine(cell.attrs["output_size"]) if "output_size" in cell.attrs else None)
    if positional:
        engine_pos[0] = user_cell
    else:
        engine_kw["cell"] = user_cell


def apply_layer(rec: Recorder, op: LayerObj, positional: list, keywords: dict, site: ast.AST | None,
                first_build: bool | None = None):
    """``layer(*positional, **keywords)`` on symbolic tensors; returns the output structure
    (``first_build``: this call builds the layer, when its own ``build`` already ran)."""
    single = positional[0] if len(positional) == 1 and not keywords else None
    if type(single) is SymTensor:           # the usual call, ``layer(x)``, without the walks below
        inputs = [single]
        engine_pos: list = [to_engine(single)]
        engine_kw: dict = {}
    else:
        inputs = tensors_in(positional) + tensors_in(keywords)
        if _unseen_input(positional, keywords) and not is_private(inputs):
            inputs.append(unseen_tensor())      # a tensor from a part of the graph we cannot see
        engine_pos = [to_engine(v) for v in positional]
        engine_kw = {k: to_engine(v) for k, v in keywords.items()}
    if first_build is None:
        first_build = op.engine.weights is None
    try:
        applied = op.engine.apply(engine_pos, engine_kw)
        output, derivation, key = applied.output, applied.derivation, applied.key
    except ShapeError as error:
        rec.error(site, error.code, error.message)
        output, derivation, key = UNKNOWN, None, None
        if op.engine.weights is None:
            op.engine.weights = NO_PARAMS
    except Exception:  # noqa: BLE001 - a rule bug gives "?", never a crash
        output, derivation, key = UNKNOWN, None, None
        if op.engine.weights is None:
            op.engine.weights = UNKNOWN_PARAMS
    mask = inputs[0].mask if inputs else None
    if mask is not None and op.engine.keras_name in MASK_CONSUMERS and tensor_arguments(positional, keywords) == 1:
        inputs = inputs + [mask]
    node = new_node(op, inputs) or _Detached()
    node.outputs = wrap_output(output, node)
    node.replay = ("layer", positional, keywords)
    node.macs = call_macs(op, engine_pos, engine_kw, output, key)
    propagate_mask(rec, op, inputs, mask, node.outputs, site)
    if first_build:
        for prefix in BUILD_CREATES.get(op.engine.keras_name, ()):
            rec.unique_name(prefix)    # sublayers Keras creates (and names) when it builds
    layer_params = op.param_count()
    params = layer_params if first_build and op.engine.weights is not None else None
    rec.record_call(site, CallResult(op.name, op.class_name, output, params,
                                     derivation, engine_pos[0] if engine_pos else UNKNOWN,
                                     layer_params, op, (engine_pos, engine_kw), node.macs))
    return node.outputs


def tensor_arguments(positional: list, keywords: dict) -> int:
    """How many arguments hold tensors: Keras passes the first input's mask as ``mask=`` only
    when there is exactly one (``Layer.__call__``, step 6), so ``rnn(x, initial_state=s)`` does not
    consume the mask and its ``NotEqual`` is no row."""
    return sum(1 for v in list(positional) + list(keywords.values()) if tensors_in(v))


def is_private(inputs: list[SymTensor]) -> bool:
    """Tensors with no history are what a subclassed model's ``call`` sees while Keras traces
    it: layers called on them record no node, and ops on them create no named operation."""
    return bool(inputs) and all(t.node is None for t in inputs)


def new_node(op: Operation, inputs: list[SymTensor]) -> Node | None:
    """A node recording this call, or None for a call on traced (private) tensors.  Constants
    among symbolic inputs are plain operands in Keras, not node inputs."""
    if is_private(inputs):
        return None
    node = Node(op, [t for t in inputs if t.node is not None], None)
    op.nodes.append(node)
    return node


class _Detached:
    """Stands in for a node when the call is not recorded: outputs stay private."""

    outputs = None
    replay = None
    macs = None


def propagate_mask(rec: Recorder, op: LayerObj, inputs, mask, outputs, site) -> None:
    if not isinstance(outputs, SymTensor) or outputs.node is None:
        return
    args, class_name = op.engine.args, op.engine.keras_name
    if class_name == "Embedding" and args.get("mask_zero") is True and inputs:
        source = inputs[0]
        ne = OpObj(rec.unique_name("not_equal"), "NotEqual", site)
        ne_node = Node(ne, [source], None)
        ne_node.outputs = SymTensor(source.shape, ne_node)
        ne.nodes.append(ne_node)
        outputs.mask = ne_node.outputs
    elif class_name == "Masking" and inputs:
        # Masking computes any(not_equal(x, mask_value), axis=-1): two ops, the second is the mask
        source = inputs[0]
        ne = OpObj(rec.unique_name("not_equal"), "NotEqual", site)
        ne_node = Node(ne, [source], None)
        ne_node.outputs = SymTensor(source.shape, ne_node)
        ne.nodes.append(ne_node)
        any_op = OpObj(rec.unique_name("any"), "Any", site)
        any_node = Node(any_op, [ne_node.outputs], None)
        reduced = source.shape[:-1] if isinstance(source.shape, tuple) and source.shape else UNKNOWN
        any_node.outputs = SymTensor(reduced, any_node)
        any_op.nodes.append(any_node)
        outputs.mask = any_node.outputs
    elif mask is not None and class_name in MASK_PROPAGATORS:
        outputs.mask = mask
    elif mask is not None and class_name in MASK_CONSUMERS and args.get("return_sequences") is True:
        outputs.mask = mask


def attach_call(rec: Recorder, op: Operation, inputs_value, output_structure_shapes, site, kind="model",
                replay=None, macs=None):
    """Record that ``op`` (a model or custom layer) was called: a node with fresh output tensors."""
    node = new_node(op, tensors_in(inputs_value)) or _Detached()
    node.outputs = wrap_output(output_structure_shapes, node)
    node.replay = replay
    node.macs = macs
    rec.record_call(site, CallResult(op.name, op.class_name, output_structure_shapes, op.param_count(),
                                     None, output_shapes(inputs_value), op.param_count(), op,
                                     node=node), kind=kind)
    return node.outputs


def record_unknown_call(rec: Recorder, op: Operation, positional: list, site):
    node = new_node(op, tensors_in(positional)) or _Detached()
    node.outputs = wrap_output(UNKNOWN, node)
    rec.record_call(site, CallResult(op.name, op.class_name, UNKNOWN, None, None))
    return node.outputs


# ---- operators between tensors -------------------------------------------------------------

OPERATOR_OPS = {
    ast.Add: "Add", ast.Sub: "Subtract", ast.Mult: "Multiply", ast.Div: "TrueDivide",
    ast.Pow: "Power", ast.FloorDiv: "FloorDivide", ast.Mod: "Mod", ast.MatMult: "Matmul",
}


def operand_shape(value):
    if isinstance(value, SymTensor):
        return value.shape
    if isinstance(value, bool) or isinstance(value, (int, float)):
        return ()
    return UNKNOWN


def tensor_operator(rec: Recorder, op_class: str, left, right, site: ast.AST, snake: str):
    """``x + y`` and friends: Keras records an op (``Add``, ``TrueDivide``...) in the graph."""
    from ..engine.layers.merging import broadcast_shapes
    from ..engine.ops import matmul

    inputs = tensors_in([left, right])
    op = OpObj(snake if is_private(inputs) else rec.unique_name(snake), op_class, site)
    a, b = operand_shape(left), operand_shape(right)
    shape: Shapes = UNKNOWN
    if a is not UNKNOWN and b is not UNKNOWN:
        try:
            shape = matmul(a, b) if op_class == "Matmul" else broadcast_shapes(a, b)
        except ShapeError as error:
            if not (inputs and all(t.constant for t in inputs)):   # NumPy's errors are not ours
                rec.error(site, error.code, error.message)
            shape = UNKNOWN
    node = new_node(op, inputs) or _Detached()
    node.outputs = wrap_output(shape, node)
    node.replay = ("operator", op_class, left, right)
    if inputs and all(t.constant for t in inputs) and isinstance(node.outputs, SymTensor):
        node.outputs.constant = True        # arithmetic on concrete arrays gives one (no op, no call)
        return node.outputs
    rec.record_call(site, CallResult(op.name, op_class, shape, NO_PARAMS, None, [a, b], NO_PARAMS))
    return node.outputs


def unary_tensor_op(rec: Recorder, op_class: str, snake: str, operand: SymTensor, site):
    op = OpObj(snake if is_private([operand]) else rec.unique_name(snake), op_class, site)
    node = new_node(op, [operand]) or _Detached()
    node.outputs = wrap_output(operand.shape, node)
    node.replay = ("same", operand)
    rec.record_call(site, CallResult(op.name, op_class, operand.shape, NO_PARAMS, None, operand.shape, NO_PARAMS))
    return node.outputs


# ---- Sequential ------------------------------------------------------------------------------

_TOO_DEEP = f"analysis stopped: models nested more than {MAX_MODEL_NESTING} deep"


def sequential_add(rec: Recorder, model: SequentialModel, item, site, call_layer, rebuild: bool = True) -> None:
    """``Sequential.add``: the first layer's ``input_shape=`` (or a ``keras.Input``) builds it.
    An ``add`` in a branch that may not run (or a loop of unknown length) leaves the model's rows
    and totals unknown."""
    if rec.branching > getattr(model, "made_branching", 0):
        model.complete = False
        model.rows_unknown_from(len(model.layers))    # this row may or may not be there
    if isinstance(item, SymTensor) and item.node is not None and isinstance(item.node.operation, InputObj):
        model.input_layer = item.node.operation
        model.inputs = item
        model.outputs = item
        return
    if isinstance(item, Instance):
        item = item.keras_object
    if not isinstance(item, Operation):
        # a value the analysis could not follow: a layer (one row) or an Input (none) whose
        # output shape is unknown, so the rows from here on and the shapes after it are unknown
        model.complete = False
        model.rows_unknown_from(len(model.layers))
        if model.outputs is not None:
            model.outputs = SymTensor(UNKNOWN)
        return
    if isinstance(item, ModelObj) and too_deep(item, MAX_MODEL_NESTING - 1):
        rec.limit(site, _TOO_DEEP)
        model.complete = False
        return
    if isinstance(item, InputObj):
        model.input_layer = item
        model.inputs = model.outputs = item.nodes[0].outputs if item.nodes else SymTensor(item.batch_shape)
        return
    given = getattr(item, "input_shape_arg", None)     # a layer's (or a subclassed model's) ``input_shape=``
    if not model.layers and model.input_layer is None and given is not None:
        shape = tuple(given) if isinstance(given, (list, tuple)) else UNKNOWN
        batch = getattr(item, "input_batch", None)
        tensor = make_input(rec, (batch,) + shape if shape is not UNKNOWN else UNKNOWN, None, None)
        model.input_layer = input_layer_of(tensor)
        model.inputs = model.outputs = tensor
    model.layers.append(item)
    if model.outputs is None and model.input_layer is None and len(model.layers) == 2:
        _build_on_first_model(rec, model, call_layer)
    if model.outputs is not None:
        model.outputs = call_layer(item, [model.outputs], {}, item.site)
        if rebuild:
            rec.unique_name("functional")   # each rebuild makes an internal Functional


def _build_on_first_model(rec: Recorder, model: SequentialModel, call_layer) -> None:
    """Keras's ``_maybe_rebuild``: a Sequential whose first layer is a built model (it has an
    ``input_shape``) builds on that shape once it has a second layer: a new InputLayer."""
    first = model.layers[0]
    if not isinstance(first, (FunctionalModel, SequentialModel)) or first.inputs is None:
        return
    sources = flatten(first.inputs)
    if len(sources) != 1 or not isinstance(sources[0], SymTensor) or not isinstance(sources[0].shape, tuple):
        return
    tensor = make_input(rec, sources[0].shape, None, None)
    model.input_layer = input_layer_of(tensor)
    model.inputs = tensor
    model.outputs = call_layer(first, [tensor], {}, first.site)


def sequential_build(rec: Recorder, model: SequentialModel, batch_shape, call_layer) -> None:
    """``model.build(input_shape)``: an InputLayer, then every layer in turn."""
    if model.input_layer is not None or not model.layers:
        return
    tensor = make_input(rec, batch_shape, None, None)
    model.input_layer = input_layer_of(tensor)
    model.inputs = x = tensor
    for layer in model.layers:
        x = call_layer(layer, [x], {}, layer.site)
    model.outputs = x
    rec.unique_name("functional")


def call_model(rec: Recorder, model: ModelObj, positional: list, keywords: dict, site, call_layer):
    """A model used as a layer: one node, its outputs computed from the model's own graph.  A
    built model called on other shapes keeps its own rows (Keras's ``compute_output_spec`` runs
    the graph without adding nodes to its layers): only the outer node gets the new shapes."""
    from .replay import replay_model

    if too_deep(model):
        rec.limit(site, _TOO_DEEP)
        return UNKNOWN
    inputs = positional[0] if positional else keywords.get("inputs", UNKNOWN)
    if isinstance(model, SequentialModel) and model.outputs is None:
        # an unbuilt Sequential called on a tensor builds on it (an InputLayer, a Functional)
        rec.unique_name("input_layer")
        rec.unique_name("functional")
        x = inputs
        rec.traces.append([])
        try:
            for layer in model.layers:
                x = call_layer(layer, [x], {}, layer.site)
        finally:
            model.trace = rec.traces.pop()     # its calls, for MACs when they left no nodes
        model.outputs = x
        model.inputs = inputs
        shapes = output_shapes(x)
    elif model.outputs is not None and not tensors_in(inputs):
        # concrete data (or a value we cannot know): a built model runs eagerly, no node, and
        # its summary keeps the shapes it was built with
        shapes = _unknown_like(model.outputs)
        rec.record_call(site, CallResult(model.name, model.class_name, shapes, model.param_count(), None,
                                         output_shapes(inputs), model.param_count(), model), kind="model")
        return shapes
    elif hasattr(model, "output_for"):       # a backbone: built again for other sizes
        shapes = model.output_for(output_shapes(inputs))
    elif isinstance(model, (SequentialModel, FunctionalModel)):
        shapes = replay_model(model, output_shapes(inputs))
    else:
        shapes = _unknown_like(model.outputs)
    return attach_call(rec, model, inputs, shapes, site, replay=("model", inputs))


def _unknown_like(structure):
    if isinstance(structure, list):
        return [_unknown_like(s) for s in structure]
    if isinstance(structure, tuple) and not isinstance(structure, SymTensor):
        return tuple(_unknown_like(s) for s in structure)
    return UNKNOWN


def functional_model(rec: Recorder, inputs, outputs, name, site, class_name="Functional") -> FunctionalModel:
    name = name if isinstance(name, str) else rec.unique_name("functional")
    return FunctionalModel(name, inputs, outputs, site, class_name)


__all__ = [
    "apply_layer", "attach_call", "call_model", "flatten", "functional_model", "make_input",
    "new_layer", "sequential_add", "sequential_build", "tensor_operator", "to_engine",
]


class EitherOp(UnknownOp):
    """Stands for "one of several tensors, depending on a value we cannot know": the shapes
    they agree on survive; a model built through it has unknown rows and totals."""


def _unseen_input(positional: list, keywords: dict) -> bool:
    """Whether a layer's main input (its first argument, a tensor or a list of them in Keras) is
    a value the analysis could not follow: it comes from graph we cannot see."""
    main = positional[0] if positional else keywords.get("inputs", MISSING)
    if isinstance(main, (list, tuple)):
        return any(_unseen(item) for item in main)
    return _unseen(main)


def _unseen(value) -> bool:
    """``?``, or a name from a module we do not read (``from data import features``)."""
    return value is UNKNOWN or (isinstance(value, KerasRef) and classify(value.path)[0] == "external")



def unseen_tensor() -> SymTensor:
    """A tensor computed by layers the analysis cannot see: a model built through it has unknown
    rows and totals (as through ``either_tensor``)."""
    return either_tensor([SymTensor(UNKNOWN)])


def either_tensor(tensors: list[SymTensor]) -> SymTensor:
    shapes = [t.shape for t in tensors]
    first = shapes[0]
    shape: Shape
    if all(isinstance(s, tuple) and len(s) == len(first) for s in shapes):
        shape = tuple(d if all(s[i] == d and type(s[i]) is type(d) for s in shapes) else UNKNOWN
                      for i, d in enumerate(first))
    else:
        shape = UNKNOWN
    op = EitherOp("?", "?", None)
    node = Node(op, [], None)
    node.outputs = SymTensor(shape, node)
    op.nodes.append(node)
    return node.outputs
