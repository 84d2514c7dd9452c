"""Python's built-in functions over abstract values: exact on known literals, ``UNKNOWN``
otherwise, and bounded so no input can make them hang or exhaust memory (``range(10**9)`` is
lazy; ``list(range(10**9))``, ``"a" * 10**9`` and ``10**10**10`` give ``?``)."""

from __future__ import annotations

import math
import re

from ..engine.shape import UNKNOWN
from .values import oversized

MAX_SEQUENCE = 100_000      # longest list/str/tuple the analyser will materialise
MAX_INT_BITS = 1 << 16      # larger integers are reported as unknown
WIDE_FORMAT = re.compile(r"\d{5,}")   # a format field this wide could ask for gigabytes


def known(*values) -> bool:
    return not any(v is UNKNOWN for v in values)


def plain(value, depth: int = 0) -> bool:
    """A literal value whose Python operations are safe and meaningful here (bounded depth:
    cyclic data is not plain)."""
    if value is None or isinstance(value, (bool, int, float, str, range)):
        return True
    if isinstance(value, (tuple, list)):
        if depth >= 8 or len(value) > 64 or (depth == 0 and oversized(value, 4096)):
            return False
        return all(plain(v, depth + 1) for v in value)
    return False


def safe_int(value):
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > MAX_INT_BITS:
        return UNKNOWN
    return value


def sized(value):
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_SEQUENCE:
        return UNKNOWN
    return value


def _len(x):
    if isinstance(x, (str, list, tuple, dict, range)):
        return len(x)
    from .values import SymTensor
    if isinstance(x, SymTensor) and isinstance(x.shape, tuple) and x.shape:
        return x.shape[0]
    return UNKNOWN


def _numeric(fn):
    def wrapped(*args):
        if not args or not all(isinstance(a, (int, float)) and not isinstance(a, bool) or isinstance(a, bool) for a in args):
            return UNKNOWN
        try:
            return safe_int(fn(*args))
        except (ValueError, TypeError, OverflowError, ZeroDivisionError):
            return UNKNOWN
    return wrapped


def _int(x=0, *rest):
    if rest:
        if isinstance(x, str) and all(isinstance(r, int) for r in rest):
            try:
                return int(x, *rest) if len(x) < 1000 else UNKNOWN
            except ValueError:
                return UNKNOWN
        return UNKNOWN
    if isinstance(x, bool) or isinstance(x, int):
        return int(x)
    if isinstance(x, float):
        if math.isfinite(x):
            return int(x)
        return UNKNOWN
    if isinstance(x, str) and len(x) < 1000:
        try:
            return int(x)
        except ValueError:
            return UNKNOWN
    return UNKNOWN


def _float(x=0.0):
    if isinstance(x, (int, float, bool)):
        try:
            return float(x)
        except OverflowError:
            return UNKNOWN
    if isinstance(x, str) and len(x) < 100:
        try:
            return float(x)
        except ValueError:
            return UNKNOWN
    return UNKNOWN


def _minmax(fn):
    def wrapped(*args, **kwargs):
        if kwargs:
            return UNKNOWN
        items = args[0] if len(args) == 1 else args
        if isinstance(items, range):
            items = items if len(items) <= MAX_SEQUENCE else UNKNOWN
        if not isinstance(items, (list, tuple, range)) or not items:
            return UNKNOWN
        if not all(isinstance(i, (int, float)) for i in items):
            return UNKNOWN
        return fn(items)
    return wrapped


def _sum(items, start=0):
    if isinstance(items, range) and len(items) > MAX_SEQUENCE:
        return UNKNOWN
    if isinstance(items, (list, tuple, range)) and all(isinstance(i, (int, float)) for i in items) \
            and isinstance(start, (int, float)):
        return safe_int(sum(items, start))
    return UNKNOWN


def _range_too_long(items) -> bool:
    try:
        return len(items) > MAX_SEQUENCE
    except OverflowError:
        return True


def _sequence(kind):
    def wrapped(items=()):
        if isinstance(items, range) and _range_too_long(items):
            return UNKNOWN
        if isinstance(items, (list, tuple, range, str)):
            return kind(items)
        if isinstance(items, dict):
            return kind(items.keys())
        return UNKNOWN
    return wrapped


def _range(*args):
    if all(isinstance(a, int) and not isinstance(a, bool) for a in args) and 1 <= len(args) <= 3:
        try:
            return range(*args)
        except ValueError:
            return UNKNOWN
    return UNKNOWN


def _zip(*seqs):
    if all(isinstance(s, (list, tuple, range, str)) for s in seqs):
        n = min((len(s) for s in seqs), default=0)
        if n > MAX_SEQUENCE:
            return UNKNOWN
        return list(zip(*seqs))
    return UNKNOWN


def _enumerate(seq, start=0):
    if isinstance(seq, (list, tuple, range, str)) and isinstance(start, int) and len(seq) <= MAX_SEQUENCE:
        return list(enumerate(seq, start))
    return UNKNOWN


def _reversed(seq):
    if isinstance(seq, (list, tuple, range, str)) and len(seq) <= MAX_SEQUENCE:
        return list(reversed(seq))
    return UNKNOWN


def _sorted(seq, reverse=False):
    if isinstance(seq, (list, tuple, range)) and len(seq) <= MAX_SEQUENCE and plain(list(seq)[:64]):
        try:
            return sorted(seq, reverse=bool(reverse))
        except TypeError:
            return UNKNOWN
    return UNKNOWN


def _round(x, n=None):
    if isinstance(x, (int, float)) and (n is None or isinstance(n, int)):
        try:
            return round(x) if n is None else round(x, n)
        except (OverflowError, ValueError):
            return UNKNOWN
    return UNKNOWN


def _str(x=""):
    if isinstance(x, (int, float, bool, str)) or x is None:
        if isinstance(x, int) and x.bit_length() > 10_000:
            return UNKNOWN
        return str(x)
    return UNKNOWN


def _bool(x=False):
    if isinstance(x, (int, float, str, bool, list, tuple, dict)) or x is None:
        return bool(x)
    return UNKNOWN


def _any_all(fn):
    def wrapped(items):
        if isinstance(items, (list, tuple)) and all(isinstance(i, (int, float, bool, str)) or i is None for i in items):
            return fn(items)
        return UNKNOWN
    return wrapped


def _print(*args, **kwargs):
    return None


def _dict(*args, **kwargs):
    if not args:
        return dict(kwargs)
    if len(args) == 1 and isinstance(args[0], dict):
        return {**args[0], **kwargs}
    return UNKNOWN


def _divmod(a, b):
    if isinstance(a, int) and isinstance(b, int) and b != 0:
        return divmod(a, b)
    return UNKNOWN


BUILTINS = {
    "len": _len, "int": _int, "float": _float, "str": _str, "bool": _bool,
    "min": _minmax(min), "max": _minmax(max), "sum": _sum, "abs": _numeric(abs),
    "round": _round, "list": _sequence(list), "tuple": _sequence(tuple), "range": _range,
    "zip": _zip, "enumerate": _enumerate, "reversed": _reversed, "sorted": _sorted,
    "any": _any_all(any), "all": _any_all(all), "print": _print, "dict": _dict, "divmod": _divmod,
}

# ``math.pi`` and friends, and NumPy's copies of them (module path -> value)
MATH_CONSTANTS = {f"{module}.{name}": getattr(math, name) for module in ("math", "numpy")
                  for name in ("pi", "e", "inf", "nan")}
MATH_CONSTANTS["math.tau"] = math.tau

MATH = {
    "ceil": _numeric(math.ceil), "floor": _numeric(math.floor), "sqrt": _numeric(math.sqrt),
    "log2": _numeric(math.log2), "log": _numeric(math.log), "prod": lambda seq: _prod(seq),
    "gcd": _numeric(math.gcd), "isqrt": _numeric(math.isqrt), "exp": _numeric(math.exp),
}


def _prod(seq):
    """``math.prod`` of known ints, stopping as soon as the product is too large (multiplying
    100,000 big numbers first would take minutes)."""
    if not (isinstance(seq, (list, tuple)) and all(isinstance(i, int) for i in seq)):
        return UNKNOWN
    product = 1
    for item in seq:
        product *= item
        if product.bit_length() > MAX_INT_BITS:
            return UNKNOWN
        if not product:
            return 0
    return product
