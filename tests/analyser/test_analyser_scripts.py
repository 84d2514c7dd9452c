"""Script-level facts of real code, checked against real Keras: the analysed file runs as a script
(``if __name__ == "__main__":`` blocks are followed, as ``python file.py`` runs them), Keras's
default image data format decides ``K.image_data_format()`` branches, and a model that training
or prediction builds on unknown data is never shown as "0 params (unbuilt)"."""

import textwrap

import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, row_tuples
from shapelens.analyser import analyse_source, module_loader
from shapelens.report import file_json

SNIPPETS = {
    "main_block": """
        import keras
        from keras import layers

        def build(width):
            inputs = keras.Input(shape=(width,))
            return keras.Model(inputs, layers.Dense(3)(inputs))

        if __name__ == "__main__":
            model = build(6)
        else:
            other = build(2)
        """,
    "image_data_format_branch": """
        import keras
        from keras import backend as K
        from keras import layers

        if K.image_data_format() == "channels_first":
            shape = (1, 12, 12)
        else:
            shape = (12, 12, 1)
        model = keras.Sequential([keras.Input(shape=shape), layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(2)])
        """,
    "image_data_format_config_spelling": """
        import keras
        from keras import layers

        last = keras.config.image_data_format() == "channels_last"
        model = keras.Sequential([keras.Input(shape=(9, 9, 2) if last else (2, 9, 9)), layers.Conv2D(3, 2)])
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_keras(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]))
    assert_models_match_keras(path)


def test_a_module_imported_from_another_does_not_run_its_main_block(tmp_path):
    (tmp_path / "helpers.py").write_text(textwrap.dedent("""
        import keras
        from keras import layers
        if __name__ == "__main__":
            WIDTH = 5
        else:
            WIDTH = 7
        """))
    script = tmp_path / "script.py"
    script.write_text(textwrap.dedent("""
        import keras
        from keras import layers
        from helpers import WIDTH
        model = keras.Sequential([keras.Input(shape=(WIDTH,)), layers.Dense(2)])
        """))
    (want,) = keras_report(script)["models"]
    (got,) = file_json(str(script), analyse_source(script.read_text(), str(script), module_loader(str(script))))["models"]
    assert row_tuples(got) == row_tuples(want) and got["total_params"] == want["total_params"] == 16


def test_set_image_data_format_makes_the_branch_unknown_or_follows_it(tmp_path):
    path = tmp_path / "fmt.py"
    path.write_text(textwrap.dedent("""
        import keras
        from keras import layers
        keras.config.set_image_data_format("channels_first")
        first = keras.config.image_data_format() == "channels_first"
        keras.config.set_image_data_format("channels_last")
        model = keras.Sequential([keras.Input(shape=(5,) if first else (6,)), layers.Dense(2)])
        """))
    assert_models_match_keras(path)


@pytest.mark.parametrize("method", ["fit", "predict", "evaluate", "train_on_batch"])
def test_a_model_built_by_training_on_unknown_data_is_not_shown_unbuilt(method, tmp_path):
    path = tmp_path / "fit.py"
    path.write_text(textwrap.dedent(f"""
        import keras
        from keras import layers
        data = load_somehow()
        model = keras.Sequential([layers.Dense(4), layers.Dense(1)])
        model.compile(optimizer="sgd", loss="mse")
        model.{method}(data, data)
        """))
    (model,) = ours(path)["models"]
    assert [row["params"] for row in model["layers"]] == [None, None]
    assert model["total_params"] is None
