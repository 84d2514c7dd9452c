"""Rules for ``keras.ops.math`` (``keras/src/ops/math.py``): ``top_k``, ``in_top_k``,
``logsumexp``, segment reductions, ``extract_sequences``, FFTs and the elementwise ``erf`` /
``rsqrt`` family."""

from __future__ import annotations

from typing import Any

from ..shape import Shapes, dim_op, is_int
from .base import Tensor, Unknown, known_shape, literal_int, need, op
from .numpy import reduce_shape


def _same(x: Tensor) -> tuple[Any, ...]:
    return known_shape(x)


for _name in ("erf", "erfc", "erfinv", "rsqrt"):
    op(_name)(lambda x: _same(x))


@op("logdet")
def logdet(x: Tensor) -> Shapes:
    x = known_shape(x)
    if len(x) < 2:
        raise Unknown
    return x[:-2]


@op("top_k")
def top_k(x: Tensor, k: object, sorted: object = True) -> Shapes:
    x = known_shape(x)
    k = literal_int(k)
    if not x:
        raise Unknown
    out = x[:-1] + (k,)
    return (out, out)


@op("in_top_k", tensors=("targets", "predictions"))
def in_top_k(targets: Tensor, predictions: Tensor, k: object) -> Shapes:
    return _same(targets)


@op("logsumexp")
def logsumexp(x: Tensor, axis: object = None, keepdims: object = False) -> Shapes:
    return reduce_shape(x, axis, keepdims)


@op("segment_sum", "segment_max", "segment_min", "segment_prod", tensors=("data", "segment_ids"))
def segment_sum(data: Tensor, segment_ids: Tensor, num_segments: object = None, sorted: object = False) -> Shapes:
    data = known_shape(data)
    if not is_int(num_segments):
        raise Unknown                    # the number of segments comes from the data
    return (num_segments,) + data[1:]


@op("extract_sequences")
def extract_sequences(x: Tensor, sequence_length: object, sequence_stride: object) -> Shapes:
    x = known_shape(x)
    if not x:
        raise Unknown
    length, stride = literal_int(sequence_length), literal_int(sequence_stride)
    n = dim_op(lambda s: 1 + (s - length) // stride, x[-1])
    return x[:-1] + (n, length)


@op("fft", cls="FFT", tensors=(), lists=("x",))
@op("fft2", cls="FFT2", tensors=(), lists=("x",))
@op("ifft2", cls="IFFT2", tensors=(), lists=("x",))
def fft(x: Tensor) -> Shapes:
    if not isinstance(x, (list, tuple)) or len(x) != 2:
        raise Unknown
    need(*x)
    if x[0] != x[1]:
        raise Unknown
    return (x[0], x[0])


@op("rfft", cls="RFFT")
def rfft(x: Tensor, fft_length: object = None) -> Shapes:
    x = known_shape(x)
    if not x:
        raise Unknown
    last = (literal_int(fft_length) // 2 + 1) if fft_length is not None else dim_op(lambda s: s // 2 + 1, x[-1])
    out = x[:-1] + (last,)
    return (out, out)


@op("irfft", cls="IRFFT", tensors=(), lists=("x",))
def irfft(x: Tensor, fft_length: object = None) -> Shapes:
    if not isinstance(x, (list, tuple)) or len(x) != 2:
        raise Unknown
    need(*x)
    real = known_shape(x[0])
    if real != x[1] or not real:
        raise Unknown
    last = literal_int(fft_length) if fft_length is not None else dim_op(lambda s: 2 * (s - 1), real[-1])
    return real[:-1] + (last,)


@op("stft", cls="STFT")
def stft(x: Tensor, sequence_length: object, sequence_stride: object, fft_length: object, window: object = "hann",
         center: object = True) -> Shapes:
    x = known_shape(x)
    if not x:
        raise Unknown
    stride, fft_len = literal_int(sequence_stride), literal_int(fft_length)
    padded = 0 if center is False else (fft_len // 2) * 2
    n = dim_op(lambda s: 1 + (s + padded - fft_len) // stride, x[-1])
    out = x[:-1] + (n, fft_len // 2 + 1)
    return (out, out)


@op("view_as_complex")
def view_as_complex(x: Tensor) -> Shapes:
    x = known_shape(x)
    if not x or x[-1] not in (2, None):
        raise Unknown
    return x[:-1]


@op("view_as_real")
def view_as_real(x: Tensor) -> Shapes:
    x = known_shape(x)
    return x + (2,)
