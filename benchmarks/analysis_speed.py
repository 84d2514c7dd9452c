"""Benchmark: analysis time of a generated 5,000-line module (~1,000 layer calls) against
``ast.parse`` of the same text.  Prints medians over several runs; target ratio <= 5.

With ``--process``, also ``shapelens check FILE`` as a whole process against a process that
only runs ``ast.parse`` on the same file (interpreter start-up included in both; target <= 5).

Then the size curve: the loop-heavy module (ResNet-style networks, ``block`` helpers called in
loops over stages; the most interpreter steps per line) at 1k, 2k, 5k, 10k, 20k and 50k lines.
Such code is about 14 tokens a line, so past ~17,000 lines it would be over the 250,000-token cap:
those files keep as many networks as fit under the caps, with blank lines between the networks
up to the line count.  A file is *complete* when every network's model is found and no
``analysis-limit`` note is given.  The cyclic garbage collector is off while timing (as in the CLI).

Run: python benchmarks/analysis_speed.py [--lines 5000] [--runs 7] [--process] [--curve-runs 3]
"""

from __future__ import annotations

import argparse
import ast
import gc
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "server"))
sys.path.insert(0, os.path.dirname(__file__))

from generate import LOOP_BLOCK, LOOP_HEADER, count_layer_calls, generate_module  # noqa: E402
from shapelens.analyser import analyse_source  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--process", action="store_true", help="also time whole processes")
    parser.add_argument("--curve-runs", type=int, default=3, help="runs per size of the curve (median)")
    parser.add_argument("--no-curve", action="store_true")
    args = parser.parse_args()
    source = generate_module(args.lines)
    analysis = analyse_source(source)          # warm-up, and a sanity check
    calls = sum(len(site.results) for site in analysis.sites.values())
    parse = timed(lambda: ast.parse(source), args.runs)
    full = timed(lambda: analyse_source(source), args.runs)
    p, a = statistics.median(parse), statistics.median(full)
    print(f"module: {source.count(chr(10))} lines, {count_layer_calls(source)} layer expressions, "
          f"{calls} layer-call results, {len(analysis.models)} models, "
          f"{sum(1 for d in analysis.diagnostics if d.severity == 'error')} errors")
    print(f"ast.parse  median {p * 1000:8.1f} ms  (min {min(parse) * 1000:.1f}, max {max(parse) * 1000:.1f})")
    print(f"analysis   median {a * 1000:8.1f} ms  (min {min(full) * 1000:.1f}, max {max(full) * 1000:.1f})")
    print(f"ratio analysis / ast.parse: {a / p:.2f}  (target <= 5)")
    if args.process:
        processes(source, args.runs)
    if not args.no_curve:
        curve(args.curve_runs)


CURVE = (1000, 2000, 5000, 10_000, 20_000, 50_000)
MAX_TOKENS, MAX_CHARS = 240_000, 990_000      # a margin under the analyser's caps
_TOKEN = re.compile(r"\w+|[^\s\w]")            # how the analyser counts tokens (parsing.py)


def loop_module(lines: int) -> tuple[str, int]:
    """``(text, networks)``: loop-heavy networks up to ``lines`` lines, under the size caps (blank
    lines between the networks make up the rest)."""
    blocks = []
    size = LOOP_HEADER.count("\n")
    tokens = len(_TOKEN.findall(LOOP_HEADER))
    chars = len(LOOP_HEADER)
    while True:
        f = 8 + (len(blocks) % 3) * 8
        block = LOOP_BLOCK.format(i=len(blocks), f=f, f2=2 * f, f4=4 * f, classes=10 + len(blocks) % 5)
        more = len(_TOKEN.findall(block))
        if size >= lines or tokens + more > MAX_TOKENS or chars + len(block) > MAX_CHARS:
            break
        blocks.append(block)
        size += block.count("\n")
        tokens += more
        chars += len(block)
    padding, rest = divmod(max(0, lines - size), max(1, len(blocks)))
    parts = [LOOP_HEADER]
    for i, block in enumerate(blocks):
        parts.append(block + "\n" * (padding + (1 if i < rest else 0)))
    return "".join(parts), len(blocks)


def curve(runs: int) -> None:
    print("\nsize curve, loop-heavy module (median of %d runs; collector off)" % runs)
    print(f"{'lines':>7} {'code':>7} {'chars':>8} {'tokens':>7} {'ms':>8} {'ms/kline':>9} {'ms/kcode':>9} {'x parse':>8}  complete")
    gc.disable()
    try:
        for lines in CURVE:
            source, networks = loop_module(lines)
            parse = statistics.median(timed(lambda: ast.parse(source), runs))
            full = timed(lambda: analyse_source(source), runs)
            analysis = analyse_source(source)
            gc.collect()
            a = statistics.median(full)
            limits = [d for d in analysis.diagnostics if d.code == "analysis-limit"]
            complete = len(analysis.models) == networks and not limits
            n = source.count("\n")
            code = sum(1 for line in source.split("\n") if line.strip())
            print(f"{n:7d} {code:7d} {len(source):8d} {len(_TOKEN.findall(source)):7d} {a * 1000:8.1f} "
                  f"{a * 1000 / (n / 1000):9.1f} {a * 1000 / (code / 1000):9.1f} {a / parse:8.2f}  {'yes' if complete else 'NO'} "
                  f"({len(analysis.models)}/{networks} models{', ' + limits[0].message if limits else ''})")
    finally:
        gc.enable()


def processes(source: str, runs: int) -> None:
    """``shapelens check FILE`` and ``python -c 'ast.parse(...)' FILE``, each a fresh process."""
    server = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server")
    env = dict(os.environ, PYTHONPATH=server + os.pathsep + os.environ.get("PYTHONPATH", ""))
    # as installed (pip byte-compiles a wheel's modules): ShapeLens's own modules load from their
    # ``.pyc``, not compiled again in every process (``PYTHONDONTWRITEBYTECODE`` would do that)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "generated.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(source)
        parse_cmd = [sys.executable, "-c", "import ast, sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())", path]
        check_cmd = [sys.executable, "-m", "shapelens", "check", path]
        run = lambda cmd: subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=False)  # noqa: E731
        run(parse_cmd), run(check_cmd)      # warm-up: writes the ``.pyc`` files, fills the OS cache
        parse = timed(lambda: run(parse_cmd), runs)
        check = timed(lambda: run(check_cmd), runs)
    p, c = statistics.median(parse), statistics.median(check)
    print(f"process ast.parse       median {p * 1000:8.1f} ms  (min {min(parse) * 1000:.1f})")
    print(f"process shapelens check median {c * 1000:8.1f} ms  (min {min(check) * 1000:.1f})")
    print(f"ratio check / ast.parse (whole processes): {c / p:.2f}  (target <= 5)")


if __name__ == "__main__":
    main()
