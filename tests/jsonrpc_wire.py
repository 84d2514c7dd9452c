"""Helpers (no tests): a raw JSON-RPC client for ``python -m shapelens serve`` over pipes, for the
tests that must control the wire byte by byte (malformed bodies, a client that does not read its
output, requests after ``shutdown``), which pytest-lsp's client cannot do.

``RawServer`` frames messages with ``Content-Length`` headers, keeps every line the server writes
to stderr (its log) in ``stderr_lines``, and reads stdout only once ``start_reading()`` is called
(``RawServer(read=False)`` leaves the server's output unread in the pipe until then)."""

from __future__ import annotations

import itertools
import json
import queue
import subprocess
import sys
import threading
import time

SERVER = [sys.executable, "-m", "shapelens", "serve"]


def frame(body: bytes) -> bytes:
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def encode(message: dict) -> bytes:
    return frame(json.dumps(message).encode("utf-8"))


def logged_errors(lines: list[str]) -> list[str]:
    """What a server's log (its stderr lines) holds that signals a bug: each ERROR or CRITICAL
    record, and each traceback whole -- the line that introduces it ("Exception ignored in ...",
    "--- Logging error ---"...), its frames and its exception -- so that a failing test names
    the exception, not only that there was one."""
    errors: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if "Traceback" in line:
            end = i + 1
            while end < len(lines) and lines[end][:1].isspace():
                end += 1                                   # the frames, indented
            start = i - 1 if i and not lines[i - 1].startswith(("ERROR", "CRITICAL")) else i
            errors.append("".join(lines[start:end + 1]))   # with the exception's own line
            i = end + 1
            continue
        if line.startswith(("ERROR", "CRITICAL")):
            errors.append(line)
        i += 1
    return errors


def read_frame(stream):
    """One message body from a binary stream, or ``None`` at end of file."""
    length = None
    while True:
        line = stream.readline()
        if not line:
            return None
        if line in (b"\r\n", b"\n"):
            if length is not None:
                break
            continue
        name, _, value = line.decode("ascii").partition(":")
        if name.strip().lower() == "content-length":
            length = int(value.strip())
    body = stream.read(length)
    return None if len(body) < length else json.loads(body)


class RawServer:
    def __init__(self, read: bool = True, cwd=None, env=None, command=None):
        self.process = subprocess.Popen(command or SERVER, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, cwd=cwd, env=env)
        self.ids = itertools.count(1)
        self.messages: queue.Queue = queue.Queue()
        self.responses: dict = {}          # id -> [response, ...] (every response, to count them)
        self.notifications: list = []
        self.others: list = []             # requests from the server, responses without an id
        self.stderr_lines: list[str] = []
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._reader = None
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        if read:
            self.start_reading()

    # ---- writing -------------------------------------------------------------------------------
    def send_raw(self, data: bytes) -> None:
        with self._write_lock:
            self.process.stdin.write(data)
            self.process.stdin.flush()

    def send(self, message: dict) -> None:
        self.send_raw(encode(message))

    def request(self, method: str, params=None, msg_id=None):
        msg_id = next(self.ids) if msg_id is None else msg_id
        message = {"jsonrpc": "2.0", "id": msg_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return msg_id

    def notify(self, method: str, params=None) -> None:
        message = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)

    # ---- reading -------------------------------------------------------------------------------
    def start_reading(self) -> None:
        if self._reader is None:
            self._reader = threading.Thread(target=self._read_stdout, daemon=True)
            self._reader.start()

    def _read_stdout(self) -> None:
        while True:
            try:
                message = read_frame(self.process.stdout)
            except (ValueError, OSError):
                message = None
            if message is None:
                self.messages.put(None)
                return
            with self._lock:
                if "method" not in message and isinstance(message.get("id"), (int, str)):
                    self.responses.setdefault(message["id"], []).append(message)
                elif "method" in message and "id" not in message:
                    self.notifications.append(message)
                else:
                    self.others.append(message)
            self.messages.put(message)

    def _drain_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace"))

    def wait_for(self, predicate, timeout: float = 60.0):
        """Wait until ``predicate()`` is true (re-checked after every message read)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("condition not met in time")
            try:
                self.messages.get(timeout=min(remaining, 0.5))
            except queue.Empty:
                pass

    def response(self, msg_id, timeout: float = 60.0) -> dict:
        return self.wait_for(lambda: (self.responses.get(msg_id) or [None])[0], timeout)

    def call(self, method: str, params=None, timeout: float = 60.0) -> dict:
        return self.response(self.request(method, params), timeout)

    def published(self, uri: str, version=None):
        for message in reversed(self.notifications):
            params = message.get("params") or {}
            if (message["method"] == "textDocument/publishDiagnostics" and params.get("uri") == uri
                    and (version is None or params.get("version") == version)):
                return params
        return None

    # ---- the session ---------------------------------------------------------------------------
    def initialize(self, root_uri=None, timeout: float = 60.0) -> dict:
        reply = self.call("initialize", {"processId": None, "rootUri": root_uri, "capabilities": {
            "general": {"positionEncodings": ["utf-16"]},
            "textDocument": {"hover": {"contentFormat": ["markdown", "plaintext"]}},
        }}, timeout)
        self.notify("initialized", {})
        return reply

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": version, "text": text}})

    def exit_code(self, timeout: float = 30.0):
        """The process's exit code once it ends within ``timeout`` s (``None`` if it does not)."""
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            return None

    def server_errors(self) -> list[str]:
        lines = logged_errors(self.stderr_lines)
        lines += [m["params"]["message"] for m in self.notifications
                  if m["method"] in ("window/showMessage", "window/logMessage") and m["params"].get("type") == 1]
        return lines

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                stream.close()
            except (OSError, ValueError):
                pass
