"""The traced oracle: what each layer call inside a subclassed model or custom layer gives in real
Keras 3, when the object is called on data of a given shape.

``keras_traced(path, variable, shapes)`` runs the snippet at ``path`` in a fresh subprocess (JAX on
the CPU, as ``model_oracle.py``; ``tensorflow`` is a shim whose ``zeros`` is ``keras.ops.zeros``),
then calls the module-level ``variable`` on zeros of each shape in ``shapes``, in order, recording
every ``Layer.__call__`` made *inside* it on real data (not the symbolic runs by which Keras
builds a layer that has no ``build``)::

    [{"name": "conv2d", "class": "Conv2D", "output_shape": "(None, 6, 6, 16)", "params": 448}, ...]

``params`` is the layer's ``count_params()`` after the calls.  A ``None`` dimension in a shape is
run twice, with 3 and with 5; a dimension that differs between the two runs prints ``None`` (what
a symbolic batch gives).  Results are cached like ``model_oracle``'s.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from model_oracle import CACHE_DIR, TIMEOUT, _environment, _keras_version

RUNNER = r'''
import json, runpy, sys, types, warnings
warnings.simplefilter("ignore")
example, variable, shapes, out_path = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
import jax
import keras
import numpy as np
from keras.src.utils import module_utils
module_utils.tensorflow._available = False
tf = types.ModuleType("tensorflow")
tf.keras = keras
tf.zeros = keras.ops.zeros
sys.modules["tensorflow"] = tf
sys.path.insert(0, __import__("os").path.dirname(example))
namespace = runpy.run_path(example, run_name="__main__")
target = namespace[variable]

records, depth = [], [0]
original = keras.layers.Layer.__call__


def recording(self, *args, **kwargs):
    depth[0] += 1
    try:
        out = original(self, *args, **kwargs)
    finally:
        depth[0] -= 1
    leaves = keras.tree.flatten(out)
    symbolic = any(isinstance(t, (keras.KerasTensor, jax.core.Tracer)) for t in leaves)
    if depth[0] >= 1 and not symbolic:    # not Keras's own symbolic runs (building a layer by tracing it)
        records.append((self, keras.tree.map_structure(lambda t: tuple(t.shape), out)))
    return out


keras.layers.Layer.__call__ = recording


def run(shape, batch):
    del records[:]
    target(np.zeros([batch if d is None else d for d in shape], dtype="float32"))
    return list(records)


def merge(a, b):
    if isinstance(a, tuple) and all(isinstance(d, int) for d in a):
        return tuple(x if x == y else None for x, y in zip(a, b))
    return [merge(x, y) for x, y in zip(a, b)]


def text(shape):
    if isinstance(shape, tuple) and all(d is None or isinstance(d, int) for d in shape):
        return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
    return "[" + ", ".join(text(s) for s in shape) + "]"


calls = []
for shape in shapes:
    first = run(shape, 3)
    if None in shape:
        second = run(shape, 5)
        first = [(layer, merge(a, b)) for (layer, a), (_, b) in zip(first, second)]
    calls.extend(first)
out = [{"name": layer.name, "class": type(layer).__name__, "output_shape": text(shape),
        "params": int(layer.count_params())} for layer, shape in calls]
with open(out_path, "w") as f:
    json.dump(out, f)
'''


def keras_traced(path, variable: str, shapes: list) -> list:
    """See the module docstring.  ``shapes`` is a list of shape tuples (``None`` for the batch)."""
    path = Path(path)
    argument = json.dumps([list(s) for s in shapes])
    key = hashlib.sha256(path.read_bytes() + RUNNER.encode() + _keras_version().encode()
                         + f"{path.resolve()}|{variable}|{argument}".encode()).hexdigest()[:32]
    cache_file = CACHE_DIR / f"traced-{key}.json"
    if cache_file.exists():
        return json.loads(cache_file.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        runner = Path(tmp) / "shapelens_traced_runner.py"
        runner.write_text(RUNNER)
        out = Path(tmp) / "traced.json"
        proc = subprocess.run([sys.executable, str(runner), str(path.resolve()), variable, argument, str(out)],
                              cwd=tmp, env=_environment(), capture_output=True, text=True, timeout=TIMEOUT)
        if not out.exists():
            raise RuntimeError(f"traced oracle failed on {path} (exit {proc.returncode}):\n{proc.stderr[-4000:]}")
        result = json.loads(out.read_text())
    CACHE_DIR.mkdir(parents=True, exist_ok=True)
    cache_file.write_text(json.dumps(result))
    return result
