"""Model stand-ins and how ``model.summary()`` orders and prints their rows.

* ``FunctionalModel`` — ``keras.Model(inputs, outputs)``; rows are Keras's ``_operations``, in
  the order ``keras.src.ops.function.map_graph`` gives (depth from the outputs, then traversal);
* ``SequentialModel`` — rows are its layers (never the auto-created ``InputLayer``);
* ``SubclassModel`` — a user class deriving from ``keras.Model`` or ``keras.layers.Layer``;
  rows are the layers tracked on its attributes, in assignment order.
"""

from __future__ import annotations

from collections import defaultdict

from ..engine import ParamCount
from ..engine.layer import NO_PARAMS
from ..engine.shape import UNKNOWN, format_dim, plain_dims_text
from .values import InputObj, LayerObj, Node, Operation, OwnWeights, SymTensor, oversized


def flatten(structure, depth: int = 0) -> list:
    if depth > 16 or (depth == 0 and isinstance(structure, (list, tuple, dict)) and oversized(structure)):
        return [None]                            # cyclic or absurdly nested: not tensors
    if isinstance(structure, (list, tuple)):
        out = []
        for item in structure:
            out.extend(flatten(item, depth + 1))
        return out
    if isinstance(structure, dict):
        out = []
        for key in sorted(structure, key=str):   # Keras's tree.flatten sorts dict keys
            out.extend(flatten(structure[key], depth + 1))
        return out
    return [structure]


def format_output(structure) -> str:
    """The Output Shape column (``summary_utils.format_layer_shape``)."""
    if isinstance(structure, SymTensor):
        return _shape_text(structure.shape)
    flat = flatten(structure)
    if len(flat) == 1:
        return format_output(flat[0]) if isinstance(flat[0], SymTensor) else "?"
    # several outputs always print as a flat list of shapes, whatever the structure
    return "[" + ", ".join(_shape_text(t.shape) if isinstance(t, SymTensor) else "?" for t in flat) + "]"


def _shape_text(shape) -> str:
    if shape is UNKNOWN or not isinstance(shape, tuple):
        return "?"
    inner = plain_dims_text(shape)
    return "(" + (inner if inner is not None else ", ".join(format_dim(d) for d in shape)) + ")"


def unique_leaves(operations) -> list:
    seen, out = set(), []
    for op in operations:
        for leaf in op.leaves():
            if id(leaf) not in seen:
                seen.add(id(leaf))
                out.append(leaf)
    return out


class ModelObj(Operation):
    """Common behaviour: parameter totals over unique weights, ``trainable`` propagation."""

    trace: list   # the calls of one traced forward pass, for MACs (set only then: ``getattr``)
    made_branching = 0   # how many undecided branches it was made in: a row added in more may not be there

    def __init__(self, name, class_name, site):
        super().__init__(name, class_name, site)
        self.complete = True       # False when part of the model could not be worked out
        self.split_known = True    # False when a lost ``trainable`` flag leaves only the total known
        self.rows_known = True     # False when it may have rows we cannot list (an undecided branch)
        # with ``rows_known`` False: how many of the first rows are surely Keras's first rows (in
        # its order); None: not one (rows an undecided branch may add can come anywhere)
        self.known_rows: int | None = None
        self.inputs = None         # structure of SymTensor
        self.outputs = None

    def summary_layers(self) -> list[Operation]:
        raise NotImplementedError

    def listed_layers(self) -> list[Operation]:
        """The rows ``summary()`` prints that are surely Keras's rows at those positions: all of
        them, or when an undecided branch or loop may add rows, only the ones before any such
        row can come (the rows known to come later would be printed at the wrong place)."""
        layers = self.summary_layers()
        if self.rows_known:
            return layers
        return layers[:self.known_rows or 0]

    def rows_unknown_from(self, count: int) -> None:
        """Rows from position ``count`` on may not be Keras's (an undecided ``add``, ...)."""
        self.rows_known = False
        self.known_rows = count if self.known_rows is None else min(self.known_rows, count)

    def sublayers(self) -> list[Operation]:
        return [op for op in self.summary_layers() if not isinstance(op, InputObj)]

    def leaves(self) -> list:
        return unique_leaves(self.sublayers())

    def param_count(self) -> ParamCount:
        total = NO_PARAMS
        for leaf in self.leaves():
            total = total + leaf.param_count()
        if not self.complete:
            return ParamCount(UNKNOWN, UNKNOWN)
        return total if self.split_known else total.split_unknown()

    def set_trainable(self, value) -> None:
        for op in self.sublayers():
            if hasattr(op, "set_trainable"):
                op.set_trainable(value)


MAX_MODEL_NESTING = 100      # models inside models (Python's 1,000 frames, a few per level)


def too_deep(model: ModelObj, limit: int = MAX_MODEL_NESTING) -> bool:
    """Whether ``model`` nests models more than ``limit`` deep (walked without recursion).
    Every walk over a model (rows, totals, MACs, calls) recurses once per level, so deeper
    models are refused where they are built or called, with an ``analysis-limit`` note."""
    stack, depth_of = [(model, 0)], {id(model): 0}
    while stack:
        current, depth = stack.pop()
        if depth > limit:
            return True
        for op in current.sublayers():
            if isinstance(op, ModelObj) and depth_of.get(id(op), -1) < depth + 1:
                depth_of[id(op)] = depth + 1
                stack.append((op, depth + 1))
    return False

class FunctionalModel(ModelObj):
    def __init__(self, name, inputs, outputs, site, class_name="Functional"):
        super().__init__(name, class_name, site)
        self.inputs = inputs
        self.outputs = outputs
        self.operations, self.nodes_by_depth = map_graph(flatten(inputs), flatten(outputs))
        if any(not isinstance(t, SymTensor) for t in flatten(outputs) + flatten(inputs)):
            self.complete = False
            self.rows_known = False
        if any(op.class_name == "?" for op in self.operations):   # built through an unknown branch
            self.complete = False
            self.rows_known = False
            self.operations = [op for op in self.operations if op.class_name != "?"]
        if not self.rows_known:
            self._first_row_only()

    def _first_row_only(self) -> None:
        """An undecided branch hides how deep each layer is, so where its rows go (Keras orders
        rows by depth): only a single ``keras.Input``'s row is surely first, being deeper than
        every layer (each one computes from it)."""
        flat = flatten(self.inputs)
        if len(flat) != 1 or not isinstance(flat[0], SymTensor) or flat[0].node is None \
                or not flat[0].node.is_input or not isinstance(flat[0].node.operation, InputObj):
            return
        first = flat[0].node.operation
        if first in self.operations:
            self.operations.remove(first)
            self.operations.insert(0, first)
            self.known_rows = 1

    def summary_layers(self):
        return self.operations

    def sequential_like(self) -> bool:
        nodes = []
        for depth_nodes in self.nodes_by_depth.values():
            if len(depth_nodes) > 1 or (len(depth_nodes) == 1 and len(depth_nodes[0].inputs) > 1):
                return False
            nodes.extend(depth_nodes)
        node_ids = {id(n) for n in nodes}
        for op in self.operations:
            if sum(1 for n in op.nodes if id(n) in node_ids) > 1:
                return False
        return True


class SequentialModel(ModelObj):
    def __init__(self, name, site):
        super().__init__(name, "Sequential", site)
        self.layers: list[Operation] = []
        self.input_layer: InputObj | None = None

    def summary_layers(self):
        return list(self.layers)


class SubclassModel(ModelObj):
    """A user class deriving from ``keras.Model`` (or a custom ``keras.layers.Layer``)."""

    input_shape_arg: object   # ``input_shape=`` given to ``super().__init__`` (set there: ``getattr``)

    def __init__(self, name, class_name, site, instance, is_model: bool):
        super().__init__(name, class_name, site)
        self.instance = instance
        self.is_model = is_model
        self.own = OwnWeights(instance)  # add_weight(...) calls and keras.Variable attributes
        self.build_called = False
        self.traced_runs: list = []      # each pass of call() on known shapes (traced.TracedRun)

    def summary_layers(self):
        from .tracking import tracked_layers
        return tracked_layers(self.instance)

    def leaves(self) -> list:
        """The tracked layers' weights and the class's own ``add_weight`` weights, each once
        (a custom layer applied twice in a model still owns one set of weights)."""
        return super().leaves() + [self.own]

    def set_trainable(self, value) -> None:
        self.own.trainable = value is not False
        super().set_trainable(value)


def map_graph(inputs: list, outputs: list):
    """Keras's ``map_graph``: operations ordered by decreasing depth, then traversal order.
    (Nodes, operations and tensors hash by identity: they are their own keys.)"""
    finished: set = set()
    in_progress: set = set()
    ordered_nodes: list[Node] = []
    op_index: dict = {}                 # operation -> traversal order
    input_ids = {id(t) for t in inputs}

    for out in outputs:
        stack = [(out, False)]
        while stack:
            t, done = stack.pop()
            if type(t) is not SymTensor and not isinstance(t, SymTensor):
                continue
            node = t.node
            if node is None:
                continue
            if done:
                if node not in finished:
                    finished.add(node)
                    in_progress.discard(node)
                    ordered_nodes.append(node)
                continue
            if node in finished or node in in_progress:
                continue
            if not node.is_input and id(t) in input_ids:
                finished.add(node)
                continue
            op = node.operation
            if op not in op_index:
                op_index[op] = len(op_index)
            in_progress.add(node)
            stack.append((t, True))
            if not node.is_input:
                for parent in reversed(node.inputs):
                    stack.append((parent, False))

    in_graph = set(ordered_nodes)
    node_depth: dict = {}
    op_depth: dict = {}
    for node in reversed(ordered_nodes):
        depth = node_depth.setdefault(node, 0)
        op = node.operation
        known = op_depth.get(op, 0)
        if known > depth:
            depth = node_depth[node] = known
        op_depth[op] = depth
        for tensor in node.inputs:
            parent = tensor.node
            if parent is not None and parent in in_graph and node_depth.get(parent, 0) < depth + 1:
                node_depth[parent] = depth + 1
    for t in inputs:
        if isinstance(t, SymTensor) and t.node is not None and t.node.is_input:
            op = t.node.operation
            if op not in op_depth:
                op_depth[op] = 0
                op_index[op] = -1
                node_depth[t.node] = 0
                ordered_nodes.append(t.node)

    by_depth: dict[int, list] = defaultdict(list)
    for op, depth in op_depth.items():
        by_depth[depth].append(op)
    operations = []
    for depth in sorted(by_depth, reverse=True):
        operations.extend(sorted(by_depth[depth], key=op_index.__getitem__))
    nodes_by_depth: dict[int, list] = defaultdict(list)
    listed = set(ordered_nodes)
    for node, depth in node_depth.items():
        if node in listed:
            nodes_by_depth[depth].append(node)
    return operations, nodes_by_depth


def row_output(op: Operation) -> str:
    """Output shape of an operation's last call, as the summary prints it.  A layer with no
    recorded call (inside a subclassed model) shows the shape from the input it was built on,
    when it has weights (Keras keeps ``_build_shapes_dict`` only for layers with a ``build``)."""
    if isinstance(op, InputObj):
        return _shape_text(op.batch_shape)
    fixed = getattr(op, "output_text", None)     # rows of a backbone built by the engine
    if fixed is not None:
        return fixed
    if op.nodes:
        return format_output(op.nodes[-1].outputs)
    if isinstance(op, LayerObj) and op.engine.built_input_shape is not None and not hasattr(op, "build_output"):
        from .keras_api import LAYERS_WITH_BUILD
        if op.engine.keras_name in LAYERS_WITH_BUILD:
            from ..engine import Derivation
            try:
                return _shape_text(op.engine.compute_output_shape(op.engine.built_input_shape, Derivation()))
            except Exception:  # noqa: BLE001 - "?" rather than a crash
                return "?"
    built = getattr(op, "build_output", None)
    if built is not None:   # a layer with a build(): its compute_output_shape on the build shape
        return format_output(built)
    if isinstance(op, ModelObj) and not isinstance(op, SubclassModel) and op.outputs is not None:
        return _never_called_output(op.outputs)
    return "?"


def _never_called_output(outputs) -> str:
    """A model never called on symbolic tensors prints its ``output_shape``: several outputs are
    its flat list of shapes put through ``format_shape`` as if it were one shape, so Keras shows
    ``((None, 2), (None, 2))`` (each shape as Python writes a tuple)."""
    flat = flatten(outputs)
    if len(flat) == 1:
        return format_output(outputs)
    texts = []
    for t in flat:
        shape = t.shape if isinstance(t, SymTensor) else UNKNOWN
        if shape is UNKNOWN or not isinstance(shape, tuple) or any(not _plain_dim(d) for d in shape):
            return "?"
        texts.append(repr(shape))
    return "(" + ", ".join(texts) + ")"


def _plain_dim(dim) -> bool:
    return dim is None or (isinstance(dim, int) and not isinstance(dim, bool) and dim.bit_length() <= 1000)


def is_layer_built(op: Operation) -> bool:
    if isinstance(op, LayerObj):
        return op.built
    return True
