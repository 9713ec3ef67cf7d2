"""A remote OpenAI-compatible chat server as an LLM (llama.cpp's server, vLLM, Ollama, LM Studio).

Speaks ``/v1/models`` and streaming ``/v1/chat/completions`` (server-sent events). The
API key lives in the OS keyring (``store_api_key``), never in a settings file.

HTTP client: httpx (already installed with chromadb): connection pooling, separate
connect/read timeouts, a well-tested HTTP/1.1 parser and ``network_stream`` access to
the socket, which is what lets a cancel close a stream that is blocked in a read.

Each request is read on a short-lived daemon thread that hands parsed SSE payloads over a
queue; the caller's generator only waits on that queue. So a cancel returns within one
poll (20 ms) whatever the network is doing, and the first-token and between-token
timeouts are measured here, not inside the HTTP library.
"""

from __future__ import annotations

import base64
import json
import logging
import math
import queue
import re
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

from app.core.context import fit_messages
from app.core.llm.base import (
    BackendAuthError,
    BackendDropped,
    BackendProtocolError,
    BackendTimeout,
    BackendUnreachable,
    ChatMessage,
    GenerationOptions,
    ImagePart,
    ModelError,
    TextPart,
    message_text,
)
from app.core.types import Cancelled, CancelToken, GenerationStats, ProgressCallback, no_progress

if TYPE_CHECKING:
    import httpx

    from app.core.config import RemoteSettings

log = logging.getLogger(__name__)

API_KEY_SECRET = "remote-llm-api-key"  # the keyring entry (service "Sova")
_POLL_S = 0.02  # how often a waiting stream checks its cancel token (bounds cancel latency)
_PROBE_READ_S = 5.0  # optional endpoints (/health, /version) get a short read timeout
_MAX_ERROR_BODY = 64 * 1024
_IMAGE_TOKENS = 768  # rough prompt cost of one image when fitting the context


# ---- the API key -----------------------------------------------------------------------------


def store_api_key(key: str) -> None:
    """Keep the server's API key in the keyring; an empty key removes it.

    Raises app.core.secrets.SecretsUnavailable when the system has no keyring.
    """
    from app.core import secrets

    if key.strip():
        secrets.set_secret(API_KEY_SECRET, key.strip())
    else:
        secrets.delete_secret(API_KEY_SECRET)


def clear_api_key() -> None:
    """Remove the stored API key (no error if there was none)."""
    from app.core import secrets

    secrets.delete_secret(API_KEY_SECRET)


def stored_api_key() -> str | None:
    """The stored API key, or None (also when the system has no keyring)."""
    from app.core import secrets

    try:
        return secrets.get_secret(API_KEY_SECRET) or None
    except secrets.SecretsUnavailable:
        return None
    except Exception as exc:  # a locked or broken keyring must not stop a keyless server
        log.warning("could not read the API key from the keyring: %s", exc)
        return None


# ---- what a server says about itself ------------------------------------------------------


@dataclass(frozen=True)
class ServerInfo:
    """What connecting found: the models, the server's version and its context size if said."""

    base_url: str
    models: tuple[str, ...]
    version: str | None = None
    n_ctx: int | None = None
    health: str | None = None  # "ok", or None when the server has no /health


@dataclass
class _Call:
    """One streaming request shared between the caller and its reader thread."""

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


def create_remote_llm(settings: "RemoteSettings") -> "RemoteLLM":
    """The LLM for an OpenAI-compatible server; the API key is read from the keyring on load."""
    return RemoteLLM(settings)


class RemoteLLM:
    """A chat model served over ``/v1/chat/completions``.

    ``load`` connects and checks the server; ``stream_chat`` streams one answer with the
    request's own options. Errors are ModelError subclasses with a code per failure.
    """

    def __init__(self, settings: "RemoteSettings", *, api_key: str | None | bool = True) -> None:
        """``api_key``: True reads the keyring on load; a string or None is used as given."""
        self.settings = settings
        self.base_url = settings.base_url.strip().rstrip("/")
        self._api_key_arg = api_key
        self._api_key: str | None = None
        self.model = settings.model.strip()
        self.name = self.model or self._host_label()
        self.server: ServerInfo | None = None
        self._client: "httpx.Client | None" = None
        self._lock = threading.Lock()
        self._loaded = False
        # Server quirks learnt from a rejected request, so later requests skip the retry.
        self._usage_option = True
        self._format_style = "json_schema"

    # -- properties --

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def n_ctx(self) -> int:
        if self.server is not None and self.server.n_ctx:
            return self.server.n_ctx
        return self.settings.n_ctx

    # -- connecting --

    def load(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> None:
        """Connect, check health and version, pick the model. Raises a ModelError subclass."""
        cancel = cancel or CancelToken()
        with self._lock:
            if self._loaded:
                return
            progress(None, f"Connecting to {self.base_url}…")
            info = self._probe(cancel)
            models = info.models
            if not self.settings.model.strip():
                if not models:
                    raise ModelError(
                        f"The server at {self.base_url} lists no models. Load a model on the server "
                        "or type its name in Settings.",
                        code="backend_no_models", url=self.base_url,
                    )
                self.model = models[0]
            elif models and not _known_model(self.settings.model.strip(), models):
                raise ModelError(
                    f"The server at {self.base_url} has no model “{self.settings.model}”; "
                    f"it offers: {', '.join(models[:10])}.",
                    code="backend_model_not_found", model=self.settings.model, url=self.base_url,
                    available=", ".join(models[:10]),
                )
            self.server = info
            self.name = self.model
            self._loaded = True
            progress(1.0, f"Connected to {self.model} at {self.base_url}")

    def list_models(self, cancel: CancelToken | None = None) -> list[str]:
        """The model ids the server offers (GET /v1/models)."""
        return list(self._probe(cancel or CancelToken(), extras=False).models)

    def check(self, cancel: CancelToken | None = None) -> ServerInfo:
        """Connect and describe the server (models, version, health) without loading."""
        return self._probe(cancel or CancelToken())

    def _probe(self, cancel: CancelToken, extras: bool = True) -> ServerInfo:
        health = None
        version = None
        n_ctx = None
        root = _server_root(self.base_url)
        if extras:
            health = self._wait_healthy(root, cancel)
        data = self._get_json(f"{self.base_url}/models", cancel)
        models, model_ctx = _parse_models(data, self.base_url)
        if extras:
            version = self._optional_version(root, cancel)
            n_ctx = model_ctx.get(self.settings.model.strip() or (models[0] if models else ""))
            if n_ctx is None:
                n_ctx = self._optional_props_ctx(root, cancel)
        return ServerInfo(self.base_url, tuple(models), version, n_ctx, health)

    def _wait_healthy(self, root: str, cancel: CancelToken) -> str | None:
        """/health when the server has it; waits while it says it is loading its model (503)."""
        deadline = time.monotonic() + self.settings.first_token_timeout_s
        while True:
            cancel.raise_if_cancelled()
            resp = self._optional_get(f"{root}/health", cancel)
            if resp is None or resp[0] in (404, 405):
                return None
            status, _body = resp
            if status == 200:
                return "ok"
            if status in (401, 403):
                return None  # some servers guard /health too; /models reports the key problem
            if status != 503 or time.monotonic() > deadline:
                return f"status {status}"
            if cancel.wait(0.5):
                raise Cancelled()

    def _optional_version(self, root: str, cancel: CancelToken) -> str | None:
        for path in ("/version", "/api/version"):  # vLLM, LM Studio / Ollama
            resp = self._optional_get(root + path, cancel)
            if resp is None or resp[0] != 200:
                continue
            try:
                data = json.loads(resp[1])
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("version"):
                return str(data["version"])
        return None

    def _optional_props_ctx(self, root: str, cancel: CancelToken) -> int | None:
        resp = self._optional_get(f"{root}/props", cancel)  # llama.cpp's server: the real n_ctx
        if resp is None or resp[0] != 200:
            return None
        try:
            data = json.loads(resp[1])
            gen = data.get("default_generation_settings") or {}
            value = gen.get("n_ctx") or data.get("n_ctx")
            return int(value) if value else None
        except (ValueError, AttributeError, TypeError):
            return None

    def _optional_get(self, url: str, cancel: CancelToken) -> tuple[int, bytes] | None:
        """A GET whose failure is fine: (status, body) or None if it did not answer."""
        import httpx

        try:
            status, body = self._get(url, cancel, read_timeout=_PROBE_READ_S)
        except (BackendTimeout, BackendDropped, BackendProtocolError):
            return None
        except httpx.HTTPError:
            return None
        return status, body

    def _get_json(self, url: str, cancel: CancelToken) -> Any:
        status, body = self._get(url, cancel, read_timeout=self.settings.read_timeout_s)
        if status != 200:
            raise self._http_error(status, body, url)
        try:
            return json.loads(body)
        except ValueError:
            raise BackendProtocolError(
                f"{url} answered with something that is not JSON ({_snippet(body)!r}). "
                "Is this the address of an OpenAI-compatible API (usually ending in /v1)?",
                url=url, detail=_snippet(body),
            ) from None

    def _get(self, url: str, cancel: CancelToken, read_timeout: float) -> tuple[int, bytes]:
        """GET on a reader thread, so a cancel or a stuck server never blocks the caller."""
        call = _Call()
        self._http()  # created here, not racing in the reader threads
        threading.Thread(target=self._read_plain, args=(call, url), name="sova-remote-get", daemon=True).start()
        deadline = time.monotonic() + self.settings.connect_timeout_s + read_timeout
        while True:
            try:
                item = call.items.get(timeout=_POLL_S)
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
            raise self._transport_error(item[1], url, got_headers=bool(item[2]))

    def _read_plain(self, call: _Call, url: str) -> None:
        got_headers = False
        try:
            with self._http().stream("GET", url, headers=self._headers()) as resp:
                got_headers = True
                call.sock = _socket_of(resp)
                body = _read_limited(resp)
                call.items.put(("body", resp.status_code, body))
        except Exception as exc:  # noqa: BLE001 - handed to the caller
            if not call.aborted.is_set():
                call.items.put(("exc", exc, got_headers))

    # -- chat --

    def stream_chat(
        self, messages: Sequence[ChatMessage], cancel: CancelToken, options: GenerationOptions | None = None
    ) -> Iterator[str | GenerationStats]:
        """Yield the answer's text pieces, then one GenerationStats (see LLM.stream_chat).

        A server that closes the stream mid-answer raises BackendDropped after the
        pieces already yielded, so the caller keeps the partial answer.
        """
        if cancel.cancelled:
            return
        if not self._loaded:
            try:
                self.load(no_progress, cancel)
            except Cancelled:
                return
        o = options or GenerationOptions()
        msgs, max_tokens = self._fit(messages, o.max_tokens)
        url = f"{self.base_url}/chat/completions"
        t0 = time.monotonic()
        first: float | None = None
        last = t0
        pieces = 0
        usage: dict[str, Any] = {}
        attempt = 0
        while True:
            body = self._chat_body(msgs, o, max_tokens)
            call = self._start_stream(url, body)
            finished = False
            try:
                status: int | None = None
                saw_done = False
                saw_finish = False
                while True:
                    now = time.monotonic()
                    if cancel.cancelled:
                        call.abort()
                        yield GenerationStats(
                            prompt_tokens=int(usage.get("prompt_tokens", 0)),
                            completion_tokens=pieces,
                            prompt_seconds=(first or now) - t0,
                            generation_seconds=now - (first or now),
                            n_ctx=self.n_ctx,
                        )
                        finished = True
                        return
                    try:
                        item = call.items.get(timeout=_POLL_S)
                    except queue.Empty:
                        self._check_timeout(call, first, last, now, url)
                        continue
                    kind = item[0]
                    if kind == "status":
                        status = item[1]
                        if status != 200:
                            continue  # its body follows as "error_body"
                    elif kind == "error_body":
                        err = self._http_error(status or 0, item[1], url)
                        retry = self._retry_after_rejection(status or 0, item[1], o, attempt)
                        if retry:
                            attempt += 1
                            break  # send again without the option the server refused
                        if status in (401, 403):
                            self._loaded = False
                        raise err
                    elif kind == "data":
                        payload = item[1]
                        if payload == "[DONE]":
                            saw_done = True
                            break
                        text, finish, chunk_usage = self._parse_chunk(payload, url)
                        if chunk_usage:
                            usage = chunk_usage
                        if finish:
                            saw_finish = True
                        if text:
                            last = time.monotonic()
                            if first is None:
                                first = last
                            pieces += 1
                            yield text
                        elif chunk_usage or finish:
                            last = time.monotonic()
                    elif kind == "json":  # a server that ignored stream=true
                        text, _finish, chunk_usage = self._parse_whole(item[1], url)
                        usage = chunk_usage or usage
                        if text:
                            first = last = time.monotonic()
                            pieces += 1
                            yield text
                        saw_done = True
                        break
                    elif kind == "eof":
                        if not (saw_finish or saw_done):
                            self._loaded = False
                            raise BackendDropped(
                                f"The server at {self.base_url} ended the answer without finishing it "
                                f"({pieces} pieces received). The partial answer is kept.",
                                url=self.base_url, received=pieces,
                            )
                        saw_done = True
                        break
                    elif kind == "exc":
                        self._loaded = False
                        raise self._transport_error(item[1], url, got_headers=status is not None,
                                                    received=pieces)
                if not saw_done:
                    continue  # a retry after a rejected option
                finished = True
                now = time.monotonic()
                completion = int(usage.get("completion_tokens") or 0) or pieces
                prompt_tokens = int(usage.get("prompt_tokens") or 0)
                details = usage.get("prompt_tokens_details")
                cached = int(details.get("cached_tokens") or 0) if isinstance(details, dict) else 0
                yield GenerationStats(
                    prompt_tokens=prompt_tokens,
                    evaluated_prompt_tokens=max(prompt_tokens - cached, 0),
                    completion_tokens=completion,
                    prompt_seconds=(first or now) - t0,
                    generation_seconds=max(last - (first or last), 0.0),
                    n_ctx=self.n_ctx,
                )
                return
            finally:
                if not finished:
                    call.abort()
                # else the reader drains the stream's end, so the connection goes back to the pool

    def _check_timeout(self, call: _Call, first: float | None, last: float, now: float, url: str) -> None:
        if first is None:
            limit, phase = self.settings.first_token_timeout_s, "first_token"
        else:
            limit, phase = self.settings.read_timeout_s, "between_tokens"
        if now - last <= limit:
            return
        call.abort()
        self._loaded = False
        what = "start answering" if phase == "first_token" else "send the next part of the answer"
        raise BackendTimeout(
            f"The server at {self.base_url} did not {what} within {limit:.0f} s."
            + (" The partial answer is kept." if first is not None else ""),
            url=url, phase=phase, seconds=limit,
        )

    def _start_stream(self, url: str, body: dict[str, Any]) -> _Call:
        call = _Call()
        self._http()
        threading.Thread(
            target=self._read_stream, args=(call, url, body), name="sova-remote-stream", daemon=True
        ).start()
        return call

    def _read_stream(self, call: _Call, url: str, body: dict[str, Any]) -> None:
        """The reader thread: status, then SSE data payloads (or the error body), then eof."""
        put = call.items.put
        try:
            headers = {**self._headers(), "Accept": "text/event-stream"}
            with self._http().stream("POST", url, json=body, headers=headers) as resp:
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
                            f"({_snippet(line.encode())!r}).", url=url, detail=_snippet(line.encode()),
                        )))
                        return
                if data:
                    put(("data", "\n".join(data)))
                put(("eof",))
        except Exception as exc:  # noqa: BLE001 - handed to the caller
            if not call.aborted.is_set():
                put(("exc", exc))

    def _chat_body(self, messages: list[dict[str, Any]], o: GenerationOptions, max_tokens: int) -> dict[str, Any]:
        body: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "stream": True,
            "temperature": o.temperature,
            "top_p": o.top_p,
            "max_tokens": max_tokens,
        }
        if self._usage_option:
            body["stream_options"] = {"include_usage": True}
        if o.stop:
            body["stop"] = list(o.stop)
        if o.seed >= 0:
            body["seed"] = o.seed
        if o.json_schema:
            schema = dict(o.json_schema)
            if self._format_style == "json_schema":
                name = re.sub(r"[^A-Za-z0-9_-]+", "_", str(schema.get("title") or "answer"))[:64]
                body["response_format"] = {"type": "json_schema", "json_schema": {"name": name, "schema": schema}}
            else:  # llama-cpp-python's server and older llama.cpp builds
                body["response_format"] = {"type": "json_object", "schema": schema}
        return body

    def _retry_after_rejection(self, status: int, body: bytes, o: GenerationOptions, attempt: int) -> bool:
        """After a rejection naming an optional field, drop or reshape it and send again.

        llama-cpp-python's server reports its validation errors as 500, so that counts too.
        """
        if status not in (400, 422, 500) or attempt >= 2:
            return False
        text = body.decode("utf-8", "replace").lower()
        if self._usage_option and "stream_options" in text:
            self._usage_option = False
            return True
        if o.json_schema and self._format_style == "json_schema" and (
            "response_format" in text or "json_schema" in text
        ):
            self._format_style = "json_object"
            return True
        return False

    def _parse_chunk(self, payload: str, url: str) -> tuple[str, bool, dict[str, Any]]:
        """(text, finished, usage) of one stream chunk."""
        try:
            chunk = json.loads(payload)
        except ValueError:
            raise BackendProtocolError(
                f"The server at {self.base_url} sent a stream event that is not JSON "
                f"({_snippet(payload.encode())!r}).", url=url, detail=_snippet(payload.encode()),
            ) from None
        if not isinstance(chunk, dict):
            raise BackendProtocolError(
                f"The server at {self.base_url} sent an unexpected stream event ({_snippet(payload.encode())!r}).",
                url=url, detail=_snippet(payload.encode()),
            )
        if "error" in chunk:
            detail = _error_detail(payload.encode())
            raise ModelError(
                f"The server at {self.base_url} failed while answering: {detail}",
                code="backend_server_error", url=url, status=0, detail=detail,
            )
        usage = chunk.get("usage") or {}
        text = ""
        finished = False
        for choice in chunk.get("choices") or ():
            if not isinstance(choice, dict):
                continue
            delta = choice.get("delta") or choice.get("message") or {}
            content = delta.get("content") if isinstance(delta, dict) else None
            if content is None:
                content = choice.get("text")  # completion-style chunks
            if isinstance(content, str):
                text += content
            if choice.get("finish_reason"):
                finished = True
        return text, finished, usage if isinstance(usage, dict) else {}

    def _parse_whole(self, body: bytes, url: str) -> tuple[str, bool, dict[str, Any]]:
        return self._parse_chunk(body.decode("utf-8", "replace"), url)

    # -- messages --

    def _fit(self, messages: Sequence[ChatMessage], max_tokens: int) -> tuple[list[dict[str, Any]], int]:
        """The messages in OpenAI form, oldest turns dropped to fit the window (estimated tokens)."""
        # "images" rides along in the copies fit_messages makes, so the counter sees it.
        plain: list[dict[str, Any]] = [
            {"role": str(m.get("role", "user")), "content": message_text(m),
             "images": _image_count(m) if self.settings.vision else 0}
            for m in messages
        ]

        def count(ms: Sequence[Mapping[str, Any]]) -> int:
            return sum(_estimate_tokens(m.get("content", "")) + m.get("images", 0) * _IMAGE_TOKENS for m in ms)

        fitted = fit_messages(plain, count, self.n_ctx, max_tokens)
        if fitted.dropped or fitted.truncated:
            log.info("remote chat fitted to %d tokens: %s", self.n_ctx, fitted.note)
        out: list[dict[str, Any]] = []
        # Kept messages are the system prompt plus the newest ones: map them back to their
        # originals so image parts survive (a cut message keeps its text only).
        originals = list(messages)
        system = 1 if plain and plain[0]["role"] == "system" and fitted.messages and fitted.messages[0]["role"] == "system" else 0
        tail = originals[len(originals) - (len(fitted.messages) - system):] if len(fitted.messages) > system else []
        kept = originals[:system] + tail
        for orig, fit in zip(kept, fitted.messages):
            if fit.get("content") == message_text(orig):
                out.append(self._to_openai(orig))
            else:
                out.append({"role": fit["role"], "content": fit["content"]})
        return out, fitted.max_tokens

    def _to_openai(self, message: ChatMessage) -> dict[str, Any]:
        role = str(message.get("role", "user"))
        content = message.get("content", "")
        if isinstance(content, str):
            return {"role": role, "content": content}
        if not self.settings.vision or not any(isinstance(p, ImagePart) for p in content):
            return {"role": role, "content": message_text(message)}
        parts: list[dict[str, Any]] = []
        for part in content:
            if isinstance(part, TextPart):
                if part.text:
                    parts.append({"type": "text", "text": part.text})
            elif isinstance(part, ImagePart):
                url = _data_url(part)
                if url:
                    parts.append({"type": "image_url", "image_url": {"url": url}})
        return {"role": role, "content": parts}

    # -- HTTP plumbing --

    def _http(self) -> "httpx.Client":
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

    def _headers(self) -> dict[str, str]:
        if self._api_key_arg is True:
            if self._api_key is None:
                self._api_key = stored_api_key() or ""
            key = self._api_key
        else:
            key = self._api_key_arg or ""
        return {"Authorization": f"Bearer {key}"} if key else {}

    def _host_label(self) -> str:
        return urlsplit(self.base_url).netloc or self.base_url

    def _http_error(self, status: int, body: bytes, url: str) -> ModelError:
        detail = _error_detail(body)
        where = f"The server at {self.base_url}"
        if status in (401, 403):
            has_key = bool(self._headers())
            self._api_key = None  # read the keyring again next time: the user may have fixed the key
            return BackendAuthError(
                f"{where} refused access ({status}): {detail}. "
                + ("Check the API key in Settings." if has_key else "It needs an API key: enter it in Settings."),
                url=url, status=status, detail=detail, has_key=has_key,
            )
        if status == 404:
            if "model" in detail.lower() and url.endswith("/chat/completions"):
                return ModelError(
                    f"{where} has no model “{self.model}” (404): {detail}. Pick one of its models in Settings.",
                    code="backend_model_not_found", url=url, model=self.model, detail=detail,
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

    def _transport_error(self, exc: BaseException, url: str, *, got_headers: bool, received: int = 0) -> ModelError:
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

    # -- closing --

    def close(self) -> None:
        """Drop the connection pool; ``load`` reconnects."""
        self._loaded = False
        client, self._client = self._client, None
        if client is not None:
            try:
                client.close()
            except Exception:  # a reader thread may still hold a connection
                pass


# ---- helpers ---------------------------------------------------------------------------------


def _server_root(base_url: str) -> str:
    """The server's root for /health and /version: the base URL without a trailing /v1."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/")
    if path.endswith("/v1"):
        path = path[:-3]
    return urlunsplit((parts.scheme, parts.netloc, path, "", "")).rstrip("/")


def _parse_models(data: Any, url: str) -> tuple[list[str], dict[str, int]]:
    """Model ids and any context size they state (vLLM's max_model_len, llama.cpp's meta)."""
    items = data.get("data") if isinstance(data, dict) else None
    if items is None and isinstance(data, dict):
        items = data.get("models")  # some servers use Ollama's key
    if not isinstance(items, list):
        raise BackendProtocolError(
            f"{url}/models did not return a model list. Is this an OpenAI-compatible API?",
            url=url, detail=_snippet(json.dumps(data).encode()),
        )
    ids: list[str] = []
    ctx: dict[str, int] = {}
    for item in items:
        if isinstance(item, dict):
            mid = item.get("id") or item.get("name") or item.get("model")
            if not mid:
                continue
            ids.append(str(mid))
            meta = item.get("meta")
            n = item.get("max_model_len") or (meta.get("n_ctx") if isinstance(meta, dict) else None)
            if isinstance(n, int) and n > 0:
                ctx[str(mid)] = n
        elif isinstance(item, str):
            ids.append(item)
    return ids, ctx


def _known_model(model: str, models: Sequence[str]) -> bool:
    # Ollama resolves "llama3" to "llama3:latest"; paths may be listed with their folder.
    return any(m == model or m.startswith(model + ":") or m.endswith("/" + model) for m in models)


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


def _snippet(body: bytes, limit: int = 200) -> str:
    text = body.decode("utf-8", "replace").strip()
    text = " ".join(text.split())
    return text[:limit] + ("…" if len(text) > limit else "")


def _error_detail(body: bytes) -> str:
    """The server's own error message from an OpenAI, FastAPI or plain-text error body."""
    try:
        data = json.loads(body)
    except ValueError:
        return _snippet(body) or "no details"
    if isinstance(data, dict):
        err = data.get("error", data.get("detail", data.get("message")))
        if isinstance(err, dict):
            err = err.get("message") or err.get("msg") or json.dumps(err)
        if isinstance(err, list):  # FastAPI validation errors
            err = "; ".join(str(e.get("msg", e)) if isinstance(e, dict) else str(e) for e in err)
        if err:
            return _snippet(str(err).encode(), 300)
    return _snippet(body) or "no details"


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


def _estimate_tokens(text: str) -> int:
    # No tokenizer for a remote model: about 3 UTF-8 bytes per token errs on the safe side
    # for English (~4) and Cyrillic (~2 characters of 2 bytes), plus the template's per-message cost.
    return math.ceil(len(text.encode("utf-8")) / 3) + 4


def _image_count(message: ChatMessage) -> int:
    content = message.get("content", "")
    return 0 if isinstance(content, str) else sum(isinstance(p, ImagePart) for p in content)


def _data_url(part: ImagePart) -> str | None:
    try:
        data = Path(part.path).read_bytes()
    except OSError as exc:
        log.warning("image %s left out of the request: %s", part.path, exc)
        return None
    return f"data:{part.mime};base64,{base64.b64encode(data).decode('ascii')}"
