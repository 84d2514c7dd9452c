"""Loops of unknown length and undecided ``if``s that build models: ShapeLens cannot list every
row, so it says so (``rows_complete`` false, totals ``?``, later default names ``dense_?``) and
every value it does state agrees with real Keras (which runs the snippet with one known count)."""

import textwrap

import pytest

from model_oracle import keras_report
from oracle_compare import ours

# Each snippet's count comes from ``len(sys.argv)``: known when Keras runs it, never statically.
SNIPPETS = {
    "functional_loop": """
        import sys
        import keras
        from keras import layers
        depth = len(sys.argv) + 2
        x_in = keras.Input(shape=(8,))
        x = layers.Dense(6)(x_in)
        for _ in range(depth):
            x = layers.Dense(6)(x)
        model = keras.Model(x_in, layers.Dense(2)(x))
        """,
    "sequential_add_in_loop": """
        import sys
        import keras
        from keras import layers
        depth = len(sys.argv) + 1
        model = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(4)])
        for _ in range(depth):
            model.add(layers.Dense(4))
        model.add(layers.Dense(1))
        """,
    "list_of_layers_grown_in_loop": """
        import sys
        import keras
        from keras import layers
        stack = [keras.Input(shape=(3,))]
        for _ in range(len(sys.argv) + 1):
            stack.append(layers.Dense(7))
        model = keras.Sequential(stack)
        """,
    "undecided_if_before_a_layer": """
        import sys
        import keras
        from keras import layers
        x_in = keras.Input(shape=(4,))
        x = x_in
        if len(sys.argv) > 5:
            x = layers.Dense(9)(x)
        model = keras.Model(x_in, layers.Dense(3)(x))
        """,
    "subclass_blocks_from_unknown_count": """
        import sys
        import keras
        from keras import layers

        class Tower(keras.Model):
            def __init__(self, count):
                super().__init__()
                self.blocks = []
                for _ in range(count):
                    self.blocks.append(layers.Dense(3))

            def call(self, x):
                for block in self.blocks:
                    x = block(x)
                return x

        model = Tower(len(sys.argv) + 1)
        model.build((None, 5))
        """,
    "undecided_if_then_layers_after_it": """
        import sys
        import keras
        from keras import layers
        inputs = keras.Input((16, 16, 3))
        y = layers.Conv2D(8, 3, padding="same")(inputs)
        if len(sys.argv) > 1:
            y = layers.Add()([y, layers.Conv2D(8, 1)(inputs)])
        x = layers.Dropout(0.5)(y)
        x = layers.Conv2D(10, 1)(x)
        model = keras.Model(inputs, layers.GlobalAveragePooling2D()(x))
        """,
    "sequential_add_in_undecided_if": """
        import sys
        import keras
        from keras import layers
        model = keras.Sequential([keras.Input((8,)), layers.Dense(4)])
        if len(sys.argv) > 5:
            model.add(layers.Dropout(0.5))
        model.add(layers.Dense(3))
        """,
    # a ``break`` or ``continue`` that may not run: the iterations after it may not run either
    "break_in_undecided_if": """
        import sys
        import keras
        from keras import layers
        inputs = keras.Input((4,))
        x = inputs
        for _ in range(4):
            x = layers.Dense(8)(x)
            if len(sys.argv) > 5:
                break
        model = keras.Model(inputs, layers.Dense(2)(x))
        """,
    "continue_in_undecided_if": """
        import sys
        import keras
        from keras import layers
        inputs = keras.Input((4,))
        x = inputs
        for width in (6, 5, 4):
            if len(sys.argv) > width:
                continue
            x = layers.Dense(width)(x)
        model = keras.Model(inputs, layers.Dense(2)(x))
        """,
    # what a call changes in place after a return that may happen may not be changed
    "list_grown_after_an_early_return": """
        import sys
        import keras
        from keras import layers
        stack = [keras.Input((4,)), layers.Dense(5)]

        def grow(width, done):
            if done:
                return None
            stack.append(layers.Dense(width))

        grow(3, len(sys.argv) > 5)
        model = keras.Sequential(stack)
        """,
    "subclass_layer_assigned_in_undecided_if": """
        import sys
        import keras
        from keras import layers

        class Net(keras.Model):
            def __init__(self):
                super().__init__()
                self.a = layers.Dense(4)
                if len(sys.argv) > 1:
                    self.b = layers.Dense(5)
                self.c = layers.Dense(3)

            def call(self, x):
                return self.c(self.a(x))

        model = Net()
        model(keras.ops.zeros((2, 8)))
        """,
}


def _consistent(keras_row: dict, our_row: dict) -> bool:
    """Every value ShapeLens states (not ``?``) is Keras's."""
    def dims(text):
        return [d.strip() for d in text.strip("()").split(",") if d.strip()]
    if our_row["class"] != keras_row["class"]:
        return False
    if our_row["params"] is not None and our_row["params"] != keras_row["params"]:
        return False
    if our_row["output_shape"] == "?":
        return True
    mine, real = dims(our_row["output_shape"]), dims(keras_row["output_shape"])
    return len(mine) == len(real) and all(a in ("?", b) for a, b in zip(mine, real))


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_rows_that_cannot_be_listed_are_reported_as_unknown(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(SNIPPETS[name]).lstrip(), encoding="utf-8")
    real = keras_report(path)
    assert real.get("error") is None, real.get("error")
    (keras_model,) = real["models"]
    (model,) = ours(path)["models"]
    assert model["rows_complete"] is False
    assert model["total_params"] is None
    assert len(model["layers"]) <= len(keras_model["layers"])
    # every row printed is Keras's row at that position (rows an undecided branch may add or
    # move are not printed); rows before the first unknown name are exact
    exact = True
    for our_row, keras_row in zip(model["layers"], keras_model["layers"]):
        assert _consistent(keras_row, our_row), (our_row, keras_row)
        exact = exact and not our_row["name"].endswith("_?")
        if exact:
            assert (our_row["name"], our_row["output_shape"], our_row["params"]) == (
                keras_row["name"], keras_row["output_shape"], keras_row["params"])


def test_a_known_loop_keeps_exact_names_and_rows(tmp_path):
    """The same loop with a count known statically: every row and name is Keras's."""
    from oracle_compare import assert_models_match_keras
    path = tmp_path / "known.py"
    path.write_text(textwrap.dedent(SNIPPETS["functional_loop"]).replace(
        "len(sys.argv) + 2", "3").lstrip(), encoding="utf-8")
    assert_models_match_keras(path)
    (model,) = ours(path)["models"]
    assert model["rows_complete"] is True


# A call that may return before its end (a ``return`` in an undecided ``if``, or in a loop stopped
# part-way at its bound) returns Keras's value only where every way it may end agrees; elsewhere
# ``?``, never the value of the way it happened to be followed to the end.
EARLY_RETURNS = {
    "return_in_undecided_if": """
        import sys
        import keras
        from keras import layers

        def width(wide):
            if wide:
                return 5
            return 3

        inputs = keras.Input((4,))
        model = keras.Model(inputs, layers.Dense(width(len(sys.argv) > 5))(inputs))
        """,
    # the loop stops after the undecided ``continue``: a later iteration may have returned
    "return_in_a_loop_left_after_an_undecided_continue": """
        import sys
        import keras
        from keras import layers

        def pick(items):
            for i in items:
                if len(sys.argv) > 7:
                    continue
                if i == 3:
                    return 5
            return 1

        inputs = keras.Input((4,))
        model = keras.Model(inputs, layers.Dense(pick([1, 2, 3]))(inputs))
        """,
    "return_in_a_loop_stopped_at_its_bound": """
        import keras
        from keras import layers

        def first_square_over(limit):
            for i in range(10 ** 6):
                if i * i > limit:
                    return i
            return 0

        inputs = keras.Input((4,))
        model = keras.Model(inputs, layers.Dense(first_square_over(10 ** 9) % 7 + 1)(inputs))
        """,
}


@pytest.mark.parametrize("name", sorted(EARLY_RETURNS))
def test_a_return_that_may_not_happen_leaves_the_result_unknown(name, tmp_path):
    path = tmp_path / f"{name}.py"
    path.write_text(textwrap.dedent(EARLY_RETURNS[name]).lstrip(), encoding="utf-8")
    real = keras_report(path)
    assert real.get("error") is None, real.get("error")
    (keras_model,) = real["models"]
    (model,) = ours(path)["models"]
    assert [row["class"] for row in model["layers"]] == [row["class"] for row in keras_model["layers"]]
    for our_row, keras_row in zip(model["layers"], keras_model["layers"]):
        assert _consistent(keras_row, our_row), (our_row, keras_row)
    dense = model["layers"][-1]
    assert dense["output_shape"] == "(None, ?)" and dense["params"] is None, dense
    assert model["total_params"] is None


def test_every_way_of_ending_agreeing_keeps_the_result(tmp_path):
    """Branches that all return (one raising) end the call there with what they agree on; a
    tensor returned early and one returned at the end keep the dims they share."""
    from shapelens.analyser import analyse_source

    source = textwrap.dedent("""
        import sys
        import keras
        from keras import layers

        def width(wide):
            if wide:
                return 6
            else:
                return 6
            return 1

        def pick(wide):
            if wide:
                return 6
            raise ValueError("narrow")

        def head(x, wide):
            if wide:
                return layers.Dense(6)(x)
            return layers.Dense(6, use_bias=False)(x)

        inputs = keras.Input((4,))
        a = layers.Dense(width(len(sys.argv) > 5))(inputs)
        b = layers.Dense(pick(len(sys.argv) > 5))(inputs)
        c = layers.Dense(2)(head(inputs, len(sys.argv) > 5))
        """)
    analysis = analyse_source(source)
    lines = source.split("\n")

    def result(variable):
        line = next(i for i, text in enumerate(lines, 1) if text.startswith(f"{variable} = "))
        (site,) = [s for s in analysis.sites.values() if s.span.line == line and s.kind == "layer"]
        return site.results[-1].output, site.results[-1].params.total

    assert result("a") == ((None, 6), 30)
    assert result("b") == ((None, 6), 30)
    assert result("c") == ((None, 2), 14)


def test_a_condition_decided_by_its_last_operand_is_decided(tmp_path):
    """``unknown == n and stride == 1`` with ``stride`` 2 is ``False`` whichever the comparison
    is (and ``... or stride == 2`` is ``True``): no early return may happen, every row is Keras's."""
    from oracle_compare import assert_models_match_keras

    path = tmp_path / "decided.py"
    path.write_text(textwrap.dedent("""
        import sys
        import keras
        from keras import layers

        def block(x, filters, stride):
            y = layers.Dense(filters)(x)
            if len(sys.argv) == filters and stride == 1:
                return layers.Add()([x, y])
            if len(sys.argv) > 99 or stride == 2:
                return layers.Dense(filters + 1)(y)
            return y

        inputs = keras.Input((4,))
        model = keras.Model(inputs, layers.Dense(3)(block(inputs, 6, 2)))
        """).lstrip(), encoding="utf-8")
    assert_models_match_keras(path)
