"""One model as a service: loading, the turnstile, health, crash recovery, metrics.

``ModelService`` owns the LLM object for the active model and is the only way to
generate with it. It promises:

- one generation at a time, in priority order (see ``scheduler.Turnstile``); a person's
  question preempts background work, which then runs again from the start;
- per-request options and timeouts; cancel from any thread, queued or running;
- a crashed model host (found by a request or by the watchdog while idle) restarts
  after 1 s, 2 s, 4 s … up to 60 s, at most ``max_restarts`` times in a row; then it
  steps down (a smaller batch, then the smaller bundled model) and finally gives up
  with a code the UI turns into advice; a completed answer ends the run of failures;
- every state change is a typed ``ModelEvent`` to listeners (the window's status bar
  and banners; no English matched anywhere);
- every request leaves a metrics record (queue wait, time to first token, tokens/s).
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Iterator

from app.core.llm.base import LLM, ChatRequest, ModelCrashed, ModelError, stream
from app.core.service.busy import Busy
from app.core.service.scheduler import LinkedToken, PreemptToken, Priority, QueueFull, QueueTimeout, Ticket, Turnstile
from app.core.types import (
    Cancelled,
    CancelToken,
    GenerationStats,
    Health,
    HealthState,
    ModelEvent,
    ModelPhase,
    ProgressCallback,
    SovaError,
    Status,
    StatusEvent,
    no_progress,
)

if TYPE_CHECKING:
    from app.core.service.metrics import Metrics

log = logging.getLogger(__name__)

__all__ = [
    "ModelEvent",
    "ModelPhase",
    "ModelService",
    "Preempted",
    "Priority",
    "QueueFull",
    "QueueTimeout",
    "RecoveryPolicy",
    "RequestTimeout",
]


@dataclass(frozen=True)
class RecoveryPolicy:
    max_restarts: int = 3
    backoff_start_s: float = 1.0
    backoff_max_s: float = 60.0
    step_down: bool = True  # after the restarts: smaller batch, then the smaller model
    watch_interval_s: float = 1.0  # how often an idle host is checked for life


class RequestTimeout(SovaError):
    code = "request_timeout"


class Preempted:
    """Yielded by a preemptible generation that gave way: what was streamed is void,
    the request queues again and streams from the start."""


PREEMPTED = Preempted()

GenItem = str | GenerationStats | StatusEvent | Preempted

# build(progress, cancel, level) -> a loaded LLM, or None when that step-down level
# does not exist (0: as configured, 1: smaller batch, 2: the smaller bundled model).
Builder = Callable[[ProgressCallback, CancelToken, int], "LLM | None"]
Listener = Callable[[ModelEvent], None]


class ModelService:
    """The active chat model behind one turnstile, with recovery and metrics."""

    def __init__(
        self,
        build: Builder,
        *,
        name: Callable[[], str],
        metrics: "Metrics | None" = None,
        policy: RecoveryPolicy | None = None,
        max_queue: int = 16,
        aging_s: float = 60.0,
    ) -> None:
        self._build = build
        self._name = name
        self.metrics = metrics
        self.policy = policy or RecoveryPolicy()
        self.turnstile = Turnstile("model", max_queue=max_queue, aging_s=aging_s)
        self.turnstile.on_queue_length(self._on_queue_length)
        self._llm: LLM | None = None
        # When a person last waited for an answer: background work that can wait starts
        # only after a quiet moment (``wait_quiet``), so it rarely needs preempting.
        self._activity = threading.Lock()
        self._interactive = 0
        self._last_interactive = float("-inf")
        self._load_lock = threading.RLock()
        self._state_lock = threading.RLock()
        self._listeners: list[Listener] = []
        self._event = ModelEvent(ModelPhase.IDLE, "")
        self._failures = 0  # crashes in a row (reset by a completed answer)
        self._level = 0  # step-down level in use
        self._stale = False  # settings changed: reload before the next request
        self._restart_thread: threading.Thread | None = None
        self._restart_done = threading.Event()
        self._restart_done.set()
        self._closing = threading.Event()
        self._watchdog: threading.Thread | None = None
        self._generating = 0
        self._busy = Busy()  # answers on their way (``expecting``)
        self.restarts = 0  # restarts performed (diagnostics, tests)

    # ---- observation ---------------------------------------------------------------

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call ``listener(event)`` on every state change (from core threads)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    @property
    def state(self) -> ModelEvent:
        return self._event

    @property
    def llm(self) -> LLM | None:
        return self._llm

    @property
    def loaded(self) -> bool:
        llm = self._llm
        return llm is not None and llm.loaded

    @property
    def level(self) -> int:
        return self._level

    def health(self) -> Health:
        e = self._event
        state = {
            ModelPhase.IDLE: HealthState.OFF,
            ModelPhase.LOADING: HealthState.STARTING,
            ModelPhase.READY: HealthState.DEGRADED if self._level else HealthState.OK,
            ModelPhase.RESTARTING: HealthState.STARTING,
            ModelPhase.FAILED: HealthState.DOWN,
        }[e.phase]
        params = dict(e.params, model=e.model, level=self._level, restarts=self.restarts)
        return Health("model", state, e.code, params)

    def _emit(self, phase: ModelPhase, *, fraction: float | None = None, code: str = "", detail: str = "",
              model: str | None = None, **params: Any) -> None:
        event = ModelEvent(phase, model or self._safe_name(), fraction, code, params, detail)
        with self._state_lock:
            self._event = event
        if phase != ModelPhase.LOADING or fraction in (None, 0.0, 1.0):
            log.info("model %s", phase.value, extra={"event": "model_state", "phase": phase.value, "code": code,
                                                      "params": {k: str(v) for k, v in params.items()}})
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("a model listener failed")

    def _safe_name(self) -> str:
        try:
            return self._name()
        except Exception:
            return "model"

    def _on_queue_length(self, n: int) -> None:
        if self.metrics is not None:
            self.metrics.set_queue_length(self._safe_name(), n)

    # ---- loading ---------------------------------------------------------------------

    def load(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> LLM:
        """Load the model now (idempotent), taking a turn like a question would."""
        cancel = cancel or CancelToken()
        ticket = Ticket(Priority.INTERACTIVE, cancel, preemptible=False)
        self.turnstile.acquire(ticket)
        try:
            return self._ensure(progress, cancel, fresh=True)
        finally:
            self.turnstile.release(ticket)

    def invalidate(self) -> None:
        """Settings that need a reload changed: the next turn loads afresh."""
        with self._state_lock:
            self._stale = True
            self._level = 0
            self._failures = 0
        if not self.turnstile.busy:
            ticket = Ticket(Priority.INTERACTIVE, CancelToken(), preemptible=False)
            try:
                self.turnstile.acquire(ticket, timeout_s=0.0)
            except (QueueTimeout, QueueFull):
                return  # someone took the turn: they reload it
            try:
                self._drop()
                self._stale = False
                self._emit(ModelPhase.IDLE)
            finally:
                self.turnstile.release(ticket)

    def _ensure(self, progress: ProgressCallback, cancel: CancelToken, fresh: bool = False) -> LLM:
        """The loaded LLM; loads (or reloads a stale one) under the load lock."""
        with self._load_lock:
            if self._stale:
                self._drop()
                self._stale = False
            llm = self._llm
            if llm is not None and llm.loaded:
                return llm
            if llm is not None:  # died since it was last used
                self._drop()
            if fresh and self._event.phase == ModelPhase.FAILED:
                self._failures = 0  # the user asked again: a fresh run of attempts
            return self._load_level(progress, cancel)

    def _load_level(self, progress: ProgressCallback, cancel: CancelToken, *, report_failure: bool = True,
                    ready_code: str = "", **ready_params: Any) -> LLM:
        level = self._level
        self._emit(ModelPhase.LOADING, fraction=0.0, level=level)

        def report(fraction: float | None, text: str) -> None:
            progress(fraction, text)
            if fraction is not None and 0.0 < fraction < 1.0:
                self._emit(ModelPhase.LOADING, fraction=fraction, detail=text, level=level)

        try:
            llm = self._build(report, cancel, level)
            if llm is None:
                raise ModelError("No model is configured.", code="no_model")
        except Cancelled:
            self._emit(ModelPhase.IDLE)
            raise
        except SovaError as exc:
            if report_failure:
                self._emit(ModelPhase.FAILED, code=exc.code, detail=str(exc), **exc.params)
            raise
        except Exception as exc:
            if report_failure:
                self._emit(ModelPhase.FAILED, code="model_error", detail=f"{type(exc).__name__}: {exc}")
            raise ModelError(f"Could not load the model: {exc}") from exc
        self._llm = llm
        params = {"level": level, **ready_params}
        self._emit(ModelPhase.READY, fraction=1.0, model=getattr(llm, "name", None), code=ready_code, **params)
        self._start_watchdog()
        return llm

    def _drop(self) -> None:
        llm, self._llm = self._llm, None
        if llm is not None:
            try:
                llm.close()
            except Exception:
                log.exception("closing the model failed")

    # ---- generation ---------------------------------------------------------------------

    def generate(
        self,
        request: ChatRequest,
        cancel: CancelToken,
        *,
        priority: Priority = Priority.INTERACTIVE,
        timeout_s: float | None = None,
        queue_timeout_s: float | None = None,
    ) -> Iterator[GenItem]:
        """Stream one request (see ``_generate``); interactive requests are tracked for
        ``wait_quiet``."""
        items = self._generate(request, cancel, priority=priority, timeout_s=timeout_s,
                               queue_timeout_s=queue_timeout_s)
        return self._tracked(items) if priority == Priority.INTERACTIVE else items

    def _tracked(self, items: Iterator[GenItem]) -> Iterator[GenItem]:
        with self._activity:
            self._interactive += 1
        try:
            yield from items
        finally:
            with self._activity:
                self._interactive -= 1
                self._last_interactive = time.monotonic()

    @contextlib.contextmanager
    def expecting(self) -> Iterator[None]:
        """Around a question's answer: background work gives way at once (see
        ``Turnstile.expect``), and busy listeners hear of it (a training process
        pauses until the answer is done)."""
        self._busy.enter()
        try:
            with self.turnstile.expect():
                yield
        finally:
            self._busy.leave()

    def subscribe_busy(self, listener: Callable[[bool], None]) -> Callable[[], None]:
        """``listener(True)`` when a question starts being answered, ``listener(False)``
        when no answer is on its way any more."""
        return self._busy.subscribe(listener)

    def wait_quiet(self, seconds: float, cancel: CancelToken) -> bool:
        """Wait until no answer has been streaming for ``seconds``; False if cancelled."""
        while not cancel.cancelled:
            with self._activity:
                busy = self._interactive > 0
                left = seconds - (time.monotonic() - self._last_interactive)
            if not busy and left <= 0:
                return True
            cancel.wait(min(0.25, left) if not busy and left > 0 else 0.25)
        return False

    def _generate(
        self,
        request: ChatRequest,
        cancel: CancelToken,
        *,
        priority: Priority = Priority.INTERACTIVE,
        timeout_s: float | None = None,
        queue_timeout_s: float | None = None,
    ) -> Iterator[GenItem]:
        """Stream one request: status events while waiting, text pieces, then stats.

        A preemptible (non-interactive) request that gives way yields PREEMPTED and
        later streams again from the start. Raises QueueFull, QueueTimeout,
        RequestTimeout (after the partial text), ModelCrashed (the host died; a restart
        is under way), ModelError for the rest. Cancelled while queued or loading raises
        Cancelled; cancelled while streaming returns after the stats of what streamed.
        """
        ticket = Ticket(priority, LinkedToken(cancel), preemptible=priority != Priority.INTERACTIVE)
        if priority != Priority.INTERACTIVE and request.options.cache == "chat":
            # Background work keeps a prompt cache of its own (see GenerationOptions.cache).
            request = replace(request, options=request.options.with_(cache="background"))
        submitted = time.time()
        t_submit = time.monotonic()
        while True:
            try:
                yield from self._wait_turn(ticket, queue_timeout_s)
            except (QueueFull, QueueTimeout) as exc:
                self._record(priority, submitted, time.monotonic() - t_submit, None, 0, 0.0, 0,
                             "rejected", exc.code)
                raise
            except Cancelled:
                self._record(priority, submitted, time.monotonic() - t_submit, None, 0, 0.0, 0, "cancelled", None)
                raise
            queue_wait = time.monotonic() - t_submit
            try:
                if self._restart_pending():
                    yield from self._wait_restart(cancel)
                if not self.loaded:
                    yield StatusEvent(Status.LOADING_MODEL, {"model": self._safe_name()})
                try:
                    llm = self._ensure(no_progress, cancel, fresh=True)
                except Cancelled:
                    self._record(priority, submitted, queue_wait, None, 0, 0.0, 0, "cancelled", None)
                    raise
                deadline = None if timeout_s is None else time.monotonic() + timeout_s
                token = PreemptToken(cancel, ticket, deadline)
                t0 = time.monotonic()
                first: float | None = None
                pieces = 0
                stats: GenerationStats | None = None
                self._generating += 1
                try:
                    for item in stream(llm, request, token):
                        if isinstance(item, str):
                            if first is None:
                                first = time.monotonic()
                            pieces += 1
                            yield item
                        else:
                            stats = item
                except ModelCrashed as exc:
                    self._record(priority, submitted, queue_wait, _ttft(first, t0), pieces, 0.0, 0, "error", exc.code)
                    self._on_crash(llm, str(exc))
                    raise
                except SovaError as exc:
                    self._record(priority, submitted, queue_wait, _ttft(first, t0), pieces, 0.0, 0, "error", exc.code)
                    raise
                finally:
                    self._generating -= 1
                preempted = ticket.preempt.is_set() and not cancel.cancelled
                timed_out = token.timed_out and not cancel.cancelled and not preempted
                tps = stats.tokens_per_second if stats else 0.0
                prompt_tokens = stats.prompt_tokens if stats else 0
                tokens = stats.completion_tokens if stats else pieces
                if preempted:
                    self._record(priority, submitted, queue_wait, _ttft(first, t0), tokens, tps, prompt_tokens,
                                 "preempted", None)
                elif timed_out:
                    self._record(priority, submitted, queue_wait, _ttft(first, t0), tokens, tps, prompt_tokens,
                                 "timeout", RequestTimeout.code)
                else:
                    outcome = "cancelled" if cancel.cancelled else "complete"
                    self._record(priority, submitted, queue_wait, _ttft(first, t0), tokens, tps, prompt_tokens,
                                 outcome, None)
                    if outcome == "complete":
                        with self._state_lock:
                            self._failures = 0  # a finished answer ends a run of crashes
            finally:
                self.turnstile.release(ticket)
            if preempted:
                ticket.preempt.clear()
                yield PREEMPTED
                continue
            if stats is not None:
                yield stats
            if timed_out:
                raise RequestTimeout(f"The answer took longer than {timeout_s:.0f} s and was stopped.",
                                     seconds=timeout_s)
            return

    def _wait_turn(self, ticket: Ticket, queue_timeout_s: float | None) -> Iterator[StatusEvent]:
        """Acquire the turn on a helper thread so queue positions can be yielded."""
        if not self.turnstile.busy and not self.turnstile.waiting:
            try:
                self.turnstile.acquire(ticket, timeout_s=queue_timeout_s)
                return
            except (QueueTimeout, QueueFull):
                raise
        positions: list[int] = []
        outcome: list[BaseException | None] = []
        done = threading.Event()

        def run() -> None:
            try:
                self.turnstile.acquire(ticket, timeout_s=queue_timeout_s, on_position=positions.append)
                outcome.append(None)
            except BaseException as exc:  # handed to the caller's thread
                outcome.append(exc)
            finally:
                done.set()

        threading.Thread(target=run, name="sova-turn-wait", daemon=True).start()
        shown = 0
        try:
            while not done.wait(0.05):
                if len(positions) > shown:
                    shown = len(positions)
                    yield StatusEvent(Status.QUEUED, {"position": positions[-1]})
        except GeneratorExit:  # the caller abandoned the request while it waited
            ticket.cancel.cancel()
            done.wait()
            if outcome and outcome[0] is None:
                self.turnstile.release(ticket)
            raise
        error = outcome[0]
        if error is not None:
            raise error

    def _record(self, priority: Priority, submitted: float, wait: float, ttft: float | None, tokens: int,
                tps: float, prompt_tokens: int, outcome: str, code: str | None) -> None:
        if self.metrics is None:
            return
        try:
            from app.core.service.metrics import RequestRecord

            self.metrics.record_request(RequestRecord(
                model=self._safe_name(), priority=priority.label, started_at=submitted, queue_wait_s=wait,
                ttft_s=ttft, tokens=tokens, tokens_per_s=tps, prompt_tokens=prompt_tokens, outcome=outcome,
                error_code=code,
            ))
        except Exception:
            log.exception("recording request metrics failed")

    # ---- crashes and restarts ---------------------------------------------------------------

    def _restart_pending(self) -> bool:
        return not self._restart_done.is_set()

    def _wait_restart(self, cancel: CancelToken) -> Iterator[StatusEvent]:
        e = self._event
        yield StatusEvent(Status.WAITING_FOR_RESTART, dict(e.params))
        while not self._restart_done.wait(0.05):
            if cancel.cancelled:
                raise Cancelled()

    def _on_crash(self, llm: LLM | None, why: str) -> None:
        """The host of ``llm`` died: schedule a restart (or step down, or give up)."""
        with self._state_lock:
            if llm is not None and llm is not self._llm:
                return  # already handled (the watchdog and a request both noticed)
            if self._closing.is_set():
                return
            self._drop()
            self._failures += 1
            n = self._failures
            policy = self.policy
            self._restart_done.clear()
        name = self._safe_name()
        log.warning("model host died (%s); failure %d in a row", why, n)
        if n <= policy.max_restarts:
            delay = min(policy.backoff_start_s * 2 ** (n - 1), policy.backoff_max_s)
            self._emit(ModelPhase.RESTARTING, code="model_crashed", detail=why, attempt=n,
                       of=policy.max_restarts, seconds=delay)
            self._schedule_restart(delay, "model_restarted", attempt=n, of=policy.max_restarts)
            return
        if policy.step_down and self._level < 2:
            self._level += 1
            delay = min(policy.backoff_start_s * 2 ** (n - 1), policy.backoff_max_s)
            code = "stepped_down_batch" if self._level == 1 else "stepped_down_model"
            self._emit(ModelPhase.RESTARTING, code=code, detail=why, attempt=n, of=policy.max_restarts,
                       seconds=delay, level=self._level)
            self._schedule_restart(delay, code, level=self._level)
            return
        self._emit(ModelPhase.FAILED, code="model_gave_up", detail=why, model=name, failures=n)
        self._restart_done.set()

    def _schedule_restart(self, delay: float, code: str, **params: Any) -> None:
        def run() -> None:
            if self._closing.wait(delay):
                self._restart_done.set()
                return
            with self._load_lock:
                if self._closing.is_set():
                    self._restart_done.set()
                    return
                llm = self._llm
                if llm is None or not llm.loaded:
                    try:
                        self.restarts += 1
                        # READY again; the code tells the window to say what happened.
                        llm = self._load_level(no_progress, CancelToken(), report_failure=False,
                                               ready_code=code, **params)
                    except Exception as exc:
                        # Still failing: counts as the next failure in the row (this keeps
                        # the restart pending, or steps down, or gives up).
                        self._on_crash(None, f"restart failed: {exc}")
                        return
            self._restart_done.set()

        t = threading.Thread(target=run, name="sova-model-restart", daemon=True)
        self._restart_thread = t
        t.start()

    def _start_watchdog(self) -> None:
        if self._watchdog is not None and self._watchdog.is_alive():
            return

        def watch() -> None:
            while not self._closing.wait(self.policy.watch_interval_s):
                llm = self._llm
                if llm is None or self._generating or not self._restart_done.is_set():
                    continue
                if not llm.loaded and not self._load_lock_busy():
                    self._on_crash(llm, "the model host exited while idle")

        self._watchdog = threading.Thread(target=watch, name="sova-model-watchdog", daemon=True)
        self._watchdog.start()

    def _load_lock_busy(self) -> bool:
        if self._load_lock.acquire(blocking=False):
            self._load_lock.release()
            return False
        return True

    # ---- shutdown -------------------------------------------------------------------------------

    def close(self, timeout_s: float = 5.0) -> None:
        """Stop restarts and the watchdog, let a running request end, free the model."""
        self._closing.set()
        ticket = Ticket(Priority.INTERACTIVE, CancelToken(), preemptible=False)
        got = False
        try:
            self.turnstile.acquire(ticket, timeout_s=timeout_s)
            got = True
        except (QueueTimeout, QueueFull, Cancelled):
            pass
        try:
            with self._state_lock:
                self._drop()
        finally:
            if got:
                self.turnstile.release(ticket)
        self._restart_done.set()


def _ttft(first: float | None, t0: float) -> float | None:
    return None if first is None else first - t0
