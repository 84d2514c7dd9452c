"""The ShapeLens language server: pygls plumbing only (features, settings, notifications).

The work is elsewhere: ``documents`` (versions, one cached analysis per version, the worker
thread), ``hints``, ``hover``, ``diagnostics``, ``positions`` (the negotiated encoding),
``settings``, and ``protocol`` (answers to protocol misuse: bad params, requests before
``initialize`` or after ``shutdown``, messages that are not JSON-RPC).
"""

from __future__ import annotations

import gc
import json
import logging
import threading
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcParseError
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from . import settings as settings_mod
from .diagnostics import to_lsp
from .positions import Converter, normalise_encoding
from .protocol import QuietProtocolNoise, ShapeLensProtocol

if TYPE_CHECKING:       # the analyser (and the engine's rules) load on first use, not at start-up
    from .documents import Document, Documents, Snapshot

log = logging.getLogger(__name__)


class ShapeLensServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("shapelens", __version__, protocol_cls=ShapeLensProtocol)
        self.settings = settings_mod.Settings()
        self._documents: Documents | None = None
        self.config_supported = False
        self.refresh_supported = False
        self.markdown = True

    def report_server_error(self, error: Exception, source) -> None:
        if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):   # a body that is not JSON
            self.protocol.reply_error(None, JsonRpcParseError(f"Parse error: {error}"))
            return
        super().report_server_error(error, source)

    # ---- helpers ------------------------------------------------------------------------------------
    @property
    def documents(self) -> Documents:
        if self._documents is None:
            from .documents import Documents

            self._documents = Documents(on_analysed=self.analysed)
        return self._documents

    @staticmethod
    def warm_up() -> None:
        """Import the analyser in the background once ``initialize`` is answered."""
        def load():
            from . import documents, hints, hover  # noqa: F401

            gc.freeze()      # what is loaded by now lives as long as the server: never scan it again

        threading.Thread(target=load, name="shapelens-warm-up", daemon=True).start()

    @property
    def encoding(self) -> str:
        return normalise_encoding(self.workspace.position_encoding)

    def converter(self, snapshot: Snapshot) -> Converter:
        converter = snapshot.cache.get(("converter", self.encoding))
        if converter is None:
            converter = snapshot.cache[("converter", self.encoding)] = Converter(snapshot.lines, self.encoding)
        return converter

    def analysed(self, doc: Document, snapshot: Snapshot) -> None:
        """A document version was analysed: publish its diagnostics."""
        self.publish(doc, snapshot)

    def publish(self, doc: Document, snapshot: Snapshot) -> None:
        if self.settings.diagnostics_enabled:
            diagnostics = to_lsp(snapshot.diagnostics, self.converter(snapshot))
        else:
            diagnostics = []
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=doc.uri, diagnostics=diagnostics, version=snapshot.version))

    def sync_document(self, uri: str) -> None:
        text_document = self.workspace.get_text_document(uri)
        self.documents.update(uri, to_fs_path(uri), text_document.version, text_document.source)

    async def fetch_configuration(self) -> None:
        if not self.config_supported:
            return
        try:
            values = await self.workspace_configuration_async(types.ConfigurationParams(
                items=[types.ConfigurationItem(section="shapelens")]))
        except Exception as error:  # noqa: BLE001 - a client without settings keeps the defaults
            log.info("workspace/configuration failed: %s", error)
            return
        if values:
            self.settings = settings_mod.merge(self.settings, values[0])

    async def settings_changed(self) -> None:
        """Hints and diagnostics follow the new settings at once."""
        if self.refresh_supported:
            try:
                await self.workspace_inlay_hint_refresh_async(None)
            except Exception as error:  # noqa: BLE001
                log.info("workspace/inlayHint/refresh failed: %s", error)
        for doc in list(self.documents.docs.values()):
            if doc.latest is not None:
                self.publish(doc, doc.latest)


server = ShapeLensServer()


@server.feature(types.INITIALIZE)
def initialize(ls: ShapeLensServer, params: types.InitializeParams) -> None:
    caps = params.capabilities
    workspace = caps.workspace
    ls.config_supported = bool(workspace and workspace.configuration)
    ls.refresh_supported = bool(workspace and workspace.inlay_hint and workspace.inlay_hint.refresh_support)
    hover = caps.text_document.hover if caps.text_document else None
    formats = (hover.content_format if hover else None) or [types.MarkupKind.Markdown]
    ls.markdown = types.MarkupKind.Markdown in formats
    options = settings_mod.section_of(params.initialization_options)
    if options:
        ls.settings = settings_mod.merge(ls.settings, options)
    ls.warm_up()


@server.feature(types.INITIALIZED)
async def initialized(ls: ShapeLensServer, params: types.InitializedParams) -> None:
    before = ls.settings
    await ls.fetch_configuration()
    if ls.settings != before:
        await ls.settings_changed()


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: ShapeLensServer, params: types.DidChangeConfigurationParams) -> None:
    before = ls.settings
    pushed = params.settings
    if isinstance(pushed, dict) and isinstance(pushed.get("shapelens"), dict):
        ls.settings = settings_mod.merge(ls.settings, pushed["shapelens"])
    await ls.fetch_configuration()
    if ls.settings != before:
        await ls.settings_changed()


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: ShapeLensServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.sync_document(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: ShapeLensServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.sync_document(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: ShapeLensServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.documents.close(params.text_document.uri)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri,
                                                                       diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
async def inlay_hint(ls: ShapeLensServer, params: types.InlayHintParams):
    snapshot = await ls.documents.snapshot(params.text_document.uri)
    if snapshot is None:
        return []
    from .hints import collect_hints

    key = ("hints", ls.settings, ls.encoding)
    hints = snapshot.cache.get(key)
    if hints is None:
        converter = ls.converter(snapshot)
        hints = []
        for hint in collect_hints(snapshot.sites, [m for m, _ in snapshot.models], ls.settings):
            line = hint.line - 1
            hints.append((line, types.InlayHint(
                position=types.Position(line, converter.to_client(line, hint.column)),
                label=hint.label,
                kind=types.InlayHintKind.Type,
                padding_left=True,
            )))
        snapshot.cache[key] = hints
    first, last = params.range.start.line, params.range.end.line
    return [hint for line, hint in hints if first <= line <= last]


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: ShapeLensServer, params: types.HoverParams):
    snapshot = await ls.documents.snapshot(params.text_document.uri)
    if snapshot is None:
        return None
    line0 = params.position.line
    converter = ls.converter(snapshot)
    column = converter.from_client(line0, params.position.character)
    text = snapshot.lines[line0] if 0 <= line0 < len(snapshot.lines) else ""
    from .hover import hover_at

    answer = hover_at(snapshot.sites, snapshot.models, text, line0 + 1, column, ls.settings)
    if answer is None:
        return None
    kind = types.MarkupKind.Markdown if ls.markdown else types.MarkupKind.PlainText
    return types.Hover(contents=types.MarkupContent(kind=kind, value=answer.value),
                       range=_lsp_range(answer.span, converter))


def _lsp_range(span, converter: Converter) -> types.Range:
    start, end = span.line - 1, span.end_line - 1
    return types.Range(types.Position(start, converter.to_client(start, span.column)),
                       types.Position(end, converter.to_client(end, span.end_column)))


@server.feature(types.SHUTDOWN)
def shutdown(ls: ShapeLensServer, params) -> None:
    ls.documents.shutdown()


def main(stdin=None, stdout=None) -> None:
    logging.basicConfig(level=logging.WARNING)
    for name in ("pygls.protocol.json_rpc", "pygls.server"):
        logging.getLogger(name).addFilter(QuietProtocolNoise())
    server.start_io(stdin, stdout)
    if server.protocol.exit_code:       # ``exit`` without ``shutdown``: LSP's exit code 1
        raise SystemExit(server.protocol.exit_code)
