"""Shapes inside subclassed models and custom layers, traced by ShapeLens and checked against real
Keras: each snippet's object is called on data of the traced shape in the oracle
(``traced_oracle.keras_traced``), and every layer call inside ``call()`` must show the shape Keras
gives it, with the layer's ``count_params()`` on the call that builds it.  The Keras-identical
summary rows stay what Keras prints (``oracle_compare``)."""

import ast
import textwrap
from collections import Counter

import pytest

from oracle_compare import assert_models_match_keras
from shapelens.analyser import analyse_source
from shapelens.server.hints import collect_hints, shape_text
from shapelens.server.settings import Settings
from traced_oracle import keras_traced

CLASSES = """
    import keras
    import numpy as np
    import tensorflow as tf
    from keras import layers, ops

    class Scale(layers.Layer):
        def build(self, input_shape):
            self.gain = self.add_weight(shape=(input_shape[-1],), initializer="ones")

        def call(self, x):
            return x * self.gain

    class Residual(layers.Layer):
        def __init__(self, width, **kwargs):
            super().__init__(**kwargs)
            self.conv = layers.Conv2D(width, 3, padding="same")
            self.scale = Scale()

        def call(self, x):
            return x + self.scale(self.conv(x))

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.stem = layers.Conv2D(8, 3)
            self.blocks = [Residual(8) for _ in range(2)]
            self.pool = layers.GlobalAveragePooling2D()
            self.heads = [layers.Dense(units) for units in (6, 4)]

        def call(self, inputs):
            x = self.stem(inputs)
            for block in self.blocks:
                x = block(x)
            x = self.pool(x)
            for head in self.heads:
                x = head(x)
            return x

    class OwnBuild(keras.Model):
        def __init__(self):
            super().__init__()
            self.proj = layers.Dense(5)

        def build(self, input_shape):
            self.offset = self.add_weight(shape=(5,), initializer="zeros")

        def call(self, x):
            return self.proj(x) + self.offset

    class Projector(keras.Model):
        def __init__(self):
            super().__init__()
            self.proj = layers.Dense(4)

        def call(self, x):
            return self.proj(x)
    """

# name -> (code after the classes, the object traced, the shapes the oracle calls it on)
SOURCES = {
    "build_positional": ("model = Net()\nmodel.build((None, 10, 10, 3))\n", "model", [(None, 10, 10, 3)]),
    "build_keyword": ("model = Net()\nmodel.build(input_shape=(None, 10, 10, 3))\n", "model", [(None, 10, 10, 3)]),
    "build_list": ("model = Net()\nmodel.build([None, 10, 10, 3])\n", "model", [(None, 10, 10, 3)]),
    "keras_input": ("model = Net()\nmodel(keras.Input((10, 10, 3)))\n", "model", [(None, 10, 10, 3)]),
    "custom_layer_on_functional_tensor": (
        "block = Residual(8)\nimage = keras.Input((6, 6, 8))\nfeatures = keras.Model(image, block(image))\n",
        "block", [(None, 6, 6, 8)]),
    "ops_zeros": ("model = Net()\nmodel(ops.zeros((2, 10, 10, 3)))\n", "model", [(2, 10, 10, 3)]),
    "np_zeros": ("model = Net()\nmodel(np.zeros((2, 10, 10, 3)))\n", "model", [(2, 10, 10, 3)]),
    "np_random_rand": ("model = Net()\nmodel(np.random.rand(3, 10, 10, 3))\n", "model", [(3, 10, 10, 3)]),
    "tf_zeros": ("model = Net()\nmodel(tf.zeros((2, 10, 10, 3)))\n", "model", [(2, 10, 10, 3)]),
    "slice_of_an_array": ("data = np.zeros((50, 10, 10, 3))\nmodel = Net()\nmodel(data[:4])\n",
                          "model", [(4, 10, 10, 3)]),
    "own_build_with_add_weight": ("model = OwnBuild()\nmodel.build((None, 7))\n", "model", [(None, 7)]),
    "own_build_then_called": ("model = OwnBuild()\nmodel(np.zeros((2, 7)))\n", "model", [(2, 7)]),
    "called_twice_with_two_shapes": (
        "model = Projector()\nmodel(np.zeros((2, 6)))\nmodel(np.zeros((2, 3, 6)))\n", "model", [(2, 6), (2, 3, 6)]),
}


def write(tmp_path, name, tail):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(CLASSES).lstrip() + tail, encoding="utf-8")
    return path


def class_lines(source: str) -> set:
    lines: set = set()
    for node in ast.parse(source).body:
        if isinstance(node, ast.ClassDef):
            lines.update(range(node.lineno, node.end_lineno + 1))
    return lines


def inside_classes(analysis, source):
    """Every result recorded at a call inside a class body: (layer name, shape, params or None)."""
    lines = class_lines(source)
    return [(r.layer_name, shape_text(r.output), r.params.total if r.params is not None else None)
            for span, site in analysis.sites.items() if span.line in lines for r in site.results]


def assert_traced_like_keras(path, variable, shapes):
    source = path.read_text()
    real = keras_traced(path, variable, shapes)
    analysis = analyse_source(source, str(path))
    ours = inside_classes(analysis, source)
    names = {r["name"] for r in real}
    assert Counter((n, s) for n, s, _ in ours if n in names) == Counter((r["name"], r["output_shape"]) for r in real)
    shown = {}
    for name, _shape, params in ours:
        if params is not None and name in names:
            shown.setdefault(name, params)
    assert shown == {r["name"]: r["params"] for r in real if r["name"] in shown}
    assert not [d for d in analysis.diagnostics if d.severity == "error"]
    return analysis, real, shown


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_hints_inside_call_match_keras(name, tmp_path):
    tail, variable, shapes = SOURCES[name]
    path = write(tmp_path, name, tail)
    _analysis, real, shown = assert_traced_like_keras(path, variable, shapes)
    built_elsewhere = {"proj"} if name == "own_build_with_add_weight" else set()
    assert set(shown) | built_elsewhere >= {r["name"] for r in real}   # every layer's params shown once
    if name != "tf_zeros":    # the summary oracle has no TensorFlow: tf.zeros is checked above only
        assert_models_match_keras(path)   # the summary rows stay Keras's own


def test_nested_residual_blocks_in_a_list_show_each_run(tmp_path):
    """``for block in self.blocks: x = block(x)``: one hint with a run per block, the params of
    each on its own building call; inside the block, the residual add and the nested layer."""
    path = write(tmp_path, "nested", SOURCES["build_positional"][0])
    analysis, real, _ = assert_traced_like_keras(path, "model", [(None, 10, 10, 3)])
    source = path.read_text()
    lines = source.splitlines()
    labels = {lines[h.line - 1].strip(): h.label for h in collect_hints(analysis.sites.values(), analysis.models,
                                                                       Settings())}
    by_name = {r["name"]: r for r in real}
    block = by_name["residual"]
    assert labels["x = block(x)"] == f"×2: {block['output_shape']} · {block['params']:,} params"
    heads = [by_name["dense"], by_name["dense_1"]]
    assert labels["x = head(x)"] == "×2: " + " | ".join(f"{h['output_shape']} · {h['params']} params" for h in heads)
    assert "return x + self.scale(self.conv(x))" in labels


def test_a_model_called_on_two_shapes_shows_both_runs(tmp_path):
    tail, variable, shapes = SOURCES["called_twice_with_two_shapes"]
    path = write(tmp_path, "twice", tail)
    analysis, real, _ = assert_traced_like_keras(path, variable, shapes)
    lines = path.read_text().splitlines()
    label = [h.label for h in collect_hints(analysis.sites.values(), analysis.models, Settings())
             if lines[h.line - 1].strip() == "return self.proj(x)"]
    first, second = real
    assert label == [f"×2: {first['output_shape']} · {first['params']} params | {second['output_shape']}"]
    tables = analysis.models[0].traced
    assert [(t.how, t.input_shape, [r.output_shape for r in t.rows]) for t in tables] == [
        ("call", "(2, 6)", [first["output_shape"]]), ("call", "(2, 3, 6)", [second["output_shape"]])]


def test_a_built_model_has_a_traced_table_and_keras_rows(tmp_path):
    """``model.build(shape)``: Keras's rows stay unbuilt (``?``, 0) — checked against Keras — and the
    traced table has each sublayer's output on that shape and its ``count_params()``."""
    tail, variable, shapes = SOURCES["build_positional"]
    path = write(tmp_path, "built", tail)
    mine = assert_models_match_keras(path)
    assert mine["models"][0]["total_params"] == 0
    real = keras_traced(path, variable, shapes)
    last = {r["name"]: (r["output_shape"], r["params"]) for r in real}
    model = analyse_source(path.read_text(), str(path)).models[0]
    [table] = model.traced
    assert table.how == "build" and table.input_shape == "(None, 10, 10, 3)"
    assert table.output_shape == last["dense_1"][0]
    assert [r.name for r in table.rows] == [r["name"] for r in mine["models"][0]["layers"]]   # Keras's rows
    assert {r.name: (r.output_shape, r.params) for r in table.rows} == {r.name: last[r.name] for r in table.rows}
    assert table.params.total == sum(last[r.name][1] for r in table.rows)


NEVER_TRACED = {
    "never_built": "model = Net()\n",
    "built_on_an_unknown_shape": "model = Net()\nmodel.build(load_shape())\n",
    "called_on_unknown_data": "model = Net()\nmodel(load_batch())\n",
    "several_inputs_built": "model = Net()\nmodel.build([(None, 4), (None, 5)])\n",
}


@pytest.mark.parametrize("name", sorted(NEVER_TRACED))
def test_never_guess(name):
    source = textwrap.dedent(CLASSES).lstrip() + NEVER_TRACED[name]
    analysis = analyse_source(source, "never.py")
    assert [s for n, s, _ in inside_classes(analysis, source) if s != "?"] == []
    assert all(t.output_shape == "?" for m in analysis.models for t in m.traced)
    assert not [d for d in analysis.diagnostics if d.severity == "error"]


def test_an_error_inside_call_is_reported_at_its_line_only_when_the_model_runs(tmp_path):
    """A shape error in ``call()`` is a diagnostic at the faulty line when the model is called
    on data; ``model.build`` alone runs nothing in Keras, so it reports nothing."""
    broken = CLASSES.replace("return self.proj(x) + self.offset", "return self.proj(x) + ops.ones((3,))")
    called = textwrap.dedent(broken).lstrip() + "model = OwnBuild()\nmodel(np.zeros((2, 7)))\n"
    built = textwrap.dedent(broken).lstrip() + "model = OwnBuild()\nmodel.build((None, 7))\n"
    lines = called.splitlines()
    errors = [d for d in analyse_source(called, "called.py").diagnostics if d.severity == "error"]
    assert [lines[d.span.line - 1].strip() for d in errors] == ["return self.proj(x) + ops.ones((3,))"]
    assert not [d for d in analyse_source(built, "built.py").diagnostics if d.severity == "error"]
    path = tmp_path / "called.py"
    path.write_text(called)
    from model_oracle import keras_report
    error = keras_report(path)["error"]
    assert error is not None and error["line"] == errors[0].span.line


def test_an_edit_reanalysed_incrementally_traces_as_a_full_analysis():
    """The sandboxed trace of ``model.build`` leaves nothing behind that a replayed statement
    would see: after edits, the incremental analysis equals a full one."""
    from shapelens.analyser import IncrementalAnalysis, analyse_for_editor

    def view(outcome):
        a = outcome.analysis
        return (sorted((tuple(vars(s.span).values()), [shape_text(r.output) for r in s.results]) for s in a.sites.values()),
                [(m.variable, [(r.name, r.output_shape, r.params) for r in m.rows],
                  [(t.how, t.input_shape, [(r.output_shape, r.params) for r in t.rows]) for t in m.traced])
                 for m in a.models],
                sorted((d.span.line, d.code) for d in a.diagnostics))

    source = textwrap.dedent(CLASSES).lstrip() + SOURCES["build_positional"][0]
    incremental = IncrementalAnalysis()
    for text in (source, source + "other = Net()\n", source.replace("(None, 10, 10, 3)", "(None, 12, 12, 3)"),
                 source + "model(np.zeros((2, 10, 10, 3)))\n"):
        assert view(incremental.update(text)) == view(analyse_for_editor(text))
