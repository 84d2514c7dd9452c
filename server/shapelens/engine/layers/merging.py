"""Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot
(``keras/src/layers/merging/``), and ``broadcast_shapes`` for ``x + y`` between tensors.

Merge layers take a list of tensors.  The elementwise ones align their inputs without the batch
axis from the right, as ``Merge._compute_elemwise_op_output_shape`` does (a ``None`` on either
side gives ``None``; a 1 takes the other side's size; two different sizes are an error), and
take the one known batch size.  Operators on tensors (``x + y``) follow
``keras.src.ops.operation_utils.broadcast_shapes`` instead, which differs on ``None``.
"""

from __future__ import annotations

from typing import Any

from ..args import Args
from ..derivation import Derivation
from ..errors import ShapeError
from ..layer import Layer, register
from ..shape import UNKNOWN, Dim, Shape, Shapes, Unknown, format_dim, format_shape, is_int, is_shape_list


def _is_one(dim: object) -> bool:
    return is_int(dim) and dim == 1


def _keras_list(shape: tuple[Any, ...]) -> str:
    """Keras prints the operands of ``broadcast_shapes`` as lists: ``[None, 4]``."""
    return "[" + ", ".join(format_dim(d) for d in shape) + "]"


def broadcast_shapes(a: Shape, b: Shape, why: Derivation | None = None) -> Shape:
    """The shape of ``x + y`` (also ``-``, ``*``) for symbolic tensors of shapes ``a`` and ``b``.

    Mirrors ``keras.src.ops.operation_utils.broadcast_shapes``: shapes are aligned from the
    right; a 1 takes the other size; ``None`` against a size gives the size; two different sizes
    raise ``incompatible-shapes``.  ``?`` never raises: against a size ``n`` != 1 the result is
    ``n`` (or Keras raises), otherwise ``?``."""
    if not (isinstance(a, tuple) and isinstance(b, tuple)):
        return UNKNOWN
    rank = max(len(a), len(b))
    padded_a: tuple[Any, ...] = (1,) * (rank - len(a)) + a
    padded_b: tuple[Any, ...] = (1,) * (rank - len(b)) + b
    out: list[Dim] = []
    for x, y in zip(padded_a, padded_b):
        if _is_one(x):
            out.append(y)
        elif x is None:
            out.append(None if _is_one(y) else y)
        elif x is UNKNOWN:
            out.append(y if is_int(y) and y != 1 else UNKNOWN)
        elif _is_one(y) or y is None or y is UNKNOWN or y == x:
            out.append(x)
        else:
            raise ShapeError(
                "incompatible-shapes",
                f"Cannot broadcast shape, the failure dim has value {x}, which cannot be "
                f"broadcasted to {y}. Input shapes are: {_keras_list(a)} and {_keras_list(b)}.",
            )
    result = tuple(out)
    if why is not None:
        why.step("output", "broadcast(x.shape, y.shape), aligned from the right",
                 f"broadcast({format_shape(a)}, {format_shape(b)})", format_shape(result))
    return result


def _elementwise(shape1: Shape, shape2: Shape) -> Shape:
    """``Merge._compute_elemwise_op_output_shape`` on shapes without their batch axis."""
    if shape1 is UNKNOWN or shape2 is UNKNOWN:
        return UNKNOWN
    if len(shape1) < len(shape2):
        return _elementwise(shape2, shape1)
    if not shape2:
        return shape1
    out: list[Dim] = list(shape1[: -len(shape2)])
    for i, j in zip(shape1[-len(shape2):], shape2):
        if i is None or j is None:
            out.append(None)
        elif _is_one(i):
            out.append(j)
        elif _is_one(j):
            out.append(i)
        elif i is UNKNOWN or j is UNKNOWN:
            out.append(UNKNOWN)
        elif i != j:
            raise ShapeError(
                "incompatible-shapes",
                f"Inputs have incompatible shapes. Received shapes {format_shape(shape1)} and "
                f"{format_shape(shape2)}",
            )
        else:
            out.append(i)
    return tuple(out)


def _at(shape: tuple[Any, ...], index: int, what: str) -> Any:
    """``shape[index]``, with the error Keras's own indexing would raise."""
    try:
        return shape[index]
    except IndexError:
        raise ShapeError(
            "invalid-argument",
            f"{what} {index} is out of range for an input of rank {len(shape)}: {format_shape(shape)}",
        ) from None


class Merge(Layer):
    """``keras.src.layers.merging.base_merge.Merge``: checks in ``build`` (first call only),
    then ``compute_output_shape`` on every call."""

    signature = "**kwargs"
    not_a_list = ("A merge layer should be called on a list of inputs. "
                  "Received: input_shape={shape} (not a list of shapes)")

    def call(self, call_args: Args, why: Derivation) -> Shapes:
        shapes = self._input_shapes(call_args["inputs"])
        if self.weights is None and shapes is not UNKNOWN:
            self.build(shapes)
        self.maybe_build(shapes, why)
        if shapes is UNKNOWN:
            return UNKNOWN
        return self.compute_output_shape(shapes, why)

    def _input_shapes(self, inputs: Any) -> list[Shape] | Unknown:
        """The list of input shapes (entries may be ``?``), or ``?`` when not known."""
        if isinstance(inputs, list) or is_shape_list(inputs):
            if not inputs:
                raise ShapeError("wrong-input-count",
                                 f"A `{self.keras_name}` layer should be called on a list of at "
                                 "least 1 input. Received 0 inputs.")
            return [s if isinstance(s, tuple) else UNKNOWN for s in inputs]
        if isinstance(inputs, tuple) and (inputs == () or any(is_int(d) or d is None for d in inputs)):
            raise ShapeError("wrong-input-count", self.not_a_list.format(shape=format_shape(inputs)))
        return UNKNOWN

    def build(self, shapes: list[Shape]) -> None:
        batch_sizes = {s[0] for s in shapes if isinstance(s, tuple) and s and is_int(s[0])}
        if len(batch_sizes) > 1:
            raise ShapeError("incompatible-shapes",
                             "Cannot merge tensors with different batch sizes. "
                             f"Received tensors with shapes {format_shape(shapes)}")
        self._fold(shapes)

    @staticmethod
    def _fold(shapes: list[Shape]) -> Shape:
        out = shapes[0][1:] if shapes[0] is not UNKNOWN else UNKNOWN
        for s in shapes[1:]:
            out = _elementwise(out, s[1:] if s is not UNKNOWN else UNKNOWN)
        return out

    def compute_output_shape(self, shapes: Any, why: Derivation) -> Shapes:
        out = self._fold(shapes)
        if any(s == () for s in shapes):
            raise ShapeError("wrong-rank",
                             f"`{self.keras_name}` needs inputs with a batch axis; received a "
                             f"rank-0 input. Full input shapes: {format_shape(shapes)}")
        if out is UNKNOWN:
            return UNKNOWN
        known = {s[0] for s in shapes if s is not UNKNOWN and is_int(s[0])}
        unknown = any(s is UNKNOWN or s[0] is UNKNOWN for s in shapes)
        batch: Dim
        if len(known) == 1:
            batch = known.pop()
        else:
            batch = UNKNOWN if unknown and not known else None
        result = (batch,) + out
        why.step("output", "(batch,) + broadcast of the inputs without their batch axis",
                 f"({format_dim(batch)},) + broadcast("
                 + ", ".join(format_shape(s[1:]) if s is not UNKNOWN else "?" for s in shapes) + ")",
                 format_shape(result))
        return result


@register("Add")
class Add(Merge):
    pass


@register("Subtract")
class Subtract(Merge):
    def build(self, shapes: list[Shape]) -> None:
        super().build(shapes)
        if len(shapes) != 2:
            raise ShapeError("wrong-input-count",
                             "A `Subtract` layer should be called on exactly 2 inputs. "
                             f"Received: input_shape={format_shape(shapes)}")


@register("Multiply")
class Multiply(Merge):
    pass


@register("Average")
class Average(Merge):
    pass


@register("Maximum")
class Maximum(Merge):
    pass


@register("Minimum")
class Minimum(Merge):
    pass


@register("Concatenate")
class Concatenate(Merge):
    signature = "axis=-1, **kwargs"
    not_a_list = ("A `Concatenate` layer should be called on a list of at least 1 input. "
                  "Received: input_shape={shape}")

    def build(self, shapes: list[Shape]) -> None:
        """Keras's check: the inputs, without the concatenation axis, have one rank and
        agree on every axis where two of them have a size (``None`` matches anything).
        Run on the shapes we know: if those already disagree, all of them do."""
        axis = self.args["axis"]
        if not is_int(axis):
            return
        reduced: list[tuple[Any, ...]] = []
        for s in shapes:
            if s is UNKNOWN:
                continue
            if not s:
                raise ShapeError("wrong-rank", "A `Concatenate` layer cannot concatenate rank-0 "
                                 f"inputs. Received: input_shape={format_shape(shapes)}")
            dims = list(s)
            if len(dims) > axis:
                _at(s, axis, "Concatenation axis")
                del dims[axis]
            reduced.append(tuple(dims))
        if len(set(reduced)) <= 1:
            return
        ranks = {len(r) for r in reduced}
        mismatch = len(ranks) != 1 or any(
            len({r[i] for r in reduced if is_int(r[i])}) > 1 for i in range(ranks.pop()))
        if mismatch:
            raise ShapeError(
                "incompatible-shapes",
                "A `Concatenate` layer requires inputs with matching shapes except for the "
                f"concatenation axis. Received: input_shape={format_shape(shapes)}",
            )

    def compute_output_shape(self, shapes: Any, why: Derivation) -> Shapes:
        axis = self.args["axis"]
        first: Shape = shapes[0]
        if not is_int(axis) or first is UNKNOWN:
            return UNKNOWN
        out = list(first)
        if len(shapes) == 1:        # Keras never reads the axis of a single input
            why.step("output", "the single input's shape", "", format_shape(first))
            return first
        total = _at(first, axis, "Concatenation axis")
        sizes = [format_dim(total)]
        for s in shapes[1:]:
            if total is None:
                break
            if s is UNKNOWN or (total is UNKNOWN and not -len(s) <= axis < len(s)):
                size = UNKNOWN          # (Keras may have stopped at a None before indexing)
            else:
                size = _at(s, axis, "Concatenation axis")
            sizes.append(format_dim(size))
            if size is None:
                total = None
                break
            total = UNKNOWN if UNKNOWN in (total, size) else total + size
        out[axis] = total
        result = tuple(out)
        why.step(f"axis {axis}", "sum of the inputs' sizes on the axis (None if any is None)",
                 " + ".join(sizes), format_dim(total))
        why.step("output", "first input's shape with the summed axis", "", format_shape(result))
        return result


@register("Dot")
class Dot(Merge):
    signature = "axes, normalize=False, **kwargs"
    not_a_list = "A `Dot` layer should be called on a list of 2 inputs. Received: input_shape={shape}"

    def validate(self) -> None:
        axes = self.args["axes"]
        if axes is UNKNOWN or isinstance(axes, int):
            return
        if not isinstance(axes, (list, tuple)):
            raise ShapeError("invalid-argument",
                             "Invalid type for argument `axes`: it should be a list or an int. "
                             f"Received: axes={axes}")
        if len(axes) != 2:
            raise ShapeError("invalid-argument",
                             "Invalid format for argument `axes`: it should contain two elements. "
                             f"Received: axes={axes}")
        if any(not isinstance(a, int) and a is not UNKNOWN for a in axes):
            raise ShapeError("invalid-argument",
                             "Invalid format for argument `axes`: list elements should be "
                             f"integers. Received: axes={axes}")

    def _axes(self, shape1: tuple[Any, ...], shape2: tuple[Any, ...]) -> list[int] | None:
        """The two axes, as ``Dot.build`` resolves them; ``None`` if unknown."""
        axes = self.args["axes"]
        if isinstance(axes, int):
            if axes >= 0:
                return [axes, axes]
            if not shape1 or not shape2:
                raise ShapeError("wrong-rank", f"`Dot` with axes={axes} needs inputs of rank "
                                 f">= 1. Received: {format_shape(shape1)}, {format_shape(shape2)}")
            return [axes % len(shape1), axes % len(shape2)]
        if axes is UNKNOWN or UNKNOWN in axes:
            return None
        return list(axes)

    def _require_two(self, shapes: list[Shape]) -> None:
        if len(shapes) != 2:
            raise ShapeError("wrong-input-count", self.not_a_list.format(shape=format_shape(shapes)))

    def build(self, shapes: list[Shape]) -> None:
        self._require_two(shapes)
        shape1, shape2 = shapes
        if shape1 is UNKNOWN or shape2 is UNKNOWN:
            return
        axes = self._axes(shape1, shape2)
        if axes is None:
            return
        d1, d2 = _at(shape1, axes[0], "Axis"), _at(shape2, axes[1], "Axis")
        if d1 is not UNKNOWN and d2 is not UNKNOWN and d1 != d2:
            raise ShapeError(
                "incompatible-shapes",
                f"Incompatible input shapes: axis values {format_dim(d1)} (at axis {axes[0]}) != "
                f"{format_dim(d2)} (at axis {axes[1]}). Full input shapes: "
                f"{format_shape(shape1)}, {format_shape(shape2)}",
            )

    def compute_output_shape(self, shapes: Any, why: Derivation) -> Shapes:
        self._require_two(shapes)
        shape1: Shape
        shape2: Shape
        shape1, shape2 = shapes
        if shape1 is UNKNOWN or shape2 is UNKNOWN:
            return UNKNOWN
        axes = self._axes(shape1, shape2)
        if axes is None:
            return UNKNOWN
        rest1, rest2 = list(shape1), list(shape2)
        _at(shape1, axes[0], "Axis")
        rest1.pop(axes[0])
        _at(shape2, axes[1], "Axis")
        rest2.pop(axes[1])
        if not rest2:
            raise ShapeError("wrong-rank", "`Dot`'s second input has no batch axis left after "
                             f"removing axis {axes[1]}: {format_shape(shape2)}")
        rest2.pop(0)
        out = tuple(rest1 + rest2)
        if len(out) == 1:
            out += (1,)
        why.step("output", "x.shape without axes[0] + y.shape without batch and axes[1] (+ (1,) if rank 1)",
                 f"{format_shape(shape1)} − axis {axes[0]}, {format_shape(shape2)} − axis {axes[1]}",
                 format_shape(out))
        return out


__all__ = [
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Merge", "Minimum", "Multiply", "Subtract",
    "broadcast_shapes",
]
