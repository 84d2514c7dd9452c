"""The ShapeLens language server (pygls): inlay hints, hovers and diagnostics for Keras code.

``main()`` serves over stdio (``shapelens serve``).

Start-up
--------
Importing pygls and lsprotocol alone costs about half a second of CPU (lsprotocol defines some
thousand attrs classes), and the analyser another 0.1 s.  So that an editor gets its
``initialize`` answer at once, ``main`` (standard library only) starts importing the server in
a background thread, reads the ``initialize`` request itself and answers it straight away with
the server's capabilities — the same JSON pygls computes for this server (the position
encoding negotiated with pygls's rule: the client's first of utf-8/utf-16/utf-32, else utf-16;
``tests/server/test_fast_initialize.py`` checks both agree).  Then the request is handed to pygls as
if it had just arrived, so the server's state is exactly what a normal start gives, and pygls's
own reply to it is dropped.  Messages the client sends meanwhile wait in the pipe and are read
once pygls runs.  Set ``SHAPELENS_FAST_START=0`` to let pygls answer ``initialize`` itself.
The analyser is imported in the background after ``initialize`` (never Keras or TensorFlow).
"""

from __future__ import annotations

import json
import os
import sys
import threading

ENCODINGS = ("utf-8", "utf-16", "utf-32")


NOTEBOOK_SYNC = {"notebookSelector": [{"cells": [{"language": "python"}], "notebook": "*"}], "save": True}


def _capabilities(encoding: str, notebooks: bool = False) -> dict:
    """``notebooks``: the client can sync notebooks (pygls then announces ``server.NOTEBOOK_SYNC``)."""
    notebook = {"notebookDocumentSync": NOTEBOOK_SYNC} if notebooks else {}
    return {
        "positionEncoding": encoding,
        "textDocumentSync": {"openClose": True, "change": 2, "willSave": False, "willSaveWaitUntil": False,
                             "save": False},
        "hoverProvider": True,
        "executeCommandProvider": {"commands": []},
        "inlayHintProvider": {"resolveProvider": False},
        "workspace": {"workspaceFolders": {"supported": True, "changeNotifications": True},
                      "fileOperations": {}},
        **notebook,
    }


def choose_encoding(params: dict) -> str:
    general = ((params.get("capabilities") or {}).get("general") or {})
    for encoding in general.get("positionEncodings") or ():
        if encoding in ENCODINGS:
            return encoding
    return "utf-16"


def _plausible(params) -> bool:
    """Whether ``initialize`` params have the shape ``choose_encoding`` reads (else pygls
    answers, with an InvalidParams error for garbage, instead of the fast path crashing)."""
    if not isinstance(params, dict) or not isinstance(params.get("capabilities"), dict):
        return False
    general = params["capabilities"].get("general")
    if general is None:
        return True
    if not isinstance(general, dict):
        return False
    encodings = general.get("positionEncodings")
    return encodings is None or (isinstance(encodings, list) and all(isinstance(e, str) for e in encodings))


def initialize_result(params: dict) -> dict:
    from .. import __version__

    notebooks = params["capabilities"].get("notebookDocument") is not None
    return {"capabilities": _capabilities(choose_encoding(params), notebooks),
            "serverInfo": {"name": "shapelens", "version": __version__}}


def _read_message(stream):
    """``(raw bytes, decoded JSON)`` of one LSP message, or ``(raw, None)``."""
    raw = b""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return raw, None
        raw += line
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode("ascii", "replace").partition(":")
        if name.strip().lower() == "content-length":
            try:
                length = int(value.strip())
            except ValueError:
                return raw, None
    if length is None:
        return raw, None
    body = stream.read(length)
    raw += body
    try:
        return raw, json.loads(body.decode("utf-8"))
    except ValueError:
        return raw, None


def _write_message(stream, message: dict) -> None:
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    stream.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    stream.flush()


class ReplayReader:
    """Stdin for pygls: first the bytes already read, then the real stream."""

    def __init__(self, prefix: bytes, stream):
        self._prefix = prefix
        self._stream = stream
        self._lock = threading.Lock()

    def readline(self) -> bytes:
        with self._lock:
            if self._prefix:
                index = self._prefix.find(b"\n")
                end = len(self._prefix) if index < 0 else index + 1
                line, self._prefix = self._prefix[:end], self._prefix[end:]
                if line.endswith(b"\n"):
                    return line
                return line + self._stream.readline()
        return self._stream.readline()

    def read(self, n: int) -> bytes:
        with self._lock:
            if self._prefix:
                part, self._prefix = self._prefix[:n], self._prefix[n:]
                if len(part) < n:
                    part += self._stream.read(n - len(part))
                return part
        return self._stream.read(n)


class DropReply:
    """Stdout for pygls that swallows its reply to the ``initialize`` already answered."""

    def __init__(self, stream, request_id):
        self._stream = stream
        self._drop = request_id
        self._marker = (b'"id": ' + json.dumps(request_id).encode()) if request_id is not None else None

    def write(self, data: bytes) -> None:
        if self._marker is not None and self._marker in data:
            body = data.split(b"\r\n\r\n", 1)[-1]
            try:
                message = json.loads(body)
            except ValueError:
                message = None
            if isinstance(message, dict) and message.get("id") == self._drop and "method" not in message:
                self._marker = self._drop = None
                return
        self._stream.write(data)

    def flush(self) -> None:
        self._stream.flush()

    def close(self) -> None:
        self._stream.close()


def _load_server(box: list) -> None:
    try:
        from . import server as module

        box.append(module)
    except BaseException as error:  # noqa: BLE001 - re-raised on the main thread
        box.append(error)


def main() -> None:
    if os.environ.get("SHAPELENS_FAST_START", "1") == "0":
        from .server import main as serve

        serve()
        return
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    box: list = []
    loader = threading.Thread(target=_load_server, args=(box,), name="shapelens-import", daemon=True)
    loader.start()
    raw, message = _read_message(stdin)
    answered = None
    if (isinstance(message, dict) and message.get("method") == "initialize" and "id" in message
            and _plausible(message.get("params"))):
        _write_message(stdout, {"jsonrpc": "2.0", "id": message["id"], "result": initialize_result(message["params"])})
        answered = message["id"]
    loader.join()
    module = box[0]         # _load_server always leaves the module, or the error importing it raised
    if isinstance(module, BaseException):
        raise module
    module.main(stdin=ReplayReader(raw, stdin), stdout=DropReply(stdout, answered) if answered is not None else stdout)


__all__ = ["main"]
