"""Incremental analysis (``IncrementalAnalysis.update``) agrees with a full analysis after random
edits of every example file, and reuses what an edit did not touch."""

from __future__ import annotations

import pathlib
import random
import re
import sys
import warnings

import pytest

from shapelens.analyser import IncrementalAnalysis, macs_of, module_loader
from shapelens.analyser import analyse_for_editor as analyse

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((ROOT / "examples").rglob("*.py"))
_ADDRESS = re.compile(r" at 0x[0-9a-f]+")

sys.path.insert(0, str(ROOT / "benchmarks"))


def _summary(outcome):
    a = outcome.analysis
    sites = sorted(repr((s.span, s.kind, [(r.layer_name, r.class_name, r.output, r.params, macs_of(r))
                                          for r in s.results])) for s in a.sites.values())
    diags = sorted(repr((d.span, d.code, d.message, d.severity)) for d in a.diagnostics)
    models = sorted(repr((m.variable, m.class_name, m.keras_name, m.span, m.rows, m.params, x))
                    for m, x in zip(a.models, outcome.model_macs))
    return _ADDRESS.sub("", repr((sites, diags, models)))


def _edit_once(text: str, old: str, new: str, count: int = -1):
    """``text`` analysed, then edited (``old`` replaced by ``new``) and analysed again
    incrementally: ``(analyser, first outcome, edited text, its outcome)``, the latter checked
    equal to a full analysis of the edited text."""
    analyser = IncrementalAnalysis()
    first = analyser.update(text)
    edited = text.replace(old, new, count)
    assert edited != text
    outcome = analyser.update(edited)
    assert _summary(outcome) == _summary(analyse(edited))
    return analyser, first, edited, outcome


def _rows_as_keras_builds(tmp_path, name: str, text: str, outcome) -> None:
    """The models' rows in ``outcome`` (an analysis of ``text``) are those Keras builds."""
    from model_oracle import keras_report
    from oracle_compare import row_tuples, write_snippet
    from shapelens.report import file_json

    path = write_snippet(tmp_path, name, text)
    mine = file_json(str(path), outcome.analysis)
    assert [row_tuples(m) for m in mine["models"]] == [row_tuples(m) for m in keras_report(path)["models"]]


def _edits(text: str, rng: random.Random, count: int):
    """Single edits typing would make: digits, characters typed or deleted, lines added or removed."""
    for _ in range(count):
        lines = text.split("\n")
        i = rng.randrange(len(lines))
        line = lines[i]
        op = rng.random()
        if op < 0.3 and any(c.isdigit() for c in line):
            k = rng.choice([k for k, c in enumerate(line) if c.isdigit()])
            lines[i] = line[:k] + str(rng.randrange(1, 10)) + line[k + 1:]
        elif op < 0.5:
            k = rng.randrange(len(line) + 1)
            lines[i] = line[:k] + rng.choice("x(),= 1a") + line[k:]
        elif op < 0.65 and line:
            k = rng.randrange(len(line))
            lines[i] = line[:k] + line[k + 1:]
        elif op < 0.8:
            lines.insert(i, rng.choice(["", "# note", "x = layers.Dense(7)(x)", "y = 3"]))
        elif len(lines) > 3:
            del lines[i]
        text = "\n".join(lines)
        yield text


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_incremental_matches_full_analysis(path):
    """After every edit, the incremental result is the full analysis of the text as parsed
    (syntax errors are repaired inside the edited statements only, so that text is compared)."""
    rng = random.Random(path.name)
    text = path.read_text()
    analyser = IncrementalAnalysis()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        for step, edited in enumerate([text, *_edits(text, rng, 20)]):
            got = analyser.update(edited)
            parsed = "".join(analyser.lines) if analyser.lines is not None else edited
            assert _summary(got) == _summary(analyse(parsed)), f"step {step}"
            if analyser.lines is not None:
                assert got.analysis.syntax_ok == (parsed == edited.replace("\x00", " "))


@pytest.mark.parametrize("completed", [
    # the last line of a function body, completed: it was blanked while it did not parse
    "def block(x):\n    x = layers.Dense(3)(x)\n    x = layers.Dense(4)(x)\n",
    # the same, with a comment and a blank line between the function and the line being typed
    "def block(x):\n    x = layers.Dense(3)(x)\n\n# four\n    x = layers.Dense(4)(x)\n",
    # a method of a class
    "class Block(keras.layers.Layer):\n    def call(self, x):\n        return x\n    def build(self, s):\n        pass\n",
])
def test_typing_the_end_of_a_block(completed):
    """Typing the last line of a function (or class) body one character at a time: the body
    keeps the line once it parses (finding: the incremental parse read it as a new top-level
    statement, and the function lost its last layer's hint until the next full analysis)."""
    header = "import keras\nfrom keras import layers\n\n"
    analyser = IncrementalAnalysis()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        for end in range(len(completed) + 1):
            text = header + completed[:end]
            assert _summary(analyser.update(text)) == _summary(analyse(text)), repr(completed[:end])


def test_incremental_reuses_statements():
    from generate import generate_module

    text = generate_module(300)
    analyser, _, edited, outcome = _edit_once(
        text, 'x = layers.Conv2D(16, 3, padding="same"', 'x = layers.Conv2D(17, 3, padding="same"', 1)
    assert outcome.reused_statements > 5 * outcome.rerun_statements > 0
    # a comment edit re-runs nothing but the statement it is in (and what reads its values)
    again = analyser.update(edited.replace("# Experiment 1:", "# Experiment one:"))
    assert again.rerun_statements == 0


def test_incremental_follows_imports_of_workspace_modules(tmp_path):
    """A helper imported from another file of the workspace runs under the incremental analysis
    as under a full one (finding: the imported module's interpreter was built with the import
    depth where the cancel event goes, and every helper from another file came out unknown)."""
    (tmp_path / "parts.py").write_text("from keras import layers\n\ndef widen(x):\n    return layers.Dense(6)(x)\n")
    text = "import keras\nfrom parts import widen\n\nx = keras.Input((3,))\ny = widen(x)\n"
    path = tmp_path / "main.py"
    path.write_text(text)
    loader = module_loader(str(path))
    outcome = IncrementalAnalysis().update(text, loader)
    assert [s.kind for s in outcome.analysis.sites.values() if s.span.line == 5] == ["helper"]
    assert _summary(outcome) == _summary(analyse(text, loader))


def test_a_comment_typed_into_a_function_reruns_nothing():
    """Typing a comment at the end of a line inside a helper changes no code: the helper and
    the models built with it are replayed, at the same places."""
    text = ("import keras\nfrom keras import layers\n\n\ndef block(x, width):\n"
            "    x = layers.Dense(width)(x)\n    return layers.Dropout(0.5)(x)\n\n\n"
            "inputs = keras.Input((8,))\nmodel = keras.Model(inputs, block(inputs, 4))\n")
    analyser = IncrementalAnalysis()
    analyser.update(text)
    for end in range(1, len("  # wider")):
        edited = text.replace("(width)(x)\n", "(width)(x)" + "  # wider"[:end] + "\n")
        outcome = analyser.update(edited)
        assert outcome.rerun_statements == 0
        assert _summary(outcome) == _summary(analyse(edited))


@pytest.mark.parametrize("old, new, same_code", [
    ("(x)  # wide", "(x)  # wider", True),               # a comment
    ("width *2", "width* 2", True),                       # spaces the parser does not keep
    ("use_bias=True", "use_bias=None", False),           # a value, at the same columns
    ("width *2", "width *3", False),
])
def test_an_edit_that_leaves_the_code_as_it_was_reruns_nothing(old, new, same_code):
    """An edit that leaves a statement parsing to the same tree, positions included, runs
    nothing again; any other edit, even one that keeps every column, runs it again (and the
    result is a full analysis's either way)."""
    text = ("import keras\nfrom keras import layers\n\n\ndef block(x, width):\n"
            "    x = layers.Dense(width *2, use_bias=True)(x)  # wide\n    return layers.Dropout(0.5)(x)\n\n\n"
            "inputs = keras.Input((8,))\nmodel = keras.Model(inputs, block(inputs, 4))\n")
    _, before, edited, outcome = _edit_once(text, old, new)
    assert (outcome.rerun_statements == 0) == same_code
    assert (_summary(outcome) == _summary(before)) == same_code


def test_a_hash_inside_a_string_is_code():
    """A ``#`` inside a string starts no comment: what follows it is code, and changing it runs
    the statement again (a layer's name here)."""
    text = ("import keras\nfrom keras import layers\n\n\ndef block(x):\n"
            "    return layers.Dense(3, name='a#b')(x)\n\n\n"
            "inputs = keras.Input((8,))\nmodel = keras.Model(inputs, block(inputs))\n")
    _, _, _, outcome = _edit_once(text, "'a#b'", "'a#c'")
    assert outcome.rerun_statements > 0
    assert [row.name for row in outcome.analysis.models[0].rows][-1] == "a#c"


@pytest.mark.parametrize("text, old, new", [
    # a class attribute mutated by a later statement: editing that statement must not add to the
    # list the class statement made last time
    ("import keras\nfrom keras import layers\n\n\nclass Registry:\n    items = []\n\n\n"
     "Registry.items.append(layers.Dense(3))\nmodel = keras.Sequential([keras.Input((2,)), *Registry.items])\n",
     "Dense(3)", "Dense(4)"),
    # ... by exploring a function nobody calls (``pop`` empties it): the next analysis starts afresh
    ("import keras\nfrom keras import layers\n\n\nclass Net:\n    sizes = {2: [3, 4, 5]}\n\n"
     "    def build(self, x):\n        widths = self.sizes[2]\n        for _ in range(3):\n"
     "            x = layers.Dense(widths.pop(0))(x)\n        return x\n\n\n"
     "def example():\n    return Net().build(keras.Input((2,)))\n",
     "return x\n", "return x  # done\n"),
    # ... a mutable default of a function, the same way
    ("import keras\nfrom keras import layers\n\n\ndef build(x, widths=[3, 4, 5]):\n"
     "    for _ in range(3):\n        x = layers.Dense(widths.pop(0))(x)\n    return x\n\n\n"
     "def example():\n    return build(keras.Input((2,)))\n",
     "return x\n", "return x  # done\n"),
])
def test_mutable_state_of_classes_and_functions_is_not_shared(text, old, new):
    """A class's attributes and a function's default values can be mutated: they are made again
    when what mutates them runs again (finding: a ShuffleNet whose uncalled ``example()`` popped
    a class-level list showed fewer results after any edit)."""
    analyser = IncrementalAnalysis()
    analyser.update(text)
    for edited in (text.replace(old, new), text):
        assert _summary(analyser.update(edited)) == _summary(analyse(edited))


def test_a_layer_edited_under_a_global_data_format_follows_it(tmp_path):
    """``set_image_data_format`` is Keras's global state, not a variable: a statement setting it
    that is replayed sets it again for the statements run after it (finding: editing the
    ``Conv2D`` below it gave ``(None, 1, 30, 9)``, channels-last, where Keras says
    ``(None, 9, 30, 30)``)."""
    text = ("import keras\nfrom keras import layers\n\n"
            'keras.config.set_image_data_format("channels_first")\n'
            "inputs = keras.Input((3, 32, 32))\nx = layers.Conv2D(8, 3)(inputs)\n"
            "model = keras.Model(inputs, layers.MaxPooling2D(2)(x))\n")
    _, _, edited, outcome = _edit_once(text, "Conv2D(8, 3)", "Conv2D(9, 3)")
    assert outcome.reused_statements >= 3 and outcome.rerun_statements >= 1
    _rows_as_keras_builds(tmp_path, "channels_first_edited", edited, outcome)


CLOSURE = ("import keras\nfrom keras import layers\n\n\ndef make():\n    dense = layers.Dense(4)\n"
           "    return lambda t: dense(t)\n\n\napply = make()\ninputs = keras.Input((3,))\n"
           "model = keras.Model(inputs, apply(inputs))\nmodel.summary()\n")


@pytest.mark.parametrize("old, new", [
    ("model.summary()", "model.summary(line_length=80)"),      # a later statement re-runs the call
    ("Input((3,))", "Input((5,))"),                            # the layer's input changes
    ("lambda t: dense(t)", "lambda t: dense(t)  # typed"),     # the factory itself
])
def test_a_layer_a_returned_closure_holds_is_made_again_when_its_call_runs_again(tmp_path, old, new):
    """A function a factory returned holds the factory's layer (its closure): replaying the
    statement that made it while re-running its call would call last run's layer, already built
    (finding on public code, a ``CategoryEncoding`` behind a returned lambda: editing a later line
    showed its parameters as unknown, and changing the input's size gave a false
    incompatible-shapes error)."""
    _, _, edited, outcome = _edit_once(CLOSURE, old, new)
    assert not outcome.analysis.diagnostics
    _rows_as_keras_builds(tmp_path, "returned_closure_edited", edited, outcome)


REBOUND = ("import sys\n\nimport keras\nfrom keras import layers\n\nunits, bias = 4, True\n"
           "inputs = keras.Input((3,))\n{again}\nmodel = keras.Model(inputs, layers.Dense(units, use_bias=bias)(inputs))\n")


@pytest.mark.parametrize("again, old, new, certain", [
    ("units = 4", "units, bias = 4,", "units, bias = 5,", True),            # the same small int again
    ("bias = True", "4, True", "4, False", True),                            # the same constant again
    ("units = units", "units, bias = 4,", "units, bias = 5,", True),        # a name bound to itself
    ("if len(sys.argv) > 1:\n    units = 4", "units, bias = 4,", "units, bias = 5,", False),  # maybe again
    ("if len(sys.argv) > 1:\n    units = 5", "units, bias = 4,", "units, bias = 5,", False),
])
def test_a_name_bound_again_to_the_same_value_keeps_it_when_the_first_binding_is_edited(tmp_path, again, old, new,
                                                                                          certain):
    """A statement that binds a name to the very object it already held (``units = 4`` twice, a
    small int Python shares) still binds it: after an edit of the first binding, replaying the
    second one restores its value (finding on public code: ``batch_size = 32`` twice in a
    notebook, the first edited, gave the layers below the second ``33``).  A binding in a branch
    that may not run leaves the name depending on its earlier value."""
    text = REBOUND.format(again=again)
    analyser = IncrementalAnalysis()
    analyser.update(text)
    edited = text.replace(old, new, 1)
    outcome = analyser.update(edited)
    assert _summary(outcome) == _summary(analyse(edited))
    assert _summary(analyser.update(text)) == _summary(analyse(text))      # and undone
    if certain:             # the rows Keras builds (a maybe-binding leaves ``?``: nothing to compare)
        _rows_as_keras_builds(tmp_path, "rebound_edited", edited, outcome)


BUILDERS = '''import keras
from keras import layers

SIZES = (32, 64)


def stem(x, width=32):
    x = layers.Conv2D(width, 3, strides=2)(x)
    return layers.BatchNormalization()(x)


def small(classes=10):
    inputs = keras.Input((64, 64, 3))
    x = stem(inputs)
    return keras.Model(inputs, layers.Dense(classes)(layers.Flatten()(x)))


def large(classes=100):
    inputs = keras.Input((96, 96, 3))
    x = stem(inputs, SIZES[1])
    x = layers.Conv2D(SIZES[1], 3)(x)
    return keras.Model(inputs, layers.Dense(classes)(layers.GlobalAveragePooling2D()(x)))
'''


@pytest.mark.parametrize("old, new, explored_again", [
    ("\n\ndef small", "\n\n# the small one\ndef small", 0),      # a comment between the builders
    ("Dense(classes)(layers.Flatten", "Dense(classes + 1)(layers.Flatten", 1),   # inside one builder
    ("strides=2", "strides=1", 2),     # inside the helper both call: both explored again
    ("SIZES = (32, 64)", "SIZES = (16, 64)", 1),     # a value one of them reads
])
def test_a_file_of_builders_nobody_calls_explores_again_only_what_an_edit_reaches(old, new, explored_again):
    """Functions nobody calls in the file are explored for their hints.  An edit explores again
    only the ones whose code, or whose module-level values, it changed; the others' results are
    kept (finding: every keystroke in Keras's ``nasnet.py`` explored its three builders again,
    500 ms an edit).  The result is a full analysis's either way."""
    analyser, first, _, outcome = _edit_once(BUILDERS, old, new)
    assert first.reused_explorations == 0
    assert outcome.reused_explorations == 2 - explored_again       # small, large (stem runs in them)
    assert _summary(analyser.update(BUILDERS)) == _summary(first)


CONFIGURED = """import keras
from keras import layers

CONFIG = {"widths": [8, 16], "act": "relu"}
BUILT = []


def tower(depth=2):
    inputs = keras.Input((4,))
    x = inputs
    for width in CONFIG["widths"][:depth]:
        x = layers.Dense(width, activation=CONFIG["act"])(x)
    return keras.Model(inputs, x)


def registered():
    BUILT.append(layers.Dense(3))
    return keras.Sequential([keras.Input((2,)), *BUILT])
"""


@pytest.mark.parametrize("old, new, reused", [
    ("\n\ndef tower", "\n\n# towers\ndef tower", 1),          # a comment: tower's exploration stands
    ('"widths": [8, 16]', '"widths": [8, 17]', 0),              # the settings it read changed
    ('BUILT = []', 'BUILT = [] + []', 1),                         # a value tower does not read
])
def test_an_exploration_that_read_a_settings_container_is_kept_while_its_content_is(old, new, reused):
    """An uncalled builder that reads a module-level container of settings is explored again only
    when that content changed; one that changes a module-level list (``registered``) is explored
    again on every edit, from a list made again (it must not find last time's layer in it)."""
    analyser, first, _, outcome = _edit_once(CONFIGURED, old, new)
    assert outcome.reused_explorations == reused
    assert _summary(analyser.update(CONFIGURED)) == _summary(first)
