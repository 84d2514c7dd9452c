"""The user's own layer and model classes, each snippet checked against real Keras: subclasses of
built-in layers (``class MyConv(layers.Conv2D)``), ``MyModel(inputs, outputs)`` for a Model
subclass, and weights made with ``self.add_weight``; plus the hints shown inside such classes."""

import textwrap

import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, row_tuples, write_snippet
from shapelens.analyser import analyse_source
from shapelens.engine.shape import UNKNOWN
from shapelens.server.hints import shape_text

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

        class Labelled(keras.Model):
            def __init__(self, inputs, outputs):
                super().__init__(inputs, outputs, name="labelled_net")

        class Head(keras.Model):
            def __init__(self, **kwargs):
                super().__init__(name="the_head", **kwargs)
                self.dense = layers.Dense(2)

            def call(self, x):
                return self.dense(x)

        src = keras.Input((9,))
        mid = layers.Dense(5, activation="relu")(src)
        dst = layers.Dense(3)(mid)
        fit_model = CustomFit(src, dst)
        forwarded = Forwarding(inputs=src, outputs=dst, name="fwd")
        named = Named(src, dst)
        deeper = Deeper(inputs=src, outputs=dst)
        labelled = Labelled(src, dst)
        outer = keras.Model(src, [fit_model(src), labelled(src), Head()(src)])
        """,
    "builtin_subclasses_traced_inside_a_model": """
        import keras
        from keras import layers, ops

        class Pinched(layers.Dense):
            def compute_output_shape(self, input_shape):
                return (input_shape[0], 2)

        class Averaged(layers.Dense):
            def build(self, input_shape):
                super().build(input_shape)
                self.offset = self.add_weight(shape=(4,))

            def call(self, x):
                return ops.mean(super().call(x), axis=-1, keepdims=True) + 1

        class RawKernel(layers.Dense):
            def call(self, x):
                return ops.matmul(x, self.kernel)

        class Holder(keras.Model):
            def __init__(self):
                super().__init__()
                self.p = Pinched(6)
                self.a = Averaged(5)
                self.r = RawKernel(3)
                self.out = layers.Dense(2)

            def call(self, x):
                return self.out(self.r(self.a(self.p(x))))

        holder = Holder()
        holder(keras.Input((7,)))
        start = keras.Input((7,))
        graph = keras.Model(start, Averaged(5)(Pinched(6)(start)))
        """,
    "add_weight_layers": """
        import keras
        from keras import layers, ops

        class Projection(layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.units = units

            def build(self, input_shape):
                fan_in = input_shape[-1]
                self.kernel = self.add_weight(shape=[fan_in, self.units], initializer="glorot_uniform")
                self.bias = self.add_weight(shape=(self.units,), initializer="zeros", trainable=False)
                self.gain = self.add_weight(name="gain", initializer="ones")

            def call(self, inputs):
                return (ops.matmul(inputs, self.kernel) + self.bias) * self.gain

        class Mixer(layers.Layer):
            def __init__(self, width, **kwargs):
                super().__init__(**kwargs)
                self.mix = self.add_weight(shape=(width, width), initializer="identity")

            def call(self, x):
                return x @ self.mix

        class Sized(layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight(shape=(int(input_shape[-1]), 3))

            def call(self, x):
                return ops.matmul(x, self.w)

            def compute_output_shape(self, input_shape):
                return input_shape[:-1] + (3,)

        class Activated(layers.Layer):
            def __init__(self, units, activation=None, **kwargs):
                super().__init__(**kwargs)
                self.units = units
                self.activation = keras.activations.get(activation)

            def build(self, batch_input_shape):
                self.kernel = self.add_weight(name="kernel", shape=[batch_input_shape[-1], self.units])

            def call(self, x):
                return self.activation(x @ self.kernel)

        class Scaled(keras.Model):
            def __init__(self):
                super().__init__()
                self.proj = Projection(6)
                self.sized = Sized()
                self.scale = self.add_weight(shape=(), initializer="ones", trainable=False)

            def call(self, x):
                return self.sized(self.proj(x)) / self.scale

        tokens = keras.Input((5, 4))
        h = Projection(8)(tokens)
        h = Mixer(8)(h)
        per_token = keras.Model(tokens, Sized()(h))
        scaled = Scaled()
        scaled(keras.Input((9,)))
        stack = keras.Sequential([keras.Input((4,)), Projection(3), Mixer(3)])
        acted = keras.Model(tokens, Activated(2)(Activated(3, "relu")(tokens)))
        """,
    "explicitly_built_custom_layers": """
        import keras
        from keras import layers

        class Gain(layers.Layer):
            def build(self, input_shape):
                self.g = self.add_weight(shape=(input_shape[-1],))

            def call(self, x):
                return x * self.g

            def compute_output_shape(self, input_shape):
                return input_shape

        class Shifted(layers.Dense):
            def build(self, input_shape):
                super().build(input_shape)
                self.shift = self.add_weight(shape=(2,))

        class Bare(layers.Layer):
            def build(self, input_shape):
                self.v = self.add_weight(shape=(3,))

            def call(self, x):
                return x

        gain = Gain()
        gain.build((None, 4))
        shifted = Shifted(3)
        shifted.build((None, 4))
        start = keras.Input((4,))
        built_first = keras.Model(start, shifted(gain(start)))

        class Box(keras.Model):
            def __init__(self):
                super().__init__()
                self.gain = Gain()
                self.shifted = Shifted(2)
                self.bare = Bare()
                self.gain.build((None, 5))
                self.shifted.build((None, 5))
                self.bare.build((None, 5))

        box = Box()
        """,
}

# the same layer written with TensorFlow's matmul (the test oracle has no TensorFlow to run it)
TF_SPELLING = """
    import keras
    import tensorflow as tf
    from keras import layers

    class Projection(layers.Layer):
        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], 6))

        def call(self, inputs):
            return {matmul}(inputs, self.kernel)

    start = keras.Input((5, 4))
    model = keras.Model(start, Projection()(start))
    """



@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_keras(name, tmp_path):
    assert_models_match_keras(write_snippet(tmp_path, name, SNIPPETS[name]))


def test_model_subclass_called_functionally_is_reported_where_it_is_made():
    """The model hint of ``Forwarding(inputs=..., outputs=...)`` sits on that line, not on the
    ``super().__init__`` line inside the class (shared by every model of the class)."""
    source = textwrap.dedent(SNIPPETS["model_subclass_called_functionally"]).lstrip()
    analysis = analyse_source(source, "made.py")
    lines = source.splitlines()
    where = {m.variable: lines[m.span.line - 1].strip() for m in analysis.models}
    assert where["forwarded"].startswith("forwarded = Forwarding(")
    assert where["named"].startswith("named = Named(")


def rows(analysis):
    return [(m.variable, m.class_name, [(r.name, r.class_name, r.output_shape, r.params) for r in m.rows],
             m.params.total) for m in analysis.models]


def test_tensorflow_matmul_in_a_custom_layer_is_keras_ops_matmul(tmp_path):
    keras_spelling = TF_SPELLING.replace("import tensorflow as tf\n", "from keras import ops\n")
    path = write_snippet(tmp_path, "ops_spelling", keras_spelling.format(matmul="ops.matmul"))
    assert_models_match_keras(path)
    expected = rows(analyse_source(path.read_text(), str(path)))
    for spelling in ("tf.matmul", "tf.linalg.matmul"):
        source = textwrap.dedent(TF_SPELLING.format(matmul=spelling))
        assert rows(analyse_source(source, "tf_spelling.py")) == expected, spelling


def test_hints_inside_a_custom_layer_show_its_output(tmp_path):
    """The last line of a custom layer's ``call`` shows the shape Keras gives the layer."""
    path = write_snippet(tmp_path, "add_weight_layers", SNIPPETS["add_weight_layers"])
    real = {r["name"]: r["output_shape"] for m in keras_report(path)["models"] for r in m["layers"]}
    analysis = analyse_source(path.read_text(), str(path))
    lines = path.read_text().splitlines()
    shown = {}
    for span, site in analysis.sites.items():
        text = lines[span.line - 1].strip()
        if text.startswith("return") and site.results and site.results[0].class_name in ("Multiply", "Matmul"):
            shown.setdefault(text, set()).update(shape_text(r.output) for r in site.results)
    assert shown["return (ops.matmul(inputs, self.kernel) + self.bias) * self.gain"] >= {
        real["projection"], real["projection_2"]}
    assert real["mixer"] in shown["return x @ self.mix"]
    assert real["sized"] in shown["return ops.matmul(x, self.w)"]
    assert not [d for d in analysis.diagnostics if d.severity == "error"]


def test_keras_2_add_weight_spelling_is_the_error_keras_3_raises(tmp_path):
    path = write_snippet(tmp_path, "old_add_weight", """
        import keras
        from keras import layers, ops

        class Legacy(layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight("w", shape=(input_shape[-1], 2))

            def call(self, x):
                return ops.matmul(x, self.w)

        start = keras.Input((3,))
        model = keras.Model(start, Legacy()(start))
        """)
    error = keras_report(path)["error"]
    assert error is not None and error["type"] == "ValueError"
    analysis = analyse_source(path.read_text(), str(path))
    errors = [d for d in analysis.diagnostics if d.severity == "error"]
    assert [d.span.line for d in errors] == [error["line"]]
    assert errors[0].message == error["message"]
    assert [r.params for m in analysis.models for r in m.rows if r.class_name == "Legacy"] in ([], [UNKNOWN])


def test_custom_layer_called_on_a_value_not_known_to_be_a_tensor_reports_nothing():
    """``layer(next_batch())``: the analyser cannot see the argument, and Keras may stop
    before ``build`` (a bad argument), so nothing found inside ``build``/``call`` is an error."""
    source = textwrap.dedent("""
        import tensorflow as tf
        from keras import layers

        class Legacy(layers.Layer):
            def build(self, input_shape):
                self.w = self.add_weight("w", shape=(input_shape[-1], 2))

            def call(self, x):
                return tf.matmul(x, self.w)

        layer = Legacy()
        out = layer(next_batch())
        """)
    analysis = analyse_source(source, "eager_call.py")
    assert not [d for d in analysis.diagnostics if d.severity == "error"]


def test_freezing_a_subclass_of_a_layer_with_an_invalid_argument_reports_keras_error_only(tmp_path):
    """``self.trainable = False`` in a subclass whose ``super().__init__`` Keras rejects: the
    rejection is the one error, at Keras's line, and the rest of the file is still analysed."""
    path = write_snippet(tmp_path, "frozen_invalid", """
        import keras
        from keras import layers

        class Frozen(layers.Dense):
            def __init__(self, **kwargs):
                super().__init__(units="x", **kwargs)
                self.trainable = False

        inputs = keras.Input((8,))
        x = Frozen()(inputs)
        model = keras.Model(inputs, x)
        """)
    error = keras_report(path)["error"]
    assert error is not None and error["type"] == "ValueError"
    analysis = analyse_source(path.read_text(), str(path))
    errors = [d for d in analysis.diagnostics if d.severity == "error"]
    assert [(d.span.line, d.message) for d in errors] == [(error["line"], error["message"])]
    assert not [d for d in analysis.diagnostics if d.code == "analysis-limit"]


FIT_BUILT = """
    import os
    import numpy as np
    import keras
    from keras import layers

    class Decode(layers.Layer):
        def __init__(self):
            super().__init__()
            self.conv = layers.Conv2D(1, 3, padding="same")

        def call(self, x):
            return self.conv(x)

    class Net(keras.Model):
        def __init__(self):
            super().__init__()
            self.decode = Decode()
            self.widen = layers.Conv2D(2, 3, padding="same")

        def call(self, x):
            return self.decode(self.widen(x))

    model = Net()
    model.compile(loss="mse", optimizer="sgd")
    model.fit({data}, np.zeros((4, 8, 8, 1)), epochs=1, verbose=0)
    """


def test_a_subclassed_model_built_by_fit_counts_its_weights(tmp_path):
    """``fit`` on a concrete array builds the model (Keras calls it on one batch): every row and
    total is Keras's, except the batch size (Keras's comes from the data's first batch)."""
    path = tmp_path / "fit_built.py"
    path.write_text(textwrap.dedent(FIT_BUILT.format(data="np.zeros((4, 8, 8, 3))")).lstrip())
    real, mine = keras_report(path), ours(path)
    [want], [got] = real["models"], mine["models"]
    assert [r["params"] for r in got["layers"]] == [r["params"] for r in want["layers"]]
    assert [got[k] for k in ("total_params", "trainable_params")] == [want[k] for k in ("total_params", "trainable_params")]
    assert got["layers"][0]["output_shape"] == want["layers"][0]["output_shape"] == "?"
    ours_shape, keras_shape = got["layers"][1]["output_shape"], want["layers"][1]["output_shape"]
    assert ours_shape.startswith("(?,") and ours_shape.split(",")[1:] == keras_shape.split(",")[1:]


def test_a_subclassed_model_built_by_fit_on_unknown_data_is_unknown_never_0(tmp_path):
    """On data of a shape not known statically, the rows and totals are ``?``, never "0 (unbuilt)"."""
    data = 'np.zeros(tuple(int(v) for v in os.environ.get("SHAPE", "4,8,8,3").split(",")))'
    path = tmp_path / "fit_unknown.py"
    path.write_text(textwrap.dedent(FIT_BUILT.format(data=data)).lstrip())
    real, mine = keras_report(path), ours(path)
    [want], [got] = real["models"], mine["models"]
    assert want["total_params"] > 0 and got["total_params"] is None
    assert [r["params"] for r in got["layers"]] == [None, None]


AUTOENCODER = """
    import os
    import numpy as np
    import keras
    from keras import layers

    class Encoder(layers.Layer):
        def __init__(self):
            super().__init__()
            self.conv = layers.Conv2D(4, 3, padding="same")
            self.pool = layers.MaxPooling2D(2)

        def call(self, x):
            return self.pool(self.conv(x))

    class Decoder(layers.Layer):
        def __init__(self):
            super().__init__()
            self.up = layers.UpSampling2D(2)
            self.conv = layers.Conv2D(1, 3, padding="same")

        def call(self, x):
            return self.conv(self.up(x))

    class Autoencoder(keras.Model):
        def __init__(self):
            super().__init__()
            self.encoder = Encoder()
            self.decoder = Decoder()

        def call(self, x):
            return self.decoder(self.encoder(x))

    data = np.zeros(tuple(int(v) for v in os.environ.get("SHAPE", "6,8,8,1").split(",")), "float32")
    model = Autoencoder()
    image = model(data)[0]
    """


def test_a_subclassed_model_called_on_data_of_unknown_shape_records_no_inner_node(tmp_path):
    """Called on data ShapeLens cannot see, the model runs eagerly in Keras: its layers get no
    node, so a custom layer without ``compute_output_shape`` prints ``?`` as Keras does, never a
    partial shape worked out from its last layer (``(?, ?, ?, 1)``)."""
    path = tmp_path / "called_on_unknown.py"
    path.write_text(textwrap.dedent(AUTOENCODER).lstrip())
    real, mine = keras_report(path), ours(path)
    [want], [got] = real["models"], mine["models"]
    assert [r["output_shape"] for r in got["layers"]] == [r["output_shape"] for r in want["layers"]] == ["?", "?"]
    assert [r["params"] for r in got["layers"]] == [None, None]


WRAPPER = """
    import os
    import numpy as np
    import keras
    from keras import layers

    inputs = keras.Input((8,))
    encoder = keras.Model(inputs, layers.Dense(4)(layers.BatchNormalization()(inputs)))
    head = keras.Sequential([keras.Input((4,)), layers.Dense(1)])

    class Wrapper(keras.Model):
        def __init__(self, encoder, head):
            super().__init__()
            self.encoder = encoder
            self.head = head
        EXTRA
        def call(self, x):
            return self.head(self.encoder(x))

    shape = tuple(int(v) for v in os.environ.get("SHAPE", "4,8").split(","))
    wrapper = Wrapper(encoder, head)
    wrapper.compile(optimizer="sgd", loss="mse")
    wrapper.fit(np.zeros(shape), np.zeros((shape[0], 1)), epochs=1, verbose=0)
    """

OWN_BUILD = """
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(1,), name="scale")
"""


@pytest.mark.parametrize("extra", ["", OWN_BUILD], ids=["only_built_models", "with_its_own_build"])
def test_functional_models_inside_a_model_fitted_on_unknown_data_keep_their_counts(tmp_path, extra):
    """A subclassed wrapper of two functional models (a GAN's discriminator and generator) is
    fitted on data of unknown shape.  The functional models were built when they were made: their
    rows and totals stay Keras's, and so do the wrapper's totals, unless its class may make
    weights of its own when it runs (a ``build``), which leaves them ``?``."""
    path = tmp_path / "wrapper_fit.py"
    path.write_text(textwrap.dedent(WRAPPER).replace("    EXTRA\n", textwrap.indent(
        textwrap.dedent(extra), "    ")).lstrip())
    real, mine = keras_report(path), ours(path)
    assert real["error"] is None, real["error"]
    wanted = {m["name"]: m for m in real["models"]}
    got = {m["name"]: m for m in mine["models"]}
    totals = ("total_params", "trainable_params", "non_trainable_params")
    for name in ("encoder", "head"):
        assert row_tuples(got[name]) == row_tuples(wanted[name])
        assert [got[name][k] for k in totals] == [wanted[name][k] for k in totals]
    assert [r["params"] for r in got["wrapper"]["layers"]] == [r["params"] for r in wanted["wrapper"]["layers"]]
    if extra:
        assert got["wrapper"]["total_params"] is None
    else:
        assert [got["wrapper"][k] for k in totals] == [wanted["wrapper"][k] for k in totals]
