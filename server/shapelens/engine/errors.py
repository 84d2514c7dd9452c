"""Shape errors the engine reports: the cases where real Keras would raise.

Each error carries a stable ``code`` (shown in diagnostics and the CLI) and a message worded
close to Keras's own.  The engine raises a ``ShapeError`` only when it is *certain* Keras would
reject the layer; anything unknown yields ``?`` instead (zero false alarms).
"""

from __future__ import annotations

# code -> one-line description (documented in README / ARCHITECTURE)
CODES = {
    "incompatible-shapes": "Inputs of a merge (Add, Concatenate, ...) or of an operator do not fit together.",
    "invalid-reshape": "Reshape's target cannot hold the input's elements.",
    "window-too-large": "A kernel, pool or crop is larger than the (padded) input it slides over.",
    "wrong-rank": "The input has a rank the layer does not accept (Conv2D on a 3-D tensor, ...).",
    "undefined-dimension": "A dimension the layer needs to build its weights is None (Dense on an undefined last axis).",
    "invalid-argument": "An argument value Keras rejects when the layer is constructed.",
    "wrong-input-count": "The layer was called with the wrong number of inputs.",
    "import-error": "A Keras 2 import path Keras 3 does not have (keras.layers.normalization, keras.engine, ...).",
}


class ShapeError(Exception):
    """A shape or argument Keras would reject."""

    def __init__(self, code: str, message: str):
        if code not in CODES:
            raise ValueError(f"unknown shape-error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message

    def __repr__(self) -> str:
        return f"ShapeError({self.code!r}, {self.message!r})"
