"""JobBridge: the job runner's events arrive as signals on the UI thread."""

from __future__ import annotations

import threading
from typing import Any, Iterator

import pytest
import shiboken6
from PySide6.QtCore import QCoreApplication, QThread

from app.core.service.jobs import JobEvent, JobRunner, JobState
from app.core.types import CancelToken
from app.ui.jobs import JobBridge

WAIT_MS = 30_000


@pytest.fixture
def runner() -> Iterator[JobRunner]:
    r = JobRunner()
    yield r
    assert r.shutdown(30)


def test_events_arrive_on_the_ui_thread_for_the_watched_lanes(qtbot, runner: JobRunner) -> None:  # type: ignore[no-untyped-def]
    bridge = JobBridge(runner, lanes=("ingest",))
    got: list[tuple[JobEvent, bool]] = []
    ui = QCoreApplication.instance().thread()  # type: ignore[union-attr]
    bridge.sig_job.connect(lambda ev: got.append((ev, QThread.currentThread() is ui)))

    def fn(progress: Any, cancel: CancelToken) -> str:
        progress(0.5, "half")
        return threading.current_thread().name

    other = runner.submit("speech", lambda progress, cancel: None)
    job = runner.submit("ingest", fn, kind="test.fn")
    qtbot.waitUntil(lambda: any(ev.job_id == job.id and ev.final for ev, _ in got), timeout=WAIT_MS)
    # The other lane's job was submitted first: its events would have come before these.
    assert other.wait(30)
    assert all(on_ui for _, on_ui in got)
    assert {ev.lane for ev, _ in got} == {"ingest"}
    states = [ev.state for ev, _ in got if ev.change == "state"]
    assert states == [JobState.QUEUED, JobState.RUNNING, JobState.DONE]
    assert job.result == "sova-ingest"
    bridge.close()


def test_a_deleted_bridge_stops_listening(qtbot, runner: JobRunner) -> None:  # type: ignore[no-untyped-def]
    seen: list[JobEvent] = []
    runner.subscribe(seen.append)
    bridge = JobBridge(runner)
    shiboken6.delete(bridge)
    job = runner.submit("ingest", lambda progress, cancel: progress(1.0, "done"))
    assert job.wait(30)
    qtbot.waitUntil(lambda: any(ev.job_id == job.id and ev.final for ev in seen), timeout=WAIT_MS)
    assert len(runner._listeners) == 1  # only the test's own listener is left
