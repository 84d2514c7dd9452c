"""The example corpus against real Keras: ``shapelens check`` must report what ``model.summary()`` shows.

* ``examples/**/*.py`` (good files): Keras builds every model; the CLI must exit 0 with no error
  diagnostic and report the same models (module-level variable names, in order), class, totals and
  every summary row (name, class, output-shape text, params) as ``tests/model_oracle.keras_report``.
* ``examples/errors/*.py``: Keras raises at the line marked ``# error: <code>`` (or in the statement
  that spans it, e.g. a ``Sequential([...])`` list); the CLI must exit 1 and report an error
  diagnostic with that code on that line, and no other error diagnostic.
* ``examples/unknown/*.py``: values the analyser cannot know; the CLI must exit 0 with no error.

The ``test_keras_*`` tests check the corpus itself (they only need Keras); the ``test_cli_*`` tests
need the ``shapelens`` CLI.
"""

from __future__ import annotations

import ast
import io
import json
import os
import re
import subprocess
import sys
import tokenize
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from model_oracle import keras_report  # noqa: E402

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLES = REPO / "examples"
ERROR_DIR = EXAMPLES / "errors"
UNKNOWN_DIR = EXAMPLES / "unknown"

ERROR_CODES = {
    "incompatible-shapes", "invalid-reshape", "window-too-large", "wrong-rank",
    "undefined-dimension", "invalid-argument", "wrong-input-count", "import-error",
}
MARKER = re.compile(r"#\s*error:\s*([a-z-]+)")


def _under(path: Path, folder: Path) -> bool:
    return folder in path.parents


ALL_FILES = sorted(p for p in EXAMPLES.rglob("*.py") if "__pycache__" not in p.parts)
ERROR_FILES = [p for p in ALL_FILES if _under(p, ERROR_DIR)]
UNKNOWN_FILES = [p for p in ALL_FILES if _under(p, UNKNOWN_DIR)]
GOOD_FILES = [p for p in ALL_FILES if p not in ERROR_FILES and p not in UNKNOWN_FILES]


def _ids(paths):
    return [str(p.relative_to(EXAMPLES)) for p in paths]


def marked_errors(path: Path) -> list[tuple[int, str]]:
    """``(line, code)`` for every ``# error: <code>`` comment in the file."""
    found = []
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text()).readline)
    for tok in tokens:
        if tok.type == tokenize.COMMENT:
            m = MARKER.search(tok.string)
            if m:
                found.append((tok.start[0], m.group(1)))
    return found


# ---- Keras side ------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def keras_reports():
    """Every good and error example through real Keras, computed in parallel once per session."""
    paths = GOOD_FILES + ERROR_FILES
    workers = max(2, min(8, os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        reports = dict(zip(paths, pool.map(keras_report, paths)))
    return reports


def test_corpus_is_large_enough():
    assert len(GOOD_FILES) >= 32
    assert len(ERROR_FILES) >= 8
    assert len(UNKNOWN_FILES) >= 3


@pytest.mark.parametrize("path", GOOD_FILES, ids=_ids(GOOD_FILES))
def test_keras_builds_good_example(path, keras_reports):
    report = keras_reports[path]
    assert report["error"] is None, f"Keras raised on a good example: {report['error']}"
    assert report["models"], "no keras.Model bound to a module-level variable"
    assert not marked_errors(path), "a good example must not carry `# error:` markers"


@pytest.mark.parametrize("path", ERROR_FILES, ids=_ids(ERROR_FILES))
def test_keras_rejects_error_example(path, keras_reports):
    marks = marked_errors(path)
    assert len(marks) == 1, f"expected exactly one `# error: <code>` marker, found {marks}"
    line, code = marks[0]
    assert code in ERROR_CODES, f"unknown error code {code!r}"
    error = keras_reports[path]["error"]
    assert error is not None, "Keras accepted an example that should be rejected"
    raised = error["line"]
    assert raised is not None, f"the traceback does not reach the example: {error}"
    if raised != line:
        # A multi-line statement (e.g. `keras.Sequential([...])`) raises at its first line.
        tree = ast.parse(path.read_text())
        spans = [
            (n.lineno, n.end_lineno) for n in ast.walk(tree)
            if isinstance(n, ast.stmt) and n.lineno == raised
        ]
        assert any(start <= line <= end for start, end in spans), (
            f"Keras raised at line {raised}, the marker is on line {line}: {error['message']}"
        )


def test_keras_cats_vs_dogs_numbers(keras_reports):
    """The model from the Stack Overflow question behind the project."""
    (model,) = keras_reports[EXAMPLES / "cats_vs_dogs.py"]["models"]
    assert model["name"] == "model" and model["class"] == "Functional"
    rows = [(r["name"], r["class"], r["output_shape"], r["params"]) for r in model["layers"]]
    assert rows == [
        ("input_layer", "InputLayer", "(None, 150, 150, 3)", 0),
        ("conv2d", "Conv2D", "(None, 148, 148, 16)", 448),
        ("max_pooling2d", "MaxPooling2D", "(None, 74, 74, 16)", 0),
        ("conv2d_1", "Conv2D", "(None, 72, 72, 32)", 4640),
        ("max_pooling2d_1", "MaxPooling2D", "(None, 36, 36, 32)", 0),
        ("conv2d_2", "Conv2D", "(None, 34, 34, 64)", 18496),
        ("max_pooling2d_2", "MaxPooling2D", "(None, 17, 17, 64)", 0),
        ("flatten", "Flatten", "(None, 18496)", 0),
        ("dense", "Dense", "(None, 512)", 9470464),
        ("dense_1", "Dense", "(None, 1)", 513),
    ]
    assert (model["total_params"], model["trainable_params"], model["non_trainable_params"]) == (
        9494561, 9494561, 0,
    )


# ---- the CLI ---------------------------------------------------------------------------------

def run_cli(path: Path):
    """``python -m shapelens check --format json <path>`` -> (exit status, the file's JSON entry)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(REPO / "server")] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else [])
    )
    proc = subprocess.run(
        [sys.executable, "-m", "shapelens", "check", "--format", "json", str(path)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300,
    )
    try:
        data = json.loads(proc.stdout)
    except ValueError:
        pytest.fail(
            f"`shapelens check --format json` did not print JSON (exit {proc.returncode}).\n"
            f"stdout:\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-4000:]}"
        )
    files = data.get("files", [])
    assert len(files) == 1, f"expected one file entry, got {len(files)}"
    return proc.returncode, files[0]


def _errors(entry):
    return [d for d in entry.get("diagnostics", []) if d.get("severity") == "error"]


def _fmt_diags(diags):
    return "\n".join(
        f"  {d.get('line')}:{d.get('column')} [{d.get('severity')}] {d.get('code')}: {d.get('message')}"
        for d in diags
    ) or "  (none)"


LAYER_KEYS = ("name", "class", "output_shape", "params")
MODEL_KEYS = ("class", "total_params", "trainable_params", "non_trainable_params")


def _row(layer):
    return tuple(layer.get(k) for k in LAYER_KEYS)


def _fmt_rows(rows):
    return "\n".join(f"    {i:3d} {r}" for i, r in enumerate(rows))


def assert_same_models(cli_models, keras_models):
    cli_names = [m.get("name") for m in cli_models]
    keras_names = [m["name"] for m in keras_models]
    assert cli_names == keras_names, f"models: shapelens {cli_names} != keras {keras_names}"
    problems = []
    for got, want in zip(cli_models, keras_models):
        for key in MODEL_KEYS:
            if got.get(key) != want[key]:
                problems.append(f"model {want['name']}: {key}: shapelens {got.get(key)!r} != keras {want[key]!r}")
        got_rows = [_row(layer) for layer in got.get("layers", [])]
        want_rows = [_row(layer) for layer in want["layers"]]
        if got_rows != want_rows:
            first = next(
                (i for i, (a, b) in enumerate(zip(got_rows, want_rows)) if a != b),
                min(len(got_rows), len(want_rows)),
            )
            problems.append(
                f"model {want['name']}: rows differ first at row {first} "
                f"(shapelens {len(got_rows)} rows, keras {len(want_rows)} rows)\n"
                f"  shapelens:\n{_fmt_rows(got_rows)}\n  keras:\n{_fmt_rows(want_rows)}"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", GOOD_FILES, ids=_ids(GOOD_FILES))
def test_cli_matches_keras(path, keras_reports):
    status, entry = run_cli(path)
    errors = _errors(entry)
    assert not errors, f"false alarm(s) on a file Keras accepts:\n{_fmt_diags(errors)}"
    assert status == 0, f"exit status {status} on a file without errors"
    assert_same_models(entry.get("models", []), keras_reports[path]["models"])


@pytest.mark.parametrize("path", ERROR_FILES, ids=_ids(ERROR_FILES))
def test_cli_reports_marked_error(path):
    ((line, code),) = marked_errors(path)
    status, entry = run_cli(path)
    errors = _errors(entry)
    assert any(d.get("line") == line and d.get("code") == code for d in errors), (
        f"expected an error `{code}` on line {line}; got:\n{_fmt_diags(entry.get('diagnostics', []))}"
    )
    others = [d for d in errors if (d.get("line"), d.get("code")) != (line, code)]
    assert not others, f"errors besides the marked one:\n{_fmt_diags(others)}"
    assert status == 1, f"exit status {status}, expected 1 when an error is reported"


@pytest.mark.parametrize("path", UNKNOWN_FILES, ids=_ids(UNKNOWN_FILES))
def test_cli_no_false_alarm_on_unknown_values(path):
    status, entry = run_cli(path)
    errors = _errors(entry)
    assert not errors, f"false alarm(s) where values are unknown:\n{_fmt_diags(errors)}"
    assert status == 0, f"exit status {status}"
