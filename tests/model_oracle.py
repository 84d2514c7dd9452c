"""The model-level oracle: run an example file under real Keras 3 and report what ``summary()`` shows.

``keras_report(path)`` executes the example in a fresh subprocess (``sys.executable``, JAX backend on
the CPU) with ``runpy.run_path`` and returns, in the ``shapelens check --format json`` schema minus
source positions::

    {"models": [{"name": <module-level variable>, "class": "Functional" | "Sequential" | <subclass>,
                 "total_params": int, "trainable_params": int, "non_trainable_params": int,
                 "layers": [{"name": "conv2d", "class": "Conv2D",
                             "output_shape": "(None, 148, 148, 16)", "params": 448}, ...]}],
     "error": None | {"line": int | None, "type": "ValueError", "message": "..."}}

* ``models``: every ``keras.Model`` bound to a module-level variable, in the module dict's insertion
  order (a variable that is rebound keeps its first position and its last value).
* ``layers``: exactly the rows ``model.summary()`` prints, in order (Functional: ``_operations``,
  including InputLayers and bare ``keras.ops`` operations; Sequential and subclassed: ``layers``).
  ``output_shape`` is the text of the summary's "Output Shape" column (Keras's own
  ``format_layer_shape`` with the colour markup off: ``(None, 4)``, ``[(None, 5, 4), (None, 4)]``,
  ``?``).  ``params`` is the "Param #" column as an int; an unbuilt layer (``0 (unbuilt)``) gives 0.
* Totals are computed as ``print_summary`` computes them (no optimizer: examples never compile+fit).
* ``error``: when the example raises, the line of the *example file* in the traceback (innermost
  frame in that file) and the exception; ``models`` then lists the models bound before the error.

TensorFlow is not installed: the runner puts a tiny shim in ``sys.modules`` so that
``import tensorflow as tf; tf.keras.layers.Dense`` and ``from tensorflow.keras.layers import Conv2D``
resolve to Keras 3 (``tensorflow.keras`` *is* ``keras``).  The shim exists only in this runner.

Results are cached on disk under ``<repo>/.pytest_cache/shapelens-oracle/`` (or
``$SHAPELENS_ORACLE_CACHE``) keyed by the hash of the example's content and path, the runner's source
and the Keras version, so reruns are fast.

Speed: the runner replaces Keras's random weight initialisation by zeros (under JAX every
initialiser is compiled per weight shape, ~1 s each); shapes and counts do not depend on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = Path(os.environ.get("SHAPELENS_ORACLE_CACHE") or REPO / ".pytest_cache" / "shapelens-oracle")
TIMEOUT = 300

RUNNER = r'''
import json, os, runpy, sys, traceback, types, warnings

warnings.simplefilter("ignore")
example, out_path = sys.argv[1], sys.argv[2]

import keras

# ---- tensorflow shim: `tensorflow.keras` is Keras 3 (TensorFlow itself is not installed) -------
# Keras probes for TensorFlow (`module_utils.tensorflow.available`, `"tensorflow" in sys.modules`):
# tell its lazy module that TensorFlow is absent *before* the shim appears, and give the shim the
# one function the `sys.modules` probe calls.
from keras.src.utils import module_utils

module_utils.tensorflow._available = False
tf = types.ModuleType("tensorflow")
tf.__path__ = []          # a package, so `import tensorflow.keras.layers` works
tf.keras = keras
tf.float32, tf.int32, tf.int64, tf.float16 = "float32", "int32", "int64", "float16"
tf.executing_eagerly = lambda: True
sys.modules["tensorflow"] = tf
sys.modules["tensorflow.keras"] = keras

import importlib
import importlib.abc
import importlib.util


class _TfKerasAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """`import tensorflow.keras.X.Y` -> the module `keras.X.Y`."""

    def find_spec(self, name, path=None, target=None):
        if name.startswith("tensorflow.keras."):
            return importlib.util.spec_from_loader(name, self)
        return None

    def create_module(self, spec):
        return importlib.import_module("keras" + spec.name[len("tensorflow.keras"):])

    def exec_module(self, module):
        pass


sys.meta_path.insert(0, _TfKerasAlias())

# ---- speed: skip the random initialisers -----------------------------------------------------
# Under JAX every weight initialiser is a jit-compiled random op, compiled once per weight shape
# (about 1 s each on a busy machine). Shapes, dtypes and parameter counts do not depend on the
# initial values, so every variable created from an initializer starts as zeros instead.
import numpy as np
from keras.src.backend.common import variables as _variables


def _zeros_initialize(self, initializer):
    self._initialize(self._convert_to_tensor(np.zeros(self._shape, dtype=self._dtype)))


_variables.Variable._initialize_with_initializer = _zeros_initialize

from keras.src.models import Functional, Sequential
from keras.src.utils import summary_utils

summary_utils.highlight_number = lambda x: str(x)   # plain text, as the summary prints it


def summary_rows(model):
    if isinstance(model, Sequential) or not isinstance(model, Functional):
        ops = model.layers
    else:
        ops = model._operations
    rows = []
    for op in ops:
        if not hasattr(op, "built") or not op.built:
            params = 0                      # a bare op prints 0, an unbuilt layer "0 (unbuilt)"
        else:
            params = int(op.count_params())
        rows.append({
            "name": op.name,
            "class": type(op).__name__,
            "output_shape": summary_utils.format_layer_shape(op),
            "params": params,
        })
    return rows


def totals(model):
    trainable = getattr(model, "_collected_trainable_weights", None)
    if trainable is None:
        trainable = model.trainable_weights
    t = summary_utils.count_params(trainable)
    n = summary_utils.count_params(model.non_trainable_weights)
    return t + n, t, n


def report_models(namespace):
    models = []
    for var, value in namespace.items():
        if isinstance(value, keras.Model):
            total, t, n = totals(value)
            models.append({
                "name": var,
                "class": type(value).__name__,
                "total_params": total,
                "trainable_params": t,
                "non_trainable_params": n,
                "layers": summary_rows(value),
            })
    return models


# Keep the namespace while the example runs so models bound before an error can be reported.
namespace = {}
error = None
real_run_code = runpy._run_code


def _run_code(code, run_globals, *args, **kwargs):
    global namespace
    namespace = run_globals
    return real_run_code(code, run_globals, *args, **kwargs)


runpy._run_code = _run_code
example_real = os.path.realpath(example)
sys.path.insert(0, os.path.dirname(example_real))
try:
    runpy.run_path(example, run_name="__main__")
except BaseException as exc:  # noqa: BLE001 - we report whatever the example raised
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if os.path.realpath(frame.filename) == example_real:
            line = frame.lineno
    error = {"line": line, "type": type(exc).__name__, "message": str(exc)}

try:
    models = report_models(namespace)
except Exception as exc:  # noqa: BLE001
    models = []
    error = error or {"line": None, "type": type(exc).__name__,
                      "message": "oracle failed to read the models: " + str(exc)}

with open(out_path, "w") as f:
    json.dump({"models": models, "error": error}, f, indent=1)
'''


def _keras_version() -> str:
    try:
        from importlib.metadata import version

        return version("keras")
    except Exception:  # noqa: BLE001
        return "?"


def _cache_key(path: Path) -> str:
    h = hashlib.sha256()
    h.update(path.read_bytes())
    h.update(RUNNER.encode())
    h.update(_keras_version().encode())
    h.update(str(path.resolve()).encode())   # the error line is reported relative to this file
    return h.hexdigest()[:32]


def _environment() -> dict:
    env = dict(os.environ)
    env["KERAS_BACKEND"] = "jax"
    env["JAX_PLATFORMS"] = "cpu"
    env["TF_CPP_MIN_LOG_LEVEL"] = "3"
    env["PYTHONWARNINGS"] = "ignore"
    env["PYTHONHASHSEED"] = "0"
    return env


def keras_report(path, use_cache: bool = True) -> dict:
    """What real Keras says about the example at ``path`` (see the module docstring)."""
    path = Path(path)
    cache_file = CACHE_DIR / f"{_cache_key(path)}.json"
    if use_cache and cache_file.exists():
        try:
            return json.loads(cache_file.read_text())
        except ValueError:
            pass
    with tempfile.TemporaryDirectory() as tmp:
        runner = Path(tmp) / "shapelens_oracle_runner.py"
        runner.write_text(RUNNER)
        out = Path(tmp) / "report.json"
        proc = subprocess.run(
            [sys.executable, str(runner), str(path.resolve()), str(out)],
            cwd=tmp, env=_environment(), capture_output=True, text=True, timeout=TIMEOUT,
        )
        if not out.exists():
            raise RuntimeError(
                f"oracle runner crashed on {path} (exit {proc.returncode}):\n{proc.stderr[-4000:]}"
            )
        result = json.loads(out.read_text())
    if use_cache:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp_file = cache_file.with_suffix(f".{os.getpid()}.tmp")
        tmp_file.write_text(json.dumps(result))
        os.replace(tmp_file, cache_file)
    return result


if __name__ == "__main__":  # python tests/model_oracle.py examples/cats_vs_dogs.py [--no-cache]
    args = [a for a in sys.argv[1:] if a != "--no-cache"]
    for p in args:
        print(json.dumps({"path": p, **keras_report(p, use_cache="--no-cache" not in sys.argv)}, indent=1))
