"""The model host: a child process that owns llama.cpp, so a native crash or an
out-of-memory kill takes down only this process, never the window.

The parent (``app.core.llm.hosted.HostedLLM``) talks to it over a multiprocessing pipe and a
shared integer for cancellation (the highest cancelled request id), which the host
reads between tokens and from llama.cpp's abort callback during prompt evaluation.

Messages, host -> parent (tuples):
    ("phase", name)                   "loading", "probe" (first multi-token decode)
    ("loaded", info)                  dict: n_ctx, use_extra_bufts, seconds
    ("load_error", kind, text)        kind: "memory" | "model" | "projector" | "other"
    ("tok", request_id, text)         one streamed piece
    ("done", request_id, stats, note) stats: GenerationStats fields as a dict
    ("error", request_id, text)
Parent -> host: ("chat", request_id, messages, options), ("close",).

This module stays light: llama_cpp is imported only inside the child.
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import logging
import os
import sys
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable, Iterator, Mapping, Protocol, Sequence

from app.core.context import fit_messages
from app.core.llm import host_vision

log = logging.getLogger(__name__)

ChatMessage = Mapping[str, str]
PROBE_TEXT = "Sova checks that a prompt of several tokens decodes on this CPU."
MEMORY_LIMIT_ENV = "SOVA_HOST_MEMORY_LIMIT_MB"  # test hook: simulate a small machine


@dataclass(frozen=True)
class HostParams:
    """Everything the host needs to load one model (picklable)."""

    model_path: str
    name: str
    chat_format: str | None  # None: the GGUF's own chat template
    n_ctx: int
    n_threads: int
    use_extra_bufts: bool = True  # llama.cpp weight repacking (see MODELS crash note)
    n_batch: int = 512
    backend: str = "app.core.llm.host:LlamaBackend"  # "module:Class", tests swap in a fake
    options: dict[str, Any] = field(default_factory=dict)
    # A vision model's projector and how to size pictures for it (VisionPair.hints);
    # None for a text model.
    vision: dict[str, Any] | None = None


@dataclass(frozen=True)
class ChatOptions:
    temperature: float
    top_p: float
    max_tokens: int
    seed: int  # -1: random
    stop: tuple[str, ...] | list[str] = ()
    json_schema: dict[str, Any] | None = None  # constrained output (a JSON grammar)
    cache: str = "chat"  # the prompt cache slot (see LlamaBackend._switch)
    adapter: str | None = None  # a GGUF LoRA adapter file applied to this request


class Aborted(Exception):
    """The current request was cancelled by the parent."""


class LoadError(Exception):
    def __init__(self, kind: str, text: str) -> None:
        super().__init__(text)
        self.kind = kind


class Backend(Protocol):
    """What the host needs from a model runtime (llama.cpp, or a fake in tests)."""

    n_ctx: int

    def probe(self) -> None:
        """Decode a multi-token prompt once (crashes here are caught by the parent)."""

    def count(self, messages: Sequence[ChatMessage]) -> int:
        """Tokens of the prompt these messages render to."""

    def generate(
        self, messages: Sequence[ChatMessage], opts: ChatOptions, should_stop: Callable[[], bool]
    ) -> Iterator[str | dict[str, Any]]:
        """Yield text pieces, then one dict of stats (evaluated_prompt_tokens, completion_tokens...)."""


# ---- the process entry point ----------------------------------------------------------


def host_main(conn: Any, cancelled: Any, params: HostParams) -> None:
    """Run in the child: load the model, then answer requests until told to close."""
    _limit_memory()
    try:
        conn.send(("phase", "loading"))
        t0 = time.monotonic()
        try:
            backend = _load_backend(params)
        except LoadError as exc:
            conn.send(("load_error", exc.kind, str(exc)))
            return
        except MemoryError:
            conn.send(("load_error", "memory", "out of memory"))
            return
        except Exception as exc:
            conn.send(("load_error", "other", f"{type(exc).__name__}: {exc}"))
            return
        conn.send(("phase", "probe"))
        backend.probe()
        conn.send(
            ("loaded", {"n_ctx": backend.n_ctx, "use_extra_bufts": params.use_extra_bufts, "seconds": time.monotonic() - t0})
        )
        while True:
            try:
                msg = conn.recv()
            except (EOFError, OSError):
                return  # the parent is gone
            if msg[0] == "close":
                return
            if msg[0] == "chat":
                _, rid, messages, opts = msg
                _serve(conn, backend, rid, messages, ChatOptions(**opts), lambda rid=rid: cancelled.value >= rid)
    except (BrokenPipeError, EOFError):
        return


def _serve(
    conn: Any,
    backend: Backend,
    rid: int,
    messages: Sequence[ChatMessage],
    opts: ChatOptions,
    should_stop: Callable[[], bool],
) -> None:
    t0 = time.monotonic()
    first: float | None = None
    stats: dict[str, Any] = {}
    fitted = None
    if should_stop():
        conn.send(("done", rid, {}, None))
        return
    try:
        # Dropping a quarter window more than needed keeps the next turns' prefix stable.
        fitted = fit_messages(messages, backend.count, backend.n_ctx, opts.max_tokens, keep_free=backend.n_ctx // 4)
        run_opts = ChatOptions(opts.temperature, opts.top_p, fitted.max_tokens, opts.seed, opts.stop, opts.json_schema,
                               opts.cache, opts.adapter)
        for piece in backend.generate(fitted.messages, run_opts, should_stop):
            if isinstance(piece, dict):
                stats = piece
                continue
            if first is None:
                first = time.monotonic()
            conn.send(("tok", rid, piece))
            if should_stop():
                break
    except Aborted:
        pass
    except (BrokenPipeError, EOFError):
        raise
    except Exception as exc:
        if not should_stop():  # an abort surfaces as a decode error; only real ones are reported
            conn.send(("error", rid, f"{type(exc).__name__}: {exc}"))
            return
    end = time.monotonic()
    first = first or end
    stats = {
        "prompt_tokens": stats.get("prompt_tokens", 0),
        "evaluated_prompt_tokens": stats.get("evaluated_prompt_tokens", 0),
        "completion_tokens": stats.get("completion_tokens", 0),
        "prompt_seconds": first - t0,
        "generation_seconds": end - first,
        "n_ctx": backend.n_ctx,
    }
    conn.send(("done", rid, stats, fitted.note if fitted else None))


def _load_backend(params: HostParams) -> Backend:
    module, _, cls = params.backend.partition(":")
    return getattr(importlib.import_module(module), cls)(params)  # type: ignore[no-any-return]


def _limit_memory() -> None:
    """Apply the test hook that simulates a machine with little memory."""
    limit = os.environ.get(MEMORY_LIMIT_ENV)
    if not limit:
        return
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        size = int(limit) * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (size, size))


def physical_cores() -> int:
    """Physical cores (llama.cpp is slower on hyper-threads); at least 1."""
    try:
        import psutil

        n = psutil.cpu_count(logical=False)
    except Exception:
        n = None
    return max(1, n or os.cpu_count() or 1)


# ---- llama.cpp -------------------------------------------------------------------------


class LlamaBackend:
    """llama-cpp-python in this process, with prefix reuse and an abort callback."""

    def __init__(self, params: HostParams) -> None:
        import llama_cpp
        from llama_cpp import Llama
        from llama_cpp import llama_chat_format as lcf

        self._llama_cpp = llama_cpp
        self.params = params
        self._should_stop: Callable[[], bool] = lambda: False
        self._armed = False
        n_threads = params.n_threads or physical_cores()
        backend = self

        class _Llama(Llama):  # type: ignore[misc]
            def eval(self, tokens: Sequence[int]) -> None:
                # Count what is really evaluated (the prefix reuse proof) and arm the
                # abort callback for prompt batches: it costs a Python call per graph
                # node, too much for the chat's single-token steps; background work
                # pays it, so a question preempts it within a node, not a token.
                backend._evaluated.append(len(tokens))
                backend._arm(len(tokens) > 1 or backend._slot != "chat")
                if backend._should_stop():
                    raise Aborted()
                super().eval(tokens)

        self._evaluated: list[int] = []
        n_batch, n_ubatch = host_vision.micro_batch(params.vision, params.n_batch)
        kwargs: dict[str, Any] = dict(
            model_path=params.model_path,
            n_ctx=params.n_ctx,
            n_threads=n_threads,
            n_threads_batch=n_threads,
            n_batch=n_batch,
            n_ubatch=n_ubatch,
            verbose=False,
        )
        if params.chat_format:
            kwargs["chat_format"] = params.chat_format
        try:
            with _model_params_patch(llama_cpp, use_extra_bufts=params.use_extra_bufts):
                self.llm = _Llama(**kwargs)
        except ValueError as exc:
            text = str(exc)
            if "context" in text:
                raise LoadError("memory", text) from exc
            raise LoadError("model", text) from exc
        self.n_ctx = self.llm.n_ctx()

        # The chat template from the GGUF, rendered the way llama-cpp-python's handler
        # does, so our token count equals what create_chat_completion evaluates.
        self._formatter = None
        if not params.chat_format:
            template = self.llm.metadata.get("tokenizer.chat_template")
            if not template:
                raise LoadError("model", "the model has no chat template and no chat format was given")
            model = self.llm._model
            eos_id, bos_id = self.llm.token_eos(), self.llm.token_bos()
            self._formatter = lcf.Jinja2ChatFormatter(
                template=template,
                eos_token=model.token_get_text(eos_id) if eos_id != -1 else "",
                bos_token=model.token_get_text(bos_id) if bos_id != -1 else "",
                stop_token_ids=[eos_id],
            )
            handler = self._formatter.to_chat_handler()
            self.llm.chat_handler = handler  # create_chat_completion uses exactly this template
        self._text_handler = self.llm.chat_handler
        self._vision_handler = None
        self._n_ubatch = n_ubatch
        self._image_tokens = 0
        if params.vision:
            mmproj = str(params.vision["mmproj"])
            try:
                self._vision_handler = host_vision.load_handler(self.llm, mmproj)
            except (ValueError, OSError) as exc:
                raise LoadError("projector", str(exc)) from exc
            self._image_tokens = host_vision.image_tokens(params.vision, n_ubatch)

        # ctypes callback kept alive on self; returns True to abort llama_decode.
        self._abort_cb = llama_cpp.ggml_abort_callback(lambda _data: bool(self._should_stop()))
        self._slot = "chat"
        self._saved: dict[str, _SavedCache] = {}
        self._adapters: dict[str, Any] = {}  # file -> llama_adapter_lora handle
        self._adapter: str | None = None  # the adapter set on the context
        self._chat_slot = "chat"  # the chat's cache slot (its name carries the chat's adapter)

    def _arm(self, on: bool) -> None:
        if on != self._armed:
            cb = self._abort_cb if on else self._llama_cpp.ggml_abort_callback()
            self._llama_cpp.llama_set_abort_callback(self.llm.ctx, cb, None)
            self._armed = on

    def _switch(self, slot: str) -> None:
        """Make ``slot`` the live prompt cache, keeping the current one aside.

        One llama.cpp context holds one prompt's KV cache. Background work (memory
        extraction) with a prompt of its own would evict the chat's, and the next
        question would be evaluated from scratch; so the KV cells of the outgoing
        slot are copied out (about 28 KB a token on the 1.5B model, no logits) and
        the incoming slot's copied back in.
        """
        if slot == self._slot:
            return
        lib, llm = self._llama_cpp, self.llm
        n = llm.n_tokens
        if n > 0:
            size = lib.llama_state_seq_get_size(llm.ctx, 0)
            buf = (ctypes.c_uint8 * size)()
            written = lib.llama_state_seq_get_data(llm.ctx, buf, size, 0)
            if written:
                self._saved[self._slot] = _SavedCache(llm.input_ids[:n].copy(), buf, written)
        llm._ctx.kv_cache_seq_rm(-1, 0, -1)
        llm.n_tokens = 0
        saved = self._saved.pop(slot, None)
        if saved is not None and lib.llama_state_seq_set_data(llm.ctx, saved.data, saved.size, 0):
            llm.input_ids[: len(saved.ids)] = saved.ids
            llm.n_tokens = len(saved.ids)
        # The logits are not restored: the next prompt re-evaluates at least one token.
        llm._requires_eval = True
        self._slot = slot

    def _use_adapter(self, path: str | None) -> None:
        """Apply the LoRA adapter ``path`` (None: none) to the next decodes.

        Adapters load once (``llama_adapter_lora_init``) and switch per request without
        rebuilding the model; a switch changes every activation, so each adapter has
        its own prompt-cache slot (see ``generate``)."""
        if path == self._adapter:
            return
        lib = self._llama_cpp
        if path is not None and path not in self._adapters:
            if not os.path.isfile(path):
                raise LoadError("adapter", f"the adapter file {path} is missing")
            handle = lib.llama_adapter_lora_init(self.llm.model, path.encode("utf-8"))
            if not handle:
                raise LoadError("adapter", f"llama.cpp cannot load the adapter {path} (not a LoRA for this model)")
            self._adapters[path] = handle
        if path is None:
            rc = lib.llama_set_adapters_lora(self.llm.ctx, None, 0, None)
        else:
            arr = (lib.llama_adapter_lora_p_ctypes * 1)(self._adapters[path])
            scales = (ctypes.c_float * 1)(1.0)
            rc = lib.llama_set_adapters_lora(self.llm.ctx, arr, 1, scales)
        if rc != 0:
            raise LoadError("adapter", f"llama.cpp refused the adapter {path} ({rc})")
        self._adapter = path

    def probe(self) -> None:
        tokens = self.llm.tokenize(PROBE_TEXT.encode(), add_bos=True, special=False)
        self.llm.eval(tokens)  # the MODELS.md crash happens here, on a multi-token decode
        self.llm.reset()
        self._evaluated.clear()

    def _prompt_tokens(self, messages: Sequence[ChatMessage]) -> list[int]:
        images = sum(host_vision.count_images(m) for m in messages)
        if images:  # the text as the template renders it, plus what each picture may cost
            flat = [{**m, "content": host_vision.flat_text(m)} for m in messages]
            return self._prompt_tokens(flat) + [0] * (images * self._image_tokens)
        if self._formatter is None:
            # Explicit chat format: estimate (content + per-message overhead), with margin.
            text = "\n".join(f"{m.get('role', '')}: {m.get('content', '')}" for m in messages)
            n = len(self.llm.tokenize(text.encode("utf-8"), add_bos=True, special=False))
            return [0] * int(n * 1.1 + 8 * len(messages) + 16)
        result = self._formatter(messages=list(messages))
        return self.llm.tokenize(result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True)

    def count(self, messages: Sequence[ChatMessage]) -> int:
        return len(self._prompt_tokens(messages))

    def generate(
        self, messages: Sequence[ChatMessage], opts: ChatOptions, should_stop: Callable[[], bool]
    ) -> Iterator[str | dict[str, Any]]:
        self._should_stop = should_stop
        self._evaluated.clear()
        slot = opts.cache if not opts.adapter else f"{opts.cache}@{opts.adapter}"
        if opts.cache == "chat":
            self._chat_slot = slot
        self._switch(slot)
        self._use_adapter(opts.adapter or None)
        prompt_tokens = self.count(messages)
        finish = None
        extra: dict[str, Any] = {}
        pictures = self._vision_handler is not None and host_vision.has_images(messages)
        if pictures:
            assert self.params.vision is not None
            messages = host_vision.to_mtmd(messages, self.params.vision, self._n_ubatch)
            self.llm.chat_handler = self._vision_handler
        if opts.stop:
            extra["stop"] = list(opts.stop)
        if opts.json_schema:
            extra["response_format"] = {"type": "json_object", "schema": opts.json_schema}
        stream = self.llm.create_chat_completion(
            messages=list(messages),
            temperature=opts.temperature,
            top_p=opts.top_p,
            max_tokens=opts.max_tokens,
            seed=None if opts.seed < 0 else opts.seed,
            stream=True,
            **extra,
        )
        try:
            for chunk in stream:
                choice = chunk["choices"][0]
                text = choice["delta"].get("content")
                finish = choice.get("finish_reason") or finish
                if text:
                    yield text
                if should_stop():
                    break
        except RuntimeError:
            if not should_stop():
                raise
            # Aborted mid-prompt: llama-cpp-python kept n_tokens at the last whole batch,
            # and its next eval drops everything after it from the KV cache.
        finally:
            with contextlib.suppress(Exception):
                stream.close()  # type: ignore[attr-defined]
            self._arm(False)
            self._should_stop = lambda: False
            if pictures:
                # The handler evaluated picture tokens the cache's token list cannot name:
                # forget them, so no later prompt reuses that prefix by mistake.
                self.llm.chat_handler = self._text_handler
                self.llm.reset()
                self.llm._ctx.kv_cache_clear()
            # Back to the chat's cache at once, so the next question does not pay for it.
            self._switch(self._chat_slot)
        evaluated = self._evaluated[0] if self._evaluated else 0
        steps = max(0, len(self._evaluated) - 1)
        yield {
            "prompt_tokens": prompt_tokens,
            "evaluated_prompt_tokens": evaluated,
            "completion_tokens": steps + (1 if finish == "length" else 0),
        }


@dataclass(frozen=True)
class _SavedCache:
    """One prompt cache set aside: its tokens and its KV cells (llama_state_seq_get_data)."""

    ids: Any  # numpy array of token ids
    data: Any  # ctypes byte buffer
    size: int


@contextlib.contextmanager
def _model_params_patch(llama_cpp: Any, *, use_extra_bufts: bool) -> Iterator[None]:
    """Load with use_extra_bufts set: Llama() does not expose it, so wrap its defaults."""
    if use_extra_bufts:
        yield
        return
    low = llama_cpp.llama_cpp
    original = low.llama_model_default_params

    def patched() -> Any:
        p = original()
        p.use_extra_bufts = False
        return p

    low.llama_model_default_params = patched
    try:
        yield
    finally:
        low.llama_model_default_params = original


if __name__ == "__main__":  # pragma: no cover - the host is started by HostedLLM
    sys.exit("The model host is started by Sova, not by hand.")
