"""The analyser on the ways people write Keras code, each snippet checked against real Keras:
the same models, rows, output shapes and parameter totals as ``model.summary()``."""

import textwrap

import pytest

from oracle_compare import assert_models_match_keras

SNIPPETS = {
    "identity_tests_on_tensors_and_layers": """
        import keras
        from keras import layers

        def block(x, n, shortcut=None):
            y = layers.Conv2D(n, 3, padding="same")(x)
            if shortcut is None:
                shortcut = layers.Conv2D(n, 1)(x)
            if shortcut is not None:
                y = layers.Add()([y, shortcut])
            return y

        dense, other = layers.Dense(4), layers.Dense(4)
        inputs = keras.Input((16, 16, 3))
        x = block(inputs, 8)
        x = block(x, 8, shortcut=x)
        x = layers.GlobalAveragePooling2D()(x)
        if dense is dense and dense is not other and x is not dense and x is not None:
            x = dense(x)
        if x is None or inputs is None or dense is None:
            x = layers.Dense(100)(x)
        model = keras.Model(inputs, x)
        """,
    "import_spellings": """
        import keras
        from keras import layers, models
        import keras.layers as L
        from keras.layers import Conv2D as C, MaxPool2D
        from keras.models import Sequential

        a = models.Sequential([keras.Input((28, 28, 1)), C(8, 3), MaxPool2D(), L.Flatten(), layers.Dense(10)])
        b = Sequential([layers.Dense(16, input_shape=(20,)), layers.Dense(4, activation="softmax")])
        c = keras.models.Sequential()
        c.add(keras.Input(shape=(5,)))
        c.add(layers.Dense(3))
        c.add(layers.Dense(2))
        d = keras.Sequential([layers.Dense(7, input_dim=3)])
        """,
    "constants_and_arithmetic": """
        import keras
        from keras import layers
        IMG = 64
        CHANNELS = 3
        size = (IMG, IMG)
        shape = size + (CHANNELS,)
        hidden = 256
        alpha = 0.75
        inputs = keras.Input(shape=shape)
        x = layers.Conv2D(int(32 * alpha), 3, strides=2, padding="same")(inputs)
        x = layers.Conv2D(filters=hidden // 4, kernel_size=(3, 3), dilation_rate=2)(x)
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dense(hidden // 2 - 1, use_bias=False)(x)
        outputs = layers.Dense(max(3, 10 % 4), activation="softmax")(x)
        model = keras.Model(inputs, outputs)
        """,
    "math_module": """
        import math
        import math as m
        from math import ceil, prod
        import keras
        from keras import layers
        side = math.ceil(100 / 3)
        inputs = keras.Input((side, m.floor(7.9), prod([2, 3])))
        x = layers.Conv2D(int(math.sqrt(64)), 3)(inputs)
        x = layers.Reshape((-1, math.gcd(12, 16)))(x)
        outputs = layers.Dense(ceil(math.log2(100)))(x)
        model = keras.Model(inputs, outputs)
        """,
    "helpers_loops_and_ifs": """
        import keras
        from keras import layers

        def conv_block(x, filters, kernel=3, strides=1):
            y = layers.Conv2D(filters, kernel, strides=strides, padding="same")(x)
            y = layers.BatchNormalization()(y)
            y = layers.ReLU()(y)
            if x.shape[-1] != filters or strides != 1:
                x = layers.Conv2D(filters, 1, strides=strides)(x)
            return layers.Add()([x, y])

        def stem(x, width=16):
            x = layers.Conv2D(width, 3, padding="same")(x)
            return x, x.shape[-1]

        inputs = keras.Input((32, 32, 3))
        x, channels = stem(inputs)
        for i, filters in enumerate([16, 32, 64]):
            x = conv_block(x, filters, strides=1 if i == 0 else 2)
        for _ in range(2):
            x = conv_block(x, filters=64)
        heads = []
        for units in (10, 5):
            heads.append(layers.Dense(units)(layers.GlobalAveragePooling2D()(x)))
        model = keras.Model(inputs, heads + [layers.Dense(channels)(layers.Flatten()(x))])
        """,
    "lists_comprehensions_and_dicts": """
        import keras
        from keras import layers
        widths = [8, 16, 32]
        inputs = {name: keras.Input((4,), name=name) for name in ["a", "b", "c"]}
        branches = [layers.Dense(w)(inputs[n]) for n, w in zip(["a", "b", "c"], widths)]
        merged = layers.concatenate(branches)
        outputs = {"score": layers.Dense(1, name="score")(merged), "aux": layers.Dense(2, name="aux")(merged)}
        model = keras.Model(inputs=inputs, outputs=outputs)
        stack = keras.Sequential([keras.Input((6,))] + [layers.Dense(w) for w in widths])
        """,
    "operators_and_merges": """
        import keras
        from keras import layers
        a = keras.Input((8,))
        b = keras.Input((8,))
        s = a + b
        d = a - b
        p = a * b
        q = s / 2.0
        n = -d
        m = layers.maximum([s, p])
        avg = layers.average([q, n])
        dot = layers.dot([a, b], axes=1)
        out = layers.Concatenate()([m, avg, dot, layers.subtract([a, b]), layers.multiply([a, b])])
        model = keras.Model([a, b], out)
        """,
    "shared_layers_and_nested_models": """
        import keras
        from keras import layers
        encoder = keras.Sequential([keras.Input((16,)), layers.Dense(8, activation="relu"), layers.Dense(4)], name="encoder")
        left = keras.Input((16,))
        right = keras.Input((16,))
        shared = layers.Dense(16, name="shared_dense")
        l = encoder(shared(left))
        r = encoder(shared(right))
        diff = layers.Subtract()([l, r])
        siamese = keras.Model([left, right], layers.Dense(1, activation="sigmoid")(diff))
        inner_in = keras.Input((4,))
        inner = keras.Model(inner_in, layers.Dense(2)(inner_in))
        outer_in = keras.Input((4,))
        outer = keras.Model(outer_in, inner(outer_in))
        """,
    "frozen_layers": """
        import keras
        from keras import layers
        base = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.BatchNormalization()], name="base")
        base.trainable = False
        inp = keras.Input((8,))
        head = layers.Dense(3, trainable=False)
        model = keras.Model(inp, layers.Dense(1)(head(base(inp))))
        d = layers.Dense(3)
        seq = keras.Sequential([keras.Input((2,)), d, layers.Dense(1)])
        d.trainable = False
        """,
    "subclassed_models": """
        import keras
        from keras import layers

        class Block(layers.Layer):
            def __init__(self, units, **kwargs):
                super().__init__(**kwargs)
                self.dense = layers.Dense(units)
                self.norm = layers.LayerNormalization()

            def call(self, x):
                return self.norm(self.dense(x)) + x

        class Net(keras.Model):
            def __init__(self, depth=2, width=16):
                super().__init__()
                self.proj = layers.Dense(width)
                self.blocks = [Block(width) for _ in range(depth)]
                self.head = layers.Dense(3)

            def call(self, x):
                x = self.proj(x)
                for block in self.blocks:
                    x = block(x)
                return self.head(x)

        net = Net(depth=3)
        net(keras.Input((10,)))
        inp = keras.Input((10,))
        wrapped = keras.Model(inp, Net()(inp))
        """,
    "functional_subclass_and_build": """
        import keras
        from keras import layers

        class Functional2(keras.Model):
            def __init__(self):
                inputs = keras.Input((6,))
                outputs = layers.Dense(2)(layers.Dense(4)(inputs))
                super().__init__(inputs, outputs)

        fm = Functional2()
        unbuilt = keras.Sequential([layers.Dense(4), layers.Dense(2)])
        later = keras.Sequential([layers.Dense(4), layers.Dense(2)])
        later.build((None, 7))
        """,
    "recurrent_and_attention": """
        import keras
        from keras import layers
        tokens = keras.Input((20,), dtype="int32")
        x = layers.Embedding(1000, 32, mask_zero=True)(tokens)
        x = layers.Bidirectional(layers.LSTM(16, return_sequences=True))(x)
        seq, h, c = layers.LSTM(8, return_sequences=True, return_state=True)(x)
        g = layers.GRU(8, reset_after=False)(seq, initial_state=h)
        att = layers.MultiHeadAttention(num_heads=2, key_dim=4)(seq, seq)
        pooled = layers.GlobalAveragePooling1D()(att)
        model = keras.Model(tokens, layers.concatenate([g, pooled, c]))
        frames = keras.Input((5, 16, 16, 1))
        y = layers.TimeDistributed(layers.Conv2D(4, 3))(frames)
        y = layers.ConvLSTM2D(4, 3, padding="same")(y)
        video = keras.Model(frames, layers.Flatten()(y))
        """,
    "lambda_and_ops": """
        import keras
        from keras import layers, ops
        a = keras.Input((4, 6))
        b = layers.Lambda(lambda t: t * 2.0)(a)
        c = layers.Lambda(lambda t: ops.mean(t, axis=1), output_shape=(6,))(b)
        d = ops.relu(b)
        e = d[:, 0]
        model = keras.Model(a, [c, e])
        """,
    "unused_input_and_diamond": """
        import keras
        from keras import layers
        a = keras.Input((8,), name="a")
        x = layers.Dense(4)(a)
        y = layers.Dense(5)(a)
        y2 = layers.Dense(6)(y)
        out = layers.Dense(1)(layers.concatenate([x, y2]))
        branchy = keras.Model(a, out)
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]).lstrip(), encoding="utf-8")
    assert_models_match_keras(path)
