"""JSON-RPC and LSP misuse, answered as the specifications ask (pygls 2.1 leaves much of it
unanswered, or reports it to the user as a server crash).

``ShapeLensProtocol`` (pygls's protocol class, extended) answers requests with bad params,
requests before ``initialize`` or after ``shutdown``, a second ``initialize``, messages that are
not JSON-RPC 2.0, ids that are not numbers or strings; ignores ``didChange`` for documents that
are not open; frees the futures pygls keeps per notification; and records LSP's exit code.
``QuietProtocolNoise`` keeps the client's mistakes out of the server's error log.
``tests/robustness/test_robustness_protocol.py`` sends each kind of misuse.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import unquote

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import JsonRPCNotification, JsonRPCRequestMessage, LanguageServerProtocol, lsp_method

from .positions import apply_edit, normalise_encoding

log = logging.getLogger(__name__)


class _Unreadable:
    """A request or notification whose fields do not fit its method (see ``structure_message``)."""

    def __init__(self, data: dict, error: Exception):
        self.data = data
        self.error = error


def _reason(error: Exception) -> str:
    try:
        from cattrs import transform_error

        return "; ".join(transform_error(error)) or str(error)
    except Exception:  # noqa: BLE001 - not a cattrs validation error
        return str(error) or type(error).__name__


class ShapeLensProtocol(LanguageServerProtocol):
    """pygls's protocol, answering the misuse that pygls leaves unanswered or reports as a crash.

    * a request whose params do not fit its method (``hover`` without a position) gets an
      InvalidParams error; pygls logged a traceback, showed "Error in server" and never answered,
      so the client waited forever.  Such a notification is ignored with a warning;
    * a message that is no JSON-RPC request, notification or response (``[]``, ``{}``, another
      ``jsonrpc`` version) gets an InvalidRequest error (id null when it has none);
    * requests after ``shutdown`` get InvalidRequest, as LSP asks (pygls dropped them unanswered);
    * before ``initialize``, requests get ServerNotInitialized and notifications are dropped, as
      LSP asks (pygls ran them: ``didOpen`` crashed on the missing workspace);
    * ``didChange`` for a document that is not open is ignored with a warning (pygls raised a
      KeyError, shown to the user as a server error);
    * ``exit`` records LSP's exit code (0 after ``shutdown``, else 1) for ``main``.
    A body that is not JSON gets a ParseError (``ShapeLensServer.report_server_error``).
    """

    exit_code: int | None = None

    def structure_message(self, data):
        if not isinstance(data, dict) or "jsonrpc" not in data:
            return data                                  # nested objects (or no JSON-RPC at all)
        if "method" not in data or "error" in data:      # responses (pygls knows their result types)
            try:
                return super().structure_message(data)
            except Exception as error:  # noqa: BLE001 - ignored by handle_message
                return _Unreadable(data, error)
        if data["method"] == types.EXIT:                 # exit whatever its params
            data = {key: value for key, value in data.items() if key != "params"}
        try:
            kind = self.get_message_type(data["method"])
            return self._converter.structure(data, kind or (JsonRPCRequestMessage if "id" in data
                                                            else JsonRPCNotification))
        except Exception as error:  # noqa: BLE001 - answered by handle_message
            if data["method"] == types.INITIALIZE and isinstance(data.get("params"), dict):
                message = self._lenient_initialize(data, error)
                if message is not None:
                    return message
            return _Unreadable(data, error)

    def _lenient_initialize(self, data: dict, error: Exception):
        """``initialize`` whose params (a dict) do not fit LSP: served with default capabilities
        (keeping the position encodings, which the fast start in ``__init__`` already answered
        with), and if need be with only the root and the initialization options, rather than
        left uninitialised (the client of the fast start already has its answer)."""
        general = data["params"].get("capabilities")
        general = general.get("general") if isinstance(general, dict) else None
        encodings = general.get("positionEncodings") if isinstance(general, dict) else None
        capabilities = {}
        if isinstance(encodings, list) and all(isinstance(e, str) for e in encodings):
            capabilities = {"general": {"positionEncodings": encodings}}
        params = data["params"]
        root = params.get("rootUri") if isinstance(params.get("rootUri"), str) else None
        for lenient in ({**params, "capabilities": capabilities},
                        {"processId": None, "capabilities": capabilities, "rootUri": root,
                         "initializationOptions": params.get("initializationOptions")}):
            try:
                message = self._converter.structure({**data, "params": lenient}, types.InitializeRequest)
            except Exception:  # noqa: BLE001 - try with less of what the client sent
                continue
            log.warning("initialize: ignoring what does not fit LSP (%s)", _reason(error))
            return message
        return None

    def reply_error(self, msg_id, error: JsonRpcException) -> None:
        if isinstance(msg_id, bool) or not isinstance(msg_id, (int, str)):
            msg_id = None
        response = error.to_response_error()
        self._send_data({"jsonrpc": "2.0", "id": msg_id,
                         "error": {"code": response.code, "message": response.message}})

    def handle_message(self, message):
        data = message.data if isinstance(message, _Unreadable) else message
        if isinstance(data, dict):                        # unstructured: no "jsonrpc", or unreadable
            method, msg_id, is_request = data.get("method"), data.get("id"), "id" in data and "method" in data
        else:
            method, msg_id = getattr(data, "method", None), getattr(data, "id", None)
            is_request = method is not None and hasattr(data, "id")
        if not isinstance(message, _Unreadable) and (not hasattr(message, "jsonrpc")
                                                      or message.jsonrpc != self.VERSION):
            log.warning("Ignoring a message that is not JSON-RPC 2.0")
            self.reply_error(msg_id if is_request else None, JsonRpcInvalidRequest(
                "Invalid Request: not a JSON-RPC 2.0 request, notification or response"))
            return
        if is_request and (isinstance(msg_id, bool) or not isinstance(msg_id, (int, str, type(None)))):
            log.warning("Ignoring a %r request whose id is no number or string", method)
            self.reply_error(None, JsonRpcInvalidRequest("Invalid Request: the id must be a number or a string"))
            return
        if method is not None and method != types.EXIT:
            if self._shutdown:
                if is_request:
                    self.reply_error(msg_id, JsonRpcInvalidRequest(f"Invalid Request: {method} after shutdown"))
                return
            if self._workspace is None and method != types.INITIALIZE:
                if is_request:
                    self.reply_error(msg_id, JsonRpcServerNotInitialized(
                        f"ServerNotInitialized: {method} before initialize"))
                return
            if self._workspace is not None and method == types.INITIALIZE:    # it would drop the open documents
                if is_request:
                    self.reply_error(msg_id, JsonRpcInvalidRequest("Invalid Request: initialize was already received"))
                return
        if isinstance(message, _Unreadable):
            reason = _reason(message.error)
            if method is None and "id" in data:
                log.warning("Ignoring a malformed response: %s", reason)
            elif method is None:
                log.warning("Ignoring a message that is no request, notification or response")
                self.reply_error(None, JsonRpcInvalidRequest("Invalid Request: no method, result or error"))
            elif is_request:
                log.warning("Invalid params for request %r: %s", method, reason)
                self.reply_error(msg_id, JsonRpcInvalidParams(f"Invalid params for {method}: {reason}"))
            else:
                log.warning("Ignoring notification %r with invalid params: %s", method, reason)
            return
        if method == types.CANCEL_REQUEST and not isinstance(getattr(message.params, "id", None), (int, str)):
            log.warning("Ignoring $/cancelRequest: the id is no number or string")   # pygls: TypeError
            return
        super().handle_message(message)

    def _execute_handler(self, msg_id, handler, callback, args=None, kwargs=None):
        """pygls keeps each running handler's future in ``_request_futures`` (for
        ``$/cancelRequest``) but removes only requests' futures: those of notifications — two per
        ``didChange``, through pygls's generator handlers — stayed for good (the server grew by
        ~2 KB per edit, never returned, even once every document was closed).  A future leaves
        once done (``tests/robustness/test_robustness_load.py``)."""
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        futures = self._request_futures
        future = futures.get(msg_id)
        if future is not None:
            future.add_done_callback(lambda done: futures.pop(msg_id, None) if futures.get(msg_id) is done else None)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        if unquote(params.text_document.uri) not in self.workspace.text_documents:
            log.warning("Ignoring didChange for %s: the document is not open", params.text_document.uri)
            return
        for change in params.content_changes:     # on LSP's lines, not str.splitlines's (positions.apply_edit)
            if isinstance(change, types.TextDocumentContentChangePartial):
                document = self.workspace.get_text_document(params.text_document.uri)
                change = types.TextDocumentContentChangeWholeDocument(text=apply_edit(
                    document.source, change.range.start, change.range.end, change.text,
                    normalise_encoding(self.workspace.position_encoding)))
            self.workspace.update_text_document(params.text_document, change)
        if (handler := self.fm.features.get(types.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(types.SHUTDOWN)
    def lsp_shutdown(self, *args):
        """pygls's ``shutdown`` cancels the pending handlers while iterating over
        ``_request_futures``; a cancelled future's done callback (``_execute_handler``'s) removes
        it from that dict at once, so ``shutdown`` right after ``initialized`` (its
        ``workspace/configuration`` still pending) or during a request answered -32603
        "dictionary changed size during iteration" and the exit code became 1.  Same, on a copy."""
        current = self.msg_id
        if (handler := self.fm.features.get(types.SHUTDOWN)) is not None:
            yield handler, args, None
        for msg_id, future in list(self._request_futures.items()):
            if msg_id != current and not future.done():
                future.cancel()
        self._shutdown = True
        return None

    @lsp_method(types.EXIT)
    def lsp_exit(self, *args):
        self.exit_code = 0 if self._shutdown else 1
        yield from super().lsp_exit(*args)


class QuietProtocolNoise(logging.Filter):
    """pygls's log records about the client's mistakes, which are not the server's errors: a
    cancel for a request already answered (every client races those) and pygls's traceback for a
    message it cannot structure (``ShapeLensProtocol`` answers and logs it) are dropped; a body
    that is not JSON (answered with a ParseError) and a request answered with a deliberate error
    (an unknown command) are one warning line instead of an ERROR with a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        if str(record.msg).startswith(("Cancel notification for unknown message id", "Unable to deserialize message")):
            return False
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, (json.JSONDecodeError, UnicodeDecodeError)):
            record.msg, record.args = "Ignoring a message that is not JSON: %s", (error,)
        elif isinstance(error, JsonRpcException) and not isinstance(error, JsonRpcInternalError):
            record.msg, record.args = "Answered a request with an error: %s", (error,)   # the client's mistake
        else:
            return True
        record.exc_info = record.exc_text = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
