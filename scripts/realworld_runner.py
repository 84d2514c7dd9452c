"""Prelude of the real-world Keras oracle: makes a tutorial or notebook script measurable offline.

This is not run on its own: ``scripts/realworld.py`` puts this text in front of
``tests/model_oracle.RUNNER`` (whose TensorFlow shim it makes conditional) and runs the result with
the oracle Python, as ``python runner.py EXAMPLE OUT.json``.  Real-world files download data,
train for minutes and show plots; everything here only removes those costs, so the models that the
file binds at module level come out with the shapes and counts real Keras gives them:

* no network: every outgoing connection fails at once (a download raises, the file stops there);
* ``keras.datasets.*.load_data`` return small zero arrays with the real per-sample shapes;
* ``Model.fit`` / ``evaluate`` / ``predict`` / ``*_on_batch`` / ``fit_generator`` / ``save*`` /
  ``load_weights`` do nothing (``fit`` returns a History-like object whose ``.history`` is empty);
* matplotlib draws with Agg and ``plt.show`` does nothing; ``display`` (IPython) is a no-op builtin;
* ``keras.utils.plot_model`` does nothing (pydot is not installed);
* ``sys.argv`` is ``[EXAMPLE]`` while the file runs (scripts parse their own arguments);
* the file runs one top-level statement at a time and goes on after a statement that raises (as
  a notebook run with errors allowed); every error is listed in the report's ``"errors"``
  (``line``, ``type``, ``message``, the top-level ``statement``'s first and last line, ``fatal``),
  and ``"error"`` is the first of them, as model_oracle's runner reports it;
* a time limit (``RW_TIME_LIMIT`` seconds, set by realworld.py): when it runs out a
  ``RealWorldTimeLimit`` is raised inside the file, which stops it (``"stopped_at"``: the line of
  the statement it stopped in), and the models bound so far are still reported.
"""

import ast as _rw_ast
import atexit as _rw_atexit
import builtins
import importlib.util
import json as _rw_json
import os
import runpy as _rw_runpy
import signal
import socket
import sys
import traceback as _rw_traceback

import keras
import numpy as _rw_np

# The runner's TensorFlow shim is installed only where TensorFlow itself is missing.
_RW_HAVE_TENSORFLOW = importlib.util.find_spec("tensorflow") is not None


# ---- no network ---------------------------------------------------------------------------------
def _rw_no_network(*args, **kwargs):
    raise OSError("network disabled by the real-world oracle")


socket.socket.connect = _rw_no_network
socket.socket.connect_ex = _rw_no_network
socket.create_connection = _rw_no_network
socket.getaddrinfo = _rw_no_network

# ---- notebooks: display(), plots ----------------------------------------------------------------
builtins.display = lambda *args, **kwargs: None
try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as _rw_plt

    _rw_plt.show = lambda *args, **kwargs: None
except ImportError:
    pass

# ---- training, inference and saving do nothing --------------------------------------------------


class _RwHistoryDict(dict):
    """``history.history``: empty, but ``history.history["loss"]`` gives zeros rather than raising."""

    def __init__(self, epochs):
        super().__init__()
        self.epochs = epochs

    def __missing__(self, key):
        return [0.0] * self.epochs


class _RwHistory:
    def __init__(self, model, epochs):
        self.model = model
        self.epoch = list(range(epochs))
        self.params = {"epochs": epochs}
        self.history = _RwHistoryDict(epochs)


def _rw_metric_count(model):
    metrics = getattr(model, "_rw_metrics", None)
    if isinstance(metrics, dict):
        return sum(len(m) if isinstance(m, (list, tuple)) else 1 for m in metrics.values())
    if isinstance(metrics, (list, tuple)):
        return len(metrics)
    return 0 if metrics is None else 1


def _rw_scores(model):
    count = _rw_metric_count(model)
    return 0.0 if count == 0 else [0.0] * (count + 1)


def _rw_batch_size(x):
    for item in (x if isinstance(x, (list, tuple)) else [x]):
        shape = getattr(item, "shape", None)
        if shape is not None and len(shape) > 0 and shape[0] is not None:
            try:
                return int(shape[0])
            except (TypeError, ValueError):
                pass
    return 1


def _rw_predict(self, x=None, *args, **kwargs):
    """Zeros of the model's output shape (unknown dimensions as 1), or None."""
    try:
        n = _rw_batch_size(x)

        def zeros(tensor):
            return _rw_np.zeros((n,) + tuple(d or 1 for d in tensor.shape[1:]), "float32")

        outputs = self.outputs
        return zeros(outputs[0]) if len(outputs) == 1 else [zeros(t) for t in outputs]
    except Exception:  # noqa: BLE001 - a subclassed model has no outputs
        return None


_rw_real_compile = keras.Model.compile


def _rw_compile(self, *args, **kwargs):
    self._rw_metrics = kwargs.get("metrics")
    return _rw_real_compile(self, *args, **kwargs)


keras.Model.compile = _rw_compile
keras.Model.fit = lambda self, *a, **k: _RwHistory(self, int(k.get("epochs", 1) or 1))
keras.Model.fit_generator = keras.Model.fit
keras.Model.evaluate = lambda self, *a, **k: _rw_scores(self)
keras.Model.evaluate_generator = keras.Model.evaluate
keras.Model.train_on_batch = lambda self, *a, **k: _rw_scores(self)
keras.Model.test_on_batch = lambda self, *a, **k: _rw_scores(self)
keras.Model.predict = _rw_predict
keras.Model.predict_on_batch = _rw_predict
keras.Model.predict_generator = _rw_predict
keras.Model.save = lambda self, *a, **k: None
keras.Model.save_weights = lambda self, *a, **k: None
keras.Model.load_weights = lambda self, *a, **k: None
keras.utils.plot_model = lambda *a, **k: None


# ---- datasets: small zero arrays of the real per-sample shapes ----------------------------------
def _rw_images(shape, label_shape=()):
    def load_data(*args, **kwargs):
        def part(n):
            return (_rw_np.zeros((n,) + shape, "uint8"), _rw_np.zeros((n,) + label_shape, "uint8"))

        return part(64), part(16)

    return load_data


def _rw_sequences(*args, **kwargs):
    def part(n):
        x = _rw_np.empty(n, dtype=object)
        for i in range(n):
            x[i] = [1] * 20
        return x, _rw_np.zeros(n, "int64")

    return part(64), part(16)


def _rw_table(features):
    def load_data(*args, **kwargs):
        def part(n):
            return _rw_np.zeros((n, features), "float64"), _rw_np.zeros(n, "float64")

        return part(64), part(16)

    return load_data


_RW_DATASETS = {
    "mnist": _rw_images((28, 28)),
    "fashion_mnist": _rw_images((28, 28)),
    "cifar10": _rw_images((32, 32, 3), (1,)),
    "cifar100": _rw_images((32, 32, 3), (1,)),
    "imdb": _rw_sequences,
    "reuters": _rw_sequences,
    "boston_housing": _rw_table(13),
    "california_housing": _rw_table(8),
}


def _rw_word_index(*args, **kwargs):
    return {"the": 1, "and": 2, "a": 3}


for _rw_prefix in ("keras.src.datasets", "keras.datasets", "keras._tf_keras.keras.datasets"):
    for _rw_name, _rw_loader in _RW_DATASETS.items():
        try:
            _rw_module = importlib.import_module(f"{_rw_prefix}.{_rw_name}")
        except ImportError:
            continue
        _rw_module.load_data = _rw_loader
        if hasattr(_rw_module, "get_word_index"):
            _rw_module.get_word_index = _rw_word_index


# ---- run the file statement by statement, going on after an error ---------------------------------
# Like running every notebook cell with errors allowed: a top-level statement that raises (a
# download, a missing data file, an API that Keras 3 removed) is recorded and the next one runs, so
# the models built later in the file are still measured.  The time limit, SystemExit and
# KeyboardInterrupt stop the file.  The first error is re-raised at the end, so the runner's
# "error" is the first one; every error goes into the report's "errors" list (written at exit).
_RW_OUT = sys.argv[2] if len(sys.argv) > 2 else None
_RW_ERRORS = []
_RW_STOPPED = {"line": None}


class RealWorldTimeLimit(BaseException):
    """Raised inside the file when RW_TIME_LIMIT seconds have passed (not caught by `except Exception`)."""


def _rw_alarm(signum, frame):
    raise RealWorldTimeLimit(f"time limit of {os.environ.get('RW_TIME_LIMIT')} s reached")


def _rw_error_line(exc, path):
    line = None
    for frame in _rw_traceback.extract_tb(exc.__traceback__):
        if os.path.realpath(frame.filename) == os.path.realpath(path):
            line = frame.lineno
    return line


def _rw_record(exc, path, stmt, fatal):
    _RW_ERRORS.append({"line": _rw_error_line(exc, path), "type": type(exc).__name__,
                       "message": str(exc)[:500], "statement": [stmt.lineno, stmt.end_lineno],
                       "fatal": fatal})


def _rw_run_path(path, init_globals=None, run_name=None):
    sys.argv = [path]            # scripts with argparse see no arguments, as when run alone
    with open(path, "rb") as handle:
        tree = _rw_ast.parse(handle.read(), path)
    run_globals = dict(init_globals or {}, __builtins__=builtins)
    first = None
    signal.signal(signal.SIGALRM, _rw_alarm)
    signal.alarm(int(os.environ.get("RW_TIME_LIMIT", "120")))
    try:
        for stmt in tree.body:
            code = compile(_rw_ast.Module(body=[stmt], type_ignores=[]), path, "exec")
            try:
                _rw_runpy._run_code(code, run_globals, None, run_name or "<run_path>", None, None, path)
            except (RealWorldTimeLimit, SystemExit, KeyboardInterrupt) as exc:
                _rw_record(exc, path, stmt, fatal=True)
                _RW_STOPPED["line"] = stmt.lineno
                raise
            except Exception as exc:  # noqa: BLE001 - recorded, and the next statement runs
                _rw_record(exc, path, stmt, fatal=False)
                first = first or exc
    finally:
        signal.alarm(0)
    if first is not None:
        raise first
    return run_globals


_rw_runpy.run_path = _rw_run_path


@_rw_atexit.register
def _rw_add_errors():
    if not _RW_OUT or not os.path.exists(_RW_OUT):
        return
    with open(_RW_OUT) as handle:
        report = _rw_json.load(handle)
    report["errors"] = _RW_ERRORS
    report["stopped_at"] = _RW_STOPPED["line"]
    with open(_RW_OUT, "w") as handle:
        _rw_json.dump(report, handle, indent=1)


# ---- end of the real-world prelude; tests/model_oracle.RUNNER follows ---------------------------
