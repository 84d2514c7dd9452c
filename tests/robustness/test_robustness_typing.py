"""Typing simulation at the analyser level: what a language server sees while a user types.

For the example corpus (``examples/*.py``, all valid Keras files):

* **prefixes** -- every prefix ending at each character of the ``FULL_PREFIX_FILES`` (three
  small examples), every ``STRIDE``-th character of all the others, and every line end of all
  files: ``analyse_source`` never raises, each analysis takes at most ``CPU_PER_ANALYSIS`` (1 s of
  CPU; the files are under 2 KB and a normal analysis takes ~1-10 ms), diagnostics are
  well-formed, and there is never an ``error`` diagnostic (every statement complete in a prefix is
  a statement of a valid file; the incomplete one is being typed), except ``import-error`` on an
  import that ends the prefix (``from keras import lay``: a name being typed, which Keras rejects);
* **random edit sessions** (seeded): insertions, deletions, pasted blocks from other examples,
  retyping a deleted line character by character, undo/redo -- same checks (errors allowed:
  edits make odd Keras); when every edit is undone the analysis equals the original one;
* **no state leaks**: after thousands of analyses in this process, the analysis of the final text
  equals a fresh analysis, and equals ``shapelens check --format json`` run in a new process.

``SHAPELENS_TYPING_SESSIONS=N`` runs N edit sessions per file instead of the CI default.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shapelens.analyser import analyse_source, module_loader
from shapelens.report import file_json

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "robustness"))
from edits import edit_session, random_edit  # noqa: E402

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((REPO / "examples").glob("*.py"))
SHAPELENS = Path(sys.executable).parent / "shapelens"

FULL_PREFIX_FILES = ["mnist_mlp_sequential.py", "tf_keras_from_imports.py", "sequential_add_input_shape.py"]
STRIDE = 7
CPU_PER_ANALYSIS = 1.0
SESSIONS = int(os.environ.get("SHAPELENS_TYPING_SESSIONS", "2"))
EDITS_PER_SESSION = 40
ERROR_CODES = {"incompatible-shapes", "invalid-reshape", "window-too-large", "wrong-rank",
               "undefined-dimension", "invalid-argument", "wrong-input-count", "import-error"}

_WORST = {"cpu": 0.0, "where": None, "count": 0}


@pytest.fixture(scope="module", autouse=True)
def report_worst_case():
    """Prints the slowest single analysis of this module when it ends (visible with ``-s``)."""
    yield
    print(f"\n[typing] {_WORST['count']} analyses, worst {_WORST['cpu'] * 1000:.1f} ms CPU at {_WORST['where']}")


def analyse_timed(text: str, path: str, label: str):
    cpu = time.process_time()
    try:
        analysis = analyse_source(text, path)
    except Exception as error:  # noqa: BLE001 - report the text that broke it
        raise AssertionError(f"{label}: analyse_source raised {error!r} on:\n{text}") from error
    spent = time.process_time() - cpu
    _WORST["count"] += 1
    if spent > _WORST["cpu"]:
        _WORST.update(cpu=spent, where=label)
    assert spent <= CPU_PER_ANALYSIS, f"{label}: {spent:.2f} s CPU > {CPU_PER_ANALYSIS} s"
    return analysis


def check_wellformed(analysis, text: str, label: str, *, allow_errors: bool) -> None:
    line_count = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    for d in analysis.diagnostics:
        where = f"{label} -> {d.span.line}:{d.span.column}: {d.severity}[{d.code}] {d.message}"
        assert "object at 0x" not in d.message, f"internal object repr in a message (F24): {where}\n{text}"
        assert 1 <= d.span.line <= d.span.end_line <= line_count, f"span outside the text: {where}"
        if d.severity == "information":
            assert d.code == "analysis-limit" and d.message.startswith("analysis stopped: "), where
            assert "internal error" not in d.message, f"a ShapeLens bug, caught and skipped: {where}\n{text}"
        else:
            assert d.severity == "error" and d.code in ERROR_CODES, where
            assert allow_errors or _name_being_typed(d, text), \
                f"error diagnostic while typing a valid file: {where}\n--- text ---\n{text}"
    for span in analysis.sites:
        assert 1 <= span.line <= span.end_line <= line_count, f"{label}: site span {span} outside the text"


def _name_being_typed(d, text: str) -> bool:
    """An import at the very end of the prefix names a prefix of a module or name
    (``from keras import lay``): that is the statement being typed, and Keras 3 rejects it as it
    stands (``import-error``, as any editor's unresolved-import check does)."""
    last = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return (d.code == "import-error" and d.span.end_line == len(last)
            and d.span.end_column == len(last[-1].rstrip()))


def _plain(value):
    """A comparable form of an output structure (objects by type, not by address)."""
    if isinstance(value, (list, tuple)):
        return tuple(_plain(v) for v in value)
    if value is None or isinstance(value, (int, float, str, bool)):
        return value
    text = str(value)
    return f"<{type(value).__name__}>" if " at 0x" in text else text


def snapshot(analysis) -> dict:
    """Everything an analysis tells a client, as comparable plain data."""
    return {
        "syntax_ok": analysis.syntax_ok,
        "models": [(m.variable, m.class_name, m.keras_name, m.span, str(m.params.total), str(m.params.trainable),
                    [(r.name, r.class_name, r.output_shape, str(r.params), r.span, r.built) for r in m.rows])
                   for m in analysis.models],
        "diagnostics": [(d.span, d.code, d.severity, d.message) for d in analysis.diagnostics],
        "sites": sorted(((span.line, span.column, span.end_line, span.end_column), site.kind,
                         tuple((r.layer_name, r.class_name, _plain(r.output), str(r.params)) for r in site.results))
                        for span, site in analysis.sites.items()),
    }


# ---- prefixes --------------------------------------------------------------------------------------

def _prefix_ends(text: str, name: str) -> list[int]:
    ends = set(range(0, len(text) + 1, 1 if name in FULL_PREFIX_FILES else STRIDE))
    ends |= {i + 1 for i, c in enumerate(text) if c == "\n"}
    ends.add(len(text))
    return sorted(ends)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_prefix(path):
    text = path.read_text(encoding="utf-8")
    fresh = snapshot(analyse_timed(text, str(path), f"{path.name} (full)"))
    for end in _prefix_ends(text, path.name):
        prefix = text[:end]
        analysis = analyse_timed(prefix, str(path), f"{path.name}[:{end}]")
        check_wellformed(analysis, prefix, f"{path.name}[:{end}]", allow_errors=False)
    # after all those analyses, the full text still analyses exactly as before
    assert snapshot(analyse_timed(text, str(path), f"{path.name} (again)")) == fresh


def test_full_prefix_files_exist():
    names = {p.name for p in EXAMPLES}
    assert set(FULL_PREFIX_FILES) <= names, set(FULL_PREFIX_FILES) - names


# ---- random edit sessions --------------------------------------------------------------------------

def _retype_line(rng: random.Random, text: str, path: Path, label: str) -> None:
    """Delete one line and type it back one character at a time, analysing each keystroke."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return
    i = rng.randrange(len(lines))
    before, line, after = "".join(lines[:i]), lines[i], "".join(lines[i + 1:])
    for k in range(len(line) + 1):
        current = before + line[:k] + after
        analysis = analyse_timed(current, str(path), f"{label} retype line {i + 1}[:{k}]")
        check_wellformed(analysis, current, label, allow_errors=True)


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_random_edit_sessions(path):
    original = path.read_text(encoding="utf-8")
    donors = [p.read_text(encoding="utf-8") for p in EXAMPLES if p != path]
    baseline = snapshot(analyse_timed(original, str(path), f"{path.name} (original)"))
    for session in range(SESSIONS):
        rng = random.Random(f"{path.name}/{session}")
        text = original
        log = []
        for step, (text, what) in enumerate(edit_session(rng, original, donors, EDITS_PER_SESSION)):
            log.append(what)
            label = f"{path.name} session {session} step {step} ({', '.join(log[-5:])})"
            analysis = analyse_timed(text, str(path), label)
            check_wellformed(analysis, text, label, allow_errors=True)
        _retype_line(rng, text, path, f"{path.name} session {session}")
        # the final text: the analysis after the session equals a fresh one of the same text
        assert snapshot(analyse_timed(text, str(path), "final")) == snapshot(analyse_timed(text, str(path), "again"))
        # back to the original text (undo everything): the original analysis, unchanged by the session
        assert snapshot(analyse_timed(original, str(path), "undone")) == baseline


# ---- no state leaks across analyses ---------------------------------------------------------------

LEAK_FILES = ["cats_vs_dogs.py", "resnet_blocks.py", "subclassed_build.py", "multi_io_dicts.py",
              "transfer_mobilenetv2.py", "loops_and_lists.py"]


def test_final_analysis_equals_a_fresh_process(tmp_path):
    """Thousands of analyses ran in this process (the tests above, or the warm-up below); a
    brand-new ``shapelens check --format json`` process must print exactly what this process
    computes for the same (edited) text."""
    rng = random.Random("leak")
    donors = [p.read_text(encoding="utf-8") for p in EXAMPLES]
    for warm in range(300):                               # stir any global state
        text, _ = random_edit(rng, rng.choice(donors), donors)
        analyse_source(text)
    paths = []
    expected = []
    for name in LEAK_FILES:
        text = (REPO / "examples" / name).read_text(encoding="utf-8")
        for _ in range(5):
            text, _ = random_edit(rng, text, donors)
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
        expected.append(file_json(str(path), analyse_source(text, str(path), module_loader(str(path)))))
    proc = subprocess.run([str(SHAPELENS), "check", "--format", "json", *paths], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode in (0, 1), proc.stderr
    fresh = json.loads(proc.stdout)["files"]
    for mine, theirs in zip(expected, fresh):
        assert json.loads(json.dumps(mine)) == theirs, f"state leak: {mine['path']} differs in a fresh process"
