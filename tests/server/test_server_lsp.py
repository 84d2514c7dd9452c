"""End-to-end tests of the language server (a real ``python -m shapelens serve`` subprocess)
with the client capabilities of VS Code (UTF-16 positions) and Neovim (UTF-8 positions)."""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from lsprotocol import types

from shapelens.analyser import analyse_source
from test_server_helpers import (
    CONFIG,
    EXAMPLES,
    ROOT,
    change_document,
    client_column,
    close_document,
    hint_map,
    hints,
    hover,
    init_params,
    labels_on_line,
    open_document,
    published,
    wait_until,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")

CLIENTS = {"visual-studio-code": "utf-16", "neovim": "utf-8"}


@pytest_lsp.fixture(config=CONFIG, scope="module", params=list(CLIENTS))
async def client(request, lsp_client: pytest_lsp.LanguageClient):
    result = await lsp_client.initialize_session(init_params(request.param))
    lsp_client.encoding = CLIENTS[request.param]
    assert result.capabilities.position_encoding == CLIENTS[request.param]
    yield
    await lsp_client.shutdown_session()


# ---- inlay hints ---------------------------------------------------------------------------------

async def test_cats_vs_dogs_hints(client):
    path = EXAMPLES / "cats_vs_dogs.py"
    uri = await open_document(client, path)
    result = hint_map(await hints(client, uri))
    lines = path.read_text().splitlines()
    first_conv = lines[11]
    assert first_conv == "x = layers.Conv2D(16, 3, activation='relu')(image_input)"
    assert result[(11, len(first_conv))] == "(None, 148, 148, 16) · 448 params"
    assert result[(12, len(lines[12]))] == "(None, 74, 74, 16)"          # no weights: shape only
    assert result[(21, len(lines[21]))] == "(None, 512) · 9,470,464 params"
    assert result[(24, len(lines[24]))] == "Model: 9,494,561 params (36.22 MB)"
    assert len(result) == 10
    close_document(client, uri)


async def test_sequential_add_and_list_hints(client):
    path = EXAMPLES / "errors" / "sequential_missing_flatten.py"
    uri = await open_document(client, path)
    lines = path.read_text().splitlines()
    result = await hints(client, uri)
    # the hint sits at the end of the layer expression inside .add(...)
    dense = lines[5]
    end = dense.index("input_shape=(784,))") + len("input_shape=(784,))")
    assert hint_map(result)[(5, end)] == "(None, 128) · 100,480 params"
    close_document(client, uri)

    path = EXAMPLES / "mnist_mlp_sequential.py"
    uri = await open_document(client, path)
    result = await hints(client, uri)
    expected = analyse_source(path.read_text())
    labels = [h.label for h in result]
    assert any(label.startswith("Model: ") for label in labels)
    layer_sites = [s for s in expected.sites.values() if s.results]
    assert len([h for h in result if not h.label.startswith("Model: ")]) == len(layer_sites)
    close_document(client, uri)


async def test_helper_runs_and_returns(client):
    path = EXAMPLES / "vgg_helper_blocks.py"
    uri = await open_document(client, path)
    result = await hints(client, uri)
    conv = labels_on_line(result, 9)
    assert len(conv) == 1 and conv[0].startswith("×") and " | " in conv[0]
    # the helper's call sites show what it returned
    assert labels_on_line(result, 25) == ["→ [(None, 64, 64, 32), (None, 32, 32, 32)]"]
    assert labels_on_line(result, 29) == ["→ (None, 5)"]
    # a hover on the layer inside the helper lists every run
    line = path.read_text().splitlines()[9]
    value = (await hover(client, uri, 9, line.index("Conv2D"))).contents.value
    assert "Run 1" in value and "Run 2" in value and "(None, 64, 64, 32)" in value
    close_document(client, uri)


# ---- hover -------------------------------------------------------------------------------------------

async def test_hover_layer_derivation(client):
    path = EXAMPLES / "cats_vs_dogs.py"
    uri = await open_document(client, path)
    result = await hover(client, uri, 11, 12)
    value = result.contents.value
    assert result.contents.kind == types.MarkupKind.Markdown
    assert "**Conv2D**" in value
    assert "`(None, 148, 148, 16)`" in value
    assert "floor((150 + 2·0 − 1·(3 − 1) − 1) / 1) + 1 = 148" in value
    assert "params = (3 · 3 · 3 + 1) · 16 = 448" in value
    assert '`padding="valid"`' in value and "`strides=(1, 1)`" in value and "`use_bias=True`" in value
    assert "MACs: **9,462,528** per example" in value      # 148 · 148 · 16 · (3 · 3 · 3)
    assert result.range.start.line == 11 and result.range.start.character == 4
    close_document(client, uri)


async def test_hover_model_summary(client):
    path = EXAMPLES / "cats_vs_dogs.py"
    uri = await open_document(client, path)
    for character in (0, 12):        # the variable, and the constructor call
        value = (await hover(client, uri, 24, character)).contents.value
        assert "Total params: 9,494,561 (36.22 MB)" in value
        assert "Trainable params: 9,494,561 (36.22 MB)" in value
        assert "Non-trainable params: 0 (0.00 B)" in value
        assert "│ conv2d (Conv2D)                 │ (None, 148, 148, 16)   │           448 │" in value
        assert "MACs per example (one forward pass): **64,128,256**" in value
    close_document(client, uri)


# ---- diagnostics -----------------------------------------------------------------------------------

ERROR_FILES = sorted(p for p in (EXAMPLES / "errors").glob("*.py"))


@pytest.mark.parametrize("path", ERROR_FILES[:8], ids=lambda p: p.name)
async def test_error_diagnostics_match_the_analyser(client, path):
    text = path.read_text()
    uri = await open_document(client, path)
    got = published(client, uri, 1).diagnostics
    expected = sorted(analyse_source(text, str(path)).diagnostics, key=lambda d: (d.span.line, d.span.column))
    assert len(got) == len(expected)
    lines = text.splitlines()
    for g, e in zip(got, expected):
        assert g.source == "shapelens"
        assert g.code == e.code
        assert g.message == e.message
        assert g.severity == (types.DiagnosticSeverity.Error if e.severity == "error"
                              else types.DiagnosticSeverity.Information)
        assert g.range.start.line == e.span.line - 1 and g.range.end.line == e.span.end_line - 1
        assert g.range.start.character == client_column(lines[e.span.line - 1], e.span.column, client.encoding)
        assert g.range.end.character == client_column(lines[e.span.end_line - 1], e.span.end_column, client.encoding)
    close_document(client, uri)


async def test_missing_flatten_exact_range(client):
    path = EXAMPLES / "errors" / "sequential_missing_flatten.py"
    uri = await open_document(client, path)
    (diag,) = published(client, uri, 1).diagnostics
    assert diag.code == "wrong-rank" and diag.severity == types.DiagnosticSeverity.Error
    assert "expected min_ndim=4, found ndim=2" in diag.message
    assert (diag.range.start.line, diag.range.start.character) == (6, 10)
    assert (diag.range.end.line, diag.range.end.character) == (6, 30)
    close_document(client, uri)


async def test_keras2_import_error_reaches_the_client_at_the_import(client, tmp_path):
    text = "import keras\nfrom keras.layers import (Dense,\n    CuDNNLSTM)  # é\nx = keras.Input((4,))\n"
    path = tmp_path / "keras2.py"
    path.write_text(text, encoding="utf-8")
    uri = await open_document(client, path)
    (diag,) = published(client, uri, 1).diagnostics
    (expected,) = analyse_source(text, str(path)).diagnostics
    assert (diag.code, diag.source, diag.severity) == ("import-error", "shapelens", types.DiagnosticSeverity.Error)
    assert diag.message == expected.message
    assert (diag.range.start.line, diag.range.start.character) == (1, 0)
    assert (diag.range.end.line, diag.range.end.character) == (2, len("    CuDNNLSTM)"))
    close_document(client, uri)


async def test_limit_notes_are_information(client, tmp_path):
    text = ("import keras\nfrom keras import layers\n\nx = keras.Input((4,))\n"
            "while True:\n    x = layers.Dense(4)(x)\n")
    path = tmp_path / "forever.py"
    path.write_text(text)
    uri = await open_document(client, path)
    diags = published(client, uri, 1).diagnostics
    assert diags and all(d.severity == types.DiagnosticSeverity.Information for d in diags)
    assert all(d.code == "analysis-limit" and d.source == "shapelens" for d in diags)
    close_document(client, uri)


VALID = sorted(EXAMPLES.glob("*.py"))


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.name)
async def test_valid_examples_get_no_error(client, path):
    uri = await open_document(client, path)
    errors = [d for d in published(client, uri, 1).diagnostics if d.severity == types.DiagnosticSeverity.Error]
    assert errors == []
    assert await hints(client, uri)
    close_document(client, uri)


# ---- live editing ------------------------------------------------------------------------------------

async def test_incremental_edit_updates_hints(client):
    path = EXAMPLES / "cats_vs_dogs.py"
    uri = await open_document(client, path)
    # Conv2D(16, ...) -> Conv2D(32, ...) on line 12 (0-based 11), characters 18-20
    await change_document(client, uri, 2, [(11, 18, 11, 20, "32")])
    line = "x = layers.Conv2D(32, 3, activation='relu')(image_input)"
    result = hint_map(await hints(client, uri))
    assert result[(11, len(line))] == "(None, 148, 148, 32) · 896 params"
    assert result[(14, 46)] == "(None, 72, 72, 32) · 9,248 params"
    assert result[(24, 34)] == "Model: 9,499,617 params (36.24 MB)"
    # several edits in one notification, then a new line
    await change_document(client, uri, 3, [(11, 18, 11, 20, "8"), (22, 0, 22, 0, "# the head\n")])
    result = hint_map(await hints(client, uri))
    assert result[(11, len(line) - 1)] == "(None, 148, 148, 8) · 224 params"
    assert (25, 34) in result and result[(25, 34)].startswith("Model: ")
    close_document(client, uri)


async def test_rapid_edits_answer_the_latest_version(client):
    path = EXAMPLES / "cats_vs_dogs.py"
    uri = await open_document(client, path)
    current = "x = layers.Conv2D(16, 3, activation='relu')(image_input)"
    for version, filters in enumerate(["1", "12", "123", "12", "64"], start=2):
        new = current.replace(current[18:current.index(",")], filters)
        await change_document(client, uri, version, [(11, 0, 11, len(current), new)], wait=False)
        current = new
    text_line = "x = layers.Conv2D(64, 3, activation='relu')(image_input)"
    result = hint_map(await hints(client, uri))
    assert result[(11, len(text_line))] == "(None, 148, 148, 64) · 1,792 params"
    await wait_until(client, lambda: published(client, uri, 6))
    close_document(client, uri)


async def test_syntax_error_keeps_untouched_hints(client):
    path = EXAMPLES / "cats_vs_dogs.py"
    uri = await open_document(client, path)
    before = hint_map(await hints(client, uri))
    # start typing a new layer call on a new line after line 19 (0-based 18): unfinished
    await change_document(client, uri, 2, [(19, 0, 19, 0, "x = layers.Conv2D(8, \n")])
    during = hint_map(await hints(client, uri))
    for (line, character), label in before.items():
        moved = line + 1 if line > 18 else line
        assert during.get((moved, character)) == label
    # more typing, still broken
    await change_document(client, uri, 3, [(19, 21, 19, 21, "3, activation=")])
    during = hint_map(await hints(client, uri))
    assert during[(11, 56)] == "(None, 148, 148, 16) · 448 params"
    assert during[(25, 34)] == "Model: 9,494,561 params (36.22 MB)"
    errors = [d for d in published(client, uri, 3).diagnostics if d.severity == types.DiagnosticSeverity.Error]
    assert errors == []
    # finished: the new layer changes what follows
    await change_document(client, uri, 4, [(19, 35, 19, 35, "'relu')(x)")])
    after = hint_map(await hints(client, uri))
    assert after[(19, len("x = layers.Conv2D(8, 3, activation='relu')(x)"))] == "(None, 15, 15, 8) · 4,616 params"
    assert after[(21, 23)] == "(None, 1800)"
    close_document(client, uri)


# ---- positions --------------------------------------------------------------------------------------

NON_ASCII = (
    "import keras\n"
    "from keras import layers\n"
    "\n"
    "entrée = keras.Input(shape=(10,))\n"
    "def bloc(x):\n"
    "\treturn layers.Dense(4, name=\"dënse_😀\")(x)\n"
    "\n"
    "y = (\"é😀ü\", \tlayers.Dense(6)(bloc(entrée)))[1]\n"
    "modèle = keras.Model(entrée, y)\r\n"
)


async def test_positions_with_non_ascii_and_tabs(client, tmp_path):
    path = tmp_path / "ünïcode.py"
    path.write_text(NON_ASCII, encoding="utf-8", newline="")
    uri = await open_document(client, path, NON_ASCII)
    lines = NON_ASCII.replace("\r\n", "\n").split("\n")
    result = hint_map(await hints(client, uri))
    enc = client.encoding
    inner = lines[5]
    assert result[(5, client_column(inner, len(inner), enc))] == "(None, 4) · 44 params"
    line = lines[7]
    end = line.index("(bloc(entrée)))") + len("(bloc(entrée))")
    assert result[(7, client_column(line, end, enc))] == "(None, 6) · 30 params"
    model_line = lines[8]
    assert result[(8, client_column(model_line, len(model_line), enc))].startswith("Model: 74 params")
    # hover after the non-ASCII string hits the Dense call
    value = (await hover(client, uri, 7, client_column(line, line.index("Dense"), enc))).contents.value
    assert "**Dense**" in value and "`(None, 6)`" in value
    # hover on the model's non-ASCII name
    value = (await hover(client, uri, 8, client_column(model_line, 2, enc))).contents.value
    assert "Total params: 74" in value
    close_document(client, uri)


async def test_deeply_nested_models_keep_the_other_hints(client, tmp_path):
    """Issue 13, failure 4: 500 nested ``keras.Sequential([m])`` lost every hint of the document
    (a RecursionError).  A note where the nesting bound stops it; the other models' hints stay."""
    text = ("import keras\nm = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2)])\n"
            + "m = keras.Sequential([m])\n" * 500
            + "good = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])\n")
    uri = await open_document(client, tmp_path / "deep.py", text)
    notes = [(d.range.start.line, d.message) for d in published(client, uri, 1).diagnostics]
    assert (102, "analysis stopped: models nested more than 100 deep") in notes, notes
    assert labels_on_line(await hints(client, uri), 502) == ["(None, 3) · 15 params", "Model: 15 params (60.00 B)"]
    close_document(client, uri)


async def test_a_slow_document_does_not_hold_back_another(client, tmp_path):
    """Issue 13: a document whose analysis spends its whole step budget (seconds) must not delay
    the hints of a document opened after it: each document is analysed on its own lane."""
    loop = ("for sweep in range(400):\n    for k in range(9000):\n        seen += k % 3\n")
    slow = tmp_path / "slow.py"
    slow.write_text("seen = 0\n" + loop * 4 + "print(seen)\n")
    slow_uri = slow.resolve().as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=slow_uri, language_id="python", version=1, text=slow.read_text())))
    quick = await open_document(client, EXAMPLES / "cats_vs_dogs.py")
    assert "Model: 9,494,561 params (36.22 MB)" in labels_on_line(await hints(client, quick), 24)
    assert published(client, slow_uri, 1) is None, "the slow document was analysed first"
    await wait_until(client, lambda: published(client, slow_uri, 1) is not None)
    close_document(client, quick)
    close_document(client, slow_uri)


async def test_the_first_screen_of_a_large_file_gets_its_final_hints_before_the_file_is_analysed(client, tmp_path):
    """Issue 13: on open, the hints of the lines an editor shows come as soon as they are final,
    before the rest of the file is analysed (its diagnostics are published then), and they are
    the hints the finished analysis gives those lines."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from generate import generate_loop_module

    path = tmp_path / "resnets.py"
    path.write_text(generate_loop_module(2000))
    uri = path.resolve().as_uri()
    screen = types.Range(types.Position(0, 0), types.Position(60, 0))
    count = len(client.published)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="python", version=1, text=path.read_text())))
    early = await hints(client, uri, screen)
    assert not any(p.uri == uri for p in client.published[count:]), "the hints waited for the whole analysis"
    await wait_until(client, lambda: published(client, uri, 1) is not None)
    assert early and hint_map(early) == hint_map(await hints(client, uri, screen))
    close_document(client, uri)
