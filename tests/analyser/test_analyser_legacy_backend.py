"""Keras 2's backend functions (``from tensorflow.keras import backend as K``; ``K.mean``,
``K.concatenate``, ``K.int_shape``, ...) inside ``Lambda`` layers and custom layers' ``call``.

How the expectations are obtained.  The facts about which module has the legacy functions, and
their signatures, are read from the installed Keras (``keras._tf_keras.keras.backend``,
``keras.src.legacy.backend``, ``keras.backend``).  The shapes come from the model oracle
(``tests/model_oracle.py``), which runs Keras on JAX without TensorFlow: its ``tensorflow`` shim
makes ``tensorflow.keras`` plain ``keras``, so ``tensorflow.keras.backend`` there is
``keras.backend`` (no legacy functions), and ``keras.src.legacy.backend`` can be imported but its
functions call TensorFlow itself (``tf.abs``, ``tf.reduce_mean``, ...), which cannot run.  So the
oracle runs a twin of each snippet in which ``K`` is ``LEGACY_AS_OPS`` below: every legacy
function used, with its legacy signature, as the ``keras.ops`` call computing what the TensorFlow
op it wraps computes (noted on each line; ``K.int_shape`` is Keras's own legacy code).  The
snippet itself, with TensorFlow's spellings, is what ShapeLens analyses."""

import inspect
import textwrap

import keras
import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, row_tuples
from shapelens.analyser.keras_api import BACKEND_NAMES
from shapelens.analyser.legacy_backend import LEGACY_OPS
from shapelens.engine.shape import UNKNOWN

LEGACY_AS_OPS = '''
"""keras/src/legacy/backend.py's functions as the keras.ops of the TensorFlow op each wraps."""
import keras

from keras import ops
from keras.src.legacy.backend import int_shape          # no TensorFlow in it: Keras's own code


def abs(x): return ops.abs(x)                           # tf.abs
def square(x): return ops.square(x)                     # tf.square
def sqrt(x): return ops.sqrt(ops.maximum(x, 0.0))       # tf.maximum(x, 0), tf.sqrt
def exp(x): return ops.exp(x)                           # tf.exp
def maximum(x, y): return ops.maximum(x, y)             # tf.maximum
def sum(x, axis=None, keepdims=False): return ops.sum(x, axis, keepdims)      # tf.reduce_sum
def mean(x, axis=None, keepdims=False): return ops.mean(x, axis, keepdims)    # tf.reduce_mean
def max(x, axis=None, keepdims=False): return ops.max(x, axis, keepdims)      # tf.reduce_max
def argmax(x, axis=-1): return ops.argmax(x, axis)      # tf.argmax
def concatenate(tensors, axis=-1): return ops.concatenate(tensors, axis)      # tf.concat
def reshape(x, shape): return ops.reshape(x, shape)     # tf.reshape
def expand_dims(x, axis=-1): return ops.expand_dims(x, axis)                  # tf.expand_dims
def stack(x, axis=0): return ops.stack(x, axis)         # tf.stack
def permute_dimensions(x, pattern): return ops.transpose(x, pattern)          # tf.transpose
def shape(x): return ops.shape(x)                       # tf.shape
'''

HEADER = "import tensorflow as tf\nimport keras\nfrom tensorflow.keras import backend as K\nfrom tensorflow.keras import layers\n"
ORACLE_HEADER = "import keras\nimport legacy_k as K\nfrom keras import layers\n"

EXACT = {
    # a Siamese network's distance
    "siamese_distance": """
        def distance(pair):
            a, b = pair
            total = K.sum(K.square(a - b), axis=1, keepdims=True)
            return K.sqrt(K.maximum(total, 1e-7))

        left = keras.Input((8,))
        right = keras.Input((8,))
        shared = layers.Dense(4)
        dist = layers.Lambda(distance)([shared(left), shared(right)])
        siamese = keras.Model([left, right], layers.Dense(1)(dist))
        """,
    # the legacy defaults: concatenate and expand_dims on the last axis, argmax over the last,
    # stack on the first
    "legacy_defaults": """
        x = keras.Input((5, 3))
        joined = layers.Lambda(lambda t: K.concatenate([t, K.abs(t), K.exp(t)]))(x)
        grown = layers.Lambda(lambda t: K.expand_dims(t))(joined)
        picked = layers.Lambda(lambda t: K.argmax(t))(x)
        stacked = layers.Lambda(lambda t: K.stack([t, t]))(x)
        model = keras.Model(x, [grown, picked, stacked])
        """,
    # reshaping: K.reshape with a -1 and with K.shape's batch size, permute_dimensions, reductions
    "reshapes_and_reductions": """
        x = keras.Input((6, 4))
        flat = layers.Lambda(lambda t: K.reshape(t, (-1, 24)))(x)
        cols = layers.Lambda(lambda t: K.reshape(t, (K.shape(t)[0], 3, 8)))(x)
        swapped = layers.Lambda(lambda t: K.permute_dimensions(t, (0, 2, 1)))(cols)
        pooled = layers.Lambda(lambda t: K.mean(t, axis=1))(swapped)
        peak = layers.Lambda(lambda t: K.max(t, axis=-1, keepdims=True))(x)
        model = keras.Model(x, [flat, layers.Dense(2)(pooled), peak])
        """,
    # a custom layer's call, and the spellings tf.keras.backend.X and K.int_shape
    "custom_layer_call": """
        class MeanMax(layers.Layer):
            def call(self, x):
                return K.concatenate([K.mean(x, axis=1, keepdims=True),
                                      tf.keras.backend.max(x, axis=1, keepdims=True)], axis=1)

        x = keras.Input((7, 5))
        y = MeanMax()(x)
        width = K.int_shape(y)[-1]
        model = keras.Model(x, layers.Dense(width * 2)(layers.Flatten()(y)))
        """,
}

def _twins(tmp_path, name: str, body: str):
    """The snippet as analysed (TensorFlow's spellings) and its twin for the oracle."""
    body = textwrap.dedent(body)
    analysed = tmp_path / f"{name}.py"
    analysed.write_text(HEADER + body, encoding="utf-8")
    (tmp_path / "legacy_k.py").write_text(LEGACY_AS_OPS, encoding="utf-8")
    twin = tmp_path / f"{name}_oracle.py"
    twin.write_text(ORACLE_HEADER + body.replace("tf.keras.backend.", "K."), encoding="utf-8")
    return analysed, twin


@pytest.mark.parametrize("name", sorted(EXACT))
def test_legacy_backend_functions_flow_through_lambdas_and_calls(name, tmp_path):
    analysed, twin = _twins(tmp_path, name, EXACT[name])
    mine = assert_models_match_keras(twin, analysed)
    assert "?" not in str([row_tuples(m) for m in mine["models"]])


def test_legacy_random_normal_is_unknown():
    """``K.random_normal`` (``tf.random.normal``) is not followed, as ``keras.random.normal`` is
    not: the Lambda's shape is ``?``.  (No oracle: under JAX, Keras cannot infer the shape of a
    Lambda drawing ``keras.random.normal`` of a batch-sized shape and raises; TensorFlow can.)"""
    from shapelens.analyser import analyse_source

    source = HEADER + textwrap.dedent("""
        def sampling(args):
            z_mean, z_log_var = args
            eps = K.random_normal(shape=(K.shape(z_mean)[0], 2))
            return z_mean + K.exp(0.5 * z_log_var) * eps

        x = keras.Input((8,))
        z = layers.Lambda(sampling)([layers.Dense(2)(x), layers.Dense(2)(x)])
        vae = keras.Model(x, layers.Dense(8)(z))
        """)
    analysis = analyse_source(source)
    lambdas = [r for site in analysis.sites.values() for r in site.results if r.class_name == "Lambda"]
    assert lambdas and all(r.output is UNKNOWN for r in lambdas), lambdas
    assert not [d for d in analysis.diagnostics if d.severity == "error"]


def test_plain_keras_backend_has_no_legacy_functions(tmp_path):
    """``import keras.backend as K; K.abs(t)`` in a Lambda: Keras 3 raises ``AttributeError``
    inside the function, which the Lambda reports, while the model is built, as not being able to
    infer its output shape (``NotImplementedError``); ShapeLens shows the Lambda's shape as ``?``
    and reports no error of its own."""
    source = textwrap.dedent("""
        import keras
        import keras.backend as K
        from keras import layers

        x = keras.Input((4,))
        y = layers.Lambda(lambda t: K.abs(t))(x)
        model = keras.Model(x, y)
        """)
    path = tmp_path / "plain_backend.py"
    path.write_text(source, encoding="utf-8")
    real = keras_report(path)
    error = real["error"]
    assert error["type"] == "NotImplementedError" and error["line"] == 7, error
    assert "could not automatically infer the shape" in error["message"], error
    mine = ours(path)
    assert not [d for d in mine["diagnostics"] if d["severity"] == "error"]
    from shapelens.analyser import analyse_source
    lambdas = [r for site in analyse_source(source).sites.values() for r in site.results
               if r.class_name == "Lambda"]
    assert lambdas and all(r.output is UNKNOWN for r in lambdas), lambdas


def test_legacy_functions_live_in_tf_keras_backend_only():
    """Keras 3: ``tf.keras.backend`` (``keras._tf_keras.keras.backend``) has the legacy functions,
    plain ``keras.backend`` none of them; the names both have are ``BACKEND_NAMES``."""
    from keras._tf_keras.keras import backend as tf_backend
    from keras.src.legacy import backend as legacy

    public = {n for n in dir(keras.backend) if not n.startswith("_")}
    assert public == BACKEND_NAMES
    for name in list(LEGACY_OPS) + ["int_shape", "ndim"]:
        assert getattr(tf_backend, name) is getattr(legacy, name), name
        assert not hasattr(keras.backend, name), name
    assert {n for n in dir(tf_backend) if not n.startswith("_")} >= BACKEND_NAMES


@pytest.mark.parametrize("name", sorted(LEGACY_OPS))
def test_legacy_table_matches_keras_signatures(name):
    """Each entry's legacy parameters and defaults are the legacy function's, and the arguments
    passed on are the leading parameters of the ``keras.ops`` function, in order."""
    from keras.src.legacy import backend as legacy

    op, params, defaults, passed = LEGACY_OPS[name]
    signature = inspect.signature(getattr(legacy, name)).parameters
    assert tuple(signature) == params
    assert {k: p.default for k, p in signature.items() if p.default is not inspect.Parameter.empty} == defaults
    op_params = list(inspect.signature(getattr(keras.ops, op)).parameters)
    assert [target for _, target in passed] == op_params[:len(passed)]
