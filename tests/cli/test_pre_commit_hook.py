"""The ``shapelens`` pre-commit hook (``.pre-commit-hooks.yaml``) as a user's repository runs it:
``pre-commit try-repo`` on a temporary clone of this checkout (the hook as committed at HEAD), in a
sample repository with a failing and a passing file.  pre-commit installs the hook's environment
from the clone (``pip install .``), so this needs the package index and is slow."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent.parent
BAD = ("import keras\nfrom keras import layers\n"
       "a = keras.Input((8,))\nb = keras.Input((5,))\nc = layers.Add()([a, b])\n")
GOOD = "import keras\nfrom keras import layers\nm = keras.Sequential([keras.Input((3,)), layers.Dense(2)])\n"


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, timeout=120)


def notebook(source):
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
            "source": source.splitlines(keepends=True)}
    return json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5})


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    base = tmp_path_factory.mktemp("hook")
    git("clone", "--quiet", str(ROOT), str(base / "shapelens"), cwd=base)
    user = base / "user"
    user.mkdir()
    git("init", "--quiet", cwd=user)
    (user / "bad_model.py").write_text(BAD, encoding="utf-8")
    (user / "good_model.py").write_text(GOOD, encoding="utf-8")
    (user / "bad.ipynb").write_text(notebook(BAD), encoding="utf-8")
    (user / "notes.txt").write_text("not Python\n", encoding="utf-8")
    git("add", ".", cwd=user)
    env = dict(os.environ)     # shapelens comes from the hook's environment, not from this checkout
    env["PYTHONPATH"] = os.pathsep.join(p for p in env.get("PYTHONPATH", "").split(os.pathsep)
                                        if p and not Path(p).resolve().is_relative_to(ROOT))
    env["PRE_COMMIT_HOME"] = str(base / "cache")

    def try_repo(*files):
        return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(base / "shapelens"),
                               "shapelens", "--verbose", "--files", *files],
                              cwd=user, env=env, capture_output=True, text=True, timeout=600)
    return try_repo


def test_hook_fails_on_a_shape_error_in_a_python_file_and_a_notebook(sample):
    result = sample("bad_model.py", "good_model.py", "bad.ipynb", "notes.txt")
    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "shapelens" in out and "Failed" in out
    assert "bad_model.py:5:5: error[incompatible-shapes]" in out
    assert "bad.ipynb:cell 1:line 5:column 5: error[incompatible-shapes]" in out
    assert "2 errors in 3 files" in out          # notes.txt is not passed to the hook


def test_hook_passes_on_a_good_file(sample):
    result = sample("good_model.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout and "0 errors in 1 file" in result.stdout
