"""Protocol misuse against the real language server (``python -m shapelens serve``).

What an editor, a buggy client or a broken pipe can send, and what the user must then see: a
proper JSON-RPC answer (a result, an empty result or an error with the right code) to every
request, never a hang, a traceback, an "Error in server" message or a dead process, and the
other documents still served exactly as before.

* requests (inlay hints, hover, and the other methods the server registers or does not) for a
  document never opened, or opened and closed;
* positions past the end: huge lines and characters (up to LSP's 2**31 - 1), ranges past the
  end, inverted, or with a huge end character;
* ``didChange`` for a document never opened or already closed;
* versions out of order (lower, repeated, skipped): hints and diagnostics follow the last text,
  and the diagnostics carry the version of the text they describe;
* a client that does not read its output for a while (responses far beyond the pipe buffer);
* ``$/cancelRequest`` storms (pending, answered and never-existing ids);
* ``shutdown`` while analyses run, requests after ``shutdown``, LSP's exit codes, end of input;
* misuse before and at ``initialize`` (requests first, garbage capabilities, a second one);
* garbage on the wire: bodies that are not JSON, not JSON-RPC, ids of the wrong type, unknown
  methods, params that do not fit the method.

The document-level cases use pytest-lsp's client (``test_server_helpers``); the wire-level ones
use the raw client of ``jsonrpc_wire``.  After each case a check (``assert_serving`` /
``assert_raw_serving``) opens ``examples/cats_vs_dogs.py`` under a fresh URI and compares its
hints with the known ones, and asserts the server reported no error.
"""

from __future__ import annotations

import itertools
import json
import pathlib
import sys
import threading
import time

import pytest
import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.workspace import TextDocument

from jsonrpc_wire import RawServer, encode
from shapelens.analyser import analyse_source
from test_server_helpers import (
    CONFIG,
    EXAMPLES,
    ROOT,
    close_document,
    hint_map,
    hints,
    hover,
    init_params,
    open_document,
    published,
)

sys.path.insert(0, str(ROOT / "benchmarks"))
from generate import generate_module  # noqa: E402

on_module_loop = pytest.mark.asyncio(loop_scope="module")   # the pytest-lsp tests share one server

CATS = EXAMPLES / "cats_vs_dogs.py"
CATS_TEXT = CATS.read_text(encoding="utf-8")
CATS_LINES = CATS_TEXT.splitlines()
MISSING_FLATTEN = EXAMPLES / "errors" / "sequential_missing_flatten.py"
MNIST = EXAMPLES / "mnist_mlp_sequential.py"
BIG = 2**31 - 1                     # LSP's largest uinteger
ANSWER_BOUND = 10.0                 # seconds: "answers promptly" on a loaded 2-core machine
_fresh = itertools.count()


def cats_expected(result_map: dict) -> None:
    """The hints of ``cats_vs_dogs.py`` (``{(line, character): label}``) are the known ones."""
    assert result_map[(11, len(CATS_LINES[11]))] == "(None, 148, 148, 16) · 448 params"
    assert result_map[(12, len(CATS_LINES[12]))] == "(None, 74, 74, 16)"
    assert result_map[(21, len(CATS_LINES[21]))] == "(None, 512) · 9,470,464 params"
    assert result_map[(24, len(CATS_LINES[24]))] == "Model: 9,494,561 params (36.22 MB)"
    assert len(result_map) == 10


def fresh_path(stem: str = "fresh") -> pathlib.Path:
    """A path for a document that exists only as an editor buffer (never on disk)."""
    return EXAMPLES / f"_protocol_{stem}_{next(_fresh)}.py"


# ---- pytest-lsp: document-level misuse -----------------------------------------------------------

@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: pytest_lsp.LanguageClient):
    await lsp_client.initialize_session(init_params("visual-studio-code"))
    lsp_client.cats_uri = await open_document(lsp_client, CATS)     # stays open: "the other document"
    yield
    await lsp_client.shutdown_session()


async def timed(awaitable, bound: float = ANSWER_BOUND):
    """The result of a request, asserting it was answered within ``bound`` seconds."""
    start = time.monotonic()
    result = await awaitable
    elapsed = time.monotonic() - start
    assert elapsed < bound, f"answered after {elapsed:.1f} s"
    return result


async def assert_serving(client) -> None:
    """The server still serves: the long-open document and a fresh open of the same text have
    the known hints, and nothing went wrong in the server."""
    cats_expected(hint_map(await timed(hints(client, client.cats_uri))))
    uri = await open_document(client, fresh_path("probe"), CATS_TEXT)
    cats_expected(hint_map(await timed(hints(client, uri))))
    close_document(client, uri)
    assert client.server_errors() == []


@on_module_loop
async def test_requests_for_unknown_and_closed_documents(client):
    never = fresh_path("never").as_uri()
    closed = await open_document(client, fresh_path("closed"), CATS_TEXT)
    cats_expected(hint_map(await hints(client, closed)))
    close_document(client, closed)
    for uri in (never, closed):
        assert await timed(hints(client, uri)) == []
        assert await timed(hover(client, uri, 11, 10)) is None
        assert await timed(hover(client, uri, BIG, BIG)) is None
    # the closed document's diagnostics were cleared
    assert not published(client, closed).diagnostics and published(client, closed).version is None
    # the other methods the server registers, and ones it does not: a proper error each
    with pytest.raises(JsonRpcException) as error:
        await timed(client.workspace_execute_command_async(types.ExecuteCommandParams(command="no-such-command")))
    assert error.value.code == -32602                              # InvalidParams
    with pytest.raises(JsonRpcException) as error:
        await timed(client.inlay_hint_resolve_async(types.InlayHint(types.Position(0, 0), "x")))
    assert error.value.code == -32601                              # MethodNotFound
    with pytest.raises(JsonRpcException) as error:
        await timed(client.text_document_completion_async(types.CompletionParams(
            types.TextDocumentIdentifier(never), types.Position(0, 0))))
    assert error.value.code == -32601
    # notifications for documents that are not open are harmless
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(never)))
    client.text_document_did_save(types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(never)))
    await assert_serving(client)


@on_module_loop
async def test_positions_past_the_end(client):
    uri = client.cats_uri
    everything = await hints(client, uri)
    # hover: far past the end, and past the end of a real line (clamped to its end, as editors do)
    for line, character in ((10**6, 10**6), (BIG, BIG), (BIG, 0), (len(CATS_LINES), 0)):
        assert await timed(hover(client, uri, line, character)) is None
    at_end = await hover(client, uri, 11, len(CATS_LINES[11]))
    assert at_end is not None and "448" in at_end.contents.value
    for character in (len(CATS_LINES[11]) + 1, 10**6, BIG):
        assert await timed(hover(client, uri, 11, character)) == at_end
    assert await timed(hover(client, uri, 0, BIG)) == await hover(client, uri, 0, len(CATS_LINES[0]))

    def rng(a, b, c, d):
        return types.Range(types.Position(a, b), types.Position(c, d))

    # inlay hints: a range past the end, an inverted one, and whole-document ranges with huge ends
    assert await timed(hints(client, uri, rng(10**6, 0, 10**6 + 50, 0))) == []
    assert await timed(hints(client, uri, rng(BIG, BIG, BIG, BIG))) == []
    assert await timed(hints(client, uri, rng(20, 0, 5, 0))) == []
    for whole in (rng(0, 0, len(CATS_LINES) - 1, BIG), rng(0, BIG, BIG, BIG), rng(0, 0, 10**6, 10**6)):
        assert await timed(hints(client, uri, whole)) == everything
    assert hint_map(await hints(client, uri, rng(11, 0, 11, BIG))) == {(11, len(CATS_LINES[11])): everything[0].label}

    # the same on a line with characters outside the BMP (UTF-16 surrogate pairs)
    text = "import keras\nfrom keras import layers\nx = keras.Input((8,))\ny = layers.Dense(4)(x)  # 🐱🐶 é\n"
    uri2 = await open_document(client, fresh_path("emoji"), text)
    line3 = text.splitlines()[3]
    end_units = len(line3.encode("utf-16-le")) // 2
    assert await timed(hover(client, uri2, 3, BIG)) == await hover(client, uri2, 3, end_units)
    assert await timed(hover(client, uri2, 3, end_units - 1)) is None         # inside a surrogate pair
    assert [h.label for h in await hints(client, uri2, rng(3, BIG, 3, BIG))] == ["(None, 4) · 36 params"]
    close_document(client, uri2)
    await assert_serving(client)


@on_module_loop
async def test_changes_for_unknown_and_closed_documents(client):
    never = fresh_path("never")
    count = len(client.published)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=never.as_uri(), version=3),
        [types.TextDocumentContentChangeWholeDocument(text="this is not Python (")]))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=never.as_uri(), version=4),
        [types.TextDocumentContentChangePartial(range=types.Range(types.Position(0, 0), types.Position(0, 4)),
                                                text="x")]))
    assert await hints(client, never.as_uri()) == []       # answered after the changes were handled
    assert not [p for p in client.published[count:] if p.uri == never.as_uri()]
    assert client.server_errors() == []
    # a later open of that uri gets exactly the opened text
    uri = await open_document(client, never, CATS_TEXT, version=1)
    cats_expected(hint_map(await hints(client, uri)))
    assert not published(client, uri).diagnostics

    # a change after close is ignored; re-opening gets the re-opened text, not the change
    close_document(client, uri)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        [types.TextDocumentContentChangeWholeDocument(text=MISSING_FLATTEN.read_text())]))
    assert await hints(client, uri) == []
    uri = await open_document(client, never, CATS_TEXT, version=1)
    cats_expected(hint_map(await hints(client, uri)))
    assert not published(client, uri, 1).diagnostics
    close_document(client, uri)
    await assert_serving(client)


def replace_text(client, uri: str, version: int, text: str) -> None:
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        [types.TextDocumentContentChangeWholeDocument(text=text)]))


def diagnostic_tuples(diagnostics) -> list:
    return [(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character,
             d.code, d.message, d.severity) for d in diagnostics]


async def assert_follows_text(client, uri: str, text: str, version: int) -> None:
    """Hints and the last published diagnostics of ``uri`` are those of ``text`` (as a fresh open
    of it gives, and as the analyser finds), and the diagnostics carry ``version``."""
    got = await timed(hints(client, uri))          # waits for the analysis of the latest text
    fresh = await open_document(client, fresh_path("versions"), text)
    assert hint_map(got) == hint_map(await hints(client, fresh))
    last = published(client, uri)
    assert last.version == version
    assert diagnostic_tuples(last.diagnostics) == diagnostic_tuples(published(client, fresh).diagnostics)
    expected = analyse_source(text)
    assert sorted(d.message for d in last.diagnostics) == sorted(d.message for d in expected.diagnostics)
    close_document(client, fresh)


@on_module_loop
async def test_out_of_order_versions(client):
    a, b, c = CATS_TEXT, MISSING_FLATTEN.read_text(), MNIST.read_text()
    assert analyse_source(b).diagnostics and not analyse_source(a).diagnostics
    uri = await open_document(client, fresh_path("versions"), a, version=5)
    # a burst: lower, the same twice, skipping; the last text is b (an error), at version 4
    for version, text in ((3, b), (3, c), (9, a), (20, c), (4, b)):
        replace_text(client, uri, version, text)
    await assert_follows_text(client, uri, b, 4)
    # one by one, each analysed before the next: the same version with another text, then lower
    for version, text in ((4, a), (4, c), (2, a)):
        replace_text(client, uri, version, text)
        await assert_follows_text(client, uri, text, version)
    # incremental edits on top of out-of-order versions apply in the order received
    lines = a.splitlines()
    edit = types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(11, lines[11].index("16")), types.Position(11, lines[11].index("16") + 2)),
        text="32")
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        types.VersionedTextDocumentIdentifier(uri=uri, version=1), [edit]))
    edited = a.replace("Conv2D(16, 3", "Conv2D(32, 3", 1)
    await assert_follows_text(client, uri, edited, 1)
    assert hint_map(await hints(client, uri))[(11, len(lines[11]))] == "(None, 148, 148, 32) · 896 params"
    close_document(client, uri)
    await assert_serving(client)


@on_module_loop
async def test_edits_with_ranges_past_the_end(client):
    """Incremental edits whose ranges lie past the end of the text (or are inverted): no crash,
    and the hints are those of the text pygls's document model makes of the edits (a fresh open
    of that text)."""
    text = "import keras\nfrom keras import layers\nx = keras.Input((4,))\ny = layers.Dense(3)(x)\n"
    uri = await open_document(client, fresh_path("past-end"), text)
    model = TextDocument(uri, text)
    edits = [((100, 0, 100, 5), "z = layers.Dense(2)(y)\n"), ((3, 50, 3, BIG), "  # note"),
             ((BIG, BIG, BIG, BIG), "w = layers.Dense(5)(x)\n"), ((3, 10, 1, 0), "")]
    for version, ((a, b, c, d), new) in enumerate(edits, start=2):
        change = types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(a, b), types.Position(c, d)), text=new)
        model.apply_change(change)
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=uri, version=version), [change]))
    result = await timed(hints(client, uri))
    assert published(client, uri).version == len(edits) + 1
    fresh = await open_document(client, fresh_path("past-end"), model.source)
    assert hint_map(result) == hint_map(await hints(client, fresh)) and len(result) >= 2
    assert client.server_errors() == []
    close_document(client, uri)
    close_document(client, fresh)
    await assert_serving(client)


# ---- the raw wire --------------------------------------------------------------------------------

@pytest.fixture
def raw():
    """``raw(**kwargs)`` starts a server process with the raw client; all are killed at the end."""
    servers: list[RawServer] = []

    def start(**kwargs) -> RawServer:
        server = RawServer(**kwargs)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.kill()


def everything_params(uri: str) -> dict:
    return {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                    "end": {"line": 100_000, "character": 0}}}


def hover_params(uri: str, line: int = 11, character: int = 10) -> dict:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def raw_hint_map(result) -> dict:
    return {(h["position"]["line"], h["position"]["character"]): h["label"] for h in result}


def assert_raw_serving(server: RawServer) -> None:
    uri = fresh_path("probe").as_uri()
    server.open(uri, CATS_TEXT)
    reply = server.call("textDocument/inlayHint", everything_params(uri), timeout=60)
    cats_expected(raw_hint_map(reply["result"]))
    server.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    assert server.process.poll() is None
    assert server.server_errors() == []


def error_code(reply: dict):
    return reply.get("error", {}).get("code")


def only_response(server: RawServer, msg_id, timeout: float = 60.0) -> dict:
    """The response to ``msg_id``, asserting there is exactly one."""
    server.response(msg_id, timeout)
    (reply,) = server.responses[msg_id]
    return reply


def test_client_that_does_not_read_its_output(raw):
    server = raw(read=False)
    uri = CATS.as_uri()
    server.request("initialize", {"processId": None, "rootUri": ROOT.as_uri(), "capabilities": {}})
    server.notify("initialized", {})
    server.open(uri, CATS_TEXT)
    count = 2000
    ids = range(100, 100 + count)
    data = b"".join(encode({"jsonrpc": "2.0", "id": i, "method": "textDocument/inlayHint",
                            "params": everything_params(uri)} if i % 2 else
                           {"jsonrpc": "2.0", "id": i, "method": "textDocument/hover", "params": hover_params(uri)})
                    for i in ids)
    writer = threading.Thread(target=server.send_raw, args=(data,), daemon=True)   # an editor writes on
    writer.start()
    time.sleep(3.0)                                    # ... while not reading for 3 s
    assert server.process.poll() is None
    start = time.monotonic()
    server.start_reading()
    server.wait_for(lambda: all(i in server.responses for i in ids), timeout=120)
    print(f"{count} requests answered {time.monotonic() - start:.2f} s after reading resumed")
    writer.join(30)
    assert not writer.is_alive()
    size = sum(len(json.dumps(server.responses[i][0])) for i in ids)
    assert size > 4 * 65536                            # far more than the pipe buffer holds
    assert all(len(server.responses[i]) == 1 for i in ids)
    hover_results = {json.dumps(server.responses[i][0]["result"], sort_keys=True) for i in ids if i % 2 == 0}
    assert len(hover_results) == 1 and "448" in hover_results.pop()
    for i in ids:
        if i % 2:
            cats_expected(raw_hint_map(server.responses[i][0]["result"]))
    assert_raw_serving(server)
    assert server.call("shutdown")["result"] is None
    server.notify("exit")
    assert server.exit_code(30) == 0


def viewport_params(uri: str) -> dict:
    """An editor's inlay-hint request: the visible lines."""
    return {"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0},
                                                    "end": {"line": 120, "character": 0}}}


def test_cancel_request_storm(raw):
    server = raw()
    server.initialize(ROOT.as_uri())
    text = generate_module(10000)          # half a second or more to analyse: requests wait for it
    requests, ghosts, uris = [], 0, []
    for round_ in range(3):
        # a document just opened, then requests for it, each cancelled at once, and cancels for
        # ids that never existed (a string and a number)
        uri = fresh_path("storm").as_uri()
        uris.append(uri)
        batch = [encode({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}}})]
        for i in range(100):
            msg_id = f"storm-{round_}-{i}" if i % 3 == 0 else 1000 * (round_ + 1) + i
            method, params = (("textDocument/hover", hover_params(uri, 40 + i, 12)) if i % 2
                              else ("textDocument/inlayHint", viewport_params(uri)))
            batch.append(encode({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))
            batch.append(encode({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": msg_id}}))
            batch.append(encode({"jsonrpc": "2.0", "method": "$/cancelRequest",
                                 "params": {"id": f"ghost-{round_}-{i}"}}))
            batch.append(encode({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": 10**9 + i}}))
            requests.append((msg_id, method, params))
            ghosts += 2
        server.send_raw(b"".join(batch))
    start = time.monotonic()
    server.wait_for(lambda: all(msg_id in server.responses for msg_id, _, _ in requests), timeout=120)
    elapsed = time.monotonic() - start
    # what the requests answer once nothing is cancelled
    reference = {}
    for _, method, params in requests:
        key = json.dumps([method, params], sort_keys=True)
        if key not in reference:
            reference[key] = server.call(method, params)["result"]
    assert len(reference[json.dumps(["textDocument/inlayHint", viewport_params(uris[0])], sort_keys=True)]) > 20
    cancelled = 0
    for msg_id, method, params in requests:
        (reply,) = server.responses[msg_id]                   # exactly one answer each
        if "error" in reply:
            assert error_code(reply) == -32800, reply        # RequestCancelled
            cancelled += 1
        else:
            assert reply["result"] == reference[json.dumps([method, params], sort_keys=True)]
    print(f"{len(requests)} requests, {len(requests) + ghosts} cancels: {cancelled} cancelled, "
          f"all answered in {elapsed:.2f} s")
    assert cancelled > 0                                      # the storm did hit pending requests
    # cancels for requests already answered
    server.send_raw(b"".join(encode({"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": msg_id}})
                             for msg_id, _, _ in requests))
    for uri in uris:
        key = json.dumps(["textDocument/inlayHint", viewport_params(uri)], sort_keys=True)
        assert server.call("textDocument/inlayHint", viewport_params(uri))["result"] == reference[key]
    assert_raw_serving(server)
    # a cancel for an unknown or answered id is routine for every client: no log line for it
    assert not [line for line in server.stderr_lines if "Cancel notification" in line]


def test_shutdown_mid_analysis(raw):
    server = raw()
    server.initialize(ROOT.as_uri())
    text = generate_module(15000)                 # each takes about a second to analyse
    uris = [fresh_path("big").as_uri() for _ in range(3)]
    for uri in uris:
        server.open(uri, text)
    pending = server.request("textDocument/inlayHint", everything_params(uris[-1]))
    start = time.monotonic()
    reply = server.call("shutdown", timeout=60)
    answered = time.monotonic() - start
    assert reply["result"] is None and answered < 5.0, f"shutdown answered after {answered:.1f} s"
    # the analyses were under way: the last document had not been analysed
    assert server.published(uris[-1]) is None
    hint_reply = only_response(server, pending)
    assert error_code(hint_reply) == -32800 or hint_reply.get("result") is not None
    # after shutdown: requests get InvalidRequest, notifications are ignored
    after = server.call("textDocument/hover", hover_params(uris[0]), timeout=ANSWER_BOUND)
    assert error_code(after) == -32600
    server.notify("textDocument/didChange", {"textDocument": {"uri": uris[0], "version": 2},
                                             "contentChanges": [{"text": "x = 1\n"}]})
    server.open(fresh_path("late").as_uri(), CATS_TEXT)
    assert error_code(server.call("shutdown", timeout=ANSWER_BOUND)) == -32600
    assert error_code(server.call("textDocument/inlayHint", everything_params(uris[0]), timeout=ANSWER_BOUND)) == -32600
    start = time.monotonic()
    server.notify("exit")
    code = server.exit_code(30)
    print(f"shutdown answered in {answered:.3f} s; exit took {time.monotonic() - start:.2f} s")
    assert code == 0
    assert server.server_errors() == []
    assert not [line for line in server.stderr_lines if "Traceback" in line]


def test_shutdown_races(raw):
    """Issue 13, failure 3: ``shutdown`` right after ``initialized`` (whose
    ``workspace/configuration`` request the client has not answered yet), or while a request
    waits for an analysis, answered -32603 "dictionary changed size during iteration", and the
    process exited 1 after ``exit``.  It answers ``null`` and exits 0."""
    capabilities = {"workspace": {"configuration": True, "inlayHint": {"refreshSupport": True}},
                    "textDocument": {"hover": {"contentFormat": ["markdown"]}}}
    for pending in (False, True):
        server = raw()
        server.call("initialize", {"processId": None, "rootUri": ROOT.as_uri(), "capabilities": capabilities})
        server.notify("initialized", {})
        if pending:
            uri = fresh_path("race").as_uri()
            server.open(uri, generate_module(15000))
            server.request("textDocument/hover", hover_params(uri))
            server.request("textDocument/inlayHint", everything_params(uri))
        reply = server.call("shutdown", timeout=ANSWER_BOUND)
        assert reply.get("result", "missing") is None, reply
        server.notify("exit")
        assert server.exit_code(30) == 0
        assert server.server_errors() == []


def test_exit_codes_and_end_of_input(raw):
    # exit without shutdown: LSP's exit code 1
    server = raw()
    server.initialize(ROOT.as_uri())
    server.open(CATS.as_uri(), CATS_TEXT)
    server.notify("exit")
    assert server.exit_code(30) == 1
    assert server.server_errors() == []
    # exit whatever its params
    server = raw()
    server.initialize(ROOT.as_uri())
    assert server.call("shutdown")["result"] is None
    server.notify("exit", 5)
    assert server.exit_code(30) == 0
    assert server.server_errors() == []
    # the client goes away (end of input) in the middle of an analysis: the server ends
    server = raw()
    server.initialize(ROOT.as_uri())
    server.open(fresh_path("big").as_uri(), generate_module(15000))
    server.process.stdin.close()
    assert server.exit_code(30) is not None
    assert not [line for line in server.stderr_lines if "Traceback" in line]


def test_misuse_before_and_at_initialize(raw):
    server = raw()
    uri = fresh_path("early").as_uri()
    # before initialize: a request gets ServerNotInitialized, a notification is dropped
    assert error_code(server.call("textDocument/hover", hover_params(uri), timeout=60)) == -32002
    server.open(uri, CATS_TEXT)
    assert error_code(server.call("textDocument/inlayHint", everything_params(uri), timeout=60)) == -32002
    assert "capabilities" in server.initialize(ROOT.as_uri())["result"]
    assert server.call("textDocument/inlayHint", everything_params(uri))["result"] == []   # the open was dropped
    server.open(uri, CATS_TEXT)
    cats_expected(raw_hint_map(server.call("textDocument/inlayHint", everything_params(uri))["result"]))
    # a second initialize is refused, and does not make the server forget the open documents
    again = server.call("initialize", {"processId": None, "capabilities": {}}, timeout=ANSWER_BOUND)
    assert error_code(again) == -32600
    wider = CATS_TEXT.replace("Conv2D(16, 3", "Conv2D(32, 3", 1)
    server.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                             "contentChanges": [{"text": wider}]})
    labels = raw_hint_map(server.call("textDocument/inlayHint", everything_params(uri))["result"])
    assert labels[(11, len(CATS_LINES[11]))] == "(None, 148, 148, 32) · 896 params"
    assert_raw_serving(server)

    # capabilities that do not fit LSP: served with the default capabilities (the fast start and
    # pygls agree), never a crash or a client left believing in a server that is not initialised
    # (as the first message, which the fast start answers, and as a later one, which pygls answers)
    utf8 = {"general": {"positionEncodings": ["utf-8"]}}
    for extra, capabilities in (({}, 5), ({}, {"general": 5}), ({}, {"general": {"positionEncodings": 7}}),
                                ({}, {**utf8, "textDocument": {"hover": 3}}),
                                ({"processId": "me", "workspaceFolders": "x"}, utf8)):
        expected = "utf-8" if capabilities is utf8 or "textDocument" in str(capabilities) else "utf-16"
        for first in (True, False):
            server = raw()
            if not first:
                assert error_code(server.call("initialize", None)) == -32602
            reply = server.call("initialize", {"processId": None, "rootUri": ROOT.as_uri(),
                                               "capabilities": capabilities, **extra})
            assert reply["result"]["capabilities"]["positionEncoding"] == expected, capabilities
            server.notify("initialized", {})
            assert_raw_serving(server)
            server.kill()
    # params that are no InitializeParams at all: InvalidParams; a proper initialize then works
    server = raw()
    for params in (None, [], "text", 5):
        reply = server.call("initialize", params, timeout=60)
        assert error_code(reply) == -32602, params
        assert server.process.poll() is None
    assert "capabilities" in server.initialize(ROOT.as_uri())["result"]
    assert_raw_serving(server)


def test_garbage_on_the_wire(raw):
    server = raw()
    server.initialize(ROOT.as_uri())
    uri = CATS.as_uri()
    server.open(uri, CATS_TEXT)
    hover_ok = server.call("textDocument/hover", hover_params(uri))["result"]
    assert hover_ok is not None

    # bodies with no usable id: each gets one error with id null
    null_id = [
        (b"{abc}", -32700), (b"\xff\xfe\xfa\xfb", -32700), (b'{"jsonrpc": "2.0", "id": 1, ', -32700),
        (b"[]", -32600), (b"{}", -32600), (b"42", -32600), (b'"text"', -32600), (b"null", -32600),
        (b'[{"jsonrpc": "2.0", "id": 5, "method": "shutdown"}]', -32600),
        (json.dumps({"jsonrpc": "2.0", "id": {"a": 1}, "method": "textDocument/hover",
                     "params": hover_params(uri)}).encode(), -32600),
        (json.dumps({"jsonrpc": "2.0", "id": [1], "method": "shutdown"}).encode(), -32600),
        (json.dumps({"jsonrpc": "2.0", "id": True, "method": "shutdown"}).encode(), -32600),
        (b'{"jsonrpc": "2.0"}', -32600), (b'{"jsonrpc": "2.0", "params": {}}', -32600),
    ]
    for body, _ in null_id:
        server.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    # requests with an id: their own error
    with_id = {
        701: ({"jsonrpc": "1.0", "id": 701, "method": "textDocument/hover", "params": hover_params(uri)}, -32600),
        702: ({"id": 702, "method": "textDocument/hover", "params": hover_params(uri)}, -32600),
        703: ({"jsonrpc": "2.0", "id": 703, "method": "shapelens/noSuchMethod", "params": {}}, -32601),
        704: ({"jsonrpc": "2.0", "id": 704, "method": "textDocument/hover",
               "params": {"textDocument": {"uri": uri}}}, -32602),
        705: ({"jsonrpc": "2.0", "id": 705, "method": "textDocument/hover",
               "params": {"textDocument": {"uri": uri}, "position": {"line": -1, "character": 0}}}, -32602),
        706: ({"jsonrpc": "2.0", "id": 706, "method": "textDocument/inlayHint",
               "params": {"textDocument": {"uri": uri}}}, -32602),
        707: ({"jsonrpc": "2.0", "id": 707, "method": "textDocument/hover",
               "params": {"textDocument": uri, "position": {"line": 0, "character": 0}}}, -32602),
        708: ({"jsonrpc": "2.0", "id": 708, "method": "textDocument/inlayHint", "params": "nonsense"}, -32602),
        "709": ({"jsonrpc": "2.0", "id": "709", "method": "textDocument/hover",
                 "params": {"textDocument": {"uri": uri}, "position": {"line": "eleven", "character": 0}}}, -32602),
    }
    for message, _ in with_id.values():
        server.send(message)
    # notifications: unknown, malformed, for a method that is a request: ignored, no answer
    for message in ({"jsonrpc": "2.0", "method": "shapelens/noSuchNotification", "params": {"x": 1}},
                    {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {}},
                    {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": {"nested": []}}},
                    {"jsonrpc": "2.0", "method": "$/unknownDollarNotification"},
                    {"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri}}},
                    {"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri}}},
                    {"jsonrpc": "2.0", "method": "initialized", "params": 7},
                    {"jsonrpc": "2.0", "id": 99999, "result": {"unexpected": "response"}},
                    {"jsonrpc": "2.0", "id": 99998, "error": {"code": 1, "message": "unexpected error"}},
                    {"jsonrpc": "2.0", "id": 99997},
                    {"jsonrpc": "2.0", "id": 99996, "error": 5},
                    {"jsonrpc": "2.0", "id": 99995, "error": {"code": "x"}}):
        server.send(message)
    # extra and reordered headers are fine
    body = json.dumps({"jsonrpc": "2.0", "id": 800, "method": "textDocument/hover",
                       "params": hover_params(uri)}).encode()
    server.send_raw(b"Content-Type: application/vscode-jsonrpc; charset=utf-8\r\nContent-Length: %d\r\n"
                    b"X-Whatever: 1\r\n\r\n" % len(body) + body)
    assert server.response(800, timeout=60)["result"] == hover_ok

    for msg_id, (_, code) in with_id.items():
        reply = only_response(server, msg_id)
        assert error_code(reply) == code, (msg_id, reply)
    server.wait_for(lambda: len(server.others) >= len(null_id), timeout=ANSWER_BOUND)
    assert [(m.get("id", "missing"), error_code(m)) for m in server.others] == [(None, code) for _, code in null_id]
    # the document is still the opened text (the malformed didOpen/didChange changed nothing)
    assert server.call("textDocument/hover", hover_params(uri))["result"] == hover_ok
    cats_expected(raw_hint_map(server.call("textDocument/inlayHint", everything_params(uri))["result"]))
    assert_raw_serving(server)
    assert not [line for line in server.stderr_lines if "Traceback" in line]
    reply = server.call("shutdown")
    assert reply["result"] is None
    server.notify("exit")
    assert server.exit_code(30) == 0
