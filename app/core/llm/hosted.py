"""llama.cpp in a model host process (see app.core.llm.host), seen as an LLM.

A crash of the host raises ModelCrashed in the caller; ``load`` starts a fresh host
afterwards. Generation options come with each request, so changing them never reloads.
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Sequence

from app.core.llm.base import ChatMessage, GenerationOptions, ModelCrashed, ModelError, text_only, wire_messages
from app.core.llm.gguf import kv_cache_bytes
from app.core.types import Cancelled, CancelToken, GenerationStats, ProgressCallback, no_progress

if TYPE_CHECKING:
    from app.core.config import GenerationSettings
    from app.core.models import ModelInfo

log = logging.getLogger(__name__)

_POLL_S = 0.02  # how often a waiting client checks its cancel token (bounds cancel latency)
_PROBE_FILE = "llama_probe.json"


class _ProbeCrashed(Exception):
    """The host died during its first multi-token decode (the MODELS.md crash)."""


def create_llm(info: "ModelInfo", gen: "GenerationSettings", paths: Any = None) -> "HostedLLM":
    """The LLM for a registered model: llama.cpp running in its own host process."""
    return HostedLLM(info, gen, paths=paths)


class HostedLLM:
    """An LLM whose llama.cpp lives in a child process (see app.core.llm.host).

    A crash of the child raises ModelCrashed in the caller; ``load`` starts a fresh
    child afterwards. Requests are served one at a time; other callers wait their turn.
    """

    def __init__(
        self,
        info: "ModelInfo",
        gen: "GenerationSettings",
        *,
        paths: Any = None,
        backend: str = "app.core.llm.host:LlamaBackend",
        backend_options: dict[str, Any] | None = None,
    ) -> None:
        self.info = info
        self.name = info.name
        self.gen = gen
        self._paths = paths
        self._backend = backend
        self._backend_options = dict(backend_options or {})
        self._lock = threading.Lock()  # one request (or load) at a time
        self._proc: Any = None
        self._conn: Any = None
        self._cancelled: Any = None  # shared int: highest cancelled request id
        self._next_id = 0
        self._n_ctx = gen.n_ctx
        self.use_extra_bufts: bool | None = None
        self.load_seconds = 0.0

    # -- properties --

    @property
    def sees_images(self) -> bool:
        """Whether pictures go to the model itself (a vision pair) rather than as text."""
        return getattr(self.info, "mmproj", None) is not None

    @property
    def loaded(self) -> bool:
        return self._proc is not None and self._proc.is_alive()

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    @property
    def host_pid(self) -> int | None:
        """The model host's process id (tests kill it to check crash handling)."""
        return self._proc.pid if self._proc is not None else None

    # -- loading --

    def load(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> None:
        cancel = cancel or CancelToken()
        if not self._acquire(cancel):
            raise Cancelled()
        try:
            self._load_locked(progress, cancel)
        finally:
            self._lock.release()

    def _load_locked(self, progress: ProgressCallback, cancel: CancelToken) -> None:
        if self.loaded:
            return
        self._stop_host()
        self._check_file()
        self._check_memory()
        remembered = self._remembered_extra_bufts()
        use_extra = True if remembered is None else remembered
        progress(None, f"Loading {self.name}…")
        try:
            try:
                self._start_host(use_extra, cancel)
            except _ProbeCrashed as exc:
                if not use_extra:
                    raise
                # The native-build crash from MODELS.md: retry once without repacking, remember it.
                log.warning("model host crashed in the probe (%s); retrying with use_extra_bufts=False", exc)
                progress(None, f"Loading {self.name} in compatibility mode…")
                self._start_host(False, cancel)
                self._remember_extra_bufts(False)
            else:
                if remembered is None:
                    self._remember_extra_bufts(use_extra)
        except _ProbeCrashed as exc:
            raise ModelCrashed(
                f"{self.name} crashed on its first decode even without weight repacking ({exc}). "
                "This llama.cpp build does not work on this CPU; reinstall Sova's portable build."
            ) from None
        progress(1.0, f"{self.name} loaded")

    def _check_file(self) -> None:
        path = Path(self.info.path)
        if not path.is_file():
            raise ModelError(f"Model file not found: {path}. Add the model again or pick another one in Settings.")

    def _check_memory(self) -> None:
        """Refuse a context whose KV cache cannot fit in free memory (before the OS kills us)."""
        need = kv_cache_bytes(Path(self.info.path), self.gen.n_ctx)
        if need is None:
            return
        if self.gen.n_ctx > need.trained_ctx > 0:
            log.info("context %d clamped to the model's trained %d", self.gen.n_ctx, need.trained_ctx)
        self._n_ctx = need.n_ctx
        try:
            import psutil

            free = psutil.virtual_memory().available
        except Exception:
            return
        if need.bytes > free:
            raise ModelError(
                f"A context of {self.gen.n_ctx:,} tokens needs about {need.bytes / 2**30:.1f} GB of memory "
                f"for {self.name}, but only {free / 2**30:.1f} GB are free. "
                "Lower the context size in Settings."
            )

    def _start_host(self, use_extra_bufts: bool, cancel: CancelToken) -> None:
        from app.core.llm.host import HostParams, host_main, physical_cores

        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        cancelled = ctx.RawValue("q", 0)
        params = HostParams(
            model_path=str(self.info.path),
            name=self.name,
            chat_format=self.info.chat_format,
            n_ctx=self._n_ctx,  # the setting, clamped to what the model was trained for
            n_threads=self.gen.n_threads or physical_cores(),
            use_extra_bufts=use_extra_bufts,
            n_batch=getattr(self.gen, "n_batch", 512),
            backend=self._backend,
            options=self._backend_options,
            vision=dict(self.info.vision) if getattr(self.info, "vision", None) else None,
        )
        proc = ctx.Process(target=host_main, args=(child, cancelled, params), name="sova-model-host", daemon=True)
        with _spawn_without_main():
            proc.start()
        child.close()  # so that the host's death shows up here as EOF
        self._proc, self._conn, self._cancelled = proc, parent, cancelled
        phase = "starting"
        t0 = time.monotonic()
        try:
            while True:
                if cancel.cancelled:
                    self._stop_host()
                    raise Cancelled()
                if not parent.poll(0.05):
                    if not proc.is_alive():
                        raise EOFError
                    continue
                msg = parent.recv()
                if msg[0] == "phase":
                    phase = msg[1]
                elif msg[0] == "loaded":
                    info = msg[1]
                    self._n_ctx = int(info["n_ctx"])
                    self.use_extra_bufts = bool(info["use_extra_bufts"])
                    self.load_seconds = time.monotonic() - t0
                    return
                elif msg[0] == "load_error":
                    self._stop_host()
                    raise self._load_error(msg[1], msg[2])
        except (EOFError, OSError, BrokenPipeError):
            why = self._death_reason()
            self._stop_host()
            if phase == "probe":
                raise _ProbeCrashed(why) from None
            raise ModelError(
                f"The model host stopped while loading {self.name} ({why}). If the context size "
                f"({self.gen.n_ctx:,} tokens) is large for this computer, lower it in Settings."
            ) from None

    def _load_error(self, kind: str, text: str) -> ModelError:
        if kind == "memory":
            return ModelError(
                f"Not enough memory to load {self.name} with a context of {self.gen.n_ctx:,} tokens. "
                "Lower the context size in Settings."
            )
        if kind == "model":
            return ModelError(
                f"llama.cpp could not load {self.info.path} ({text}). The file may be damaged or use a "
                "model architecture this version of Sova does not support."
            )
        if kind == "projector":
            name = Path(str(getattr(self.info, "mmproj", "") or "")).name
            return ModelError(f"llama.cpp cannot use the projector {name} with {self.name} ({text}). "
                              "Add the model again with the mmproj file made for it.",
                              code="vision_projector", name=name, model=self.name)
        return ModelError(f"Could not load {self.name}: {text}")

    def _death_reason(self) -> str:
        proc = self._proc
        if proc is None:
            return "no host"
        proc.join(timeout=2)
        code = proc.exitcode
        if code is None:
            return "host not responding"
        if code < 0:
            try:
                name = signal.Signals(-code).name
            except ValueError:
                name = f"signal {-code}"
            hint = ", possibly out of memory" if -code == getattr(signal, "SIGKILL", 9) else ""
            return f"killed by {name}{hint}"
        return f"exit code {code}"

    # -- the probe record --

    def _probe_file(self) -> Path | None:
        try:
            from app.core.config import user_paths

            cache = Path((self._paths or user_paths()).cache)
            return cache / _PROBE_FILE
        except Exception:
            return None

    def _probe_key(self) -> str:
        try:
            version = importlib.metadata.version("llama-cpp-python")
        except importlib.metadata.PackageNotFoundError:
            version = "unknown"
        return f"{self._backend}|{version}"

    def _remembered_extra_bufts(self) -> bool | None:
        f = self._probe_file()
        try:
            data = json.loads(f.read_text("utf-8")) if f else {}
            value = data.get(self._probe_key(), {}).get("use_extra_bufts")
            return None if value is None else bool(value)
        except (OSError, ValueError, AttributeError):
            return None

    def _remember_extra_bufts(self, value: bool) -> None:
        f = self._probe_file()
        if f is None:
            return
        try:
            f.parent.mkdir(parents=True, exist_ok=True)
            data = json.loads(f.read_text("utf-8")) if f.exists() else {}
            data[self._probe_key()] = {"use_extra_bufts": value, "time": time.time()}
            tmp = f.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=2), "utf-8")
            os.replace(tmp, f)
        except (OSError, ValueError):
            log.warning("could not record the llama.cpp probe result in %s", f)

    # -- chat --

    def _acquire(self, cancel: CancelToken) -> bool:
        while not self._lock.acquire(timeout=_POLL_S):
            if cancel.cancelled:
                return False
        return True

    def stream_chat(
        self, messages: Sequence[ChatMessage], cancel: CancelToken, options: GenerationOptions | None = None
    ) -> Iterator[str | GenerationStats]:
        if not self._acquire(cancel):
            return
        rid = 0
        finished = False
        try:
            if not self.loaded:
                self._load_locked(no_progress, cancel)
            self._next_id += 1
            rid = self._next_id
            o = options or GenerationOptions.from_settings(self.gen)
            opts = {
                "temperature": o.temperature,
                "top_p": o.top_p,
                "max_tokens": o.max_tokens,
                "seed": o.seed,
                "stop": list(o.stop),
                "json_schema": dict(o.json_schema) if o.json_schema else None,
                "cache": o.cache,
                "adapter": o.adapter,
            }
            t0 = time.monotonic()
            first: float | None = None
            pieces = 0
            conn = self._conn
            try:
                conn.send(("chat", rid, wire_messages(messages) if self.sees_images else text_only(messages), opts))
                while True:
                    if cancel.cancelled:
                        break
                    if not conn.poll(_POLL_S):
                        if not self._proc.is_alive():
                            raise EOFError
                        continue
                    msg = conn.recv()
                    if msg[1] != rid:
                        continue  # a late message of a cancelled request
                    kind = msg[0]
                    if kind == "tok":
                        if first is None:
                            first = time.monotonic()
                        pieces += 1
                        yield msg[2]
                    elif kind == "done":
                        finished = True
                        if msg[3]:
                            log.info("%s", msg[3])
                        yield GenerationStats(**msg[2])
                        return
                    elif kind == "error":
                        finished = True
                        raise ModelError(f"{self.name} failed: {msg[2]}")
            except (EOFError, OSError, BrokenPipeError):
                finished = True
                why = self._death_reason()
                self._stop_host()
                raise ModelCrashed(
                    f"The model stopped unexpectedly ({why}). The partial answer is kept; "
                    "the model will be restarted for the next question."
                ) from None
            # Cancelled: tell the host at once, then report what was streamed so far.
            finished = True
            self._cancelled.value = rid
            now = time.monotonic()
            yield GenerationStats(
                completion_tokens=pieces,
                prompt_seconds=(first or now) - t0,
                generation_seconds=now - (first or now),
                n_ctx=self._n_ctx,
            )
        finally:
            if rid and not finished and self._cancelled is not None:
                self._cancelled.value = rid  # tell the host to stop this request
            self._lock.release()

    # -- closing --

    def close(self) -> None:
        """Stop the host (waits for a running request only briefly)."""
        if self._cancelled is not None:
            self._cancelled.value = self._next_id + 1_000_000  # stop whatever runs
        got = self._lock.acquire(timeout=1.0)
        try:
            self._stop_host()
        finally:
            if got:
                self._lock.release()

    def _stop_host(self) -> None:
        proc, conn = self._proc, self._conn
        self._proc = self._conn = None
        if conn is not None:
            try:
                conn.send(("close",))
            except (OSError, ValueError):
                pass
        if proc is not None:
            proc.join(timeout=1.0)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=2.0)
        if conn is not None:
            conn.close()

    def __del__(self) -> None:  # best effort: never leave a host behind
        try:
            if self._proc is not None and self._proc.is_alive():
                self._proc.kill()
        except Exception:
            pass


_SPAWN_LOCK = threading.Lock()


@contextlib.contextmanager
def _spawn_without_main() -> Iterator[None]:
    """Start a spawn child without re-running the parent's main script in it.

    multiprocessing re-imports ``__main__`` in a spawned child; for a script without a
    ``__name__`` guard (or stdin) that reruns the caller. The host needs only
    app.core.llm.host, so the main-module entries are left out of the child's preparation.
    """
    import multiprocessing.spawn as spawn

    original = spawn.get_preparation_data

    def prep(name: str) -> dict[str, Any]:
        data = original(name)
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
        return data

    with _SPAWN_LOCK:
        spawn.get_preparation_data = prep
        try:
            yield
        finally:
            spawn.get_preparation_data = original
