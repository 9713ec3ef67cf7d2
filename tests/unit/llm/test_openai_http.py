"""The HTTP/SSE transport alone: each HTTP status and transport failure mapped to its
coded error, the key header (read again after a refusal), event-stream framing against
a scripted loopback server, and a cancelled or unanswered GET that returns at once."""

from __future__ import annotations

import socket
import threading
from typing import Any

import httpx
import pytest

from app.core.config import RemoteSettings
from app.core.llm import (
    BackendAuthError,
    BackendDropped,
    BackendProtocolError,
    BackendTimeout,
    BackendUnreachable,
    ModelError,
)
from app.core.llm.api_key import store_api_key
from app.core.llm.openai_http import OpenAIHttp, error_detail, server_root
from app.core.types import Cancelled, CancelToken
from tests.fakes.openai_server import FakeOpenAI

BASE = "http://127.0.0.1:9/v1"
CHAT = f"{BASE}/chat/completions"


def http(api_key: str | None | bool = None, **kw: Any) -> OpenAIHttp:
    return OpenAIHttp(RemoteSettings(base_url=kw.pop("base_url", BASE + "/"), **kw), api_key=api_key)


# ---- HTTP statuses ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "body", "url", "code", "text"),
    [
        (401, b'{"error": {"message": "Invalid API key"}}', f"{BASE}/models", "backend_auth", "needs an API key"),
        (404, b"{\"error\": {\"message\": \"model 'x' not found\"}}", CHAT, "backend_model_not_found", "no model “m”"),
        (404, b'{"detail": "Not Found"}', f"{BASE}/models", "backend_not_found", "does not exist (404)"),
        (429, b"slow down", CHAT, "backend_busy", "busy (429): slow down"),
        (502, b"", CHAT, "backend_server_error", "internal error (502): no details"),
        (302, b"", CHAT, "backend_protocol", "unexpected status 302"),
        (422, b'{"detail": [{"msg": "field required"}, {"msg": "bad type"}]}', CHAT, "backend_rejected",
         "rejected the request (422): field required; bad type"),
    ],
)
def test_http_statuses_become_coded_errors(status: int, body: bytes, url: str, code: str, text: str) -> None:
    err = http().http_error(status, body, url, model="m")
    assert isinstance(err, ModelError) and err.code == code
    assert text in str(err)


def test_a_refused_key_is_named_and_read_again_from_the_keyring(file_keyring: Any) -> None:
    t = http(api_key="wrong")
    assert t.headers() == {"Authorization": "Bearer wrong"}
    err = t.http_error(403, b"forbidden", f"{BASE}/models")
    assert isinstance(err, BackendAuthError) and err.params["has_key"] is True
    assert "Check the API key" in str(err)
    assert http(api_key=None).headers() == {}
    store_api_key("old")
    from_keyring = http(api_key=True)
    assert from_keyring.headers() == {"Authorization": "Bearer old"}
    store_api_key("new")
    assert from_keyring.headers() == {"Authorization": "Bearer old"}  # read once, not per request
    from_keyring.http_error(401, b"", f"{BASE}/models")
    assert from_keyring.headers() == {"Authorization": "Bearer new"}  # the user may have fixed it


def test_error_details_and_the_server_root() -> None:
    assert error_detail(b'{"error": {"message": "boom"}}') == "boom"
    assert error_detail(b'{"error": "plain"}') == "plain"
    assert error_detail(b'{"message": "top level"}') == "top level"
    assert error_detail(b"  <html>\n  Bad   Gateway </html>") == "<html> Bad Gateway </html>"
    assert error_detail(b"") == "no details"
    assert error_detail(b"x" * 500).endswith("…")
    assert server_root("http://h:8080/v1/") == "http://h:8080"
    assert server_root("http://h:8080/openai/v1") == "http://h:8080/openai"
    assert server_root("http://h/api") == "http://h/api"


# ---- transport failures ----------------------------------------------------------------------


def _caused(exc: BaseException, cause: BaseException) -> BaseException:
    exc.__cause__ = cause
    return exc


@pytest.mark.parametrize(
    ("exc", "kind", "code", "text"),
    [
        (httpx.ConnectTimeout("t"), BackendTimeout, "backend_timeout", "Could not connect"),
        (httpx.ReadTimeout("t"), BackendTimeout, "backend_timeout", "stopped answering"),
        (_caused(httpx.ConnectError("c"), socket.gaierror(-2, "Name or service not known")), BackendUnreachable,
         "backend_unknown_host", "“127.0.0.1” in http://127.0.0.1:9/v1 does not resolve"),
        (_caused(httpx.ConnectError("c"), ConnectionRefusedError(111, "refused")), BackendUnreachable,
         "backend_refused", "connection refused"),
        (httpx.ConnectError("no route"), BackendUnreachable, "backend_unreachable", "Could not connect"),
        (httpx.UnsupportedProtocol("ftp"), ModelError, "backend_bad_url", "not a usable server address"),
        (httpx.RemoteProtocolError("illegal status line"), BackendProtocolError, "backend_protocol",
         "does not speak HTTP"),
        (httpx.RemoteProtocolError("peer closed connection"), BackendDropped, "backend_dropped", "before answering"),
        (httpx.ReadError("reset"), BackendDropped, "backend_dropped", "before answering"),
        (ValueError("odd"), BackendProtocolError, "backend_protocol", "Unexpected answer"),
    ],
)
def test_transport_failures_become_coded_errors(exc: BaseException, kind: type, code: str, text: str) -> None:
    err = http().transport_error(exc, CHAT, got_headers=False)
    assert isinstance(err, kind) and err.code == code
    assert text in str(err)


def test_a_drop_mid_answer_counts_what_arrived_and_a_coded_error_passes_through() -> None:
    err = http().transport_error(httpx.ReadError("reset"), CHAT, got_headers=True, received=3)
    assert isinstance(err, BackendDropped) and err.params["received"] == 3
    assert "middle of the answer (3 pieces received)" in str(err)
    own = BackendProtocolError("not an event stream", url=CHAT)
    assert http().transport_error(own, CHAT, got_headers=True) is own


# ---- on the wire -----------------------------------------------------------------------------


@pytest.mark.enable_socket
def test_a_stream_arrives_as_status_events_and_end(server: FakeOpenAI) -> None:
    t = http(base_url=server.base_url)
    body = {"model": "fake-7b", "messages": [{"role": "user", "content": "Hi"}], "stream": True}
    call = t.start_stream(f"{server.base_url}/chat/completions", body)
    items = []
    while not items or items[-1][0] not in ("eof", "exc"):
        items.append(call.items.get(timeout=30))
    assert items[0] == ("status", 200) and items[-1] == ("eof",)
    payloads = [i[1] for i in items if i[0] == "data"]
    assert payloads[-1] == "[DONE]" and any('"Hello"' in p for p in payloads)  # the ": ping" comment is skipped
    t.close()


@pytest.mark.enable_socket
def test_a_stream_that_is_not_an_event_stream(server: FakeOpenAI) -> None:
    server.mode = "garbage"
    t = http(base_url=server.base_url)
    call = t.start_stream(f"{server.base_url}/chat/completions", {"model": "fake-7b", "messages": []})
    assert call.items.get(timeout=30) == ("status", 200)
    kind, err = call.items.get(timeout=30)
    assert kind == "exc" and isinstance(err, BackendProtocolError) and "Welcome to nginx" in str(err)


@pytest.fixture
def silent_port() -> Any:
    """A server that accepts connections and never answers."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    conns: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conns.append(srv.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield srv.getsockname()[1]
    stop.set()
    srv.close()
    for c in conns:
        c.close()


@pytest.mark.enable_socket
def test_a_get_to_a_silent_server_times_out(silent_port: int) -> None:
    t = http(base_url=f"http://127.0.0.1:{silent_port}/v1", connect_timeout_s=1.0)
    with pytest.raises(BackendTimeout, match="did not answer within 1 s") as err:
        t.get(f"http://127.0.0.1:{silent_port}/v1/models", CancelToken(), read_timeout=1.0)
    assert err.value.params["phase"] == "read"


@pytest.mark.enable_socket
def test_a_cancelled_get_returns_without_an_answer(silent_port: int) -> None:
    t = http(base_url=f"http://127.0.0.1:{silent_port}/v1")
    cancel = CancelToken()
    threading.Timer(0.2, cancel.cancel).start()
    with pytest.raises(Cancelled):
        t.get(f"http://127.0.0.1:{silent_port}/v1/models", cancel, read_timeout=600.0)
    with pytest.raises(Cancelled):  # an optional endpoint may fail quietly, but a cancel still stops
        t.optional_get(f"http://127.0.0.1:{silent_port}/health", cancel)
