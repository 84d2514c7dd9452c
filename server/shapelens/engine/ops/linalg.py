"""Rules for ``keras.ops.linalg`` (``keras/src/ops/linalg.py``): decompositions, inverses,
solves and norms, from the shapes of the matrices (batch dimensions first)."""

from __future__ import annotations

from ..shape import is_int
from .base import Unknown, need, op
from .numpy import reduce_shape


def _matrix(x, square=False):
    need(x)
    if len(x) < 2:
        raise Unknown
    if square and is_int(x[-1]) and is_int(x[-2]) and x[-1] != x[-2]:
        raise Unknown
    return x


@op("cholesky", "inv", "cholesky_inverse")
def cholesky(x, *args, **kwargs):
    return _matrix(x, square=True)


@op("det")
def det(x):
    return _matrix(x, square=True)[:-2]


@op("matrix_rank")
def matrix_rank(x, *args, **kwargs):
    return _matrix(x)[:-2]


@op("eig", "eigh")
def eig(x):
    x = _matrix(x, square=True)
    return (x[:-1], x)


@op("lu_factor")
def lu_factor(x):
    x = _matrix(x)
    m, n = x[-2:]
    if not (is_int(m) and is_int(n)):
        raise Unknown
    return (x, x[:-2] + (min(m, n),))


@op("pinv")
def pinv(x, rcond=1e-15):
    x = _matrix(x)
    return x[:-2] + (x[-1], x[-2])


@op("qr")
def qr(x, mode="reduced"):
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
def svd(x, full_matrices=True, compute_uv=True):
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
def solve(a, b, *args, **kwargs):
    _matrix(a, square=True)
    need(b)
    return b


@op("lstsq", tensors=("a", "b"))
def lstsq(a, b, rcond=None):
    need(a, b)
    if len(a) != 2 or len(b) not in (1, 2):
        raise Unknown
    return (a[1], b[1]) if len(b) == 2 else (a[1],)


@op("norm")
def norm(x, ord=None, axis=None, keepdims=False):
    return reduce_shape(x, axis, keepdims)
