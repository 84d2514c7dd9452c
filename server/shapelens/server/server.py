"""The ShapeLens language server: pygls plumbing only (features, settings, notifications).

Notebooks: the Python cells of a notebook are synchronised with ``notebookDocument/*`` (pygls's
workspace keeps the notebook and its cell documents); the notebook is analysed as one document
(``documents``), and a request on a cell URI reads the notebook's analysis at the cell's lines.

The work is elsewhere: ``documents`` (versions, one cached analysis per version, the worker
thread), ``hints``, ``hover``, ``diagnostics``, ``positions`` (the negotiated encoding),
``settings``, and ``protocol`` (answers to protocol misuse: bad params, requests before
``initialize`` or after ``shutdown``, messages that are not JSON-RPC).

JupyterLab (jupyterlab-lsp) sends a notebook as one ``textDocument`` (its cells joined) whose URI
is in jupyter-lsp's shadow folder, ``<root>/.virtual_documents/<path>``; ``source_path`` maps it
back to ``<root>/<path>``, so that its imports resolve next to the real notebook.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import os
import sys
import threading
from typing import TYPE_CHECKING, cast

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
    from ..analyser import NotebookSource
    from .documents import Document, Documents, EarlySnapshot, Snapshot

log = logging.getLogger(__name__)


VIRTUAL_DOCUMENTS = ".virtual_documents"      # jupyter-lsp's default ``virtual_documents_dir``


def source_path(uri: str) -> str | None:
    """The file a document stands for: its path, less jupyter-lsp's ``.virtual_documents`` folder."""
    path = to_fs_path(uri)
    if not path:
        return path
    parts = path.split(os.sep)
    if VIRTUAL_DOCUMENTS in parts[:-1]:
        del parts[parts.index(VIRTUAL_DOCUMENTS)]
    return os.sep.join(parts)


NOTEBOOK_SYNC = types.NotebookDocumentSyncOptions(
    notebook_selector=[types.NotebookDocumentFilterWithCells(
        cells=[types.NotebookCellLanguage(language="python")], notebook="*")],
    save=True)


class ShapeLensServer(LanguageServer):
    protocol: ShapeLensProtocol     # made from ``protocol_cls`` (pygls declares its base class)

    def __init__(self) -> None:
        super().__init__("shapelens", __version__, protocol_cls=ShapeLensProtocol,
                         notebook_document_sync=NOTEBOOK_SYNC)
        self.settings = settings_mod.Settings()
        self.cell_diagnostics: dict[str, list] = {}     # cell uri -> diagnostics last published
        self._documents: Documents | None = None
        self.config_supported = False
        self.refresh_supported = False
        self.refreshing: set[asyncio.Future] = set()    # workspace/inlayHint/refresh requests under way
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

    def converter(self, snapshot: Snapshot | EarlySnapshot) -> Converter:
        converter = snapshot.cache.get(("converter", self.encoding))
        if converter is None:
            converter = snapshot.cache[("converter", self.encoding)] = Converter(snapshot.lines, self.encoding)
        return converter

    def analysed(self, doc: Document, snapshot: Snapshot) -> None:
        """A document version was analysed: publish its diagnostics.  A notebook's edit in one
        cell changes the hints of the cells below, which the client asks for only on a refresh."""
        self.publish(doc, snapshot)
        if snapshot.notebook is not None and len(snapshot.notebook.cells) > 1 and self.refresh_supported:
            task = asyncio.ensure_future(self.refresh_hints())
            self.refreshing.add(task)                   # a task nobody holds may be collected
            task.add_done_callback(self.refreshing.discard)

    async def refresh_hints(self) -> None:
        try:
            await self.workspace_inlay_hint_refresh_async(None)
        except Exception as error:  # noqa: BLE001 - a client that fails the refresh keeps its hints
            log.info("workspace/inlayHint/refresh failed: %s", error)

    def publish(self, doc: Document, snapshot: Snapshot) -> None:
        if self.settings.diagnostics_enabled:
            diagnostics = to_lsp(snapshot.diagnostics, self.converter(snapshot))
        else:
            diagnostics = []
        if snapshot.notebook is not None:
            self.publish_cells(snapshot.notebook, diagnostics)
            return
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
            uri=doc.uri, diagnostics=diagnostics, version=snapshot.version))

    def publish_cells(self, notebook: NotebookSource, diagnostics: list) -> None:
        """Each cell its diagnostics, in its own lines; only the cells whose list changed."""
        for cell in notebook.cells:
            offset = cell.first_line - 1
            mine = [shifted(d, -offset) for d in diagnostics
                    if offset <= d.range.start.line < offset + cell.line_count]
            self.publish_cell(cast(str, cell.key), mine)     # the server names cells by their URI

    def publish_cell(self, uri: str, diagnostics: list) -> None:
        if self.cell_diagnostics.get(uri, []) == diagnostics:
            return
        if diagnostics:
            self.cell_diagnostics[uri] = diagnostics
        else:
            self.cell_diagnostics.pop(uri, None)
        self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics))

    def sync_document(self, uri: str) -> None:
        text_document = self.workspace.get_text_document(uri)
        self.documents.update(uri, source_path(uri), text_document.version, text_document.source)

    def sync_notebook(self, uri: str) -> None:
        """The notebook's Python code cells, in order, to its document."""
        notebook = self.workspace.get_notebook_document(notebook_uri=uri)
        if notebook is None:
            return
        cells = []
        for cell in notebook.cells:
            if cell.kind != types.NotebookCellKind.Code:
                continue
            text_document = self.workspace.get_text_document(cell.document)
            if text_document.language_id in (None, "python"):
                cells.append((cell.document, text_document.source))
        old = self.documents.get(uri)
        for cell_uri, _ in (old.cells or []) if old is not None else []:
            if cell_uri not in {c for c, _ in cells}:
                self.publish_cell(cell_uri, [])          # a removed cell loses its diagnostics
        self.documents.update(uri, to_fs_path(uri), notebook.version, "", cells=cells)

    async def target(self, uri: str):
        """``(snapshot, first line, line count)`` of a document or of a notebook cell."""
        notebook = self.workspace.get_notebook_document(cell_uri=uri)
        snapshot = await self.documents.snapshot(notebook.uri if notebook is not None else uri)
        if snapshot is None:
            return None
        if snapshot.notebook is None:
            return snapshot, 0, len(snapshot.lines)
        place = snapshot.notebook.place(uri)
        return (snapshot, place.first_line - 1, place.line_count) if place is not None else None

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
            await self.refresh_hints()
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


@server.feature(types.NOTEBOOK_DOCUMENT_DID_OPEN)
def notebook_did_open(ls: ShapeLensServer, params: types.DidOpenNotebookDocumentParams) -> None:
    ls.sync_notebook(params.notebook_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CHANGE)
def notebook_did_change(ls: ShapeLensServer, params: types.DidChangeNotebookDocumentParams) -> None:
    ls.sync_notebook(params.notebook_document.uri)


@server.feature(types.NOTEBOOK_DOCUMENT_DID_SAVE)
def notebook_did_save(ls: ShapeLensServer, params: types.DidSaveNotebookDocumentParams) -> None:
    """Nothing to do: the cells' text is already analysed as it is typed."""


@server.feature(types.NOTEBOOK_DOCUMENT_DID_CLOSE)
def notebook_did_close(ls: ShapeLensServer, params: types.DidCloseNotebookDocumentParams) -> None:
    ls.documents.close(params.notebook_document.uri)
    for cell in params.cell_text_documents:
        ls.publish_cell(cell.uri, [])


@server.feature(types.TEXT_DOCUMENT_INLAY_HINT, types.InlayHintOptions(resolve_provider=False))
async def inlay_hint(ls: ShapeLensServer, params: types.InlayHintParams):
    uri = params.text_document.uri
    if ls.workspace.get_notebook_document(cell_uri=uri) is None:
        # a file's first analysis answers as soon as these lines' hints are final
        read = await ls.documents.viewport(uri, (params.range.start.line + 1, params.range.end.line + 1))
        target = (read, 0, params.range.end.line + 1) if read is not None else None
    else:
        target = await ls.target(uri)
    if target is None:
        return []
    snapshot, offset, count = target
    from .hints import collect_hints

    first = params.range.start.line + offset
    last = min(params.range.end.line + offset, offset + count - 1)
    converter = ls.converter(snapshot)
    hints = []
    models = [m for m, _ in snapshot.models]
    for hint in collect_hints(snapshot.sites, models, ls.settings, (first + 1, last + 1)):
        line = hint.line - 1
        hints.append(types.InlayHint(
            position=types.Position(line - offset, converter.to_client(line, hint.column)),
            label=hint.label,
            kind=types.InlayHintKind.Type,
            padding_left=True,
        ))
    return hints


@server.feature(types.TEXT_DOCUMENT_HOVER)
async def hover(ls: ShapeLensServer, params: types.HoverParams):
    target = await ls.target(params.text_document.uri)
    if target is None or not 0 <= params.position.line < target[2]:
        return None
    snapshot, offset, _ = target
    line0 = params.position.line + offset
    converter = ls.converter(snapshot)
    column = converter.from_client(line0, params.position.character)
    text = snapshot.lines[line0] if 0 <= line0 < len(snapshot.lines) else ""
    from .hover import hover_at

    answer = hover_at(snapshot.sites, snapshot.models, text, line0 + 1, column, ls.settings)
    if answer is None:
        return None
    kind = types.MarkupKind.Markdown if ls.markdown else types.MarkupKind.PlainText
    return types.Hover(contents=types.MarkupContent(kind=kind, value=answer.value),
                       range=_lsp_range(answer.span, converter, offset))


def _lsp_range(span, converter: Converter, offset: int = 0) -> types.Range:
    start, end = span.line - 1, span.end_line - 1
    return types.Range(types.Position(start - offset, converter.to_client(start, span.column)),
                       types.Position(end - offset, converter.to_client(end, span.end_column)))


def shifted(item: types.Diagnostic, lines: int) -> types.Diagnostic:
    """A diagnostic moved by ``lines`` (a notebook cell's own lines)."""
    if not lines:
        return item
    start, end = item.range.start, item.range.end
    return types.Diagnostic(range=types.Range(types.Position(start.line + lines, start.character),
                                              types.Position(end.line + lines, end.character)),
                            message=item.message, severity=item.severity, code=item.code, source=item.source)


@server.feature(types.SHUTDOWN)
def shutdown(ls: ShapeLensServer, params) -> None:
    ls.documents.shutdown()


# How long a thread holds the interpreter lock while another waits for it (Python's default is
# 5 ms).  Analyses run on worker threads; the event loop and pygls's reader thread need the lock
# for each message, several times, so at 5 ms an inlay-hint request sent right after ``didOpen``
# reached its handler about 50 ms late, while the analysis that could answer it early ran.
SWITCH_INTERVAL = 0.0005


def main(stdin=None, stdout=None) -> None:
    logging.basicConfig(level=logging.WARNING)
    sys.setswitchinterval(SWITCH_INTERVAL)
    for name in ("pygls.protocol.json_rpc", "pygls.server"):
        logging.getLogger(name).addFilter(QuietProtocolNoise())
    server.start_io(stdin, stdout)
    if server.protocol.exit_code:       # ``exit`` without ``shutdown``: LSP's exit code 1
        raise SystemExit(server.protocol.exit_code)
