"""A remote OpenAI-compatible chat server as an LLM (llama.cpp's server, vLLM, Ollama, LM Studio).

``RemoteLLM`` keeps the LLM protocol over ``/v1/models`` and streaming
``/v1/chat/completions``: ``load`` checks health, version and the model; ``stream_chat``
yields the answer's pieces then one GenerationStats, measures the first-token and
between-token timeouts itself, keeps a partial answer when the server drops, and
remembers server quirks (no ``stream_options``, the older ``response_format``) after one
rejected request. Every failure is a ModelError subclass with a code.

The transport and its error mapping live in app.core.llm.openai_http, the message and
chunk format in app.core.llm.openai_format, the API key in the OS keyring via
app.core.llm.api_key (re-exported here: ``store_api_key``, ``clear_api_key``,
``stored_api_key``), never in a settings file.
"""

from __future__ import annotations

import json
import queue
import re
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterator, Sequence
from urllib.parse import urlsplit

from app.core.llm.api_key import API_KEY_SECRET, clear_api_key, store_api_key, stored_api_key
from app.core.llm.base import (
    BackendDropped,
    BackendTimeout,
    ChatMessage,
    GenerationOptions,
    ModelError,
)
from app.core.llm.openai_format import fit_openai_messages, known_model, parse_chunk, parse_models
from app.core.llm.openai_http import POLL_S, OpenAIHttp, StreamCall, server_root
from app.core.types import Cancelled, CancelToken, GenerationStats, ProgressCallback, no_progress

if TYPE_CHECKING:
    from app.core.config import RemoteSettings

__all__ = [
    "API_KEY_SECRET",
    "RemoteLLM",
    "ServerInfo",
    "clear_api_key",
    "create_remote_llm",
    "store_api_key",
    "stored_api_key",
]


@dataclass(frozen=True)
class ServerInfo:
    """What connecting found: the models, the server's version and its context size if said."""

    base_url: str
    models: tuple[str, ...]
    version: str | None = None
    n_ctx: int | None = None
    health: str | None = None  # "ok", or None when the server has no /health


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
        self._http = OpenAIHttp(settings, api_key=api_key)
        self.base_url = self._http.base_url
        self.model = settings.model.strip()
        self.name = self.model or self._host_label()
        self.server: ServerInfo | None = None
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
            elif models and not known_model(self.settings.model.strip(), models):
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
        root = server_root(self.base_url)
        if extras:
            health = self._wait_healthy(root, cancel)
        data = self._http.get_json(f"{self.base_url}/models", cancel)
        models, model_ctx = parse_models(data, self.base_url)
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
            resp = self._http.optional_get(f"{root}/health", cancel)
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
            resp = self._http.optional_get(root + path, cancel)
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
        resp = self._http.optional_get(f"{root}/props", cancel)  # llama.cpp's server: the real n_ctx
        if resp is None or resp[0] != 200:
            return None
        try:
            data = json.loads(resp[1])
            gen = data.get("default_generation_settings") or {}
            value = gen.get("n_ctx") or data.get("n_ctx")
            return int(value) if value else None
        except (ValueError, AttributeError, TypeError):
            return None

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
        msgs, max_tokens = fit_openai_messages(messages, self.n_ctx, o.max_tokens, vision=self.settings.vision)
        url = f"{self.base_url}/chat/completions"
        t0 = time.monotonic()
        first: float | None = None
        last = t0
        pieces = 0
        usage: dict[str, Any] = {}
        attempt = 0
        while True:
            body = self._chat_body(msgs, o, max_tokens)
            call = self._http.start_stream(url, body)
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
                        item = call.items.get(timeout=POLL_S)
                    except queue.Empty:
                        self._check_timeout(call, first, last, now, url)
                        continue
                    kind = item[0]
                    if kind == "status":
                        status = item[1]
                        if status != 200:
                            continue  # its body follows as "error_body"
                    elif kind == "error_body":
                        err = self._http.http_error(status or 0, item[1], url, self.model)
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
                        text, finish, chunk_usage = parse_chunk(payload, url, self.base_url)
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
                        whole = item[1].decode("utf-8", "replace")
                        text, _finish, chunk_usage = parse_chunk(whole, url, self.base_url)
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
                        raise self._http.transport_error(item[1], url, got_headers=status is not None,
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

    def _check_timeout(self, call: StreamCall, first: float | None, last: float, now: float, url: str) -> None:
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

    # -- helpers --

    def _host_label(self) -> str:
        return urlsplit(self.base_url).netloc or self.base_url

    # -- closing --

    def close(self) -> None:
        """Drop the connection pool; ``load`` reconnects."""
        self._loaded = False
        self._http.close()
