"""Indexing for the documents panel: jobs on the core's "ingest" lane and the live status of files.

Threads: the library reports per-file status from its worker threads. The listener only
stores the newest record per file under a lock and, once per batch, emits a queued
signal; the UI thread applies everything that arrived at most every ``FLUSH_MS``, so a
folder of thousands of files costs a handful of repaints a second. Indexing jobs (add,
re-index, password retry, resume after a crash) go to the core's job runner, on its
"ingest" lane, which runs them one at a time; the panel follows them through its job
events (app.ui.jobs). The UI thread never waits on the index.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.core.types import CancelToken, ProgressCallback
from app.ui import workers
from app.ui.documents.model import ACTIVE, INDEXED, MIN_WEIGHT, PASSWORD
from app.ui.jobs import JobBridge
from app.ui.workers import FunctionWorker

if TYPE_CHECKING:
    from PySide6.QtCore import SignalInstance

    from app.core.assistant import Assistant, DocumentLibrary, DocumentRecord, Job, JobEvent
    from app.ui.documents.model import DocumentsModel
    from app.ui.documents.passwords import PasswordPrompts

LOADING_EMBEDDER = "\x00loading-embedder"  # a job's progress text: the model is loading
LANE = "ingest"  # the job runner's lane for indexing (the document library's LANE)
FLUSH_MS = 100  # status updates are applied (and the list repainted) at most 10 times a second
POLL_MS = 500  # while indexing: notice the end of jobs the library runs on its own


class StatusBridge(QObject):
    """Carries status records from the library's threads to the UI thread, coalesced."""

    sig_pending = Signal()  # queued to the UI thread: records are waiting

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: dict[str, "DocumentRecord"] = {}
        self._signalled = False
        self.received = 0  # records seen (tests and the responsiveness benchmark)

    def push(self, rec: "DocumentRecord") -> None:
        """Any thread: keep the newest record per file; signal once until taken."""
        with self._lock:
            self._pending[rec.path] = rec
            self.received += 1
            if self._signalled:
                return
            self._signalled = True
        try:
            self.sig_pending.emit()
        except RuntimeError:
            pass  # the panel was deleted (the window closed while a job still ran)

    def take(self) -> list["DocumentRecord"]:
        with self._lock:
            out = list(self._pending.values())
            self._pending.clear()
            self._signalled = False
        return out


class IndexingJobs:
    """The indexing half of DocumentsPanel (mixed into it): opens the library, submits and
    follows the jobs, applies status records and measures the batch's progress."""

    if TYPE_CHECKING:  # provided by DocumentsPanel
        model: DocumentsModel
        passwords: PasswordPrompts
        sig_changed: SignalInstance
        sig_idle: SignalInstance
        destroyed: SignalInstance

        def _update_view(self) -> None: ...
        def _update_progress(self) -> None: ...
        def _update_pause_button(self) -> None: ...
        def _refresh(self) -> None: ...

    def _init_indexing(self, assistant: "Assistant") -> None:
        """Called once by the panel's constructor, before its widgets are built."""
        self.assistant = assistant
        self.library: "DocumentLibrary | None" = None
        self._lib_lock = threading.Lock()
        self._unsubscribe: Callable[[], None] | None = None
        # The job runner queues and runs the indexing jobs; the panel keeps the handles of
        # its own (for their results) and the ids of every live job on the lane.
        self.jobs = assistant.jobs
        self._handles: dict[int, "Job"] = {}
        self._lane_jobs: set[int] = set()
        self._init_started = False
        self._batch: dict[str, int] = {}  # files of the running batch -> weight
        self._batch_t0 = 0.0
        self._paused_at: float | None = None
        self._paused_total = 0.0
        self._eta: float | None = None
        self._skipped: list[tuple[str, str]] = []
        self._error = ""  # the last job's unexpected failure, shown in the summary
        self._refreshing = 0  # full reloads in flight: idle is reported after them
        self._loading_embedder = False
        self._closed = False

        self.bridge = StatusBridge(self)
        self.bridge.sig_pending.connect(self._schedule_flush, Qt.ConnectionType.QueuedConnection)
        self.job_bridge = JobBridge(self.jobs, (LANE,), self)
        self.job_bridge.sig_job.connect(self._on_job)
        self._lane_jobs.update(j.id for j in self.jobs.jobs(LANE))  # after subscribing: no end is missed
        handles = self._handles
        # Deleted while its jobs run (the window closed): they have no one to report to.
        self.destroyed.connect(lambda *_: [j.cancel() for j in list(handles.values())])
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        self._flush_timer.setInterval(FLUSH_MS)
        self._flush_timer.timeout.connect(self._flush)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self._check_idle)

    # ---- public API ------------------------------------------------------------------------

    def add_paths(self, paths: list[Path], collection: str | None = None) -> None:
        """Index files and folders in the background; their rows appear and update live."""
        paths = [Path(p) for p in paths]
        if not paths:
            return
        self.passwords.add_mine(os.path.abspath(p) for p in paths)
        lib_paths = list(paths)
        indexed = {it.rec.path for it in self.model.items() if it.status == INDEXED}

        def run(progress: ProgressCallback, cancel: CancelToken) -> Any:
            lib = self._lib()
            self._announce(lib, lib_paths, collection, indexed)
            self._load_embedder(lib, progress)
            return lib.add_paths(lib_paths, progress, cancel, collection=collection)

        self._enqueue("add", run, [str(p) for p in paths])

    def _announce(self, lib: "DocumentLibrary", paths: list[Path], collection: str | None, indexed: set[str]) -> None:
        """Worker: show the files as queued at once (the library marks them only once its
        embedding model is loaded, which takes a while the first time)."""
        from app.core.assistant import DocumentRecord, FileStatus

        jobs, skipped = lib.plan(paths, collection)
        for j in jobs:
            if str(j.path) not in indexed:
                self.bridge.push(DocumentRecord(path=str(j.path), status=FileStatus.QUEUED,
                                                collection=j.collection, detail="queued"))
        named = {os.path.abspath(p) for p in paths}
        for f in skipped:  # a file the user named but that cannot be read: its reason now
            if str(f.path) in named:
                self.bridge.push(DocumentRecord(path=str(f.path), status=FileStatus.FAILED,
                                                collection=collection or "default", error=f.error))

    def _load_embedder(self, lib: "DocumentLibrary", progress: ProgressCallback) -> None:
        """Worker: load the embedding model with a visible stage (it can take many seconds)."""
        progress(None, LOADING_EMBEDDER)
        lib.embedder  # noqa: B018 - loads it
        progress(None, "")

    def reindex(self, paths: list[str]) -> None:
        """Read and embed these files again (even unchanged), in the background."""
        if not paths:
            return

        def run(progress: ProgressCallback, cancel: CancelToken) -> Any:
            self._load_embedder(self._lib(), progress)
            reports = []
            for p in paths:
                cancel.raise_if_cancelled()
                reports.append(self._lib().reindex(p, progress, cancel))
            return reports

        self.passwords.add_mine(paths)
        self._enqueue("reindex", run, list(paths))

    def set_password(self, path: str, password: str) -> None:
        """Index an encrypted PDF with this password (a wrong one asks again)."""
        self.passwords.allow(path)

        def run(progress: ProgressCallback, cancel: CancelToken) -> Any:
            return self._lib().set_password(path, password, progress, cancel)

        self._enqueue("password", run, [path])

    def remove(self, paths: list[str]) -> None:
        """Forget files and their passages (in a worker: the vector index is written)."""
        if not paths or self.library is None:
            return
        lib = self.library
        worker = FunctionWorker(lambda: [lib.remove(p) for p in paths])
        worker.signals.sig_finished.connect(self._refresh)
        workers.start(worker)

    @property
    def working(self) -> bool:
        """An indexing job is queued or running (ours, another's on the lane, or the library's own)."""
        lib_busy = bool(self.library is not None and self.library.busy)
        return bool(self._handles) or bool(self._lane_jobs) or lib_busy

    def toggle_pause(self) -> None:
        lib = self._lib()
        if lib.paused:
            lib.resume()
            if self._paused_at is not None:
                self._paused_total += time.monotonic() - self._paused_at
            self._paused_at = None
        else:
            lib.pause()
            self._paused_at = time.monotonic()
        self._update_pause_button()
        self._update_progress()

    def cancel(self) -> None:
        """Stop the running job and drop the queued ones; indexed files stay."""
        for job in list(self._handles.values()):
            if job.kind != "documents.init":
                job.cancel()
        if self.library is not None:
            self.library.cancel()
        self._paused_at = None
        self._update_pause_button()

    def close_panel(self) -> None:
        """Stop listening to the library (the window is closing)."""
        self._closed = True
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.job_bridge.close()
        self._poll.stop()
        self._flush_timer.stop()

    # ---- jobs ------------------------------------------------------------------------------

    def _lib(self) -> "DocumentLibrary":
        # Opened by the init job (a worker) or by the first action, whichever comes first.
        with self._lib_lock:
            if self.library is None:
                self.library = self.assistant.documents
            return self.library

    def _init_job(self, progress: ProgressCallback, cancel: CancelToken) -> Any:
        lib = self._lib()
        if self._unsubscribe is None:
            self._unsubscribe = lib.subscribe(self.bridge.push)
        records = lib.files()
        # Work a killed app left: files not finished, or not embedded by today's embedder.
        unfinished = any(str(r.status) in ACTIVE for r in records)
        name = lib.settings.documents.embedder
        missing = bool(records) and name in ("e5-small", "minilm") and bool(
            lib.indexed_missing_embedder(name))
        return records, unfinished or missing

    def _start_init(self) -> None:
        """Submit the job that opens the library and lists its files (once, before any other)."""
        if self._init_started or self._closed:
            return
        self._init_started = True
        self._submit("init", self._init_job, [], interactive=True)

    def _enqueue(self, kind: str, run: Callable[[ProgressCallback, CancelToken], Any], paths: list[str]) -> None:
        self._start_init()
        self._submit(kind, run, paths)
        self._update_pause_button()
        self._update_progress()

    def _submit(self, kind: str, run: Callable[[ProgressCallback, CancelToken], Any], paths: list[str],
                interactive: bool = False) -> None:
        from app.core.assistant import JobsClosed, Priority

        # The start-up jobs go before additions queued meanwhile; additions keep their order.
        priority = Priority.INTERACTIVE if interactive else Priority.BACKGROUND
        try:
            job = self.jobs.submit(LANE, run, name=kind, kind=f"documents.{kind}", priority=priority,
                                   params={"paths": paths})
        except JobsClosed:
            return  # the app is closing
        self._handles[job.id] = job
        self._lane_jobs.add(job.id)

    def _on_job(self, ev: "JobEvent") -> None:
        """A job on the ingest lane changed (UI thread): ours report their outcome here."""
        if ev.final:
            self._lane_jobs.discard(ev.job_id)
        else:
            self._lane_jobs.add(ev.job_id)
        job = self._handles.get(ev.job_id)
        if job is None:  # another's indexing (the library's own, a transcript): shown as working
            if not ev.final and not self._closed and not self._poll.isActive():
                self._poll.start()
                self._update_pause_button()
            return
        if ev.change == "progress":
            self._on_job_progress(ev.fraction, ev.text)
        elif ev.final:
            del self._handles[ev.job_id]
            if ev.state == "done":
                self._job_result(job, job.result)
            elif ev.state == "failed" and job.error is not None:
                self._job_error(job, job.error)
            self._job_finished(job)
        elif ev.state == "running" and ev.change == "state" and job.kind != "documents.init":
            self._error = ""
            self._poll.start()
            self._update_pause_button()

    def _on_job_progress(self, _fraction: object, text: str) -> None:
        stage = text == LOADING_EMBEDDER
        if stage != self._loading_embedder:
            self._loading_embedder = stage
            self._update_progress()

    def _job_result(self, job: "Job", result: Any) -> None:
        if job.kind == "documents.init":
            records, resume = result
            self.model.reset(records)
            self._update_view()
            lib = self._lib()
            if self._unsubscribe is not None:
                # Stop listening when the panel goes away (the library may outlive it).
                self.destroyed.connect(self._unsubscribe)
            if resume:
                def run(progress: ProgressCallback, cancel: CancelToken) -> Any:
                    self._load_embedder(lib, progress)
                    return lib.resume_pending(progress, cancel)

                # Before additions queued while the library opened, as the work is older.
                self._submit("resume", run, [], interactive=True)
            if lib.settings.documents.watched_folders:
                lib.start_watching()
            return
        self._flush()  # the job's last status records first: the rows match the report
        reports = result if isinstance(result, list) else [result]
        skipped = [(str(f.path), f.error or "") for r in reports for f in getattr(r, "files", [])
                   if f.status == "skipped"]
        if skipped:
            self._skipped = skipped
        # Passwords: a prompt for every encrypted file this job met (events may be coalesced).
        for r in reports:
            for f in getattr(r, "files", []):
                if f.status == "password":
                    self.passwords.maybe_ask(str(f.path), f.error or "")

    def _job_error(self, job: "Job", exc: BaseException) -> None:
        self._error = str(exc) or type(exc).__name__
        self._update_view()

    def _job_finished(self, job: "Job") -> None:
        self._loading_embedder = False
        if self._closed:
            return
        self._flush()
        if not self._handles:
            self._refresh()
        self._update_pause_button()
        self._update_progress()

    def _check_idle(self) -> None:
        """While indexing: when every job ended, close the batch and tell the tests."""
        live = {j.id for j in self.jobs.jobs(LANE)}  # a job that ended before we subscribed
        self._lane_jobs = {i for i in self._lane_jobs if i in live or i in self._handles}
        self.model.working = self.working
        if self.model.working or self._refreshing:
            return
        self._poll.stop()
        if self._batch:
            self._batch.clear()
            self._eta = None
            self.model.refresh_all()
        if self.library is not None and self.library.paused:
            self.library.resume()  # a paused gate would hold the next job before it starts
            self._paused_at = None
        self._update_progress()
        self._update_view()
        self.sig_idle.emit()

    # ---- status updates ------------------------------------------------------------------------

    def _schedule_flush(self) -> None:
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        """Apply the records that arrived since the last flush (UI thread)."""
        self._flush_timer.stop()
        records = self.bridge.take()
        if not records:
            return
        self.model.working = self.working
        self.model.apply(records)
        now = time.monotonic()
        for rec in records:
            status = str(rec.status)
            if status in ACTIVE and rec.path not in self._batch:
                if not self._batch:
                    self._batch_t0 = now
                    self._paused_total = 0.0
                    self._eta = None
                it = self.model.item_for(rec.path)
                self._batch[rec.path] = it.weight if it else MIN_WEIGHT
                if not self._poll.isActive():
                    self._poll.start()
            elif status == PASSWORD:
                self.passwords.maybe_ask(rec.path, rec.error or "")
        self._update_progress()
        self._update_view()
        self.sig_changed.emit()

    # ---- overall progress -----------------------------------------------------------------

    def overall(self) -> tuple[float, int, int]:
        """(fraction of the batch done by size, files finished, files in the batch)."""
        total = sum(self._batch.values())
        if not total:
            return 0.0, 0, 0
        done = 0.0
        finished = 0
        for path, w in self._batch.items():
            it = self.model.item_for(path)
            f = 1.0 if it is None else it.fraction()
            if it is None or it.status not in ACTIVE:
                finished += 1
            done += w * f
        return done / total, finished, len(self._batch)

    def _estimate(self, frac: float) -> float | None:
        """Seconds left, smoothed (the batch's rate so far, pauses excluded)."""
        now = time.monotonic()
        paused = self._paused_total + (now - self._paused_at if self._paused_at else 0.0)
        elapsed = now - self._batch_t0 - paused
        if frac < 0.01 or elapsed < 2.0:
            return None
        raw = elapsed * (1.0 - frac) / frac
        self._eta = raw if self._eta is None else 0.7 * self._eta + 0.3 * raw
        return self._eta
