"""Helpers (no tests) for the language-server tests: a pytest-lsp client that records every
``publishDiagnostics`` (with its version), ``workspace/inlayHint/refresh`` and every line the
server writes to stderr (its log), and small wrappers for opening, editing and querying
documents."""

from __future__ import annotations

import asyncio
import pathlib
import sys

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities
from pytest_lsp.client import register_lsp_features

from jsonrpc_wire import logged_errors

ROOT = pathlib.Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SERVER = [sys.executable, "-m", "shapelens", "serve"]
TIMEOUT = 60.0
EVERYTHING = types.Range(types.Position(0, 0), types.Position(100_000, 0))


class RecordingClient(LanguageClient):
    """pytest-lsp's client, also keeping the server's stderr lines in ``stderr_lines`` (they are
    still forwarded to the test's stderr)."""

    async def start_io(self, cmd: str, *args, **kwargs):
        self.stderr_lines: list[str] = []
        await super().start_io(cmd, *args, **kwargs)
        if self._stderr_forwarder is not None:
            self._stderr_forwarder.cancel()
            self._stderr_forwarder = asyncio.create_task(self._record_stderr())

    async def _record_stderr(self) -> None:
        while (line := await self._server.stderr.readline()) != b"":
            self.stderr_lines.append(line.decode("utf-8", "replace"))
            sys.stderr.buffer.write(line)

    @property
    def server_pid(self) -> int:
        return self._server.pid

    def server_errors(self) -> list[str]:
        """What the server logged that signals a bug: tracebacks, ERROR records, error messages
        shown or logged to the user."""
        lines = logged_errors(self.stderr_lines)
        lines += [m.message for m in self.messages if m.type == types.MessageType.Error]
        lines += [m.message for m in self.log_messages if m.type == types.MessageType.Error]
        return lines


def make_client() -> LanguageClient:
    client = RecordingClient(converter_factory=default_converter)
    register_lsp_features(client)
    client.published = []
    client.refreshes = 0
    client.changed = asyncio.Event()

    def publish(params: types.PublishDiagnosticsParams):
        client.diagnostics[params.uri] = params.diagnostics
        client.published.append(params)
        client.changed.set()

    def refresh(params):
        client.refreshes += 1
        client.changed.set()
        return None

    client.protocol.fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = publish
    client.protocol.fm.features[types.WORKSPACE_INLAY_HINT_REFRESH] = refresh
    return client


CONFIG = ClientServerConfig(server_command=SERVER, client_factory=make_client)


def init_params(name: str, root: pathlib.Path = ROOT, options=None) -> types.InitializeParams:
    return types.InitializeParams(capabilities=client_capabilities(name), root_uri=root.as_uri(),
                                  initialization_options=options)


async def wait_until(client, predicate, timeout: float = TIMEOUT):
    """Wait until ``predicate()`` is true, re-checking after every notification."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        client.changed.clear()
        value = predicate()
        if value:
            return value
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise TimeoutError("condition not met in time")
        try:
            await asyncio.wait_for(client.changed.wait(), min(remaining, 0.5))
        except asyncio.TimeoutError:
            pass


def published(client, uri: str, version: int | None = None):
    for params in reversed(client.published):
        if params.uri == uri and (version is None or params.version == version):
            return params
    return None


async def open_document(client, path: pathlib.Path, text: str | None = None, version: int = 1):
    """Open a document and wait for its diagnostics (the analysis of this version is done)."""
    uri = path.resolve().as_uri()
    text = path.read_text(encoding="utf-8") if text is None else text
    count = len(client.published)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        types.TextDocumentItem(uri=uri, language_id="python", version=version, text=text)))
    await wait_until(client, lambda: any(p.uri == uri and p.version == version for p in client.published[count:]))
    return uri


def close_document(client, uri: str) -> None:
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))


async def change_document(client, uri: str, version: int, edits, wait: bool = True):
    """Apply incremental edits ``[(line, start_char, end_line, end_char, text)]`` (client units)."""
    count = len(client.published)
    changes = [types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(a, b), types.Position(c, d)), text=t) for a, b, c, d, t in edits]
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version), changes))
    if wait:
        await wait_until(client, lambda: any(p.uri == uri and p.version == version
                                             for p in client.published[count:]))


async def hints(client, uri: str, rng: types.Range = EVERYTHING):
    result = await asyncio.wait_for(client.text_document_inlay_hint_async(
        types.InlayHintParams(types.TextDocumentIdentifier(uri), rng)), TIMEOUT)
    return result or []


def hint_map(result) -> dict:
    """``{(line, character): label}`` (0-based, client units)."""
    return {(h.position.line, h.position.character): h.label for h in result}


def labels_on_line(result, line: int) -> list[str]:
    return [h.label for h in result if h.position.line == line]


async def hover(client, uri: str, line: int, character: int):
    return await asyncio.wait_for(client.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, character))), TIMEOUT)


def client_column(text_line: str, char_col: int, encoding: str) -> int:
    prefix = text_line[:char_col]
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    if encoding == "utf-16":
        return len(prefix.encode("utf-16-le")) // 2
    return len(prefix)
