"""Benchmark: analysis time of a generated 5,000-line module (~1,000 layer calls) against
``ast.parse`` of the same text.  Prints medians over several runs; target ratio <= 5.

Run: python benchmarks/analysis_speed.py [--lines 5000] [--runs 7]
"""

from __future__ import annotations

import argparse
import ast
import os
import statistics
import sys
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


if __name__ == "__main__":
    main()
