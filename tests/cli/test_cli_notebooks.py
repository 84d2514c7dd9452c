"""``shapelens summary`` / ``check`` on Jupyter notebooks as a user runs them: positions as
cell and line, IPython lines skipped, a broken cell costing that cell only, invalid JSON told in
one line while the other files are still checked."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
EXAMPLES = ROOT / "examples"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "server")}     # this checkout, from any directory


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "shapelens", *args], capture_output=True,
                          text=True, cwd=cwd, env=ENV, timeout=120)


def write_notebook(path, *cells):
    """A cell is a code string or ("markdown", text)."""
    out = []
    for cell in cells:
        kind, text = cell if isinstance(cell, tuple) else ("code", cell)
        entry = {"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True)}
        if kind == "code":
            entry.update(outputs=[], execution_count=None)
        out.append(entry)
    path.write_text(json.dumps({"cells": out, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}),
                    encoding="utf-8")
    return path


MISMATCH = [
    ("markdown", "# two inputs that cannot be added"),
    "%matplotlib inline\n!pip install keras\nimport keras\nfrom keras import layers",
    "a = keras.Input((8,))\nb = keras.Input((5,))\nlayers.Add?",
    "files = !ls\nc = layers.Add()([a, b])",
]


def test_summary_of_the_example_notebook_shows_cell_positions():
    result = run("summary", str(EXAMPLES / "notebook_cnn.ipynb"))
    assert result.returncode == 0, result.stderr
    assert f"model = Functional  ({EXAMPLES / 'notebook_cnn.ipynb'}:cell 7:line 5)" in result.stdout
    assert "│ dense (Dense)  " in result.stdout and " Total params: 20,426 (79.79 KB)" in result.stdout
    assert f"head = Sequential  ({EXAMPLES / 'notebook_cnn.ipynb'}:cell 9:line 1)" in result.stdout


def test_check_text_prints_cell_and_line(tmp_path):
    path = write_notebook(tmp_path / "nb.ipynb", *MISMATCH)
    result = run("check", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    [problem, total] = result.stdout.splitlines()
    assert problem.startswith("nb.ipynb:cell 4:line 2:column 5: error[incompatible-shapes]: Inputs have incompatible shapes")
    assert total == "1 error in 1 file"
    assert path.exists() and result.stderr == ""


def test_check_json_gives_cell_and_line(tmp_path):
    write_notebook(tmp_path / "nb.ipynb", *MISMATCH,
                   "m = keras.Model(a, layers.Dense(3)(a))")
    result = run("check", "--format", "json", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 1
    [entry] = json.loads(result.stdout)["files"]
    [model] = entry["models"]
    assert (model["name"], model["cell"], model["line"], model["total_params"]) == ("m", 5, 1, 27)
    dense = model["layers"][-1]
    assert (dense["class"], dense["cell"], dense["line"], dense["column"]) == ("Dense", 5, 1, 20)
    [error] = entry["diagnostics"]
    assert (error["cell"], error["line"], error["end_cell"], error["end_line"]) == (4, 2, 4, 2)


def test_a_broken_cell_is_a_note_and_the_other_cells_are_analysed(tmp_path):
    write_notebook(tmp_path / "nb.ipynb",
                   "import keras\nx = keras.Input((4,))",
                   "y = keras.layers.Dense(2)(x\n",
                   "m = keras.Model(x, keras.layers.Dense(6)(x))")
    result = run("check", "nb.ipynb", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines() == [
        "nb.ipynb:cell 2:line 1:column 1: note[cell-not-analysed]: this cell does not parse "
        "('(' was never closed): it is not analysed",
        "0 errors in 1 file"]
    summary = run("summary", "nb.ipynb", cwd=tmp_path)
    assert "m = Functional  (nb.ipynb:cell 3:line 1)" in summary.stdout
    assert " Total params: 30 (120.00 B)" in summary.stdout


def test_invalid_notebook_json_is_one_line_and_other_files_are_still_checked(tmp_path):
    (tmp_path / "broken.ipynb").write_text("{\"cells\": [", encoding="utf-8")
    write_notebook(tmp_path / "nb.ipynb", *MISMATCH)
    (tmp_path / "fine.py").write_text("x = 1\n", encoding="utf-8")
    result = run("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("shapelens: ./broken.ipynb: invalid notebook JSON")
    assert "./nb.ipynb:cell 4:line 2:column 5: error[" in result.stdout
    assert result.stdout.splitlines()[-1] == "1 error in 2 files (1 unreadable)"


def test_check_dir_includes_notebooks(tmp_path):
    (tmp_path / "sub").mkdir()
    write_notebook(tmp_path / "sub" / "nb.ipynb", *MISMATCH)
    result = run("check", "--format", "json", str(tmp_path))
    assert [f["path"] for f in json.loads(result.stdout)["files"]] == [str(tmp_path / "sub" / "nb.ipynb")]
