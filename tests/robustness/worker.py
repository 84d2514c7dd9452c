"""Run one ``analyse_source`` in this (fresh) process and print a JSON report on stdout.

    python worker.py FILE [--loader] [--mem-limit MB]

The report: ``ok`` (no exception), ``traceback``, ``cpu`` (process CPU seconds of the analysis
alone), ``wall``, ``rss_base_mb`` (peak RSS before the analysis: interpreter + source text),
``rss_peak_mb`` (peak RSS after), ``diagnostics`` and ``models``.  The address space is capped
(``--mem-limit``, default 2000 MB) so that a runaway analysis fails with MemoryError instead of
taking the CI machine down.  Used by ``tests/robustness/test_robustness_hostile.py``.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import traceback


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main() -> None:
    path = sys.argv[1]
    use_loader = "--loader" in sys.argv
    mem_limit = 2000
    if "--mem-limit" in sys.argv:
        mem_limit = int(sys.argv[sys.argv.index("--mem-limit") + 1])
    limit = mem_limit * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    from shapelens.analyser import analyse_source, module_loader

    with open(path, encoding="utf-8", errors="surrogatepass") as handle:
        text = handle.read()
    loader = module_loader(path) if use_loader else None
    base = _rss_mb()
    report = {"ok": True, "traceback": None, "diagnostics": [], "models": []}
    cpu0, wall0 = time.process_time(), time.perf_counter()
    try:
        analysis = analyse_source(text, path, loader)
    except BaseException:  # noqa: BLE001 - report anything, MemoryError and RecursionError included
        report["ok"] = False
        report["traceback"] = traceback.format_exc()[-3000:]
        analysis = None
    report["cpu"] = time.process_time() - cpu0
    report["wall"] = time.perf_counter() - wall0
    report["rss_base_mb"] = base
    report["rss_peak_mb"] = _rss_mb()
    if analysis is not None:
        try:
            report["diagnostics"] = [
                {"severity": d.severity, "code": d.code, "line": d.span.line, "column": d.span.column,
                 "message": d.message}
                for d in analysis.diagnostics
            ]
            report["models"] = [
                {"variable": m.variable, "class": m.class_name,
                 "total": m.params.total if isinstance(m.params.total, int) else None,
                 "row_params": [r.params if isinstance(r.params, int) else None for r in m.rows]}
                for m in analysis.models
            ]
        except BaseException:  # noqa: BLE001 - e.g. ints too long to convert: report, don't die
            report["ok"] = False
            report["traceback"] = "while reading the Analysis:\n" + traceback.format_exc()[-3000:]
    # ints may be astronomically large: keep the JSON safe
    sys.set_int_max_str_digits(0)
    print(json.dumps(report, default=str))


if __name__ == "__main__":
    main()
