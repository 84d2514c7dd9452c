"""Budgets that must not cost the models of a file: one step budget per top-level statement (a
long data or training loop does not hide the models after it), inert loops that stop early, loops
that build layers unrolled exactly, and what an interrupted statement half-changed shown as ``?``.
Each snippet is run under real Keras (``tests/model_oracle.py``) and compared."""

import textwrap

import pytest

from model_oracle import keras_report
from oracle_compare import assert_models_match_keras, ours, row_tuples

SNIPPETS = {
    # a statement that spends its whole budget (its result is read later, so it is unrolled):
    # the models after it are still analysed
    "budget_per_statement": """
        import keras
        from keras import layers
        seen = 0
        for sweep in range(40):
            for k in range(9000):
                seen += k % 3
        print(seen)
        inputs = keras.Input((6,))
        hidden = layers.Dense(5, activation="relu")(inputs)
        model = keras.Model(inputs, layers.Dense(2)(hidden))
        later = keras.Sequential([keras.Input((3,)), layers.Dense(4), layers.Dense(1)])
        """,
    # loops whose further iterations nobody sees (no layer, nothing read after them) stop early:
    # no budget note, and both models are found
    "inert_loops": """
        import keras
        from keras import layers
        first = keras.Sequential([keras.Input((8,)), layers.Dense(3)])
        for epoch in range(500):
            rate = 0.01 / (1 + epoch)
            for batch in range(4000):
                scaled = rate * batch
                log = [scaled, epoch]
        second = keras.Sequential([keras.Input((3,)), layers.Dense(2)])
        """,
    # long loops that build layers or compute a value used later are unrolled exactly
    "long_loops_that_matter": """
        import keras
        from keras import layers
        width = 0
        for step in range(300):
            width += 1
        inputs = keras.Input((4,))
        x = inputs
        for i in range(70):
            x = layers.Dense(3 + i % 2)(x)
        blocks = []
        for i in range(80):
            blocks.append(layers.Dense(2))
        tail = keras.Sequential([keras.Input((width,))] + blocks)
        model = keras.Model(inputs, layers.Dense(width // 100)(x))
        """,
    # calling a generator function runs none of its body (here an endless data loop)
    "generator_function_not_run": """
        import keras
        from keras import layers

        def batches(size):
            step = 0
            while True:
                step += 1
                yield [step] * size

        stream = batches(32)
        inputs = keras.Input((7,))
        model = keras.Model(inputs, layers.Dense(3)(inputs))
        """,
    # a recursive helper deeper than the old call-depth bound of 24
    "deep_recursive_helper": """
        import keras
        from keras import layers

        def tower(x, depth):
            if depth == 0:
                return layers.Dense(3)(x)
            y = layers.Dense(3)(x)
            return layers.Add()([tower(y, depth - 1), y])

        inputs = keras.Input((3,))
        model = keras.Model(inputs, tower(inputs, 32))
        """,
    "deep_helper_chain": """
        import keras
        from keras import layers

        def stage(x, n):
            return x if n == 0 else stage(layers.Dense(2 + n % 3)(x), n - 1)

        def wrap(x, n):
            return [stage(x, n)][0]

        inputs = keras.Input((5,))
        model = keras.Model(inputs, wrap(inputs, 36))
        """,
    # the batch dimension read from a symbolic tensor is None (Keras: ``ops.shape(x)[0]`` and
    # ``x.shape[0]`` of a functional tensor), so a -1 next to it stays None too
    "batch_dimension_from_shape": """
        import keras
        from keras import layers, ops

        inputs = keras.Input((6, 8))
        a = ops.reshape(inputs, (ops.shape(inputs)[0], -1, 4))
        b = ops.reshape(inputs, (inputs.shape[0], 12, keras.ops.shape(inputs)[2] // 2))
        c = layers.Reshape((ops.shape(inputs)[1] * 2, -1))(inputs)
        model = keras.Model(inputs, [a, b, c])
        """,
}


def _write(tmp_path, name: str, source: str):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(source).lstrip(), encoding="utf-8")
    return path


def _notes(report: dict) -> list:
    return [d for d in report["diagnostics"] if d["code"] == "analysis-limit"]


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_snippet_matches_keras(name, tmp_path):
    assert_models_match_keras(_write(tmp_path, name, SNIPPETS[name]))


def test_budget_note_is_at_the_statement_that_spent_it(tmp_path, monkeypatch):
    """(A loop that keeps giving new results all the way would do the same: one that Keras runs
    quickly enough for this test gives none, so the quiet-loop stop is put out of the way.)"""
    from shapelens.analyser import budget

    monkeypatch.setattr(budget, "QUIET_STEPS", 10 ** 9)
    mine = assert_models_match_keras(_write(tmp_path, "budget", SNIPPETS["budget_per_statement"]))
    notes = _notes(mine)
    assert [n["line"] for n in notes] == [4], notes
    assert "the next statements are analysed" in notes[0]["message"]


def test_a_loop_that_gives_nothing_new_stops_early(tmp_path):
    """The same loop gives no new result for 100,000 steps: it stops there, with its own note,
    long before the statement's budget (1,000,000 steps) is spent."""
    mine = assert_models_match_keras(_write(tmp_path, "budget", SNIPPETS["budget_per_statement"]))
    notes = _notes(mine)
    assert [n["line"] for n in notes] == [4], notes
    assert notes[0]["message"].startswith("analysis stopped: loop stopped after "), notes


def test_simulation_loops_leave_the_file_analysed(tmp_path):
    """Simulation loops whose results are read later (not inert), each spending the budget of a
    statement before: they stop once they give nothing new, what they change is ``?``, and the
    models after them are analysed (three such loops used to spend the file's whole budget)."""
    loops = "".join(f"""
        totals_{k} = []
        for episode in range(400):
            reward = 0
            for step in range(300):
                reward += policy(step - 150)
            totals_{k}.append(reward)
        """ for k in range(4))
    source = """
        import keras
        from keras import layers

        def policy(observation):
            return 0 if observation < 0 else 1
        """ + loops + """
        inputs = keras.Input((6,))
        model = keras.Model(inputs, layers.Dense(len(totals_0) // 100)(inputs))
        later = keras.Sequential([keras.Input((3,)), layers.Dense(4), layers.Dense(1)])
        """
    mine = _no_wrong_number(_write(tmp_path, "simulation", source))
    notes = _notes(mine)
    assert len(notes) == 4 and all("loop stopped after" in n["message"] for n in notes), notes
    dense = mine["models"][0]["layers"][-1]
    assert dense["params"] is None, dense
    assert [row[1:] for row in row_tuples(mine["models"][1])] == [
        ("Dense", "(None, 4)", 16), ("Dense", "(None, 1)", 5)]


@pytest.mark.parametrize("name", ["inert_loops", "generator_function_not_run"])
def test_spends_no_budget(tmp_path, name):
    mine = assert_models_match_keras(_write(tmp_path, name, SNIPPETS[name]))
    assert not _notes(mine), _notes(mine)


def _no_wrong_number(path) -> dict:
    """Every number we show equals Keras's; an unknown (``?``, None) is allowed."""
    real, mine = keras_report(path), ours(path)
    assert real.get("error") is None, real["error"]
    assert [m["name"] for m in mine["models"]] == [m["name"] for m in real["models"]]
    for want, got in zip(real["models"], mine["models"]):
        for ours_row, real_row in zip(row_tuples(got), row_tuples(want)):
            assert ours_row[2] in (real_row[2], "?") or "?" in ours_row[2], (ours_row, real_row)
            assert ours_row[3] in (real_row[3], None), (ours_row, real_row)
        assert got["total_params"] in (want["total_params"], None), want["name"]
    return mine


def test_what_an_interrupted_statement_changed_is_unknown(tmp_path):
    """A loop cut off by its budget half-way must not leave a half-filled list (or model) that
    later code reads as if complete: it becomes ``?``."""
    source = """
        import keras
        from keras import layers
        sizes = []
        for i in range(400000):
            sizes.append(i % 5)
        inputs = keras.Input((4,))
        model = keras.Model(inputs, layers.Dense(len(sizes) // 1000)(inputs))
        """
    mine = _no_wrong_number(_write(tmp_path, "interrupted", source))
    assert [n["line"] for n in _notes(mine)] == [4]
    dense = mine["models"][0]["layers"][-1]
    assert dense["params"] is None, dense


def test_recursion_too_deep_ends_with_a_note():
    """Recursion without end stops at the call-depth bound (or Python's own limit) with a note,
    never an exception, and the code after it is analysed."""
    from shapelens.analyser import analyse_source

    for call in ("tower(inputs, 10 ** 6)", "[tower(inputs, 10 ** 6)][0]"):
        source = textwrap.dedent("""
            import keras
            from keras import layers

            def tower(x, depth):
                for _ in range(1):
                    with keras.name_scope("t"):
                        try:
                            y = layers.Dense(2)(x)
                        finally:
                            pass
                return tower(y, depth - 1) if depth else y

            inputs = keras.Input((3,))
            deep = CALL
            after = keras.Sequential([keras.Input((3,)), layers.Dense(1)])
            """).replace("CALL", call)
        analysis = analyse_source(source)
        notes = [d for d in analysis.diagnostics if d.code == "analysis-limit"]
        assert notes and all(d.message.startswith("analysis stopped: ") for d in notes), notes
        assert [m.variable for m in analysis.models] == ["after"]


def test_branching_in_recursive_helpers_is_work_the_budget_counts(monkeypatch):
    """Recursive walkers that branch on values not known here (a structure walker, as in
    ``tree`` utilities) run every branch, and each branch asks what it may change: the
    functions it reaches, their syntax.  That work counts against the step budget, so it is
    bounded by it, however many helpers there are (it took 16-64 s on 4-16 such helpers, and a
    library module of this kind 84 s, when only the expressions evaluated were counted)."""
    import ast

    import shapelens.analyser.budget as budget
    import shapelens.analyser.interpreter_base as interpreter_base
    from shapelens.analyser import analyse_source

    steps = 200_000
    monkeypatch.setattr(interpreter_base, "step_budgets", lambda chars: (steps, steps))
    visited, lookups = [0], [0]
    children, effects = ast.iter_child_nodes, budget.effects

    def counted_children(node):
        visited[0] += 1
        return children(node)

    def counted_effects(node):
        lookups[0] += 1
        return effects(node)

    monkeypatch.setattr(ast, "iter_child_nodes", counted_children)
    monkeypatch.setattr(budget, "effects", counted_effects)
    helpers = 16
    source = "import keras\nfrom keras import layers\n" + "".join(f"""
def visit_{i}(node, seen):
    if node is None:
        return seen
    if isinstance(node, dict):
        for key in node:
            seen = visit_{(i + 1) % helpers}(node[key], seen)
        return seen
    if isinstance(node, (list, tuple)):
        return [visit_{(i + 2) % helpers}(item, seen) for item in node]
    seen.append(node)
    return visit_{i}(node.children, seen)
""" for i in range(helpers)) + "model = keras.Sequential([keras.Input((4,)), layers.Dense(2)])\n"
    analysis = analyse_source(source)
    assert [m.variable for m in analysis.models] == ["model"]
    assert visited[0] < steps // 10, visited[0]
    assert lookups[0] < steps, lookups[0]


def test_recursion_in_a_branch_that_may_not_run_is_not_followed(monkeypatch):
    """A recursive walker whose branches depend on values not known here (keras's own
    ``variable_mapping.py`` is such a file): following its recursion ran both branches at every
    level, 2 ** 40 paths cut by the step budget (3 s per analysis, so per keystroke, for 22
    lines).  Recursion inside such a branch is not followed (the branch's merge forgets what it
    may change): the body runs a few times, and no limit is reached."""
    import shapelens.analyser.calls as calls
    from shapelens.analyser import analyse_source

    made = []
    create = calls.create_layer
    monkeypatch.setattr(calls, "create_layer", lambda *args, **kw: made.append(args[0]) or create(*args, **kw))
    source = textwrap.dedent("""
        import keras
        from keras import layers

        def collect(node, found, seen):
            if id(node) in seen:
                return
            seen.add(id(node))
            found.append(layers.Dense(2))
            for child in node.children:
                if isinstance(child, dict):
                    collect_all(list(child.values()), found, seen)
                else:
                    collect(child, found, seen)

        def collect_all(nodes, found, seen):
            for node in nodes:
                if isinstance(node, (list, tuple)):
                    collect_all(node, found, seen)
                else:
                    collect(node, found, seen)

        model = keras.Sequential([keras.Input((3,)), layers.Dense(4)])
        """)
    analysis = analyse_source(source)
    assert [m.variable for m in analysis.models] == ["model"]
    assert not [d for d in analysis.diagnostics if d.code == "analysis-limit"]
    assert len(made) < 10, len(made)


def test_incremental_analysis_equals_full_analysis():
    """The server's incremental analysis replays statements: a loop stopped early must re-run
    once an edit makes what it binds read elsewhere, and a statement that spent its budget is
    recorded with its note; each step equals a full analysis."""
    import warnings

    from test_incremental_equivalence import _summary

    from shapelens.analyser import IncrementalAnalysis
    from shapelens.analyser import analyse_for_editor as analyse

    head = "import keras\nfrom keras import layers\n"
    loop = ("for epoch in range(100):\n    rate = epoch\n    for batch in range(300):\n"
            "        scaled = batch\n")
    heavy = "seen = 0\nfor sweep in range(40):\n    for k in range(9000):\n        seen += k % 3\nprint(seen)\n"
    model = "inputs = keras.Input((4,))\nmodel = keras.Model(inputs, layers.Dense(2)(inputs))\n"
    reader = "late = keras.Sequential([keras.Input((3,)), layers.Dense(scaled % 7 + 1)])\n"
    texts = [head + loop + model, head + loop + model + reader, head + loop + heavy + model + reader,
             head + loop + heavy + model.replace("Dense(2)", "Dense(5)") + reader, head + loop + model]
    analyser = IncrementalAnalysis()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        for step, text in enumerate(texts):
            got = analyser.update(text)
            assert _summary(got) == _summary(analyse(text)), f"step {step}"


NETWORK = '''

STAGES_{i} = [(8, 2), (16, 2), (32, 2)]


def conv_bn_{i}(x, filters, kernel=3, strides=1):
    x = layers.Conv2D(filters, kernel, strides=strides, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.Activation("relu")(x)


def block_{i}(x, filters, strides=1):
    shortcut = x
    y = conv_bn_{i}(x, filters, 3, strides)
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    if strides != 1 or x.shape[-1] != filters:
        shortcut = layers.Conv2D(filters, 1, strides=strides, use_bias=False)(x)
    return layers.Activation("relu")(layers.Add()([shortcut, y]))


def build_{i}():
    inputs = keras.Input(shape=(32, 32, 3))
    x = conv_bn_{i}(inputs, 8)
    for index, (filters, blocks) in enumerate(STAGES_{i}):
        for b in range(blocks):
            x = block_{i}(x, filters, 2 if index and not b else 1)
    return keras.Model(inputs, layers.Dense(10)(layers.GlobalAveragePooling2D()(x)))


model_{i} = build_{i}()
'''


@pytest.mark.slow
def test_a_large_file_of_loop_heavy_networks_is_analysed_completely(tmp_path):
    """Budgets grow with the file's size: ~13,000 lines of ResNet-style networks (helpers called in
    loops over stages; ~4,600,000 steps, more than the 3,000,000 a small file gets) are analysed to
    the end, every network with the rows Keras gives the first one (names aside)."""
    from shapelens.analyser import analyse_source

    head = "import keras\nfrom keras import layers\n"
    one = assert_models_match_keras(_write(tmp_path, "one_network", head + NETWORK.format(i=0)))
    want = [row[1:] for row in row_tuples(one["models"][0])]
    count = 420
    analysis = analyse_source(head + "".join(NETWORK.format(i=i) for i in range(count)))
    assert not [d.message for d in analysis.diagnostics], analysis.diagnostics[:1]
    assert [m.variable for m in analysis.models] == [f"model_{i}" for i in range(count)]
    for model in analysis.models:
        assert [(r.class_name, r.output_shape, r.params) for r in model.rows] == want, model.variable


# Training loops cut off by their budget (a loop bound of 10,000 iterations, or the statement's
# steps): Keras runs them in full but trains only on the last step (fast under the oracle)
TRAINING_LOOPS = {
    # a GAN at module level: predicting and training on built models changes none of them
    "gan_training_loop": """
        import numpy as np
        import keras
        from keras import layers

        generator = keras.Sequential([keras.Input((10,)), layers.Dense(16), layers.Dense(8)])
        discriminator = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
        discriminator.compile(loss="mse", optimizer="sgd")
        discriminator.trainable = False
        z = keras.Input((10,))
        gan = keras.Model(z, discriminator(generator(z)))
        gan.compile(loss="mse", optimizer="sgd")
        real = np.zeros((4, 8))
        history = []
        for epoch in range(30000):
            noise = np.random.normal(0, 1, (4, 10))
            history.append(epoch)
            if epoch == 29999:
                fake = generator.predict(noise, verbose=0)
                history.append(discriminator.train_on_batch(np.concatenate([real, fake]), np.ones((8, 1))))
                history.append(gan.train_on_batch(noise, np.ones((4, 1))))
                gan.summary()
        print(len(history))
        """,
    # the same loop in a function given the models as arguments
    "gan_training_function": """
        import numpy as np
        import keras
        from keras import layers

        generator = keras.Sequential([keras.Input((10,)), layers.Dense(16), layers.Dense(8)])
        discriminator = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
        z = keras.Input((10,))
        gan = keras.Model(z, discriminator(generator(z)))
        gan.compile(loss="mse", optimizer="sgd")

        def train(g, combined, epochs):
            history = []
            for epoch in range(epochs):
                noise = np.random.normal(0, 1, (4, 10))
                history.append(epoch)
                if epoch == epochs - 1:
                    history.append(g.predict(noise, verbose=0).mean())
                    history.append(combined.evaluate(noise, np.ones((4, 1)), verbose=0))
            return history

        log = train(generator, gan, 30000)
        """,
    # a function predicting with a module-level model in a loop past the loop bound
    "predict_in_long_loop": """
        import numpy as np
        import keras
        from keras import layers

        gen = keras.Sequential([keras.Input((8,)), layers.Dense(4)])

        def run(epochs):
            total = 0.0
            for i in range(epochs):
                total += i * 0.5
                if i == epochs - 1:
                    total += float(gen.predict(np.zeros((2, 8)), verbose=0).mean())
            return total

        result = run(20000)
        """,
    # weights read and copied through ``.layers[i]`` and ``get_layer(...)`` (``set_weights`` and
    # ``get_weights`` change values, never a summary), at module level ...
    "weights_copied_in_training_loop": """
        import numpy as np
        import keras
        from keras import layers

        generator = keras.Sequential([keras.Input((10,)), layers.Dense(16, name="hidden"), layers.Dense(8)])
        discriminator = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
        discriminator.trainable = False
        z = keras.Input((10,))
        gan = keras.Model(z, discriminator(generator(z)))
        gan.compile(loss="mse", optimizer="sgd")
        history = []
        for epoch in range(30000):
            noise = np.random.normal(0, 1, (4, 10))
            history.append(epoch)
            if epoch == 29999:
                weights = gan.layers[0].get_weights()
                gan.layers[1].set_weights(gan.layers[1].get_weights())
                generator.get_layer("hidden").set_weights(generator.get_layer("hidden").get_weights())
                fake = generator.predict(noise, verbose=0)
                history.append(gan.train_on_batch(noise, np.ones((4, 1))))
        print(len(history))
        """,
    # ... and in a function given the models
    "weights_copied_in_training_function": """
        import numpy as np
        import keras
        from keras import layers

        generator = keras.Sequential([keras.Input((10,)), layers.Dense(16, name="hidden"), layers.Dense(8)])
        discriminator = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
        z = keras.Input((10,))
        gan = keras.Model(z, discriminator(generator(z)))
        gan.compile(loss="mse", optimizer="sgd")

        def train(g, combined, epochs):
            history = []
            for epoch in range(epochs):
                history.append(epoch)
                if epoch == epochs - 1:
                    combined.layers[-1].set_weights(combined.layers[-1].get_weights())
                    g.get_layer("hidden").set_weights(g.get_layer("hidden").get_weights())
                    history.append(g.predict(np.zeros((4, 10)), verbose=0).mean())
            return history

        log = train(generator, gan, 30000)
        """,
}


@pytest.mark.parametrize("name", sorted(TRAINING_LOOPS))
def test_a_cut_off_training_loop_keeps_its_models(tmp_path, name):
    """``predict``, ``train_on_batch``, ``evaluate``, ``compile``, ``summary`` on a built model
    change nothing ``summary()`` shows: a loop cut off by its budget keeps those models."""
    mine = assert_models_match_keras(_write(tmp_path, name, TRAINING_LOOPS[name]))
    assert _notes(mine), "the loop must be cut off by its budget"


def _no_wrong_split(path, missing=()) -> dict:
    """``_no_wrong_number``, the trainable / non-trainable split too; ``missing``: models Keras
    shows that we may leave out (forgotten: ``?``)."""
    real, mine = keras_report(path), ours(path)
    assert real.get("error") is None, real["error"]
    wanted = {m["name"]: m for m in real["models"]}
    assert [m["name"] for m in mine["models"]] == [n for n in wanted if n not in missing]
    for got in mine["models"]:
        want = wanted[got["name"]]
        for ours_row, real_row in zip(row_tuples(got), row_tuples(want)):
            assert ours_row[:3] == real_row[:3], (ours_row, real_row)
            assert ours_row[3] in (real_row[3], None), (ours_row, real_row)
        for key in ("total_params", "trainable_params", "non_trainable_params"):
            assert got[key] in (want[key], None), f"{want['name']}.{key}"
    return mine


def _only_split_unknown(path, mine, names) -> None:
    """Every row and every total is Keras's; the trainable / non-trainable split is ``?`` for the
    models ``names`` and Keras's for the others."""
    real = {m["name"]: m for m in keras_report(path)["models"]}
    for got in mine["models"]:
        want = real[got["name"]]
        assert row_tuples(got) == row_tuples(want), got["name"]
        assert got["total_params"] == want["total_params"], got["name"]
        for key in ("trainable_params", "non_trainable_params"):
            assert got[key] == (None if got["name"] in names else want[key]), f"{got['name']}.{key}"


def test_trainable_flipped_in_a_cut_off_loop_is_unknown(tmp_path):
    """A loop cut off part-way flips ``trainable``: every model holding the model or layer keeps
    its rows and its total, but its split is ``?``, never the state where the loop stopped."""
    source = """
        import keras
        from keras import layers

        gen = keras.Sequential([keras.Input((4,)), layers.Dense(8)])
        disc = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
        z = keras.Input((4,))
        gan = keras.Model(z, disc(gen(z)))
        shared = layers.Dense(3)
        inputs = keras.Input((5,))
        model = keras.Model(inputs, layers.Dense(2)(shared(inputs)))

        def train(steps):
            for i in range(steps):
                disc.trainable = (i % 2 == 0)
                shared.trainable = (i % 2 == 1)
                disc.compile(loss="mse")

        train(20001)
        """
    path = _write(tmp_path, "trainable_flipped", source)
    mine = _no_wrong_split(path)
    assert _notes(mine)
    _only_split_unknown(path, mine, {"disc", "gan", "model"})


def test_trainable_flipped_through_a_local_alias_in_a_cut_off_loop_is_unknown(tmp_path):
    """A helper freezes a model's layers through its loop variable (``layer.trainable = flag``),
    called in a loop cut off part-way: the split of every model holding those layers is ``?``,
    never the state where the loop stopped (Keras ends with them trainable here)."""
    source = """
        import keras
        from keras import layers

        gen = keras.Sequential([keras.Input((4,)), layers.Dense(8)])
        disc = keras.Sequential([keras.Input((8,)), layers.Dense(1)])
        z = keras.Input((4,))
        gan = keras.Model(z, disc(gen(z)))

        def set_trainable(m, flag):
            for layer in m.layers:
                layer.trainable = flag

        def train(steps):
            for i in range(steps):
                set_trainable(disc, i % 2 == 0)
                disc.compile(loss="mse")

        train(20001)
        """
    path = _write(tmp_path, "trainable_through_alias", source)
    mine = _no_wrong_split(path)
    assert _notes(mine)
    _only_split_unknown(path, mine, {"disc", "gan"})


def test_an_unbuilt_model_fitted_in_a_cut_off_loop_is_forgotten(tmp_path):
    """``fit`` builds an unbuilt model on the data: after a cut-off loop it is ``?`` (left out),
    never shown unbuilt."""
    source = """
        import numpy as np
        import keras
        from keras import layers

        kept = keras.Sequential([keras.Input((6,)), layers.Dense(4)])
        late = keras.Sequential([layers.Dense(4)])
        kept.compile(loss="mse", optimizer="sgd")
        late.compile(loss="mse", optimizer="sgd")

        def train(steps):
            seen = []
            for i in range(steps):
                seen.append(i)
                if i == steps - 1:
                    late.fit(np.zeros((2, 6)), np.zeros((2, 4)), verbose=0)
                    kept.fit(np.zeros((2, 6)), np.zeros((2, 4)), verbose=0)
            return seen

        out = train(20001)
        """
    mine = _no_wrong_split(_write(tmp_path, "unbuilt_fitted", source), missing={"late"})
    assert _notes(mine)


def test_a_gan_loop_flipping_trainable_and_copying_weights_keeps_its_models(tmp_path):
    """The usual GAN loop: ``discriminator.trainable = False``, weights copied through
    ``gan.layers[i]`` and ``get_layer(...)``, ``predict``, ``train_on_batch``, cut off by its
    budget: every model stays, with Keras's rows and totals; the split of the models holding the
    discriminator is ``?``."""
    source = """
        import numpy as np
        import keras
        from keras import layers

        generator = keras.Sequential([keras.Input((10,)), layers.Dense(16, name="hidden"), layers.Dense(8)])
        discriminator = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])
        discriminator.compile(loss="mse", optimizer="sgd")
        z = keras.Input((10,))
        gan = keras.Model(z, discriminator(generator(z)))
        gan.compile(loss="mse", optimizer="sgd")
        history = []
        for epoch in range(30000):
            noise = np.random.normal(0, 1, (4, 10))
            history.append(epoch)
            if epoch == 29999:
                discriminator.trainable = False
                gan.layers[1].set_weights(gan.layers[1].get_weights())
                generator.get_layer("hidden").set_weights(generator.get_layer("hidden").get_weights())
                fake = generator.predict(noise, verbose=0)
                history.append(gan.train_on_batch(noise, np.ones((4, 1))))
        print(len(history))
        """
    path = _write(tmp_path, "gan_loop", source)
    mine = _no_wrong_split(path)
    assert _notes(mine)
    _only_split_unknown(path, mine, {"discriminator", "gan"})


def test_a_clone_of_a_model_retrained_in_a_cut_off_loop_is_unknown(tmp_path):
    """``clone_model`` copies each layer's ``trainable`` flag, which the cut-off loop left unknown:
    the clone is ``?`` (left out), never the split where the loop stopped."""
    source = """
        import keras
        from keras import layers

        disc = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.Dense(1)])

        def train(steps):
            for i in range(steps):
                disc.trainable = (i % 2 == 0)
                disc.compile(loss="mse")

        train(20001)
        copy = keras.models.clone_model(disc)
        """
    path = _write(tmp_path, "clone_retrained", source)
    mine = _no_wrong_split(path, missing={"copy"})
    assert [m["name"] for m in mine["models"]] == ["disc"]
    _only_split_unknown(path, mine, {"disc"})


NESTED = """
    import keras
    from keras import layers

    inner = keras.Sequential([keras.Input((4,)), layers.Dense(8)], name="inner")
    middle = keras.Sequential([keras.Input((4,)), inner, layers.Dense(3)], name="middle")
    outer = keras.Sequential([keras.Input((4,)), middle, layers.Dense(1)], name="outer")
    x = keras.Input((4,))
    other = keras.Model(x, inner(x))
    apart = keras.Sequential([keras.Input((2,)), layers.Dense(2)])

    def train(steps):
        for i in range(steps):
            CHANGE
            outer.compile(loss="mse")

    train(20001)
    """


def test_a_nested_model_changed_in_place_in_a_cut_off_loop_is_unknown(tmp_path):
    """``outer.trainable = flag`` in a cut-off loop flips every layer inside ``outer``, at any
    depth: the models it holds (``inner`` two levels down) and every model holding those
    (``other``) show a ``?`` split, never the one where the loop stopped."""
    source = NESTED.replace("CHANGE", "outer.trainable = (i % 2 == 0)")
    path = _write(tmp_path, "nested_retrained", source)
    mine = _no_wrong_split(path)
    assert _notes(mine)
    _only_split_unknown(path, mine, {"inner", "middle", "outer", "other"})


def test_a_nested_model_changed_through_layers_in_a_cut_off_loop_is_forgotten(tmp_path):
    """``outer.layers[0].layers[0].trainable = flag`` changes ``inner`` through ``outer``:
    ``outer`` and what it holds are forgotten (``?``), the models holding them show ``?`` totals."""
    source = NESTED.replace("CHANGE", "outer.layers[0].layers[0].trainable = (i % 2 == 0)")
    mine = _no_wrong_split(_write(tmp_path, "nested_through_layers", source),
                           missing={"inner", "middle", "outer"})
    totals = {m["name"]: m["total_params"] for m in mine["models"]}
    assert totals == {"other": None, "apart": totals["apart"]} and totals["apart"] is not None, totals


def test_set_weights_of_the_users_own_layer_in_a_cut_off_loop_is_a_change(tmp_path):
    """``m.layers[0].set_weights(w)`` keeps summaries only when it is Keras's: a layer of the
    user's class defining ``set_weights`` may do anything, so ``m`` is forgotten."""
    source = """
        import keras
        from keras import layers

        class Odd(layers.Layer):
            def set_weights(self, weights):
                self.seen = weights

            def call(self, x):
                return x

        m = keras.Sequential([keras.Input((3,)), Odd(), layers.Dense(2)])
        kept = keras.Sequential([keras.Input((3,)), layers.Dense(2)])

        def train(steps):
            for i in range(steps):
                m.layers[0].set_weights([])
                kept.layers[0].set_weights(kept.layers[0].get_weights())

        train(20001)
        """
    mine = _no_wrong_split(_write(tmp_path, "own_set_weights", source), missing={"m"})
    assert _notes(mine)


VOCABULARY = """
    import keras
    import numpy as np
    from keras import layers

    class Vocabulary:
        def __init__(self, words):
            self.word_index = {w: i + 1 for i, w in enumerate(words)}
            self.index_to_word = dict(zip(self.word_index.values(), self.word_index.keys()))
            self.fit(words)

        def fit(self, words):
            self.size = len(words)

        def word(self, token):
            return " " if token == 0 else self.index_to_word[token]

    vocabulary = Vocabulary(["a", "b", "c"])
    inputs = keras.Input(shape=(4,))
    decoder = keras.Model(inputs, layers.Dense(3)(inputs))
    holder = keras.Sequential([keras.Input((2,)), layers.Dense(2)])

    def translate(x):
        token, count, text = 1, 0, ""
        while token != 2 and count < 10:
            out = decoder.predict(x)
            token = out[0, count % 3]
            text += " " + vocabulary.word(token)
            count += 1
        CHANGE
        return text

    translate(np.zeros((1, 4)))
    """


def test_a_decoding_loop_calling_methods_that_change_only_their_instance_keeps_the_models(tmp_path):
    """A ``while`` loop of unknown length calls ``vocabulary.word(...)``: methods of that class
    change only their own instance (``self.x = ...``, ``self.fit(...)``, reading
    ``self.index.values()``), which is ``vocabulary``, not the models the loop reads (they were
    forgotten before: a translation script lost its decoder model)."""
    mine = assert_models_match_keras(_write(tmp_path, "decoding", VOCABULARY.replace("CHANGE", "pass")))
    assert [m["name"] for m in mine["models"]] == ["decoder", "holder"]


@pytest.mark.parametrize("change", ["Builder.grow(holder)", "builder.extend(holder)"],
                         ids=["method_called_on_the_class", "method_changing_an_argument"])
def test_a_method_that_may_change_another_object_still_forgets_it(tmp_path, change):
    """Called on the class (``Builder.grow(holder)`` passes any object as ``self``) or changing an
    argument, a method may change more than its instance: ``holder``, which the cut-off loop
    changes, is forgotten, never shown as it was; ``decoder`` is kept."""
    builder = """
    class Builder:
        def extend(self, model):
            model.add(layers.Dense(1))

        def grow(self):
            self.add(layers.Dense(1))

    builder = Builder()
    vocabulary = Vocabulary"""
    loop = f"for i in range(30000):\n            if i == 0:\n                {change}"
    source = VOCABULARY.replace("CHANGE", loop).replace("\n    vocabulary = Vocabulary", builder, 1)
    mine = _no_wrong_split(_write(tmp_path, "changing", source), missing={"holder"})
    assert [m["name"] for m in mine["models"]] == ["decoder"]


def test_a_comprehension_that_gives_nothing_new_stops_early(tmp_path):
    """A comprehension that calls a helper for each item stops like a loop: its value is ``?``
    (so is what its calls may change), with a note, and the code after it is analysed."""
    source = """
        import keras
        from keras import layers

        def walk(steps):
            total = 0
            for i in range(steps):
                total += i % 3
            return total

        samples = [walk(40) for _ in range(5000)]
        more = [walk(40) for _ in range(5000)]
        inputs = keras.Input((6,))
        model = keras.Model(inputs, layers.Dense(len(samples) // 1000)(inputs))
        later = keras.Sequential([keras.Input((3,)), layers.Dense(4)])
        """
    mine = _no_wrong_number(_write(tmp_path, "comprehension", source))
    notes = _notes(mine)
    assert [n["line"] for n in notes] == [10, 11], notes
    assert all("comprehension stopped after" in n["message"] for n in notes), notes
    assert mine["models"][0]["layers"][-1]["params"] is None
    assert [row[1:] for row in row_tuples(mine["models"][1])] == [("Dense", "(None, 4)", 16)]


def test_a_function_variable_named_like_a_model_does_not_forget_that_model(tmp_path):
    """A cut-off loop calls a function that changes its argument (``x.append(m)``): what the loop
    may have changed is forgotten, but the function's own ``m`` is not the module's model ``m``
    (a style-transfer tutorial lost its ``vgg`` model's summary to a local ``vgg``)."""
    source = """
    import keras
    from keras import layers

    m = keras.Sequential([keras.Input((8,)), layers.Dense(4)], name="kept")

    def step(x):
        m = layers.Dense(4)
        x.append(m)

    for i in range(100000):
        step([])
    """
    path = _write(tmp_path, "local_name", source)
    mine = assert_models_match_keras(path)
    assert [m["name"] for m in mine["models"]] == ["m"]
    assert _notes(mine), "the loop must be cut off by its budget"


@pytest.mark.parametrize("signature", ["def step(x, m=m):", "def step(x, *, m=m):"])
def test_a_default_argument_named_like_the_model_it_holds_still_forgets_it(tmp_path, signature):
    """A parameter's default is read where the function is defined: ``def step(x, m=m)`` changes
    the module's model ``m`` when a cut-off loop calls it, and that model is forgotten, never shown
    half-built (its own names are left out of what the loop may change, its defaults are not)."""
    source = f"""
    import keras
    from keras import layers

    m = keras.Sequential([keras.Input((8,)), layers.Dense(4)])

    {signature}
        m.add(layers.Dense(4))

    for i in range(30000):
        if i % 10000 == 0:
            step([])
    """
    mine = _no_wrong_split(_write(tmp_path, "default_argument", source), missing={"m"})
    assert mine["models"] == []
