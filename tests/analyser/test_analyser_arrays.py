"""Concrete arrays in model code (NumPy, ``keras.datasets``, ``keras.utils``): their shapes feed
``input_shape=x.shape[1:]`` and friends.  Each snippet is checked against real Keras (whole-file
oracle); the datasets, which the oracle cannot download, against the documented shapes."""

import textwrap

import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, row_tuples

SNIPPETS = {
    "numpy_reshape_astype_scale": """
        import numpy as np
        import keras
        from keras import layers

        images = np.zeros((12, 28, 28), "uint8")
        images = images.reshape(images.shape[0], 28, 28, 1).astype("float32") / 255.0
        flat = images.reshape(len(images), int(np.prod(images.shape[1:])))
        inputs = keras.Input(shape=images.shape[1:])
        conv = keras.Model(inputs, layers.Conv2D(4, 3)(inputs))
        mlp = keras.Sequential([layers.Dense(8, input_shape=(flat.shape[1],)), layers.Dense(2)])
        """,
    "numpy_random_pad_transpose_literal": """
        import numpy as np
        import keras
        from keras import layers

        noise = np.random.rand(6, 10, 3)
        table = np.random.normal(0.0, 1.0, size=(5, 7)).T
        padded = np.pad(noise, ((0, 0), (1, 2), (0, 0)))
        points = np.array([[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]])
        grown = np.expand_dims(points, -1)[..., 0]
        model = keras.Sequential([
            keras.Input(padded.shape[1:]),
            layers.Conv1D(table.shape[1], 3),
            layers.Dense(grown.shape[-1]),
            layers.Dense(noise.ndim),
        ])
        """,
    # noise the size of a dataset whose sample count is not known: the per-sample shape is
    "random_noise_of_unknown_sample_count": """
        import numpy as np
        import keras
        from keras import layers

        import os
        x_train = np.zeros((int(os.environ.get("SAMPLES", "5")), 28, 28))
        x_train = np.reshape(x_train, (len(x_train), 28, 28, 1)) / 255.0
        noisy = np.clip(x_train + 0.5 * np.random.normal(0.0, 1.0, size=x_train.shape), 0, 1)
        uniform = np.random.rand(len(x_train), 12)
        inputs = keras.Input(noisy.shape[1:])
        model = keras.Model(inputs, layers.Conv2D(4, 3)(inputs))
        flat = keras.Sequential([keras.Input(uniform.shape[1:]), layers.Dense(3)])
        """,
    "to_categorical_and_pad_sequences": """
        import numpy as np
        import keras
        from keras import layers

        labels = np.array([[0], [2], [1], [3]])
        onehot = keras.utils.to_categorical(labels, 4)
        tokens = keras.utils.pad_sequences([[1, 2], [3, 4, 5]], maxlen=6)
        inputs = keras.Input(shape=tokens.shape[1:])
        x = layers.Embedding(10, 3)(inputs)
        x = layers.GlobalAveragePooling1D()(x)
        classifier = keras.Model(inputs, layers.Dense(onehot.shape[1])(x))
        """,
    "subclass_called_on_zeros": """
        import numpy as np
        import keras
        from keras import layers

        class Block(keras.Model):
            def __init__(self):
                super().__init__()
                self.conv = layers.Conv2D(2, 1)

            def call(self, x):
                return self.conv(x)

        block = Block()
        _ = block(np.zeros([1, 2, 3, 3]))
        """,
    "models_survive_a_long_loop_over_arrays": """
        import numpy as np
        import keras
        from keras import layers

        model = keras.Sequential([keras.Input((5,)), layers.Dense(1)])
        batch = np.zeros((4, 5))
        for step in range(5000):
            noise = np.random.normal(size=(4, 5))
            batch = np.concatenate([batch[:2], noise[:2]])
            labels = np.ones((4, 1)) * 0.5
            model.count_params()
        print(batch.shape, labels.shape)
        """,
    "array_constant_in_graph": """
        import numpy as np
        import keras
        from keras import layers

        inputs = keras.Input((4,))
        scaled = inputs * np.ones((1, 4), "float32")
        model = keras.Model(inputs, layers.Dense(2)(scaled))
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_array_shapes_match_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]).lstrip(), encoding="utf-8")
    assert_models_match_keras(path)


DATASETS = """
    import keras
    from keras import layers
    {load}
    x_train = x_train.reshape(-1, 28 * 28).astype("float32") / 255
    mlp = keras.Sequential([keras.Input(x_train.shape[1:]), layers.Dense(10)])
    inputs = keras.Input(shape=images.shape[1:])
    y = keras.utils.to_categorical(labels, 10)
    cnn = keras.Model(inputs, layers.Dense(y.shape[1])(layers.Flatten()(layers.Conv2D(2, 3)(inputs))))
    """
LOADED = """
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    (images, labels), _ = keras.datasets.cifar10.load_data()
    """
# what the Keras docs say the loaders return (https://keras.io/api/datasets/), with 5 samples
DOCUMENTED = """
    import numpy as np
    x_train, y_train = np.zeros((5, 28, 28), "uint8"), np.zeros((5,), "uint8")
    images, labels = np.zeros((5, 32, 32, 3), "uint8"), np.zeros((5, 1), "uint8")
    """


def test_dataset_loaders_give_the_documented_per_sample_shapes(tmp_path):
    loaded, documented = tmp_path / "loaded.py", tmp_path / "documented.py"
    for path, load in ((loaded, LOADED), (documented, DOCUMENTED)):
        code = textwrap.dedent(DATASETS).lstrip().replace("{load}", textwrap.dedent(load).strip())
        path.write_text(code, encoding="utf-8")
    real = keras_report(documented)
    assert real.get("error") is None
    mine = ours(loaded)
    assert [m["name"] for m in mine["models"]] == [m["name"] for m in real["models"]] == ["mlp", "cnn"]
    for want, got in zip(real["models"], mine["models"]):
        assert row_tuples(got) == row_tuples(want)
        assert got["total_params"] == want["total_params"]
    assert not mine["diagnostics"]


def test_number_of_samples_is_unknown(tmp_path):
    """The loaders' sample counts are never guessed: a size taken from them is ``?``."""
    path = tmp_path / "samples.py"
    path.write_text(textwrap.dedent("""
        import keras
        from keras import layers
        (x_train, y_train), _ = keras.datasets.fashion_mnist.load_data()
        model = keras.Sequential([keras.Input((3,)), layers.Dense(len(x_train)), layers.Dense(x_train.shape[0])])
        """).lstrip(), encoding="utf-8")
    rows = ours(path)["models"][0]["layers"]
    assert [(r["output_shape"], r["params"]) for r in rows] == [("(None, ?)", None), ("(None, ?)", None)]


def test_numpy_shape_errors_are_not_reported(tmp_path):
    """Broadcasting or reshaping mistakes between NumPy arrays are NumPy's errors, not Keras's."""
    path = tmp_path / "numpy_errors.py"
    path.write_text(textwrap.dedent("""
        import numpy as np
        a = np.zeros((2, 3)) + np.ones((4, 5))
        b = np.zeros((2, 3)).reshape(7, 1)
        c = np.concatenate([np.zeros((2, 3)), np.zeros((2, 4))])
        """).lstrip(), encoding="utf-8")
    assert ours(path)["diagnostics"] == []


def test_cifar_arrays_after_channels_first_are_unknown(tmp_path):
    """The cifar loaders transpose their images to Keras's image data format: after
    ``set_image_data_format("channels_first")`` their shapes are not known (a wrong number
    otherwise), while a NumPy array keeps its own (the layers follow the format)."""
    path = tmp_path / "channels_first.py"
    path.write_text(textwrap.dedent("""
        import numpy as np
        import keras
        from keras import layers
        keras.backend.set_image_data_format("channels_first")
        (x_train, y_train), _ = keras.datasets.cifar10.load_data()
        model = keras.Sequential([keras.Input(x_train.shape[1:]), layers.Conv2D(8, 3)])
        images = np.zeros((4, 1, 28, 28))
        other = keras.Sequential([keras.Input(images.shape[1:]), layers.Conv2D(8, 3)])
        """).lstrip(), encoding="utf-8")
    models = ours(path)["models"]
    assert [(r["output_shape"], r["params"]) for r in models[0]["layers"]] == [("(None, 8, ?, ?)", None)]
    assert [(r["output_shape"], r["params"]) for r in models[1]["layers"]] == [("(None, 8, 26, 26)", 80)]


def test_numpy_scalars_are_unknown_numbers(tmp_path):
    """``sizes[0]`` of a NumPy array whose items are not modelled (not built from a literal, see
    test_analyser_realworld_unknowns.py) is a number whose value is unknown: ``?``, no error."""
    path = tmp_path / "scalars.py"
    path.write_text(textwrap.dedent("""
        import numpy as np
        import keras
        from keras import layers

        sizes = np.ones(2, dtype=int) * 2
        inputs = keras.Input((8, 8, 3))
        x = layers.MaxPooling2D(pool_size=(sizes[0], sizes[1]))(inputs)
        model = keras.Model(inputs, layers.UpSampling2D(size=(sizes[1], sizes[1]))(x))
        """).lstrip(), encoding="utf-8")
    report = ours(path)
    assert report["diagnostics"] == []
    assert [r["output_shape"] for r in report["models"][0]["layers"]] == [
        "(None, 8, 8, 3)", "(None, ?, ?, 3)", "(None, ?, ?, 3)"]
