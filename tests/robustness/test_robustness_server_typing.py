"""Typing simulation through the language server process, as an editor sends it.

Every example file (``examples/**/*.py``: the models, the error files, the files with unknown
values) is replayed into one ``python -m shapelens serve`` process with VS Code's capabilities
(UTF-16 positions, incremental ``didChange``):

* **every prefix** -- the file is typed into an empty buffer one character at a time;
* **random edits** -- insertions, deletions, pasted blocks from other examples, replacements,
  duplicated and joined lines, undo and redo (``tests/robustness/edits.py``), each sent as the
  one range change an editor would send.

After each change the client asks for the inlay hints of the whole file and a hover at the
cursor, and waits for the diagnostics of that version.  Every answer must come back within
``ANSWER_BOUND`` seconds (a hang bound, not a latency target: the latency figures are in
``benchmarks/server_latency.py``), the server must log no traceback or error, and at the end the
document's hints, diagnostics and hovers must equal those of the same final text opened as a
new document (a fresh analysis, no incremental state) -- after typing a whole file, after each
edit that leaves the file parsing, and after undoing a session.

While a buffer does not parse, what it shows depends on its history, by design: the lines the
edits did not touch keep the last parsing version's results, and the analyser sets aside the
broken lines inside the edited statements only (``server/shapelens/server/documents.py``,
``incremental.py``).  So a broken text is not compared with a fresh analysis; every answer for
it must still come back, error-free.  ``test_edits_that_keep_the_file_parsing`` makes sessions
of random edits that keep the file valid, so that every step is compared.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
import warnings
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types

from shapelens.analyser.parsing import parse_with_recovery, sanitize
from test_server_helpers import CONFIG, EVERYTHING, EXAMPLES, close_document, init_params, open_document, published

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "robustness"))
from edits import as_change, edit_session, parsing_session  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="module")

FILES = sorted(EXAMPLES.rglob("*.py"))
ENCODING = "utf-16"
ANSWER_BOUND = 20.0          # seconds for one change's hints + hover + diagnostics: a hang bound
EDITS_PER_SESSION = 60
PARSING_EDITS = 15
STATS = {"changes": 0, "requests": 0, "compared": 0, "worst": 0.0, "where": None}


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: pytest_lsp.LanguageClient):
    await lsp_client.initialize_session(init_params("visual-studio-code"))
    yield
    assert lsp_client.server_errors() == []
    await lsp_client.shutdown_session()
    print(f"\n[server typing] {STATS['changes']} changes, {STATS['requests']} requests, "
          f"{STATS['compared']} states compared with a fresh analysis, "
          f"slowest answer {STATS['worst'] * 1000:.0f} ms at {STATS['where']}")


def _cursor(change) -> types.Position:
    """Where the cursor is after a change: the end of the inserted text (client units)."""
    line, character, _end_line, _end_char, text = change
    parts = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(parts) == 1:
        return types.Position(line, character + len(parts[0].encode("utf-16-le")) // 2)
    return types.Position(line + len(parts) - 1, len(parts[-1].encode("utf-16-le")) // 2)


async def send_change(client, uri: str, version: int, change, label: str) -> None:
    """One change, then hints + hover at the cursor; both answered and the version's
    diagnostics published within the bound."""
    a, b, c, d, text = change
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangePartial(range=types.Range(types.Position(a, b), types.Position(c, d)),
                                                text=text)]))
    started = time.perf_counter()
    hints = client.text_document_inlay_hint_async(types.InlayHintParams(types.TextDocumentIdentifier(uri),
                                                                        EVERYTHING))
    hover = client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri),
                                                               _cursor(change)))
    try:
        await asyncio.wait_for(asyncio.gather(hints, hover), ANSWER_BOUND)
    except asyncio.TimeoutError:
        raise AssertionError(f"{label}: no answer within {ANSWER_BOUND} s") from None
    spent = time.perf_counter() - started
    STATS["changes"] += 1
    STATS["requests"] += 2
    if spent > STATS["worst"]:
        STATS.update(worst=spent, where=label)
    diagnostics = published(client, uri, version)
    assert diagnostics is not None, f"{label}: no diagnostics for version {version}"
    caught = [d.message for d in diagnostics.diagnostics if "internal error" in d.message]
    assert caught == [], f"{label}: the analyser caught an exception in itself: {caught}"
    assert client.server_errors() == [], f"{label}: the server logged an error"


async def state(client, uri: str, version: int) -> dict:
    """What the user sees of one document: hints, the diagnostics of ``version``, and the hover
    at every hint's anchor (the last character of the layer expression)."""
    hints = await client.text_document_inlay_hint_async(
        types.InlayHintParams(types.TextDocumentIdentifier(uri), EVERYTHING)) or []
    diagnostics = published(client, uri, version).diagnostics
    hovers = []
    for hint in hints:
        if hint.position.character == 0:
            continue
        at = types.Position(hint.position.line, hint.position.character - 1)
        result = await client.text_document_hover_async(types.HoverParams(types.TextDocumentIdentifier(uri), at))
        hovers.append((at.line, at.character, result.contents.value if result else None))
    return {
        "hints": [(h.position.line, h.position.character, h.label) for h in hints],
        "diagnostics": sorted((d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
                               d.severity, d.code, d.message) for d in diagnostics),
        "hovers": hovers,
    }


def parses(text: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")          # SyntaxWarning/DeprecationWarning of odd escapes
        return parse_with_recovery(sanitize(text))[1]


async def check_final_state(client, path: Path, uri: str, version: int, text: str, label: str) -> None:
    fresh_path = path.with_name(f"fresh_{path.name}")        # not on disk: same folder, so same imports
    fresh_uri = await open_document(client, fresh_path, text)
    try:
        mine, fresh = await state(client, uri, version), await state(client, fresh_uri, 1)
    finally:
        close_document(client, fresh_uri)
    STATS["compared"] += 1
    for key in fresh:
        assert mine[key] == fresh[key], f"{label}: the edited document's {key} differ from a fresh analysis"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
async def test_typing_every_prefix(client, path):
    text = path.read_text(encoding="utf-8")
    uri = await open_document(client, path, "")
    version = 1
    typed = ""
    for i, char in enumerate(text):
        change = as_change(typed, typed + char, ENCODING)
        typed += char
        version += 1
        await send_change(client, uri, version, change, f"{path.name}[:{i + 1}]")
    assert typed == text
    await check_final_state(client, path, uri, version, text, f"{path.name} typed")
    close_document(client, uri)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
async def test_random_edit_session(client, path):
    """Free edits (most leave the file broken); whenever the text parses, the document's state
    equals a fresh analysis; undoing everything gives the original file's state again."""
    original = path.read_text(encoding="utf-8")
    donors = [p.read_text(encoding="utf-8") for p in FILES if p != path]
    uri = await open_document(client, path, original)
    rng = random.Random(f"server/{path.name}")
    version, text, log = 1, original, []
    for step, (new_text, what) in enumerate(edit_session(rng, original, donors, EDITS_PER_SESSION)):
        log.append(what)
        change = as_change(text, new_text, ENCODING)
        if change is None:
            continue
        version += 1
        label = f"{path.name} step {step} ({', '.join(log[-4:])})"
        await send_change(client, uri, version, change, label)
        text = new_text
        if parses(text):
            await check_final_state(client, path, uri, version, text, label)
    version += 1
    await send_change(client, uri, version, as_change(text, original, ENCODING), f"{path.name} undo all")
    await check_final_state(client, path, uri, version, original, f"{path.name} undone")
    close_document(client, uri)


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(EXAMPLES)))
async def test_edits_that_keep_the_file_parsing(client, path):
    """Random edits chosen so that the file still parses (pasted statements, duplicated lines,
    deletions...): after every one, the document's state equals a fresh analysis."""
    original = path.read_text(encoding="utf-8")
    donors = [p.read_text(encoding="utf-8") for p in FILES if p != path]
    uri = await open_document(client, path, original)
    rng = random.Random(f"server-parsing/{path.name}")
    version, text = 1, original
    for step, (new_text, what) in enumerate(parsing_session(rng, original, donors, PARSING_EDITS, parses)):
        version += 1
        label = f"{path.name} parsing step {step} ({what})"
        await send_change(client, uri, version, as_change(text, new_text, ENCODING), label)
        text = new_text
        await check_final_state(client, path, uri, version, text, label)
    close_document(client, uri)


SEPARATORS = ("import keras\nfrom keras import layers\n"
              "# form\x0cfeed vtab\x0b fs\x1c gs\x1d rs\x1e nel\x85 ls\u2028 ps\u2029 end\n"
              "s = 'a\x0cb\x85c\u2028d\u2029e'\n"
              "x = keras.Input((8,))\ny = layers.Dense(4)(x)\nmodel = keras.Model(x, y)\n")


async def test_edits_in_a_file_with_other_line_separators(client, tmp_path):
    """Issue 13, failure 2: form feed, ``\\v``, ``\\x1c``–``\\x1e``, ``\\x85``, ``\\u2028`` and
    ``\\u2029`` end lines for ``str.splitlines`` (and pygls), not for LSP or Python.  Incremental
    edits below them landed on the wrong lines; after each edit the state equals a fresh analysis."""
    path = tmp_path / "separators.py"
    uri = await open_document(client, path, SEPARATORS)
    edits = [SEPARATORS.replace("model =", "y = layers.Dense(3)(y)\nmodel ="),
             SEPARATORS.replace("model =", "y = layers.Dense(3)(y)\nmodel =").replace("Dense(4)", "Dense(5)"),
             SEPARATORS.replace("Dense(4)", "Dense(6)").replace("ls\u2028", "ls\u2028\u2028\x0c")]
    text, version = SEPARATORS, 1
    for step, new_text in enumerate(edits):
        version += 1
        await send_change(client, uri, version, as_change(text, new_text, ENCODING), f"separators step {step}")
        text = new_text
        await check_final_state(client, path, uri, version, text, f"separators step {step}")
    hints = await client.text_document_inlay_hint_async(types.InlayHintParams(types.TextDocumentIdentifier(uri),
                                                                              EVERYTHING))
    assert [h.position.line for h in hints] == [5, 6], hints
    close_document(client, uri)
