"""ModelService with a fake backend: preemption, restarts with backoff, step-down, metrics."""

from __future__ import annotations

import threading
import time
from typing import Any, Iterator, Sequence

import pytest

from app.core.llm.base import ChatRequest, GenerationOptions, ModelCrashed
from app.core.service.model import PREEMPTED, ModelService, RecoveryPolicy, RequestTimeout
from app.core.service.scheduler import Priority
from app.core.types import (
    Cancelled, CancelToken, GenerationStats, HealthState, ModelEvent, ModelPhase, Status, StatusEvent,
)


def _wait_for(cond, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("condition not reached")
        time.sleep(0.005)


class SlowLLM:
    """Streams ``n`` numbered tokens, ``delay`` seconds apart; can die on demand."""

    def __init__(self, name: str = "fake", n: int = 20, delay: float = 0.01) -> None:
        self.name = name
        self.n = n
        self.delay = delay
        self.alive = False
        self.die_at: int | None = None
        self.options: list[GenerationOptions | None] = []
        self.started = threading.Event()

    def load(self, progress: Any, cancel: CancelToken) -> None:
        progress(0.5, "half")
        self.alive = True

    @property
    def loaded(self) -> bool:
        return self.alive

    @property
    def n_ctx(self) -> int:
        return 2048

    def stream_chat(self, messages: Sequence[Any], cancel: CancelToken,
                    options: GenerationOptions | None = None) -> Iterator[str | GenerationStats]:
        self.options.append(options)
        self.started.set()
        n = 0
        for i in range(self.n):
            if cancel.cancelled:
                break
            if self.die_at is not None and i >= self.die_at:
                self.alive = False
                raise ModelCrashed("killed")
            time.sleep(self.delay)
            n += 1
            yield f"{i} "
        yield GenerationStats(prompt_tokens=5, completion_tokens=n, generation_seconds=max(1e-3, n * self.delay))

    def close(self) -> None:
        self.alive = False


class Recorder:
    def __init__(self) -> None:
        self.records: list[Any] = []
        self.queues: dict[str, int] = {}

    def record_request(self, rec: Any) -> None:
        self.records.append(rec)

    def set_queue_length(self, model: str, n: int) -> None:
        self.queues[model] = n


def _service(llms: list[SlowLLM], **kw: Any) -> tuple[ModelService, list[ModelEvent], list[int]]:
    built: list[int] = []

    def build(progress: Any, cancel: CancelToken, level: int) -> SlowLLM | None:
        built.append(level)
        llm = llms[min(len(built) - 1, len(llms) - 1)]
        llm.load(progress, cancel)
        return llm

    svc = ModelService(build, name=lambda: "fake", **kw)
    events: list[ModelEvent] = []
    svc.subscribe(events.append)
    return svc, events, built


def _req(text: str = "hi", **opts: Any) -> ChatRequest:
    return ChatRequest(({"role": "user", "content": text},), GenerationOptions(**opts))


def test_streams_and_passes_per_request_options_without_reload() -> None:
    llm = SlowLLM(n=3, delay=0)
    svc, events, built = _service([llm], metrics=(rec := Recorder()))
    out = list(svc.generate(_req(temperature=0.9), CancelToken()))
    out2 = list(svc.generate(_req(temperature=0.1, max_tokens=5), CancelToken()))
    assert [x for x in out if isinstance(x, str)] == ["0 ", "1 ", "2 "]
    assert isinstance(out[-1], GenerationStats)
    assert [o.temperature for o in llm.options if o] == [0.9, 0.1]
    assert built == [0]  # loaded once: options never reload the model
    assert isinstance(out[0], StatusEvent) and out[0].code == Status.LOADING_MODEL
    assert [r.outcome for r in rec.records] == ["complete", "complete"]
    assert rec.records[0].ttft_s is not None and rec.records[0].tokens == 3
    assert events[-1].phase == ModelPhase.READY
    svc.close()


def test_background_requests_use_their_own_prompt_cache() -> None:
    llm = SlowLLM(n=1, delay=0)
    svc, _, _ = _service([llm])
    list(svc.generate(_req(), CancelToken()))
    list(svc.generate(_req(), CancelToken(), priority=Priority.BATCH))
    assert [o.cache for o in llm.options if o] == ["chat", "background"]
    svc.close()


def test_user_question_preempts_background_which_reruns_afterwards() -> None:
    llm = SlowLLM(n=60, delay=0.01)
    svc, _, _ = _service([llm], metrics=(rec := Recorder()))
    svc.load()
    bg_items: list[Any] = []

    def background() -> None:
        for item in svc.generate(_req("bg"), CancelToken(), priority=Priority.BACKGROUND):
            bg_items.append(item)

    t = threading.Thread(target=background)
    t.start()
    _wait_for(lambda: len([x for x in bg_items if isinstance(x, str)]) >= 3)
    user = list(svc.generate(_req("user"), CancelToken()))
    t.join(30)
    assert len([x for x in user if isinstance(x, str)]) == 60  # the person's answer is whole
    assert PREEMPTED in bg_items
    after = bg_items[bg_items.index(PREEMPTED) + 1:]
    assert len([x for x in after if isinstance(x, str)]) == 60  # background re-ran from the start
    outcomes = [r.outcome for r in rec.records]
    assert outcomes == ["preempted", "complete", "complete"]
    svc.close()


def test_cancel_while_queued_and_while_running() -> None:
    llm = SlowLLM(n=500, delay=0.01)
    svc, _, _ = _service([llm])
    svc.load()
    first = CancelToken()
    items: list[Any] = []
    t = threading.Thread(target=lambda: items.extend(svc.generate(_req(), first)))
    t.start()
    _wait_for(llm.started.is_set)
    queued = CancelToken()
    got: list[Any] = []

    def queued_request() -> None:
        try:
            got.extend(svc.generate(_req(), queued))
        except Cancelled:
            got.append("cancelled")

    t2 = threading.Thread(target=queued_request)
    t2.start()
    _wait_for(lambda: svc.turnstile.waiting == 1)
    queued.cancel()
    t2.join(10)
    assert got == ["cancelled"]
    first.cancel()
    t.join(10)
    assert isinstance(items[-1], GenerationStats) and items[-1].completion_tokens < 500
    svc.close()


def test_request_timeout_keeps_partial_text() -> None:
    llm = SlowLLM(n=1000, delay=0.01)
    svc, _, _ = _service([llm])
    svc.load()
    got: list[Any] = []
    with pytest.raises(RequestTimeout):
        for item in svc.generate(_req(), CancelToken(), timeout_s=0.2):
            got.append(item)
    assert [x for x in got if isinstance(x, str)]
    svc.close()


def test_crash_restarts_with_backoff_then_gives_up() -> None:
    llms = [SlowLLM(n=5, delay=0) for _ in range(6)]
    for llm in llms:
        llm.die_at = 1
    policy = RecoveryPolicy(max_restarts=3, backoff_start_s=0.05, backoff_max_s=0.1, step_down=False,
                            watch_interval_s=0.02)
    svc, events, built = _service(llms, policy=policy)
    for i in range(4):
        _wait_for(lambda: svc.state.phase in (ModelPhase.READY, ModelPhase.IDLE, ModelPhase.FAILED))
        with pytest.raises(ModelCrashed):
            list(svc.generate(_req(), CancelToken()))
    _wait_for(lambda: svc.state.phase == ModelPhase.FAILED)
    restarting = [e for e in events if e.phase == ModelPhase.RESTARTING]
    assert [e.params["attempt"] for e in restarting] == [1, 2, 3]
    assert [e.params["seconds"] for e in restarting] == [0.05, 0.1, 0.1]  # doubling, capped
    assert svc.state.code == "model_gave_up"
    assert svc.restarts == 3
    assert svc.health().state == HealthState.DOWN
    svc.close()


def test_step_down_smaller_batch_then_smaller_model() -> None:
    llms = [SlowLLM(n=5, delay=0) for _ in range(8)]
    for llm in llms:
        llm.die_at = 0
    policy = RecoveryPolicy(max_restarts=1, backoff_start_s=0.01, backoff_max_s=0.01, watch_interval_s=0.02)
    svc, events, built = _service(llms, policy=policy)
    for _ in range(4):
        _wait_for(lambda: svc.state.phase != ModelPhase.RESTARTING and svc.state.phase != ModelPhase.LOADING)
        with pytest.raises(ModelCrashed):
            list(svc.generate(_req(), CancelToken()))
    _wait_for(lambda: svc.state.phase == ModelPhase.FAILED)
    codes = [e.code for e in events if e.phase == ModelPhase.RESTARTING]
    assert codes == ["model_crashed", "stepped_down_batch", "stepped_down_model"]
    assert built == [0, 0, 1, 2]
    svc.close()


def test_a_completed_answer_ends_the_run_of_failures() -> None:
    llms = [SlowLLM(n=3, delay=0) for _ in range(3)]
    llms[0].die_at = 1
    policy = RecoveryPolicy(backoff_start_s=0.01, watch_interval_s=0.02)
    svc, events, _ = _service(llms, policy=policy)
    with pytest.raises(ModelCrashed):
        list(svc.generate(_req(), CancelToken()))
    out = list(svc.generate(_req(), CancelToken()))  # waits for the restart, then answers
    assert any(isinstance(x, StatusEvent) and x.code == Status.WAITING_FOR_RESTART for x in out)
    assert [x for x in out if isinstance(x, str)] == ["0 ", "1 ", "2 "]
    assert svc._failures == 0
    assert any(e.code == "model_restarted" and e.phase == ModelPhase.READY for e in events)
    svc.close()


def test_watchdog_restarts_a_host_that_died_while_idle() -> None:
    llms = [SlowLLM(n=3, delay=0), SlowLLM(n=3, delay=0)]
    policy = RecoveryPolicy(backoff_start_s=0.01, watch_interval_s=0.02)
    svc, events, built = _service(llms, policy=policy)
    svc.load()
    llms[0].alive = False  # killed from outside
    _wait_for(lambda: svc.restarts == 1 and svc.state.phase == ModelPhase.READY)
    assert built == [0, 0]
    assert [e.code for e in events if e.phase == ModelPhase.RESTARTING] == ["model_crashed"]
    svc.close()


def test_invalidate_reloads_on_next_request() -> None:
    llms = [SlowLLM(n=1, delay=0), SlowLLM(n=1, delay=0)]
    svc, _, built = _service(llms)
    svc.load()
    svc.invalidate()
    assert not llms[0].alive
    list(svc.generate(_req(), CancelToken()))
    assert built == [0, 0]
    svc.close()
