"""Rules for ``keras.ops.linalg`` (``keras/src/ops/linalg.py``): decompositions, inverses,
solves and norms, from the shapes of the matrices (batch dimensions first)."""

from __future__ import annotations

from typing import Any

from ..shape import Shapes, is_int
from .base import Tensor, Unknown, known_shape, op
from .numpy import reduce_shape


def _matrix(x: Tensor, square: bool = False) -> tuple[Any, ...]:
    x = known_shape(x)
    if len(x) < 2:
        raise Unknown
    if square and is_int(x[-1]) and is_int(x[-2]) and x[-1] != x[-2]:
        raise Unknown
    return x


@op("cholesky", "inv", "cholesky_inverse")
def cholesky(x: Tensor, *args: object, **kwargs: object) -> Shapes:
    return _matrix(x, square=True)


@op("det")
def det(x: Tensor) -> Shapes:
    return _matrix(x, square=True)[:-2]


@op("matrix_rank")
def matrix_rank(x: Tensor, *args: object, **kwargs: object) -> Shapes:
    return _matrix(x)[:-2]


@op("eig", "eigh")
def eig(x: Tensor) -> Shapes:
    x = _matrix(x, square=True)
    return (x[:-1], x)


@op("lu_factor")
def lu_factor(x: Tensor) -> Shapes:
    x = _matrix(x)
    m, n = x[-2:]
    if not (is_int(m) and is_int(n)):
        raise Unknown
    return (x, x[:-2] + (min(m, n),))


@op("pinv")
def pinv(x: Tensor, rcond: object = 1e-15) -> Shapes:
    x = _matrix(x)
    return x[:-2] + (x[-1], x[-2])


@op("qr")
def qr(x: Tensor, mode: object = "reduced") -> Shapes:
    x = _matrix(x)
    m, n = x[-2:]
    if not (is_int(m) and is_int(n)):
        raise Unknown
    k = min(m, n)
    base = x[:-2]
    if mode == "reduced":
        return (base + (m, k), base + (k, n))
    if mode == "complete":
        return (base + (m, m), base + (m, n))
    raise Unknown


@op("svd", cls="SVD")
def svd(x: Tensor, full_matrices: object = True, compute_uv: object = True) -> Shapes:
    x = _matrix(x)
    m, n = x[-2:]
    if not (is_int(m) and is_int(n)):
        raise Unknown
    k = min(m, n)
    base = x[:-2]
    if compute_uv is False:
        return base + (k,)
    if full_matrices is True:
        return (base + (m, m), base + (k,), base + (n, n))
    if full_matrices is False:
        return (base + (m, k), base + (k,), base + (k, n))
    raise Unknown


@op("solve", "solve_triangular", tensors=("a", "b"))
def solve(a: Tensor, b: Tensor, *args: object, **kwargs: object) -> Shapes:
    _matrix(a, square=True)
    b = known_shape(b)
    return b


@op("lstsq", tensors=("a", "b"))
def lstsq(a: Tensor, b: Tensor, rcond: object = None) -> Shapes:
    a, b = known_shape(a), known_shape(b)
    if len(a) != 2 or len(b) not in (1, 2):
        raise Unknown
    return (a[1], b[1]) if len(b) == 2 else (a[1],)


@op("norm")
def norm(x: Tensor, ord: object = None, axis: object = None, keepdims: object = False) -> Shapes:
    return reduce_shape(x, axis, keepdims)
