"""Output shapes of ``keras.ops`` functions, mirroring each op's ``compute_output_spec`` in
``keras/src/ops/*.py``: one module per Keras module (``numpy``, ``core``, ``nn``, ``image``,
``math``, ``linalg``), one rule per op, registered by name in ``base.REGISTRY``.

``op_output_shape(name, positional, keywords)`` takes shapes for tensor arguments and literals
for the rest; it returns a shape (a list or tuple of shapes for ops with several outputs),
``UNKNOWN`` for an op it does not model or a value it cannot know, or raises ``ShapeError``
where Keras certainly raises.  ``docs/ops.md`` lists the ops covered and those left as ``?``.
"""

from __future__ import annotations

from typing import Any

from ..shape import UNKNOWN, Shapes
from . import core, image, linalg, math, nn, numpy  # noqa: F401  (registers every rule)
from .base import REGISTRY, OpRule, Tensor, Unknown, call_rule, literal_shape

_FLAT_MODULES = ("numpy.", "nn.", "linalg.", "math.", "core.")


def op_rule(name: str) -> OpRule | None:
    """The rule for ``keras.ops.<name>`` (``name`` may carry a module: ``nn.conv``,
    ``image.resize``; ``numpy``/``nn``/``linalg``/``math``/``core`` ops are also top-level)."""
    for prefix in _FLAT_MODULES:
        if name.startswith(prefix):
            name = name[len(prefix):]
            break
    return REGISTRY.get(name)


def op_output_shape(name: str, positional: list[Any], keywords: dict[str, Any], traced: bool = False) -> Shapes:
    """The shape ``keras.ops.<name>(...)`` gives, or ``UNKNOWN``.  ``traced``: the call happens
    while Keras traces a layer's ``call`` (every ``None`` dim is then one JAX symbol)."""
    rule = op_rule(name)
    if rule is None:
        return UNKNOWN
    if traced and rule.name == "reshape":
        keywords = dict(keywords, traced=True)
    return call_rule(rule, list(positional), dict(keywords))


def matmul(a: Tensor, b: Tensor) -> Shapes:
    """``x @ y`` (``Matmul.compute_output_spec``); ``UNKNOWN`` when it cannot be known."""
    try:
        return numpy.matmul_shape(a, b)
    except (Unknown, TypeError, ValueError, IndexError):
        return UNKNOWN


__all__ = ["REGISTRY", "OpRule", "literal_shape", "matmul", "op_output_shape", "op_rule"]
