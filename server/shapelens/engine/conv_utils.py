"""Sliding-window arithmetic shared by convolution, pooling and ConvLSTM rules
(``keras.src.ops.operation_utils.compute_conv_output_shape`` / ``compute_pooling_output_shape``),
recording each spatial dimension's formula with its numbers into the derivation."""

from __future__ import annotations

from .derivation import Derivation
from .shape import UNKNOWN, Dim, is_int

AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def axis_labels(rank: int) -> tuple:
    return AXIS_NAMES.get(rank, tuple(f"dim{i + 1}" for i in range(rank)))


def window_output_length(size: Dim, kernel, stride, padding, dilation=1, *,
                         label: str = "out", why: Derivation | None = None) -> Dim:
    """Output length of one spatial axis, Keras's formula.

    valid:          floor((in − dilation·(kernel − 1) − 1) / stride) + 1
    same / causal:  floor((in − 1) / stride) + 1
    Returns None for a dynamic input axis, UNKNOWN when anything is unknown, and a number
    (possibly <= 0: the caller decides whether Keras rejects it) otherwise.
    """
    if size is None:
        return None
    if not all(is_int(v) for v in (size, kernel, stride, dilation)) or padding not in ("valid", "same", "causal"):
        return UNKNOWN
    if padding == "valid":
        out = (size - dilation * (kernel - 1) - 1) // stride + 1
        if why is not None:
            why.step(label, "floor((in + 2·0 − dilation·(kernel − 1) − 1) / stride) + 1",
                     f"floor(({size} + 2·0 − {dilation}·({kernel} − 1) − 1) / {stride}) + 1", out)
    else:
        out = (size - 1) // stride + 1
        if why is not None:
            why.step(label, f"floor((in − 1) / stride) + 1   (padding=\"{padding}\" keeps ceil(in / stride))",
                     f"floor(({size} − 1) / {stride}) + 1", out)
    return out


def transpose_output_length(size: Dim, kernel, stride, padding, output_padding=None, dilation=1, *,
                            label: str = "out", why: Derivation | None = None) -> Dim:
    """Output length of a transposed convolution axis
    (``keras.src.backend.common.backend_utils.compute_conv_transpose_output_length``)."""
    if size is None:
        return None
    values = (size, kernel, stride, dilation) + ((output_padding,) if output_padding is not None else ())
    if not all(is_int(v) for v in values) or padding not in ("valid", "same"):
        return UNKNOWN
    kernel_eff = kernel + (kernel - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            out = size * stride + max(kernel_eff - stride, 0)
            formula = "in · stride + max(kernel_eff − stride, 0)"
            subst = f"{size} · {stride} + max({kernel_eff} − {stride}, 0)"
        else:
            out = size * stride
            formula, subst = "in · stride", f"{size} · {stride}"
    else:
        pad = kernel_eff // 2 if padding == "same" else 0
        out = (size - 1) * stride + kernel_eff - 2 * pad + output_padding
        formula = "(in − 1) · stride + kernel_eff − 2·pad + output_padding"
        subst = f"({size} − 1) · {stride} + {kernel_eff} − 2·{pad} + {output_padding}"
    if why is not None:
        if dilation != 1:
            why.step(f"{label} kernel_eff", "kernel + (kernel − 1)·(dilation − 1)",
                     f"{kernel} + ({kernel} − 1)·({dilation} − 1)", kernel_eff)
        why.step(label, formula, subst, out)
    return out
