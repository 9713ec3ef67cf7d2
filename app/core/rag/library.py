"""DocumentLibrary: the documents feature as the facade, the CLI and the panel see it.

Adds files and folders (incremental, resumable), answers retrieval queries with
numbered citations, and reports per-file status. Thread model: any number of callers
may query; ingest runs one batch at a time (a lock), either in the caller's worker
thread (``add_paths``) or as a job on the job runner's "ingest" lane (``submit``,
watched folders). Chroma writes go through the index's single writer thread.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from app.core import config as config_mod
from app.core.config import Paths, Settings
from app.core.rag.embedder import Embedder, create_embedder
from app.core.rag.ingest import FileJob, FileResult, IngestReport, Ingestor, PauseGate, StatusListener
from app.core.rag.registry import UNFINISHED, DocumentRecord, FileStatus, Registry
from app.core.rag.retrieval import (  # noqa: F401  (the names callers import from here)
    LEXICAL_RESCUE,
    MAX_OVERFETCH,
    OVERFETCH_MARGIN,
    RELEVANCE_THRESHOLDS,
    TAIL_MARGIN,
    Found,
    Retrieval,
)
from app.core.rag.transcripts import (  # noqa: F401  (the names callers import from here)
    transcript_heading,
    transcript_seconds,
    transcript_sections,
)
from app.core.types import CancelToken, Cancelled, ProgressCallback, no_progress

if TYPE_CHECKING:
    from app.core.service.jobs import Job, JobRunner

log = logging.getLogger(__name__)

DEFAULT_COLLECTION = "default"
LANE = "ingest"  # the job runner's lane for everything that writes the index


class _LinkedCancel(CancelToken):
    """Cancelled when either the caller's token or the library's own one is set."""

    def __init__(self, outer: CancelToken | None, inner: CancelToken) -> None:
        super().__init__()
        self._outer = outer
        self._inner = inner

    @property
    def cancelled(self) -> bool:
        return bool(self._inner.cancelled or (self._outer is not None and self._outer.cancelled))

    def cancel(self) -> None:
        self._inner.cancel()

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def wait(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.cancelled:
                return True
            time.sleep(min(0.05, max(0.0, end - time.monotonic())))
        return self.cancelled


@dataclass(frozen=True)
class IngestProgress:
    """Overall state of the running ingest (for the panel's progress bar)."""

    running: bool
    fraction: float | None
    text: str
    eta_seconds: float | None


@dataclass(frozen=True)
class CollectionInfo:
    name: str
    files: int
    chunks: int


class DocumentLibrary(Retrieval):
    """Indexed documents: add, watch, remove, re-index, and retrieve with citations."""

    def __init__(
        self,
        paths: Paths,
        settings: Settings,
        *,
        embedder_factory: Callable[[str], Embedder] | None = None,
        open_document: Callable[..., Any] | None = None,
        chunk_sections: Callable[..., Any] | None = None,
        chroma_client: Any = None,
        jobs: "JobRunner | None" = None,
    ) -> None:
        """``jobs``: the app's job runner (background ingest runs on its "ingest" lane);
        without one the library starts its own and shuts it down in close()."""
        self.paths = paths
        self.settings = settings
        paths.index.mkdir(parents=True, exist_ok=True)
        self.registry = Registry(paths.index / "registry.sqlite3")
        self._embedder_factory = embedder_factory or (
            lambda name: create_embedder(name, threads=settings.generation.n_threads)
        )
        self._open_document = open_document
        self._chunk_sections = chunk_sections
        self._client = chroma_client
        self._embedders: dict[str, Embedder] = {}
        self._indexes: dict[str, Any] = {}
        self._lock = threading.RLock()  # guards the dicts above
        self._ingest_lock = threading.Lock()  # one ingest batch at a time
        self._gate = PauseGate()
        self._cancel = CancelToken()
        self._listeners: list[StatusListener] = []
        self._live: dict[str, DocumentRecord] = {}
        self._passwords: dict[str, str] = {}
        self._runner = jobs
        self._own_runner = jobs is None
        self._submitted: list["Job"] = []  # this library's jobs on the lane (pruned as they end)
        self._jobs_lock = threading.Lock()  # not _lock: the UI asks `busy` while _lock opens the index
        self._watch_thread: threading.Thread | None = None
        self._watch_stop = threading.Event()
        self._watch_seen: dict[str, tuple[float, int]] = {}
        self._closed = False
        self._stats: dict[str, Any] = {}
        self._search_pool: Any = None  # the lexical side of search() (created on first use)
        self._progress_listeners: list[Callable[[IngestProgress], None]] = []
        self.progress_state = IngestProgress(False, None, "", None)

    # ---- components (lazy: chromadb and models load on first use) --------------------------

    @property
    def embedder_name(self) -> str:
        return self.embedder.name

    @property
    def embedder(self) -> Embedder:
        return self.embedder_for(self.settings.documents.embedder)

    def embedder_for(self, setting: str) -> Embedder:
        """The embedder named by ``setting``, loaded once and shared (memory uses e5)."""
        with self._lock:
            if setting not in self._embedders:
                self._embedders[setting] = self._embedder_factory(setting)
            return self._embedders[setting]

    def _client_(self) -> Any:
        from app.core.rag.index import open_client

        if self._client is None:
            d = self.settings.documents
            self._client = open_client(self.paths.index, d.chroma_mode, d.chroma_host, d.chroma_port)
        return self._client

    def _index_for(self, embedder: Embedder) -> Any:
        from app.core.rag.index import ChromaIndex

        with self._lock:
            if embedder.name not in self._indexes:
                idx = ChromaIndex(self._client_(), embedder, embedder.name)
                self._indexes[embedder.name] = idx
                # Clean up after a killed run: vectors without a registry commit.
                self._ingestor(embedder, idx).recover()
            return self._indexes[embedder.name]

    @property
    def index(self) -> Any:
        return self._index_for(self.embedder)

    def _ingestor(self, embedder: Embedder, index: Any) -> Ingestor:
        if self._open_document is None or self._chunk_sections is None:
            from app.core.rag.chunking import chunk_sections
            from app.core.rag.loaders import open_document

            self._open_document = self._open_document or open_document
            self._chunk_sections = self._chunk_sections or chunk_sections
        d = self.settings.documents
        return Ingestor(
            self.registry, index, embedder,
            open_document=self._open_document, chunk_sections=self._chunk_sections,
            chunk_chars=d.chunk_chars, overlap=d.chunk_overlap, ocr_languages=d.ocr_languages,
            listener=self._on_status, gate=self._gate,
        )

    # ---- status for the documents panel ------------------------------------------------

    def subscribe(self, listener: StatusListener) -> Callable[[], None]:
        """Call ``listener(record)`` on every per-file status change (from worker threads).

        Returns a function that unsubscribes. The UI must hop to its own thread.
        """
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _on_status(self, rec: DocumentRecord) -> None:
        if rec.status in (FileStatus.INDEXED, FileStatus.FAILED, FileStatus.PASSWORD):
            self._live.pop(rec.path, None)
        else:
            self._live[rec.path] = rec
        for fn in list(self._listeners):
            try:
                fn(rec)
            except Exception:
                log.exception("documents listener failed")

    def files(self) -> list[DocumentRecord]:
        """Every known document with its status (live detail while it is being worked on)."""
        out = []
        for rec in self.registry.files():
            live = self._live.get(rec.path)
            if live is not None and rec.status in UNFINISHED:
                rec = replace(rec, status=live.status, detail=live.detail, progress=live.progress)
            out.append(rec)
        return out

    def collections(self) -> list[CollectionInfo]:
        """User collections (top-level folders added, or "default")."""
        counts: dict[str, list[int]] = {}
        for rec in self.registry.files():
            c = counts.setdefault(rec.collection, [0, 0])
            c[0] += 1
            c[1] += rec.chunks
        return [CollectionInfo(n, f, ch) for n, (f, ch) in sorted(counts.items())]

    def indexed_missing_embedder(self, name: str) -> list[str]:
        """Paths of indexed files whose passages this embedder has not embedded yet (work
        left by an embedder switch or a killed app; ``resume_pending`` does it)."""
        return self.registry.indexed_missing_embedder(name)

    # ---- background jobs: pause / resume / cancel ------------------------------------

    @property
    def jobs(self) -> "JobRunner":
        """The job runner whose "ingest" lane runs submit() and the watched-folder rescans."""
        with self._jobs_lock:
            if self._runner is None:
                from app.core.service.jobs import JobRunner

                self._runner = JobRunner()
            return self._runner

    def pause(self) -> None:
        """Hold indexing at the next file, in the running job and in every job that starts
        (a job still plans its files and shows them queued: pausing never hides work)."""
        self._gate.pause()

    def resume(self) -> None:
        self._gate.resume()

    @property
    def paused(self) -> bool:
        return self._gate.paused

    def cancel(self) -> None:
        """Stop the running ingest and drop this library's queued jobs (files not
        finished keep their previous state)."""
        for job in self._live_jobs():
            job.cancel()
        self._cancel.cancel()
        self._gate.resume()

    @property
    def busy(self) -> bool:
        """An ingest runs, or one of this library's jobs is queued."""
        return self._ingest_lock.locked() or bool(self._live_jobs())

    def _live_jobs(self) -> list["Job"]:
        with self._jobs_lock:
            self._submitted = [j for j in self._submitted if not j.done]
            return list(self._submitted)

    # ---- adding documents ---------------------------------------------------------

    def plan(self, paths: Sequence[Path], collection: str | None = None) -> tuple[list[FileJob], list[FileResult]]:
        """The files under ``paths`` as jobs, and the ones skipped with their reason."""
        from app.core.rag.loaders import iter_files

        jobs: list[FileJob] = []
        skipped: list[FileResult] = []
        seen: set[str] = set()
        for top in paths:
            top = Path(top).expanduser()
            top = Path(os.path.abspath(top))
            coll = collection or (top.name if top.is_dir() else DEFAULT_COLLECTION) or DEFAULT_COLLECTION
            if not top.exists() and not top.is_symlink():
                skipped.append(FileResult(top, "failed", "the file or folder does not exist"))
                continue
            for item in iter_files([top]):
                if isinstance(item, tuple):
                    p, reason = item
                    skipped.append(FileResult(Path(p), "skipped", reason))
                    if Path(p) == top:  # the user named this file: show it in the panel
                        self.registry.set_status(str(p), FileStatus.FAILED, coll, reason)
                    continue
                key = os.path.abspath(item)
                if key in seen:
                    continue
                seen.add(key)
                jobs.append(FileJob(Path(key), coll, self._passwords.get(key)))
        return jobs, skipped

    def add_paths(
        self,
        paths: Sequence[Path],
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
        *,
        collection: str | None = None,
        force: bool = False,
    ) -> IngestReport:
        """Index files and folders (blocking; run it in a worker). Unchanged files cost nothing."""
        jobs, skipped = self.plan(paths, collection)
        if force:
            jobs = [replace(j, force=True) for j in jobs]
        report = self._run(jobs, progress, cancel)
        report.files.extend(skipped)
        return report

    def _run(self, jobs: list[FileJob], progress: ProgressCallback, cancel: CancelToken | None) -> IngestReport:
        with self._ingest_lock:
            self._cancel = CancelToken()
            token = _LinkedCancel(cancel, self._cancel)
            embedder = self.embedder
            ingestor = self._ingestor(embedder, self._index_for(embedder))
            started = time.monotonic()

            def tracked(fraction: float | None, text: str) -> None:
                # Overall progress with an ETA, for the panel (also when run by submit()).
                eta = None
                if fraction and fraction > 0.02:
                    elapsed = time.monotonic() - started
                    eta = elapsed / fraction * (1.0 - fraction)
                self.progress_state = IngestProgress(True, fraction, text, eta)
                for fn in list(self._progress_listeners):
                    try:
                        fn(self.progress_state)
                    except Exception:
                        log.exception("progress listener failed")
                progress(fraction, text)

            try:
                return ingestor.run(jobs, tracked, token)
            except Cancelled:
                if cancel is not None and cancel.cancelled:
                    raise
                report = IngestReport(files=[FileResult(j.path, "cancelled") for j in jobs])
                return report
            finally:
                self.progress_state = IngestProgress(False, None, "", None)
                for fn in list(self._progress_listeners):
                    try:
                        fn(self.progress_state)
                    except Exception:
                        log.exception("progress listener failed")

    def subscribe_progress(self, listener: Callable[["IngestProgress"], None]) -> Callable[[], None]:
        """Call ``listener(IngestProgress)`` as the running ingest advances (worker threads)."""
        self._progress_listeners.append(listener)
        return lambda: self._progress_listeners.remove(listener) if listener in self._progress_listeners else None

    def submit(self, paths: Sequence[Path], collection: str | None = None) -> "Job":
        """Index on the job runner's "ingest" lane; follow it with subscribe()/files() or
        the returned Job (its result is the IngestReport)."""
        paths = list(paths)
        return self._submit(
            lambda progress, cancel: self.add_paths(paths, progress, cancel, collection=collection),
            kind="documents.add", params={"paths": [str(p) for p in paths], "collection": collection})

    def _submit(self, fn: Callable[[ProgressCallback, CancelToken], Any], *, kind: str,
                params: dict[str, Any] | None = None) -> "Job":
        from app.core.service.jobs import Priority

        priority = Priority.BATCH if kind == "documents.rescan" else Priority.BACKGROUND
        job = self.jobs.submit(LANE, fn, kind=kind, priority=priority, params=params)
        with self._jobs_lock:
            self._submitted = [j for j in self._submitted if not j.done]
            self._submitted.append(job)
        return job

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the "ingest" lane has no job queued or running (tests, CLI)."""
        return self.jobs.wait_idle(LANE, timeout)

    def resume_pending(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> IngestReport:
        """Finish the work a killed app left: unfinished files, and indexed files that the
        current embedder has not embedded yet."""
        todo = self.registry.paths_with_status(UNFINISHED)
        recs = {r.path: r for r in self.registry.files()}
        jobs = [FileJob(Path(p), recs[p].collection, self._passwords.get(p)) for p in todo if Path(p).exists()]
        for p in todo:
            if not Path(p).exists():
                self._forget(p)
        report = self._run(jobs, progress, cancel)
        missing = self.registry.indexed_missing_embedder(self.embedder.name)
        if missing:
            with self._ingest_lock:
                self._ingestor(self.embedder, self.index).reembed_all(missing, progress, cancel or CancelToken())
        return report

    # ---- changing documents -----------------------------------------------------------

    def remove(self, path: Path | str) -> int:
        """Forget a file (or every file under a folder) and its chunks; returns files removed."""
        p = os.path.abspath(Path(path).expanduser())
        targets = [r.path for r in self.registry.files() if r.path == p or r.path.startswith(p.rstrip(os.sep) + os.sep)]
        for t in targets:
            self._forget(t)
        return len(targets)

    def _forget(self, p: str) -> None:
        by_embedder = self.registry.remove_file(p)
        self._live.pop(p, None)
        for emb_name, ids in by_embedder.items():
            idx = self._indexes.get(emb_name)
            if idx is not None and ids:
                idx.delete(ids)
                self.registry.clear("stale_vectors", emb_name, ids)
            # Other embedders' collections are cleaned when they are next opened.
        self._on_status(DocumentRecord(path=p, status=FileStatus.FAILED, detail="removed", error="removed"))

    def reindex(self, path: Path | str, progress: ProgressCallback = no_progress,
                cancel: CancelToken | None = None) -> IngestReport:
        """Parse and embed a file again even if it did not change."""
        p = Path(os.path.abspath(Path(path).expanduser()))
        rec = self.registry.file(str(p))
        jobs = [FileJob(p, rec.collection if rec else DEFAULT_COLLECTION, self._passwords.get(str(p)), force=True)]
        return self._run(jobs, progress, cancel)

    def set_password(self, path: Path | str, password: str, progress: ProgressCallback = no_progress,
                     cancel: CancelToken | None = None) -> IngestReport:
        """Remember the password for this session and index the file with it."""
        p = os.path.abspath(Path(path).expanduser())
        self._passwords[p] = password
        return self.reindex(p, progress, cancel)

    # ---- embedder switch ---------------------------------------------------------------

    def set_embedder(self, name: str, progress: ProgressCallback = no_progress,
                     cancel: CancelToken | None = None) -> int:
        """Embed every indexed file into ``name``'s own collection, then make it active.

        Questions keep using the old embedder until the new collection is complete; a
        cancelled switch keeps what was done and continues next time. Returns files embedded.
        """
        new = self.embedder_for(name)
        with self._ingest_lock:
            self._cancel = CancelToken()
            token = _LinkedCancel(cancel, self._cancel)
            idx = self._index_for(new)
            missing = self.registry.indexed_missing_embedder(new.name)
            n = self._ingestor(new, idx).reembed_all(missing, progress, token)
            self.settings.documents.embedder = name
            try:
                config_mod.save_settings(self.settings, self.paths)
            except OSError as exc:
                log.warning("settings not saved: %s", exc)
            return n

    # ---- watched folders -----------------------------------------------------------------

    def rescan_watched(self, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> IngestReport:
        """Index new and changed files in the watched folders; forget deleted ones."""
        folders = [Path(os.path.abspath(Path(f).expanduser())) for f in self.settings.documents.watched_folders]
        folders = [f for f in folders if f.is_dir()]
        for rec in self.registry.files():
            for f in folders:
                if rec.path.startswith(str(f) + os.sep) and not os.path.exists(rec.path):
                    self._forget(rec.path)
        report = IngestReport()
        for f in folders:
            r = self.add_paths([f], progress, cancel)
            report.files += r.files
            report.indexed += r.indexed
            report.unchanged += r.unchanged
        return report

    def _watched_signature(self) -> dict[str, tuple[float, int]]:
        sig: dict[str, tuple[float, int]] = {}
        for folder in self.settings.documents.watched_folders:
            root = Path(folder).expanduser()
            if not root.is_dir():
                continue
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = [d for d in dirnames if not d.startswith(".")]
                for name in filenames:
                    p = os.path.join(dirpath, name)
                    try:
                        st = os.stat(p)
                    except OSError:
                        continue
                    sig[p] = (st.st_mtime, st.st_size)
        return sig

    def start_watching(self, interval: float = 5.0) -> None:
        """Poll the watched folders' mtimes; rescan (in the background) when they change."""
        if self._watch_thread is not None and self._watch_thread.is_alive():
            return
        self._watch_stop.clear()

        def loop() -> None:
            while not self._watch_stop.wait(interval):
                try:
                    sig = self._watched_signature()
                    if sig != self._watch_seen:
                        self._watch_seen = sig
                        if not self.busy:
                            self._submit(lambda progress, cancel: self.rescan_watched(progress, cancel),
                                         kind="documents.rescan")
                except Exception:
                    if self._runner is not None and self._runner.closed:
                        return  # the app is closing
                    log.exception("watch loop failed")

        self._watch_seen = {}
        self._watch_thread = threading.Thread(target=loop, name="sova-watch", daemon=True)
        self._watch_thread.start()

    def stop_watching(self) -> None:
        self._watch_stop.set()
        if self._watch_thread is not None:
            self._watch_thread.join(timeout=5)
            self._watch_thread = None

    # ---- audio transcripts (voice feature; see transcript_sections below) -------------------

    def add_transcript(
        self,
        source: Path,
        segments: Sequence[Any],
        collection: str | None = None,
        progress: ProgressCallback = no_progress,
        cancel: CancelToken | None = None,
    ) -> IngestReport:
        """Index the transcript of the audio file ``source`` as a document (blocking: run
        it in a worker). ``segments`` have ``.start`` (seconds) and ``.text``
        (app.core.speech.Segment). Passages are cited with the time they start
        (``Citation.start_seconds``, heading "00:01:23"); adding the same file again
        replaces its passages. Raises SovaError when the transcript is empty.
        """
        from app.core.rag.chunking import chunk_sections
        from app.core.rag.loaders import DocumentStream
        from app.core.types import SovaError

        path = Path(os.path.abspath(Path(source).expanduser()))
        sections = transcript_sections(segments, self.settings.documents.chunk_chars)
        if not sections:
            raise SovaError(f"The transcript of {path.name} is empty: nothing to add to the documents.")

        def open_transcript(p: Path, **_options: Any) -> DocumentStream:
            return DocumentStream(path, "transcript", None, lambda _stream: iter(sections))

        with self._ingest_lock:
            embedder = self.embedder
            d = self.settings.documents
            ingestor = Ingestor(
                self.registry, self._index_for(embedder), embedder,
                open_document=open_transcript, chunk_sections=chunk_sections,
                chunk_chars=d.chunk_chars, overlap=0,  # sections are cut at segment ends already
                listener=self._on_status, gate=self._gate,
            )
            job = FileJob(path, collection or DEFAULT_COLLECTION, force=True)
            return ingestor.run([job], progress, cancel or CancelToken())

    # ---- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self.stop_watching()
        self.cancel()
        if self._own_runner and self._runner is not None:
            self._runner.shutdown(timeout=10)
        else:
            for job in self._live_jobs():
                job.wait(10)
        with self._lock:
            if self._search_pool is not None:
                self._search_pool.shutdown(wait=True)
                self._search_pool = None
            for idx in self._indexes.values():
                idx.close()
            self._indexes.clear()
        self.registry.close()
