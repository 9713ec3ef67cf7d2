"""Ingest: files -> chunks -> vectors + lexical index, incremental and crash-safe.

The registry (``registry.py``: SQLite, WAL, in the index folder) is the source of
truth; a file is 'indexed' only after its vectors are in Chroma and its chunks in SQLite.

Pipeline: a parser thread (parsing and OCR) feeds a bounded queue of chunk batches;
the calling thread embeds them in length-sorted batches; Chroma writes go through the
index's single writer thread. So parsing/OCR of page k+1 overlaps with embedding page k.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import threading
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from app.core.rag.registry import (  # noqa: F401  (callers import these names from here too)
    UNFINISHED,
    ChunkRow,
    DocumentRecord,
    FileStatus,
    Registry,
    strip_cross_references,
)
from app.core.types import CancelToken, Cancelled, ProgressCallback, no_progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileResult:
    path: Path
    status: str  # "indexed" | "unchanged" | "failed" | "password" | "removed" | "cancelled"
    error: str | None = None
    chunks: int = 0


@dataclass
class IngestReport:
    files: list[FileResult] = field(default_factory=list)
    indexed: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    chunks: int = 0

    @property
    def failed(self) -> int:
        return sum(1 for f in self.files if f.status in ("failed", "password"))


def embedding_text(heading: str, text: str) -> str:
    """What the embedder reads for a chunk: its own heading (the innermost part of the
    " / "-joined heading path) gives the passage context; quoted titles of
    cross-references are left out (see strip_cross_references).

    Only the innermost heading: the embedder is the ingest bottleneck, and the whole
    path repeated on every chunk was 13 % of all the text embedded (233 PDF pages);
    the outer levels stay in the lexical index and in the citation.
    """
    text = strip_cross_references(text)
    own = heading.rsplit(" / ", 1)[-1].strip()
    return f"{own}\n{text}" if own else text


def file_sha256(path: Path, cancel: CancelToken | None = None) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            if cancel is not None:
                cancel.raise_if_cancelled()
            block = f.read(1 << 20)
            if not block:
                return h.hexdigest()
            h.update(block)


def chunk_id(path: str, sha: str, ordinal: int) -> str:
    """Stable per (file, content, position): a changed file gets new ids."""
    ph = hashlib.sha1(path.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{ph}-{sha[:12]}-{ordinal}"


# ---- the pipeline --------------------------------------------------------------------------


@dataclass
class FileJob:
    path: Path
    collection: str
    password: str | None = None
    force: bool = False  # re-index even when unchanged


@dataclass
class _Parsed:
    """Messages from the parser thread to the embedding loop."""

    job: FileJob
    kind: str  # "start" | "chunks" | "end" | "error" | "unchanged" | "reembed"
    drafts: list[Any] = field(default_factory=list)
    sha: str = ""
    mtime: float = 0.0
    size: int = 0
    pages: int | None = None
    error: BaseException | None = None
    warnings: list[str] = field(default_factory=list)


StatusListener = Callable[[DocumentRecord], None]
Opener = Callable[..., Any]  # loaders.open_document
Chunker = Callable[..., Iterator[Any]]  # chunking.chunk_sections


class PauseGate:
    """Pause/resume for a running ingest: the pipeline waits here between batches."""

    def __init__(self) -> None:
        self._running = threading.Event()
        self._running.set()

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def wait(self, cancel: CancelToken) -> None:
        while not self._running.wait(0.1):
            cancel.raise_if_cancelled()


class Ingestor:
    """Runs one batch of file jobs through parse -> chunk -> embed -> commit."""

    # Chunks per message from the parser; the queue holds some messages (512 chunks,
    # well under a megabyte of text), which bounds memory for any file size while
    # keeping the embedder busy.
    PARSE_BATCH = 32
    QUEUE_MESSAGES = 16
    # The embedder sorts a window of waiting chunks by length before batching them: the
    # wider, the closer to the raw embedder's speed on the whole set (MiniLM, 1,446
    # chunks: windows of 256 cost 6 % more than one sort of all, 1,024 nothing). The
    # window holds about EMBED_WINDOW_SECONDS of the embedder's measured work, so a slow
    # embedder still finishes files regularly.
    EMBED_WINDOW = 256  # until the embedder's speed is known
    EMBED_WINDOW_MIN, EMBED_WINDOW_MAX = 128, 1024
    EMBED_WINDOW_SECONDS = 30.0

    def __init__(
        self,
        registry: Registry,
        index: Any,  # ChromaIndex
        embedder: Any,  # Embedder
        *,
        open_document: Opener,
        chunk_sections: Chunker,
        chunk_chars: int = 800,
        overlap: int = 120,
        ocr_languages: str = "rus+eng",
        listener: StatusListener | None = None,
        gate: PauseGate | None = None,
    ) -> None:
        self.registry = registry
        self.index = index
        self.embedder = embedder
        self.open_document = open_document
        self.chunk_sections = chunk_sections
        self.chunk_chars = chunk_chars
        self.overlap = overlap
        self.ocr_languages = ocr_languages
        self.listener = listener
        self.gate = gate or PauseGate()
        self._produced: dict[str, int] = {}  # chunks the parser has made, per file
        try:
            import inspect

            self._embed_progress = "progress" in inspect.signature(embedder.embed_documents).parameters
        except (TypeError, ValueError):
            self._embed_progress = False

    # -- status -------------------------------------------------------------------------

    def _made(self, p: str, st: dict[str, Any]) -> int:
        """Chunks of a file parsed so far: the parser runs up to a queue ahead of the
        embedder, so "embedding k/n" counts n from the parser (the panel's estimate)."""
        return max(st["parsed"], self._produced.get(p, 0))

    def _emit(self, path: str, status: FileStatus, detail: str = "", progress: float | None = None,
              error: str | None = None, collection: str = "default", chunks: int = 0, pages: int | None = None) -> None:
        if self.listener is None:
            return
        rec = self.registry.file(path)
        base = rec or DocumentRecord(path=path, status=status, collection=collection)
        try:
            self.listener(replace(base, status=status, detail=detail, progress=progress,
                                  error=error if error is not None else base.error,
                                  chunks=chunks or base.chunks, pages=pages if pages is not None else base.pages))
        except Exception:  # a broken listener must not stop the ingest
            log.exception("status listener failed")

    # -- parser thread ------------------------------------------------------------------

    def _parse_all(self, jobs: Sequence[FileJob], out: "queue.Queue[_Parsed | None]", cancel: CancelToken) -> None:
        from app.core.rag.loaders import DocumentError, PasswordRequired  # noqa: F401 (types below)

        def put(msg: _Parsed) -> None:
            while True:
                cancel.raise_if_cancelled()
                try:
                    out.put(msg, timeout=0.1)
                    return
                except queue.Full:
                    continue

        try:
            for job in jobs:
                cancel.raise_if_cancelled()
                self.gate.wait(cancel)
                spath = str(job.path)
                try:
                    st = job.path.stat()
                    known = self.registry.stat_of(spath)
                    if known and not job.force and known[3] == FileStatus.INDEXED and known[1] == st.st_mtime and known[2] == st.st_size:
                        put(_Parsed(job, "unchanged", sha=known[0], mtime=st.st_mtime, size=st.st_size))
                        continue
                    sha = file_sha256(job.path, cancel)
                    if known and not job.force and known[3] == FileStatus.INDEXED and known[0] == sha:
                        put(_Parsed(job, "unchanged", sha=sha, mtime=st.st_mtime, size=st.st_size))
                        continue
                    self.registry.set_status(spath, FileStatus.PARSING, job.collection, None)
                    self._emit(spath, FileStatus.PARSING, "parsing", 0.0, collection=job.collection)
                    put(_Parsed(job, "start", sha=sha, mtime=st.st_mtime, size=st.st_size))

                    def on_progress(fraction: float | None, text: str, _p: str = spath) -> None:
                        is_ocr = "ocr" in text.lower()
                        status = FileStatus.OCR if is_ocr else FileStatus.PARSING
                        self._emit(_p, status, text, fraction, collection=job.collection)

                    stream = self.open_document(
                        job.path, password=job.password, progress=on_progress, cancel=cancel,
                        ocr_languages=self.ocr_languages,
                    )
                    batch: list[Any] = []
                    for draft in self.chunk_sections(iter(stream), self.chunk_chars, self.overlap):
                        batch.append(draft)
                        self._produced[spath] = self._produced.get(spath, 0) + 1
                        if len(batch) >= self.PARSE_BATCH:
                            put(_Parsed(job, "chunks", drafts=batch))
                            batch = []
                            self.gate.wait(cancel)
                    if batch:
                        put(_Parsed(job, "chunks", drafts=batch))
                    put(_Parsed(job, "end", sha=sha, mtime=st.st_mtime, size=st.st_size,
                                pages=getattr(stream, "pages", None), warnings=list(getattr(stream, "warnings", []) or [])))
                except Cancelled:
                    raise
                except Exception as exc:  # any file's failure is that file's status only
                    put(_Parsed(job, "error", error=exc))
        except Cancelled:
            pass
        finally:
            # The end marker must arrive however slow the embedder is (a queue full for
            # longer than any fixed timeout); without it the embedding loop waits forever.
            try:
                put(None)  # type: ignore[arg-type]
            except Cancelled:
                pass

    # -- embedding loop (caller's thread) -------------------------------------------------

    def run(self, jobs: Sequence[FileJob], progress: ProgressCallback = no_progress,
            cancel: CancelToken | None = None) -> IngestReport:
        """Index the jobs; every file ends indexed / unchanged / failed / password / cancelled."""
        cancel = cancel or CancelToken()
        report = IngestReport()
        t0 = time.monotonic()
        if not jobs:
            progress(1.0, "Nothing to index")
            return report
        for job in jobs:
            known = self.registry.stat_of(str(job.path))
            if known is None or known[3] != FileStatus.INDEXED or job.force:
                self.registry.set_status(str(job.path), FileStatus.QUEUED, job.collection, None)
                self._emit(str(job.path), FileStatus.QUEUED, "queued", collection=job.collection)
        q: "queue.Queue[_Parsed | None]" = queue.Queue(maxsize=self.QUEUE_MESSAGES)
        parser = threading.Thread(target=self._parse_all, args=(jobs, q, cancel), name="sova-parser", daemon=True)
        parser.start()
        n = len(jobs)
        done_files = 0
        state: dict[str, Any] = {}
        waiting: list[tuple[str, Any]] = []  # (path, draft) not yet embedded

        def overall(file_fraction: float = 0.0) -> float:
            return min(0.999, (done_files + max(0.0, min(1.0, file_fraction))) / n)

        window = self.EMBED_WINDOW

        def flush(all_: bool) -> None:
            # Embed waiting chunks in length-sorted batches (whole window, or everything).
            nonlocal waiting, window
            while waiting and (all_ or len(waiting) >= window):
                take, waiting = waiting[:window], waiting[window:]
                texts = [embedding_text(" / ".join(d.heading_path), d.text) for _, d in take]
                self.gate.wait(cancel)
                cancel.raise_if_cancelled()
                started = time.monotonic()
                if self._embed_progress:
                    # Per-batch progress inside a window: a slow embedder (e5 on 2 cores
                    # does ~6 chunks/s) would otherwise look stuck for half a minute.
                    first = take[0][0]
                    base = state[first]["embedded"]

                    def on_batch(done: int, _p: str = first, _base: int = base) -> None:
                        st_ = state[_p]
                        k = min(_base + done, st_["parsed"])
                        self._emit(_p, FileStatus.EMBEDDING, f"embedding {k}/{self._made(_p, st_)}" + ("" if st_["ended"] else "+"),
                                   k / max(st_["parsed"], 1), collection=st_["job"].collection)
                        progress(overall(k / max(st_["parsed"], 1)), f"{Path(_p).name}: embedding {k}/{st_['parsed']}")

                    vecs = self.embedder.embed_documents(texts, progress=on_batch)
                else:
                    vecs = self.embedder.embed_documents(texts)
                cancel.raise_if_cancelled()
                spent = time.monotonic() - started
                if len(take) >= 64 and spent > 0:  # a fair sample of the embedder's speed
                    window = max(self.EMBED_WINDOW_MIN, min(self.EMBED_WINDOW_MAX,
                                                            int(len(take) / spent * self.EMBED_WINDOW_SECONDS)))
                by_file: dict[str, list[tuple[Any, np.ndarray]]] = {}
                for (p, d), v in zip(take, vecs):
                    by_file.setdefault(p, []).append((d, v))
                for p, items in by_file.items():
                    st = state[p]
                    ids = [chunk_id(p, st["sha"], d.ordinal) for d, _ in items]
                    metas = [{"path": p, "collection": st["job"].collection, "page": d.page if d.page is not None else -1}
                             for d, _ in items]
                    self.registry.mark_pending(self.embedder.name, ids)
                    self.index.add(ids, np.stack([v for _, v in items]), metas)
                    st["embedded"] += len(items)
                    for (d, _), cid in zip(items, ids):
                        st["rows"].append(ChunkRow(cid, p, st["job"].collection, d.ordinal, d.page,
                                                   " / ".join(d.heading_path), d.text, d.char_start))
                    self._emit(p, FileStatus.EMBEDDING, f"embedding {st['embedded']}/{self._made(p, st)}"
                               + ("" if st["ended"] else "+"), st["embedded"] / max(st["parsed"], 1),
                               collection=st["job"].collection)
                    progress(overall(st["embedded"] / max(st["parsed"], 1)),
                             f"{Path(p).name}: embedding {st['embedded']}/{st['parsed']}")
                    if st["ended"] and st["embedded"] >= st["parsed"]:
                        finish(p)

        def finish(p: str) -> None:
            nonlocal done_files
            st = state.pop(p)
            rows = sorted(st["rows"], key=lambda r: r.ordinal)
            warning = "; ".join(st["warnings"][:3]) or None
            gone = self.registry.commit_file(p, st["job"].collection, st["sha"], st["mtime"], st["size"],
                                             st["pages"], rows, self.embedder.name, warning)
            self._drop_stale()
            done_files += 1
            report.indexed += 1
            report.chunks += len(rows)
            report.files.append(FileResult(Path(p), "indexed", None, len(rows)))
            self._emit(p, FileStatus.INDEXED, "", 1.0, chunks=len(rows), pages=st["pages"])
            progress(overall(), f"{Path(p).name}: indexed ({len(rows)} chunks)")
            del gone

        try:
            while True:
                try:
                    msg = q.get(timeout=0.05)
                except queue.Empty:
                    cancel.raise_if_cancelled()
                    if waiting:  # the parser is slow (OCR): embed what we have
                        flush(True)
                    continue
                cancel.raise_if_cancelled()
                if msg is None:
                    break
                p = str(msg.job.path)
                if msg.kind == "unchanged":
                    self.registry.touch(p, msg.mtime, msg.size)
                    if not self.registry.is_embedded(self.embedder.name, p, msg.sha):
                        self._reembed(p, cancel)  # indexed by another embedder only
                    done_files += 1
                    report.unchanged += 1
                    report.files.append(FileResult(msg.job.path, "unchanged"))
                    self._emit(p, FileStatus.INDEXED)
                    progress(overall(), f"{Path(p).name}: unchanged")
                elif msg.kind == "start":
                    state[p] = {"job": msg.job, "sha": msg.sha, "mtime": msg.mtime, "size": msg.size,
                                "rows": [], "parsed": 0, "embedded": 0, "ended": False, "pages": None,
                                "warnings": []}
                elif msg.kind == "chunks":
                    state[p]["parsed"] += len(msg.drafts)
                    waiting.extend((p, d) for d in msg.drafts)
                    flush(False)
                elif msg.kind == "end":
                    st = state[p]
                    st.update(ended=True, pages=msg.pages, warnings=msg.warnings)
                    if st["parsed"] == 0:
                        self._fail(p, msg.job, "no text found in this file", report, state)
                        done_files += 1
                    else:
                        if q.empty() or len(waiting) >= window:
                            flush(True)
                        if p in state and state[p]["embedded"] >= state[p]["parsed"]:
                            finish(p)  # its last chunks were embedded before "end" arrived
                elif msg.kind == "error":
                    done_files += 1
                    self._fail(p, msg.job, msg.error, report, state)
                    waiting = [(wp, d) for wp, d in waiting if wp != p]
            flush(True)
            for p in list(state):  # files whose last chunks were embedded in the final flush
                if state[p]["ended"] and state[p]["embedded"] >= state[p]["parsed"]:
                    finish(p)
        except Cancelled:
            parser.join(timeout=5)
            for job in jobs:
                rec = self.registry.stat_of(str(job.path))
                if rec and rec[3] in [str(s) for s in UNFINISHED]:
                    # Back to the previous state: an earlier version stays indexed; a new
                    # file stays queued (resume_pending picks it up).
                    old = self.registry.chunk_ids(str(job.path))
                    status = FileStatus.INDEXED if old else FileStatus.QUEUED
                    self.registry.set_status(str(job.path), status)
                    self._emit(str(job.path), status, "cancelled")
            self._drop_pending()
            progress(None, "Cancelled")
            raise
        finally:
            parser.join(timeout=5)
        report.seconds = time.monotonic() - t0
        progress(1.0, f"{report.indexed} indexed, {report.unchanged} unchanged, {report.failed} failed")
        return report

    def _fail(self, p: str, job: FileJob, error: Any, report: IngestReport, state: dict[str, Any]) -> None:
        from app.core.rag.loaders import PasswordRequired

        state.pop(p, None)
        is_pw = isinstance(error, PasswordRequired)
        reason = _reason(error)
        status = FileStatus.PASSWORD if is_pw else FileStatus.FAILED
        # Vectors already written for this attempt are cleaned; an older indexed version
        # of the file (if any) keeps its chunks: bad input never costs data.
        self._drop_pending()
        self.registry.set_status(p, status, job.collection, reason)
        report.files.append(FileResult(job.path, str(status), reason))
        self._emit(p, status, "", None, error=reason)

    def _reembed(self, p: str, cancel: CancelToken) -> None:
        """Embed a file's stored chunks into this embedder's collection (no re-parse)."""
        rows = self.registry.chunks_of(p)
        sha = (self.registry.stat_of(p) or ("",))[0]
        for i in range(0, len(rows), self.EMBED_WINDOW):
            cancel.raise_if_cancelled()
            self.gate.wait(cancel)
            part = rows[i : i + self.EMBED_WINDOW]
            vecs = self.embedder.embed_documents([embedding_text(r.heading, r.text) for r in part])
            ids = [r.chunk_id for r in part]
            self.registry.mark_pending(self.embedder.name, ids)
            self.index.add(ids, vecs, [{"path": r.path, "collection": r.collection,
                                        "page": r.page if r.page is not None else -1} for r in part])
            self._emit(p, FileStatus.EMBEDDING, f"embedding {i + len(part)}/{len(rows)}", (i + len(part)) / len(rows))
        self.registry.commit_embedded(self.embedder.name, p, sha, [r.chunk_id for r in rows])

    def reembed_all(self, paths: Sequence[str], progress: ProgressCallback, cancel: CancelToken) -> int:
        """Re-embed these indexed files into this embedder's collection (embedder switch)."""
        for k, p in enumerate(paths):
            cancel.raise_if_cancelled()
            progress(k / max(len(paths), 1), f"{Path(p).name}: embedding ({k + 1}/{len(paths)})")
            try:
                self._reembed(p, cancel)
            except Cancelled:
                self._drop_pending()
                raise
            self._emit(p, FileStatus.INDEXED)
        progress(1.0, f"{len(paths)} files embedded")
        return len(paths)

    def _drop_pending(self) -> None:
        ids = self.registry.pending("pending_vectors", self.embedder.name)
        if ids:
            self.index.delete(ids)
            self.registry.clear("pending_vectors", self.embedder.name, ids)

    def _drop_stale(self) -> None:
        ids = self.registry.pending("stale_vectors", self.embedder.name)
        if ids:
            self.index.delete(ids)
            self.registry.clear("stale_vectors", self.embedder.name, ids)

    def recover(self) -> None:
        """After a crash: drop vectors that never got their registry commit, and stale ones."""
        self._drop_pending()
        self._drop_stale()


def _reason(error: Any) -> str:
    from app.core.rag.loaders import DocumentError

    if isinstance(error, DocumentError):
        return error.reason
    if isinstance(error, str):
        return error
    if isinstance(error, MemoryError):
        return "the file is too large to read"
    if isinstance(error, OSError):
        return f"cannot read the file: {error.strerror or error}"
    return f"unexpected error: {type(error).__name__}: {error}"


def stat_key(path: Path) -> tuple[float, int]:
    st = os.stat(path)
    return st.st_mtime, st.st_size
