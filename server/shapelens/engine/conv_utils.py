"""Sliding-window arithmetic shared by convolution, pooling and ConvLSTM rules
(``keras.src.ops.operation_utils.compute_conv_output_shape`` / ``compute_pooling_output_shape`` and
``keras.src.backend.common.backend_utils.compute_conv_transpose_output_shape``), recording each
spatial dimension's formula with its numbers into the derivation."""

from __future__ import annotations

from .derivation import Derivation
from .shape import UNKNOWN, Dim, is_int

AXIS_NAMES = {1: ("length",), 2: ("height", "width"), 3: ("depth", "height", "width")}


def axis_labels(rank: int) -> tuple[str, ...]:
    return AXIS_NAMES.get(rank, tuple(f"dim{i + 1}" for i in range(rank)))


def window_output_length(size: Dim, kernel: object, stride: object, padding: object, dilation: object = 1, *,
                         label: str = "out", why: Derivation | None = None) -> Dim:
    """Output length of one spatial axis of a convolution, Keras's formula.

    valid:          floor((in − dilation·(kernel − 1) − 1) / stride) + 1
    same / causal:  floor((in − 1) / stride) + 1
    Returns None for a dynamic input axis, UNKNOWN when anything is unknown, and a number
    (possibly <= 0: the caller decides whether Keras rejects it) otherwise.
    """
    if size is None:
        return None
    if not (is_int(size) and is_int(kernel) and is_int(stride) and is_int(dilation)) or padding not in ("valid", "same", "causal"):
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


def pool_output_length(size: Dim, pool: object, stride: object, padding: object, *,
                       label: str = "out", why: Derivation | None = None) -> Dim:
    """Output length of one spatial axis of a pooling layer (``compute_pooling_output_shape``).

    valid:  floor((in − pool) / stride) + 1
    same:   floor((in − 1) / stride) + 1
    None for a dynamic axis, UNKNOWN when anything is unknown; a number (possibly <= 0) otherwise.
    """
    if size is None:
        return None
    if not (is_int(size) and is_int(pool) and is_int(stride)) or stride == 0 or padding not in ("valid", "same"):
        return UNKNOWN
    if padding == "valid":
        out = (size - pool) // stride + 1
        if why is not None:
            why.step(label, "floor((in − pool) / stride) + 1", f"floor(({size} − {pool}) / {stride}) + 1", out)
    else:
        out = (size - 1) // stride + 1
        if why is not None:
            why.step(label, "floor((in − 1) / stride) + 1   (padding=\"same\" keeps ceil(in / stride))",
                     f"floor(({size} − 1) / {stride}) + 1", out)
    return out


def transpose_output_length(size: Dim, kernel: object, stride: object, padding: object, output_padding: object = None,
                            dilation: object = 1, *,
                            label: str = "out", why: Derivation | None = None) -> Dim:
    """Output length of a transposed convolution axis
    (``keras.src.backend.common.backend_utils._get_output_shape_given_tf_padding``).

    kernel_eff = (kernel − 1)·dilation + 1, then
    valid:  (in − 1)·stride + max(kernel_eff, stride)      [+ output_padding instead of the max part]
    same:   in·stride                                      [(in − 1)·stride + kernel_eff mod 2 + output_padding]
    """
    if size is None:
        return None
    if not (is_int(size) and is_int(kernel) and is_int(stride) and is_int(dilation)
            and (output_padding is None or is_int(output_padding))) or padding not in ("valid", "same"):
        return UNKNOWN
    kernel_eff = (kernel - 1) * dilation + 1
    k = "kernel_eff" if dilation != 1 else "kernel"
    if padding == "valid" and output_padding is None:
        out = (size - 1) * stride + max(kernel_eff, stride)
        formula = f"(in − 1) · stride + max({k}, stride)"
        subst = f"({size} − 1) · {stride} + max({kernel_eff}, {stride})"
    elif padding == "valid" and output_padding is not None:
        out = (size - 1) * stride + kernel_eff + output_padding
        formula = f"(in − 1) · stride + {k} + output_padding"
        subst = f"({size} − 1) · {stride} + {kernel_eff} + {output_padding}"
    elif output_padding is None:
        out = size * stride
        formula, subst = "in · stride", f"{size} · {stride}"
    else:
        out = (size - 1) * stride + kernel_eff % 2 + output_padding
        formula = f"(in − 1) · stride + {k} mod 2 + output_padding"
        subst = f"({size} − 1) · {stride} + {kernel_eff} mod 2 + {output_padding}"
    if why is not None:
        if dilation != 1:
            why.step(f"{label} kernel_eff", "(kernel − 1)·dilation + 1",
                     f"({kernel} − 1)·{dilation} + 1", kernel_eff)
        why.step(label, formula, subst, out)
    return out
