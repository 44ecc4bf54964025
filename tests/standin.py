"""A Lumyx AI stand-in: a tiny OpenAI-compatible HTTP server on loopback, owned by the tests.

It serves what the platform documents (chat completions with SSE streaming, the models list and
model details) under `/v1`, answers like the real service to a bad key (401) and an unknown model
(404), and records every request it receives so that tests can assert on what left a program.

    with LumyxStandin() as server:
        client = OpenAI(api_key="nova_test", base_url=server.url)
        ...
        assert server.requests[0].headers["authorization"] == "Bearer nova_test"

It binds 127.0.0.1 on a free port and nothing else; stdlib only.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

MODEL = "nova_1_1"
KEY_PREFIX = "nova_"
REPLY = "Hello from the Lumyx stand-in."
CREATED = 1_700_000_000


@dataclass
class RecordedRequest:
    """One request as the stand-in received it. Header names are lower-cased.

    It is recorded before the answer is sent, so a client that has its answer always finds its
    request in `LumyxStandin.requests`; `status`, `streamed` and `stream_completed` are filled in
    as the answer goes out.
    """

    method: str
    path: str
    headers: dict[str, str]
    body: Any  # the parsed JSON body, or None when there was none or it was not JSON
    raw_body: bytes = b""
    status: int = 0  # the status the stand-in answered with
    streamed: bool = False  # answered with an SSE stream
    stream_completed: bool = False  # every event up to and including `data: [DONE]` was written

    @property
    def authorization(self) -> str | None:
        return self.headers.get("authorization")

    @property
    def is_chat(self) -> bool:
        return self.path.split("?", 1)[0] == "/v1/chat/completions"

    def text(self) -> str:
        """Everything the request carried (path, headers, body) as one string, for leak checks."""
        head = "\n".join(f"{name}: {value}" for name, value in self.headers.items())
        return f"{self.method} {self.path}\n{head}\n\n{self.raw_body.decode('utf-8', 'replace')}"


def _error(message: str, type_: str, code: str | None, param: str | None = None) -> dict[str, Any]:
    return {"error": {"message": message, "type": type_, "param": param, "code": code}}


def _model_object(model_id: str) -> dict[str, Any]:
    return {"id": model_id, "object": "model", "created": CREATED, "owned_by": "lumyx"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LumyxStandin/1.0"
    timeout = 30  # an idle keep-alive connection does not pin a thread forever
    standin: LumyxStandin  # set on the per-server subclass
    _current: RecordedRequest  # the request being answered

    # -- plumbing ---------------------------------------------------------------------------

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _send_json(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self._current.status = status
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _write_chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    # -- dispatch ---------------------------------------------------------------------------

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def do_PUT(self) -> None:
        self._handle()

    def do_DELETE(self) -> None:
        self._handle()

    def do_PATCH(self) -> None:
        self._handle()

    def _handle(self) -> None:
        raw = self._read_body()
        body: Any = None
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
        headers = {name.lower(): value for name, value in self.headers.items()}
        self._current = RecordedRequest(self.command, self.path, headers, body, raw)
        self.standin._record(self._current)
        self._route(body, raw, headers)

    def _route(self, body: Any, raw: bytes, headers: dict[str, str]) -> None:
        path = self.path.split("?", 1)[0]
        standin = self.standin
        if path == "/v1/chat/completions" and self.command == "POST":
            endpoint = "chat"
        elif path == "/v1/models" and self.command == "GET":
            endpoint = "models"
        elif path.startswith("/v1/models/") and self.command == "GET" and len(path) > 11:
            endpoint = "model"
        else:
            self._send_json(
                404,
                _error(
                    f"Unknown request URL: {self.command} {path}.",
                    "invalid_request_error",
                    "unknown_url",
                ),
            )
            return

        auth = headers.get("authorization", "")
        key = auth[len("Bearer ") :] if auth.startswith("Bearer ") else ""
        if not key:
            self._send_json(
                401,
                _error(
                    "You didn't provide an API key. Provide it in an Authorization header "
                    "(Authorization: Bearer YOUR_KEY).",
                    "invalid_request_error",
                    "missing_api_key",
                ),
            )
            return
        if not key.startswith(standin.key_prefix):
            self._send_json(
                401,
                _error(
                    f"Incorrect API key provided. Lumyx keys start with {standin.key_prefix}.",
                    "invalid_request_error",
                    "invalid_api_key",
                ),
            )
            return

        if endpoint == "models":
            self._send_json(
                200, {"object": "list", "data": [_model_object(m) for m in standin.models]}
            )
            return
        if endpoint == "model":
            model_id = path[len("/v1/models/") :]
            if model_id not in standin.models:
                self._send_json(404, self._model_not_found(model_id))
                return
            self._send_json(200, _model_object(model_id))
            return
        self._chat(body, raw)

    @staticmethod
    def _model_not_found(model: str) -> dict[str, Any]:
        return _error(
            f"The model `{model}` does not exist or you do not have access to it.",
            "invalid_request_error",
            "model_not_found",
            "model",
        )

    def _chat(self, body: Any, raw: bytes) -> None:
        if not isinstance(body, dict):
            message = (
                "We could not parse the JSON body of your request."
                if raw
                else "Missing request body."
            )
            self._send_json(400, _error(message, "invalid_request_error", None))
            return
        model = body.get("model")
        if not isinstance(model, str) or not model:
            self._send_json(
                400,
                _error(
                    "you must provide a model parameter", "invalid_request_error", None, "model"
                ),
            )
            return
        if model not in self.standin.models:
            self._send_json(404, self._model_not_found(model))
            return
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            self._send_json(
                400,
                _error(
                    "'messages' must be a non-empty array",
                    "invalid_request_error",
                    None,
                    "messages",
                ),
            )
            return

        words = self.standin.reply.split(" ")
        max_tokens = body.get("max_tokens")
        finish = "stop"
        if isinstance(max_tokens, int) and 0 < max_tokens < len(words):
            words, finish = words[:max_tokens], "length"
        prompt_tokens = sum(
            len(str(m.get("content", "")).split()) for m in messages if isinstance(m, dict)
        )
        usage = {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": len(words),
            "total_tokens": prompt_tokens + len(words),
        }
        ident = f"chatcmpl-standin{self.standin._next_id()}"

        if body.get("stream") is True:
            options = body.get("stream_options")
            include_usage = isinstance(options, dict) and options.get("include_usage") is True
            self._stream(ident, model, words, finish, usage if include_usage else None)
            return

        self._send_json(
            200,
            {
                "id": ident,
                "object": "chat.completion",
                "created": CREATED,
                "model": model,
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": " ".join(words),
                            "refusal": None,
                        },
                        "logprobs": None,
                        "finish_reason": finish,
                    }
                ],
                "usage": usage,
                "system_fingerprint": "standin",
            },
        )

    def _stream(
        self, ident: str, model: str, words: list[str], finish: str, usage: dict[str, int] | None
    ) -> None:
        """Write an SSE stream of chat.completion.chunk events, then `data: [DONE]`."""
        self._current.status, self._current.streamed = 200, True
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream; charset=utf-8")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()

        def chunk(delta: dict[str, Any], finish_reason: str | None) -> dict[str, Any]:
            return {
                "id": ident,
                "object": "chat.completion.chunk",
                "created": CREATED,
                "model": model,
                "system_fingerprint": "standin",
                "choices": [
                    {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
                ],
            }

        events: list[dict[str, Any]] = [chunk({"role": "assistant", "content": ""}, None)]
        events += [chunk({"content": w if i == 0 else " " + w}, None) for i, w in enumerate(words)]
        events.append(chunk({}, finish))
        if usage is not None:
            last = chunk({}, None)
            last["choices"], last["usage"] = [], usage
            events.append(last)
        try:
            for event in events:
                self._write_chunk(b"data: " + json.dumps(event).encode() + b"\n\n")
                if self.standin.stream_delay:
                    time.sleep(self.standin.stream_delay)
            # Marked before the write: a client that saw [DONE] must find it marked.
            self._current.stream_completed = True
            self._write_chunk(b"data: [DONE]\n\n")
            self._write_chunk(b"")  # end of the chunked body
        except OSError:  # the client went away mid-stream
            self._current.stream_completed = False
            self.close_connection = True


@dataclass
class LumyxStandin:
    """The stand-in server, running in a background thread from construction until `close()`."""

    models: tuple[str, ...] = (MODEL,)
    key_prefix: str = KEY_PREFIX
    reply: str = REPLY
    stream_delay: float = 0.0  # seconds between SSE events
    _requests: list[RecordedRequest] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _ids: int = field(default=0, init=False, repr=False)

    def __post_init__(self) -> None:
        handler = type("Handler", (self._handler_class(),), {"standin": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="lumyx-standin",
            daemon=True,
        )
        self._thread.start()
        self._closed = False

    def _handler_class(self) -> type[_Handler]:
        """The request handler; the OpenAI stand-in answers more endpoints."""
        return _Handler

    # -- recording --------------------------------------------------------------------------

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _next_id(self) -> int:
        with self._lock:
            self._ids += 1
            return self._ids

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot of every request received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    # -- lifetime ---------------------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LumyxStandin:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
