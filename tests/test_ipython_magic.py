"""``%load_ext shapelens`` and ``%shapelens`` in a real IPython shell (``InteractiveShell``), as in
Colab or a plain Jupyter kernel: the magic prints the static summary of the cells executed so far,
read from the shell's input history, with ``In [n], line k`` positions.

Keras and the user's own module are made unimportable in the shell (a finder that refuses them
and records every attempt): the cells that import them fail when the shell runs them, as they
would on a kernel without Keras, and the magic still prints the summary without trying to import
anything.  Real Keras, run by the oracle on the same code as a file, is the judge of the rows.
"""

import importlib.abc
import sys

import pytest
from IPython.core.interactiveshell import InteractiveShell  # a test extra (pip install -e .[test])
from traitlets.config import Config

from model_oracle import keras_report

BLOCKED = {"keras", "tensorflow", "blocks"}


class Refuse(importlib.abc.MetaPathFinder):
    """Refuses to import the BLOCKED packages and records every attempt."""

    def __init__(self):
        self.attempts = []

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            self.attempts.append(name)
            raise ModuleNotFoundError(f"No module named {name!r} (blocked by the test)")
        return None


@pytest.fixture
def shell(tmp_path, monkeypatch):
    """A fresh IPython shell in ``tmp_path`` (history in memory) with the BLOCKED packages unimportable."""
    for name in list(sys.modules):
        if name.split(".")[0] in BLOCKED:
            monkeypatch.delitem(sys.modules, name)
    refuse = Refuse()
    monkeypatch.setattr(sys, "meta_path", [refuse, *sys.meta_path])
    monkeypatch.chdir(tmp_path)
    config = Config()
    config.HistoryManager.hist_file = ":memory:"
    InteractiveShell.clear_instance()
    ip = InteractiveShell.instance(config=config, colors="nocolor")
    ip.refuse = refuse
    yield ip
    ip.history_manager.end_session()
    InteractiveShell.clear_instance()


def run(ip, capsys, *cells) -> str:
    """Runs the cells as a kernel does (stored in the history) and returns what the last one printed."""
    for cell in cells:
        capsys.readouterr()
        ip.run_cell(cell, store_history=True)
    return capsys.readouterr().out


IMPORTS = "%precision 3\nimport keras\nfrom keras import layers"
MODEL = ("inputs = keras.Input((28, 28, 1))\nx = layers.Conv2D(8, 3)(inputs)\n"
         "x = layers.Flatten()(x)\nmodel = keras.Model(inputs, layers.Dense(10)(x))")


def keras_rows(tmp_path, code):
    path = tmp_path / "as_a_file.py"
    path.write_text(code)
    report = keras_report(path)
    assert report["error"] is None
    return report["models"]


def test_the_magic_prints_the_summary_keras_prints(shell, capsys, tmp_path):
    out = run(shell, capsys, "%load_ext shapelens", IMPORTS, "files = !echo a\n" + MODEL, "%shapelens")
    assert "model = Functional  (In [3], line 5)" in out
    [expected] = keras_rows(tmp_path, "import keras\nfrom keras import layers\n" + MODEL)
    lines = out.splitlines()
    for row in expected["layers"]:
        [line] = [line for line in lines if line.startswith(f"│ {row['name']} ({row['class']}) ")]
        assert row["output_shape"] in line and line.rstrip("│ ").endswith(f"{row['params']:,}")
    assert f" Total params: {expected['total_params']:,} (" in out
    assert "keras" in shell.refuse.attempts         # the cells did try: they failed, as on a kernel without Keras


def test_the_magic_imports_neither_keras_nor_the_users_modules(shell, capsys, tmp_path):
    (tmp_path / "blocks.py").write_text("from keras import layers\n\ndef head(x):\n    return layers.Dense(3)(x)\n")
    run(shell, capsys, "%load_ext shapelens", IMPORTS, "from blocks import head",
        "inputs = keras.Input((5,))\nmodel = keras.Model(inputs, head(inputs))")
    tried = list(shell.refuse.attempts)
    out = run(shell, capsys, "%shapelens")
    assert shell.refuse.attempts == tried           # nothing more was imported by the magic
    assert "blocks" in tried and "keras" in tried
    [expected] = keras_rows(tmp_path, "import keras\nfrom blocks import head\n"
                                      "inputs = keras.Input((5,))\nmodel = keras.Model(inputs, head(inputs))")
    assert "model = Functional  (In [4], line 2)" in out            # blocks.py was read, not run
    assert f" Total params: {expected['total_params']:,} (" in out


def test_errors_and_broken_cells_are_told_with_cell_and_line(shell, capsys):
    out = run(shell, capsys, "%load_ext shapelens", IMPORTS,
              "a = keras.Input((8,))\nb = keras.Input((5,))\nlayers.Add?",
              "def broken(:\n    pass",
              "c = layers.Add()([a, b])", "%shapelens")
    assert "shapelens: no Keras model found in the 6 cells executed so far" in out
    assert "In [4], line 1, column 1: note[cell-not-analysed]: this cell does not parse" in out
    assert "In [5], line 1, column 5: error[incompatible-shapes]: Inputs have incompatible shapes" in out


def test_names_select_models_and_history_grows(shell, capsys):
    out = run(shell, capsys, "%load_ext shapelens", "%shapelens")        # the magic's own cell counts
    assert out == "shapelens: no Keras model found in the 2 cells executed so far\n"
    out = run(shell, capsys, IMPORTS,
              "head = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n" + MODEL, "%shapelens head")
    assert "head = Sequential  (In [4], line 1)" in out and "model = " not in out
    out = run(shell, capsys, "head = keras.Sequential([keras.Input((4,)), layers.Dense(7)])", "%shapelens head")
    assert "head = Sequential  (In [6], line 1)" in out and "(None, 7)" in out
    assert "no Keras model named other found" in run(shell, capsys, "%shapelens other")


def test_unload_removes_the_magic(shell, capsys):
    run(shell, capsys, "%load_ext shapelens", "%unload_ext shapelens")
    assert "shapelens" not in shell.magics_manager.magics["line"]
