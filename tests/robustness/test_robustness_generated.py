"""Generated input (hypothesis): token soup, mutated examples, random *valid* Keras programs.

* **token soup** and **mutated examples**: ``analyse_source`` never raises, finishes each
  analysis within ``CPU_BUDGET`` = 5 s of CPU (a SIGALRM watchdog turns a hang into a failure
  after ``WALL_LIMIT`` seconds), and every diagnostic is a known error code or an
  ``analysis-limit`` note;
* **valid Keras programs** (``tests/robustness/keras_programs.keras_program``: Sequential lists,
  ``Sequential.add`` and functional graphs with merged branches, shape-aware so Keras accepts
  them): no ``error`` diagnostic -- and if there is one, real Keras (``tests/model_oracle``) is
  asked; the test fails only when Keras builds the program;
* one batch of generated programs is built by real Keras in one subprocess, and the totals and
  output shapes must match.

Example counts are small for CI (``derandomize=True``: the same examples every run); set
``SHAPELENS_FUZZ=N`` to run N random examples per test locally.
"""

from __future__ import annotations

import hashlib
import os
import signal
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shapelens.analyser import analyse_source

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS / "robustness"))
from keras_programs import keras_program, mutated_example, token_soup  # noqa: E402

CPU_BUDGET = 5.0
WALL_LIMIT = 60
ERROR_CODES = {"incompatible-shapes", "invalid-reshape", "window-too-large", "wrong-rank",
               "undefined-dimension", "invalid-argument", "wrong-input-count", "import-error"}

FUZZ = int(os.environ.get("SHAPELENS_FUZZ", "0"))


def fuzz_settings(ci_examples: int):
    return settings(max_examples=FUZZ or ci_examples, deadline=None, derandomize=not FUZZ, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.filter_too_much])


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang()


def analyse_watched(text: str, label: str = "<generated>"):
    """Analyse with a wall-clock watchdog; returns ``(analysis, cpu_seconds)``."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, WALL_LIMIT)
    cpu = time.process_time()
    try:
        analysis = analyse_source(text)
    except Hang:
        pytest.fail(f"HANG: no result within {WALL_LIMIT} s for {label}:\n{text[:3000]}")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    return analysis, time.process_time() - cpu


def check_analysis(analysis, cpu: float, text: str, *, valid: bool) -> None:
    assert cpu <= CPU_BUDGET, f"{cpu:.2f} s CPU > {CPU_BUDGET} s for:\n{text[:3000]}"
    line_count = text.count("\n") + text.count("\r") - text.count("\r\n") + 1
    for d in analysis.diagnostics:
        where = f"{d.span.line}:{d.span.column}: {d.severity}[{d.code}] {d.message}"
        assert "object at 0x" not in d.message, f"internal object repr in a message (F24): {where}\n{text[:3000]}"
        assert 1 <= d.span.line <= line_count, f"span outside the text: {where}"
        if d.severity == "information":
            assert d.code == "analysis-limit" and d.message.startswith("analysis stopped: "), where
            assert "internal error" not in d.message, f"a ShapeLens bug, caught and skipped: {where}\n{text[:3000]}"
        else:
            assert d.severity == "error" and d.code in ERROR_CODES, where
            assert not valid, f"error on valid Keras code: {where}\n{text}"
    for model in analysis.models:
        total = model.params.total
        assert not isinstance(total, int) or total >= 0, (model, text)


# ---- token soup and mutated examples -------------------------------------------------------------

@fuzz_settings(250)
@given(token_soup())
def test_token_soup(text):
    analysis, cpu = analyse_watched(text, "token soup")
    check_analysis(analysis, cpu, text, valid=False)


@fuzz_settings(150)
@given(mutated_example())
def test_mutated_examples(case):
    name, text = case
    analysis, cpu = analyse_watched(text, f"mutated {name}")
    check_analysis(analysis, cpu, text, valid=False)


@fuzz_settings(60)
@given(st.lists(st.sampled_from([
    "\n", " ", "(", ")", "[", "]", "{", "}", ":", "=", ",", "'", '"', "#", "\\", "\t", "\x00", "\r",
    "\x0c", "\u2028", "\udcff", "é", "😀", "0", "9", "x", "keras", "layers.Dense(", "model",
]), max_size=400).map("".join))
def test_character_soup(text):
    analysis, cpu = analyse_watched(text, "character soup")
    check_analysis(analysis, cpu, text, valid=False)


# ---- valid Keras programs -------------------------------------------------------------------------

def _keras_rejects(text: str, tmp_dir: Path) -> dict:
    from model_oracle import keras_report

    tmp_dir.mkdir(parents=True, exist_ok=True)
    path = tmp_dir / f"generated_{hashlib.sha1(text.encode()).hexdigest()[:12]}.py"
    path.write_text(text, encoding="utf-8")
    return keras_report(path)


@fuzz_settings(60)
@given(keras_program())
def test_valid_programs_have_no_false_alarm(tmp_path_factory, program):
    analysis, cpu = analyse_watched(program, "generated program")
    errors = [d for d in analysis.diagnostics if d.severity == "error"]
    if errors:
        report = _keras_rejects(program, tmp_path_factory.mktemp("oracle"))
        assert report["error"] is not None, (
            f"false alarm: ShapeLens reports {[(d.span.line, d.code, d.message) for d in errors]} "
            f"but real Keras builds the program:\n{program}")
        return
    check_analysis(analysis, cpu, program, valid=True)
    assert [m.variable for m in analysis.models] == ["model"], (analysis.models, program)


BATCH = 12


@settings(max_examples=max(1, FUZZ // 50), deadline=None, derandomize=not FUZZ, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(keras_program(), min_size=BATCH, max_size=BATCH))
def test_generated_programs_agree_with_keras(tmp_path_factory, programs):
    """One Keras subprocess builds a dozen generated programs (each wrapped in a function, bound
    to ``model_<i>``); ShapeLens must report the same models, totals and output shapes."""
    from model_oracle import keras_report

    parts = ["import keras", "from keras import layers", ""]
    for i, program in enumerate(programs):
        body = [line for line in program.splitlines() if line and not line.startswith(("import ", "from "))]
        parts.append(f"def build_{i}():")
        parts += ["    " + line for line in body]
        parts.append("    return model")
        parts.append(f"model_{i} = build_{i}()")
        parts.append("")
    text = "\n".join(parts)
    path = tmp_path_factory.mktemp("batch") / "generated_batch.py"
    path.write_text(text, encoding="utf-8")
    analysis, cpu = analyse_watched(text, "generated batch")
    check_analysis(analysis, cpu, text, valid=True)
    report = keras_report(path)
    assert report["error"] is None, f"Keras rejected a generated program (generator bug?): {report['error']}\n{text}"
    ours = {m.variable: m for m in analysis.models}
    assert list(ours) == [m["name"] for m in report["models"]], (list(ours), [m["name"] for m in report["models"]])
    mismatches = []
    for expected in report["models"]:
        mine = ours[expected["name"]]
        if mine.params.total != expected["total_params"]:
            mismatches.append(f"{expected['name']}: total {mine.params.total} != Keras {expected['total_params']}")
        if mine.rows and expected["layers"] and mine.rows[-1].output_shape != expected["layers"][-1]["output_shape"]:
            mismatches.append(f"{expected['name']}: output {mine.rows[-1].output_shape} != "
                              f"Keras {expected['layers'][-1]['output_shape']}")
    assert not mismatches, "\n".join(mismatches) + "\n" + text
