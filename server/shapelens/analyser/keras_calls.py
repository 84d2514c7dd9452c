"""The Keras adapter of the abstract interpreter: constructing layers, ``keras.Input``, Sequential,
functional and ``keras.applications`` models, ``keras.ops`` calls, calling subclassed models and
custom layers (``build`` then ``call`` on private tensors), ``Lambda`` layers, and the methods and
attributes of Keras objects (``model.add``, ``build``, ``add_weight``, ``get_layer``, ``.output``).
Subclasses of built-in layers and ``add_weight`` are in ``user_layers.py`` (a base of this mixin)."""

from __future__ import annotations

import ast
import math
from typing import cast

from ..engine import Derivation
from ..engine.layer import UNKNOWN_PARAMS, to_snake_case
from ..engine.layers.core import input_batch_shape
from ..engine.macs import total_macs
from ..engine.shape import UNKNOWN, Unknown
from . import arrays, calls, legacy_backend, npvalues, op_calls
from .autonames import used
from .inlined import BackboneLayer
from .keras_api import MERGE_FUNCTIONS, classify
from .macs import result_macs
from .models import FunctionalModel, ModelObj, SequentialModel, SubclassModel, flatten
from .pybuiltins import MATH
from .traced import record_run, trace_build
from .user_layers import UserLayersMixin, builtin_layer_parent
from .values import (
    MISSING,
    BuiltinMethod,
    InputObj,
    Instance,
    KerasRef,
    KerasVariable,
    LayerObj,
    Operation,
    Partial,
    SymTensor,
    UnknownOp,
    UserFunction,
    UserLayerObj,
    private_copy,
    tensor_structure,
)

# TensorFlow functions a custom layer's ``call`` uses on its tensors, as the keras.ops they equal.
TF_OPS = {"tensorflow.matmul": "matmul", "tensorflow.linalg.matmul": "matmul"}
# TensorFlow's element-wise functions inside a traced call: the shape-keeping ``keras.ops`` rule.
TF_OPS.update({f"tensorflow.{module}{name}": name for module in ("", "math.", "nn.") for name in (
    "sigmoid", "tanh", "exp", "sqrt", "square", "abs", "sin", "cos", "log")})
TF_OPS.update({f"tensorflow.nn.{name}": name for name in ("relu", "relu6", "elu", "selu", "softplus")})
# TensorFlow functions that are a ``keras.ops`` function under another name or with other keyword
# names (``tf.expand_dims(x, axis=-1)`` in a ``Lambda``): path -> (op, {TensorFlow keyword: Keras
# keyword}).  A keyword not listed (other than ``name``) leaves the call ``?``.
_AXIS = {"axis": "axis"}
_REDUCE = {"axis": "axis", "keepdims": "keepdims"}
TF_RENAMED = {
    "tensorflow.expand_dims": ("expand_dims", _AXIS), "tensorflow.squeeze": ("squeeze", _AXIS),
    "tensorflow.concat": ("concatenate", _AXIS), "tensorflow.stack": ("stack", _AXIS),
    "tensorflow.transpose": ("transpose", {"perm": "axes"}), "tensorflow.tile": ("tile", {"multiples": "repeats"}),
    "tensorflow.reshape": ("reshape", {"shape": "newshape"}),
    "tensorflow.linspace": ("linspace", {"num": "num"}),
    "tensorflow.identity": ("copy", {}),
}
TF_RENAMED.update({f"tensorflow.{module}reduce_{name}": (name, _REDUCE) for module in ("", "math.")
                   for name in ("mean", "sum", "max", "min", "prod")})
TF_RENAMED.update({path: (name, {}) for path, name in TF_OPS.items()})

# Arguments a built-in layer keeps as attributes unchanged (what a subclass reads: ``self.units``).
LAYER_ATTRIBUTES = frozenset({"units", "filters", "output_dim", "input_dim", "num_heads", "key_dim"})


def dense_weight(engine, attr: str):
    """``self.kernel`` / ``self.bias`` of a built ``Dense`` (what a subclass's ``call`` uses)."""
    shape, units = engine.built_input_shape, engine.args.peek("units")
    if engine.weights is None or not isinstance(shape, tuple) or not shape or not isinstance(units, int):
        return UNKNOWN
    if attr == "bias":
        return SymTensor((units,)) if engine.args.peek("use_bias") is not False else None
    return SymTensor((shape[-1], units)) if isinstance(shape[-1], int) else SymTensor(UNKNOWN)

# Keras's global image data format: ``"channels_last"`` unless the code sets another (the engine's
# layers assume the default too).  ``keras.backend`` keeps the Keras 2 spellings.
# ``tf.keras.backend``'s Keras 2 functions (``K.int_shape``, ``K.mean``): ``legacy_backend.py``.
VARIABLES = frozenset({"keras.Variable", "keras.variables.Variable", "keras.backend.Variable"})
IMAGE_DATA_FORMAT_GETTERS = frozenset({"keras.backend.image_data_format", "keras.config.image_data_format"})
IMAGE_DATA_FORMAT_SETTERS = frozenset({"keras.backend.set_image_data_format", "keras.config.set_image_data_format"})

# ``keras.Input``'s parameters, and ``InputLayer``'s (in their order: positional arguments bind to them).
INPUT_PARAMETERS = ("shape", "batch_size", "dtype", "sparse", "ragged", "batch_shape", "name", "tensor", "optional")
INPUT_LAYER_PARAMETERS = ("shape", "batch_size", "dtype", "sparse", "ragged", "batch_shape", "input_tensor",
                          "optional", "name")

# Model methods that build an unbuilt model on the data they are given.
DATA_BUILDERS = frozenset({"fit", "evaluate", "predict", "train_on_batch", "test_on_batch", "predict_on_batch",
                           "fit_generator", "evaluate_generator", "predict_generator"})


class KerasCallsMixin(UserLayersMixin):   # the user's own layer classes: user_layers.py
    def keras_attribute(self, op: Operation, attr: str, receiver):
        if attr == "name":
            used(op.name)        # the user's code now depends on the name's text
            return op.name
        if attr == "trainable":
            if isinstance(op, BackboneLayer):
                return op.trainable
            return getattr(getattr(op, "engine", None), "trainable", True)
        if attr in ("output", "outputs"):
            if isinstance(op, ModelObj) and op.outputs is not None:
                out = op.outputs
                return list(flatten(out)) if attr == "outputs" and not isinstance(out, list) else out
            if op.nodes:
                return op.nodes[-1].outputs
            return UNKNOWN
        if attr in ("input", "inputs"):
            if isinstance(op, ModelObj) and op.inputs is not None:
                inp = op.inputs
                return list(flatten(inp)) if attr == "inputs" and not isinstance(inp, list) else inp
            return UNKNOWN
        if attr == "layers" and isinstance(op, ModelObj):
            if not op.rows_known:
                return UNKNOWN          # which layers, and where, depends on an undecided branch
            layers = [l for l in op.summary_layers() if not (isinstance(l, InputObj) and isinstance(op, SequentialModel))]
            return layers
        if attr in ("output_shape", "input_shape"):
            return UNKNOWN
        if attr in LAYER_ATTRIBUTES and isinstance(op, LayerObj):
            value = op.engine.args.peek(attr)   # stored by Keras as given (``self.units = units``)
            return value if isinstance(value, int) and not isinstance(value, bool) else UNKNOWN
        if attr in ("kernel", "bias") and isinstance(op, LayerObj) and op.engine.keras_name == "Dense":
            return dense_weight(op.engine, attr)
        return BuiltinMethod(receiver, attr)

    def op_name(self, snake: str, tensors) -> str:
        """Ops on traced (private) tensors take no uid, as under Keras's tracing."""
        return snake if calls.is_private(tensors) else self.rec.unique_name(snake)

    def call_lambda(self, layer: LayerObj, positional, keywords, node):
        """A ``Lambda`` without ``output_shape``: Keras traces the function to learn its output;
        we interpret the function on traced (private) tensors, reporting nothing from inside."""
        explicit = layer.python_output_shape
        inputs = positional[0] if positional else keywords.get("inputs", UNKNOWN)
        if explicit is not None and not isinstance(explicit, UserFunction):
            return calls.apply_layer(self.rec, layer, positional, keywords, node)
        self.rec.uncertain += 1
        try:
            if isinstance(explicit, UserFunction):   # output_shape=lambda s: ... gets the input shape
                result = self.invoke(explicit, [calls.output_shapes(inputs)], {}, None)
                shapes = result if isinstance(result, tuple) and all(
                    d is None or d is UNKNOWN or isinstance(d, int) for d in result) else UNKNOWN
            else:   # callers call this only when the Lambda's function is the user's
                result = self.invoke(cast(UserFunction, layer.python_function), [private_copy(inputs)], {}, None)
                shapes = calls.output_shapes(tensor_structure(result))
        finally:
            self.rec.uncertain -= 1
        if layer.engine.weights is None:
            layer.engine.weights = calls.NO_PARAMS
        return calls.attach_call(self.rec, layer, inputs, shapes, node, kind="layer")

    def call_operation(self, op, positional, keywords, site):
        """Call a layer, model or custom layer object (used when building Sequential models)."""
        if isinstance(op, UserLayerObj):
            return self.call_user_layer(op.instance, positional, keywords, site)
        if isinstance(op, LayerObj):
            if isinstance(op.python_function, UserFunction):
                return self.call_lambda(op, positional, keywords, site)
            return calls.apply_layer(self.rec, op, positional, keywords, site)
        if isinstance(op, SubclassModel):
            return self.call_subclass(op.instance, positional, keywords, site)
        if isinstance(op, ModelObj):
            return calls.call_model(self.rec, op, positional, keywords, site, self.call_operation)
        if isinstance(op, UnknownOp):
            return calls.record_unknown_call(self.rec, op, positional, site)
        return UNKNOWN

    def call_subclass(self, instance: Instance, positional, keywords, node):
        """Calling a subclassed model or custom layer on tensors: ``build`` then ``call`` run on
        private tensors; the outer graph sees one node with the resulting shapes."""
        op = instance.keras_object
        if isinstance(op, FunctionalModel):
            return calls.call_model(self.rec, op, positional, keywords, node, self.call_operation)
        if isinstance(op, UserLayerObj):
            return self.call_user_layer(instance, positional, keywords, node)
        if isinstance(op, UnknownOp):
            return calls.record_unknown_call(self.rec, op, positional, node)
        op = cast(SubclassModel, op)    # the other stand-in a Keras subclass's instance holds
        inputs = positional[0] if positional else keywords.get("inputs", UNKNOWN)
        # what ``call`` sees: tensors with no history (a value we cannot know may be data: a
        # tensor of unknown shape, so that the layers it reaches record no node either)
        private = private_copy(inputs) if inputs is not UNKNOWN else SymTensor(UNKNOWN)
        build = instance.cls.lookup("build")
        if isinstance(build, UserFunction) and not op.build_called:
            op.build_called = True
            self.invoke(build, [instance, calls.output_shapes(inputs)], {}, None)
            self.remember_build_output(instance, calls.output_shapes(inputs))
        call = instance.cls.lookup("call")
        declared = self.declared_output_shape(instance, positional, keywords)
        result: object = UNKNOWN
        trace = None
        untraced = declared is not None and isinstance(build, UserFunction) and _may_build_sublayers(instance)
        if isinstance(call, UserFunction) and not untraced:     # Keras would not run it: no builds
            self.rec.traces.append([])
            try:
                result = self.invoke(call, [instance, private] + list(positional[1:]), dict(keywords), None)
            finally:
                trace = self.rec.traces.pop()
        shapes = calls.output_shapes(tensor_structure(result)) if declared is None else declared
        if op.inputs is None:
            op.inputs, op.outputs = inputs, result
        record_run(op, calls.output_shapes(inputs), shapes, trace, "build" if self.rec.shadow else "call")
        macs: int | Unknown = UNKNOWN
        if trace is not None:
            op.trace = trace       # the calls of one forward pass, for MACs
            macs = total_macs(result_macs(r) for r in trace)
        return calls.attach_call(self.rec, op, inputs, shapes, node, macs=macs)

    def super_init(self, instance: Instance, positional, keywords, node):
        """``super().__init__(inputs, outputs)`` in a Model subclass makes it functional; in a
        subclass of a built-in layer it makes the parent's rule with these arguments."""
        positional = [npvalues.keras_argument(v) for v in positional]
        keywords = {k: npvalues.keras_argument(v) for k, v in keywords.items()}
        op = instance.keras_object
        parent = builtin_layer_parent(instance.cls) if op is None else None
        if parent is not None:
            self.new_user_layer(instance, parent, positional, keywords, node)
            return
        if isinstance(op, SubclassModel) and op.name is None:
            self.name_subclass(op, keywords)
        if isinstance(op, SubclassModel):
            op.input_shape_arg = layer_input_shape_arg(keywords)
        inputs = positional[0] if positional else keywords.get("inputs")
        outputs = positional[1] if len(positional) > 1 else keywords.get("outputs")
        if isinstance(op, SubclassModel) and inputs is not None and outputs is not None:
            site = instance.site if instance.site is not None else node   # where the model is made
            model = calls.functional_model(self.rec, inputs, outputs, op.name, site, op.class_name)
            instance.keras_object = model
        if isinstance(op, SubclassModel) and "trainable" in keywords:
            op.set_trainable(keywords["trainable"])

    def call_keras(self, path: str, positional, keywords, node):
        kind, name = classify(path)
        rec = self.rec
        if path in IMAGE_DATA_FORMAT_GETTERS:
            return self.image_data_format
        if path.startswith(legacy_backend.PREFIX):
            return legacy_backend.call(self, path[len(legacy_backend.PREFIX):], positional, keywords, node)
        if path in VARIABLES:
            return new_variable(positional, keywords)
        if path in IMAGE_DATA_FORMAT_SETTERS:
            given = positional[0] if positional else keywords.get("data_format", UNKNOWN)
            self.image_data_format = given if given in ("channels_last", "channels_first") else UNKNOWN
            return None
        if kind == "layer":
            obj = calls.new_layer(rec, name, positional, keywords, node, self.image_data_format)
            if obj is None or obj == "error":
                return UnknownOp(rec.unique_name(to_snake_case(name)), name, node)
            if obj.class_name == "Lambda":
                obj.python_function = positional[0] if positional else keywords.get("function")
                obj.python_output_shape = positional[1] if len(positional) > 1 else keywords.get("output_shape")
            return obj
        if kind == "unknown_layer":
            given = keywords.get("name")
            return UnknownOp(given if isinstance(given, str) else rec.unique_name(to_snake_case(name)), name, node)
        if kind == "input":
            return self.make_input(positional, keywords, node, INPUT_PARAMETERS)
        if kind == "input_layer":
            tensor = self.make_input(positional, keywords, node, INPUT_LAYER_PARAMETERS)
            return calls.input_layer_of(tensor) if isinstance(tensor, SymTensor) else UNKNOWN
        if kind == "model":
            inputs = positional[0] if positional else keywords.get("inputs")
            outputs = positional[1] if len(positional) > 1 else keywords.get("outputs")
            if inputs is None or outputs is None:
                return UNKNOWN
            return calls.functional_model(rec, inputs, outputs, keywords.get("name"), node)
        if kind == "sequential":
            return self.make_sequential(positional, keywords, node)
        if kind == "merge":
            layer = calls.new_layer(rec, MERGE_FUNCTIONS[name], [], {k: v for k, v in keywords.items()}, node)
            inputs = positional[0] if positional else keywords.get("inputs", UNKNOWN)
            if not isinstance(layer, LayerObj):
                return UNKNOWN
            return calls.apply_layer(rec, layer, [inputs], {}, node)
        if kind == "application" and name == "preprocess_input":
            from .preprocess import preprocess_input
            return preprocess_input(self, path, positional, keywords, node)
        if kind == "application":
            return self.make_application(name, positional, keywords, node)
        if kind == "clone":
            from .cloning import clone_model
            return clone_model(rec, positional, keywords, node, self.call_operation)
        if kind == "activation" and name in ("get", "linear"):
            return self.activation_get(name, positional, keywords)
        if kind in ("op", "activation"):
            return self.keras_op(path, name, kind, positional, keywords, node)
        if kind == "external" and path in TF_RENAMED:
            op_name, renamed = TF_RENAMED[path]
            keywords = {k: v for k, v in keywords.items() if k != "name"}
            tensors = calls.tensors_in(positional)
            if all(t.node is None for t in tensors) and all(k in renamed for k in keywords):
                # inside a traced call (a subclass's ``call``, a ``Lambda``) or on concrete values:
                # the keras.ops rule (on the graph's symbolic tensors, TensorFlow raises)
                keywords = {renamed[k]: v for k, v in keywords.items()}
                return self.keras_op(f"keras.ops.{op_name}", op_name, "op", positional, keywords, node)
            return UNKNOWN
        if kind == "external" and path == "functools.partial":
            return Partial(positional[0], tuple(positional[1:]), dict(keywords)) if positional else UNKNOWN
        if kind == "external" and path.startswith("math."):
            fn = MATH.get(path[len("math."):])
            return fn(*positional) if fn is not None and not keywords else UNKNOWN
        made = arrays.call_array_function(path, positional, keywords, self.image_data_format)
        return UNKNOWN if made is MISSING else made

    def activation_get(self, name, positional, keywords):
        """``keras.activations.get(identifier)`` (what custom layers keep as ``self.activation``)
        and ``linear``, which returns its argument itself."""
        given = positional[0] if positional else keywords.get("identifier" if name == "get" else "x", UNKNOWN)
        if name == "linear":
            return given if len(positional) + len(keywords) == 1 else UNKNOWN
        if given is None:
            return KerasRef("keras.activations.linear")
        if isinstance(given, str) and given.isidentifier():
            return KerasRef(f"keras.activations.{given}")
        return given if isinstance(given, (KerasRef, UserFunction)) else UNKNOWN

    def make_input(self, positional, keywords, node, parameters):
        """``keras.Input(...)`` (``parameters``: ``INPUT_PARAMETERS``) or ``InputLayer(...)``
        (``INPUT_LAYER_PARAMETERS``, which also takes Keras 2's ``input_shape`` and
        ``batch_input_shape``); what Keras rejects is reported with its message."""
        values = dict(zip(parameters, positional))
        values.update(keywords)
        if parameters is INPUT_PARAMETERS:
            unexpected = [k for k in keywords if k not in parameters]
            if unexpected:
                self.rec.error(node, "invalid-argument", f"Input() got an unexpected keyword argument '{unexpected[0]}'")
                return UNKNOWN
        shape = values.get("shape", values.get("input_shape"))
        batch_shape = values.get("batch_shape", values.get("batch_input_shape"))
        if values.get("tensor", values.get("input_tensor")) is None:
            for first, second in (("shape", shape), ("batch_size", values.get("batch_size"))):
                if second is not None and batch_shape is not None and second is not UNKNOWN \
                        and batch_shape is not UNKNOWN:
                    self.rec.error(node, "invalid-argument",
                                   f"You cannot pass both `{first}` and `batch_shape` at the same time.")
                    return UNKNOWN
            if shape is None and batch_shape is None:
                self.rec.error(node, "invalid-argument", "You must pass a `shape` argument.")
                return UNKNOWN
        if shape is None and batch_shape is None:
            shape = UNKNOWN
        for given in (shape, batch_shape):
            if isinstance(given, (tuple, list)) and any(isinstance(d, int) and not isinstance(d, bool) and d < 0
                                                        for d in given):
                self.rec.error(node, "invalid-argument", f"Cannot convert '{tuple(given)!r}' to a shape. "
                                                         "Negative dimensions are not allowed.")
        batch = input_batch_shape(calls.to_engine(shape), calls.to_engine(values.get("batch_size")),
                                  calls.to_engine(batch_shape))
        if isinstance(batch, tuple):
            if any(not (d is None or d is UNKNOWN or isinstance(d, int)) for d in batch):
                batch = UNKNOWN
            else:   # a negative size is not a shape Keras builds on: unknown, never a number
                batch = tuple(UNKNOWN if isinstance(d, int) and d < 0 else d for d in batch)
        return calls.make_input(self.rec, batch, values.get("name"), node)

    def make_sequential(self, positional, keywords, node):
        name = keywords.get("name", positional[2] if len(positional) > 2 else None)
        model = SequentialModel(name if isinstance(name, str) else self.rec.unique_name("sequential"), node)
        model.made_branching = self.rec.branching
        layers = positional[0] if positional else keywords.get("layers")
        if isinstance(layers, (list, tuple)):
            for item in layers:
                calls.sequential_add(self.rec, model, item, node, self.call_operation, rebuild=False)
            if model.outputs is not None and model.layers:
                self.rec.unique_name("functional")   # the one rebuild after the constructor
        elif layers is UNKNOWN:
            model.complete = False
            model.rows_known = False
        return model

    def make_application(self, name, positional, keywords, node):
        try:
            from .applications import application_model
        except ImportError:
            return UNKNOWN
        return application_model(self.rec, name, positional, keywords, node)

    def keras_op(self, path, name, kind, positional, keywords, node):
        """``keras.ops.*`` and ``keras.activations.*`` calls: see ``op_calls.py``."""
        return op_calls.call_op(self, path, name, kind, positional, keywords, node)

    def model_method(self, op: Operation, name, positional, keywords, node, receiver):
        if isinstance(op, SequentialModel):
            if name == "add" and positional:
                calls.sequential_add(self.rec, op, positional[0], node, self.call_operation)
                return None
            if name == "pop" and op.layers:
                if not op.rows_known:
                    # the last row may be any row past the known ones, or the last known one
                    op.rows_unknown_from(max((op.known_rows or 0) - 1, 0))
                    op.complete = False
                    op.layers.pop()
                    return UNKNOWN
                return op.layers.pop()
            if name == "build":
                shape = positional[0] if positional else keywords.get("input_shape")
                if isinstance(shape, (list, tuple)):
                    calls.sequential_build(self.rec, op, tuple(shape), self.call_operation)
                return None
            if name in DATA_BUILDERS and op.outputs is None and op.layers:
                # training or predicting on data builds the model on the data's shape: a
                # concrete array's, with the batch size left open (Keras's depends on the backend);
                # other data's is not known here, so the rows become ``?``, never "0 (unbuilt)"
                shape = _batch_shape_of_data(positional[0] if positional else keywords.get("x"))
                calls.sequential_build(self.rec, op, shape, self.call_operation)
        if isinstance(op, SubclassModel) and op.is_model and name in DATA_BUILDERS and op.inputs is None \
                and isinstance(receiver, Instance):
            # training or predicting on data builds the model: Keras runs its call on one batch
            shape = _batch_shape_of_data(positional[0] if positional else keywords.get("x"))
            if shape is UNKNOWN:
                built_on_unknown_data(op)
            else:
                self.call_subclass(receiver, [arrays.constant(shape)], {}, None)
        if isinstance(op, SubclassModel) and name == "build":
            build = op.instance.cls.lookup("build") if isinstance(receiver, Instance) else MISSING
            shape = positional[0] if positional else keywords.get("input_shape", UNKNOWN)
            if isinstance(build, UserFunction) and not op.build_called:
                op.build_called = True
                self.invoke(build, [receiver, shape], {}, None)
            trace_build(self, receiver, shape)   # what calling it on that shape shows (traced.py)
            return None
        if isinstance(op, (SubclassModel, UserLayerObj)) and name in ("add_weight", "add_variable"):
            return self.add_weight(op, positional, keywords, node, name)
        if isinstance(op, LayerObj) and name == "build":
            shape = positional[0] if positional else keywords.get("input_shape", UNKNOWN)
            if isinstance(shape, (list, tuple)):
                try:
                    op.engine.maybe_build(tuple(shape), Derivation())
                except Exception:  # noqa: BLE001 - a rule failing on odd input gives "?"
                    op.engine.weights = op.engine.weights or UNKNOWN_PARAMS
            return None
        if isinstance(op, LayerObj) and name == "compute_output_shape" and positional:
            try:
                return op.engine.compute_output_shape(tuple(positional[0]), Derivation())
            except Exception:  # noqa: BLE001
                return UNKNOWN
        if name == "count_params":
            total = op.param_count().total
            return total
        if name == "get_layer" and isinstance(op, ModelObj):
            wanted = keywords.get("name", positional[0] if positional else None)
            for layer in op.summary_layers():
                if isinstance(wanted, str) and layer.name == wanted:
                    return layer
                if isinstance(wanted, int):
                    return UNKNOWN
            return UNKNOWN
        if name == "__call__":
            return self.call(op, positional, keywords, node)
        return None if name in ("summary", "compile", "fit", "evaluate", "save", "load_weights") else UNKNOWN


def _batch_shape_of_data(data):
    """The shape a model built by ``fit``/``predict`` on ``data`` gets: a concrete array's shape
    of rank 2 or more with an unknown batch size, else ``UNKNOWN``."""
    if isinstance(data, SymTensor) and data.constant and isinstance(data.shape, tuple) and len(data.shape) >= 2:
        return (UNKNOWN,) + data.shape[1:]
    return UNKNOWN


def built_on_unknown_data(model: SubclassModel) -> None:
    """``fit``/``predict`` on data of unknown shape build the layers the model's call uses:
    which ones, and their weights, are not known here, so every layer still unbuilt and every
    custom layer shows ``?`` (never "0 (unbuilt)"), and so do the totals.  A functional model
    it holds (or a Sequential built on an input) is built already: training leaves it as it is.
    When all it holds is built so (a GAN wrapping its generator and discriminator) and its class
    makes no weights of its own (no ``build``, no layer or weight made in ``call``), its totals
    stay known."""
    changed = _may_make_weights(model.instance)
    if unbuilt_become_unknown(model.sublayers()) or changed:
        model.complete = False


def unbuilt_become_unknown(layers) -> bool:
    """Every layer among ``layers`` (at any depth) not built yet gets ``?`` weights, every model
    among them not built yet ``?`` totals (a functional model, or a Sequential built on an input,
    is built already and left as it is).  Whether any was not built."""
    changed = False
    stack, seen = list(layers), set()
    while stack:
        layer = stack.pop()
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if isinstance(layer, FunctionalModel) or (isinstance(layer, SequentialModel) and layer.outputs is not None):
            continue
        changed = True
        if isinstance(layer, ModelObj):
            layer.complete = False
            stack.extend(layer.sublayers())
        elif isinstance(layer, LayerObj) and layer.engine.weights is None:
            layer.engine.weights = UNKNOWN_PARAMS
    return changed


def _may_make_weights(instance) -> bool:
    """Whether a subclassed model's own class may make weights when it runs: a ``build`` of its
    own, or a call in its ``call`` or ``train_step`` that may make a layer or a weight (a class
    called by its bare name, anything under ``layers.``, a ``Variable``, ``add_weight``), or a
    class not known."""
    if not isinstance(instance, Instance) or isinstance(instance.cls.lookup("build"), UserFunction):
        return True
    methods = [m for m in (instance.cls.lookup("call"), instance.cls.lookup("train_step")) if isinstance(m, UserFunction)]
    if not methods:
        return True
    for method in methods:
        for node in ast.walk(method.node):
            if isinstance(node, ast.Call):
                if isinstance(node.func, ast.Name) and node.func.id[:1].isupper():
                    return True
                dotted = ast.unparse(node.func)
                if "layers." in dotted or "Variable" in dotted or dotted.endswith(("add_weight", "add_variable")):
                    return True
    return False


def _may_build_sublayers(instance: Instance) -> bool:
    """Whether tracing the layer's ``call`` could build a sublayer Keras leaves unbuilt (its
    attributes hold an unbuilt layer, a model or a custom layer); otherwise it is traced anyway,
    for the shapes shown inside it."""
    values = list(instance.attrs.values())
    while values:
        value = values.pop()
        if isinstance(value, (list, tuple)) and len(value) <= 64:
            values.extend(value)
        elif isinstance(value, dict) and len(value) <= 64:
            values.extend(value.values())
        elif isinstance(value, Instance) and value.keras_object is not None:
            return True
        elif isinstance(value, Operation) and not (isinstance(value, LayerObj) and value.built):
            return True
    return False


def new_variable(positional, keywords) -> KerasVariable:
    """``keras.Variable(initializer, shape=None, dtype=None, trainable=True, ...)``: its shape is the
    initial value's, or ``shape=`` with an initializer (a name or a callable).  Its size counts only
    when it is float32 (what the summary's bytes assume): an initializer with the default dtype, or
    ``dtype="float32"`` (an array or a number keeps its own dtype: a NumPy array's is float64)."""
    initial = positional[0] if positional else keywords.get("initializer", UNKNOWN)
    shape = positional[1] if len(positional) > 1 else keywords.get("shape")
    dtype = positional[2] if len(positional) > 2 else keywords.get("dtype")
    trainable = positional[3] if len(positional) > 3 else keywords.get("trainable", True)
    value = isinstance(initial, (SymTensor, int, float))
    if isinstance(initial, SymTensor):
        dims = initial.shape
    elif value and shape is None:
        dims = ()
    elif isinstance(shape, int) and not isinstance(shape, bool):
        dims = (shape,)
    elif isinstance(shape, (tuple, list)):
        dims = tuple(shape)
    else:
        dims = UNKNOWN
    known = isinstance(dims, tuple) and all(type(d) is int and d >= 0 for d in dims)
    count: object = UNKNOWN
    if known and (dtype == "float32" or (dtype is None and not value)):
        count = math.prod(dims)
    return KerasVariable(dims if known else UNKNOWN, count,
                         trainable if isinstance(trainable, bool) else UNKNOWN)


def layer_input_shape_arg(keywords: dict):
    """``Layer.__init__``'s ``input_dim=`` (first) or ``input_shape=``, which a Sequential builds
    on when the layer comes first; None when neither is given."""
    dim = keywords.get("input_dim")
    if dim is not None:
        return (dim,) if isinstance(dim, int) and not isinstance(dim, bool) else UNKNOWN
    return keywords.get("input_shape")
