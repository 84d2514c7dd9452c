"""Hovers inside and on subclassed models and custom layers (``hover_at``, no server): the class
name shows each input it was traced with, its output and total params, marked as traced; a line
inside ``call()`` shows the derivation as anywhere else.  Values come from real Keras."""

from __future__ import annotations

import textwrap

from model_oracle import keras_report
from shapelens.analyser import analyse_for_editor
from shapelens.report import BUILD_ONLY_NOTE
from shapelens.server.hover import hover_at
from shapelens.server.settings import Settings
from traced_oracle import keras_traced

SOURCE = """
    import keras
    import numpy as np
    from keras import layers

    class Gain(layers.Layer):
        def build(self, input_shape):
            self.g = self.add_weight(shape=(input_shape[-1],))

        def call(self, x):
            return x * self.g

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.conv = layers.Conv2D(6, 3)
            self.gain = Gain()
            self.pool = layers.GlobalMaxPooling2D()
            self.out = layers.Dense(2)

        def call(self, inputs):
            x = self.gain(self.conv(inputs))
            return self.out(self.pool(x))

    class Unused(keras.Model):
        def call(self, x):
            return x

    built = Net()
    built.build((None, 12, 12, 1))
    called = Net()
    called(np.zeros((4, 12, 12, 1)))
    """


def analysed(tmp_path):
    path = tmp_path / "hover_traced.py"
    path.write_text(textwrap.dedent(SOURCE).lstrip(), encoding="utf-8")
    outcome = analyse_for_editor(path.read_text())
    sites = sorted(outcome.analysis.sites.values(), key=lambda s: (s.span.line, s.span.column))
    return path, path.read_text().splitlines(), sites, list(zip(outcome.analysis.models, outcome.model_macs))


def hover(lines, sites, models, text, needle):
    line = next(i for i, t in enumerate(lines, start=1) if t.strip() == text)
    return hover_at(sites, models, lines[line - 1], line, lines[line - 1].index(needle) + 1, Settings())


def test_hover_on_the_class_name_shows_each_traced_input_and_total_params(tmp_path):
    path, lines, sites, models = analysed(tmp_path)
    answer = hover(lines, sites, models, "class Net(keras.Model):", "Net")
    assert answer is not None
    text = answer.value
    assert text.startswith("**Net** — traced by ShapeLens (2 runs)")
    built = keras_traced(path, "built", [(None, 12, 12, 1)])
    top = [r for r in built if r["name"] in ("conv2d", "gain", "global_max_pooling2d", "dense")]
    total = sum(r["params"] for r in top)
    assert f"- `built` (`build()`): input `(None, 12, 12, 1)` → `{top[-1]['output_shape']}`, **{total:,}** params" in text
    called = next(m for m in keras_report(path)["models"] if m["name"] == "called")
    out = keras_traced(path, "called", [(4, 12, 12, 1)])[-1]["output_shape"]
    assert f"- `called` (call): input `(4, 12, 12, 1)` → `{out}`, **{called['total_params']:,}** params" in text
    assert BUILD_ONLY_NOTE in text     # `built` only: Keras's summary shows `?` for it


def test_hover_on_a_custom_layer_class_lists_every_instance(tmp_path):
    path, lines, sites, models = analysed(tmp_path)
    text = hover(lines, sites, models, "class Gain(layers.Layer):", "Gain").value
    for variable, shape, name in (("built", (None, 12, 12, 1), "gain"), ("called", (4, 12, 12, 1), "gain_1")):
        gain = next(r for r in keras_traced(path, variable, [shape]) if r["name"] == name)
        assert f"- `{name}`: input `{gain['output_shape']}` → `{gain['output_shape']}`, **{gain['params']}** params" in text


def test_a_class_never_traced_has_no_hover_and_call_lines_show_the_derivation(tmp_path):
    path, lines, sites, models = analysed(tmp_path)
    assert hover(lines, sites, models, "class Unused(keras.Model):", "Unused") is None
    answer = hover(lines, sites, models, "x = self.gain(self.conv(inputs))", "conv")
    conv = [r for r in keras_traced(path, "built", [(None, 12, 12, 1)]) if r["name"] == "conv2d"][0]
    assert answer.value.startswith("**Conv2D** `conv2d` — runs 2 times")
    assert f"Output shape: `{conv['output_shape']}`" in answer.value
    assert f"Parameters: **{conv['params']}**" in answer.value
    assert "```text" in answer.value     # the derivation with the numbers put in
