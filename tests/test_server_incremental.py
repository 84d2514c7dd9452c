"""The server's incremental analysis agrees with a full analysis after random edits, and the
pieces under the server (positions, settings, MACs, hint texts, the fast ``initialize``)."""

from __future__ import annotations

import json
import pathlib
import random
import re
import sys
import warnings

import pytest

from shapelens.analyser import IncrementalAnalysis, macs_of
from shapelens.analyser import analyse_for_editor as analyse
from shapelens.engine.macs import layer_macs
from shapelens.engine.shape import UNKNOWN
from shapelens.server import initialize_result
from shapelens.server.hints import compact, shape_text
from shapelens.server.positions import Converter
from shapelens.server.settings import Settings, merge, section_of

ROOT = pathlib.Path(__file__).resolve().parent.parent
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
    analyser = IncrementalAnalysis()
    analyser.update(text)
    edited = text.replace('x = layers.Conv2D(16, 3, padding="same"', 'x = layers.Conv2D(17, 3, padding="same"', 1)
    outcome = analyser.update(edited)
    assert outcome.reused_statements > 5 * outcome.rerun_statements > 0
    assert _summary(outcome) == _summary(analyse(edited))
    # a comment edit re-runs nothing but the statement it is in (and what reads its values)
    again = analyser.update(edited.replace("# Experiment 1:", "# Experiment one:"))
    assert again.rerun_statements == 0


# ---- MACs -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, args, inp, out, expected", [
    ("Conv2D", {"filters": 16, "kernel_size": 3}, (None, 150, 150, 3), (None, 148, 148, 16), 148 * 148 * 16 * 27),
    ("Conv2D", {"filters": 8, "kernel_size": (3, 3), "groups": 2}, (None, 10, 10, 4), (None, 8, 8, 8), 64 * 8 * 9 * 2),
    ("Conv1D", {"filters": 4, "kernel_size": 5, "data_format": "channels_first"}, (None, 2, 20), (None, 4, 16),
     16 * 4 * 5 * 2),
    ("Conv2DTranspose", {"filters": 3, "kernel_size": 2}, (None, 4, 4, 5), (None, 8, 8, 3), 16 * 5 * 4 * 3),
    ("DepthwiseConv2D", {"kernel_size": 3, "depth_multiplier": 2}, (None, 5, 5, 4), (None, 3, 3, 8), 9 * 4 * 2 * 9),
    ("SeparableConv2D", {"filters": 6, "kernel_size": 3}, (None, 5, 5, 4), (None, 3, 3, 6), 9 * 4 * 9 + 9 * 4 * 6),
    ("Dense", {"units": 512}, (None, 18496), (None, 512), 18496 * 512),
    ("Dense", {"units": 3}, (None, 7, 5), (None, 7, 3), 7 * 5 * 3),
    ("EinsumDense", {"equation": "abc,cd->abd"}, (None, 10, 4), (None, 10, 6), 10 * 4 * 6),
    ("SimpleRNN", {"units": 8}, (None, 10, 4), (None, 8), 10 * (4 * 8 + 8 * 8)),
    ("GRU", {"units": 8}, (None, 10, 4), (None, 8), 10 * 3 * (4 * 8 + 8 * 8)),
    ("LSTM", {"units": 8}, (None, 10, 4), (None, 8), 10 * 4 * (4 * 8 + 8 * 8)),
    ("LSTM", {"units": 8}, (None, None, 4), (None, 8), UNKNOWN),
    ("Embedding", {"input_dim": 100, "output_dim": 8}, (None, 10), (None, 10, 8), 0),
    ("MaxPooling2D", {}, (None, 4, 4, 3), (None, 2, 2, 3), 0),
    ("MultiHeadAttention", {"num_heads": 2, "key_dim": 4}, [(None, 5, 8), (None, 6, 8)], (None, 5, 8),
     5 * 8 * 8 + 6 * 8 * 8 + 6 * 8 * 8 + 2 * 5 * 6 * 4 * 2 + 5 * 8 * 8),
    ("Attention", {}, [(None, 5, 8), (None, 6, 8)], (None, 5, 8), 5 * 6 * 8 * 2),
    ("Lambda", {}, (None, 3), (None, 3), UNKNOWN),
    ("NotALayer", {}, (None, 3), (None, 3), UNKNOWN),
])
def test_layer_macs(name, args, inp, out, expected):
    assert layer_macs(name, args, inp, out) == expected


# ---- the small pieces ---------------------------------------------------------------------------------

def test_positions_convert_each_encoding():
    line = "\tx = ('é😀', layers.Dense(3)(x))"
    column = line.index("layers")
    for encoding, expected in (("utf-32", column), ("utf-16", column + 1), ("utf-8", column + 1 + 3)):
        converter = Converter([line], encoding)
        assert converter.to_client(0, column) == expected
        assert converter.from_client(0, expected) == column
    assert Converter(["abc"], "utf-16").to_client(5, 2) == 2      # a line past the end: as is


def test_settings_merge():
    settings = merge(Settings(), {"inlayHints": {"showParams": False}, "batchDimensionLabel": "N",
                                  "diagnostics.enabled": False, "inlayHints.enabled": "yes", "unknown": 1})
    assert settings == Settings(show_params=False, batch_dimension_label="N", diagnostics_enabled=False)
    assert section_of({"shapelens": {"a": 1}}) == {"a": 1}


def test_hint_texts():
    assert shape_text((None, 148, 148, 16)) == "(None, 148, 148, 16)"
    assert shape_text((None, 3), "batch") == "(batch, 3)"
    assert shape_text([(None, 2), UNKNOWN], "N") == "[(N, 2), ?]"
    assert shape_text((None,)) == "(None,)"
    items = ["(None, 32, 32, 16)", "(None, 16, 16, 32)", "(None, 8, 8, 64)", "(None, 4, 4, 128)"]
    assert compact(items, 4) == "×4: (None, 32, 32, 16) | (None, 16, 16, 32) | (None, 8, 8, 64) | …"
    assert compact(["(None, 1000, 1000, 1000)"] * 3, 3).startswith("×3: (None, 1000, 1000, 1000) | (None")


@pytest.mark.parametrize("client", ["visual-studio-code", "neovim", "emacs"])
def test_fast_initialize_answers_like_pygls(client):
    """The answer given before pygls is loaded is the one pygls computes for this server."""
    from lsprotocol import types
    from pygls.capabilities import ServerCapabilitiesBuilder
    from pytest_lsp import client_capabilities

    from shapelens.server.server import server

    caps = client_capabilities(client)
    fm = server.protocol.fm
    encoding = ServerCapabilitiesBuilder.choose_position_encoding(caps)
    built = ServerCapabilitiesBuilder(caps, set({**fm.features, **fm.builtin_features}), fm.feature_options,
                                      list(fm.commands), types.TextDocumentSyncKind.Incremental, None,
                                      encoding).build()
    expected = server.protocol._converter.unstructure(built)
    params = json.loads(json.dumps(server.protocol._converter.unstructure(
        types.InitializeParams(capabilities=caps))))
    assert initialize_result(params)["capabilities"] == expected
