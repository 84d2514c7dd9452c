"""The ``shapelens`` command line: ``summary`` (tables like ``model.summary()``), ``check``
(problems for CI: text, JSON, SARIF 2.1.0 or GitHub
Actions annotations, see ``ci_formats``) and ``serve`` (the language server over stdio).

Python files and Jupyter notebooks (``.ipynb``: the code cells as one module; positions are
printed ``nb.ipynb:cell 3:line 2``, cells counted from 1 with markdown cells included).

Exit status: 0 no error, 1 at least one shape error, 2 unusable input (missing or unreadable
file, not decodable as Python decodes it, not a notebook) — always with a one-line message per
file, never a traceback; the other files are still checked, and the worst result sets the status.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import stat
import sys

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


def analyse_paths(paths: list[str]):
    """``(path, analysis or None, locate, problem or None)`` for every file: an unreadable file (not
    decodable, not a regular file, not a notebook…) is reported and the others are still analysed."""
    for index, path in enumerate(python_files(paths)):
        if index:           # the collector is off (``main``): the last file's cycles go here,
            gc.collect()    # and what stays (its results) is never scanned again
            gc.freeze()
        try:
            analysis, locate = analyse_path(path)
        except InputError as error:
            print(str(error), file=sys.stderr)
            yield path, None, None, str(error)
            continue
        yield path, analysis, locate, None


def cmd_summary(args) -> int:
    from .report import problem_lines, summary_table, traced_table, where_text

    status = 0
    for path, analysis, locate, _problem in analyse_paths(args.paths):
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

    results = list(analyse_paths(args.paths))
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
    summary.set_defaults(run=cmd_summary)
    check = sub.add_parser("check", help="report shapes Keras would reject (exit 1 if any)")
    check.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text",
                       help="text (default), json, sarif (SARIF 2.1.0) or github (GitHub Actions annotations)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    check.set_defaults(run=cmd_check)
    serve = sub.add_parser("serve", help="run the language server on stdio")
    serve.add_argument("--stdio", action="store_true", help="accepted for clients that pass it (stdio is the default)")
    serve.set_defaults(run=cmd_serve)
    return parser


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
