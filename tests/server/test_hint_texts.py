"""Inlay hint texts: shapes as Keras spells them, runs of one site compacted."""

from __future__ import annotations

import textwrap

from model_oracle import keras_report
from shapelens.analyser import IncrementalAnalysis, analyse_source
from shapelens.engine.shape import UNKNOWN
from shapelens.server.hints import collect_hints, compact, shape_text
from shapelens.server.hover import helper_hover, layer_hover
from shapelens.server.settings import Settings


def test_hint_texts():
    assert shape_text((None, 148, 148, 16)) == "(None, 148, 148, 16)"
    assert shape_text((None, 3), "batch") == "(batch, 3)"
    assert shape_text([(None, 2), UNKNOWN], "N") == "[(N, 2), ?]"
    assert shape_text((None,)) == "(None,)"
    items = ["(None, 32, 32, 16)", "(None, 16, 16, 32)", "(None, 8, 8, 64)", "(None, 4, 4, 128)"]
    assert compact(items, 4) == "×4: (None, 32, 32, 16) | (None, 16, 16, 32) | (None, 8, 8, 64) | …"
    assert compact(["(None, 1000, 1000, 1000)"] * 3, 3).startswith("×3: (None, 1000, 1000, 1000) | (None")


def test_a_viewport_gets_the_hints_of_its_lines_only_and_the_same_ones():
    """An editor asks for the lines it shows: only their labels are built, and they are the
    labels a request for the whole document gives on those lines."""
    source = textwrap.dedent("""\
        import keras
        from keras import layers
        inputs = keras.Input(shape=(28, 28, 1))
        x = layers.Conv2D(16, 3)(inputs)
        x = layers.Flatten()(x)
        outputs = layers.Dense(10)(x)
        model = keras.Model(inputs, outputs)
        """)
    analysis = analyse_source(source)
    sites = list(analysis.sites.values())
    everything = collect_hints(sites, analysis.models, Settings())
    assert {h.line for h in everything} >= {4, 6, 7}
    window = collect_hints(sites, analysis.models, Settings(), (4, 6))
    assert window == [h for h in everything if 4 <= h.line <= 6]
    assert window and collect_hints(sites, analysis.models, Settings(), (8, 9)) == []


LONG_LOOPS = """
    import keras
    from keras import layers

    inputs = keras.Input(shape=(8,))
    x = inputs
    for i in range(100):
        x = layers.Dense(8)(x)
    chain = keras.Model(inputs, x)


    def block(x, units):
        return layers.Dense(units)(x)


    y = inputs
    for i in range(70):
        y = block(y, 4 + i % 2)
    helpers = keras.Model(inputs, y)
"""


def test_a_site_run_more_often_than_it_keeps_results_counts_every_run(tmp_path):
    """A site keeps the results of its first 64 runs; its hint and hover still count every run
    (as many as the layers Keras built there), and end in ``…`` for the runs not kept."""
    source = textwrap.dedent(LONG_LOOPS)
    path = tmp_path / "long_loops.py"
    path.write_text(source)
    models = {m["name"]: m for m in keras_report(path)["models"]}
    runs = {name: sum(row["class"] == "Dense" for row in models[name]["layers"]) for name in models}
    assert runs == {"chain": 100, "helpers": 70}
    chain_row = next(r for r in models["chain"]["layers"] if r["class"] == "Dense")
    for analysis in (analyse_source(source), IncrementalAnalysis().update(source).analysis):
        _check_long_loops(analysis, runs, models, chain_row)


def _check_long_loops(analysis, runs, models, chain_row):
    sites = {site.span.line: site for site in analysis.sites.values()}
    hints = {h.line: h.label for h in collect_hints(list(sites.values()), analysis.models, Settings())}
    assert hints[8] == f"×{runs['chain']}: {chain_row['output_shape']} · {chain_row['params']} params | …"
    first, second = [r for r in models["helpers"]["layers"] if r["class"] == "Dense"][:2]
    assert hints[13].startswith(f"×{runs['helpers']}: {first['output_shape']} · {first['params']} params | "
                                f"{second['output_shape']} · {second['params']} params | ")
    assert hints[13].endswith(" | …") and hints[18].startswith(f"×{runs['helpers']} → ")
    hover = layer_hover(sites[8], Settings())
    assert f"runs {runs['chain']} times" in hover and f"… and {runs['chain'] - 8} more runs" in hover
    assert "MACs of all runs: **?**" in hover      # the runs past the kept ones are not known
    assert f"… and {runs['helpers'] - 8} more runs" in helper_hover(sites[18], Settings())


STOPPED_LOOPS = """
    import sys

    import keras
    from keras import layers

    inputs = keras.Input(shape=(8,))
    shared = layers.Dense(4)
    total = 0
    for i in range(3000):
        y = shared(inputs)
        total += i
    model = keras.Model(inputs, shared(inputs))

    x = inputs
    for i in range(5):
        x = layers.Dense(8)(x)
        if len(sys.argv) > 5:
            continue
        x = layers.Dropout(0.1)(x)
    chain = keras.Model(inputs, x)
"""


def test_a_site_in_a_loop_stopped_part_way_counts_at_least_its_runs(tmp_path):
    """A loop the analysis stops part-way (a quiet loop; an undecided ``continue``) ran its sites
    fewer times than the program does: their hints say ``×N+`` and their hovers "at least", never
    an exact count below what Keras runs."""
    source = textwrap.dedent(STOPPED_LOOPS)
    path = tmp_path / "stopped_loops.py"
    path.write_text(source)
    models = {m["name"]: m for m in keras_report(path)["models"]}
    shared_row = next(r for r in models["model"]["layers"] if r["class"] == "Dense")
    dense_rows = [r for r in models["chain"]["layers"] if r["class"] == "Dense"]
    assert len(dense_rows) == 5
    for analysis in (analyse_source(source), IncrementalAnalysis().update(source).analysis):
        sites = {site.span.line: site for site in analysis.sites.values()}
        hints = {h.line: h.label for h in collect_hints(list(sites.values()), analysis.models, Settings())}
        assert any(d.span.line == 10 and "analysis stopped" in d.message for d in analysis.diagnostics)
        count, rest = hints[11].split(": ", 1)
        assert count.startswith("×") and count.endswith("+") and int(count[1:-1]) < 3000
        assert rest == f"{shared_row['output_shape']} · {shared_row['params']} params | " + " | ".join(
            [shared_row["output_shape"]] * 3) + " | …"
        assert hints[17] == f"×1+: {dense_rows[0]['output_shape']} · {dense_rows[0]['params']} params | …"
        assert "runs at least 1 time " in layer_hover(sites[17], Settings())


UNCALLED_BUILDER = """
    import keras
    from keras import layers


    def block(x, filters):
        x = layers.Conv2D(filters, 3, padding="same")(x)
        return layers.ReLU()(x)


    def build():
        inputs = keras.Input((32, 32, 3))
        x = block(inputs, 8)
        x = block(x, 16)
        return keras.Model(inputs, x)
"""


def test_a_helper_only_an_uncalled_builder_calls_shows_the_builders_runs(tmp_path):
    """Nobody calls ``build`` in the file (a ``models.py`` another file imports): it is explored
    for its hints, and ``block`` with it, on the builder's values.  ``block`` shows the runs a
    call of ``build()`` makes, as Keras builds them (finding: ``block`` was explored alone first,
    on ``?`` values, and showed ``×3: ? · ? params | (None, 32, 32, 8) · 224 params | …``)."""
    source = textwrap.dedent(UNCALLED_BUILDER)
    path = tmp_path / "builders.py"
    path.write_text(source + "\nmodel = build()\n")        # what a caller of the builder gets
    rows = [r for r in keras_report(path)["models"][0]["layers"] if r["class"] == "Conv2D"]
    assert len(rows) == 2
    for analysis in (analyse_source(source), IncrementalAnalysis().update(source).analysis):
        site = next(s for s in analysis.sites.values() if s.span.line == 7)
        assert site.runs == len(rows)
        assert [shape_text(r.output) for r in site.results] == [r["output_shape"] for r in rows]
        assert [r.params.trainable for r in site.results] == [r["params"] for r in rows]
        hints = {h.line: h.label for h in collect_hints([site], analysis.models, Settings())}
        assert hints[7].startswith(f"×2: {rows[0]['output_shape']} · {rows[0]['params']} params")


CALLED_AND_EXPLORED = """
    import keras
    from keras import layers


    def block(x, width):
        return layers.Dense(width)(x)


    inputs = keras.Input((8,))
    model = keras.Model(inputs, block(inputs, 4))


    def other():
        return block(keras.Input((3,)), 5)
"""


def test_a_helper_the_script_calls_shows_the_scripts_runs_only(tmp_path):
    """``block`` runs once when the file runs; ``other`` is never called, and is explored for
    its own hints only.  ``block``'s hint shows the one run Keras makes (finding: the
    exploration added its run, ``×2: (None, 4) · 36 params | (None, 5) · 20 params``)."""
    source = textwrap.dedent(CALLED_AND_EXPLORED)
    path = tmp_path / "called_and_explored.py"
    path.write_text(source)
    rows = [r for r in keras_report(path)["models"][0]["layers"] if r["class"] == "Dense"]
    assert len(rows) == 1
    for analysis in (analyse_source(source), IncrementalAnalysis().update(source).analysis):
        sites = {s.span.line: s for s in analysis.sites.values()}
        assert sites[7].runs == 1
        hints = {h.line: h.label for h in collect_hints(list(sites.values()), analysis.models, Settings())}
        assert hints[7] == f"{rows[0]['output_shape']} · {rows[0]['params']} params"
        assert hints[15] == "→ (None, 5)"          # the uncalled function still gets its hints
