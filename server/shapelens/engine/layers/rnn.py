"""Recurrent layers: SimpleRNN, GRU, LSTM, their cells, StackedRNNCells, the generic RNN wrapper,
ConvLSTM1D/2D/3D, and the Bidirectional and TimeDistributed wrappers (``keras/src/layers/rnn/``).

As in Keras, a recurrent layer is an ``RNN`` driving a *cell*: the cell owns the weights (built on
one time step, ``(batch,) + input_shape[2:]``) and says how large its output and states are; the
``RNN`` turns that into ``(batch, units)``, ``(batch, timesteps, units)`` with
``return_sequences``, and a list ``[output, *states]`` with ``return_state``.  Symbolic Keras
computes these shapes from ``compute_output_shape`` only, so ``initial_state``, ``mask`` and
``unroll`` never change them (and are never checked).
"""

from __future__ import annotations

from math import prod
from typing import Any, TypeGuard, Union

from ..args import Args
from ..conv_utils import axis_labels, window_output_length
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import NO_PARAMS, UNKNOWN_PARAMS, Layer, ParamCount, create_layer, passes, register, to_snake_case
from ..shape import UNKNOWN, Dim, Shape, Shapes, Unknown, dim_op, format_shape, is_int
from ..utils import require_defined, require_rank, standardize_data_format, standardize_padding, standardize_tuple

CELL_SIGNATURE_TAIL = (
    "kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', "
    "bias_initializer='zeros', {extra}kernel_regularizer=None, recurrent_regularizer=None, "
    "bias_regularizer=None, {activity}kernel_constraint=None, recurrent_constraint=None, "
    "bias_constraint=None, dropout=0.0, recurrent_dropout=0.0"
)


def _tail(extra: str = "", activity: bool = False) -> str:
    return CELL_SIGNATURE_TAIL.format(extra=extra, activity="activity_regularizer=None, " if activity else "")


def _literal(value: object) -> bool:
    """A plain Python value that can never be a Keras layer (anything else may be one we do not know)."""
    return value is None or isinstance(value, (str, int, float, bool, list, dict))


# ---- cells ----------------------------------------------------------------------------------

class RecurrentCell(Layer):
    """Shared rule of SimpleRNNCell, GRUCell and LSTMCell: ``gates`` blocks of
    ``kernel (input_dim, units)``, ``recurrent_kernel (units, units)`` and ``bias (units,)``."""

    gates = 1
    state_count = 1
    call_signature = "inputs, states, training=False"

    def __init__(self, args: Args, name: str | None = None, owner: Layer | None = None) -> None:
        self.owner = owner      # the LSTM/GRU/SimpleRNN layer built around this cell, sharing its args
        super().__init__(args, name)

    def check_keywords(self) -> None:
        if self.owner is None:      # a layer's own cell shares the layer's arguments
            super().check_keywords()

    def validate(self) -> None:
        units = self.args["units"]
        if units is UNKNOWN or isinstance(units, bool):
            return
        if not isinstance(units, (int, float)) or units <= 0:
            raise ShapeError(
                "invalid-argument",
                f"Received an invalid value for argument `units`, expected a positive integer, got {units}.",
            )

    # what an RNN asks of its cell
    def state_size(self) -> object:
        units = self.args["units"]
        return [units, units] if self.state_count == 2 else units

    def output_size(self) -> object:
        return self.args["units"]

    def bias_size(self, units: int) -> tuple[int | Unknown, str]:
        """Entries of the bias vector, and how to write them."""
        return self.gates * units, (f"{self.gates}·units" if self.gates > 1 else "units")

    def cell_params(self, step_shape: Shape, why: Derivation) -> ParamCount:
        """Weights ``build(step_shape)`` creates, frozen if the cell itself is not trainable."""
        if not isinstance(step_shape, tuple):
            return UNKNOWN_PARAMS
        input_dim = step_shape[-1]
        require_defined(self, input_dim, "last dimension", step_shape)
        units, use_bias = self.args["units"], self.args["use_bias"]
        if isinstance(units, float):
            raise ShapeError("invalid-argument",
                             f"Cannot convert '({input_dim}, {units})' to a shape: `units` must be an integer.")
        if input_dim is UNKNOWN or use_bias is UNKNOWN or not is_int(units):
            return UNKNOWN_PARAMS
        g = f"{self.gates}·" if self.gates > 1 else ""
        total = self.gates * units * (input_dim + units)
        formula = f"{g}units·(input_dim + units)"
        subst = f"{g}{units}·({input_dim} + {units})"
        if use_bias:
            bias, bias_formula = self.bias_size(units)
            if bias is UNKNOWN:
                return UNKNOWN_PARAMS
            total += bias
            formula += f" + {bias_formula}"
            subst += " + " + bias_formula.replace("units", str(units))
        why.step(f"{(self.owner or self).name} params", formula, subst, total)
        count = ParamCount(total, 0)
        return count if self.trainable else count.frozen()

    # a cell called directly: ``cell(inputs, states)`` returns ``(output, new_states)``
    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        return self.cell_params(input_shape, why)

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        inputs = call_args["sequence" if "sequence" in call_args else "inputs"]
        states = call_args["states"]
        self.maybe_build(inputs, why)
        units = self.args["units"]
        state_list = states if isinstance(states, list) else [states]
        shapes = [inputs] + state_list[:self.state_count]
        if len(state_list) < self.state_count or not all(isinstance(s, tuple) and len(s) == 2 for s in shapes):
            return UNKNOWN
        batches = {s[0] for s in shapes}
        if len(batches) != 1 or any(is_int(s[-1]) and is_int(units) and s[-1] != units for s in shapes[1:]):
            return UNKNOWN      # broadcasting Keras may or may not accept: do not guess
        out = (inputs[0], units)
        why.step("output", "(batch, units)", f"({inputs[0]}, {units})", format_shape(out))
        if self.state_count == 2 or isinstance(states, list):
            return [out, [out] * self.state_count]
        return [out, out]


@register("SimpleRNNCell")
class SimpleRNNCell(RecurrentCell):
    signature = "units, activation='tanh', use_bias=True, " + _tail() + ", seed=None, **kwargs"
    call_signature = "sequence, states, training=False"


@register("GRUCell")
class GRUCell(RecurrentCell):
    signature = ("units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, " + _tail()
                 + ", reset_after=True, seed=None, **kwargs")
    gates = 3
    passed_kwargs = frozenset({"implementation"})

    def bias_size(self, units: int) -> tuple[int | Unknown, str]:
        reset_after = self.args["reset_after"]
        if reset_after is UNKNOWN:
            return UNKNOWN, "?"
        if reset_after:
            return 2 * 3 * units, "2·3·units   (reset_after=True: input and recurrent biases)"
        return 3 * units, "3·units"


@register("LSTMCell")
class LSTMCell(RecurrentCell):
    signature = ("units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, "
                 + _tail("unit_forget_bias=True, ") + ", seed=None, **kwargs")
    gates = 4
    state_count = 2
    passed_kwargs = frozenset({"implementation"})


@register("StackedRNNCells")
class StackedRNNCells(Layer):
    """Cells run one after another at each step; cell ``i + 1`` is built on cell ``i``'s output."""

    signature = "cells, **kwargs"
    call_signature = "inputs, states, training=False, **kwargs"

    def validate(self) -> None:
        cells = self.args["cells"]
        if isinstance(cells, (list, tuple)):
            for cell in cells:
                if isinstance(cell, Layer) and not is_cell(cell):
                    raise ShapeError("invalid-argument",
                                     f"All cells must have a `state_size` attribute. Received: {cell.keras_name}")

    def cells(self) -> list[Cell] | None:
        cells = self.args["cells"]
        if not isinstance(cells, (list, tuple)) or not all(is_cell(c) for c in cells):
            return None
        return list(cells)

    def state_size(self) -> object:
        cells = self.cells()
        return UNKNOWN if cells is None else [c.state_size() for c in cells]

    def output_size(self) -> object:
        cells = self.cells()
        return UNKNOWN if not cells else cells[-1].output_size()

    def cell_params(self, step_shape: Shape, why: Derivation) -> ParamCount:
        cells = self.cells()
        if cells is None or not isinstance(step_shape, tuple):
            return UNKNOWN_PARAMS
        total = NO_PARAMS
        for cell in cells:
            total = total + cell.cell_params(step_shape, why)
            step_shape = (step_shape[0], cell.output_size())
        return total if self.trainable else total.frozen()

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        return self.cell_params(input_shape, why)

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        """Called directly, the stack returns ``(output, nested states)``: only the weights are worked out."""
        self.maybe_build(call_args["inputs"], why)
        return UNKNOWN


class UserCell:
    """A cell of the user's own class (``state_size``/``output_size`` set in its ``__init__``):
    Keras's RNN asks it only for its sizes; the weights its code makes are not counted here."""

    trainable = True

    def __init__(self, state_size: object, output_size: object = None) -> None:
        self._state, self._output = state_size, output_size

    def state_size(self) -> object:
        sizes = self._state if isinstance(self._state, list) else [self._state]
        return self._state if sizes and all(is_int(s) for s in sizes) else UNKNOWN

    def output_size(self) -> object:
        if self._output is not None:
            return self._output if is_int(self._output) else UNKNOWN
        state = self.state_size()
        return state[0] if isinstance(state, list) else state    # Keras: the first state's size

    def cell_params(self, step_shape: Shape, why: Derivation) -> ParamCount:
        return UNKNOWN_PARAMS


Cell = Union[RecurrentCell, "StackedRNNCells", UserCell]     # what an RNN drives


def is_cell(value: object) -> TypeGuard[Cell]:
    return isinstance(value, (RecurrentCell, StackedRNNCells, UserCell))


# ---- the RNN layer ----------------------------------------------------------------------------

RNN_FLAGS = "return_sequences=False, return_state=False, go_backwards=False, stateful=False"


@register("RNN")
class RNN(Layer):
    """``RNN(cell)``: the cell's weights, and the output/state shapes ``compute_output_shape`` gives."""

    signature = f"cell, {RNN_FLAGS}, unroll=False, zero_output_for_mask=False, **kwargs"
    call_signature = "sequences, initial_state=None, mask=None, training=False"
    input_ndim: int | None = None       # InputSpec(ndim=...): None for the generic RNN
    cell: Cell | None                   # None: an object that may be a custom cell

    def validate(self) -> None:
        self.cell = self.make_cell()

    def make_cell(self) -> Cell | None:
        cell = self.args["cell"]
        if isinstance(cell, (list, tuple)):
            cell = create_layer("StackedRNNCells", [list(cell)], {})
        if is_cell(cell):
            return cell
        if isinstance(cell, Layer) or (_literal(cell) and cell is not UNKNOWN):
            raise ShapeError(
                "invalid-argument",
                "The RNN cell should have a `state_size` attribute (single integer or list of integers, "
                f"one integer per RNN state). Received: cell={getattr(cell, 'keras_name', cell)!r}",
            )
        return None         # an unknown object: maybe a custom cell

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        sequences = call_args["sequences"]
        if self.input_ndim is not None:
            require_rank(self, sequences, ndim=self.input_ndim)
        self.maybe_build(sequences, why)
        return self.compute_output_shape(sequences, why)

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        if self.cell is None or not isinstance(input_shape, tuple):
            return UNKNOWN_PARAMS
        step_shape = (input_shape[0],) + input_shape[2:]
        params = self.cell.cell_params(step_shape, why)
        self.check_stateful(input_shape)
        return params

    def check_stateful(self, input_shape: tuple[Any, ...]) -> None:
        if self.args["stateful"] and input_shape[0] is None:
            raise ShapeError(
                "undefined-dimension",
                "When using `stateful=True` in a RNN, the batch size must be static. Found dynamic batch "
                f"size: sequence.shape={format_shape(input_shape)}",
            )

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if self.cell is None or not isinstance(input_shape, tuple):
            return UNKNOWN
        batch, length = input_shape[0], input_shape[1]
        sizes = self.cell.state_size()
        states: list[Any] | Unknown
        if sizes is UNKNOWN:
            states = UNKNOWN
        else:
            sizes = sizes if isinstance(sizes, list) else [sizes]
            if any(isinstance(s, list) for size in sizes if isinstance(size, list) for s in size):
                if self.args["return_state"]:
                    raise ShapeError("invalid-argument",
                                     "RNN cannot return the states of a StackedRNNCells nested in another one "
                                     "(Keras: Undefined shapes are not supported).")
                states = UNKNOWN
            else:
                states = [[(batch, s) for s in size] if isinstance(size, list) else (batch, size)
                          for size in sizes]
        return self.assemble(batch, length, (self.cell.output_size(),), states, why)

    def assemble(self, batch: Dim, length: Dim, feature_shape: tuple[Any, ...], states: list[Any] | Unknown,
                 why: Derivation) -> Shapes:
        """The output (last step, or every step) and, with ``return_state``, the states after it
        (a list of shapes, or UNKNOWN)."""
        return_state: object
        return_sequences, return_state = self.args["return_sequences"], self.args["return_state"]
        output: Shape
        if return_sequences is UNKNOWN:
            output = UNKNOWN
        elif return_sequences:
            output = (batch, length) + feature_shape
            why.step("output", "(batch, timesteps) + step_output   (return_sequences=True)",
                     f"({batch}, {length}) + {format_shape(feature_shape)}", format_shape(output))
        else:
            output = (batch,) + feature_shape
            why.step("output", "(batch,) + step_output   (last step only)",
                     f"({batch},) + {format_shape(feature_shape)}", format_shape(output))
        if return_state is UNKNOWN:
            return UNKNOWN
        if return_state:
            if states is UNKNOWN:
                return UNKNOWN
            why.note(f"return_state=True: [output, {len(states)} final state(s)]")
            return [output, *states]
        return output


class _CellRNN(RNN):
    """SimpleRNN, GRU and LSTM: an RNN over the cell of the same name, on 3-D input."""

    cell_class: type[RecurrentCell]
    input_ndim = 3
    fixed_kwargs = passes("RNN.__init__", "cell", positional=True)

    def make_cell(self) -> Cell | None:
        cell = self.cell_class(self.args, name=to_snake_case(self.cell_class.keras_name), owner=self)
        use_cudnn = self.args.get("use_cudnn", "auto")
        if use_cudnn is not UNKNOWN and use_cudnn not in ("auto", True, False):
            raise ShapeError(
                "invalid-argument",
                "Invalid valid received for argument `use_cudnn`. Expected one of {'auto', True, False}. "
                f"Received: use_cudnn={use_cudnn}",
            )
        return cell


@register("SimpleRNN")
class SimpleRNN(_CellRNN):
    signature = ("units, activation='tanh', use_bias=True, " + _tail(activity=True)
                 + f", {RNN_FLAGS}, unroll=False, seed=None, **kwargs")
    cell_class = SimpleRNNCell
    passed_kwargs = frozenset({"zero_output_for_mask"})


@register("GRU")
class GRU(_CellRNN):
    signature = ("units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, "
                 + _tail(activity=True) + f", seed=None, {RNN_FLAGS}, unroll=False, reset_after=True, "
                 "use_cudnn='auto', **kwargs")
    cell_class = GRUCell
    passed_kwargs = frozenset({"implementation", "zero_output_for_mask"})


@register("LSTM")
class LSTM(_CellRNN):
    signature = ("units, activation='tanh', recurrent_activation='sigmoid', use_bias=True, "
                 + _tail("unit_forget_bias=True, ", activity=True)
                 + f", seed=None, {RNN_FLAGS}, unroll=False, use_cudnn='auto', **kwargs")
    cell_class = LSTMCell
    passed_kwargs = frozenset({"implementation", "zero_output_for_mask"})


# ---- ConvLSTM -----------------------------------------------------------------------------------

class ConvLSTM(RNN):
    """ConvLSTM1D/2D/3D: an LSTM whose kernels are convolutions over each frame
    (``keras/src/layers/rnn/conv_lstm.py``); input ``(batch, time, *spatial, channels)``."""

    rank = 2
    fixed_kwargs = {**passes("keras.src.layers.rnn.conv_lstm.ConvLSTM.__init__", "rank"),
                    **passes("RNN.__init__", "cell", positional=True)}
    signature = (
        "filters, kernel_size, strides=1, padding='valid', data_format=None, dilation_rate=1, "
        "activation='tanh', recurrent_activation='sigmoid', use_bias=True, "
        + _tail("unit_forget_bias=True, ", activity=True) + f", seed=None, {RNN_FLAGS}, **kwargs"
    )

    passed_kwargs = frozenset({"unroll", "zero_output_for_mask"})

    def validate(self) -> None:
        self.cell = None
        self.input_ndim = self.rank + 3
        self.kernel_size = standardize_tuple(self.args["kernel_size"], self.rank, "kernel_size")
        self.strides = standardize_tuple(self.args["strides"], self.rank, "strides", allow_zero=True)
        self.padding = standardize_padding(self.args["padding"])
        self.data_format = standardize_data_format(self.args["data_format"])
        self.dilation_rate = standardize_tuple(self.args["dilation_rate"], self.rank, "dilation_rate")
        if max(map(_num, self.strides)) > 1 and max(map(_num, self.dilation_rate)) > 1:
            raise ShapeError(
                "invalid-argument",
                "Specifying `strides > 1` is not compatible with `dilation_rate > 1`. Please provide "
                f"`strides=1` or `dilation_rate=1`. Received: strides={self.strides} and "
                f"dilation_rate={self.dilation_rate}",
            )

    def split_step(self, step_shape: tuple[Any, ...]) -> tuple[tuple[Any, ...] | None, Any]:
        """(spatial dims, channels) of one frame ``(batch, ...)``."""
        if self.data_format == "channels_first":
            return step_shape[2:], step_shape[1]
        if self.data_format == "channels_last":
            return step_shape[1:-1], step_shape[-1]
        return None, UNKNOWN

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        if not isinstance(input_shape, tuple):
            return UNKNOWN_PARAMS
        step_shape = (input_shape[0],) + input_shape[2:]
        spatial, channels = self.split_step(step_shape)
        if spatial is not None and None in spatial:
            raise ShapeError(
                "undefined-dimension",
                "ConvLSTM layers only support static input shapes for the spatial dimension. "
                f"Received invalid input shape: input_shape={format_shape(step_shape)}",
            )
        if channels is None:
            raise ShapeError(
                "undefined-dimension",
                "The channel dimension of the inputs (last axis) should be defined. Found None. "
                f"Full input shape received: input_shape={format_shape(step_shape)}",
            )
        filters, use_bias = self.args["filters"], self.args["use_bias"]
        if is_int(filters) and filters < 0:
            raise ShapeError("invalid-argument",
                             f"Cannot convert the kernel shape to a shape: negative `filters`={filters}.")
        self.check_stateful(input_shape)
        values = (*self.kernel_size, channels, filters)
        if use_bias is UNKNOWN or not all(is_int(v) for v in values):
            return UNKNOWN_PARAMS
        window = prod(self.kernel_size)
        kernel = " · ".join(str(k) for k in self.kernel_size)
        total = window * channels * 4 * filters + window * filters * 4 * filters
        formula = "kernel · in_channels · 4·filters + kernel · filters · 4·filters"
        subst = f"{kernel} · {channels} · 4·{filters} + {kernel} · {filters} · 4·{filters}"
        if use_bias:
            total += 4 * filters
            formula += " + 4·filters"
            subst += f" + 4·{filters}"
        why.step("params", formula, subst, total)
        return ParamCount(total, 0)

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if not isinstance(input_shape, tuple):
            return UNKNOWN
        batch, length = input_shape[0], input_shape[1]
        spatial, _ = self.split_step((batch,) + input_shape[2:])
        filters = self.args["filters"]
        if spatial is None:
            return UNKNOWN
        if 0 in self.strides:
            raise ShapeError("invalid-argument",
                             f"The `strides` argument must be positive to compute the output size. "
                             f"Received: strides={self.strides}")
        out: list[Dim] = []
        for size, k, s, d, label in zip(spatial, self.kernel_size, self.strides, self.dilation_rate,
                                        axis_labels(self.rank)):
            length_out = window_output_length(size, k, s, self.padding, d, label=label, why=why)
            if is_int(length_out) and length_out <= 0:
                raise ShapeError(
                    "window-too-large",
                    "Computed output size would be zero or negative. Received "
                    f"`inputs shape={format_shape((batch,) + input_shape[2:])}`, `kernel shape="
                    f"{self.kernel_size}`, `dilation_rate={self.dilation_rate}`, `strides={self.strides}`, "
                    f"`padding={self.padding}`.",
                )
            out.append(length_out)
        frame = (filters, *out) if self.data_format == "channels_first" else (*out, filters)
        state = (batch,) + frame
        return self.assemble(batch, length, frame, [state, state], why)


def _num(value: object) -> int:
    return value if is_int(value) else 0


@register("ConvLSTM1D")
class ConvLSTM1D(ConvLSTM):
    rank = 1


@register("ConvLSTM2D")
class ConvLSTM2D(ConvLSTM):
    rank = 2


@register("ConvLSTM3D")
class ConvLSTM3D(ConvLSTM):
    rank = 3


# ---- wrappers -------------------------------------------------------------------------------

def _require_layer(value: object, wrapper: str) -> Layer | None:
    """The wrapped layer, ``None`` when it is unknown; raise when it certainly is not a layer."""
    if isinstance(value, Layer):
        return value
    if value is not UNKNOWN and _literal(value):
        raise ShapeError(
            "invalid-argument",
            f"Please initialize `{wrapper}` layer with a `keras.layers.Layer` instance. Received: {value!r}",
        )
    return None


def _copy_rnn(layer: Layer, prefix: str, **changes: Any) -> RNN:
    """A fresh layer from ``layer``'s config (Keras serializes and deserializes it)."""
    if not isinstance(layer, RNN):
        raise ShapeError(
            "invalid-argument",
            f"Unrecognized keyword arguments passed to {layer.keras_name}: {{'go_backwards': True}}"
            " (Bidirectional only wraps recurrent layers)",
        )
    name = layer.name[len(prefix):] if layer.name.startswith(prefix) else layer.name
    return type(layer)(layer.args.replace(**changes), name=f"{prefix}{name}")


@register("Bidirectional")
class Bidirectional(Layer):
    """Runs a forward copy and a backward copy of an RNN and merges their outputs."""

    signature = "layer, merge_mode='concat', weights=None, backward_layer=None, **kwargs"
    call_signature = "sequences, initial_state=None, mask=None, training=None"
    MERGE_MODES = ("sum", "mul", "ave", "concat", None)

    def validate(self) -> None:
        layer = _require_layer(self.args["layer"], "Bidirectional")
        backward = self.args["backward_layer"]
        if backward is not None and not isinstance(backward, Layer) and _literal(backward):
            raise ShapeError("invalid-argument",
                             f"`backward_layer` need to be a `keras.layers.Layer` instance. Received: {backward!r}")
        merge_mode = self.args["merge_mode"]
        if merge_mode is not UNKNOWN and merge_mode not in self.MERGE_MODES:
            raise ShapeError(
                "invalid-argument",
                f"Invalid merge mode. Received: {merge_mode}. Merge mode should be one of "
                '{"sum", "mul", "ave", "concat", None}',
            )
        self.forward: RNN | None = None
        self.backward: RNN | None = None
        if layer is None:
            return
        self.forward = _copy_rnn(layer, "forward_")
        if backward is None:
            self.backward = _copy_rnn(layer, "backward_", go_backwards=True)
        elif isinstance(backward, RNN):
            self.backward = backward
        elif isinstance(backward, Layer):
            _copy_rnn(backward, "backward_")        # raises: not a recurrent layer
        self.verify_pair()

    def verify_pair(self) -> None:
        if self.forward is None or self.backward is None:
            return
        fwd, bwd = self.forward.args, self.backward.args
        if fwd["go_backwards"] is not UNKNOWN and fwd["go_backwards"] == bwd["go_backwards"]:
            raise ShapeError(
                "invalid-argument",
                "Forward layer and backward layer should have different `go_backwards` value. Received: "
                f"forward_layer.go_backwards {fwd['go_backwards']}, "
                f"backward_layer.go_backwards={bwd['go_backwards']}",
            )
        for attr in ("stateful", "return_sequences", "return_state"):
            a, b = fwd[attr], bwd[attr]
            if a is not UNKNOWN and b is not UNKNOWN and a != b:
                raise ShapeError(
                    "invalid-argument",
                    "Forward layer and backward layer are expected to have the same value for attribute "
                    f'"{attr}", got "{a}" for forward layer and "{b}" for backward layer',
                )

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        sequences = call_args["sequences"]
        if self.forward is not None and self.forward.input_ndim is not None:
            require_rank(self, sequences, ndim=self.forward.input_ndim)
        self.maybe_build(sequences, why)
        output = self.compute_output_shape(sequences, why)
        if self.forward is not None and self.forward.args["stateful"] and self.forward.args["return_state"]:
            # Bidirectional.compute_mask builds `(None for _ in self.states) * 2` once stateful
            # states exist: Keras 3 raises on every such call.
            raise ShapeError(
                "invalid-argument",
                "Bidirectional with stateful=True and return_state=True fails in Keras "
                "(Bidirectional.compute_mask: unsupported operand type(s) for *: 'generator' and 'int')",
            )
        return output

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        if self.forward is None or self.backward is None:
            return UNKNOWN_PARAMS
        self.forward.maybe_build(input_shape, why)
        self.backward.maybe_build(input_shape, why)
        fwd, bwd = self.forward.param_count(), self.backward.param_count()
        total = fwd + bwd
        why.step("params", "forward + backward", f"{fwd.total} + {bwd.total}", total.total)
        return total

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        """Keras's ``Bidirectional.compute_output_shape``: the *forward* layer's shapes, the output
        merged (``concat`` doubles the last axis), the forward states listed twice."""
        if self.forward is None:
            return UNKNOWN
        result = self.forward.compute_output_shape(input_shape, why)
        return_state, merge_mode = self.forward.args["return_state"], self.args["merge_mode"]
        if result is UNKNOWN or return_state is UNKNOWN or merge_mode is UNKNOWN:
            return UNKNOWN
        output, states = (result[0], list(result[1:])) if return_state else (result, [])
        if merge_mode == "concat" and isinstance(output, tuple):
            last = dim_op(lambda d: 2 * d, output[-1])
            why.step("output last axis", "2 · units   (merge_mode=\"concat\")", f"2 · {output[-1]}", last)
            output = output[:-1] + (last,)
        outputs = [output, output] if merge_mode is None else [output]
        if return_state:
            return outputs + states + states
        return outputs if merge_mode is None else output


@register("TimeDistributed")
class TimeDistributed(Layer):
    """Applies one layer to every time step: the inner layer sees ``(batch,) + input_shape[2:]``."""

    signature = "layer, **kwargs"
    call_signature = "inputs, training=None, mask=None"

    def validate(self) -> None:
        self.layer = _require_layer(self.args["layer"], "TimeDistributed")

    def child_shape(self, input_shape: tuple[Any, ...]) -> tuple[Any, ...]:
        if len(input_shape) < 3:
            raise ShapeError(
                "wrong-rank",
                "`TimeDistributed` Layer should be passed an `input_shape` with at least 3 dimensions, "
                f"received: {format_shape(input_shape)}",
            )
        return (input_shape[0],) + input_shape[2:]

    def count_params(self, input_shape: Shape, why: Derivation) -> ParamCount:
        if self.layer is None or not isinstance(input_shape, tuple):
            return UNKNOWN_PARAMS
        self.layer.maybe_build(self.child_shape(input_shape), why)
        return self.layer.param_count()

    def compute_output_shape(self, input_shape: Shape, why: Derivation) -> Shapes:
        if self.layer is None or not isinstance(input_shape, tuple):
            return UNKNOWN
        child = self.child_shape(input_shape)
        why.step("step input", "(batch,) + input_shape[2:]", f"({input_shape[0]},) + {format_shape(input_shape[2:])}",
                 format_shape(child))
        inner = self.layer.compute_output_shape(child, why)
        if isinstance(inner, list):
            raise ShapeError("invalid-argument",
                             f"`TimeDistributed` cannot wrap `{self.layer.keras_name}`: it returns several outputs.")
        if not isinstance(inner, tuple) or not inner:
            return UNKNOWN
        out = (inner[0], input_shape[1]) + inner[1:]
        why.step("output", "(step_output[0], timesteps) + step_output[1:]",
                 f"({inner[0]}, {input_shape[1]}) + {format_shape(inner[1:])}", format_shape(out))
        return out

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shape = call_args["inputs"]
        if isinstance(shape, tuple):
            self.child_shape(shape)
        self.maybe_build(shape, why)
        return self.compute_output_shape(shape, why)
