"""The ``initialize`` answer the standard-library bootstrap gives before pygls is loaded."""

from __future__ import annotations

import json

import pytest

from shapelens.server import initialize_result


@pytest.mark.parametrize("notebooks", [False, True])
@pytest.mark.parametrize("client", ["visual-studio-code", "neovim", "emacs"])
def test_fast_initialize_answers_like_pygls(client, notebooks):
    """The answer given before pygls is loaded is the one pygls computes for this server."""
    from lsprotocol import types
    from pygls.capabilities import ServerCapabilitiesBuilder
    from pytest_lsp import client_capabilities

    from shapelens.server.server import server

    caps = client_capabilities(client)
    if notebooks:       # a client that syncs notebooks gets notebookDocumentSync
        caps.notebook_document = types.NotebookDocumentClientCapabilities(
            synchronization=types.NotebookDocumentSyncClientCapabilities())
    fm = server.protocol.fm
    encoding = ServerCapabilitiesBuilder.choose_position_encoding(caps)
    built = ServerCapabilitiesBuilder(caps, set({**fm.features, **fm.builtin_features}), fm.feature_options,
                                      list(fm.commands), types.TextDocumentSyncKind.Incremental, server._notebook_document_sync,
                                      encoding).build()
    expected = server.protocol._converter.unstructure(built)
    params = json.loads(json.dumps(server.protocol._converter.unstructure(
        types.InitializeParams(capabilities=caps))))
    assert initialize_result(params)["capabilities"] == expected
