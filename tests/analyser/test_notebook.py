"""Notebooks as one module: IPython syntax blanked with line numbers kept, cells mapped back,
a broken cell costing that cell only, and the models of a notebook checked against real Keras
(its code cells, as analysed, run under Keras by the oracle)."""

import json
from pathlib import Path

import pytest

from model_oracle import keras_report
from oracle_compare import row_tuples
from shapelens.analyser import NotebookError, analyse_notebook, notebook_source, read_notebook
from shapelens.report import file_json

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples"


def notebook(*cells, language="python"):
    """.ipynb text; a cell is a code string or ("markdown", text)."""
    out = []
    for cell in cells:
        kind, text = cell if isinstance(cell, tuple) else ("code", cell)
        out.append({"cell_type": kind, "metadata": {}, "source": text.splitlines(keepends=True)})
    return json.dumps({"cells": out, "metadata": {"language_info": {"name": language}}, "nbformat": 4})


def lines_of(cell_text):
    return notebook_source([(0, cell_text)]).text.splitlines()


@pytest.mark.parametrize("line", [
    "%matplotlib inline", "!pip install keras", "files = !ls", "a, b = %who_ls", "x?",
    "keras.layers.Dense??", "?keras.Model", "%time x = 1",
])
def test_ipython_lines_are_blanked(line):
    assert lines_of(f"a = 1\n{line}\nb = 2\n") == ["a = 1", "", "b = 2"]


def test_a_continued_shell_line_is_blanked_with_its_continuation():
    assert lines_of("!echo a \\\n   b\nc = 1\n") == ["", "", "c = 1"]


@pytest.mark.parametrize("cell", [
    'doc = """\n%not a magic\n!nor this?\n"""\n',
    "y = (3\n     % 2)\n",
    "ok = (1\n      != 2)\n",
    "s = 'is it?'  # really?\n",
])
def test_python_that_looks_like_ipython_is_kept(cell):
    assert notebook_source([(0, cell)]).text == cell


def test_an_indented_magic_becomes_pass_so_its_block_still_parses():
    source = notebook_source([(0, "for i in range(2):\n    %time f(i)\nz = 1\n")])
    assert source.text.splitlines() == ["for i in range(2):", "    pass", "z = 1"]
    assert source.cells[0].skipped is None


def test_cell_magics_skip_the_cell_unless_its_body_is_python():
    source = notebook_source([(0, "%%bash\nls\n"), (1, "%%time\nk = 1\n"), (2, "%%capture\nj = 2")])
    assert source.text.splitlines() == ["", "", "", "k = 1", "", "j = 2"]
    assert [c.skipped for c in source.cells] == ["%%bash cell", None, None]


def test_module_lines_map_back_to_cell_and_line():
    source = notebook_source([("a", "x = 1\ny = 2"), ("b", ""), ("c", "%cd /\nz = 3\n")])
    assert [(c.key, c.first_line, c.line_count) for c in source.cells] == [("a", 1, 2), ("b", 3, 0), ("c", 3, 2)]
    assert [source.locate(n) for n in (1, 2, 3, 4, 5)] == [("a", 1), ("a", 2), ("c", 1), ("c", 2), None]
    assert source.original == "x = 1\ny = 2\n%cd /\nz = 3\n"


def test_a_cell_that_does_not_parse_costs_that_cell_only():
    text = notebook(
        "import keras\nfrom keras import layers\ninputs = keras.Input((8,))\n",
        "h = layers.Dense(4)(inputs\nbroken = 1\n",            # unclosed: must not swallow the next cell
        "out = layers.Dense(2)(inputs)\nm = keras.Model(inputs, out)\n")
    cells = read_notebook(text)
    analysis, source = analyse_notebook([(c.index, c.source) for c in cells])
    [model] = analysis.models
    assert source.locate(model.span.line) == (2, 2)
    assert [(r.class_name, r.output_shape, r.params) for r in model.rows] == [
        ("InputLayer", "(None, 8)", 0), ("Dense", "(None, 2)", 18)]
    [note] = analysis.diagnostics
    assert note.code == "cell-not-analysed" and note.severity == "information"
    assert source.locate(note.span.line) == (1, 1)
    assert not analysis.syntax_ok


def test_read_notebook_keeps_code_cells_in_order_with_their_positions():
    cells = read_notebook(notebook(("markdown", "# title"), "a = 1\n", ("raw", "x"), "b = 2"))
    assert [(c.index, c.source) for c in cells] == [(1, "a = 1\n"), (3, "b = 2")]
    assert read_notebook(notebook("x <- 1", language="R")) == []


@pytest.mark.parametrize("text, message", [
    ("{not json", "invalid notebook JSON"),
    ('{"metadata": {}}', "not a Jupyter notebook"),
    ('{"cells": [{"cell_type": "code", "source": 3}]}', "cell 1 has no text source"),
])
def test_unreadable_notebooks_raise_one_line_errors(text, message):
    with pytest.raises(NotebookError, match=message) as caught:
        read_notebook(text)
    assert "\n" not in str(caught.value)


def assert_notebook_matches_keras(notebook_text, tmp_path):
    """The notebook's models equal what Keras builds from its code cells (as analysed)."""
    cells = read_notebook(notebook_text)
    analysis, source = analyse_notebook([(c.index, c.source) for c in cells])
    module = tmp_path / "cells.py"
    module.write_text(source.text, encoding="utf-8")
    real = keras_report(module)
    assert real.get("error") is None, real["error"]
    mine = file_json("nb", analysis)
    assert [m["name"] for m in mine["models"]] == [m["name"] for m in real["models"]]
    for want, got in zip(real["models"], mine["models"]):
        assert got["class"] == want["class"] and row_tuples(got) == row_tuples(want)
        assert got["total_params"] == want["total_params"]
    assert not [d for d in analysis.diagnostics if d.severity == "error"]
    return analysis, source


def test_the_example_notebook_matches_keras(tmp_path):
    text = (EXAMPLES / "notebook_cnn.ipynb").read_text(encoding="utf-8")
    analysis, source = assert_notebook_matches_keras(text, tmp_path)
    assert [(m.variable, source.locate(m.span.line)) for m in analysis.models] == [("model", (6, 5)), ("head", (8, 1))]


def test_names_flow_from_cell_to_cell_around_magics(tmp_path):
    text = notebook(
        "%load_ext autoreload\nimport keras\n",
        ("markdown", "Sizes"),
        "units = 12\nkeras.layers.Dense?\n",
        "%%time\nseq = keras.Sequential([keras.Input((5,)), keras.layers.Dense(units)])\n",
        "log = !ls\nseq.add(keras.layers.Dense(units // 4))\n")
    analysis, _ = assert_notebook_matches_keras(text, tmp_path)
    assert [r.params for r in analysis.models[0].rows] == [72, 39]
