"""The job runner: long work (indexing, transcription, later training) off the caller's thread.

Work is grouped in lanes named after the resource it uses ("ingest", "speech",
"training"). Each lane has one worker thread, created on first use, so a resource that
is not thread-safe is only ever touched by one job at a time; jobs in a lane run in
priority order (interactive, background, batch), first come first served within a
priority. A job is ``fn(progress, cancel) -> result`` (the core's convention for long
work); ``submit`` returns a ``Job`` handle that any thread may cancel or wait on.

Observers subscribe to typed ``JobEvent``s. Listeners run on the runner's own event
thread, never on a lane's worker: a slow or failing listener cannot hold up or kill a
job. Progress is coalesced to at most ``PROGRESS_HZ`` events a second per job (the
newest one wins); state changes and streamed items are always delivered, in order.

Stream jobs (``submit_stream``) yield items (transcript segments); between two items
the worker runs any job of a higher priority that is waiting in the same lane, so a
dictation does not wait for a long file transcription to finish.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping

from app.core.service.scheduler import Priority
from app.core.types import Cancelled, CancelToken, ProgressCallback, SovaError

log = logging.getLogger(__name__)

PROGRESS_HZ = 20  # progress events per second and job, at most
_PROGRESS_INTERVAL_S = 1.0 / PROGRESS_HZ

JobFn = Callable[[ProgressCallback, CancelToken], Any]
StreamFn = Callable[[ProgressCallback, CancelToken], Iterable[Any]]
JobListener = Callable[["JobEvent"], None]

__all__ = ["Job", "JobEvent", "JobRunner", "JobState", "JobsClosed", "Priority", "PROGRESS_HZ"]


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def final(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)


class JobsClosed(SovaError):
    """The runner was shut down (the app is closing): no new jobs are taken."""

    code = "jobs_closed"


@dataclass(frozen=True)
class JobEvent:
    """What happened to a job. ``change`` says which: "state" (``state`` is new),
    "progress" (``fraction``/``text`` are new) or "item" (a stream job yielded ``item``).

    A failed job's event carries the exception in ``error`` and its ``code`` (a
    SovaError's code, else "error"); ``text`` is then the exception's message.
    """

    job_id: int
    lane: str
    kind: str
    name: str
    state: JobState
    change: str
    fraction: float | None = None
    text: str = ""
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
    item: Any = None
    error: BaseException | None = None

    @property
    def final(self) -> bool:
        """The job's last event: it is done, failed or cancelled."""
        return self.change == "state" and self.state.final


class Job:
    """A handle on one submitted job: its state, progress and outcome; cancel() and wait()."""

    def __init__(self, runner: "JobRunner", fn: Callable[["Job"], Any], lane: str, *, name: str, kind: str,
                 priority: Priority, params: Mapping[str, Any]) -> None:
        self.id = next(runner._ids)
        self.lane = lane
        self.name = name
        self.kind = kind
        self.priority = priority
        self.params: Mapping[str, Any] = MappingProxyType(dict(params))
        self.state = JobState.QUEUED
        self.fraction: float | None = None
        self.message = ""
        self.result: Any = None
        self.error: BaseException | None = None
        self.token = CancelToken()
        self._runner = runner
        self._fn = fn
        self._done = threading.Event()

    def __repr__(self) -> str:
        return f"<Job {self.id} {self.lane}/{self.kind} {self.state}>"

    @property
    def done(self) -> bool:
        """The job ended (done, failed or cancelled)."""
        return self._done.is_set()

    @property
    def cancelled(self) -> bool:
        """cancel() was called (the job may still be finishing)."""
        return self.token.cancelled

    def cancel(self) -> None:
        """From any thread: a queued job is dropped, a running one sees its token set."""
        self._runner._cancel(self)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ended; False if ``timeout`` seconds passed first."""
        return self._done.wait(timeout)


class _Lane:
    def __init__(self, name: str) -> None:
        self.name = name
        self.heap: list[tuple[int, int, Job]] = []  # (priority, sequence, job)
        self.thread: threading.Thread | None = None
        self.paused = False
        self.running: list[Job] = []  # the running job, and the ones run at its yield points


class _Progress:
    """A progress event waiting in the event queue; later progress of the job replaces it."""

    __slots__ = ("event",)

    def __init__(self, event: JobEvent) -> None:
        self.event = event


class JobRunner:
    """Lanes of serial jobs with priorities, progress, cancel and observers (see the module)."""

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._seq = itertools.count()
        self._cv = threading.Condition(threading.RLock())
        self._lanes: dict[str, _Lane] = {}
        self._live: dict[int, Job] = {}
        self._closed = False
        self._listeners: list[JobListener] = []
        # Events travel from the workers to the event thread through this queue.
        self._events: deque[JobEvent | _Progress] = deque()
        self._open_progress: dict[int, _Progress] = {}  # job id -> its progress still in the queue
        self._dispatcher: threading.Thread | None = None

    # ---- submitting ---------------------------------------------------------------------

    def submit(self, lane: str, fn: JobFn, *, name: str = "", kind: str = "job",
               priority: Priority = Priority.BACKGROUND, params: Mapping[str, Any] | None = None) -> Job:
        """Queue ``fn(progress, cancel)`` on ``lane``; its return value becomes ``Job.result``.

        Raises JobsClosed after shutdown().
        """
        return self._submit(lane, lambda job: fn(self._progress_for(job), job.token), name=name, kind=kind,
                            priority=priority, params=params)

    def submit_stream(self, lane: str, fn: StreamFn, *, name: str = "", kind: str = "job",
                      priority: Priority = Priority.BACKGROUND, params: Mapping[str, Any] | None = None) -> Job:
        """Queue a job that yields items: each becomes a JobEvent with ``change == "item"``
        (never coalesced), and ``Job.result`` is the list of them.

        The job ends as cancelled at the first item after cancel(). Between items, jobs of
        a higher priority waiting in the lane run first (the generator waits meanwhile).
        """

        def run(job: Job) -> list[Any]:
            items: list[Any] = []
            gen = fn(self._progress_for(job), job.token)
            try:
                for item in gen:
                    items.append(item)
                    self._publish(self._event(job, "item", item=item))
                    job.token.raise_if_cancelled()
                    self._run_waiting_above(job)
                    job.token.raise_if_cancelled()
            finally:
                close = getattr(gen, "close", None)
                if close is not None:
                    close()
            return items

        return self._submit(lane, run, name=name, kind=kind, priority=priority, params=params)

    def _submit(self, lane: str, fn: Callable[[Job], Any], *, name: str, kind: str, priority: Priority,
                params: Mapping[str, Any] | None) -> Job:
        job = Job(self, fn, lane, name=name or kind, kind=kind, priority=Priority(priority), params=params or {})
        with self._cv:
            if self._closed:
                raise JobsClosed("The app is closing: no new work is started.")
            ln = self._lane(lane)
            heapq.heappush(ln.heap, (int(job.priority), next(self._seq), job))
            self._live[job.id] = job
            self._publish(self._event(job, "state"))
            if ln.thread is None:
                ln.thread = threading.Thread(target=self._work, args=(ln,), name=f"sova-{lane}", daemon=True)
                ln.thread.start()
            self._cv.notify_all()
        return job

    def _lane(self, name: str) -> _Lane:
        ln = self._lanes.get(name)
        if ln is None:
            ln = self._lanes[name] = _Lane(name)
        return ln

    # ---- observing ----------------------------------------------------------------------

    def subscribe(self, listener: JobListener) -> Callable[[], None]:
        """Call ``listener(JobEvent)`` for every job from now on (on the runner's event
        thread: a UI must hop to its own). Returns a function that unsubscribes."""
        with self._cv:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._cv:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def jobs(self, lane: str | None = None) -> list[Job]:
        """The jobs queued or running (in ``lane``, or in every lane), oldest first."""
        with self._cv:
            return [j for j in self._live.values() if lane is None or j.lane == lane]

    def job(self, job_id: int) -> Job | None:
        """A live job by its id (None once it ended)."""
        with self._cv:
            return self._live.get(job_id)

    # ---- control ------------------------------------------------------------------------

    def pause(self, lane: str) -> None:
        """Start no new job in ``lane`` until resume() (the running one goes on)."""
        with self._cv:
            self._lane(lane).paused = True

    def resume(self, lane: str) -> None:
        with self._cv:
            self._lane(lane).paused = False
            self._cv.notify_all()

    def paused(self, lane: str) -> bool:
        with self._cv:
            ln = self._lanes.get(lane)
            return bool(ln is not None and ln.paused)

    def cancel(self, lane: str | None = None, *, kind: str | None = None) -> int:
        """Cancel every live job (of ``lane``, of ``kind``); returns how many."""
        jobs = [j for j in self.jobs(lane) if kind is None or j.kind == kind]
        for j in jobs:
            j.cancel()
        return len(jobs)

    def wait_idle(self, lane: str | None = None, timeout: float | None = None) -> bool:
        """Block until no job is queued or running (in ``lane``); False on timeout."""
        end = None if timeout is None else time.monotonic() + timeout
        with self._cv:
            while any(lane is None or j.lane == lane for j in self._live.values()):
                left = None if end is None else end - time.monotonic()
                if left is not None and left <= 0:
                    return False
                self._cv.wait(left)
            return True

    def shutdown(self, timeout: float = 10.0) -> bool:
        """Cancel every job, wait up to ``timeout`` s for the workers, deliver the last
        events; True if everything stopped in time. Safe to call twice."""
        end = time.monotonic() + timeout
        with self._cv:
            self._closed = True
            jobs = list(self._live.values())
        for j in jobs:
            j.cancel()
        with self._cv:
            self._cv.notify_all()
            threads = [ln.thread for ln in self._lanes.values() if ln.thread is not None]
        ok = True
        for t in threads:
            if t is not threading.current_thread():
                t.join(max(0.0, end - time.monotonic()))
                ok = ok and not t.is_alive()
        with self._cv:
            dispatcher = self._dispatcher
            self._cv.notify_all()
        if dispatcher is not None and dispatcher is not threading.current_thread():
            dispatcher.join(max(0.0, end - time.monotonic()))
            ok = ok and not dispatcher.is_alive()
        return ok

    @property
    def closed(self) -> bool:
        return self._closed

    # ---- workers ------------------------------------------------------------------------

    def _cancel(self, job: Job) -> None:
        with self._cv:
            job.token.cancel()
            if job.state != JobState.QUEUED:
                return  # running: it stops at its next check; ended: nothing to do
            ln = self._lanes[job.lane]
            ln.heap = [e for e in ln.heap if e[2] is not job]
            heapq.heapify(ln.heap)
            self._finish(job, JobState.CANCELLED)

    def _next_job(self, ln: _Lane, above: Priority | None = None) -> Job | None:
        """Take the lane's next job and mark it running (the lock is held)."""
        if ln.paused or not ln.heap or (above is not None and ln.heap[0][0] >= int(above)):
            return None
        job = heapq.heappop(ln.heap)[2]
        job.state = JobState.RUNNING
        ln.running.append(job)
        self._publish(self._event(job, "state"))
        return job

    def _work(self, ln: _Lane) -> None:
        while True:
            with self._cv:
                job = self._next_job(ln)
                while job is None:
                    if self._closed and not ln.heap:
                        ln.thread = None
                        self._cv.notify_all()  # the event thread ends after the last worker
                        return
                    self._cv.wait()
                    job = self._next_job(ln)
            self._execute(ln, job)

    def _run_waiting_above(self, current: Job) -> None:
        """At a stream job's yield point: run the lane's waiting jobs of a higher priority."""
        ln = self._lanes[current.lane]
        while True:
            with self._cv:
                job = None if self._closed else self._next_job(ln, above=current.priority)
            if job is None:
                return
            self._execute(ln, job)

    def _execute(self, ln: _Lane, job: Job) -> None:
        state = JobState.DONE
        try:
            job.result = job._fn(job)
            if job.token.cancelled:
                state = JobState.CANCELLED
        except Cancelled:
            state = JobState.CANCELLED
        except Exception as exc:  # noqa: BLE001 - a failing job never takes its lane down
            job.error = exc
            state = JobState.FAILED
            if isinstance(exc, SovaError):
                log.info("job %s (%s) failed: %s [%s]", job.id, job.kind, exc, exc.code)
            else:
                log.exception("job %s (%s) failed", job.id, job.kind)
        with self._cv:
            if job in ln.running:
                ln.running.remove(job)
            self._finish(job, state)

    def _finish(self, job: Job, state: JobState) -> None:
        """Record the outcome, tell the observers, wake waiters (the lock is held)."""
        job.state = state
        self._live.pop(job.id, None)
        job._done.set()
        err = job.error
        self._publish(self._event(job, "state", text=str(err) if err is not None else job.message,
                                  code=(getattr(err, "code", "error") if err is not None else "")))
        self._cv.notify_all()

    # ---- events -------------------------------------------------------------------------

    def _progress_for(self, job: Job) -> ProgressCallback:
        def progress(fraction: float | None, text: str) -> None:
            if job.done:
                return  # a callback kept past the job's end
            job.fraction, job.message = fraction, text
            self._publish(self._event(job, "progress"))

        return progress

    def _event(self, job: Job, change: str, *, item: Any = None, text: str | None = None, code: str = "") -> JobEvent:
        return JobEvent(job.id, job.lane, job.kind, job.name, job.state, change, job.fraction,
                        job.message if text is None else text, code, job.params, item,
                        job.error if change == "state" else None)

    def _publish(self, ev: JobEvent) -> None:
        with self._cv:
            if not self._listeners and self._dispatcher is None:
                return  # nobody listens yet: nothing to deliver
            if ev.change == "progress":
                pending = self._open_progress.get(ev.job_id)
                if pending is not None:
                    pending.event = ev  # still queued: the newest progress replaces it
                    return
                box = self._open_progress[ev.job_id] = _Progress(ev)
                self._events.append(box)
            else:
                # Progress queued before this event stays before it; later progress queues anew.
                self._open_progress.pop(ev.job_id, None)
                self._events.append(ev)
            if self._dispatcher is None:
                self._dispatcher = threading.Thread(target=self._dispatch, name="sova-job-events", daemon=True)
                self._dispatcher.start()
            self._cv.notify_all()

    def _dispatch(self) -> None:
        """The event thread: deliver events in order, progress at most PROGRESS_HZ per job."""
        last: dict[int, float] = {}  # job id -> when its last progress was delivered
        held: dict[int, JobEvent] = {}  # progress that came too early, delivered when due
        while True:
            with self._cv:
                while not self._events:
                    if held:
                        due = min(last[i] + _PROGRESS_INTERVAL_S for i in held) - time.monotonic()
                        if due <= 0:
                            break
                        self._cv.wait(due)
                    else:
                        if self._closed and not any(ln.thread for ln in self._lanes.values()):
                            self._dispatcher = None
                            return
                        self._cv.wait()
                batch: list[JobEvent | _Progress] = list(self._events)
                self._events.clear()
                for entry in batch:
                    if isinstance(entry, _Progress) and self._open_progress.get(entry.event.job_id) is entry:
                        del self._open_progress[entry.event.job_id]
                listeners = list(self._listeners)
            now = time.monotonic()
            for entry in batch:
                if isinstance(entry, _Progress):
                    ev = entry.event
                    if now - last.get(ev.job_id, -1e9) < _PROGRESS_INTERVAL_S:
                        held[ev.job_id] = ev
                        continue
                    held.pop(ev.job_id, None)
                    last[ev.job_id] = now
                    self._deliver(listeners, ev)
                    continue
                early = held.pop(entry.job_id, None)
                if early is not None:  # keep the order: that progress came before this event
                    self._deliver(listeners, early)
                self._deliver(listeners, entry)
                if entry.final:
                    last.pop(entry.job_id, None)
            now = time.monotonic()
            for job_id in [i for i in held if now - last[i] >= _PROGRESS_INTERVAL_S]:
                last[job_id] = now
                self._deliver(listeners, held.pop(job_id))

    @staticmethod
    def _deliver(listeners: list[JobListener], ev: JobEvent) -> None:
        for fn in listeners:
            try:
                fn(ev)
            except Exception:  # noqa: BLE001 - one observer's bug must not silence the others
                log.exception("job listener failed on %s", ev)
