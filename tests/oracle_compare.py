"""Compare the analyser's models with what real Keras reports for the same file."""

from __future__ import annotations

import textwrap

from model_oracle import keras_report
from shapelens.analyser import analyse_source
from shapelens.report import file_json


def ours(path) -> dict:
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    return file_json(str(path), analyse_source(source, str(path)))


def write_snippet(tmp_path, name, text):
    """``text`` (dedented) as ``tmp_path/name.py``: a snippet for the oracle and the analyser."""
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def row_tuples(model: dict) -> list:
    return [(l["name"], l["class"], l["output_shape"], l["params"]) for l in model["layers"]]


def assert_models_match_keras(path, analysed=None) -> dict:
    """Every model: same variable names in order, class, totals and summary rows as Keras.
    ``analysed`` is the file ShapeLens reads when it differs from the one Keras runs (a twin
    spelled for Keras 3)."""
    real = keras_report(path)
    assert real.get("error") is None, f"Keras failed on {path}: {real['error']}"
    mine = ours(path if analysed is None else analysed)
    assert [m["name"] for m in mine["models"]] == [m["name"] for m in real["models"]]
    for want, got in zip(real["models"], mine["models"]):
        assert got["class"] == want["class"], want["name"]
        assert row_tuples(got) == row_tuples(want), want["name"]
        for key in ("total_params", "trainable_params", "non_trainable_params"):
            assert got[key] == want[key], f"{want['name']}.{key}"
    errors = [d for d in mine["diagnostics"] if d["severity"] == "error"]
    assert not errors, f"false alarm on code Keras accepts: {errors}"
    return mine
