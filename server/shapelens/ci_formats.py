"""``shapelens check`` output for CI: SARIF 2.1.0 (``--format sarif``, for GitHub code scanning and
other SARIF viewers) and GitHub Actions workflow commands (``--format github``, annotations in the
pull request).

Positions: lines and columns are 1-based, columns count Unicode code points (SARIF
``columnKind: unicodeCodePoints``), end columns are exclusive, as in ``--format json``.

Notebooks (``.ipynb``): a line number in the notebook's JSON text is not the line the user wrote,
and neither SARIF nor GitHub annotations know notebook cells.  So a result in a notebook points at
the notebook *file* (SARIF region ``startLine: 1``; a GitHub annotation without ``line``), and
the cell and the line in the cell are in the message (``cell 4, line 2, column 5: ...``) and, in
SARIF, in the result's ``properties`` (``cell``, ``line``, ``column``, ``endCell``, ``endLine``,
``endColumn``) and a logical location named ``cell 4``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

from . import __version__
from .engine.errors import CODES

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"

# code -> (short description, help text); the shape-error codes come from ``engine.errors.CODES``
NOTES = {
    "analysis-limit": "A loop, recursion or step bound stopped the analysis of that part.",
    "cell-not-analysed": "A notebook cell that does not parse (or is a non-Python cell magic) is not analysed.",
}
HELP = {
    "incompatible-shapes": "Real Keras 3 raises when this merge or operator is built: make the inputs' shapes agree "
                           "(same shape for Add/Multiply/..., same sizes except on the axis for Concatenate), "
                           "or broadcastable for operators.",
    "invalid-reshape": "Real Keras 3 raises: the product of Reshape's target shape must equal the number of "
                       "elements of the input (one -1 may stand for the rest).",
    "window-too-large": "Real Keras 3 raises (or gives a size of 0 or less): the kernel, pool or crop does not fit "
                        "in the input. Use padding='same', a smaller window, or a larger input.",
    "wrong-rank": "Real Keras 3 raises: the layer expects inputs of another rank (Conv2D needs 4-D "
                  "(batch, height, width, channels) tensors, LSTM 3-D, ...). Add or remove an axis "
                  "(Reshape, Flatten, expand_dims) before it.",
    "undefined-dimension": "Real Keras 3 raises when it creates the weights: the axis the weights depend on is "
                           "None. Give the Input a defined size on that axis.",
    "invalid-argument": "Real Keras 3 raises when the layer is constructed with this argument value.",
    "wrong-input-count": "Real Keras 3 raises: the layer takes another number of inputs (a merge needs a list "
                         "of at least two tensors, a single-input layer one tensor).",
    "import-error": "Real Keras 3 raises at this import: the path is Keras 2's (keras.layers.normalization, "
                    "keras.engine, keras.layers.CuDNNLSTM, ...). Import from Keras 3's modules (the message "
                    "names the Keras 3 equivalent when there is a well-known one), or guard it with "
                    "try/except ImportError.",
    "analysis-limit": "Not an error in your code: ShapeLens stopped following this part (a loop, recursion or "
                      "step bound) and shows '?' for what depends on it.",
    "cell-not-analysed": "Not an error found by ShapeLens: the cell has a syntax error (or is a cell magic whose "
                         "body is not Python), so it is skipped; the other cells are analysed.",
}


def rule_codes() -> list[str]:
    return list(CODES) + list(NOTES)


def _level(severity: str) -> str:
    return {"error": "error", "warning": "warning"}.get(severity, "note")


def _rule(code: str) -> dict:
    short = CODES.get(code) or NOTES[code]
    return {
        "id": code,
        "name": "".join(part.capitalize() for part in code.split("-")),
        "shortDescription": {"text": short},
        "fullDescription": {"text": short},
        "help": {"text": HELP[code], "markdown": HELP[code]},
        "defaultConfiguration": {"level": "error" if code in CODES else "note"},
    }


def _uri(path: str) -> dict:
    """A relative path stays relative to the checkout (``%SRCROOT%``, what code scanning expects)."""
    if os.path.isabs(path):
        return {"uri": "file://" + path.replace(os.sep, "/")}
    clean = os.path.normpath(path).replace(os.sep, "/")
    return {"uri": clean, "uriBaseId": "%SRCROOT%"}


def _cell_place(locate, line: int):
    place = locate(line) if locate is not None else None
    return place if place else (None, None)


def _cell_prefix(d, locate) -> str:
    cell, line = _cell_place(locate, d.span.line)
    return f"cell {cell}, line {line}, column {d.span.column + 1}: " if cell is not None else ""


def _sorted(analysis):
    return sorted(analysis.diagnostics, key=lambda d: (d.span.line, d.span.column))


def _sarif_result(path: str, d, locate, indexes: dict) -> dict:
    result = {"ruleId": d.code, "level": _level(d.severity)}
    if d.code in indexes:
        result["ruleIndex"] = indexes[d.code]
    physical: dict = {"artifactLocation": _uri(path)}
    location: dict = {"physicalLocation": physical}
    if locate is None:
        physical["region"] = {"startLine": d.span.line, "startColumn": d.span.column + 1,
                              "endLine": d.span.end_line, "endColumn": d.span.end_column + 1}
        result["message"] = {"text": d.message}
    else:
        cell, line = _cell_place(locate, d.span.line)
        end_cell, end_line = _cell_place(locate, d.span.end_line)
        physical["region"] = {"startLine": 1}
        result["message"] = {"text": _cell_prefix(d, locate) + d.message}
        if cell is not None:
            location["logicalLocations"] = [{"name": f"cell {cell}", "kind": "module"}]
        result["properties"] = {"cell": cell, "line": line, "column": d.span.column + 1,
                                "endCell": end_cell, "endLine": end_line, "endColumn": d.span.end_column + 1}
    result["locations"] = [location]
    return result


def sarif_log(results, unusable: Sequence[str] = ()) -> dict:
    """The SARIF 2.1.0 log of ``results`` (``(path, analysis, locate)`` as ``cli.analysed_files``
    gives them); ``unusable`` are the one-line messages of the files that could not be read."""
    codes = rule_codes()
    extra = sorted({d.code for _, a, _ in results for d in a.diagnostics} - set(codes))
    indexes = {code: i for i, code in enumerate(codes)}
    rules = [_rule(code) for code in codes] + [{"id": code} for code in extra]
    invocation: dict = {"executionSuccessful": not unusable}
    if unusable:
        invocation["toolExecutionNotifications"] = [{"level": "error", "message": {"text": text}}
                                                    for text in unusable]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "ShapeLens", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": [_sarif_result(path, d, locate, indexes)
                        for path, analysis, locate in results for d in _sorted(analysis)],
        }],
    }


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_lines(results) -> list[str]:
    """GitHub Actions workflow commands, one per problem: ``::error file=…,line=…,col=…,
    endLine=…,endColumn=…,title=…::message`` (``::warning`` for warnings, ``::notice`` for
    information notes)."""
    out = []
    for path, analysis, locate in results:
        name = os.path.normpath(path).replace(os.sep, "/")
        for d in _sorted(analysis):
            command = {"error": "error", "warning": "warning"}.get(d.severity, "notice")
            props = [f"file={_escape_property(name)}"]
            if locate is None:
                props += [f"line={d.span.line}", f"col={d.span.column + 1}",
                          f"endLine={d.span.end_line}", f"endColumn={d.span.end_column + 1}"]
            props.append(f"title={_escape_property(f'ShapeLens {d.code}')}")
            message = _cell_prefix(d, locate) + d.message
            out.append(f"::{command} {','.join(props)}::{_escape_data(message)}")
    return out
