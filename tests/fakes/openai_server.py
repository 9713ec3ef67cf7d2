"""A small OpenAI-compatible server on loopback (stdlib http.server) with scripted faults.

Streams ``/v1/chat/completions`` as server-sent events in chunked HTTP/1.1, like
llama.cpp's server and vLLM do, and can misbehave on demand: a wrong key, a stall before
the first token, garbage instead of events, a connection dropped mid-answer, errors.
Tests that use it need ``@pytest.mark.enable_socket``.
"""

from __future__ import annotations

import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator


@dataclass
class FakeOpenAI:
    """Behaviour knobs; change them between requests. ``requests`` records every chat body."""

    models: list[str] = field(default_factory=lambda: ["fake-7b", "fake-vision"])
    tokens: list[str] = field(default_factory=lambda: ["Hello", ",", " world", "!"])
    api_key: str | None = None  # required Bearer key, None = open
    mode: str = "stream"  # stream | stall | garbage | garbage_event | drop | json | http_error | hang_after
    error_status: int = 500
    error_body: bytes = b'{"error": {"message": "boom", "type": "server_error"}}'
    drop_after: int = 2  # tokens sent before "drop" / "hang_after"
    send_usage: bool = True
    reject_stream_options: bool = False
    reject_json_schema: bool = False  # like llama-cpp-python's server: only "json_object" + schema
    health: int | None = None  # status of /health; None = no such endpoint (404)
    health_503_times: int = 0  # answer 503 (loading) this many times first
    version: str | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)  # ends a stall or hang
    client_gone: threading.Event = field(default_factory=threading.Event)  # a write failed
    port: int = 0
    _server: ThreadingHTTPServer | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> "FakeOpenAI":
        fake = self

        class Handler(_Handler):
            server_state = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def __enter__(self) -> "FakeOpenAI":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def sse(obj: Any) -> bytes:
    data = obj if isinstance(obj, str) else json.dumps(obj)
    return f"data: {data}\n\n".encode()


def chunk_json(text: str | None = None, finish: str | None = None, model: str = "fake-7b") -> dict[str, Any]:
    delta = {"content": text} if text is not None else {}
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_state: FakeOpenAI

    def setup(self) -> None:
        super().setup()
        # Each event is its own small write: without NODELAY, Nagle holds it for the
        # client's delayed ACK (40 ms per answer), as real servers (uvicorn) avoid too.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass

    # ---- helpers ----

    def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _chunk(self, data: bytes) -> None:
        self.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
        self.wfile.flush()

    def _authorized(self) -> bool:
        key = self.server_state.api_key
        if key is None or self.headers.get("Authorization") == f"Bearer {key}":
            return True
        self._send(401, b'{"error": {"message": "Invalid API key", "type": "invalid_request_error"}}')
        return False

    # ---- endpoints ----

    def do_GET(self) -> None:
        s = self.server_state
        if self.path == "/health":
            if s.health is None:
                self._send(404, b'{"detail": "Not Found"}')
            elif s.health_503_times > 0:
                s.health_503_times -= 1
                self._send(503, b'{"error": {"code": 503, "message": "Loading model"}}')
            else:
                self._send(s.health, b'{"status": "ok"}')
            return
        if self.path == "/version":
            if s.version is None:
                self._send(404, b'{"detail": "Not Found"}')
            else:
                self._send(200, json.dumps({"version": s.version}).encode())
            return
        if self.path == "/v1/models":
            if not self._authorized():
                return
            body = {"object": "list", "data": [{"id": m, "object": "model", "owned_by": "me"} for m in s.models]}
            self._send(200, json.dumps(body).encode())
            return
        self._send(404, b'{"detail": "Not Found"}')

    def do_POST(self) -> None:
        s = self.server_state
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path != "/v1/chat/completions":
            self._send(404, b'{"detail": "Not Found"}')
            return
        if not self._authorized():
            return
        body = json.loads(raw)
        s.requests.append(body)
        s.headers.append(dict(self.headers))
        if s.reject_stream_options and "stream_options" in body:
            self._send(422, b'{"detail": [{"loc": ["body", "stream_options"], "msg": "extra fields not permitted"}]}')
            return
        if s.reject_json_schema and (body.get("response_format") or {}).get("type") == "json_schema":
            self._send(422, b'{"detail": [{"loc": ["body", "response_format", "type"], "msg": "Input should be \'text\' or \'json_object\'"}]}')
            return
        if body.get("model") not in s.models:
            self._send(404, json.dumps({"error": {"message": f"model '{body.get('model')}' not found"}}).encode())
            return
        mode = s.mode
        if mode == "http_error":
            self._send(s.error_status, s.error_body)
            return
        if mode == "garbage":
            self._send(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
            return
        if mode == "json":
            text = "".join(s.tokens)
            self._send(200, json.dumps({
                "id": "x", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 5, "completion_tokens": len(s.tokens), "total_tokens": 5 + len(s.tokens)},
            }).encode())
            return
        if mode == "stall":
            s.release.wait(60)
            return  # closes without an answer
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            self._chunk(b": ping\n\n")  # SSE comments must be ignored
            for i, event in enumerate(self._events(body)):
                if mode in ("drop", "hang_after") and i == s.drop_after + 1:  # event 0 is the role
                    if mode == "drop":
                        self.wfile.flush()
                        self.connection.shutdown(2)  # no terminating chunk: a dropped stream
                        self.close_connection = True
                        return
                    s.release.wait(60)
                    for _ in range(200):  # keep writing until the client's close shows up
                        self._chunk(sse(chunk_json(" more")))
                        threading.Event().wait(0.02)
                    return
                if mode == "garbage_event" and i == 1:
                    self._chunk(b"data: {this is not json\n\n")
                    continue
                self._chunk(event)
            self._chunk(b"")
        except OSError:
            s.client_gone.set()
            self.close_connection = True

    def _events(self, body: dict[str, Any]) -> Iterator[bytes]:
        s = self.server_state
        model = body["model"]
        yield sse({**chunk_json(model=model), "choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": None}]})
        for t in s.tokens:
            yield sse(chunk_json(t, model=model))
        yield sse(chunk_json(finish="stop", model=model))
        if s.send_usage and (body.get("stream_options") or {}).get("include_usage"):
            yield sse({"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": model, "choices": [],
                       "usage": {"prompt_tokens": 11, "completion_tokens": len(s.tokens),
                                 "total_tokens": 11 + len(s.tokens),
                                 "prompt_tokens_details": {"cached_tokens": 3}}})
        yield sse("[DONE]")
