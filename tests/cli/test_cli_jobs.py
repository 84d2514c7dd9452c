"""``shapelens check DIR`` on several processes (``--jobs``): the same output, in the same order, as
on one; progress on stderr only on a terminal and for a tree of more than a few hundred files."""

import json
import os
import pty
import subprocess
import sys

import pytest
from test_cli import run

NETWORK = """import keras
from keras import layers


def block(x, filters):
    y = layers.Conv2D(filters, 3, padding="same")(x)
    return layers.Add()([x, y]) if x.shape[-1] == filters else y


inputs = keras.Input((16, 16, 3))
x = inputs
for filters in [FILTERS]:
    x = block(x, filters)
model = keras.Model(inputs, layers.Dense(2)(layers.Flatten()(x)))
"""
# slow to analyse (a loop whose result is read), first in the tree: with two jobs the files after
# it are finished before it is
SLOW = "total = 0\nfor i in range(150000):\n    total += i % 7\nimport keras\nm = keras.Sequential([keras.Input((total % 5 + 1,))])\n"
WRONG = "import keras\nfrom keras import layers\nx = layers.Conv2D(4, 3)(keras.Input((8, 8)))\n"


def _tree(root):
    (root / "a_slow.py").write_text(SLOW, encoding="utf-8")
    for i in range(6):
        sub = root / f"pkg{i % 3}"
        sub.mkdir(exist_ok=True)
        (sub / f"net_{i}.py").write_text(NETWORK.replace("FILTERS", ", ".join(["8"] * (i + 1))), encoding="utf-8")
        (sub / f"wrong_{i}.py").write_text(WRONG, encoding="utf-8")
    (root / "pkg1" / "latin.py").write_bytes(b"import keras\ns = 'caf\xe9'\n")
    (root / "pkg2" / "broken.py").write_text("import keras\nx = keras.Input((3,)\n", encoding="utf-8")
    return root


@pytest.mark.parametrize("args", [["check"], ["check", "--format", "json"], ["check", "--format", "sarif"],
                                  ["check", "--format", "github"], ["summary"]])
def test_the_output_does_not_depend_on_the_number_of_jobs(tmp_path, args):
    tree = _tree(tmp_path)
    one = run(*args, "--jobs", "1", str(tree))
    two = run(*args, "--jobs", "2", str(tree))
    assert one.returncode == two.returncode == 2
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr == f"shapelens: {tree / 'pkg1' / 'latin.py'}: not UTF-8 (byte 21)\n"


def test_files_are_reported_in_tree_order_whatever_finishes_first(tmp_path):
    tree = _tree(tmp_path)
    report = json.loads(run("check", "--format", "json", "--jobs", "2", str(tree)).stdout)
    names = [os.path.relpath(f["path"], tree) for f in report["files"]]
    assert names == ["a_slow.py"] + [os.path.join(f"pkg{p}", n) for p, ns in
                                     [(0, ["net_0.py", "net_3.py", "wrong_0.py", "wrong_3.py"]),
                                      (1, ["latin.py", "net_1.py", "net_4.py", "wrong_1.py", "wrong_4.py"]),
                                      (2, ["broken.py", "net_2.py", "net_5.py", "wrong_2.py", "wrong_5.py"])]
                                     for n in ns]
    params = {os.path.basename(f["path"]): f["models"][0]["total_params"] for f in report["files"]
              if f.get("models")}
    # net_i: i + 1 blocks of 8 filters (the first 224 weights, the others 584), Dense(2) on 16*16*8
    assert [params[f"net_{i}.py"] for i in range(6)] == [224 + 584 * i + 4098 for i in range(6)]
    assert params["a_slow.py"] == 0


def _run_on_terminal(*args):
    """Run the CLI with stderr on a pseudo-terminal: ``(status, stdout, what the terminal got)``."""
    main, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "shapelens", *args], stdout=subprocess.PIPE,
                            stderr=secondary, text=True)
    os.close(secondary)
    out, _ = proc.communicate(timeout=300)
    seen = b""
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    return proc.returncode, out, seen.decode()


def test_progress_is_shown_on_a_terminal_for_a_large_tree(tmp_path):
    for i in range(301):
        (tmp_path / f"m{i:03d}.py").write_text("import keras\nx = keras.Input((3,))\n", encoding="utf-8")
    status, out, terminal = _run_on_terminal("check", "--jobs", "2", str(tmp_path))
    assert status == 0 and out == "0 errors in 301 files\n"
    assert "shapelens: checked 301/301 files" in terminal
    assert terminal.endswith("\r\x1b[K")            # the line is cleared at the end
    # not on a terminal (the tests above): stderr has only the problems
    assert run("check", str(tmp_path)).stderr == ""


def test_no_progress_for_a_small_tree_on_a_terminal(tmp_path):
    tree = _tree(tmp_path)
    status, _out, terminal = _run_on_terminal("check", str(tree))
    assert status == 2
    assert terminal.replace("\r\n", "\n") == f"shapelens: {tree / 'pkg1' / 'latin.py'}: not UTF-8 (byte 21)\n"


def test_jobs_must_be_a_positive_number(tmp_path):
    result = run("check", "--jobs", "0", str(tmp_path))
    assert result.returncode == 2 and "expected a positive number of jobs" in result.stderr
