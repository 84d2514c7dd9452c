"""A layer typed above other layers changes Keras's default names below it (``dense`` becomes
``dense_1``).  The incremental analysis renumbers the names of the statements it replays instead
of running them again (``analyser/autonames.py``); wherever a name's text was used — a message,
a derivation, ``get_layer``, the user's own code — the statement runs again.  Each test types a
line one character at a time and compares every state with a full analysis, derivations
included."""

from __future__ import annotations

import sys
import warnings

import pytest
from test_incremental_equivalence import ROOT, _summary

from shapelens.analyser import IncrementalAnalysis
from shapelens.analyser import analyse_for_editor as analyse

sys.path.insert(0, str(ROOT / "benchmarks"))

HEADER = "import sys\nimport keras\nfrom keras import layers\n\n"


def _full_summary(outcome):
    """What the user sees: hints, diagnostics and summaries (``_summary``), and hovers."""
    derivations = sorted(repr((site.span, [r.derivation.render_lines() if r.derivation else None
                                           for r in site.results]))
                         for site in outcome.analysis.sites.values())
    traced = [repr(model.traced) for model in outcome.analysis.models]
    return _summary(outcome), derivations, traced


def _type_line(text: str, line: int, typed: str):
    """The texts while ``typed`` is typed at the start of line ``line`` (0-based), a new line."""
    lines = text.split("\n")
    lines.insert(line, "")
    for end in range(len(typed) + 1):
        lines[line] = typed[:end]
        yield "\n".join(lines)


def _check_typing(text: str, line: int, typed: str) -> list:
    analyser = IncrementalAnalysis()
    outcomes = [analyser.update(text)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        for edited in _type_line(text, line, typed):
            outcome = analyser.update(edited)
            parsed = "".join(analyser.lines) if analyser.lines is not None else edited
            assert _full_summary(outcome) == _full_summary(analyse(parsed)), repr(edited.split("\n")[line])
            outcomes.append(outcome)
    return outcomes


def test_a_layer_typed_into_a_helper_renumbers_the_models_built_after_it():
    """The benchmark's loop-heavy file: a ``Dense`` typed into the first ResNet's block renames
    every later ``dense``; the later models' statements are replayed, not run again."""
    from generate import generate_loop_module

    text = generate_loop_module(400)
    lines = text.split("\n")
    line = next(i for i, s in enumerate(lines) if s.startswith("    y = layers.BatchNormalization()(y)")) + 1
    outcomes = _check_typing(text, line, "    y = layers.Dense(64, activation='relu')(y)")
    statements = outcomes[-1].reused_statements + outcomes[-1].rerun_statements
    assert outcomes[-1].rerun_statements <= 3 < statements // 4


def test_a_layer_typed_at_module_level_renumbers_later_statements():
    from generate import generate_module

    text = generate_module(300)
    lines = text.split("\n")
    line = next(i for i, s in enumerate(lines) if s.startswith("x = layers.")) + 1
    outcomes = _check_typing(text, line, "x = layers.Dense(64)(x)")
    assert outcomes[-1].rerun_statements * 5 < outcomes[-1].reused_statements


SNIPPETS = {
    # the user's code reads a default name and makes another from its text
    "name text in a new name": """
inputs = keras.Input((4,))
b = layers.Dense(5)
outputs = b(inputs)
copy = keras.Sequential([keras.Input((5,)), layers.Dense(2, name=b.name + "_copy")])
""",
    # a lookup by a default name finds another layer once the names move
    "get_layer by default name": """
inputs = keras.Input((4,))
x = layers.Dense(5)(inputs)
x = layers.Dense(6)(x)
model = keras.Model(inputs, x)
part = keras.Model(inputs, model.get_layer("dense_1").output)
""",
    # a lookup that finds nothing until the names move
    "get_layer that fails first": """
inputs = keras.Input((4,))
x = layers.Dense(5)(inputs)
model = keras.Model(inputs, x)
part = keras.Model(inputs, model.get_layer("dense_1").output)
""",
    # an error message that names the layer
    "message with the name": """
bad = layers.Conv2D(3, 3)(keras.Input((5,)))
""",
    # ... a layer made by an earlier statement
    "message about an earlier layer": """
conv = layers.Conv2D(3, 3)
bad = conv(keras.Input((5,)))
""",
    # a derivation (hover) that names the layer: recurrent layers
    "derivation with the name": """
seq = keras.Sequential([keras.Input((7, 3)), layers.LSTM(4), layers.Dense(2)])
""",
    # ... a layer made by an earlier statement
    "derivation of an earlier layer": """
lstm = layers.LSTM(4)
out = lstm(keras.Input((7, 3)))
""",
    # names kept by the user's code, as keys and as values
    "names in the user's containers": """
inputs = keras.Input((4,))
d = layers.Dense(5)
y = d(inputs)
by_name = {d.name: d}
names = [d.name]
again = keras.Model(inputs, by_name["dense"](inputs))
""",
    # a subclassed model traced by a later statement: the summary lists its layers' names
    "subclassed model called later": """
class Net(keras.Model):
    def __init__(self):
        super().__init__()
        self.head = layers.Dense(4)

    def call(self, x):
        return self.head(x)

net = Net()
out = net(keras.Input((3,)))
""",
    # copies keep their layers' names (``clone_model``)
    "clone of an earlier model": """
base = keras.Sequential([keras.Input((3,)), layers.Dense(4), layers.Dense(2)])
twin = keras.models.clone_model(base)
""",
    # a backbone's builder takes its names from the counters itself (``input_layer``)
    "backbone before an input": """
base = keras.applications.MobileNetV2(input_shape=(32, 32, 3), include_top=False, weights=None, alpha=0.35)
inputs = keras.Input((32, 32, 3))
head = keras.Model(inputs, layers.Dense(2)(base(inputs)))
""",
    # a branch that cannot be decided: later counts become ``dense_?``
    "undecided branch": """
if len(sys.argv) > 2:
    extra = layers.Dense(9)
inputs = keras.Input((4,))
x = layers.Dense(5)(inputs)
model = keras.Model(inputs, layers.Dense(3)(x))
""",
    # layers created in a loop and kept in a list built by an earlier statement
    "layers in a list": """
stack = []
for width in (3, 4, 5):
    stack.append(layers.Dense(width))
net = keras.Sequential([keras.Input((2,)), *stack])
""",
}

TYPED = [
    "extra0 = layers.Dense(1)",                                            # one more name above
    "extra0 = layers.LSTM(2)",                                             # another class
    "extra0 = layers.Conv2D(1, 1)",
    "if len(sys.argv) > 3:\n    maybe = layers.Dense(1)",                  # an undecided branch above
    "x0 = layers.Dense(2)(keras.Input((3,)))",                             # a name and an input
]


@pytest.mark.parametrize("snippet", SNIPPETS.values(), ids=SNIPPETS.keys())
@pytest.mark.parametrize("typed", TYPED, ids=["dense", "lstm", "conv", "branch", "input"])
def test_typing_above_code_that_reads_names(snippet, typed):
    text = HEADER + "first = layers.Dense(1)\n" + snippet
    _check_typing(text, HEADER.count("\n"), typed)


def test_a_model_summary_built_again_later_shows_the_new_names():
    """A subclassed model's traced summary keeps its layers' names: after a layer typed above,
    then a comment on the model's lines (which makes its summary be built again), the names
    are the new ones."""
    text = HEADER + "first = layers.Dense(1)\n" + SNIPPETS["subclassed model called later"]
    edited = text.replace("first = layers", "extra0 = layers.Dense(1)\nfirst = layers")
    analyser = IncrementalAnalysis()
    analyser.update(text)
    analyser.update(edited)
    for comment in ("  #", "  # a", "  # ab"):
        again = edited.replace("net = Net()\n", f"net = Net(){comment}\n").replace(
            "out = net(keras.Input((3,)))\n", f"out = net(keras.Input((3,))){comment}\n")
        outcome = analyser.update(again)
        assert _full_summary(outcome) == _full_summary(analyse(again))


def test_each_thread_watches_its_own_statement():
    """The server analyses several documents at once: what one analysis's statement does with
    names is never put down to another's."""
    import threading

    from shapelens.analyser.autonames import WATCH, AutoName, used

    mine, theirs = AutoName.make("dense", 1, False, False), AutoName.make("dense", 2, False, False)
    seen = {}

    def other_document():
        WATCH.begin()
        used(theirs)
        seen["other"] = WATCH.end()[0]

    WATCH.begin()
    used(mine)
    thread = threading.Thread(target=other_document)
    thread.start()
    thread.join()
    assert WATCH.end()[0] == [mine] and seen["other"] == [theirs]


def test_names_that_keep_their_text_may_have_been_read():
    """A ``Conv1D`` typed above shifts only the ``conv1d`` names: a statement whose ``dense``
    name a later statement read is renumbered and replayed all the same, and so is the reader."""
    text = HEADER + ("first = layers.Dense(1)\npair = (layers.Dense(5), layers.Conv1D(2, 1))\n"
                     "label = pair[0].name + '!'\nmodel = keras.Sequential([keras.Input((3, 4)), pair[1]])\n")
    outcomes = _check_typing(text, HEADER.count("\n"), "extra0 = layers.Conv1D(1, 1)")
    assert outcomes[-1].rerun_statements == 1          # the typed line only
