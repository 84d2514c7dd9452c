"""Models used inside models, each snippet checked against real Keras: a built model called
again on other shapes, cloned models, nested models with ``None`` dims, backbones built on the
user's ``input_tensor``, and totals when a model or layer is shared."""

import textwrap

import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras

SNIPPETS = {
    # cause 1: a built model called on a more specific input keeps its own rows
    "sequential_called_on_known_length": """
        import keras
        from keras import layers
        seq = keras.Sequential([keras.Input((None, 8)), layers.Dense(4), layers.Dense(2)])
        x = keras.Input((10, 8))
        outer = keras.Model(x, layers.Flatten()(seq(x)))
        """,
    "functional_encoder_called_on_known_length": """
        import keras
        from keras import layers
        a = keras.Input((None, 6))
        h = layers.Conv1D(4, 3)(a)
        h = layers.GlobalMaxPooling1D()(h)
        encoder = keras.Model(a, h, name="enc")
        b = keras.Input((12, 6))
        wrapper = keras.Model(b, layers.Dense(3)(encoder(b)))
        """,
    "built_sequential_called_on_other_shape_twice": """
        import keras
        from keras import layers
        blocks = keras.Sequential([layers.Conv2D(4, 3, padding="same"), layers.MaxPooling2D()])
        blocks.build((None, None, None, 2))
        small = keras.Input((8, 8, 2))
        large = keras.Input((16, 16, 2))
        merged = layers.Concatenate()([layers.Flatten()(blocks(small)), layers.Flatten()(blocks(large))])
        both = keras.Model([small, large], merged)
        """,
    # cause 3: nested functional models with None dims
    "nested_functional_none_dims": """
        import keras
        from keras import layers
        img = keras.Input((None, None, 3))
        t = layers.Conv2D(8, 3, padding="same")(img)
        t = layers.MaxPooling2D()(t)
        inner = keras.Model(img, t)
        big = keras.Input((32, 32, 3))
        u = layers.Flatten()(inner(big))
        outer = keras.Model(big, layers.Dense(2)(u))
        """,
    "nested_two_levels_with_operator_and_two_outputs": """
        import keras
        from keras import layers
        p = keras.Input((None, 5))
        q = layers.Dense(5)(p)
        core = keras.Model(p, [q + p, layers.GlobalAveragePooling1D()(q)])
        r = keras.Input((None, 5))
        seq_out, pooled = core(r)
        middle = keras.Model(r, [layers.Dense(3)(seq_out), pooled])
        s = keras.Input((7, 5))
        m1, m2 = middle(s)
        top = keras.Model(s, layers.Concatenate()([layers.Flatten()(m1), m2]))
        """,
    # cause 2: clone_model gives the same rows (Keras keeps the layer names) and new weights
    "clone_sequential_and_functional": """
        import keras
        import tensorflow as tf
        from keras import layers
        base = keras.Sequential([keras.Input((5,)), layers.Dense(3), layers.Dropout(0.1), layers.Dense(2)])
        copy = keras.models.clone_model(base)
        i = keras.Input((7,), name="features")
        h = layers.Dense(5, activation="relu")(i)
        f = keras.Model(i, layers.Concatenate()([layers.Dense(4)(h), h]))
        f2 = tf.keras.models.clone_model(f)
        j = keras.Input((7,))
        after = keras.Model(j, layers.Dense(1)(f2(j)))
        """,
    # cause 4: a backbone built on the user's input_tensor starts with the user's InputLayer
    "application_on_input_tensor": """
        import keras
        from keras import layers
        pic = keras.Input((32, 32, 3))
        scaled = layers.Rescaling(1.0 / 255)(pic)
        backbone = keras.applications.MobileNetV2(input_tensor=scaled, include_top=False, weights=None,
                                                  alpha=0.35)
        backbone.trainable = False
        skip = layers.GlobalMaxPooling2D()(backbone.get_layer("block_6_expand_relu").output)
        feat = layers.GlobalAveragePooling2D()(backbone.output)
        clf = keras.Model(pic, layers.Dense(3)(layers.Concatenate()([feat, skip])))
        """,
    # cause 5: a reused sub-model or layer owns one set of weights, its own add_weight ones too
    "siamese_custom_layers_with_own_weights": """
        import keras
        from keras import layers

        class Gain(layers.Layer):
            def build(self, input_shape):
                self.g = self.add_weight(shape=(input_shape[-1],), initializer="ones")

            def call(self, x):
                return x * self.g

        class Tower(keras.Model):
            def __init__(self):
                super().__init__()
                self.proj = layers.Dense(3)
                self.gain = Gain()
                self.offset = self.add_weight(shape=(3,), initializer="zeros")

            def call(self, x):
                return self.gain(self.proj(x)) + self.offset

        tower = Tower()
        left = keras.Input((6,))
        right = keras.Input((6,))
        gain = Gain()
        twin = keras.Model([left, right], layers.Subtract()([tower(left), tower(right)]))
        scaled = keras.Model([left, right], layers.Add()([gain(left), gain(right)]))
        """,
    "sequential_of_two_built_models": """
        import keras
        from keras import layers
        gen = keras.Sequential([keras.Input((4,)), layers.Dense(8), layers.Dense(6)])
        disc = keras.Sequential([keras.Input((6,)), layers.Dense(5), layers.Dense(1)])
        disc.trainable = False
        gan = keras.Sequential([gen, disc])
        z = keras.Input((4,))
        again = keras.Model(z, disc(gen(z)))
        """,
    "custom_layer_row_inside_subclass_needs_compute_output_shape": """
        import keras
        from keras import layers

        class Shift(layers.Layer):
            def build(self, input_shape):
                self.b = self.add_weight(shape=(input_shape[-1],), initializer="zeros")

            def call(self, x):
                return x + self.b

        class ShiftWithShape(Shift):
            def compute_output_shape(self, input_shape):
                return input_shape

        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.proj = layers.Dense(3)
                self.plain = Shift()
                self.shaped = ShiftWithShape()

            def call(self, x):
                return self.shaped(self.plain(self.proj(x)))

        net = Net()
        net(keras.Input((6,)))
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]).lstrip(), encoding="utf-8")
    assert_models_match_keras(path)


# ---- cause 6: MACs of a layer applied more than once are counted per call ----------------------
# docs/macs.md: Dense is prod(out) * Cin; Conv2D is positions(out) * filters * k * Cin.  Cin is
# read back from Keras's own row (params = Cin * units + units, with a bias), the output shape
# from Keras's Output Shape column; only how often each layer runs comes from the snippet.

MACS_SNIPPET = """
import keras
from keras import layers

shared = layers.Dense(16)
p = keras.Input((16,))
twice = keras.Model(p, shared(shared(p)))

conv = layers.Conv2D(4, 3, padding="same")
seq = keras.Sequential([keras.Input((8, 8, 4)), conv, layers.ReLU(), conv])


class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.step = layers.Dense(12)
        self.head = keras.Sequential([layers.Dense(5)])

    def call(self, x):
        return self.head(self.step(self.step(x)))


net = Net()
net(keras.Input((12,)))
"""

CALLS = {"twice": {"dense": 2}, "seq": {"conv2d": 2}, "net": {"dense_1": 2}}


def _dims(text: str) -> list[int]:
    return [int(d) for d in text.strip("()").split(", ")[1:]]


def _expected_row_macs(row: dict, calls: int):
    out = _dims(row["output_shape"])
    units = out[-1]
    if row["class"] == "Dense":
        cin = (row["params"] - units) // units
        per_call = cin
        for d in out:
            per_call *= d
    elif row["class"] == "Conv2D":
        cin = (row["params"] - units) // (units * 9)      # a 3x3 kernel
        per_call = out[0] * out[1] * units * 9 * cin
    elif row["class"] == "Sequential":                     # one Dense inside
        cin = (row["params"] - units) // units
        per_call = cin * units
    else:
        per_call = 0
    return per_call * calls


def test_macs_count_every_call(tmp_path):
    path = tmp_path / "macs_shared.py"
    path.write_text(MACS_SNIPPET, encoding="utf-8")
    mine = assert_models_match_keras(path)
    real = {m["name"]: m for m in keras_report(path)["models"]}
    for model in mine["models"]:
        calls = CALLS[model["name"]]
        expected_rows = [_expected_row_macs(r, calls.get(r["name"], 1)) for r in real[model["name"]]["layers"]]
        assert [r["macs"] for r in model["layers"]] == expected_rows, model["name"]
        unique = {r["name"]: m for r, m in zip(real[model["name"]]["layers"], expected_rows)}
        assert model["macs"] == sum(unique.values()), model["name"]
