"""What the analyser reports beyond the summary rows: where errors point, what stays unknown,
how broken code and runaway loops are handled.  Shapes asserted here are also checked against
Keras by the oracle suites; these tests pin down positions, quietness and limits."""

import textwrap
import time

from shapelens.analyser import analyse_source
from shapelens.engine.shape import UNKNOWN


def analyse(code: str):
    return analyse_source(textwrap.dedent(code).lstrip())


def errors(analysis):
    return [d for d in analysis.diagnostics if d.severity == "error"]


def results_on_line(analysis, line: int):
    return [r for span, site in analysis.sites.items() if span.line == line for r in site.results]


def test_error_points_at_the_layer_call_and_is_reported_once():
    analysis = analyse("""
        import keras
        from keras import layers
        a = keras.Input((8,))
        b = keras.Input((5,))
        s = layers.Add()([a, b])
        t = layers.Dense(3)(s)
        u = layers.Dense(2)(t)
        """)
    [error] = errors(analysis)
    assert (error.span.line, error.span.column) == (5, 4)
    assert error.span.end_column == len("s = layers.Add()([a, b])")
    assert error.code == "incompatible-shapes"
    assert "(8,)" in error.message and "(5,)" in error.message
    # the cause is reported once: the layers after it are unknown, not errors
    assert [r.output for r in results_on_line(analysis, 6)] == [UNKNOWN]


def test_sequential_error_points_at_the_offending_layer_element():
    analysis = analyse("""
        import keras
        from keras import layers
        model = keras.Sequential([
            keras.Input((10,)),
            layers.Dense(4),
            layers.LSTM(3),
        ])
        """)
    [error] = errors(analysis)
    assert error.span.line == 6 and error.code == "wrong-rank"
    assert "expected ndim=3, found ndim=2" in error.message


def test_values_read_at_run_time_are_unknown_and_never_errors():
    analysis = analyse("""
        import json, os
        import keras
        from keras import layers
        cfg = json.load(open("config.json"))
        units = int(os.environ.get("UNITS", "8"))
        inputs = keras.Input((cfg["size"], 3))
        x = layers.Conv1D(cfg["filters"], 3)(inputs)
        x = layers.Reshape((cfg["h"], -1))(x)
        x = layers.Flatten()(x)
        y = layers.Dense(units)(x)
        z = layers.Add()([y, layers.Dense(cfg["units"])(x)])
        model = keras.Model(inputs, z)
        """)
    assert errors(analysis) == []
    [conv] = results_on_line(analysis, 7)
    assert conv.output == (None, UNKNOWN, UNKNOWN)
    [model] = analysis.models
    assert model.params.total is UNKNOWN


def test_unknown_branch_shows_shapes_but_reports_nothing():
    analysis = analyse("""
        import sys
        import keras
        from keras import layers
        inputs = keras.Input((8,))
        if len(sys.argv) > 1:
            x = layers.Dense(4)(inputs)
            bad = layers.Add()([x, inputs])
        else:
            x = layers.Dense(6)(inputs)
        out = layers.Dense(1)(x)
        """)
    assert errors(analysis) == []
    assert [r.output for r in results_on_line(analysis, 6)] == [(None, 4)]
    assert [r.output for r in results_on_line(analysis, 10)] == [(None, 1)]


def test_helper_function_results_are_listed_per_call_and_at_the_call_site():
    analysis = analyse("""
        import keras
        from keras import layers

        def block(x, filters):
            return layers.Conv2D(filters, 3, strides=2, padding="same")(x)

        x = keras.Input((32, 32, 3))
        for f in (16, 32, 64):
            x = block(x, f)
        """)
    assert [r.output for r in results_on_line(analysis, 5)] == [
        (None, 16, 16, 16), (None, 8, 8, 32), (None, 4, 4, 64)]
    helper = [site for span, site in analysis.sites.items() if span.line == 9]
    assert helper[0].kind == "helper"
    assert [r.output for r in helper[0].results] == [(None, 16, 16, 16), (None, 8, 8, 32), (None, 4, 4, 64)]


def test_functions_nobody_calls_still_get_shapes_from_their_defaults():
    analysis = analyse("""
        import keras
        from keras import layers

        def build(input_shape=(28, 28, 1), classes=10):
            inputs = keras.Input(input_shape)
            x = layers.Flatten()(inputs)
            return keras.Model(inputs, layers.Dense(classes)(x))
        """)
    assert [r.output for r in results_on_line(analysis, 6)] == [(None, 784)]
    assert [r.output for r in results_on_line(analysis, 7)] == [(None, 10)]


def test_broken_code_keeps_results_for_the_lines_that_parse():
    analysis = analyse("""
        import keras
        from keras import layers
        inputs = keras.Input((150, 150, 3))
        x = layers.Conv2D(16, 3)(inputs)
        x = layers.MaxPooling2D(2)(x
        y = layers.Dense(
        model = keras.Model(inputs, x)
        """)
    assert not analysis.syntax_ok
    assert [r.output for r in results_on_line(analysis, 4)] == [(None, 148, 148, 16)]
    assert errors(analysis) == []


def test_runaway_loops_and_recursion_stop_with_a_note():
    start = time.perf_counter()
    analysis = analyse("""
        import keras
        from keras import layers

        def f(x):
            return g(x)

        def g(x):
            return f(x)

        x = keras.Input((4,))
        for i in range(10**9):
            x = layers.Dense(4)(x)
        while True:
            pass
        y = f(x)
        """)
    assert time.perf_counter() - start < 20
    notes = [d for d in analysis.diagnostics if d.code == "analysis-limit"]
    assert notes and all(d.severity == "information" for d in notes)
    assert all(d.message.startswith("analysis stopped:") for d in notes)
    assert errors(analysis) == []


def test_huge_numbers_are_unknown_not_slow():
    start = time.perf_counter()
    analysis = analyse("""
        import keras
        from keras import layers
        n = 10**10**10
        x = keras.Input((4,))
        y = layers.Dense(n)(x)
        z = layers.Dense(2**64)(x)  # beyond int64: unknown
        """)
    assert time.perf_counter() - start < 5
    assert errors(analysis) == []
    [dense] = results_on_line(analysis, 6)
    assert dense.output == (None, UNKNOWN)
