"""Functions nobody calls never run under Keras: what they would do to module-level models must not
show in them.  The analyser still runs them (for their hints), but only after it has collected
the models.  Found in public code: a never-called ``translate()`` whose ``while`` loop calls a
method made the module's models disappear; a never-called helper that ``add``s a layer or
freezes a model changed their rows and totals.  Functions handed to code the analysis does not
follow (``strategy.run(train_step, ...)``, ``map(step, batches)``) may run: the models they would
build are unknown, never shown unbuilt.  Each snippet is checked against real Keras."""

import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, write_snippet
from shapelens.analyser import IncrementalAnalysis, analyse_source

SNIPPETS = {
    "a_loop_in_an_uncalled_function_that_calls_a_method": """
        import keras
        from keras import layers

        class Vocabulary:
            def __init__(self):
                self.index_to_word = {}

            def word(self, token):
                return self.index_to_word[token]

        vocabulary = Vocabulary()
        inputs = keras.Input(shape=(4,))
        outputs = layers.Dense(3)(inputs)
        model = keras.Model(inputs, outputs)

        def translate(x):
            token = 1
            while token != 2:
                out = model.predict(x)
                token = vocabulary.word(token)
        """,
    "an_uncalled_function_that_adds_a_layer": """
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input((4,)), layers.Dense(3)])

        def extend():
            model.add(layers.Dense(2))
        """,
    "an_uncalled_function_that_freezes_a_model": """
        import keras
        from keras import layers
        base = keras.Sequential([keras.Input((4,)), layers.Dense(3)])
        head = keras.Sequential([base, layers.Dense(1)])

        def freeze():
            base.trainable = False
            for layer in head.layers:
                layer.trainable = False
        """,
}


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_what_an_uncalled_function_would_do_does_not_show(name, tmp_path):
    mine = assert_models_match_keras(write_snippet(tmp_path, name, SNIPPETS[name]))
    assert mine["models"]


def test_the_layers_of_an_uncalled_function_still_get_hints(tmp_path):
    source = write_snippet(tmp_path, "hints", SNIPPETS["an_uncalled_function_that_adds_a_layer"]).read_text()
    lines = source.splitlines()
    analysis = analyse_source(source)
    sites = [s for s in analysis.sites.values() if lines[s.span.line - 1].strip() == "model.add(layers.Dense(2))"]
    assert sites and sites[0].results


def test_an_edit_gives_the_models_a_full_analysis_gives(tmp_path):
    source = write_snippet(tmp_path, "edit", SNIPPETS["an_uncalled_function_that_freezes_a_model"]).read_text()
    incremental = IncrementalAnalysis()
    incremental.update(source)
    edited = source.replace("layers.Dense(1)", "layers.Dense(2)")
    got = incremental.update(edited).analysis.models
    want = IncrementalAnalysis().update(edited).analysis.models
    assert [(m.variable, m.params.total, m.params.trainable, [r.params for r in m.rows]) for m in got] == \
        [(m.variable, m.params.total, m.params.trainable, [r.params for r in m.rows]) for m in want]
    assert got[0].params.trainable == got[0].params.total


def test_a_function_handed_to_code_not_followed_may_build_the_models_it_calls(tmp_path):
    """``map`` (like ``strategy.run`` or ``tf.function``) is not followed, but it runs
    ``train_step``, which builds ``model`` (and ``trainer.step``, which builds the model the trainer
    holds): their rows and totals are ``?``, never "0 (unbuilt)" (a distributed-training tutorial
    showed 0 where Keras has 121,930).  ``other``, which no such
    function touches, stays unbuilt as in Keras."""
    path = write_snippet(tmp_path, "handed", """
        import numpy as np
        import keras
        from keras import layers

        model = keras.Sequential([layers.Conv2D(4, 3), layers.Flatten(), layers.Dense(2)])
        other = keras.Sequential([layers.Dense(3)])

        def train_step(images):
            return model(images)

        class Trainer:
            def __init__(self, net):
                self.net = net

            def step(self, images):
                return self.net(images)

        held = keras.Sequential([layers.Dense(4)])
        trainer = Trainer(held)
        outputs = list(map(train_step, [np.zeros((2, 8, 8, 1))]))
        stepped = list(map(trainer.step, [np.zeros((2, 5))]))
        """)
    real, mine = keras_report(path), ours(path)
    assert real["error"] is None, real["error"]
    wanted = {m["name"]: m for m in real["models"]}
    got = {m["name"]: m for m in mine["models"]}
    for name in ("model", "held"):
        assert wanted[name]["total_params"] > 0 and got[name]["total_params"] is None
        for want, have in zip(wanted[name]["layers"], got[name]["layers"]):
            assert have["class"] == want["class"]
            assert have["params"] in (None, want["params"]) and have["output_shape"] in ("?", want["output_shape"])
    assert [(r["class"], r["params"]) for r in got["other"]["layers"]] == [
        (r["class"], r["params"]) for r in wanted["other"]["layers"]] == [("Dense", 0)]


NAMED_BUILDERS = """
    import keras
    from keras import layers

    inputs = keras.Input((4,))
    model = keras.Model(inputs, layers.Dense(3)(inputs))


    def wide():
        x = keras.Input((4,))
        return keras.Model(x, layers.Dense(9)(layers.Dense(8)(x)))


    def narrow():
        x = keras.Input((4,))
        return keras.Model(x, layers.Dense(2)(x))
    """


@pytest.mark.parametrize("builder, line", [("wide", 10), ("narrow", 15)])
def test_each_uncalled_function_names_its_layers_as_if_called_once_the_file_has_run(builder, line, tmp_path):
    """Nobody calls ``wide`` or ``narrow``: each is explored for its hints, and its layers show the
    names Keras gives them when the file's run is followed by a call of that builder, whatever the
    other one creates (finding: they counted on from the layers of every function explored
    before, so a layer typed into one renamed, and explored again, every later one: 79 ms per
    keystroke at p95 on a 2,000-line file of builders)."""
    source = write_snippet(tmp_path, "named", NAMED_BUILDERS).read_text()
    twin = tmp_path / f"named_then_{builder}.py"
    twin.write_text(source + f"\nbuilt = {builder}()\n")
    real = {m["name"]: m for m in keras_report(twin)["models"]}
    wanted = [row["name"] for row in real["built"]["layers"] if row["class"] == "Dense"][-1]
    for analysis in (analyse_source(source), IncrementalAnalysis().update(source).analysis):
        outer = min((s for s in analysis.sites.values() if s.span.line == line and s.kind == "layer"),
                    key=lambda s: s.span.column)          # the last Dense the line makes
        assert [r.layer_name for r in outer.results] == [wanted]
