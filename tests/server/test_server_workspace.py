"""End-to-end: settings (initializationOptions, workspace/configuration, live changes) and
helpers imported from another workspace module (open buffers before disk)."""

from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types

from test_server_helpers import (
    CONFIG,
    EXAMPLES,
    change_document,
    close_document,
    hint_map,
    hints,
    init_params,
    labels_on_line,
    open_document,
    published,
    wait_until,
)

pytestmark = pytest.mark.asyncio(loop_scope="function")


@pytest_lsp.fixture(config=CONFIG)
async def neovim(lsp_client: pytest_lsp.LanguageClient):
    lsp_client.set_configuration({"inlayHints": {"enabled": True}}, section="shapelens")
    await lsp_client.initialize_session(init_params("neovim"))
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=CONFIG)
async def vscode_with_options(lsp_client: pytest_lsp.LanguageClient):
    options = {"shapelens": {"inlayHints": {"showZeroParamLayers": True}, "batchDimensionLabel": "batch"}}
    await lsp_client.initialize_session(init_params("visual-studio-code", options=options))
    yield
    await lsp_client.shutdown_session()


async def changed_settings(client, values: dict) -> None:
    """Change the client's settings and notify the server; wait for the hint refresh."""
    refreshes = client.refreshes
    for key, value in values.items():
        client.set_configuration(value, section=f"shapelens.{key}")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await wait_until(client, lambda: client.refreshes > refreshes)


async def test_settings_apply_live(neovim):
    client = neovim
    path = EXAMPLES / "cats_vs_dogs.py"
    uri = await open_document(client, path)
    assert hint_map(await hints(client, uri))[(11, 56)] == "(None, 148, 148, 16) · 448 params"

    await changed_settings(client, {"batchDimensionLabel": "N"})
    result = hint_map(await hints(client, uri))
    assert result[(11, 56)] == "(N, 148, 148, 16) · 448 params"
    assert result[(12, 29)] == "(N, 74, 74, 16)"

    await changed_settings(client, {"inlayHints.showParams": False})
    assert hint_map(await hints(client, uri))[(11, 56)] == "(N, 148, 148, 16)"

    await changed_settings(client, {"inlayHints.showParams": True, "inlayHints.showZeroParamLayers": True})
    result = hint_map(await hints(client, uri))
    assert result[(12, 29)] == "(N, 74, 74, 16) · 0 params"

    await changed_settings(client, {"inlayHints.enabled": False})
    assert await hints(client, uri) == []
    await changed_settings(client, {"inlayHints.enabled": True})
    assert len(await hints(client, uri)) == 10
    close_document(client, uri)


async def test_diagnostics_setting(neovim):
    client = neovim
    path = EXAMPLES / "errors" / "add_mismatch.py"
    uri = await open_document(client, path)
    assert len(published(client, uri, 1).diagnostics) == 1
    count = len(client.published)
    await changed_settings(client, {"diagnostics.enabled": False})
    await wait_until(client, lambda: any(p.uri == uri and not p.diagnostics for p in client.published[count:]))
    # an edit while diagnostics are off publishes an empty list
    await change_document(client, uri, 2, [(0, 0, 0, 0, "# edited\n")])
    assert not published(client, uri, 2).diagnostics
    count = len(client.published)
    await changed_settings(client, {"diagnostics.enabled": True})
    await wait_until(client, lambda: any(p.uri == uri and p.diagnostics for p in client.published[count:]))
    (diag,) = client.diagnostics[uri]
    assert diag.code == "incompatible-shapes" and diag.range.start.line == 9
    close_document(client, uri)


async def test_pushed_settings(neovim):
    """Clients that push settings in didChangeConfiguration (no configuration section set)."""
    client = neovim
    path = EXAMPLES / "cats_vs_dogs.py"
    uri = await open_document(client, path)
    refreshes = client.refreshes
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"shapelens": {"batchDimensionLabel": "batch"}}))
    await wait_until(client, lambda: client.refreshes > refreshes)
    assert hint_map(await hints(client, uri))[(11, 56)] == "(batch, 148, 148, 16) · 448 params"
    close_document(client, uri)


async def test_initialization_options(vscode_with_options):
    client = vscode_with_options
    path = EXAMPLES / "cats_vs_dogs.py"
    uri = await open_document(client, path)
    result = hint_map(await hints(client, uri))
    assert result[(11, 56)] == "(batch, 148, 148, 16) · 448 params"
    assert result[(12, 29)] == "(batch, 74, 74, 16) · 0 params"
    close_document(client, uri)


# ---- helpers in other modules ------------------------------------------------------------------------

BLOCKS = '''from keras import layers


def conv_block(x, filters, pool=True):
    x = layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    if pool:
        x = layers.MaxPooling2D(2)(x)
    return x
'''

MODEL = '''import keras
from keras import layers
from blocks import conv_block

inputs = keras.Input(shape=(32, 32, 3))
x = conv_block(inputs, 16)
x = conv_block(x, 32)
x = layers.Flatten()(x)
outputs = layers.Dense(10)(x)
model = keras.Model(inputs, outputs)
'''


@pytest.fixture
def workspace(tmp_path):
    (tmp_path / "blocks.py").write_text(BLOCKS)
    (tmp_path / "model.py").write_text(MODEL)
    return tmp_path


async def test_helpers_from_another_module(neovim, workspace):
    client = neovim
    uri = await open_document(client, workspace / "model.py")
    result = await hints(client, uri)
    assert labels_on_line(result, 5) == ["→ (None, 16, 16, 16)"]
    assert labels_on_line(result, 6) == ["→ (None, 8, 8, 32)"]
    assert labels_on_line(result, 7) == ["(None, 2048)"]
    assert labels_on_line(result, 9) == ["Model: 25,578 params (99.91 KB)"]
    # nothing from blocks.py is shown at blocks.py's line numbers in model.py
    assert {h.position.line for h in result} == {5, 6, 7, 8, 9}

    # the editor's unsaved buffer of blocks.py wins over the file on disk
    blocks_uri = await open_document(client, workspace / "blocks.py")
    count = len(client.published)
    start = BLOCKS.splitlines()[3].index("True")
    await change_document(client, blocks_uri, 2, [(3, start, 3, start + 4, "False")])
    await wait_until(client, lambda: any(p.uri == uri for p in client.published[count:]))
    result = await hints(client, uri)
    assert labels_on_line(result, 5) == ["→ (None, 32, 32, 16)"]
    assert labels_on_line(result, 6) == ["→ (None, 32, 32, 32)"]
    assert labels_on_line(result, 9)[0].startswith("Model: 332,778 params")
    # closing the buffer: back to the file on disk
    count = len(client.published)
    close_document(client, blocks_uri)
    await wait_until(client, lambda: any(p.uri == uri for p in client.published[count:]))
    assert labels_on_line(await hints(client, uri), 5) == ["→ (None, 16, 16, 16)"]
    close_document(client, uri)


async def test_jupyterlab_virtual_document_reads_modules_next_to_the_notebook(neovim, workspace):
    """jupyterlab-lsp sends a notebook as one Python text document in jupyter-lsp's shadow folder
    (``<root>/.virtual_documents/model.ipynb``); ``from blocks import …`` reads ``<root>/blocks.py``."""
    client = neovim
    shadow = workspace / ".virtual_documents"
    shadow.mkdir()
    uri = await open_document(client, shadow / "model.ipynb", MODEL)
    result = await hints(client, uri)
    assert labels_on_line(result, 5) == ["→ (None, 16, 16, 16)"]
    assert labels_on_line(result, 9) == ["Model: 25,578 params (99.91 KB)"]
    close_document(client, uri)


async def test_helper_errors_and_missing_module(neovim, workspace):
    client = neovim
    text = MODEL.replace("from blocks import conv_block", "from nowhere import conv_block")
    uri = await open_document(client, workspace / "model.py", text)
    result = await hints(client, uri)
    errors = [d for d in published(client, uri, 1).diagnostics if d.severity == types.DiagnosticSeverity.Error]
    assert errors == []
    assert "?" in labels_on_line(result, 7)[0]      # Flatten of an unknown tensor
    close_document(client, uri)


# ---- start-up ---------------------------------------------------------------------------------------

async def test_initialize_is_answered_quickly():
    """``initialize`` is answered before pygls has loaded (measured here with generous slack:
    the machine running the tests may be busy)."""
    import asyncio
    import time

    from test_server_helpers import SERVER, make_client

    client = make_client()
    started = time.perf_counter()
    await client.start_io(*SERVER)
    try:
        result = await asyncio.wait_for(client.initialize_session(init_params("neovim")), 30)
        elapsed = time.perf_counter() - started
        assert result.capabilities.position_encoding == "utf-8"
        assert result.capabilities.inlay_hint_provider is not None
        assert elapsed < 3.0
        # and the server works normally afterwards
        uri = await open_document(client, EXAMPLES / "cats_vs_dogs.py")
        assert hint_map(await hints(client, uri))[(11, 56)] == "(None, 148, 148, 16) · 448 params"
        await client.shutdown_session()
    finally:
        await client.stop()
