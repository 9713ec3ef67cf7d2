"""The model service with the real 0.5B model: preemption by a person's question, and
crash recovery when the model host is killed again and again."""

from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from app.core.assistant import Assistant
from app.core.config import GenerationSettings, Paths, Settings, user_paths
from app.core.llm import ChatRequest, GenerationOptions, HostedLLM
from app.core.service.model import PREEMPTED, RecoveryPolicy
from app.core.service.scheduler import Priority
from app.core.types import CancelToken, DoneEvent, GenerationStats, ModelPhase, TokenEvent

SMALL = "qwen2.5-coder-0.5b"


def _wait_for(cond, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < end, "condition not reached"
        time.sleep(0.02)


def _assistant(tmp: Path, policy: RecoveryPolicy | None = None) -> Assistant:
    home = user_paths()
    paths = Paths(tmp / "config", tmp / "data", tmp / "cache", home.models).ensure()
    settings = Settings(
        active_model=SMALL,
        generation=GenerationSettings(temperature=0.0, max_tokens=96, n_ctx=2048, n_threads=2, seed=7),
    )
    return Assistant(paths, settings, recovery=policy)


@pytest.fixture
def assistant(tmp_path: Path) -> Iterator[Assistant]:
    a = _assistant(tmp_path)
    yield a
    a.close()


def test_background_generation_gives_way_to_a_question_and_completes_afterwards(assistant: Assistant) -> None:
    assistant.load_model()
    bg_request = ChatRequest(
        ({"role": "user", "content": "Write the numbers from 1 to 60 in words, one per line."},),
        GenerationOptions(temperature=0.0, max_tokens=200, seed=1),
    )
    bg_items: list[Any] = []
    bg_done = threading.Event()

    def background() -> None:
        try:
            for item in assistant.generate(bg_request, CancelToken(), priority=Priority.BACKGROUND):
                bg_items.append(item)
        finally:
            bg_done.set()

    threading.Thread(target=background, daemon=True).start()
    _wait_for(lambda: sum(isinstance(x, str) for x in bg_items) >= 5)
    conv = assistant.new_conversation()
    events = list(assistant.ask(conv.id, "What is the capital of France? Answer with one word."))
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.error is None
    assert "paris" in done.message.content.lower()
    assert bg_done.wait(180)
    assert PREEMPTED in bg_items
    rerun = bg_items[bg_items.index(PREEMPTED) + 1:]
    text = "".join(x for x in rerun if isinstance(x, str)).lower()
    assert "one" in text and "ten" in text  # the background request ran again, from the start
    assert isinstance(rerun[-1], GenerationStats) and rerun[-1].completion_tokens > 20
    outcomes = [r.outcome for r in assistant.metrics.requests()]
    assert outcomes[:3] == ["preempted", "complete", "complete"]


def test_host_killed_four_times_in_a_row_restarts_three_times_then_fails(tmp_path: Path) -> None:
    policy = RecoveryPolicy(max_restarts=3, backoff_start_s=0.2, backoff_max_s=1.0, step_down=False,
                            watch_interval_s=0.1)
    a = _assistant(tmp_path, policy)
    events: list[Any] = []
    a.subscribe_model(events.append)
    try:
        a.load_model()
        pids = []
        for i in range(4):
            _wait_for(lambda: a.model.state.phase == ModelPhase.READY and a.llm is not None and a.llm.loaded)
            llm = a.llm
            assert isinstance(llm, HostedLLM) and llm.host_pid is not None
            pids.append(llm.host_pid)
            os.kill(llm.host_pid, signal.SIGKILL)
            if i < 3:
                _wait_for(lambda n=i + 1: a.model.restarts == n and a.model.state.phase == ModelPhase.READY)
        _wait_for(lambda: a.model.state.phase == ModelPhase.FAILED)
        assert len(set(pids)) == 4  # every restart was a fresh host
        restarting = [e for e in events if e.phase == ModelPhase.RESTARTING]
        assert [e.params["attempt"] for e in restarting] == [1, 2, 3]
        assert a.model.state.code == "model_gave_up" and a.model.restarts == 3
        # Asking again is a fresh start: the model loads and answers.
        conv = a.new_conversation()
        done = list(a.ask(conv.id, "Say hello."))[-1]
        assert isinstance(done, DoneEvent) and done.error is None and done.message.content
    finally:
        a.close()


def test_a_question_during_a_restart_waits_and_is_answered(tmp_path: Path) -> None:
    a = _assistant(tmp_path, RecoveryPolicy(backoff_start_s=1.0, watch_interval_s=0.1))
    try:
        a.load_model()
        llm = a.llm
        assert isinstance(llm, HostedLLM)
        os.kill(llm.host_pid, signal.SIGKILL)  # type: ignore[arg-type]
        _wait_for(lambda: a.model.state.phase == ModelPhase.RESTARTING)
        conv = a.new_conversation()
        events = list(a.ask(conv.id, "What is 2+2? Answer with a number."))
        done = events[-1]
        assert isinstance(done, DoneEvent) and done.error is None and "4" in done.message.content
        assert any(getattr(e, "code", None) == "waiting_for_restart" for e in events)
    finally:
        a.close()
