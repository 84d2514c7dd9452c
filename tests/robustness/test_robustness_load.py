"""Load and endurance of the language server: a real ``python -m shapelens serve`` process,
driven with VS Code's capabilities (UTF-16 positions, one incremental ``didChange`` per edit).

The scenario is ``benchmarks/server_endurance.py``'s (its steps are in
``benchmarks/load_scenario.py``: realistic typing, backspacing, overtyped digits, pasted and
deleted lines, undo, comments with accented letters and emoji); the benchmark prints the precise
figures, these tests hold the behaviour with bounds a loaded CI machine meets:

* **burst** — 1,000 edits sent within a second to a 300-line file: nothing is lost (the final
  hints and diagnostics equal those of the same text opened as a new document), the hints of the
  last version come soon after the burst (the server does not work through the stale versions),
  and typing afterwards gets every answer, quickly;
* **endurance** — 10,000 edits over 20 open example files, the edited file's hints requested
  after each action: every file's final results equal a fresh analysis of its final text, the
  server's memory does not grow per edit, and once every file is closed it is not above its
  level with the files open — opening and editing them all again does not add to it either.
"""

from __future__ import annotations

import random
import sys

import pytest
import pytest_lsp

from test_server_helpers import CONFIG, ROOT, TIMEOUT, init_params

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate_module  # noqa: E402
from load_scenario import Session, burst, compare_fresh, endurance, example_files, fresh_uri, rss_kib, typing_latencies  # noqa: E402
from server_latency import percentile  # noqa: E402

pytestmark = pytest.mark.asyncio(loop_scope="function")

MiB = 1024          # KiB

BURST = 1000
BURST_SECONDS = 1.0
# From the last edit of the burst to the hints of the last version.  Measured on a 2-core
# machine: 0.03-0.8 s (busy machine); while every version was analysed until the next change
# cancelled it, 3.5-6 s on the same machine idle (the analyses kept the event loop from reading
# the burst's messages).
HINTS_AFTER_BURST = 2.5
TYPING = 50
TYPING_P95 = 1.0    # s; the target (50 ms for 300 lines) is checked by the benchmark, not here

FILES = 20
EDITS = 10_000
WARM_UP = 500       # edits before memory is first read (caches and the allocator settle)
# Memory (VmRSS).  CPython's allocator keeps freed memory for reuse (an arena goes back to the
# system only when every block in it is free), so RSS does not drop when documents close: what
# must hold is that it stops growing.  Measured: +1 MiB from 2,000 to 10,000 edits (~140 bytes per
# edit: the files grow by a few lines), +1-2 MiB after closing every file, +0.1 MiB for opening,
# editing and closing them all again.  What these bounds caught: pygls kept two futures per
# didChange (~2.2 KB per edit, +22 MiB over the session); a cache kept up to 20,000 syntax trees
# of statements (~5 KB per edit); closed documents kept alive (~200 KB each: the second round of 40
# documents, the 20 files and their fresh copies, added 7.6 MiB).
PER_EDIT_GROWTH = 1024          # bytes per edit between 2,000 and 10,000 edits
CLOSED_GROWTH = 8 * MiB         # after closing every file, over the level with them open
REOPENED_GROWTH = 4 * MiB       # the same files opened, edited and closed again


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: pytest_lsp.LanguageClient):
    await lsp_client.initialize_session(init_params("visual-studio-code"))
    yield
    await lsp_client.shutdown_session()


def assert_same(comparison, where: str) -> None:
    assert comparison.hints, f"{where}: no hints at all"
    assert comparison.hints == comparison.fresh_hints, f"{where}: hints differ from a fresh analysis"
    assert comparison.diagnostics == comparison.fresh_diagnostics, \
        f"{where}: diagnostics differ from a fresh analysis"


async def test_burst_of_a_thousand_edits_in_a_second(client, tmp_path):
    path = tmp_path / "model_300.py"
    text = generate_module(300)
    path.write_text(text)
    session = Session(client, timeout=TIMEOUT)
    doc = session.open(path.as_uri(), text, random.Random(7))
    await session.hints(doc.uri)

    result = await burst(session, doc, BURST, BURST_SECONDS, fresh_uri(doc), client.server_pid)
    assert result.edits == BURST and result.sending < 3 * BURST_SECONDS
    # the edits went through characters that take two UTF-16 units (emoji)
    assert any(ord(ch) > 0xFFFF for ch in doc.buffer.text)
    assert_same(result.comparison, "after the burst")
    assert result.hints_after < HINTS_AFTER_BURST, (
        f"the hints of the last version came {result.hints_after:.2f} s after the burst")

    latencies = await typing_latencies(session, doc, TYPING)       # every answer arrives
    assert percentile(latencies, 95) < TYPING_P95, f"typing after the burst: p95 {percentile(latencies, 95):.2f} s"
    assert_same(await compare_fresh(session, doc, fresh_uri(doc)), "after typing")
    assert client.server_errors() == []


async def _open_all(session: Session, rng: random.Random) -> list:
    docs = [session.open(p.as_uri(), p.read_text(encoding="utf-8"), random.Random(rng.random()))
            for p in example_files(FILES)]
    for doc in docs:
        await session.hints(doc.uri)
    return docs


async def _close_all(session: Session, docs: list) -> None:
    for doc in docs:
        session.close(doc.uri)
    await session.hints(docs[0].uri)          # a round trip: every close has been handled


async def test_ten_thousand_edits_over_twenty_files(client):
    pid = client.server_pid
    session = Session(client, timeout=TIMEOUT)
    rng = random.Random(11)
    docs = await _open_all(session, rng)
    assert len(docs) == FILES
    await endurance(session, docs, WARM_UP, rng, pid, fresh_uri)     # warm-up: the steady state
    result = await endurance(session, docs, EDITS, rng, pid, fresh_uri)
    assert result.edits == EDITS
    for uri, comparison in result.comparisons.items():
        assert_same(comparison, uri.rsplit("/", 1)[-1])

    per_edit = (result.rss[EDITS] - result.rss[2000]) * 1024 / (EDITS - 2000)
    assert per_edit < PER_EDIT_GROWTH, f"memory grows by {per_edit:.0f} bytes per edit: {result.rss}"

    await _close_all(session, docs)
    closed = rss_kib(pid)
    assert closed - result.rss[0] < CLOSED_GROWTH, (
        f"after closing every file: {closed / MiB:.1f} MiB, with them open {result.rss[0] / MiB:.1f} MiB")

    # what the closed documents held is free (reused): the same session again adds nothing
    docs = await _open_all(session, rng)
    again = await endurance(session, docs, 1000, rng, pid, fresh_uri)
    for uri, comparison in again.comparisons.items():
        assert_same(comparison, f"reopened {uri.rsplit('/', 1)[-1]}")
    await _close_all(session, docs)
    reopened = rss_kib(pid)
    assert reopened - closed < REOPENED_GROWTH, (
        f"opened, edited and closed again: {reopened / MiB:.1f} MiB, after the first close {closed / MiB:.1f} MiB")
    assert client.server_errors() == []
