"""Benchmark: analysis time of a generated 5,000-line module (~1,000 layer calls) against
``ast.parse`` of the same text.  Prints medians over several runs; target ratio <= 5.

With ``--process``, also ``shapelens check FILE`` as a whole process against a process that
only runs ``ast.parse`` on the same file (interpreter start-up included in both; target <= 5).

Run: python benchmarks/analysis_speed.py [--lines 5000] [--runs 7] [--process]
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "server"))
sys.path.insert(0, os.path.dirname(__file__))

from generate import count_layer_calls, generate_module  # noqa: E402
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


def processes(source: str, runs: int) -> None:
    """``shapelens check FILE`` and ``python -c 'ast.parse(...)' FILE``, each a fresh process."""
    server = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server")
    env = dict(os.environ, PYTHONPATH=server + os.pathsep + os.environ.get("PYTHONPATH", ""))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "generated.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(source)
        parse_cmd = [sys.executable, "-c", "import ast, sys; ast.parse(open(sys.argv[1], encoding='utf-8').read())", path]
        check_cmd = [sys.executable, "-m", "shapelens", "check", path]
        run = lambda cmd: subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=False)  # noqa: E731
        parse = timed(lambda: run(parse_cmd), runs)
        check = timed(lambda: run(check_cmd), runs)
    p, c = statistics.median(parse), statistics.median(check)
    print(f"process ast.parse       median {p * 1000:8.1f} ms  (min {min(parse) * 1000:.1f})")
    print(f"process shapelens check median {c * 1000:8.1f} ms  (min {min(check) * 1000:.1f})")
    print(f"ratio check / ast.parse (whole processes): {c / p:.2f}  (target <= 5)")


if __name__ == "__main__":
    main()
