"""HTTP and server-sent events to an OpenAI-compatible server, failures as coded errors.

``OpenAIHttp`` promises three things to the backend above it:

* every request is read on a short-lived daemon thread that hands its results over a
  queue, so the caller only waits on that queue and a cancel returns within one poll
  (20 ms) whatever the network is doing;
* a streaming request yields the status, then each SSE ``data:`` payload (or the error
  body), then its end, and ``StreamCall.abort`` closes the socket under a blocked read;
* every HTTP status and transport failure becomes a ModelError subclass from
  app.core.llm.base with a code per failure and a message that says what to check.

HTTP client: httpx (already installed with chromadb): connection pooling, separate
connect/read timeouts, a well-tested HTTP/1.1 parser and ``network_stream`` access to
the socket, which is what lets a cancel close a stream that is blocked in a read.
"""

from __future__ import annotations

import json
import queue
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

from app.core.llm.api_key import stored_api_key
from app.core.llm.base import (
    BackendAuthError,
    BackendDropped,
    BackendProtocolError,
    BackendTimeout,
    BackendUnreachable,
    ModelError,
)
from app.core.types import Cancelled, CancelToken

if TYPE_CHECKING:
    import httpx

    from app.core.config import RemoteSettings

POLL_S = 0.02  # how often a waiting caller checks its cancel token (bounds cancel latency)
PROBE_READ_S = 5.0  # optional endpoints (/health, /version) get a short read timeout
_MAX_ERROR_BODY = 64 * 1024


@dataclass
class StreamCall:
    """One request shared between the caller and its reader thread.

    The reader puts tuples on ``items``: ("body", status, bytes) for a plain GET; for a
    stream ("status", code), then ("data", payload) per event, ("error_body", bytes) or
    ("json", bytes) for a server that ignored stream=true, and ("eof",); ("exc", error,
    ...) on a failure.
    """

    items: "queue.SimpleQueue[tuple[Any, ...]]" = field(default_factory=queue.SimpleQueue)
    aborted: threading.Event = field(default_factory=threading.Event)
    sock: socket.socket | None = None

    def abort(self) -> None:
        """Stop the reader: a read blocked in the socket returns at once."""
        self.aborted.set()
        sock = self.sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class OpenAIHttp:
    """The connection pool, the API key header and the reader threads for one server."""

    def __init__(self, settings: "RemoteSettings", *, api_key: str | None | bool = True) -> None:
        """``api_key``: True reads the keyring when first needed; a string or None is used as given."""
        self.settings = settings
        self.base_url = settings.base_url.strip().rstrip("/")
        self._api_key_arg = api_key
        self._api_key: str | None = None
        self._client: "httpx.Client | None" = None

    # -- the client and the key --

    def client(self) -> "httpx.Client":
        """The pooled httpx client, created on first use."""
        if self._client is None:
            import httpx

            s = self.settings
            # The reader threads enforce the answer timeouts; httpx's read timeout is only a
            # backstop so an abandoned thread cannot wait forever.
            backstop = max(s.first_token_timeout_s, s.read_timeout_s) + 30.0
            self._client = httpx.Client(
                timeout=httpx.Timeout(backstop, connect=s.connect_timeout_s, pool=s.connect_timeout_s),
                trust_env=False,  # a desktop proxy setting must not capture a loopback server
                follow_redirects=True,
            )
        return self._client

    def headers(self) -> dict[str, str]:
        """The Authorization header when there is a key, else nothing."""
        if self._api_key_arg is True:
            if self._api_key is None:
                self._api_key = stored_api_key() or ""
            key = self._api_key
        else:
            key = self._api_key_arg or ""
        return {"Authorization": f"Bearer {key}"} if key else {}

    def close(self) -> None:
        """Drop the connection pool; the next request opens a new one."""
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # a reader thread may still hold a connection
                pass

    # -- GET --

    def get(self, url: str, cancel: CancelToken, read_timeout: float) -> tuple[int, bytes]:
        """(status, body) of a GET read on a reader thread, so a cancel or a stuck server
        never blocks the caller. Raises Cancelled, BackendTimeout or a transport error."""
        call = StreamCall()
        self.client()  # created here, not racing in the reader threads
        threading.Thread(target=self._read_plain, args=(call, url), name="sova-remote-get", daemon=True).start()
        deadline = time.monotonic() + self.settings.connect_timeout_s + read_timeout
        while True:
            try:
                item = call.items.get(timeout=POLL_S)
            except queue.Empty:
                if cancel.cancelled:
                    call.abort()
                    raise Cancelled() from None
                if time.monotonic() > deadline:
                    call.abort()
                    raise BackendTimeout(
                        f"The server at {self.base_url} did not answer within {read_timeout:.0f} s.",
                        url=url, phase="read", seconds=read_timeout,
                    ) from None
                continue
            if item[0] == "body":
                return item[1], item[2]
            raise self.transport_error(item[1], url, got_headers=bool(item[2]))

    def optional_get(self, url: str, cancel: CancelToken) -> tuple[int, bytes] | None:
        """A GET whose failure is fine: (status, body) or None if it did not answer."""
        import httpx

        try:
            status, body = self.get(url, cancel, read_timeout=PROBE_READ_S)
        except (BackendTimeout, BackendDropped, BackendProtocolError):
            return None
        except httpx.HTTPError:
            return None
        return status, body

    def get_json(self, url: str, cancel: CancelToken) -> Any:
        """The parsed JSON of a GET that must answer 200; anything else is a coded error."""
        status, body = self.get(url, cancel, read_timeout=self.settings.read_timeout_s)
        if status != 200:
            raise self.http_error(status, body, url)
        try:
            return json.loads(body)
        except ValueError:
            raise BackendProtocolError(
                f"{url} answered with something that is not JSON ({snippet(body)!r}). "
                "Is this the address of an OpenAI-compatible API (usually ending in /v1)?",
                url=url, detail=snippet(body),
            ) from None

    def _read_plain(self, call: StreamCall, url: str) -> None:
        got_headers = False
        try:
            with self.client().stream("GET", url, headers=self.headers()) as resp:
                got_headers = True
                call.sock = _socket_of(resp)
                body = _read_limited(resp)
                call.items.put(("body", resp.status_code, body))
        except Exception as exc:  # noqa: BLE001 - handed to the caller
            if not call.aborted.is_set():
                call.items.put(("exc", exc, got_headers))

    # -- streaming POST --

    def start_stream(self, url: str, body: dict[str, Any]) -> StreamCall:
        """POST ``body`` and read its event stream on a reader thread (see StreamCall)."""
        call = StreamCall()
        self.client()
        threading.Thread(
            target=self._read_stream, args=(call, url, body), name="sova-remote-stream", daemon=True
        ).start()
        return call

    def _read_stream(self, call: StreamCall, url: str, body: dict[str, Any]) -> None:
        """The reader thread: status, then SSE data payloads (or the error body), then eof."""
        put = call.items.put
        try:
            headers = {**self.headers(), "Accept": "text/event-stream"}
            with self.client().stream("POST", url, json=body, headers=headers) as resp:
                call.sock = _socket_of(resp)
                if call.aborted.is_set():
                    return
                put(("status", resp.status_code))
                if resp.status_code != 200:
                    put(("error_body", _read_limited(resp)))
                    return
                ctype = resp.headers.get("content-type", "")
                if "application/json" in ctype:
                    put(("json", _read_limited(resp)))
                    return
                data: list[str] = []
                seen_event = False
                for line in resp.iter_lines():
                    if call.aborted.is_set():
                        return
                    if not line:
                        if data:
                            put(("data", "\n".join(data)))
                            data = []
                        continue
                    if line.startswith("data:"):
                        value = line[5:]
                        data.append(value[1:] if value.startswith(" ") else value)
                        seen_event = True
                    elif line.startswith(":") or line.startswith(("event:", "id:", "retry:")):
                        seen_event = True
                    elif not seen_event:
                        put(("exc", BackendProtocolError(
                            f"The server at {self.base_url} did not answer with an event stream "
                            f"({snippet(line.encode())!r}).", url=url, detail=snippet(line.encode()),
                        )))
                        return
                if data:
                    put(("data", "\n".join(data)))
                put(("eof",))
        except Exception as exc:  # noqa: BLE001 - handed to the caller
            if not call.aborted.is_set():
                put(("exc", exc))

    # -- failures as coded errors --

    def http_error(self, status: int, body: bytes, url: str, model: str = "") -> ModelError:
        """The coded error for a non-200 answer, with the server's own reason in it."""
        detail = error_detail(body)
        where = f"The server at {self.base_url}"
        if status in (401, 403):
            has_key = bool(self.headers())
            self._api_key = None  # read the keyring again next time: the user may have fixed the key
            return BackendAuthError(
                f"{where} refused access ({status}): {detail}. "
                + ("Check the API key in Settings." if has_key else "It needs an API key: enter it in Settings."),
                url=url, status=status, detail=detail, has_key=has_key,
            )
        if status == 404:
            if "model" in detail.lower() and url.endswith("/chat/completions"):
                return ModelError(
                    f"{where} has no model “{model}” (404): {detail}. Pick one of its models in Settings.",
                    code="backend_model_not_found", url=url, model=model, detail=detail,
                )
            return ModelError(
                f"{url} does not exist (404). Is the address an OpenAI-compatible API (usually ending in /v1)?",
                code="backend_not_found", url=url, status=status, detail=detail,
            )
        if status == 429:
            return ModelError(f"{where} is busy (429): {detail}. Try again shortly.",
                              code="backend_busy", url=url, status=status, detail=detail)
        if status >= 500:
            return ModelError(f"{where} failed with an internal error ({status}): {detail}",
                              code="backend_server_error", url=url, status=status, detail=detail)
        if 300 <= status < 400 or status < 200:
            return BackendProtocolError(f"{where} answered with an unexpected status {status}.",
                                        url=url, status=status, detail=detail)
        return ModelError(f"{where} rejected the request ({status}): {detail}",
                          code="backend_rejected", url=url, status=status, detail=detail)

    def transport_error(self, exc: BaseException, url: str, *, got_headers: bool, received: int = 0) -> ModelError:
        """The coded error for a failure below HTTP (connect, DNS, timeout, a dropped stream)."""
        import httpx

        if isinstance(exc, ModelError):
            return exc
        where = f"the server at {self.base_url}"
        if isinstance(exc, httpx.ConnectTimeout):
            return BackendTimeout(
                f"Could not connect to {where} within {self.settings.connect_timeout_s:.0f} s. "
                "Is the address right and the server running?",
                url=url, phase="connect", seconds=self.settings.connect_timeout_s,
            )
        if isinstance(exc, httpx.TimeoutException):
            return BackendTimeout(f"{where.capitalize()} stopped answering.", url=url, phase="read",
                                  seconds=self.settings.read_timeout_s)
        if isinstance(exc, httpx.ConnectError):
            cause = _root_cause(exc)
            host = urlsplit(self.base_url).hostname or self.base_url
            if isinstance(cause, socket.gaierror):
                return BackendUnreachable(
                    f"The server name “{host}” in {self.base_url} does not resolve. Check the address in Settings.",
                    code="backend_unknown_host", url=self.base_url, host=host,
                )
            if isinstance(cause, ConnectionRefusedError):
                return BackendUnreachable(
                    f"Nothing is listening at {self.base_url} (connection refused). Start the server or "
                    "check the address and port in Settings.",
                    code="backend_refused", url=self.base_url, host=host,
                )
            return BackendUnreachable(f"Could not connect to {where}: {cause}.", url=self.base_url,
                                      host=host, detail=str(cause))
        if isinstance(exc, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
            return ModelError(f"“{self.base_url}” is not a usable server address ({exc}).",
                              code="backend_bad_url", url=self.base_url)
        if isinstance(exc, httpx.RemoteProtocolError) and not got_headers and not _is_disconnect(exc):
            return BackendProtocolError(
                f"{where.capitalize()} does not speak HTTP as expected ({exc}).", url=url, detail=str(exc)
            )
        if isinstance(exc, (httpx.TransportError, httpx.StreamError, OSError)):
            return BackendDropped(
                f"{where.capitalize()} closed the connection"
                + (f" in the middle of the answer ({received} pieces received). The partial answer is kept."
                   if received else " before answering."),
                url=self.base_url, received=received, detail=str(exc),
            )
        return BackendProtocolError(f"Unexpected answer from {where}: {exc!r}", url=url, detail=repr(exc))


# ---- helpers ---------------------------------------------------------------------------------


def server_root(base_url: str) -> str:
    """The server's root for /health and /version: the base URL without a trailing /v1."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[:-3]
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")).rstrip("/")


def snippet(body: bytes, limit: int = 200) -> str:
    """The start of a body on one line, for an error message."""
    text = body.decode("utf-8", "replace").strip()
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def error_detail(body: bytes) -> str:
    """The server's own error message from an OpenAI, FastAPI or plain-text error body."""
    try:
        data = json.loads(body)
    except ValueError:
        return snippet(body) or "no details"
    if isinstance(data, dict):
        err = data.get("error", data.get("detail", data.get("message")))
        if isinstance(err, dict):
            err = err.get("message") or err.get("msg") or json.dumps(err)
        if isinstance(err, list):  # FastAPI validation errors
            err = "; ".join(str(e.get("msg", e)) if isinstance(e, dict) else str(e) for e in err)
        if err:
            return snippet(str(err).encode(), 300)
    return snippet(body) or "no details"


def _socket_of(resp: "httpx.Response") -> socket.socket | None:
    stream = resp.extensions.get("network_stream")
    if stream is None:
        return None
    try:
        sock = stream.get_extra_info("socket")
    except Exception:
        return None
    return sock if isinstance(sock, socket.socket) else None


def _read_limited(resp: "httpx.Response") -> bytes:
    out = bytearray()
    for chunk in resp.iter_bytes():
        out += chunk
        if len(out) > _MAX_ERROR_BODY * 16:
            break
    return bytes(out)


def _root_cause(exc: BaseException) -> BaseException:
    seen: set[int] = set()
    cur: BaseException = exc
    while id(cur) not in seen:
        seen.add(id(cur))
        nxt = cur.__cause__ or cur.__context__
        if nxt is None:
            break
        cur = nxt
    return cur


def _is_disconnect(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(w in text for w in ("disconnect", "peer closed", "incomplete", "connection closed"))
