"""The ``shapelens`` command line as a user runs it: output, JSON shape, exit statuses."""

import json
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "shapelens", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120)


def test_summary_prints_the_keras_table_for_the_seed_model():
    result = run("summary", str(EXAMPLES / "cats_vs_dogs.py"))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "│ conv2d (Conv2D)                 │ (None, 148, 148, 16)   │           448 │" in out
    assert "│ dense (Dense)                   │ (None, 512)            │     9,470,464 │" in out
    assert " Total params: 9,494,561 (36.22 MB)" in out
    assert " Non-trainable params: 0 (0.00 B)" in out


def test_check_json_has_the_documented_shape(tmp_path):
    source = tmp_path / "bad.py"
    source.write_text(
        "import keras\nfrom keras import layers\n"
        "a = keras.Input((8,))\nb = keras.Input((5,))\n"
        "c = layers.Add()([a, b])\nm = keras.Model([a, b], layers.Dense(2)(a))\n",
        encoding="utf-8")
    result = run("check", "--format", "json", str(source))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    [entry] = report["files"]
    assert entry["path"] == str(source)
    [model] = entry["models"]
    assert model["name"] == "m" and model["class"] == "Functional" and model["line"] == 6
    assert model["total_params"] == 18 and model["trainable_params"] == 18
    assert model["non_trainable_params"] == 0
    # an input the outputs do not use is still listed (Keras's map_graph puts it at depth 0)
    assert [l["name"] for l in model["layers"]] == ["input_layer", "input_layer_1", "dense"]
    dense = model["layers"][2]
    assert (dense["line"], dense["column"], dense["output_shape"], dense["params"]) == (6, 25, "(None, 2)", 18)
    [diag] = entry["diagnostics"]
    assert (diag["line"], diag["column"], diag["end_line"], diag["end_column"]) == (5, 5, 5, 25)
    assert diag["severity"] == "error" and diag["code"] == "incompatible-shapes"


def test_check_text_format_and_exit_status(tmp_path):
    good = tmp_path / "good.py"
    good.write_text("import keras\nx = keras.Input((3,))\n", encoding="utf-8")
    bad = tmp_path / "bad.py"
    bad.write_text("import keras\nfrom keras import layers\nx = layers.Conv2D(4, 3)(keras.Input((8, 8)))\n",
                   encoding="utf-8")
    ok = run("check", str(good))
    assert ok.returncode == 0 and ok.stdout.strip() == "0 errors in 1 file"
    failed = run("check", str(tmp_path))
    assert failed.returncode == 1
    lines = failed.stdout.strip().splitlines()
    assert lines[0].startswith(f"{bad}:3:5: error[wrong-rank]: Input 0 of layer 'conv2d'")
    assert lines[-1] == "1 error in 2 files"


def test_unknown_values_print_question_marks_and_null(tmp_path):
    source = tmp_path / "unknown.py"
    source.write_text("import json, keras\nfrom keras import layers\ncfg = json.load(open('c.json'))\n"
                      "i = keras.Input((cfg['n'],))\nm = keras.Model(i, layers.Dense(4)(i))\n", encoding="utf-8")
    result = run("check", "--format", "json", str(source))
    assert result.returncode == 0
    [model] = json.loads(result.stdout)["files"][0]["models"]
    assert model["layers"][0]["output_shape"] == "(None, ?)"
    assert model["layers"][1]["params"] is None and model["total_params"] is None


def test_unusable_input_exits_2_with_one_line(tmp_path):
    missing = run("check", str(tmp_path / "nope.py"))
    assert missing.returncode == 2 and missing.stderr.strip().count("\n") == 0
    assert "no such file" in missing.stderr and "Traceback" not in missing.stderr
    latin = tmp_path / "latin.py"
    latin.write_bytes(b"x = '\xe9t\xe9'\n")
    result = run("summary", str(latin))
    assert result.returncode == 2 and "not UTF-8" in result.stderr and "Traceback" not in result.stderr


def test_syntax_errors_are_not_fatal(tmp_path):
    source = tmp_path / "typing.py"
    source.write_text("import keras\nfrom keras import layers\ni = keras.Input((4,))\n"
                      "m = keras.Model(i, layers.Dense(2)(i))\nx = layers.Dense(\n", encoding="utf-8")
    result = run("summary", str(source))
    assert result.returncode == 0
    assert "dense (Dense)" in result.stdout


def test_python_warnings_about_the_file_are_not_printed(tmp_path):
    """``1if`` and ``"\\d"`` make Python's parser warn; that is the user's business (their linter
    says so), not ShapeLens's: stderr stays empty (finding F26)."""
    source = tmp_path / "warns.py"
    source.write_text('import keras\npattern = "\\d+"\ny = 1if True else 2\n'
                      "i = keras.Input((4,))\nm = keras.Model(i, keras.layers.Dense(2)(i))\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-W", "default", "-m", "shapelens", "summary", str(source)],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0
    assert "dense (Dense)" in result.stdout
    assert result.stderr == ""


DEEP = ("import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"
        + "m = keras.Sequential([m])\n" * 500
        + "good = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\n")


def test_deeply_nested_models_give_a_note_not_a_traceback(tmp_path):
    """Issue 13, failure 4: 500 nested ``keras.Sequential([m])`` gave a RecursionError traceback.
    Nesting is bounded (100 models deep): a note where it stops, every other model reported."""
    source = tmp_path / "deep.py"
    source.write_text(DEEP, encoding="utf-8")
    for command in (("check",), ("check", "--format", "json"), ("summary",)):
        result = run(*command, str(source))
        assert result.returncode == 0 and result.stderr == "", (command, result.stderr[-2000:])
    result = run("check", str(source))
    assert f"{source}:103:5: note[analysis-limit]: analysis stopped: models nested more than 100 deep" in result.stdout
    summary = run("summary", str(source)).stdout
    assert "good = Sequential" in summary and " Total params: 15 (60.00 B)" in summary


def test_one_unreadable_file_does_not_spoil_a_directory(tmp_path):
    """Issue 13, failure 7: ``check DIR`` with one file that is not UTF-8 exited 2 and reported
    nothing for the others.  That file is reported with its encoding problem, the others are
    checked (a PEP 263 declaration and a BOM honoured) and the worst result sets the status."""
    (tmp_path / "a_good.py").write_text("import keras\nx = keras.Input((4,))\nm = keras.Model(x, keras.layers.Dense(2)(x))\n",
                                        encoding="utf-8")
    (tmp_path / "b_declared.py").write_bytes(b"# -*- coding: latin-1 -*-\nimport keras\ns = 'caf\xe9'\n"
                                             b"x = keras.Input((4,))\nm = keras.Model(x, keras.layers.Dense(3)(x))\n")
    (tmp_path / "c_latin.py").write_bytes(b"import keras\ns = 'caf\xe9'\n")
    (tmp_path / "d_bom.py").write_bytes(b"\xef\xbb\xbfimport keras\nx = keras.Input((4,))\n"
                                        b"y = keras.layers.Conv2D(2, 3)(x)\n")
    text = run("check", str(tmp_path))
    assert text.returncode == 2
    assert text.stderr == f"shapelens: {tmp_path / 'c_latin.py'}: not UTF-8 (byte 21)\n"
    assert f"{tmp_path / 'd_bom.py'}:3:5: error[wrong-rank]" in text.stdout
    assert text.stdout.endswith("1 error in 3 files (1 unreadable)\n")
    report = json.loads(run("check", "--format", "json", str(tmp_path)).stdout)
    assert [Path(f["path"]).name for f in report["files"]] == ["a_good.py", "b_declared.py", "c_latin.py", "d_bom.py"]
    assert report["files"][2] == {"path": str(tmp_path / "c_latin.py"), "unreadable": "not UTF-8 (byte 21)"}
    assert [m["total_params"] for m in report["files"][1]["models"]] == [15]
    summary = run("summary", str(tmp_path))
    assert summary.returncode == 2 and " Total params: 15 (60.00 B)" in summary.stdout
    assert run("check", str(tmp_path / "a_good.py"), str(tmp_path / "b_declared.py")).returncode == 0
