"""Early hints for an editor's viewport (``analyser/viewport.py``): a first analysis hands a range
of lines its hints as soon as nothing still to run can change them, and those hints are always
the ones the finished analysis gives the same lines."""

from __future__ import annotations

import pathlib
import sys
import textwrap
import threading

import pytest

from shapelens.analyser import Cancelled, IncrementalAnalysis, Viewport
from shapelens.server.hints import collect_hints
from shapelens.server.settings import Settings

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
EXAMPLES = sorted((ROOT / "examples").rglob("*.py"))
sys.path.insert(0, str(ROOT / "benchmarks"))

SETTINGS = Settings()


def _labels(sites, models, lines):
    return [(h.line, h.column, h.label) for h in collect_hints(sites, models, SETTINGS, lines)]


class Waiting(Viewport):
    """Waits for ``ranges``; keeps each answer's hint labels.  With ``cancel``, the first answer
    stops the analysis (at its next statement): the answer came before the analysis ended."""

    def __init__(self, ranges, cancel: threading.Event | None = None):
        self.ranges = list(ranges)
        self.answers: dict = {}
        self.cancel = cancel

    def wanted(self):
        return [r for r in self.ranges if r not in self.answers]

    def final(self, lines, sites, models):
        self.answers[lines] = _labels(sites, models, lines)
        if self.cancel is not None:
            self.cancel.set()


def _windows(text: str, size: int) -> list:
    count = text.count("\n") + 1
    return [(first, first + size - 1) for first in range(1, count + 1)]


def assert_early_is_final(text: str, ranges, loader=None) -> dict:
    """Each range, asked alone (as an editor asks for its viewport), answered early or not, has
    the hints the finished analysis gives it; the early answers, by range."""
    answers = {}
    for lines in ranges:
        viewport = Waiting([lines])
        analysis = IncrementalAnalysis().update(text, loader, viewport=viewport).analysis
        for answered, early in viewport.answers.items():
            assert early == _labels(list(analysis.sites.values()), analysis.models, answered), answered
            answers[answered] = early
    return answers


def answered_before_the_end(text: str, lines) -> bool:
    cancel = threading.Event()
    viewport = Waiting([lines], cancel)
    try:
        IncrementalAnalysis().update(text, cancel=cancel, viewport=viewport)
    except Cancelled:
        return True
    return False


def snippet(code: str) -> str:
    return "import keras\nfrom keras import layers\n\n" + textwrap.dedent(code).lstrip("\n")


# ---- what can still change a range's hints (each case: every window of 1 and of 4 lines) --------

LATER_CHANGES = {
    "a helper called again later, on another shape": """
        def block(t):
            return layers.Dense(4)(t)

        a = block(keras.Input((3,)))
        n = 1
        b = block(keras.Input((5,)))
        """,
    "a Sequential of the range built later": """
        model = keras.Sequential([layers.Dense(4), layers.Dense(2)])
        n = 1
        model.build((None, 3))
        """,
    "a model of the range bound again later": """
        inputs = keras.Input((3,))
        model = keras.Model(inputs, layers.Dense(4)(inputs))
        n = 1
        model = None
        """,
    "a model of the range bound again by a function defined above it": """
        def reset():
            global model
            model = None

        inputs = keras.Input((3,))
        model = keras.Model(inputs, layers.Dense(4)(inputs))
        n = 1
        reset()
        """,
    "a model of the range and a stopped loop calling a function with a variable of its name": """
        m = keras.Sequential([keras.Input((8,)), layers.Dense(4)])

        def step(x):
            m = layers.Dense(4)
            x.append(m)

        for i in range(100000):
            step([])
        """,
    "a function of the range its decorator puts in a list used later": """
        REGISTRY = []

        def register(fn):
            REGISTRY.append(fn)
            return fn

        @register
        def head(t):
            return layers.Dense(4)(t)

        first = head(keras.Input((5,)))
        n = 1
        out = REGISTRY[0](keras.Input((3,)))
        """,
    "a default argument of the range that keeps a model built later": """
        KEPT = []

        def keep(model):
            KEPT.append(model)
            return model

        def head(t, model=keep(keras.Sequential([layers.Dense(4)]))):
            return t

        first = head(None)
        n = 1
        KEPT[0].build((None, 3))
        """,
    "a model of the range called later on other shapes": """
        inputs = keras.Input((None, 3))
        model = keras.Model(inputs, layers.Dense(4)(inputs))
        n = 1
        out = model(keras.Input((7, 3)))
        """,
    "a function of the range nobody calls (explored at the end)": """
        def head(t, units=4):
            return layers.Dense(units)(t)

        n = 1
        x = keras.Input((3,))
        """,
    "a function of the range called later through another name": """
        def head(t):
            return layers.Dense(4)(t)

        n = 1
        other = head
        y = other(keras.Input((6,)))
        """,
    "a layer put in a list by the range, built by a helper called above it too": """
        REGISTRY = []

        def build_all():
            for model in REGISTRY:
                model.build((None, 3))

        build_all()
        REGISTRY.append(keras.Sequential([layers.Dense(4)]))
        n = 1
        build_all()
        """,
    "a name of the range bound again only in a loop": """
        def head(t):
            return layers.Dense(4)(t)

        a = head(keras.Input((3,)))
        for head in []:
            pass
        b = head(keras.Input((6,)))
        """,
    "a list a function of the range fills when explored, built by the next one explored": """
        KEPT = []

        def make():
            KEPT.append(keras.Sequential([layers.Dense(4)]))

        def use():
            KEPT[0].build((None, 3))
        """,
    "a list the range filled, built by a function nobody calls": """
        REGISTRY = []
        REGISTRY.append(keras.Sequential([layers.Dense(4)]))
        n = 1

        def build_all():
            REGISTRY[0].build((None, 3))
        """,
    "a lambda of the range called later": """
        make = lambda t: layers.Dense(4)(t)
        first = make(keras.Input((3,)))
        n = 1
        second = make(keras.Input((8,)))
        """,
    "a class of the range used later": """
        class Head(keras.Model):
            def __init__(self):
                super().__init__()
                self.dense = layers.Dense(4)

            def call(self, t):
                return self.dense(t)

        n = 1
        head = Head()
        out = head(keras.Input((3,)))
        """,
    "a function of the range that a later function's global statement changes": """
        UNITS = 4

        def head(t):
            return layers.Dense(UNITS)(t)

        def widen():
            global UNITS
            UNITS = 8

        widen()
        out = head(keras.Input((3,)))
        """,
    "a name of the range bound again before it is read": """
        x = layers.Dense(4)(keras.Input((3,)))
        x = layers.Dense(2)(keras.Input((5,)))
        y = layers.Dense(3)(x)
        """,
    "a loop of the range": """
        x = keras.Input((3,))
        for units in (4, 8, 16):
            x = layers.Dense(units)(x)
        n = 1
        """,
    "a decorated function and a one-line statement pair": """
        import functools

        @functools.lru_cache(None)
        def head(units):
            return layers.Dense(units)

        a = head(4)(keras.Input((3,))); b = head(4)(keras.Input((5,)))
        """,
    "a helper's branch taken only by a later call": """
        def block(t, project=False):
            if project:
                t = layers.Dense(8)(t)
            return layers.Dense(4)(t)

        a = block(keras.Input((3,)))
        n = 1
        b = block(keras.Input((3,)), project=True)
        """,
    "a mutable default a later call fills": """
        def remember(layer, seen=[]):
            seen.append(layer)
            return seen

        kept = remember(keras.Sequential([layers.Dense(4)]))
        n = 1
        remember(None)[0].build((None, 3))
        """,
}


@pytest.mark.parametrize("name", list(LATER_CHANGES))
def test_an_early_answer_is_what_the_finished_analysis_shows(name):
    text = snippet(LATER_CHANGES[name])
    ranges = _windows(text, 1) + _windows(text, 4)
    assert assert_early_is_final(text, ranges), "no range was answered at all"


def test_a_star_import_that_binds_the_name_of_a_model_of_the_range_again():
    text = snippet("""
        inputs = keras.Input((3,))
        model = keras.Model(inputs, layers.Dense(4)(inputs))
        from helpers import *
        """)
    assert_early_is_final(text, _windows(text, 1), {"helpers": "model = None\n"}.get)


def test_a_name_of_the_range_bound_anew_before_the_statements_still_to_run_read_it():
    text = snippet("""
        def head(t):
            return layers.Dense(4)(t)
        x = layers.Dense(2)(keras.Input((3,)))
        x = keras.Input((5,))
        y = head(keras.Input((3,)))
        z = layers.Dense(3)(x)
        w = layers.Dense(1)(z)
        """)
    assert answered_before_the_end(text, (4, 6))
    assert_early_is_final(text, [(4, 6)])


def test_every_example_file_answers_every_window_as_its_finished_analysis():
    for path in EXAMPLES:
        text = path.read_text()
        assert_early_is_final(text, _windows(text, 30)[::10])


# ---- the hints come early ------------------------------------------------------------------------

@pytest.mark.parametrize("generator", ["generate_module", "generate_loop_module", "generate_builder_module"])
def test_the_first_screen_of_a_large_file_is_answered_before_its_analysis_ends(generator):
    import generate

    text = getattr(generate, generator)(2000)
    assert answered_before_the_end(text, (1, 61))
    assert (1, 61) in assert_early_is_final(text, [(1, 61), (900, 960)])


def test_lines_a_later_statement_reads_are_answered_only_at_the_end():
    text = snippet("""
        inputs = keras.Input((3,))
        model = keras.Model(inputs, layers.Dense(4)(inputs))
        n = 1
        model.summary()
        """)
    assert not answered_before_the_end(text, (4, 5))
    assert answered_before_the_end(text, (1, 3))


def test_a_range_without_statements_is_answered_empty_at_once():
    text = snippet("""
        x = layers.Dense(4)(keras.Input((3,)))


        y = layers.Dense(2)(x)
        """)
    assert assert_early_is_final(text, [(5, 6)])[(5, 6)] == []


def test_a_text_that_does_not_parse_is_not_answered_early():
    text = snippet("""
        x = layers.Dense(4)(keras.Input((3,)))
        y = layers.Dense(
        """)
    viewport = Waiting([(1, 4)])
    IncrementalAnalysis().update(text, viewport=viewport)
    assert viewport.answers == {}


def test_only_a_first_analysis_answers_early():
    text = snippet("""
        x = layers.Dense(4)(keras.Input((3,)))
        n = 1
        """)
    analyser = IncrementalAnalysis()
    analyser.update(text)
    viewport = Waiting([(4, 4)])
    analyser.update(text.replace("n = 1", "n = 2"), viewport=viewport)
    assert viewport.answers == {}
