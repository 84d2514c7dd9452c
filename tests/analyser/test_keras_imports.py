"""Keras 2 import paths under Keras 3 (``import-error``), each checked against real Python and Keras:

* every failing statement is run for real here (never in ShapeLens) and ShapeLens reports the
  same exception type and message at the import statement (the message without the file path
  Python appends to an ``ImportError``), plus an optional hint naming a Keras 3 name that exists;
* valid Keras 3 imports (and ``tensorflow.keras``, ``keras.src``, ``keras.api``, which are never
  judged) get no diagnostic, and the generated list of modules is the installed Keras's;
* guarded imports (``try: <Keras 2 path> except ImportError: <Keras 3 path>``) get no diagnostic
  and the name comes from the fallback: the model matches Keras exactly.
"""

from __future__ import annotations

import importlib
import os
import re
import textwrap
from pathlib import Path

import keras
import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, write_snippet
from shapelens.analyser import analyse_source
from shapelens.analyser.keras3_modules import KERAS_VERSION, MODULES

FAILING = [
    "from keras.layers.normalization import BatchNormalization",
    "from keras.engine.topology import Layer",
    "from keras.engine import Layer, InputSpec",
    "from keras.layers import CuDNNLSTM",
    "from keras.layers import Dense, CuDNNGRU",
    "from keras.layers.convolutional import Conv2D, MaxPooling2D",
    "from keras.layers.core import Dense, Dropout, Flatten",
    "from keras.layers.merge import concatenate",
    "from keras.layers.recurrent import LSTM",
    "from keras.layers.advanced_activations import LeakyReLU",
    "from keras.layers.embeddings import Embedding",
    "from keras.layers.wrappers import Bidirectional, TimeDistributed",
    "from keras.wrappers.scikit_learn import KerasClassifier",
    "from keras.utils.np_utils import to_categorical",
    "from keras.utils import np_utils",
    "from keras.preprocessing.text import Tokenizer",
    "from keras.backend import tensorflow_backend",
    "from keras import engine",
    "from keras.optimizers import adam",
    "import keras.engine",
    "import keras.engine.topology as topology",
    "import keras.layers.Dense",
    "import keras, keras.layers.normalization",
    "import keras.backend.tensorflow_backend as K",
]

VALID = [
    "import keras",
    "from keras import layers, models, ops, Input, Model, Sequential",
    "from keras.layers import Dense, Conv2D, BatchNormalization, LSTM, Layer, concatenate, add",
    "from keras.models import Model, Sequential, load_model, clone_model",
    "from keras.applications.resnet50 import ResNet50, preprocess_input",
    "from keras.applications import resnet50, MobileNetV2",
    "import keras.ops.numpy as knp",
    "import keras.applications.vgg16",
    "from keras.preprocessing.image import load_img",
    "from keras.preprocessing import sequence, image",
    "from keras.utils import to_categorical, plot_model, pad_sequences",
    "from keras.datasets import mnist, cifar10",
    "from keras.optimizers import Adam, SGD",
    "from keras.optimizers.schedules import ExponentialDecay",
    "from keras.callbacks import EarlyStopping, ModelCheckpoint",
    "from keras.wrappers import SKLearnClassifier",
    "from keras.layers import *",
    "from keras import backend as K",
    "from keras import src",
    "from keras.src.layers.normalization.batch_normalization import BatchNormalization",
    "import keras.src.layers.core",
]

NOT_JUDGED = [      # fail in this Keras (or only without TensorFlow), but are not certain for every Keras 3
    "from tensorflow.keras.layers.normalization import BatchNormalization",
    "import tensorflow.keras.engine",
    "import keras.api",
    "from keras.api.layers import Dense",
    "from keras.src.layers.normalization import batch_normalization_v2",
    "from keras.layers import _private_name",
]


def real_failure(statement: str) -> tuple[str, str] | None:
    """What Python raises for ``statement`` with the installed Keras: ``(type, message)``."""
    try:
        exec(compile(statement, "<import>", "exec"), {})
    except ImportError as error:
        message = re.sub(r" \(/[^()]*\)$", "", str(error))     # the path Python appends: not ours to show
        return type(error).__name__, message
    return None


def import_errors(source: str):
    return [d for d in analyse_source(source, "snippet.py").diagnostics if d.code == "import-error"]


def test_generated_list_is_the_installed_keras():
    assert KERAS_VERSION == keras.__version__
    root = Path(keras.__file__).resolve().parent
    found = set()
    for directory, subdirs, files in os.walk(root):
        rel = Path(directory).relative_to(root)
        subdirs[:] = [d for d in subdirs if not d.startswith("_") and not (rel == Path(".") and d == "src")]
        if "__init__.py" in files:
            found.add(".".join(["keras", *rel.parts]))
    assert found == set(MODULES)
    for name, names in MODULES.items():
        module = importlib.import_module(name)
        assert names == {n for n in dir(module) if not n.startswith("_")}, name


@pytest.mark.parametrize("statement", FAILING)
def test_failing_import_reports_what_python_raises(statement):
    real = real_failure(statement)
    assert real is not None, f"Keras accepts {statement!r}"
    kind, message = real
    (diag,) = import_errors(statement + "\n")
    assert diag.severity == "error"
    assert (diag.span.line, diag.span.column, diag.span.end_line, diag.span.end_column) == (1, 0, 1, len(statement))
    expected = f"{kind}: {message}"
    assert diag.message == expected or diag.message.startswith(expected + " (Keras 3 has "), diag.message
    for hinted in re.findall(r"keras(?:\.\w+)+", diag.message[len(expected):]):
        module, _, name = hinted.rpartition(".")
        assert hasattr(importlib.import_module(module), name), hinted      # a hint names what exists


def test_well_known_keras2_paths_get_a_hint():
    (diag,) = import_errors("from keras.layers.normalization import BatchNormalization\n")
    assert diag.message.endswith("(Keras 3 has keras.layers.BatchNormalization)")
    (diag,) = import_errors("from keras.layers import CuDNNLSTM\n")
    assert diag.message.endswith("(Keras 3 has keras.layers.LSTM)")


@pytest.mark.parametrize("statement", VALID)
def test_valid_keras3_import_is_not_reported(statement):
    assert real_failure(statement) is None
    assert import_errors(statement + "\n") == []


@pytest.mark.parametrize("statement", NOT_JUDGED)
def test_paths_outside_the_public_keras3_api_are_not_judged(statement):
    assert import_errors(statement + "\n") == []


def test_every_public_name_of_every_module_imports_without_a_diagnostic():
    lines = [f"from {module} import {', '.join(sorted(names))}" if names else f"import {module}"
             for module, names in MODULES.items()]
    for line in lines:
        assert real_failure(line) is None, line
    assert import_errors("\n".join(lines) + "\n") == []


def test_multiline_import_is_reported_on_the_whole_statement():
    source = "from keras.layers.core import (\n    Dense,\n    Dropout,\n)\nx = 1\n"
    (diag,) = import_errors(source)
    assert (diag.span.line, diag.span.column, diag.span.end_line, diag.span.end_column) == (1, 0, 4, 1)


# ---- guarded imports: the analysis follows the except branch ------------------------------------

MODEL = """
    inputs = keras.Input(shape=(16, 16, 3))
    x = Conv2D(8, 3)(inputs)
    x = BatchNormalization()(x)
    x = concatenate([x, x])
    outputs = Dense(4)(keras.layers.Flatten()(x))
    model = keras.Model(inputs, outputs)
    """

GUARDED = {
    "except_import_error": """
        import keras
        try:
            from keras.layers.normalization import BatchNormalization
            from keras.layers.convolutional import Conv2D
        except ImportError:
            from keras.layers import BatchNormalization, Conv2D
        from keras.layers import Dense, concatenate
        """,
    "except_tuple_and_else_not_run": """
        import keras
        from keras.layers import Conv2D, Dense, concatenate
        try:
            from keras.layers import CuDNNLSTM
        except (ImportError, ModuleNotFoundError):
            from keras.layers import BatchNormalization
        else:
            BatchNormalization = None
        """,
    "except_module_not_found_for_a_module": """
        import keras
        from keras.layers import Conv2D, Dense
        try:
            from keras.layers.merge import concatenate
        except ModuleNotFoundError as error:
            from keras.layers import concatenate
        from keras.layers import BatchNormalization
        """,
    "except_exception_and_finally": """
        import keras
        from keras.layers import Conv2D, Dense
        try:
            import keras.engine as engine
            from keras.layers.merge import concatenate
        except Exception:
            from keras.layers import concatenate
        finally:
            from keras.layers import BatchNormalization
        """,
    "bare_except": """
        import keras
        from keras.layers import Conv2D, Dense, concatenate
        try:
            from keras.layers.normalization import BatchNormalization
        except:
            from keras.layers import BatchNormalization
        """,
    "handler_after_one_that_does_not_catch": """
        import keras
        from keras.layers import Conv2D, Dense, concatenate
        try:
            from keras.layers.normalization import BatchNormalization
        except KeyError:
            BatchNormalization = None
        except ImportError:
            from keras.layers import BatchNormalization
        """,
    "outer_try_catches": """
        import keras
        from keras.layers import Conv2D, Dense, concatenate
        try:
            try:
                from keras.layers.normalization import BatchNormalization
            except KeyError:
                BatchNormalization = None
        except ImportError:
            from keras.layers import BatchNormalization
        """,
    "fallback_is_another_layer": """
        import keras
        from keras.layers import Conv2D, Dense, concatenate
        try:
            from keras.layers.normalization import BatchNormalization
            legacy = True
        except ImportError:
            from keras.layers import LayerNormalization as BatchNormalization
            legacy = False
        if legacy:
            Dense = None
        """,
    "inside_a_function": """
        import keras
        from keras.layers import Dense, concatenate


        def load():
            try:
                from keras.layers.convolutional import Conv2D
            except ImportError:
                from keras.layers import Conv2D
            return Conv2D


        Conv2D = load()
        try:
            from keras.layers.normalization import BatchNormalization
        except ImportError as e:
            print(e)
            from keras.layers import BatchNormalization
        """,
}



@pytest.mark.parametrize("name", sorted(GUARDED))
def test_guarded_import_follows_the_fallback(name, tmp_path):
    path = write_snippet(tmp_path, name, textwrap.dedent(GUARDED[name]) + textwrap.dedent(MODEL))
    mine = assert_models_match_keras(path)          # exact rows and totals, no error diagnostic
    assert mine["models"] and all("?" not in str(r["output_shape"]) for r in mine["models"][0]["layers"])
    assert not mine["diagnostics"]


UNCAUGHT = {
    "name_failure_is_not_a_module_not_found_error": ("""
        import keras
        try:
            from keras.layers import CuDNNLSTM
        except ModuleNotFoundError:
            CuDNNLSTM = None
        """, 3),
    "handler_of_another_exception": ("""
        import keras
        try:
            from keras.layers.normalization import BatchNormalization
        except (KeyError, AttributeError):
            pass
        """, 3),
}


@pytest.mark.parametrize("name", sorted(UNCAUGHT))
def test_import_error_the_handlers_do_not_catch_is_reported(name, tmp_path):
    text, line = UNCAUGHT[name]
    path = write_snippet(tmp_path, name, text)
    error = keras_report(path)["error"]
    assert error is not None and error["line"] == line
    errors = [d for d in ours(path)["diagnostics"] if d["severity"] == "error"]
    assert [(d["line"], d["code"]) for d in errors] == [(line, "import-error")]
    assert errors[0]["message"].startswith(f"{error['type']}: ")


def test_unguarded_failure_reports_only_the_import(tmp_path):
    """Keras stops at the import; the analysis goes on as after other errors, the name unbound
    (``?``): no second error, and no model shown as if Keras had built it."""
    path = write_snippet(tmp_path, "unguarded", """
        import keras
        from keras.layers import Dense
        from keras.layers.normalization import BatchNormalization
        inputs = keras.Input(shape=(8,))
        x = BatchNormalization()(inputs)
        model = keras.Model(inputs, Dense(2)(x))
        """)
    error = keras_report(path)["error"]
    assert error["line"] == 3 and error["type"] == "ModuleNotFoundError"
    report = ours(path)
    assert [(d["line"], d["code"]) for d in report["diagnostics"]] == [(3, "import-error")]
    rows = [r for m in report["models"] for r in m["layers"]]
    assert not any(r["class"] == "BatchNormalization" for r in rows)


def test_failure_in_code_that_may_not_run_is_not_reported():
    source = textwrap.dedent("""
        import sys
        if len(sys.argv) > 1:
            from keras.layers.normalization import BatchNormalization
        """)
    assert import_errors(source) == []
