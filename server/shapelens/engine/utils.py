"""Argument normalisation and shape checks shared by many layer rules (Keras's own helpers:
``standardize_tuple``, ``standardize_padding``, ``standardize_data_format``, input specs)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .errors import ShapeError
from .shape import UNKNOWN, Dim, Unknown, format_shape, is_int

if TYPE_CHECKING:
    from .layer import Layer


def standardize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple[Any, ...]:
    """An int or an n-tuple of ints, as ``keras.src.utils.argument_validation.standardize_tuple``.

    UNKNOWN (or a tuple holding UNKNOWN items) stays unknown item by item."""
    if value is UNKNOWN:
        return (UNKNOWN,) * n
    if isinstance(value, bool):
        value = int(value)          # Keras accepts True as 1
    if is_int(value):
        values: tuple[Any, ...] = (value,) * n
    elif isinstance(value, (tuple, list)):
        if len(value) != n:
            raise ShapeError(
                "invalid-argument",
                f"The `{name}` argument must be a tuple of {n} integers. Received {name}={_lit(value)}",
            )
        values = tuple(value)
    else:
        raise ShapeError(
            "invalid-argument",
            f"The `{name}` argument must be a tuple of {n} integers. Received {name}={_lit(value)}",
        )
    for v in values:
        if v is UNKNOWN:
            continue
        if isinstance(v, float):
            return tuple(UNKNOWN for _ in values)   # Keras fails on floats only later: no verdict
        if not is_int(v):
            raise ShapeError(
                "invalid-argument",
                f"The `{name}` argument must be a tuple of {n} integers. Received {name}={_lit(value)}",
            )
        if v < 0 or (v == 0 and not allow_zero):
            req = ">= 0" if allow_zero else "> 0"
            raise ShapeError(
                "invalid-argument",
                f"The `{name}` argument must be a tuple of {n} integers. Received {name}={_lit(value)}, "
                f"including values {{{v}}} that do not satisfy `value {req}`",
            )
    return values


def standardize_padding(value: object, allow_causal: bool = False) -> str | Unknown:
    if value is UNKNOWN or isinstance(value, (list, tuple)):
        return UNKNOWN              # explicit paddings: Keras decides per layer, later
    if isinstance(value, str):
        padding = value.lower()
        allowed = {"valid", "same", "causal"} if allow_causal else {"valid", "same"}
        if padding in allowed:
            return padding
    raise ShapeError(
        "invalid-argument",
        "The `padding` argument must be a list/tuple or one of "
        f"{sorted({'valid', 'same', 'causal'} if allow_causal else {'valid', 'same'})}. Received: {value}",
    )


def standardize_data_format(value: object) -> str | Unknown:
    if value is None:
        return "channels_last"  # keras.config.image_data_format() default
    if value is UNKNOWN:
        return UNKNOWN
    if isinstance(value, str) and value.lower() in ("channels_last", "channels_first"):
        return value.lower()
    raise ShapeError(
        "invalid-argument",
        'The `data_format` argument must be one of {"channels_first", "channels_last"}. '
        f"Received: data_format={value}",
    )


def require_rank(layer: Layer, shape: Any, *, ndim: int | None = None, min_ndim: int | None = None,
                 max_ndim: int | None = None, index: int = 0) -> None:
    """Keras's InputSpec rank check, with Keras's wording."""
    if not isinstance(shape, tuple):
        return
    found = len(shape)
    expected = None
    if ndim is not None and found != ndim:
        expected = f"expected ndim={ndim}"
    elif max_ndim is not None and found > max_ndim:
        expected = f"expected max_ndim={max_ndim}"
    elif min_ndim is not None and found < min_ndim:
        expected = f"expected min_ndim={min_ndim}"
    if expected:
        raise ShapeError(
            "wrong-rank",
            f"Input {index} of layer '{layer.name}' is incompatible with the layer: {expected}, "
            f"found ndim={found}. Full shape received: {format_shape(shape)}",
        )


def require_axis(layer: Layer, shape: Any, axis: int, value: Any, index: int = 0) -> None:
    """Keras's InputSpec axes check: a layer built for ``value`` features, called again on
    another size (a shared layer reused on a different tensor)."""
    if not isinstance(shape, tuple) or not shape or not is_int(value):
        return
    dim = shape[axis]
    if is_int(dim) and dim != value:
        raise ShapeError(
            "incompatible-shapes",
            f"Input {index} of layer '{layer.name}' is incompatible with the layer: "
            f"expected axis {axis} of input shape to have value {value}, "
            f"but received input with shape {format_shape(shape)}",
        )


def require_defined(layer: Layer, dim: Dim, what: str, shape: Any) -> None:
    """A dimension needed to create weights must not be ``None`` (unknown ``?`` is fine)."""
    if dim is None:
        raise ShapeError(
            "undefined-dimension",
            f"The {what} of the inputs to `{layer.keras_name}` should be defined. "
            f"Found `None`. Full input shape received: {format_shape(shape)}",
        )


def lora_rank(layer: Layer, constraint: str) -> int | Unknown:
    """``lora_rank`` when LoRA is enabled at build (``if self.lora_rank:``), 0 when not,
    ``UNKNOWN`` when we cannot tell.  Enabling refuses a kernel/embeddings constraint
    (Dense, EinsumDense, Embedding, BaseConv)."""
    if not layer.args.given("lora_rank"):
        return 0
    rank: object = layer.args.get("lora_rank")      # BaseConv takes it through **kwargs
    if rank is UNKNOWN:
        return UNKNOWN
    if not rank:
        return 0
    if layer.args.given(constraint) and layer.args.get(constraint) not in (None, UNKNOWN):
        what = "embedding" if constraint == "embeddings_constraint" else "kernel"
        raise ShapeError(
            "invalid-argument",
            f"Lora is incompatible with {what} constraints. In order to enable lora on this "
            f"layer, remove the `{constraint}` argument.",
        )
    return rank if is_int(rank) else UNKNOWN


def _lit(value: object) -> str:
    return repr(value)
