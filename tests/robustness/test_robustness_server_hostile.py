"""Hostile input through the language server: it answers, stays within budget, and keeps serving.

Every hand-written hostile source (``tests/robustness/hostile_cases.py``: thousands-deep nesting,
recursion, ``while True``, ``range(10**9)``, huge numbers, cyclic data, NUL bytes...), the 1 MB
lines, the 10 MB files, odd encodings (BOM, CRLF, lone CR, tabs) and the non-Python files of
``tests/robustness/nonpython/`` are opened in ONE ``python -m shapelens serve`` process, one after
the other.  For each:

* the inlay hints and hovers (first line, middle, last line) come back within ``BOUND`` seconds
  (``BOUND_BIG`` for the 10 MB files) -- a hang bound; the analysis budgets themselves are
  checked in ``test_robustness_hostile.py``;
* every published diagnostic is an error with a known code or an ``analysis stopped: ...`` note,
  none on valid Keras code, all inside the document;
* then a normal document (``examples/cats_vs_dogs.py``) still gets its usual hints;
* the server writes nothing to its log (stderr) meanwhile -- no traceback, and no warning
  Python gives about the user's code either; its peak memory stays under ``PEAK_MB``.
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types

from test_server_helpers import (
    CONFIG,
    EVERYTHING,
    EXAMPLES,
    close_document,
    hint_map,
    init_params,
    open_document,
    published,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "robustness"))
from hostile_cases import CASES, K, one_mb_cases, ten_mb  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent.parent / "benchmarks"))
from load_scenario import rss_kib  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

NONPYTHON = Path(__file__).resolve().parent.parent / "robustness" / "nonpython"
BOUND = 60.0
BOUND_BIG = 180.0
PEAK_MB = 1500.0
ERROR_CODES = {"incompatible-shapes", "invalid-reshape", "window-too-large", "wrong-rank",
               "undefined-dimension", "invalid-argument", "wrong-input-count", "import-error"}
GOOD_FILE = K + "x = keras.Input((4,))\nmodel = keras.Model(x, layers.Dense(2)(x))\n"

ENCODINGS = {
    "crlf": (GOOD_FILE.replace("\n", "\r\n"), True),
    "lone_cr": (GOOD_FILE.replace("\n", "\r"), True),
    "bom": ("\ufeff" + GOOD_FILE, True),
    "tabs": (K + "def f(x):\n\tx = layers.Dense(3)(x)\n\treturn x\n" + GOOD_FILE, True),
    "mixed_tabs_spaces": (K + "def f(x):\n\tx = layers.Dense(3)(x)\n        return x\n" + GOOD_FILE, True),
    "nul_bytes": (GOOD_FILE.replace("keras.Input", "keras.In\x00put"), True),
    "python_warnings": (K + 'pattern = "\\d+"\ny = 1if True else 2\n' + GOOD_FILE, True),
    "emoji_and_wide": (K + "# 😀😀😀 模型\nx = keras.Input((4,))  # 😀\nmodel = keras.Model(x, layers.Dense(2)(x))  # é\n",
                       True),
}
STATS = {"documents": 0, "requests": 0, "worst": 0.0, "where": None}


def _sources():
    for name, (source, valid) in CASES.items():
        yield pytest.param(name, source, valid, BOUND, id=name)
    for name, source in one_mb_cases().items():
        yield pytest.param(name, source, True, BOUND, id=name)
    for kind in ["keras_blocks", "list_literal", "statements", "comments", "string"]:
        yield pytest.param(f"big_{kind}", kind, True, BOUND_BIG, id=f"big_{kind}")
    for name, (source, valid) in ENCODINGS.items():
        yield pytest.param(name, source, valid, BOUND, id=name)
    for path in sorted(NONPYTHON.iterdir()):
        text = path.read_bytes().decode("utf-8", "replace")
        yield pytest.param(path.name, text, False, BOUND, id=f"nonpython/{path.name}")


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: pytest_lsp.LanguageClient):
    await lsp_client.initialize_session(init_params("visual-studio-code"))
    yield
    assert lsp_client.server_errors() == []
    peak = _peak_mb(lsp_client.server_pid)
    await lsp_client.shutdown_session()
    print(f"\n[server hostile] {STATS['documents']} documents, {STATS['requests']} requests, slowest "
          f"{STATS['worst']:.2f} s ({STATS['where']}), server peak memory {peak:.0f} MiB")
    assert peak < PEAK_MB


def _peak_mb(pid: int) -> float:
    return rss_kib(pid, "VmHWM") / 1024


async def _answer(request, bound: float, label: str):
    started = time.perf_counter()
    try:
        result = await asyncio.wait_for(request, bound)
    except asyncio.TimeoutError:
        raise AssertionError(f"{label}: no answer within {bound} s") from None
    spent = time.perf_counter() - started
    STATS["requests"] += 1
    if spent > STATS["worst"]:
        STATS.update(worst=spent, where=label)
    return result


@pytest.mark.parametrize("name, source, valid, bound", list(_sources()))
async def test_hostile_document(client, tmp_path, name, source, valid, bound):
    if name.startswith("big_"):
        source = ten_mb(source)
    path = tmp_path / f"{name}.py"
    uri = path.as_uri()
    count, logged = len(client.published), len(client.stderr_lines)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="python", version=1, text=source)))
    document = types.TextDocumentIdentifier(uri)
    hints = await _answer(client.text_document_inlay_hint_async(types.InlayHintParams(document, EVERYTHING)),
                          bound, f"{name} hints")
    lines = source.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for line in sorted({0, len(lines) // 2, len(lines) - 1}):
        position = types.Position(line, min(len(lines[line]), 40))
        await _answer(client.text_document_hover_async(types.HoverParams(document, position)), bound,
                      f"{name} hover {line}")
    STATS["documents"] += 1
    diagnostics = published(client, uri, 1)
    assert diagnostics is not None and client.published.index(diagnostics) >= count, f"{name}: no diagnostics"
    for d in diagnostics.diagnostics:
        where = f"{name}:{d.range.start.line}: {d.code} {d.message}"
        assert 0 <= d.range.start.line <= d.range.end.line < len(lines), f"outside the document: {where}"
        if d.severity == types.DiagnosticSeverity.Error:
            assert d.code in ERROR_CODES, where
            assert not valid, f"false alarm on valid Keras code: {where}"
        else:
            assert d.severity == types.DiagnosticSeverity.Information, where
            assert d.code == "analysis-limit" and d.message.startswith("analysis stopped: "), where
            assert "internal error" not in d.message, f"the analyser caught an exception in itself: {where}"
    assert all(0 <= h.position.line < len(lines) for h in hints or []), name
    close_document(client, uri)
    # the server keeps serving: a normal document gets its usual hints
    good = EXAMPLES / "cats_vs_dogs.py"
    good_uri = await open_document(client, good)
    result = hint_map(await _answer(client.text_document_inlay_hint_async(types.InlayHintParams(
        types.TextDocumentIdentifier(good_uri), EVERYTHING)), BOUND, "cats_vs_dogs after " + name))
    line = good.read_text().splitlines()[11]
    assert result[(11, len(line))] == "(None, 148, 148, 16) · 448 params", f"after {name}"
    close_document(client, good_uri)
    assert client.server_errors() == [], f"{name}: the server logged an error"
    written = "".join(client.stderr_lines[logged:])
    assert written == "", f"{name}: the server wrote to its log:\n{_ends(written)}"


def _ends(text: str, size: int = 3000) -> str:
    """The start and the end of a long log, where its first error and its last one are."""
    return text if len(text) <= 2 * size else f"{text[:size]}\n[...]\n{text[-size:]}"
