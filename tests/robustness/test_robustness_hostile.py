"""Hostile input: the analyser must never crash, never hang, never blow its memory budget.

Every case is analysed by ``analyse_source`` in a fresh subprocess (``tests/robustness/worker.py``,
address space capped at 2 GB so a runaway case fails instead of taking the machine down), and:

* no exception escapes (``ok``);
* **time budget** (process CPU time of the analysis, robust to a loaded CI machine):
  ``CPU_NORMAL`` = 5 s for inputs up to ~100 KB, ``CPU_1MB`` = 10 s around 1 MB,
  ``CPU_10MB`` = 30 s for 10 MB; a wall-clock timeout (6x the budget + 30 s) catches true hangs;
* **memory budget**: peak RSS growth during the analysis < ``MEM_MB`` = 500 MB;
* every diagnostic is an ``error`` with a known code, or an ``analysis-limit`` note (severity
  ``information``, message starting ``analysis stopped: ``) -- and on valid Keras code (every case
  not marked ``invalid``) there is no ``error`` at all; a note "internal error ... skipped" (an
  exception the analyser caught in itself) counts as a crash;
* spans lie inside the file; no model reports a negative parameter count.

The CLI cases (encodings, non-Python files, FIFOs, devices, a stdout that cannot encode the table)
run ``shapelens`` itself and require exit 0/1 with output, or exit 2 with a one-line message --
never a traceback.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "robustness"))
from hostile_cases import CASES, GOOD, KEEPS_GOOD, K, one_mb_cases, ten_mb  # noqa: E402

TESTS = Path(__file__).resolve().parent.parent
WORKER = TESTS / "robustness" / "worker.py"
NONPYTHON = TESTS / "robustness" / "nonpython"
SHAPELENS = Path(sys.executable).parent / "shapelens"

CPU_NORMAL = 5.0
CPU_1MB = 10.0
CPU_10MB = 30.0
MEM_MB = 500.0

ERROR_CODES = {"incompatible-shapes", "invalid-reshape", "window-too-large", "wrong-rank",
               "undefined-dimension", "invalid-argument", "wrong-input-count", "import-error"}



# ---- running one case -------------------------------------------------------------------------

def analyse_isolated(tmp_path: Path, name: str, source, *, cpu_budget=CPU_NORMAL, loader=False) -> dict:
    path = tmp_path / f"{name}.py"
    if isinstance(source, bytes):
        path.write_bytes(source)
    else:
        path.write_text(source, encoding="utf-8", errors="surrogatepass")
    command = [sys.executable, str(WORKER), str(path)] + (["--loader"] if loader else [])
    timeout = cpu_budget * 6 + 30
    try:
        proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{name}: HANG -- no result within {timeout:.0f} s wall clock")
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        pytest.fail(f"{name}: worker died (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    report = json.loads(lines[-1])
    report["text_lines"] = _line_count(path.read_bytes())
    log = os.environ.get("SHAPELENS_ROBUSTNESS_LOG")     # optional: collect timings for a report
    if log:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"name": name, "size": path.stat().st_size, "cpu": report["cpu"],
                                     "wall": report["wall"], "ok": report["ok"],
                                     "rss_growth_mb": report["rss_peak_mb"] - report["rss_base_mb"]}) + "\n")
    return report


def _line_count(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n") + 1


def check_report(name: str, report: dict, *, cpu_budget=CPU_NORMAL, valid=True) -> None:
    assert report["ok"], f"{name}: analysis raised:\n{report['traceback']}"
    assert report["cpu"] <= cpu_budget, f"{name}: {report['cpu']:.2f} s CPU > budget {cpu_budget} s"
    growth = report["rss_peak_mb"] - report["rss_base_mb"]
    assert growth < MEM_MB, f"{name}: peak RSS grew by {growth:.0f} MB (budget {MEM_MB:.0f} MB)"
    for d in report["diagnostics"]:
        where = f"{name}:{d['line']}: {d['severity']}[{d['code']}] {d['message']}"
        assert "object at 0x" not in d["message"], f"internal object repr in a message (F24): {where}"
        assert 1 <= d["line"] <= report["text_lines"], f"span outside the file: {where}"
        assert d["column"] >= 0, where
        if d["severity"] == "information":
            assert d["code"] == "analysis-limit", where
            assert d["message"].startswith("analysis stopped: "), where
            assert "internal error" not in d["message"], f"a ShapeLens bug, caught and skipped: {where}"
        else:
            assert d["severity"] == "error", where
            assert d["code"] in ERROR_CODES, where
            assert not valid, f"false alarm on valid Keras code: {where}"
    for model in report["models"]:
        counts = [model["total"]] + model["row_params"]
        assert all(c is None or c >= 0 for c in counts), f"{name}: negative parameter count in {model}"


def models(report) -> list[str]:
    return [m["variable"] for m in report["models"]]


def notes(report) -> list[dict]:
    return [d for d in report["diagnostics"] if d["code"] == "analysis-limit"]


# ---- hand-written hostile sources --------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_source(tmp_path, name):
    source, valid = CASES[name]
    report = analyse_isolated(tmp_path, name, source)
    check_report(name, report, valid=valid)
    if name in KEEPS_GOOD:
        # the valid model after the hostile part is found -- or an analysis-limit note says why not
        assert "good" in models(report) or notes(report), \
            f"{name}: the valid model after the hostile code was lost without a note: {report}"


def test_long_expression_is_noted_not_silent(tmp_path):
    """Finding F8: an expression too long for Python's parser must not make the file vanish
    without a word: either the models around it are still found or a note says why."""
    report = analyse_isolated(tmp_path, "plus_3000", CASES["plus_3000"][0])
    check_report("plus_3000", report)
    assert {"good", "good2"} <= set(models(report)) or notes(report), report


def test_expression_nesting_note_points_at_the_statement(tmp_path):
    """Findings F8/F9: the 'nesting too deep' note is placed on the statement that caused it,
    not on line 1, and the rest of the file is still analysed."""
    source = K + "a = 1\nx = " + "+".join(["a"] * 1000) + "\n" + GOOD
    report = analyse_isolated(tmp_path, "plus_1000", source)
    check_report("plus_1000", report)
    assert "good" in models(report), report
    for note in notes(report):
        assert note["line"] == 4, f"note on line {note['line']}, the expression is on line 4: {note}"


def test_negative_input_dims_are_not_counted(tmp_path):
    """Finding F13: Keras rejects ``Input((0, -5))``; ShapeLens must not print a negative count."""
    source = K + "x = keras.Input((0, -5))\ny = layers.Dense(3)(x)\nm = keras.Model(x, y)\n"
    report = analyse_isolated(tmp_path, "neg", source)
    check_report("neg", report, valid=False)


def test_starred_unknown_tuple(tmp_path):
    """Finding F14: ``(*unknown, 3)`` crashed the whole analysis (TypeError in expr_Tuple)."""
    source = K + "shape = get_shape()\nt = (*shape, 3)\n" + GOOD
    report = analyse_isolated(tmp_path, "starred", source)
    check_report("starred", report)
    assert models(report) == ["good"]


# ---- size: 1 MB lines, files near the size cap, 10 MB files ----------------------------------

@pytest.mark.parametrize("name", sorted(one_mb_cases()))
def test_one_megabyte_line(tmp_path, name):
    report = analyse_isolated(tmp_path, name, one_mb_cases()[name], cpu_budget=CPU_1MB)
    check_report(name, report, cpu_budget=CPU_1MB)
    # either analysed (the model is found) or declined with a note -- never silently empty
    assert "good" in models(report) or "m" in models(report) or notes(report), report


NEAR_CAP = 990_000


@pytest.mark.parametrize("pattern", ["a;", "a,", "[],"])
def test_near_cap_dense_tokens(tmp_path, pattern):
    """Finding F7b: just under the 1,000,000-character cap, token-dense text still needs far more
    than the 500 MB budget inside ``ast.parse``."""
    body = pattern * (NEAR_CAP // len(pattern))
    source = body + "\n" if pattern.endswith(";") else "x = [" + body + "]\n"
    name = "near_cap_" + {"a;": "statements", "a,": "names", "[],": "lists"}[pattern]
    report = analyse_isolated(tmp_path, name, source, cpu_budget=CPU_1MB)
    check_report(name, report, cpu_budget=CPU_1MB)


@pytest.mark.parametrize("kind", ["keras_blocks", "list_literal", "statements", "comments", "string"])
def test_ten_megabyte_file(tmp_path, kind):
    report = analyse_isolated(tmp_path, f"big_{kind}", ten_mb(kind), cpu_budget=CPU_10MB)
    check_report(f"big_{kind}", report, cpu_budget=CPU_10MB)
    assert report["models"] or notes(report) or kind in ("comments", "string"), \
        "a 10 MB file gave neither a result nor a note"


# ---- the CLI: encodings, non-Python files, special files, terminals -------------------------

GOOD_FILE = K + "x = keras.Input((4,))\nmodel = keras.Model(x, layers.Dense(2)(x))\n"


def run_cli(args, env_extra=None, timeout=120, stdin=subprocess.DEVNULL):
    env = dict(os.environ)
    env.update(env_extra or {})
    try:
        return subprocess.run([str(SHAPELENS), *args], capture_output=True, timeout=timeout, env=env, stdin=stdin)
    except subprocess.TimeoutExpired:
        pytest.fail(f"shapelens {' '.join(args)}: HANG (no exit within {timeout} s)")


def assert_clean_exit(proc, allowed=(0, 1, 2)):
    stderr = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in stderr, stderr[-3000:]
    assert proc.returncode in allowed, (proc.returncode, stderr[-2000:])
    if proc.returncode == 2:
        lines = [line for line in stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("shapelens: "), f"exit 2 needs one line: {stderr!r}"


ENCODED = {
    # name: (bytes, expected exit status, model expected?)
    "utf8_bom": (b"\xef\xbb\xbf" + GOOD_FILE.encode(), 0, True),
    "crlf": (GOOD_FILE.replace("\n", "\r\n").encode(), 0, True),
    "cr_only": (GOOD_FILE.replace("\n", "\r").encode(), 0, True),
    "bom_crlf": (b"\xef\xbb\xbf" + GOOD_FILE.replace("\n", "\r\n").encode(), 0, True),
    "tabs": (b"import keras\ndef f(x):\n\tif True:\n\t\treturn keras.layers.Dense(3)(x)\n"
             b"x = keras.Input((4,))\nmodel = keras.Model(x, f(x))\n", 0, True),
    "surrogate_escape_in_source": ((GOOD_FILE + "name = '\\udcff\\ud800'\nx2 = keras.Input((4,))\n"
                                    "m2 = keras.Model(x2, layers.Dense(2, name=name)(x2))\n").encode(), 0, True),
    "surrogate_bytes": (GOOD_FILE.encode() + b"s = '\xed\xb3\xbf'\n", 2, False),
    "nul_bytes": (GOOD_FILE.encode() + b"y\x00 = 1\n\x00\x00\n", 0, True),
    "latin1": (GOOD_FILE.encode() + "s = 'caf\xe9'\n".encode("latin-1"), 2, False),
    "latin1_declared": (b"# -*- coding: latin-1 -*-\n" + GOOD_FILE.encode() + "s = 'caf\xe9'\n".encode("latin-1"), 0, True),
    "cp1252_declared_line_2": (b"#!/usr/bin/env python\n# vim: set fileencoding=cp1252 :\n" + GOOD_FILE.encode()
                               + "s = '\u20ac'\n".encode("cp1252"), 0, True),
    "bom_and_latin1_declared": (b"\xef\xbb\xbf# coding: latin-1\n" + GOOD_FILE.encode(), 2, False),
    "unknown_declared": (b"# coding: klingon\n" + GOOD_FILE.encode(), 2, False),
    "utf8_declared_not_utf8": (b"# coding: utf-8\n" + GOOD_FILE.encode() + b"s = '\xe9'\n", 2, False),
    "utf16": (GOOD_FILE.encode("utf-16"), 2, False),
    "truncated_utf8": (GOOD_FILE.encode() + "s = 'é'".encode()[:-2], 2, False),
    "non_ascii_names": ((K + "x = keras.Input((4,))\nmodel = keras.Model(x, layers.Dense(2, name='dénse😀')(x))\n"
                         "# ünïcode\n").encode(), 0, True),
    "form_feed": ((K + "\x0c\nx = keras.Input((4,))\nmodel = keras.Model(x, layers.Dense(2)(x))\n").encode(), 0, True),
    "empty": (b"", 0, False),
}


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_cli_encodings(tmp_path, name):
    """Files are decoded as Python decodes them (issue 13, failure 7): a UTF-8 BOM, else a PEP 263
    coding declaration on line 1 or 2, else UTF-8; anything else is unreadable (exit 2)."""
    data, status, has_model = ENCODED[name]
    path = tmp_path / f"{name}.py"
    path.write_bytes(data)
    for args in (["check", str(path)], ["check", "--format", "json", str(path)], ["summary", str(path)]):
        proc = run_cli(args)
        assert_clean_exit(proc)
        assert proc.returncode == status, (args, proc.returncode, proc.stderr[-500:])
        if status == 0 and args[1] == "--format":
            data_json = json.loads(proc.stdout)
            found = [m["name"] for m in data_json["files"][0]["models"]]
            assert ("model" in found) == has_model, found


def test_cli_huge_file_is_answered_unread(tmp_path):
    """Issue 13, failure 6: a 50 MB file was read whole, decoded, split into lines and tokens
    before the size check said "too large" (370 MB to 1.3 GB, seconds).  A file over 4 bytes per
    allowed character is answered at once with the limit note, unread."""
    path = tmp_path / "huge.py"
    path.write_text(K + "x = keras.Input((4,))\n" + "y = layers.Dense(4)(x)\n" * 1_800_000, encoding="utf-8")
    size = path.stat().st_size
    measure = ("import resource, subprocess, sys, time; t = time.perf_counter(); "
               "p = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "print(p.returncode, time.perf_counter() - t, "
               "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024); print(p.stdout)")
    for args in (["check", str(path)], ["summary", str(path)]):
        proc = subprocess.run([sys.executable, "-c", measure, str(SHAPELENS), *args], capture_output=True,
                              text=True, timeout=120)
        status, wall, rss_mb = proc.stdout.splitlines()[0].split()
        assert status == "0" and float(rss_mb) < 150 and float(wall) < 5, (args, proc.stdout[-500:], proc.stderr[-500:])
        assert (f"{path}:1:1: note[analysis-limit]: analysis stopped: file too large ({size:,} bytes; "
                "the limits are 1,000,000 characters, 50,000 lines and 250,000 tokens)") in proc.stdout


NONPYTHON_FILES = sorted(p.name for p in NONPYTHON.iterdir())


@pytest.mark.parametrize("name", NONPYTHON_FILES)
def test_non_python_file_through_cli(tmp_path, name):
    target = tmp_path / (name.replace(".", "_") + ".py")
    target.write_bytes((NONPYTHON / name).read_bytes())
    for args in (["check", str(target)], ["check", "--format", "json", str(target)], ["summary", str(target)]):
        proc = run_cli(args)
        assert_clean_exit(proc)
        if proc.returncode == 1:
            pytest.fail(f"{name}: an error diagnostic on a non-Python file: {proc.stdout[-1000:]!r}")


@pytest.mark.parametrize("name", NONPYTHON_FILES)
def test_non_python_file_through_analyser(tmp_path, name):
    """The same bytes as an editor might show them (UTF-8 with replacement, or Latin-1)."""
    data = (NONPYTHON / name).read_bytes()
    for label, text in (("utf8", data.decode("utf-8", "replace")), ("latin1", data.decode("latin-1"))):
        report = analyse_isolated(tmp_path, f"{name}_{label}".replace(".", "_"), text)
        check_report(name, report)


def test_cli_fifo_does_not_hang(tmp_path):
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    (tmp_path / "model.py").write_text(GOOD_FILE, encoding="utf-8")
    proc = run_cli(["check", str(tmp_path)], timeout=60)      # a directory containing a FIFO
    assert_clean_exit(proc, allowed=(0,))
    proc = run_cli(["check", str(fifo)], timeout=60)          # the FIFO itself
    assert_clean_exit(proc, allowed=(2,))


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_cli_device_files(device):
    if not os.path.exists(device):
        pytest.skip(f"{device} missing")
    proc = run_cli(["check", device], timeout=60)
    assert_clean_exit(proc, allowed=(0, 2))


def test_cli_directory_and_missing_paths(tmp_path):
    proc = run_cli(["check", str(tmp_path / "missing.py")])
    assert_clean_exit(proc, allowed=(2,))
    unreadable = tmp_path / "secret.py"
    unreadable.write_text(GOOD_FILE)
    unreadable.chmod(0)
    try:
        proc = run_cli(["check", str(unreadable)])
        assert_clean_exit(proc, allowed=(0, 2))     # root can read it anyway
    finally:
        unreadable.chmod(stat.S_IRUSR | stat.S_IWUSR)
    proc = run_cli(["summary", str(tmp_path)])
    assert_clean_exit(proc, allowed=(0,))


@pytest.mark.parametrize("encoding", ["ascii", "latin-1", "cp1252"])
def test_cli_stdout_that_cannot_encode_the_table(tmp_path, encoding):
    """Finding F11: a console that cannot show box-drawing characters."""
    path = tmp_path / "m.py"
    path.write_text(K + "x = keras.Input((4,))\nmodel = keras.Model(x, layers.Dense(2, name='dénse😀')(x))\n",
                    encoding="utf-8")
    for args in (["summary", str(path)], ["check", str(path)], ["check", "--format", "json", str(path)]):
        proc = run_cli(args, env_extra={"PYTHONIOENCODING": encoding})
        assert_clean_exit(proc, allowed=(0,))


def test_cli_summary_with_astronomical_counts(tmp_path):
    """Finding F15: parameter counts beyond the float range must not crash the summary."""
    path = tmp_path / "huge.py"
    path.write_text(K + "x = keras.Input((8, 8, 3))\nm = keras.Model(x, layers.Conv2D(10**400, 3)(x))\n"
                    "x2 = keras.Input((10**400,))\nm2 = keras.Model(x2, layers.Dense(1)(x2))\n"
                    "x3 = keras.Input((10**5000,))\nm3 = keras.Model(x3, layers.Dense(1)(x3))\n", encoding="utf-8")
    for args in (["summary", str(path)], ["check", "--format", "json", str(path)], ["check", str(path)]):
        proc = run_cli(args)
        assert_clean_exit(proc, allowed=(0,))


def test_lone_surrogates_in_text(tmp_path):
    """Finding F19: an editor buffer (LSP JSON) may hold lone surrogates; the analysis must not
    crash and the model on the other lines must still be found."""
    from shapelens.analyser import analyse_source

    for text in ['\udcff', 'x = "\udcff"\n' + K + GOOD, 'x = 1  # \ud800\n' + K + GOOD,
                 K + "x = keras.Input((4,))\ngood = keras.Model(x, layers.Dense(2, name='\udcff')(x))\n"]:
        analysis = analyse_source(text)
        if "good" in text:
            assert "good" in [m.variable for m in analysis.models], (text, analysis.diagnostics)


# ---- imported sibling modules (workspace.module_loader) --------------------------------------

MAIN_WITH_GOOD = "import keras\n{imports}x = keras.Input((4,))\ngood = keras.Model(x, keras.layers.Dense(2)(x))\n"


def _analyse_project(tmp_path, files: dict[str, str], main: str, *, cpu_budget=CPU_NORMAL) -> dict:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return analyse_isolated(tmp_path, "main", main, cpu_budget=cpu_budget, loader=True)


def test_imports_of_a_huge_sibling(tmp_path):
    """Finding F22: a sibling near the loader's 2 MB limit must obey the same caps as a main file."""
    files = {"big.py": "x = [" + "1," * 990_000 + "]\n"}
    report = _analyse_project(tmp_path, files, MAIN_WITH_GOOD.format(imports="from big import x\n"))
    check_report("huge sibling", report)
    assert "good" in models(report), report


def test_imports_repeated_many_times(tmp_path):
    """Finding F22: importing the same (large but legal) module 300 times is one module's work."""
    files = {"big.py": "x = 1\n" * 49_000}
    report = _analyse_project(tmp_path, files, MAIN_WITH_GOOD.format(imports="import big\n" * 300))
    check_report("repeated import", report)
    assert "good" in models(report), report


def test_imports_realistic_project(tmp_path):
    """Finding F22: a project of 40 modules (4.5 KB each, a helper and 200 constants), each
    importing 8 siblings; main.py imports 5 of them.  Every import re-runs its module (no cache),
    so the work grows as 8**depth: the step budget runs out and main.py's model is lost."""
    import random

    rng = random.Random(1)
    files = {}
    for i in range(40):
        deps = rng.sample([j for j in range(40) if j != i], 8)
        body = "".join(f"from m{j} import helper{j}\n" for j in deps) + "from keras import layers\n\n"
        body += f"def helper{i}(x, units=8):\n    for _ in range(2):\n        x = layers.Dense(units)(x)\n    return x\n\n"
        body += "".join(f"CONST_{i}_{k} = {k} * 2\n" for k in range(200))
        files[f"m{i}.py"] = body
    main = ("import keras\n" + "".join(f"from m{i} import helper{i}\n" for i in range(5))
            + "x = keras.Input((4,))\ngood = keras.Model(x, helper4(helper0(x)))\n")
    report = _analyse_project(tmp_path, files, main)
    check_report("realistic project", report)
    assert "good" in models(report), report
    assert report["models"][0]["total"] == 4 * 8 + 8 + 3 * (8 * 8 + 8), report


def test_imports_fan_out_and_cycles(tmp_path):
    """12 modules each star-importing all 12 (cycles included) plus self-imports."""
    files = {f"m{i}.py": "".join(f"from m{j} import *\n" for j in range(12)) + f"v{i} = {i}\n" for i in range(12)}
    files["selfish.py"] = "import selfish\nfrom selfish import *\nfrom . import selfish\nw = 1\n"
    report = _analyse_project(tmp_path, files, MAIN_WITH_GOOD.format(imports="from m0 import *\nimport selfish\n"))
    check_report("fan-out", report)
    assert "good" in models(report), report


def test_imports_of_hostile_siblings(tmp_path):
    """Siblings that are binary, not UTF-8, directories named like modules, FIFOs, or hostile code."""
    (tmp_path / "binary.py").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\xff\xfe" * 100)
    (tmp_path / "latin.py").write_bytes("s = 'caf\xe9'\n".encode("latin-1"))
    (tmp_path / "adir.py").mkdir()
    (tmp_path / "pkgdir").mkdir()
    (tmp_path / "pkgdir" / "__init__.py").mkdir()
    os.mkfifo(tmp_path / "fifo.py")
    files = {"loops.py": "while True:\n    pass\n", "deep.py": "x = " + "-" * 100_000 + "1\n",
             "surrogate.py": "s = '\\udcff'\n", "nul.py": "x = 1\x00\n"}
    imports = ("import binary\nimport latin\nimport adir\nimport pkgdir\nimport fifo\nfrom loops import *\n"
               "from deep import x as d\nimport surrogate, nul\nfrom ........ import nothing\n")
    report = _analyse_project(tmp_path, files, MAIN_WITH_GOOD.format(imports=imports))
    check_report("hostile siblings", report)
    assert "good" in models(report) or notes(report), report


def test_cli_symlink_loops_and_devices(tmp_path):
    (tmp_path / "self.py").symlink_to(tmp_path / "self.py")
    (tmp_path / "zero.py").symlink_to("/dev/zero")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "up").symlink_to(tmp_path)
    (tmp_path / "ok.py").write_text(GOOD_FILE, encoding="utf-8")
    proc = run_cli(["check", str(tmp_path)], timeout=60)
    assert_clean_exit(proc, allowed=(0,))
    assert b"1 file" in proc.stdout, proc.stdout
    for name in ("self.py", "zero.py"):
        assert_clean_exit(run_cli(["check", str(tmp_path / name)], timeout=60), allowed=(2,))
    assert_clean_exit(run_cli(["summary", str(tmp_path / "d")], timeout=60), allowed=(0,))


@pytest.mark.parametrize("line", ["s = '{}'", "# {}", "s = f'{{x}}{}'", "s = b'{}'"])
def test_long_line_under_the_cap_is_analysed(tmp_path, line):
    """A 990 000-character line with few tokens is under every cap: the file is analysed (the
    model after the line is found), within the normal budget."""
    source = K + line.format("a" * 990_000) + "\n" + GOOD
    report = analyse_isolated(tmp_path, "long_line", source, cpu_budget=CPU_1MB)
    check_report("long_line", report, cpu_budget=CPU_1MB)
    assert "good" in models(report), report


def test_objects_as_arguments_are_not_printed_raw(tmp_path):
    """Finding F24: layers passed where numbers belong must not put '<... object at 0x...>' into
    messages (the text would change on every analysis)."""
    source = (K + "x = keras.Input((8, 8, 3))\nd = layers.Dense(2)\n"
              "a = layers.Conv2D(4, 3, dilation_rate=d)(x)\nb = layers.MultiHeadAttention(num_heads=d, key_dim=2)\n"
              "c = layers.Dense(d)(x)\ne = layers.Reshape(d)(x)\nf = layers.Dropout(x)(x)\n" + GOOD)
    report = analyse_isolated(tmp_path, "objects_as_args", source)
    check_report("objects_as_args", report, valid=False)


def test_imports_through_a_symlinked_package_read_each_file_once(tmp_path):
    """Issue 13, failure 1: ``s/t`` links back to the workspace, so ``s.m``, ``s.t.s.m``,
    ``s.t.s.t.s.m``… name one file.  Each spelling was read, parsed and analysed again (51 s to
    more than 300 s with nested aliases); a module is now its resolved real path, read once."""
    (tmp_path / "s").mkdir()
    (tmp_path / "s" / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "s" / "t").symlink_to(tmp_path)
    aliases = ["s" + ".t.s" * k + ".m" for k in range(20)]
    body = "".join(f"from {a} import block as b{i}\n" for i, a in enumerate(aliases))
    body += "import keras\ndef block(x):\n    return keras.layers.Dense(2)(x)\n"
    body += "".join(f"C{i} = {i}\n" for i in range(40_000))
    (tmp_path / "s" / "m.py").write_text(body, encoding="utf-8")
    main = "import keras\nfrom s.t.s.m import block\nx = keras.Input((4,))\ngood = keras.Model(x, block(x))\n"
    report = _analyse_project(tmp_path, {}, main)
    check_report("symlinked aliases", report)
    assert report["models"] == [{"variable": "good", "class": "Functional", "total": 10, "row_params": [0, 10]}], report


def test_imported_source_is_bounded_per_analysis(tmp_path):
    """Issue 13, failure 1: all imported modules together are read up to 4,000,000 characters;
    the import past that gets a note and the rest of the file is analysed."""
    for i in range(4):
        (tmp_path / f"big{i}.py").write_text(f"V{i} = 1\n" + "x = 1\n" * 180_000, encoding="utf-8")
    main = MAIN_WITH_GOOD.format(imports="".join(f"from big{i} import V{i}\n" for i in range(4)))
    report = _analyse_project(tmp_path, {}, main, cpu_budget=CPU_1MB)
    check_report("imported source bound", report, cpu_budget=CPU_1MB)
    assert "good" in models(report), report
    [note] = notes(report)
    assert note["line"] == 5 and "imported modules exceed 4,000,000 characters" in note["message"], report
