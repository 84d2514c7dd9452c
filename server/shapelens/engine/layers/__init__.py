"""Layer rules, one module per Keras layer family (as in ``keras/src/layers/``).

Importing this package registers every rule in ``shapelens.engine.layer.REGISTRY``.
"""

from . import (  # noqa: F401  (each import registers its family's rules)
    activations,
    attention,
    convolutional,
    core,
    merging,
    normalization,
    pooling,
    preprocessing,
    regularization,
    reshaping,
    rnn,
)
