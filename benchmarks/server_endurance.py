"""Benchmark: the language server under load — a burst of edits, then a long editing session.

Starts ``python -m shapelens serve`` over stdio (pygls's client, UTF-16 positions as VS Code
negotiates) and drives it with the edits of ``load_scenario.Typist`` (typing, backspacing,
overtyping digits, pasting and deleting lines, undo; comments with accented letters and emoji):

1. **Burst** — a generated 300-line model file (``generate.py``) is opened; the typing latency is
   measured (single edits, each followed by a request for the hints of a 60-line viewport, as
   ``server_latency.py`` does); then ``--bursts`` (3) times ``--burst`` edits (1,000) are sent
   within ``--burst-seconds`` (1 s) without waiting; the time from the last edit sent to the
   whole file's hints is "hints after the burst" (and the server's CPU time for the burst); the
   final hints and diagnostics are compared with those of the same text opened under a new URI.
   Then the typing latency is measured again.
2. **Endurance** — ``--files`` (20) example files are opened, warmed up, and ``--edits``
   (10,000) edits are spread over them (a few actions on one file, then another, as a user
   moves around); after each action the hints of the edited file are requested and timed.
   Then every file's final hints and diagnostics are compared with a fresh analysis of its final
   text, all files are closed, and the server's memory (``VmRSS``) is read: after opening and
   warming up, every 1,000 edits, peak (``VmHWM``) and after closing.  "Per-edit growth" is the
   RSS difference between 2,000 and all edits divided by the edits in between.

Targets (``server_latency.py``): 300-line file p95 <= 50 ms — after the burst too.

Run: python benchmarks/server_endurance.py [--burst 1000] [--bursts 3] [--edits 10000] [--files 20] [--seed 0]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lsprotocol import types  # noqa: E402

from generate import generate_module  # noqa: E402
from load_scenario import (  # noqa: E402
    Session,
    burst,
    endurance,
    error_lines,
    example_files,
    fresh_uri,
    recording_client,
    rss_kib,
    start_server,
    typing_latencies,
)
from server_latency import percentile  # noqa: E402

TARGET_300 = 0.050    # s: server_latency.py's target for a 300-line file (p95)


async def burst_phase(session: Session, folder: str, args, rng: random.Random, pid: int) -> dict:
    path = Path(folder) / "model_300.py"
    text = generate_module(300)
    path.write_text(text)
    doc = session.open(path.as_uri(), text, random.Random(rng.random()))
    started = time.perf_counter()
    await session.hints(doc.uri)
    opened = time.perf_counter() - started
    before = await typing_latencies(session, doc, args.typing)
    bursts = [await burst(session, doc, args.burst, args.burst_seconds, fresh_uri(doc), pid)
              for _ in range(args.bursts)]
    after = await typing_latencies(session, doc, args.typing)
    session.close(doc.uri)
    return dict(lines=text.count("\n"), opened=opened, before=before, bursts=bursts, after=after)


async def endurance_phase(session: Session, args, rng: random.Random, pid: int) -> dict:
    docs = [session.open(path.as_uri(), path.read_text(encoding="utf-8"), random.Random(rng.random()))
            for path in example_files(args.files)]
    for doc in docs:
        await session.hints(doc.uri)
    for doc in docs:                                     # warm-up: a few actions on every file
        for _ in range(3):
            for change in doc.typist.action():
                session.send(doc, change)
        await session.hints(doc.uri)
    warm_edits = sum(doc.edits for doc in docs)
    await asyncio.sleep(0.5)
    result = await endurance(session, docs, args.edits, rng, pid, fresh_uri)
    for doc in docs:
        session.close(doc.uri)
    await session.hints(docs[0].uri)       # one round trip: every close has been handled
    await asyncio.sleep(1.0)
    return dict(files=len(docs), warm_edits=warm_edits, result=result, closed=rss_kib(pid),
                peak=rss_kib(pid, "VmHWM"))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def stats_line(values: list[float]) -> str:
    return (f"p50 {ms(percentile(values, 50))}   p95 {ms(percentile(values, 95))}   "
            f"max {ms(max(values))}   ({len(values)} requests)")


async def run(args) -> None:
    client = recording_client()
    await start_server(client, sys.executable, "-m", "shapelens", "serve")
    await client.initialize_async(types.InitializeParams(
        capabilities=types.ClientCapabilities(
            general=types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf16]),
            workspace=types.WorkspaceClientCapabilities(configuration=False)),
        process_id=os.getpid()))
    client.initialized(types.InitializedParams())
    pid = client._server.pid
    session = Session(client)
    rng = random.Random(args.seed)
    started = rss_kib(pid)
    with tempfile.TemporaryDirectory() as folder:
        b = await burst_phase(session, folder, args, rng, pid)
    e = await endurance_phase(session, args, rng, pid)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    errors = error_lines(client.stderr_lines)
    r = e["result"]

    print(f"1. burst: {b['lines']}-line file, {args.bursts} bursts of {args.burst} edits "
          f"(one didChange each, UTF-16 positions), each sent within {args.burst_seconds:g} s")
    print(f"   first analysis on open:                 {ms(b['opened'])}")
    for k, one in enumerate(b["bursts"], 1):
        print(f"   burst {k}: {one.edits} edits sent in {one.sending:.2f} s; last edit -> whole file's hints "
              f"{ms(one.hints_after)}; server CPU {one.cpu:.2f} s; final hints = fresh analysis: "
              f"{'yes' if one.comparison.hints_ok else 'NO'}, diagnostics: "
              f"{'yes' if one.comparison.diagnostics_ok else 'NO'}")
    print(f"   typing before the bursts, edit -> hints: {stats_line(b['before'])}")
    print(f"   typing after the bursts,  edit -> hints: {stats_line(b['after'])}")
    p95 = percentile(b["after"], 95)
    print(f"   target 300 lines p95 <= 50 ms after the bursts: {p95 * 1000:.1f} ms "
          f"({'met' if p95 <= TARGET_300 else 'NOT met'})")

    hints_ok = sum(c.hints_ok for c in r.comparisons.values())
    diagnostics_ok = sum(c.diagnostics_ok for c in r.comparisons.values())
    print(f"\n2. endurance: {e['files']} open files, {r.edits:,} edits in {r.seconds:.1f} s "
          f"(+{e['warm_edits']} warm-up edits), the edited file's hints after each action")
    print(f"   edit action -> whole file's hints:       {stats_line(r.latencies)}")
    print(f"   final hints = fresh analysis:            {hints_ok}/{e['files']} files; "
          f"diagnostics: {diagnostics_ok}/{e['files']}")
    rss = r.rss
    marks = sorted(rss)
    print("   server memory (VmRSS):")
    print(f"     at start-up (before the bursts):      {started / 1024:7.1f} MiB")
    print(f"     {e['files']} files open and warmed up:          {rss[0] / 1024:7.1f} MiB")
    print("     by edits:  " + "  ".join(f"{m // 1000}k {rss[m] / 1024:.1f}" for m in marks[1:]) + "  (MiB)")
    print(f"     peak (VmHWM):                         {e['peak'] / 1024:7.1f} MiB")
    print(f"     after closing every file:             {e['closed'] / 1024:7.1f} MiB "
          f"({(e['closed'] - rss[0]) / 1024:+.1f} MiB vs open and warmed up)")
    if 2000 in rss and marks[-1] > 2000:
        growth = (rss[marks[-1]] - rss[2000]) / (marks[-1] - 2000)
        print(f"     per-edit growth (2k -> {marks[-1] // 1000}k edits):   {growth * 1024:7.1f} bytes/edit")
    print(f"\nerrors logged by the server: {len(errors)}")
    for line in errors[:10]:
        print("   " + line.rstrip())
    if not all(one.comparison.hints_ok and one.comparison.diagnostics_ok for one in b["bursts"]) \
            or hints_ok < e["files"] or diagnostics_ok < e["files"]:
        print("LOST EDITS: final results differ from a fresh analysis")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--burst", type=int, default=1000, help="edits in the burst")
    parser.add_argument("--burst-seconds", type=float, default=1.0)
    parser.add_argument("--bursts", type=int, default=3, help="bursts in a row (each timed)")
    parser.add_argument("--typing", type=int, default=100, help="awaited edits before and after the burst")
    parser.add_argument("--edits", type=int, default=10_000, help="edits of the endurance session")
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(run(args))


if __name__ == "__main__":
    main()
