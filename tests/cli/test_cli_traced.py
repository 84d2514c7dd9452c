"""``shapelens summary`` and ``check --format json`` for subclassed models: the Keras-identical table
and rows stay first and unchanged (checked against Keras's summary); the shapes ShapeLens traced
inside ``call()`` come after, in a table labelled as traced and in separate JSON fields, with the
values real Keras gives when the model is called on data of that shape."""

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from oracle_compare import assert_models_match_keras
from traced_oracle import keras_traced

SOURCE = """
    import keras
    import numpy as np
    from keras import layers

    class Residual(layers.Layer):
        def __init__(self, width, **kwargs):
            super().__init__(**kwargs)
            self.conv = layers.Conv2D(width, 3, padding="same")

        def call(self, x):
            return x + self.conv(x)

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.stem = layers.Conv2D(4, 3)
            self.block = Residual(4)
            self.pool = layers.GlobalAveragePooling2D()
            self.head = layers.Dense(3)

        def call(self, inputs):
            return self.head(self.pool(self.block(self.stem(inputs))))

    built = Net()
    built.build((None, 9, 9, 2))
    called = Net()
    called(np.zeros((2, 9, 9, 2)))
    called(np.zeros((2, 7, 7, 2)))
    """


def run(*args):
    return subprocess.run([sys.executable, "-m", "shapelens", *args], capture_output=True, text=True, timeout=120)


def write(tmp_path, source=SOURCE):
    path = tmp_path / "subclassed.py"
    path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return path


def cells(table: str, layer: str) -> list:
    """The cells of ``layer``'s row in a printed table."""
    row = next(line for line in table.splitlines() if line.startswith(f"│ {layer} ("))
    return [cell.strip() for cell in row.strip("│").split("│")]


def test_json_keeps_keras_rows_and_puts_traced_values_apart(tmp_path):
    path = write(tmp_path)
    mine = assert_models_match_keras(path)          # the default rows are Keras's own
    result = run("check", "--format", "json", str(path))
    assert result.returncode == 0, result.stdout
    models = {m["name"]: m for m in json.loads(result.stdout)["files"][0]["models"]}
    assert {n: m["layers"] for n, m in models.items()} == {m["name"]: m["layers"] for m in mine["models"]}
    assert models["built"]["total_params"] == 0      # Keras: built without being called
    for name, shape in (("built", (None, 9, 9, 2)), ("called", (2, 7, 7, 2))):
        real = {r["name"]: r for r in keras_traced(path, name, [shape])}   # the last call of each
        traced = models[name]["traced"][-1]
        assert traced["how"] == ("build" if name == "built" else "call")
        assert traced["input_shape"] == str(shape)
        assert [(l["name"], l["output_shape"], l["params"]) for l in traced["layers"]] == [
            (l["name"], real[l["name"]]["output_shape"], real[l["name"]]["params"]) for l in traced["layers"]]
        assert traced["output_shape"] == real[traced["layers"][-1]["name"]]["output_shape"]
        assert traced["total_params"] == sum(l["params"] for l in traced["layers"])


def test_summary_prints_a_traced_table_labelled_as_traced(tmp_path):
    path = write(tmp_path)
    result = run("summary", str(path))
    out = result.stdout
    keras_part, _, traced_part = out.partition("Traced by ShapeLens, not printed by Keras: \"net\"")
    assert "│ stem" not in keras_part
    assert cells(keras_part, "conv2d") == ["conv2d (Conv2D)", "?", "0 (unbuilt)"]
    first = traced_part.split("\n\n")[0]
    assert first.startswith(" on input (None, 9, 9, 2)\n(from build(): Keras's summary() will show ? until "
                            "the model is called on data)")
    assert "Output Shape (traced)" in first
    real = {r["name"]: r for r in keras_traced(path, "built", [(None, 9, 9, 2)])}
    for name in ("conv2d", "residual", "global_average_pooling2d", "dense"):
        assert cells(first, name)[1:] == [real[name]["output_shape"], f"{real[name]['params']:,}"]
    # the model called on two shapes: one table, each row with both runs, as the hints show them
    second = out.split('Traced by ShapeLens, not printed by Keras: "net_1" on input ')[1].split("\n\n")[0]
    assert second.startswith("×2: (2, 9, 9, 2) | (2, 7, 7, 2)\n┏")
    runs = keras_traced(path, "called", [(2, 9, 9, 2), (2, 7, 7, 2)])
    stem = [r["output_shape"] for r in runs if r["name"] == runs[0]["name"]]
    assert cells(second, runs[0]["name"])[1] == f"×2: {stem[0]} | {stem[1]}"


def test_the_bundled_subclassed_example_traces_as_real_keras_calls_it():
    """``examples/subclassed_model.py`` is the README's picture of hints inside ``call()`` (taken by
    the VS Code e2e test, which expects these values): every traced layer call is Keras's own."""
    path = Path(__file__).resolve().parents[2] / "examples" / "subclassed_model.py"
    result = run("check", "--format", "json", str(path))
    assert result.returncode == 0, result.stdout
    (model,) = json.loads(result.stdout)["files"][0]["models"]
    traced = model["traced"][-1]
    assert traced["input_shape"] == "(None, 64, 64, 3)"
    real = keras_traced(path, "model", [(None, 64, 64, 3)])
    assert [(l["name"], l["output_shape"], l["params"]) for l in traced["layers"]] == [
        (r["name"], r["output_shape"], r["params"]) for r in real]
    assert traced["total_params"] == model["total_params"] == 38_538
