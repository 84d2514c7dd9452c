"""Benchmark: ``shapelens check DIR`` on a generated tree of 1,000 model files, on one process
(``--jobs 1``) and on every core (``--jobs N``, the default), each a whole process; medians of
several runs (the machine is shared: timings are noisy).  Also checks that both print the same.

The files are small modules of the two benchmark kinds (``generate.py``): many small models, and
ResNet-style networks built by helpers called in loops; 20 folders of 50 files.

Run: python benchmarks/check_tree.py [--files 1000] [--runs 3] [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from generate import generate_loop_module, generate_module  # noqa: E402

SERVER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "server")


def write_tree(root: str, count: int) -> int:
    lines = 0
    for i in range(count):
        folder = os.path.join(root, f"project_{i // 50:02d}")
        os.makedirs(folder, exist_ok=True)
        text = (generate_loop_module if i % 2 else generate_module)(40 + (i % 5) * 20)
        lines += text.count("\n")
        with open(os.path.join(folder, f"model_{i:04d}.py"), "w", encoding="utf-8") as handle:
            handle.write(text)
    return lines


def check(root: str, jobs: int) -> tuple[float, bytes]:
    env = dict(os.environ, PYTHONPATH=SERVER + os.pathsep + os.environ.get("PYTHONPATH", ""))
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "shapelens", "check", "--jobs", str(jobs), root],
                          env=env, capture_output=True, check=False)
    return time.perf_counter() - start, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="the many-process run")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root:
        lines = write_tree(root, args.files)
        times: dict[int, list[float]] = {1: [], args.jobs: []}
        outputs = {}
        for _ in range(args.runs):           # interleaved, so that load changes hit both alike
            for jobs in times:
                seconds, out = check(root, jobs)
                times[jobs].append(seconds)
                outputs[jobs] = out
    print(f"tree: {args.files} files, {lines} lines; {os.cpu_count()} cores; median of {args.runs} runs")
    one = statistics.median(times[1])
    for jobs, values in times.items():
        median = statistics.median(values)
        print(f"  check --jobs {jobs}: {median:6.2f} s  (min {min(values):.2f}, max {max(values):.2f})  "
              f"{args.files / median:6.0f} files/s  speed-up {one / median:.2f}x")
    print(f"  same output: {'yes' if len(set(outputs.values())) == 1 else 'NO'}")


if __name__ == "__main__":
    main()
