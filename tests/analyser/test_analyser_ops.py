"""``keras.ops`` in model code, each snippet checked against real Keras (whole-file oracle): ops
on symbolic tensors are rows of functional summaries, constants (``ops.arange``, ``ops.ones``)
are not, and ops inside custom layers shape those layers' outputs."""

import textwrap

import pytest

from oracle_compare import assert_models_match_keras, ours

SNIPPETS = {
    "vit_patches_and_positions": """
        import keras
        from keras import layers, ops

        class PatchEmbedding(layers.Layer):
            def __init__(self, patch, dim, count, **kwargs):
                super().__init__(**kwargs)
                self.patch = patch
                self.dim = dim
                self.count = count
                self.project = layers.Dense(dim)
                self.position = layers.Embedding(count, dim)

            def call(self, images):
                patches = ops.image.extract_patches(images, self.patch)
                batch = ops.shape(images)[0]
                patches = ops.reshape(patches, (batch, -1, patches.shape[-1]))
                positions = ops.expand_dims(ops.arange(0, self.count), axis=0)
                return self.project(patches) + self.position(positions)

        inputs = keras.Input((32, 32, 3))
        tokens = PatchEmbedding(8, 24, 16)(inputs)
        x = layers.LayerNormalization()(tokens)
        x = layers.GlobalAveragePooling1D()(x)
        outputs = layers.Dense(10)(x)
        vit = keras.Model(inputs, outputs)
        """,
    "ops_in_functional_code": """
        import keras
        from keras import layers, ops

        inputs = keras.Input((20, 8))
        x = ops.expand_dims(inputs, -1)
        x = ops.tile(x, (1, 1, 1, 2))
        x = ops.reshape(x, (-1, 20, 16))
        y = ops.repeat(x, 2, axis=1)
        z = ops.transpose(y, (0, 2, 1))
        w = ops.einsum("bij,bjk->bik", x, z)
        s = ops.softmax(w, axis=-1)
        m = ops.mean(s, axis=1)
        outputs = layers.Dense(3)(m)
        model = keras.Model(inputs, outputs)
        """,
    "constants_mixed_with_tensors": """
        import keras
        from keras import layers, ops

        inputs = keras.Input((6,))
        bias = ops.ones((1, 6))
        steps = ops.cast(ops.arange(6), "float32")
        x = ops.add(inputs, bias)
        x = x * steps
        x = ops.concatenate([x, x[:, :2] + ops.zeros((1, 2))], axis=-1)
        outputs = layers.Dense(2)(x)
        model = keras.Model(inputs, outputs)
        """,
    "images_resize_pad_pool": """
        import keras
        from keras import layers, ops

        inputs = keras.Input((30, 40, 3))
        x = ops.image.resize(inputs, (64, 64))
        x = ops.image.pad_images(x, 2, 2, 2, 2)
        x = ops.nn.max_pool(x, 2, padding="same")
        x = layers.Conv2D(4, 3)(x)
        x = ops.image.extract_patches(x, 4)
        x = ops.reshape(x, (-1, 64, 64))
        a, b = ops.split(x, 2, axis=-1)
        v, i = ops.top_k(a, 5)
        outputs = layers.Dense(2)(ops.concatenate([v, ops.max(b, axis=-1, keepdims=True)], axis=-1))
        model = keras.Model(inputs, outputs)
        """,
    "one_hot_take_where_pad": """
        import keras
        from keras import layers, ops

        ids = keras.Input((12,), dtype="int32")
        hot = ops.one_hot(ids, 7)
        table = ops.take(hot, ops.convert_to_tensor([0, 2, 4]), axis=1)
        padded = ops.pad(table, ((0, 0), (1, 1), (0, 0)))
        masked = ops.where(padded > 0, padded, ops.zeros_like(padded))
        summed = ops.cumsum(masked, axis=1)
        flat = ops.reshape(summed, (-1, 5 * 7))
        outputs = layers.Dense(1)(ops.broadcast_to(ops.expand_dims(flat, 1), (1, 2, 35)) * 1.0)
        model = keras.Model(ids, outputs)
        """,
    "ops_inside_custom_layer": """
        import keras
        from keras import layers, ops

        class Mixer(layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(units)

            def call(self, x):
                heads = ops.reshape(x, (ops.shape(x)[0], ops.shape(x)[1], 4, -1))
                heads = ops.transpose(heads, (0, 2, 1, 3))
                scores = ops.einsum("bhqd,bhkd->bhqk", heads, heads)
                mixed = ops.matmul(ops.softmax(scores), heads)
                mixed = ops.reshape(ops.transpose(mixed, (0, 2, 1, 3)), (ops.shape(x)[0], -1, 32))
                return self.dense(mixed) + ops.eye(10, 6)[0]

        inputs = keras.Input((10, 32))
        outputs = Mixer(6)(inputs)
        model = keras.Model(inputs, layers.Flatten()(outputs))
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]).lstrip(), encoding="utf-8")
    assert_models_match_keras(path)


def test_constructors_are_constants_with_known_shapes(tmp_path):
    """``ops.arange`` and friends at module level: shapes shown, no rows anywhere."""
    path = tmp_path / "constants.py"
    path.write_text(textwrap.dedent("""
        from keras import ops
        a = ops.arange(0, 16)
        b = ops.expand_dims(a, 0)
        c = ops.linspace(0.0, 1.0, 5)
        d = ops.eye(3)
        """).lstrip(), encoding="utf-8")
    report = ours(path)
    assert report["models"] == []
    assert not report["diagnostics"]
