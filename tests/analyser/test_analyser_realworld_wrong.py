"""Constructs from real-world code where the analyser once printed wrong rows (or ``?``), each checked
against real Keras: reused layers in a new Sequential (``isinstance`` and ``type()`` on layers), masks an RNN
does not consume, a multi-output model nested in a subclassed model, ``input_shape=`` given to a
custom layer, ``Embedding``'s own ``input_dim``, weights made by ``keras.Variable`` and
``add_variable``."""

import textwrap

import pytest

from oracle_compare import assert_models_match_keras, ours

SNIPPETS = {
    "sequential_of_reused_layers_with_isinstance": """
        import keras
        from keras import layers
        src = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(5), layers.Dropout(0.1), layers.Dense(3)])
        swapped = keras.Sequential([layers.Dropout(0.3) if isinstance(layer, layers.Dropout) else layer
                                    for layer in src.layers])
        kept = keras.Sequential([layer for layer in src.layers if not isinstance(layer, keras.layers.Dropout)])
        dense_only = keras.Sequential([layer for layer in src.layers if isinstance(layer, (layers.Dense,))])
        """,
    "isinstance_on_layer_subclasses": """
        import keras
        from keras import layers
        class MyDrop(layers.Dropout):
            pass
        src = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(6), MyDrop(0.2), layers.Dense(2)])
        a = keras.Sequential([layers.Dropout(0.5) if isinstance(layer, layers.Dropout) else layer
                              for layer in src.layers])
        b = keras.Sequential([layer for layer in src.layers if not isinstance(layer, MyDrop)])
        c = keras.Sequential([layer for layer in src.layers if isinstance(layer, layers.Layer)])
        d = keras.Sequential([layers.Dense(3) if issubclass(MyDrop, layers.Dropout) else layers.Dense(5),
                              layers.Dense(1) if issubclass(layers.LSTM, layers.RNN) else layers.Dense(7)])
        d.build((None, 2))
        e = keras.Sequential([keras.Input(shape=(3,))]
                             + [layers.Dense(4) if isinstance(n, int) and not isinstance(n, bool) else layers.Dense(9)
                                for n in (2, 5.0, True, "x", [1])])
        """,
    "layers_chosen_by_their_type": """
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input((28, 28, 1)),
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(4, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10),
        ])
        layers_to_visualize = [keras.layers.Conv2D, keras.layers.MaxPooling2D]
        layer_outputs = [layer.output for layer in model.layers if type(layer) in layers_to_visualize]
        activation_model = keras.Model(inputs=model.inputs, outputs=layer_outputs)
        dense_only = keras.Sequential([keras.Input((4,))] + [l for l in [layers.Dense(3), layers.Dropout(0.1),
                                                                          layers.Dense(2)] if type(l) == layers.Dense])
        not_pool = keras.Sequential([keras.Input((6, 6, 2))] + [
            l for l in [layers.Conv2D(2, 3), layers.MaxPooling2D(2)]
            if type(l) != layers.MaxPooling2D and type(l) not in (layers.Dense,)])
        """,
    "second_mask_not_consumed_with_initial_state": """
        import keras
        from keras import layers
        a = keras.Input(shape=(None,), dtype="int32")
        h = layers.LSTM(6)(layers.Embedding(50, 3, mask_zero=True)(a))
        b = keras.Input(shape=(None,), dtype="int32")
        y = layers.Embedding(50, 3, mask_zero=True)(b)
        y = layers.SimpleRNN(6)(y, initial_state=h)
        model = keras.Model([a, b], y)
        """,
    "multi_output_model_inside_subclassed_model": """
        import keras
        from keras import layers
        x_in = keras.Input(shape=(5,))
        pair = keras.Model(x_in, [layers.Dense(3)(x_in), layers.Dense(4)(x_in)])
        class Outer(keras.Model):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner
            def call(self, x):
                return self.inner(x)
        outer = Outer(pair)
        """,
    "multi_output_model_called_later_prints_a_list": """
        import keras
        from keras import layers
        x_in = keras.Input(shape=(5,))
        pair = keras.Model(x_in, [layers.Dense(3)(x_in), layers.Dense(4)(x_in)])
        class Outer(keras.Model):
            def __init__(self, inner):
                super().__init__()
                self.inner = inner
            def call(self, x):
                return self.inner(x)
        outer = Outer(pair)
        z = keras.Input(shape=(5,))
        functional_parent = keras.Model(z, pair(z))
        """,
    "input_shape_through_custom_layer_kwargs": """
        import keras
        from keras import layers
        class Double(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
            def call(self, x):
                return x + x
        class Triple(layers.Layer):
            def call(self, x):
                return x * 3
        m1 = keras.Sequential([Double(input_shape=(None, 4)), layers.Dense(2)])
        m2 = keras.Sequential([Triple(input_shape=[7]), layers.Dense(3), layers.Dense(1)])
        """,
    "embedding_input_dim_is_the_vocabulary_size": """
        import keras
        from keras import layers
        unbuilt = keras.Sequential([layers.Embedding(input_dim=50, output_dim=4), layers.Flatten()])
        shorthand = keras.Sequential([layers.Dense(3, input_dim=5), layers.Dense(1)])
        class Vocab(layers.Embedding):
            pass
        also_unbuilt = keras.Sequential([Vocab(input_dim=20, output_dim=2)])
        """,
    "keras_variables_and_add_variable_are_weights": """
        import keras
        import numpy as np
        from keras import layers
        class Affine(layers.Layer):
            def __init__(self, units):
                super().__init__()
                self.units = units
            def build(self, input_shape):
                self.kernel = self.add_variable((input_shape[-1], self.units), "glorot_uniform")
                self.bias = keras.Variable(initializer="zeros", shape=(self.units,))
                self.steps = keras.Variable(np.zeros((3, 2)), dtype="float32", trainable=False)
                self.extra = []
                self.extra.append(keras.Variable(initializer="ones", shape=(2, self.units)))
            def call(self, x):
                return ops.matmul(x, self.kernel) + self.bias
        from keras import ops
        model = keras.Sequential([keras.Input((4,)), Affine(3), layers.Dense(2)])
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]).lstrip(), encoding="utf-8")
    assert_models_match_keras(path)


def test_a_variable_from_an_array_of_unknown_dtype_is_counted_as_unknown(tmp_path):
    """``keras.Variable(np.ones(4))`` keeps the array's dtype (float64 on TensorFlow, float32 on
    JAX): the summary's bytes depend on the backend, so the layer's params are ``?``, never 0."""
    path = tmp_path / "variable_dtype.py"
    path.write_text(textwrap.dedent("""
        import keras
        import numpy as np
        from keras import layers
        class Scale(layers.Layer):
            def __init__(self):
                super().__init__()
                self.s = keras.Variable(np.ones((4,)))
            def call(self, x):
                return x * self.s
        model = keras.Sequential([keras.Input((4,)), Scale()])
        """).lstrip(), encoding="utf-8")
    (model,) = ours(path)["models"]
    assert [(row["output_shape"], row["params"]) for row in model["layers"]] == [("(None, 4)", None)]
    assert model["total_params"] is None
