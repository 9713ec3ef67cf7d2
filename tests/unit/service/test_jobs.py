"""The job runner: lanes, priorities, cancel, errors, observers, throttled progress, shutdown."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable, Iterator

import pytest

from app.core.service.jobs import PROGRESS_HZ, JobEvent, JobRunner, JobsClosed, JobState, Priority
from app.core.types import CancelToken, SovaError

WAIT = 30.0  # seconds: generous on a loaded machine; tests wait on conditions, never sleep


@pytest.fixture
def runner() -> Iterator[JobRunner]:
    r = JobRunner()
    yield r
    assert r.shutdown(WAIT)


class Recorder:
    """A listener that keeps every event and lets a test wait for one."""

    def __init__(self) -> None:
        self.events: list[JobEvent] = []
        self.threads: set[str] = set()
        self._cv = threading.Condition()

    def __call__(self, ev: JobEvent) -> None:
        with self._cv:
            self.events.append(ev)
            self.threads.add(threading.current_thread().name)
            self._cv.notify_all()

    def wait_for(self, pred: Callable[[list[JobEvent]], bool], timeout: float = WAIT) -> None:
        with self._cv:
            assert self._cv.wait_for(lambda: pred(self.events), timeout), self.events

    def of(self, job_id: int, change: str | None = None) -> list[JobEvent]:
        with self._cv:
            return [e for e in self.events if e.job_id == job_id and (change is None or e.change == change)]

    def final(self, job_id: int) -> JobEvent:
        self.wait_for(lambda evs: any(e.job_id == job_id and e.final for e in evs))
        return next(e for e in self.of(job_id) if e.final)


def blocker() -> tuple[threading.Event, Callable[[Any, CancelToken], str]]:
    """A job that runs until the event is set (or it is cancelled)."""
    release = threading.Event()

    def fn(progress: Any, cancel: CancelToken) -> str:
        while not release.wait(0.01):
            cancel.raise_if_cancelled()
        return "released"

    return release, fn


def test_a_job_runs_and_returns_its_result(runner: JobRunner) -> None:
    rec = Recorder()
    runner.subscribe(rec)
    job = runner.submit("ingest", lambda progress, cancel: 6 * 7, name="answer", kind="test.answer",
                        params={"paths": ["/a"]})
    assert job.wait(WAIT) and job.state == JobState.DONE and job.result == 42 and job.error is None
    final = rec.final(job.id)
    assert (final.state, final.lane, final.kind, final.name, dict(final.params)) == (
        JobState.DONE, "ingest", "test.answer", "answer", {"paths": ["/a"]})
    states = [e.state for e in rec.of(job.id, "state")]
    assert states == [JobState.QUEUED, JobState.RUNNING, JobState.DONE]
    assert runner.jobs() == [] and runner.job(job.id) is None


def test_a_lane_runs_jobs_one_at_a_time_by_priority_then_in_order(runner: JobRunner) -> None:
    order: list[str] = []
    threads: set[str] = set()
    running = [0]
    overlap = [False]
    lock = threading.Lock()

    def job(label: str) -> Callable[[Any, CancelToken], None]:
        def fn(progress: Any, cancel: CancelToken) -> None:
            with lock:
                running[0] += 1
                overlap[0] = overlap[0] or running[0] > 1
            order.append(label)
            threads.add(threading.current_thread().name)
            with lock:
                running[0] -= 1
        return fn

    runner.pause("ingest")  # everything below queues up before the first one starts
    jobs = [
        runner.submit("ingest", job("batch-1"), priority=Priority.BATCH),
        runner.submit("ingest", job("background-1"), priority=Priority.BACKGROUND),
        runner.submit("ingest", job("interactive-1"), priority=Priority.INTERACTIVE),
        runner.submit("ingest", job("background-2"), priority=Priority.BACKGROUND),
        runner.submit("ingest", job("interactive-2"), priority=Priority.INTERACTIVE),
    ]
    assert runner.paused("ingest") and not runner.wait_idle("ingest", timeout=0.05)
    assert [j.state for j in runner.jobs("ingest")] == [JobState.QUEUED] * 5
    runner.resume("ingest")
    assert runner.wait_idle("ingest", WAIT)
    assert order == ["interactive-1", "interactive-2", "background-1", "background-2", "batch-1"]
    assert threads == {"sova-ingest"} and not overlap[0]
    assert all(j.state == JobState.DONE for j in jobs)


def test_lanes_do_not_wait_for_each_other(runner: JobRunner) -> None:
    release, fn = blocker()
    slow = runner.submit("ingest", fn)
    deadline = time.monotonic() + WAIT
    while slow.state != JobState.RUNNING:  # the ingest lane has taken it
        assert time.monotonic() < deadline
        time.sleep(0.005)
    quick = runner.submit("speech", lambda progress, cancel: threading.current_thread().name)
    assert quick.wait(WAIT) and quick.result == "sova-speech"
    assert slow.state == JobState.RUNNING
    release.set()
    assert slow.wait(WAIT) and slow.result == "released"


def test_an_error_fails_the_job_but_not_the_lane(runner: JobRunner, caplog: pytest.LogCaptureFixture) -> None:
    rec = Recorder()
    runner.subscribe(rec)

    def broken(progress: Any, cancel: CancelToken) -> None:
        raise ValueError("boom")

    def refused(progress: Any, cancel: CancelToken) -> None:
        raise SovaError("The file is gone.", code="file_missing", path="/x")

    with caplog.at_level(logging.ERROR):
        bad = runner.submit("ingest", broken, kind="test.bad")
        gone = runner.submit("ingest", refused, kind="test.gone")
        good = runner.submit("ingest", lambda progress, cancel: "fine")
        assert good.wait(WAIT)
    assert bad.state == JobState.FAILED and isinstance(bad.error, ValueError)
    assert gone.state == JobState.FAILED and good.result == "fine"
    ev = rec.final(bad.id)
    assert ev.code == "error" and ev.text == "boom" and ev.error is bad.error
    ev = rec.final(gone.id)
    assert ev.code == "file_missing" and ev.text == "The file is gone." and ev.error is gone.error
    assert "test.bad" in caplog.text  # an unexpected error is logged with its traceback


def test_cancel_drops_a_queued_job_and_stops_a_running_one(runner: JobRunner) -> None:
    rec = Recorder()
    runner.subscribe(rec)
    release, fn = blocker()
    started = threading.Event()

    def running_job(progress: Any, cancel: CancelToken) -> str:
        started.set()
        return fn(progress, cancel)

    ran: list[str] = []
    first = runner.submit("ingest", running_job)
    queued = runner.submit("ingest", lambda progress, cancel: ran.append("queued"))
    assert started.wait(WAIT)
    queued.cancel()  # from this (another) thread
    assert queued.done and queued.state == JobState.CANCELLED
    first.cancel()
    assert first.wait(WAIT) and first.state == JobState.CANCELLED
    assert runner.wait_idle(timeout=WAIT) and ran == []
    assert [e.state for e in rec.of(queued.id, "state")][-1] == JobState.CANCELLED
    rec.final(first.id)
    first.cancel()  # cancelling an ended job is harmless
    assert first.state == JobState.CANCELLED


def test_a_job_that_returns_after_cancel_counts_as_cancelled(runner: JobRunner) -> None:
    started, go = threading.Event(), threading.Event()

    def fn(progress: Any, cancel: CancelToken) -> str:
        started.set()
        go.wait(WAIT)
        return "partial"

    job = runner.submit("ingest", fn)
    assert started.wait(WAIT)
    job.cancel()
    go.set()
    assert job.wait(WAIT) and job.state == JobState.CANCELLED and job.result == "partial"


def test_progress_is_throttled_and_the_newest_arrives(runner: JobRunner) -> None:
    rec = Recorder()
    runner.subscribe(rec)
    n = 20_000

    def fn(progress: Any, cancel: CancelToken) -> None:
        for i in range(1, n + 1):
            progress(i / n, f"step {i}")

    t0 = time.monotonic()
    job = runner.submit("ingest", fn)
    assert job.wait(WAIT)
    rec.final(job.id)
    seconds = time.monotonic() - t0
    progress = rec.of(job.id, "progress")
    assert progress and progress[-1].fraction == 1.0 and progress[-1].text == f"step {n}"
    # Coalesced: far fewer than reported, and no more than PROGRESS_HZ a second (+ the last).
    assert len(progress) <= seconds * PROGRESS_HZ + 2, (len(progress), seconds)
    fractions = [e.fraction for e in progress]
    assert fractions == sorted(fractions)  # in order
    assert job.fraction == 1.0 and job.message == f"step {n}"


def test_held_progress_is_delivered_without_waiting_for_the_end(runner: JobRunner) -> None:
    rec = Recorder()
    runner.subscribe(rec)
    done = threading.Event()

    def fn(progress: Any, cancel: CancelToken) -> None:
        progress(None, "loading")
        progress(0.5, "halfway")  # right after: held by the throttle, then sent when due
        done.wait(WAIT)

    job = runner.submit("ingest", fn)
    rec.wait_for(lambda evs: any(e.job_id == job.id and e.text == "halfway" for e in evs))
    assert not job.done
    done.set()
    assert job.wait(WAIT)


def test_listeners_run_on_their_own_thread_and_a_failing_one_is_contained(runner: JobRunner,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    gate = threading.Event()
    rec = Recorder()

    def slow(ev: JobEvent) -> None:
        gate.wait(WAIT)  # blocks event delivery until the job itself has finished

    def broken(ev: JobEvent) -> None:
        raise RuntimeError("listener bug")

    runner.subscribe(slow)
    runner.subscribe(broken)
    runner.subscribe(rec)
    with caplog.at_level(logging.ERROR):
        job = runner.submit("ingest", lambda progress, cancel: progress(1.0, "done") or "ok")
        assert job.wait(WAIT) and job.result == "ok"  # not held up by the slow listener
        gate.set()
        rec.final(job.id)
    assert rec.threads == {"sova-job-events"}
    assert "listener bug" in caplog.text or "job listener failed" in caplog.text
    # The lane still works.
    assert runner.submit("ingest", lambda progress, cancel: 1).wait(WAIT)


def test_unsubscribe_stops_the_events(runner: JobRunner) -> None:
    rec, other = Recorder(), Recorder()
    unsubscribe = runner.subscribe(rec)
    runner.subscribe(other)
    first = runner.submit("ingest", lambda progress, cancel: None)
    rec.final(first.id)
    unsubscribe()
    unsubscribe()  # twice is harmless
    second = runner.submit("ingest", lambda progress, cancel: None)
    other.final(second.id)
    assert rec.of(second.id) == []


def test_stream_items_arrive_in_order_and_cancel_stops_at_the_next_one(runner: JobRunner) -> None:
    rec = Recorder()
    runner.subscribe(rec)

    def words(progress: Any, cancel: CancelToken) -> Iterator[str]:
        for i, w in enumerate(["one", "two", "three"]):
            progress((i + 1) / 3, w)
            yield w

    job = runner.submit_stream("speech", words, kind="test.words")
    assert job.wait(WAIT) and job.result == ["one", "two", "three"]
    rec.final(job.id)
    assert [e.item for e in rec.of(job.id, "item")] == ["one", "two", "three"]

    go = threading.Event()
    closed = threading.Event()

    def endless(progress: Any, cancel: CancelToken) -> Iterator[int]:
        try:
            i = 0
            while True:
                yield i
                i += 1
                if i == 2:
                    go.wait(WAIT)
        finally:
            closed.set()

    job = runner.submit_stream("speech", endless)
    rec.wait_for(lambda evs: sum(1 for e in evs if e.job_id == job.id and e.change == "item") >= 2)
    job.cancel()
    go.set()
    assert job.wait(WAIT) and job.state == JobState.CANCELLED and closed.is_set()
    assert rec.final(job.id).state == JobState.CANCELLED


def test_a_stream_job_lets_a_higher_priority_job_run_between_items(runner: JobRunner) -> None:
    log_: list[str] = []
    first_item = threading.Event()
    queued = threading.Event()

    def file_job(progress: Any, cancel: CancelToken) -> Iterator[str]:
        for i in range(3):
            if i == 1:
                first_item.set()
                queued.wait(WAIT)  # the dictation is queued now: it runs after segment 1
            log_.append(f"file {i}")
            yield f"segment {i}"

    background = runner.submit_stream("speech", file_job, priority=Priority.BACKGROUND)
    assert first_item.wait(WAIT)
    same = runner.submit("speech", lambda progress, cancel: log_.append("same priority"),
                         priority=Priority.BACKGROUND)
    dictation = runner.submit_stream("speech", lambda progress, cancel: iter([log_.append("dictation")]),
                                     priority=Priority.INTERACTIVE)
    queued.set()
    assert runner.wait_idle("speech", WAIT)
    assert log_ == ["file 0", "file 1", "dictation", "file 2", "same priority"]
    assert background.state == dictation.state == same.state == JobState.DONE


def test_wait_idle_times_out_while_work_is_queued(runner: JobRunner) -> None:
    release, fn = blocker()
    runner.submit("ingest", fn)
    assert not runner.wait_idle("ingest", timeout=0.05)
    assert runner.wait_idle("speech", timeout=0.05)  # another lane is idle
    release.set()
    assert runner.wait_idle(timeout=WAIT)


def test_shutdown_cancels_everything_delivers_the_last_events_and_is_idempotent() -> None:
    r = JobRunner()
    rec = Recorder()
    r.subscribe(rec)
    release, fn = blocker()
    started = threading.Event()
    running = r.submit("ingest", lambda progress, cancel: started.set() or fn(progress, cancel))
    queued = r.submit("ingest", lambda progress, cancel: "never")
    other = r.submit("speech", fn)
    assert started.wait(WAIT)
    assert r.shutdown(WAIT)
    assert r.shutdown(WAIT)  # twice is harmless
    assert {j.state for j in (running, queued, other)} == {JobState.CANCELLED}
    assert queued.result is None
    for j in (running, queued, other):  # delivered before shutdown() returned
        assert [e for e in rec.of(j.id) if e.final]
    assert not [t for t in threading.enumerate() if t.name in ("sova-ingest", "sova-speech", "sova-job-events")
                and t.is_alive()]
    with pytest.raises(JobsClosed) as err:
        r.submit("ingest", lambda progress, cancel: None)
    assert err.value.code == "jobs_closed" and r.closed


def test_cancel_by_lane_and_kind(runner: JobRunner) -> None:
    runner.pause("ingest")
    a = runner.submit("ingest", lambda progress, cancel: None, kind="documents.add")
    b = runner.submit("ingest", lambda progress, cancel: None, kind="documents.rescan")
    c = runner.submit("speech", lambda progress, cancel: None, kind="documents.add")
    assert runner.cancel("ingest", kind="documents.add") == 1
    assert a.state == JobState.CANCELLED and b.state == JobState.QUEUED
    runner.resume("ingest")
    assert b.wait(WAIT) and c.wait(WAIT) and b.state == c.state == JobState.DONE
