"""Causes of ``?`` rows found on real-world code, each snippet checked against real Keras: the same
models, rows, shapes and totals; where a value cannot be known statically, ``?`` exactly where
the test says (never a wrong number, never a false error).

* items of small NumPy int arrays built from literals (``pool_sizes = np.array([1, 1]) * 2``,
  then ``MaxPooling2D((pool_sizes[i], pool_sizes[i]))``), forgotten as soon as anything could
  change them, and a bare ``np.int64`` at a Keras call unknown (Keras rejects it in places);
* a custom layer's own ``compute_output_shape``, which Keras uses for its output on graph tensors;
* NumPy reductions to a scalar (``(x - np.mean(x)) / np.std(x)``): a 0-d array that keeps the
  normalised array's shape, while its unknown value stays ``?`` wherever it is used as a number.
"""


import keras
import numpy as np
import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, write_snippet

EXACT = {
    "numpy_full_reductions_are_scalars_that_keep_the_array_shape": """
        import numpy as np
        import keras
        from keras import layers

        x = np.zeros((100, 16, 16, 3), dtype="float32")
        mean = np.mean(x, axis=(0, 1, 2, 3))
        std = np.std(x)
        x = (x - mean) / (std + 1e-7)
        scaled = x / x.max() - x.min()
        first = x[0, 0, 0, 0]
        model = keras.Sequential([keras.Input(shape=x.shape[1:]), layers.Conv2D(4, 3), layers.Flatten(),
                                  layers.Dense(3)])
        other = keras.Sequential([keras.Input(shape=(scaled * first).shape[1:]), layers.Dense(2)])
        inputs = keras.Input((8,))
        outputs = layers.Dense(3)(inputs) * np.sum(np.ones((2, 2)))
        dropped = layers.Dropout(np.mean(np.zeros(3)) + 0.2)(outputs)
        mixed = keras.Model(inputs, dropped)
        """,
    "numpy_literal_array_items_as_pool_sizes": """
        import numpy as np
        import keras
        from keras import layers

        pool_sizes = np.array([1, 1, 1]) * 2
        widths = [4, 8, 16]
        inputs = keras.Input((32, 32, 3))
        y = inputs
        for i in range(3):
            y = layers.Conv2D(widths[i], 3, padding="same")(y)
            y = layers.MaxPooling2D(pool_size=(pool_sizes[i], pool_sizes[i]))(y)
        for i in range(3):
            ind = 2 - i
            y = layers.UpSampling2D(size=(pool_sizes[ind], pool_sizes[ind]))(y)
        model = keras.Model(inputs, y)
        """,
    "numpy_literal_array_arithmetic_and_iteration": """
        import numpy as np
        import keras
        from keras import layers

        base = np.array([3, 5, 8])
        grown = (base * 2 + 1) // 3          # [2, 3, 5]
        both = base + grown                  # [5, 8, 13]
        model = keras.Sequential([keras.Input((24, 24, 2))])
        model.add(layers.Conv2D(int(both[-1]), (grown[0], grown[1])))
        model.add(layers.MaxPooling2D((grown[0] ** 2 - 2, 2)))
        model.add(layers.Reshape((-1, both[2] * 1)))
        for size in np.array([4, 6]):
            model.add(layers.Dense(int(size + 1)))
        model.add(layers.Dense(int(np.array([7])[0] - both[0]), name=f"head_{both[1]}_" + str(-grown[2])))
        """,
    "custom_layer_output_from_its_compute_output_shape": """
        import keras
        from keras import layers, ops

        class Doubler(layers.Layer):
            def compute_output_shape(self, input_shape):
                shape = list(input_shape)
                assert len(shape) == 2
                shape[-1] *= 2
                return tuple(shape)

            def call(self, inputs):
                inputs -= ops.mean(inputs, axis=1, keepdims=True)
                return ops.concatenate([ops.relu(inputs), ops.relu(-inputs)], axis=1)

        class Projection(layers.Layer):
            def __init__(self):
                super().__init__()
                self.inner = layers.Dense(4)

            def build(self, input_shape):
                self.scale = self.add_weight(shape=(input_shape[-1],))

            def compute_output_shape(self, input_shape):
                return input_shape[:-1] + (4,)

            def call(self, x):
                return self.inner(x * self.scale)

        class Widen(layers.Layer):
            def __init__(self):
                super().__init__()
                self.inner = layers.Dense(6)

            def compute_output_shape(self, input_shape):
                return (input_shape[0], 6)

            def call(self, x):
                return self.inner(x)

        model = keras.Sequential()
        model.add(layers.Dense(16, input_shape=(8,)))
        model.add(Doubler())
        model.add(layers.Dropout(0.1))
        model.add(layers.Dense(3))
        inputs = keras.Input((5, 3))
        projected = keras.Model(inputs, Projection()(inputs))
        flat = keras.Input((7,))
        widened = keras.Model(flat, Widen()(flat))
        """,
}

# A snippet, and for each model the (row index, field) pairs that must be ``?`` (the rest exact).
WITH_UNKNOWNS = {
    "sequential_built_by_fit_on_a_concrete_array": ("""
        import numpy as np
        import keras
        from keras import layers

        x_train = np.zeros((32, 6, 4))
        y_train = np.zeros((32, 1))
        model = keras.Sequential([layers.Flatten(), layers.Dense(16, activation="relu"), layers.Dense(1)])
        model.compile(optimizer="adam", loss="mse")
        model.fit(x_train, y_train, epochs=1, verbose=0)
        scorer = keras.Sequential([layers.Dense(3)])
        scorer.predict(x=np.ones((5, 7)), verbose=0)
        """, {"model": {(0, "output_shape"), (1, "output_shape"), (2, "output_shape")},
              "scorer": {(0, "output_shape")}}),
    "numpy_scalar_of_unknown_value_as_a_size_is_unknown": ("""
        import numpy as np
        import keras
        from keras import layers

        tokens = np.zeros((50, 20), dtype="int32")
        vocab = int(np.max(tokens)) + 1
        width = int(np.sum(tokens[0])) + 2
        model = keras.Sequential([keras.Input((20,)), layers.Embedding(vocab, 8), layers.Flatten(),
                                  layers.Dense(width), layers.Dense(4)])
        """, {"model": {(0, "params"), (2, "output_shape"), (2, "params"), (3, "params")}}),
    "numpy_items_changed_or_aliased_are_forgotten": ("""
        import numpy as np
        import keras
        from keras import layers

        set_item = np.array([2, 2])
        set_item[0] = 4
        alias = np.array([2, 2])
        other = alias
        other += 2
        view = np.array([2, 2])
        tail = view[1:]
        tail[0] = 1
        shuffled = np.array([2, 2, 4])
        np.random.shuffle(shuffled)
        filled = np.array([2, 2])
        filled.fill(1)

        def bump(a):
            a[0] = 1

        passed = np.array([2, 2])
        bump(passed)
        late = np.array([2, 2])
        for step in range(5000):        # a long loop: its late iterations still count
            if step == 4000:
                late[0] = 4
        inputs = keras.Input((16, 16, 3))
        rows = [layers.MaxPooling2D((a[0], a[0]))(inputs)
                for a in (set_item, alias, view, shuffled, filled, passed, late)]
        model = keras.Model(inputs, rows)
        """, {"model": {(i, "output_shape") for i in range(1, 8)}}),
    "bare_numpy_int_to_a_keras_layer_is_unknown": ("""
        import numpy as np
        import keras
        from keras import layers

        sizes = np.array([4, 2])
        net = keras.Sequential([keras.Input((10, 10, 3)), layers.Conv2D(sizes[0], (sizes[1], sizes[1])),
                                layers.Flatten(), layers.Dense(int(sizes[1]))])
        """, {"net": {(0, "output_shape"), (0, "params"), (1, "output_shape"), (2, "params")}}),
}

# A subclassed model using element-wise functions, called eagerly; the oracle runs the keras.ops
# spelling (it has no TensorFlow), the TensorFlow spellings must give the same rows.
ELEMENTWISE_BLOCK = """
    import keras
    {imports}
    from keras import layers

    class Block(keras.Model):
        def __init__(self):
            super().__init__(name="")
            self.conv_a = layers.Conv2D(2, (1, 1))
            self.norm_a = layers.BatchNormalization()
            self.conv_b = layers.Conv2D(3, 1, padding="same")

        def call(self, x, training=False):
            y = {relu}(self.norm_a(self.conv_a(x), training=training))
            y = {sigmoid}({tanh}(y))
            y = self.conv_b({exp}({square}(y)))
            return {relu}(y + x)

    block = Block()
    _ = block({zeros}([1, 2, 3, 3]))
    """
KERAS_SPELLING = dict(imports="from keras import ops", relu="ops.relu", sigmoid="ops.sigmoid", tanh="ops.tanh",
                      exp="ops.exp", square="ops.square", zeros="ops.zeros")
TF_SPELLINGS = [
    dict(imports="import tensorflow as tf", relu="tf.nn.relu", sigmoid="tf.sigmoid", tanh="tf.math.tanh",
         exp="tf.exp", square="tf.math.square", zeros="tf.zeros"),
    dict(imports="import tensorflow as tf", relu="tf.nn.relu", sigmoid="tf.nn.sigmoid", tanh="tf.nn.tanh",
         exp="tf.math.exp", square="tf.square", zeros="tf.zeros"),
]



@pytest.mark.parametrize("name", sorted(EXACT))
def test_snippet_matches_keras(name, tmp_path):
    assert_models_match_keras(write_snippet(tmp_path, name, EXACT[name]))


def test_tensorflow_elementwise_functions_in_a_subclassed_model_are_keras_ops(tmp_path):
    path = write_snippet(tmp_path, "keras_spelling", ELEMENTWISE_BLOCK.format(**KERAS_SPELLING))
    assert_models_match_keras(path)
    expected = ours(path)["models"]
    assert all("?" not in str(r["output_shape"]) for r in expected[0]["layers"])
    for index, spelling in enumerate(TF_SPELLINGS):
        path = write_snippet(tmp_path, f"tf_spelling_{index}", ELEMENTWISE_BLOCK.format(**spelling))
        assert ours(path)["models"] == expected, spelling


@pytest.mark.parametrize("name", sorted(WITH_UNKNOWNS))
def test_snippet_matches_keras_where_known(name, tmp_path):
    text, unknown = WITH_UNKNOWNS[name]
    path = write_snippet(tmp_path, name, text)
    real, mine = keras_report(path), ours(path)
    assert real.get("error") is None, real["error"]
    assert [m["name"] for m in mine["models"]] == [m["name"] for m in real["models"]]
    for want, got in zip(real["models"], mine["models"]):
        assert got["class"] == want["class"]
        assert [(r["name"], r["class"]) for r in got["layers"]] == [(r["name"], r["class"]) for r in want["layers"]]
        for index, (w, g) in enumerate(zip(want["layers"], got["layers"])):
            for field in ("output_shape", "params"):
                if (index, field) in unknown[want["name"]]:
                    assert g[field] is None or "?" in str(g[field]), (want["name"], index, field, g[field])
                else:
                    assert g[field] == w[field], (want["name"], index, field)
        wanted_unknown = any(field == "params" for _, field in unknown[want["name"]])
        for key in ("total_params", "trainable_params"):
            assert got[key] == (None if wanted_unknown else want[key]), (want["name"], key)
    assert not [d for d in mine["diagnostics"] if d["severity"] == "error"]


@pytest.mark.parametrize("make", [
    lambda n: keras.layers.Dense(n),
    lambda n: keras.layers.MaxPooling2D(pool_size=n),
    lambda n: keras.layers.UpSampling1D(size=n),
], ids=["dense_units", "bare_pool_size", "upsampling_size"])
def test_keras_rejects_some_bare_numpy_ints_that_we_leave_unknown(make, tmp_path):
    """Why a bare ``np.int64`` given to Keras is ``?``: Keras refuses it where it takes an int."""
    with pytest.raises((TypeError, ValueError)):
        make(np.array([2, 3])[0])
    path = write_snippet(tmp_path, "bare", """
        import numpy as np
        import keras
        from keras import layers
        n = np.array([2, 3])[0]
        model = keras.Sequential([keras.Input((8, 4)), layers.Dense(n), layers.UpSampling1D(size=n)])
        """)
    report = ours(path)
    assert not [d for d in report["diagnostics"] if d["severity"] == "error"]
    assert [(r["output_shape"], r["params"]) for r in report["models"][0]["layers"]] == [
        ("(None, 8, ?)", None), ("(None, ?, ?)", 0)]
