"""The user's own layer and model classes, each snippet checked against real Keras: subclasses of
built-in layers (``class MyConv(layers.Conv2D)``), ``MyModel(inputs, outputs)`` for a Model
subclass, and weights made with ``self.add_weight``; plus the hints shown inside such classes."""

import textwrap

import pytest

from oracle_compare import assert_models_match_keras
from shapelens.analyser import analyse_source

SNIPPETS = {
    "builtin_layer_subclasses": """
        import keras
        from keras import layers

        class PlainConv(layers.Conv2D):
            pass

        class Twice(layers.Dense):
            def call(self, x):
                return super().call(x) * 2

        class GatedConv(layers.Conv2D):
            def __init__(self, filters, kernel_size, **kwargs):
                super().__init__(filters, kernel_size, padding="same", **kwargs)

            def build(self, input_shape):
                super().build(input_shape)
                self.gate = self.add_weight(shape=(self.filters,), initializer="ones")

        class Narrow(keras.layers.Dense):
            def compute_output_shape(self, input_shape):
                return (input_shape[0], 1)

        class OwnKernelOnly(layers.Dense):
            def build(self, input_shape):
                self.k = self.add_weight(shape=(input_shape[-1], self.units), trainable=False)

        class Wider(layers.Dense):
            def __init__(self, units, factor=2, **kwargs):
                super().__init__(units=units * factor, **kwargs)

        class Widest(Wider):
            pass

        class FrozenNorm(layers.BatchNormalization):
            pass

        class Tower(keras.Model):
            def __init__(self):
                super().__init__()
                self.proj = Wider(3)
                self.norm = FrozenNorm()

            def call(self, x):
                return self.norm(self.proj(x))

        image = keras.Input((12, 12, 2))
        y = PlainConv(4, 3)(image)
        y = GatedConv(5, 3, strides=2, name="gated")(y)
        y = layers.Flatten()(y)
        y = Twice(6)(y)
        y = OwnKernelOnly(4)(y)
        y = Widest(2)(y)
        y = Narrow(9)(y)
        convs = keras.Model(image, FrozenNorm(trainable=False)(y))
        stack = keras.Sequential([Wider(2, input_shape=(5,)), Twice(3), FrozenNorm()])
        tower = Tower()
        tower(keras.Input((7,)))
        """,
    "model_subclass_called_functionally": """
        import keras
        from keras import layers

        class CustomFit(keras.Model):
            def train_step(self, data):
                return super().train_step(data)

        class Forwarding(keras.Model):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)

        class Named(keras.Model):
            def __init__(self, inputs, outputs, **kwargs):
                super().__init__(inputs=inputs, outputs=outputs, **kwargs)
                self.note = "kept"

        class Deeper(CustomFit):
            def test_step(self, data):
                return super().test_step(data)

        src = keras.Input((9,))
        mid = layers.Dense(5, activation="relu")(src)
        dst = layers.Dense(3)(mid)
        fit_model = CustomFit(src, dst)
        forwarded = Forwarding(inputs=src, outputs=dst, name="fwd")
        named = Named(src, dst)
        deeper = Deeper(inputs=src, outputs=dst)
        outer = keras.Model(src, fit_model(src))
        """,
}


def write(tmp_path, name, source):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_keras(name, tmp_path):
    assert_models_match_keras(write(tmp_path, name, SNIPPETS[name]))


def test_model_subclass_called_functionally_is_reported_where_it_is_made():
    """The model hint of ``Forwarding(inputs=..., outputs=...)`` sits on that line, not on the
    ``super().__init__`` line inside the class (shared by every model of the class)."""
    source = textwrap.dedent(SNIPPETS["model_subclass_called_functionally"]).lstrip()
    analysis = analyse_source(source, "made.py")
    lines = source.splitlines()
    where = {m.variable: lines[m.span.line - 1].strip() for m in analysis.models}
    assert where["forwarded"].startswith("forwarded = Forwarding(")
    assert where["named"].startswith("named = Named(")
