"""The ``shapelens`` command line: ``summary`` (tables like ``model.summary()``), ``check``
(problems for CI: text, JSON, SARIF 2.1.0 or GitHub
Actions annotations, see ``ci_formats``) and ``serve`` (the language server over stdio).

Python files and Jupyter notebooks (``.ipynb``: the code cells as one module; positions are
printed ``nb.ipynb:cell 3:line 2``, cells counted from 1 with markdown cells included).

``check`` and ``summary`` analyse the files of a tree on every core (``--jobs``, a process pool);
the output is in the same order whatever the number of jobs, and on a terminal a tree of more than
``PROGRESS_OVER`` files shows its progress on stderr.

Exit status: 0 no error, 1 at least one shape error, 2 unusable input (missing or unreadable
file, not decodable as Python decodes it, not a notebook) — always with a one-line message per
file, never a traceback; the other files are still checked, and the worst result sets the status.
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import stat
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

from . import __version__

SKIP_DIRS = {".git", ".venv", "venv", "node_modules", "__pycache__", ".tox", ".mypy_cache", "build", "dist"}


class InputError(Exception):
    """A path that cannot be analysed (exit status 2)."""


# UTF-8 takes at most 4 bytes a character: a larger file is over the analyser's 1,000,000
# characters for sure, and is answered at once with the limit note, unread.
MAX_BYTES = 4 * 1_000_000


class TooLarge(Exception):
    """A file over the size limits (answered with a note, not read)."""

    def __init__(self, size: int):
        super().__init__(size)
        self.size = size


def read_source(path: str) -> str:
    from .analyser import decode_source

    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"shapelens: {path}: not a regular file")
        if info.st_size > MAX_BYTES:
            raise TooLarge(info.st_size)
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise TooLarge(len(data))
    except FileNotFoundError:
        raise InputError(f"shapelens: {path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"shapelens: {path}: is a directory") from None
    except OSError as error:
        raise InputError(f"shapelens: {path}: cannot read ({error.strerror})") from None
    try:
        return decode_source(data)
    except ValueError as error:
        raise InputError(f"shapelens: {path}: {error}") from None


def python_files(paths: list[str]) -> list[str]:
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
                files.extend(os.path.join(root, n) for n in sorted(names)
                             if n.endswith((".py", ".ipynb")) and os.path.isfile(os.path.join(root, n)))
        else:
            files.append(path)
    return files


def analyse_path(path: str):
    """``(analysis, locate)``: ``locate(line) -> (cell number, line in cell)`` for a notebook,
    else None."""
    from .analyser import (
        NotebookError,
        analyse_notebook,
        analyse_oversized,
        analyse_source,
        module_loader,
        read_notebook,
    )

    try:
        text = read_source(path)
    except TooLarge as large:
        return analyse_oversized(large.size), None
    if not path.endswith(".ipynb"):
        return analyse_source(text, path, module_loader(path)), None
    try:
        cells = read_notebook(text)
    except NotebookError as error:
        raise InputError(f"shapelens: {path}: {error}") from None
    analysis, source = analyse_notebook([(c.index + 1, c.source) for c in cells], path, module_loader(path))
    return analysis, source.locate


def analyse_paths(paths: list[str], jobs: int = 1):
    """``(path, analysis or None, locate, problem or None)`` for every file, in order: an unreadable file
    (not decodable, not a regular file, not a notebook…) is reported and the others are still analysed.
    With ``jobs`` > 1 the files are analysed by that many processes."""
    files = python_files(paths)
    progress = Progress(len(files))
    results = _in_pool(files, jobs) if jobs > 1 and len(files) > 1 else _in_turn(files)
    for path, (analysis, locate, problem) in zip(files, results):
        progress.advance()
        if problem is not None:
            progress.clear()
            print(problem, file=sys.stderr)
        yield path, analysis, locate, problem
    progress.clear()


def _checked(path: str):
    """``(analysis, locate, None)``, or ``(None, None, problem)`` for a file that cannot be analysed."""
    try:
        analysis, locate = analyse_path(path)
    except InputError as error:
        return None, None, str(error)
    return analysis, locate, None


def _in_turn(files: list[str]):
    for index, path in enumerate(files):
        if index:           # the collector is off (``main``): the last file's cycles go here,
            gc.collect()    # and what stays (its results) is never scanned again
            gc.freeze()
        yield _checked(path)


def _checked_in_worker(path: str):
    """``_checked`` in a pool process: the call sites (only the editor uses them, and they hold
    the interpreter's objects) are not sent back."""
    gc.collect()            # the collector is off in the workers too (inherited from ``main``):
    gc.freeze()             # the last file's cycles go here, and what stays is not scanned again
    analysis, locate, problem = _checked(path)
    return (replace(analysis, sites={}) if analysis is not None else None), locate, problem


def _in_pool(files: list[str], jobs: int):
    from .analyser import analyse_source  # noqa: F401 - loaded once, before the workers fork

    methods = multiprocessing.get_all_start_methods()
    # fork: the workers start with everything loaded, and run no ``python`` whose ``sys.path`` could
    # start with the analysed project (``docs/robustness.md``, H5)
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    jobs = min(jobs, len(files))
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        yield from pool.map(_checked_in_worker, files, chunksize=max(1, min(8, len(files) // (jobs * 8))))


PROGRESS_OVER = 300         # files in a tree before progress is shown (on a terminal only)


class Progress:
    """``checked 120/1000 files`` on stderr, rewritten in place, when stderr is a terminal and the
    tree has more than ``PROGRESS_OVER`` files; nothing otherwise."""

    def __init__(self, total: int):
        self.total = total
        self.done = 0
        self.shown = 0.0
        self.active = total > PROGRESS_OVER and _is_terminal(sys.stderr)

    def advance(self) -> None:
        self.done += 1
        if self.active and (time.monotonic() - self.shown > 0.1 or self.done == self.total):
            self.shown = time.monotonic()
            sys.stderr.write(f"\rshapelens: checked {self.done}/{self.total} files")
            sys.stderr.flush()

    def clear(self) -> None:
        if self.active and self.shown:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
            self.shown = 0.0


def _is_terminal(stream) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def cmd_summary(args) -> int:
    from .report import problem_lines, summary_table, traced_table, where_text

    status = 0
    for path, analysis, locate, _problem in analyse_paths(args.paths, args.jobs):
        if analysis is None:
            status = 2
            continue
        if not analysis.models:
            print(f"{path}: no Keras model found")
        for model in analysis.models:
            where = where_text(path, model.span.line, locate) if model.span else path
            print(f"{model.variable} = {model.class_name}  ({where})")
            print(summary_table(model))
            print()
            traced = traced_table(model)     # a subclassed model: what ShapeLens traced in call()
            if traced is not None:
                print(traced)
                print()
        for line in problem_lines(path, analysis, locate):
            print(line)
        if any(d.severity == "error" for d in analysis.diagnostics):
            status = max(status, 1)
    return status


def cmd_check(args) -> int:
    from .report import file_json, problem_lines

    results = list(analyse_paths(args.paths, args.jobs))
    read = [(p, a, locate) for p, a, locate, _problem in results if a is not None]
    unreadable = len(results) - len(read)
    errors = sum(1 for _p, a, _l in read for d in a.diagnostics if d.severity == "error")
    if args.format == "json":
        files = [file_json(p, a, locate) if a is not None else {"path": p, "unreadable": problem.split(": ", 2)[-1]}
                 for p, a, locate, problem in results]
        print(json.dumps({"files": files}, indent=2))
    elif args.format == "sarif":
        from .ci_formats import sarif_log

        print(json.dumps(sarif_log(read, [problem for _p, a, _l, problem in results if a is None]), indent=2))
    elif args.format == "github":
        from .ci_formats import github_lines

        for line in github_lines(read):
            print(line)
    else:
        for path, analysis, locate in read:
            for line in problem_lines(path, analysis, locate):
                print(line)
        skipped = f" ({unreadable} unreadable)" if unreadable else ""
        print(f"{errors} error{'s' if errors != 1 else ''} in {len(read)} file{'s' if len(read) != 1 else ''}"
              f"{skipped}")
    return 2 if unreadable else 1 if errors else 0


def cmd_serve(args) -> int:
    from .server import main as serve_main

    serve_main()
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="shapelens",
                                     description="Keras shapes and parameter counts without running the model.")
    parser.add_argument("--version", action="version", version=f"shapelens {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    summary = sub.add_parser("summary", help="print model.summary()-style tables for every model found")
    summary.add_argument("paths", nargs="+", metavar="FILE")
    add_jobs(summary)
    summary.set_defaults(run=cmd_summary)
    check = sub.add_parser("check", help="report shapes Keras would reject (exit 1 if any)")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                       help="text (default), json, sarif (SARIF 2.1.0) or github (GitHub Actions annotations)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    add_jobs(check)
    check.set_defaults(run=cmd_check)
    serve = sub.add_parser("serve", help="run the language server on stdio")
    serve.add_argument("--stdio", action="store_true", help="accepted for clients that pass it (stdio is the default)")
    serve.set_defaults(run=cmd_serve)
    return parser


def add_jobs(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--jobs", "-j", type=_positive, default=os.cpu_count() or 1, metavar="N",
                        help="analyse files in N processes (default: the number of cores); the output "
                             "order does not depend on it")


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number of jobs, got {text!r}")
    return value


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")   # box drawing on a console that cannot show it
    args = build_parser().parse_args(argv)
    if args.run is not cmd_serve:
        gc.disable()        # a short run: the cyclic collector's scans were 13-15% of it
    try:
        return args.run(args)
    except InputError as error:
        print(str(error), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
