"""Ingest: files -> chunks -> vectors + lexical index, incremental and crash-safe.

The registry (SQLite, WAL, in the index folder) is the source of truth:
- ``files``: one row per document (content sha256, mtime/size, status, counts);
- ``chunks`` + ``chunk_fts``: the chunk texts and their BM25 index, replaced in ONE
  transaction per file, so a question sees the old version or the new one, never a mix;
- ``embedded``: which embedder's Chroma collection holds a file's current chunks;
- ``pending_vectors`` / ``stale_vectors``: vectors written to Chroma before their
  registry commit, and vectors of replaced chunks, so a killed process leaves nothing
  that the next start cannot clean up.
The tables are created and upgraded by the store's one migration list
(``app/core/store/migrations.py``, the DOCUMENTS steps).
A file is 'indexed' only after its vectors are in Chroma and its chunks in SQLite.

Pipeline: a parser thread (parsing and OCR) feeds a bounded queue of chunk batches;
the calling thread embeds them in length-sorted batches; Chroma writes go through the
index's single writer thread. So parsing/OCR of page k+1 overlaps with embedding page k.
"""

from __future__ import annotations

import hashlib
import logging
import os
import queue
import re
import sqlite3
import threading
import time
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

import numpy as np

from app.core.rag.lexical import LexicalIndex
from app.core.store.db import Database
from app.core.store.migrations import DOCUMENTS
from app.core.types import CancelToken, Cancelled, ProgressCallback, no_progress

log = logging.getLogger(__name__)


class FileStatus(StrEnum):
    QUEUED = "queued"
    PARSING = "parsing"
    OCR = "ocr"
    EMBEDDING = "embedding"
    INDEXED = "indexed"
    FAILED = "failed"
    PASSWORD = "password"  # encrypted: waiting for the user's password


# Statuses a killed process can leave behind: the file's work must be redone.
UNFINISHED = (FileStatus.QUEUED, FileStatus.PARSING, FileStatus.OCR, FileStatus.EMBEDDING)


@dataclass(frozen=True)
class DocumentRecord:
    """One document as the documents panel shows it."""

    path: str
    status: FileStatus
    collection: str = "default"
    detail: str = ""  # e.g. "OCR page 3/12", "embedding 40/120"
    progress: float | None = None  # 0..1 within this file, while it is being worked on
    error: str | None = None
    pages: int | None = None
    chunks: int = 0
    sha256: str = ""
    updated_at: float = 0.0


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


@dataclass(frozen=True)
class ChunkRow:
    chunk_id: str
    path: str
    collection: str
    ordinal: int
    page: int | None
    heading: str
    text: str
    char_start: int = 0


class Registry:
    """The document registry, chunk store and lexical index (one SQLite file)."""

    def __init__(self, path: Path) -> None:
        # One connection shared by the ingest and query threads, serialised by a lock:
        # SQLite's own locking would otherwise make writers wait on busy readers. The
        # tables come from the store's migration list (DOCUMENTS steps).
        self.db = Database(path, DOCUMENTS, busy_timeout=30.0)
        self.path = self.db.path
        self.lock = self.db.lock
        self.version = 0  # bumped on every change of the chunk set (query-side caches key on it)
        with self.lock:
            self.lexical = LexicalIndex(self.conn)

    @property
    def conn(self) -> sqlite3.Connection:
        """The shared connection (hold ``lock``); StoreError once closed."""
        return self.db.connection

    def integrity_check(self) -> list[str]:
        """Problems SQLite finds in the registry file and its BM25 index; [] when sound."""
        return self.db.integrity_check()

    def close(self) -> None:
        """Checkpoint the WAL and close; idempotent, from any thread."""
        self.db.close()

    # -- files -----------------------------------------------------------------------

    def file(self, path: str) -> DocumentRecord | None:
        with self.lock:
            row = self.conn.execute(
                "SELECT path, status, collection, error, pages, chunks, sha256, updated_at FROM files WHERE path=?",
                (path,),
            ).fetchone()
        return _record(row) if row else None

    def files(self) -> list[DocumentRecord]:
        with self.lock:
            rows = self.conn.execute(
                "SELECT path, status, collection, error, pages, chunks, sha256, updated_at FROM files ORDER BY path"
            ).fetchall()
        return [_record(r) for r in rows]

    def stat_of(self, path: str) -> tuple[str, float, int, str] | None:
        """(sha256, mtime, size, status) as registered."""
        with self.lock:
            row = self.conn.execute("SELECT sha256, mtime, size, status FROM files WHERE path=?", (path,)).fetchone()
        return (row[0], row[1], row[2], row[3]) if row else None

    def set_status(self, path: str, status: FileStatus, collection: str | None = None, error: str | None = None) -> None:
        """Create or update a file row's status (committed at once)."""
        with self.lock:
            now = time.time()
            self.conn.execute(
                "INSERT INTO files(path, collection, status, error, updated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT(path) DO UPDATE SET status=excluded.status, error=excluded.error, "
                "updated_at=excluded.updated_at, collection=COALESCE(?, files.collection)",
                (path, collection or "default", str(status), error, now, collection),
            )

    def touch(self, path: str, mtime: float, size: int) -> None:
        """Same content, new mtime: remember the new stat for the fast path."""
        with self.lock:
            self.conn.execute("UPDATE files SET mtime=?, size=? WHERE path=?", (mtime, size, path))

    def paths_with_status(self, statuses: Iterable[FileStatus]) -> list[str]:
        st = [str(s) for s in statuses]
        with self.lock:
            rows = self.conn.execute(
                f"SELECT path FROM files WHERE status IN ({','.join('?' * len(st))}) ORDER BY path", st
            ).fetchall()
        return [r[0] for r in rows]

    def collection_names(self) -> list[str]:
        with self.lock:
            rows = self.conn.execute("SELECT DISTINCT collection FROM files ORDER BY collection").fetchall()
        return [r[0] for r in rows]

    # -- chunks ----------------------------------------------------------------------

    def chunk_ids(self, path: str) -> list[str]:
        with self.lock:
            return [r[0] for r in self.conn.execute("SELECT chunk_id FROM chunks WHERE path=? ORDER BY ordinal", (path,))]

    def chunks_of(self, path: str) -> list[ChunkRow]:
        with self.lock:
            rows = self.conn.execute(
                "SELECT chunk_id, path, collection, ordinal, page, heading, text, char_start FROM chunks "
                "WHERE path=? ORDER BY ordinal",
                (path,),
            ).fetchall()
        return [ChunkRow(*r) for r in rows]

    def neighbours(self, path: str, ordinal: int, n: int) -> list[ChunkRow]:
        """The chunks of ``path`` from ordinal-n to ordinal+n, in order."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT chunk_id, path, collection, ordinal, page, heading, text, char_start FROM chunks "
                "WHERE path=? AND ordinal BETWEEN ? AND ? ORDER BY ordinal",
                (path, ordinal - n, ordinal + n),
            ).fetchall()
        return [ChunkRow(*r) for r in rows]

    def chunk_rows(self, ids: Sequence[str]) -> dict[str, ChunkRow]:
        out: dict[str, ChunkRow] = {}
        with self.lock:
            for i in range(0, len(ids), 500):
                part = list(ids[i : i + 500])
                for r in self.conn.execute(
                    "SELECT chunk_id, path, collection, ordinal, page, heading, text, char_start FROM chunks "
                    f"WHERE chunk_id IN ({','.join('?' * len(part))})",
                    part,
                ):
                    out[r[0]] = ChunkRow(*r)
        return out

    def chunk_keys(self, ids: Sequence[str]) -> dict[str, tuple[str, str, str]]:
        """(path, heading, collection) of live chunks: enough to rank, without the texts."""
        out: dict[str, tuple[str, str, str]] = {}
        with self.lock:
            for i in range(0, len(ids), 500):
                part = list(ids[i : i + 500])
                for r in self.conn.execute(
                    f"SELECT chunk_id, path, heading, collection FROM chunks WHERE chunk_id IN ({','.join('?' * len(part))})",
                    part,
                ):
                    out[r[0]] = (r[1], r[2], r[3])
        return out

    def chunk_count(self) -> int:
        with self.lock:
            return int(self.conn.execute("SELECT count(*) FROM chunks").fetchone()[0])

    # -- embedder bookkeeping -----------------------------------------------------------

    def is_embedded(self, embedder: str, path: str, sha: str) -> bool:
        with self.lock:
            row = self.conn.execute("SELECT sha256 FROM embedded WHERE embedder=? AND path=?", (embedder, path)).fetchone()
        return bool(row) and row[0] == sha

    def embedders_of(self, path: str) -> list[str]:
        with self.lock:
            return [r[0] for r in self.conn.execute("SELECT embedder FROM embedded WHERE path=?", (path,))]

    def indexed_missing_embedder(self, embedder: str) -> list[str]:
        """Indexed files whose current chunks are not in this embedder's collection."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT f.path FROM files f LEFT JOIN embedded e ON e.path=f.path AND e.embedder=? "
                "WHERE f.status='indexed' AND f.chunks > 0 AND (e.sha256 IS NULL OR e.sha256 != f.sha256) "
                "ORDER BY f.path",
                (embedder,),
            ).fetchall()
        return [r[0] for r in rows]

    def mark_pending(self, embedder: str, ids: Sequence[str]) -> None:
        """Vectors about to be written to Chroma before their registry commit."""
        with self.lock:
            self.conn.executemany("INSERT INTO pending_vectors VALUES (?, ?)", [(embedder, i) for i in ids])

    def pending(self, table: str, embedder: str) -> list[str]:
        assert table in ("pending_vectors", "stale_vectors")
        with self.lock:
            return [r[0] for r in self.conn.execute(f"SELECT chunk_id FROM {table} WHERE embedder=?", (embedder,))]

    def clear(self, table: str, embedder: str, ids: Sequence[str]) -> None:
        assert table in ("pending_vectors", "stale_vectors")
        with self.lock:
            self.conn.execute("BEGIN")
            for i in range(0, len(ids), 500):
                part = list(ids[i : i + 500])
                self.conn.execute(
                    f"DELETE FROM {table} WHERE embedder=? AND chunk_id IN ({','.join('?' * len(part))})",
                    [embedder, *part],
                )
            self.conn.execute("COMMIT")

    def pending_embedders(self) -> list[str]:
        with self.lock:
            return [
                r[0]
                for r in self.conn.execute(
                    "SELECT embedder FROM pending_vectors UNION SELECT embedder FROM stale_vectors"
                )
            ]

    # -- the one atomic swap per file ---------------------------------------------------

    def commit_file(
        self,
        path: str,
        collection: str,
        sha: str,
        mtime: float,
        size: int,
        pages: int | None,
        rows: Sequence[ChunkRow],
        embedder: str,
        error: str | None = None,
    ) -> list[str]:
        """Replace a file's chunks with ``rows`` and mark it indexed, in ONE transaction.

        Returns the replaced chunk ids (their vectors are queued in stale_vectors for
        every embedder that had them).
        """
        new_ids = {r.chunk_id for r in rows}
        with self.lock:
            c = self.conn
            c.execute("BEGIN IMMEDIATE")
            try:
                old = [r[0] for r in c.execute("SELECT chunk_id FROM chunks WHERE path=?", (path,))]
                gone = [i for i in old if i not in new_ids]
                olds = [r[0] for r in c.execute("SELECT embedder FROM embedded WHERE path=?", (path,))]
                for emb in set(olds) | {embedder}:
                    c.executemany("INSERT INTO stale_vectors VALUES (?, ?)", [(emb, i) for i in gone])
                self.lexical.delete(old)
                c.execute("DELETE FROM chunks WHERE path=?", (path,))
                c.executemany(
                    "INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [(r.chunk_id, r.path, r.collection, r.ordinal, r.page, r.heading, r.text, r.char_start) for r in rows],
                )
                self.lexical.add((r.chunk_id, _lexical_text(r)) for r in rows)
                c.execute("DELETE FROM embedded WHERE path=?", (path,))
                c.execute("INSERT INTO embedded VALUES (?, ?, ?)", (embedder, path, sha))
                ids = [r.chunk_id for r in rows]
                for i in range(0, len(ids), 500):
                    part = ids[i : i + 500]
                    c.execute(
                        f"DELETE FROM pending_vectors WHERE embedder=? AND chunk_id IN ({','.join('?' * len(part))})",
                        [embedder, *part],
                    )
                c.execute(
                    "INSERT INTO files(path, collection, sha256, mtime, size, status, error, pages, chunks, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, 'indexed', ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET "
                    "collection=excluded.collection, sha256=excluded.sha256, mtime=excluded.mtime, "
                    "size=excluded.size, status='indexed', error=excluded.error, pages=excluded.pages, "
                    "chunks=excluded.chunks, updated_at=excluded.updated_at",
                    (path, collection, sha, mtime, size, error, pages, len(rows), time.time()),
                )
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
            self.version += 1
        return gone

    def commit_embedded(self, embedder: str, path: str, sha: str, ids: Sequence[str]) -> None:
        """A file's existing chunks are now in this embedder's collection too."""
        with self.lock:
            c = self.conn
            c.execute("BEGIN IMMEDIATE")
            c.execute("INSERT OR REPLACE INTO embedded VALUES (?, ?, ?)", (embedder, path, sha))
            for i in range(0, len(ids), 500):
                part = list(ids[i : i + 500])
                c.execute(
                    f"DELETE FROM pending_vectors WHERE embedder=? AND chunk_id IN ({','.join('?' * len(part))})",
                    [embedder, *part],
                )
            c.execute("COMMIT")

    def remove_file(self, path: str) -> dict[str, list[str]]:
        """Forget a file and its chunks in one transaction; returns {embedder: ids} to delete."""
        with self.lock:
            c = self.conn
            c.execute("BEGIN IMMEDIATE")
            try:
                ids = [r[0] for r in c.execute("SELECT chunk_id FROM chunks WHERE path=?", (path,))]
                embs = [r[0] for r in c.execute("SELECT embedder FROM embedded WHERE path=?", (path,))]
                for emb in embs:
                    c.executemany("INSERT INTO stale_vectors VALUES (?, ?)", [(emb, i) for i in ids])
                self.lexical.delete(ids)
                c.execute("DELETE FROM chunks WHERE path=?", (path,))
                c.execute("DELETE FROM embedded WHERE path=?", (path,))
                c.execute("DELETE FROM files WHERE path=?", (path,))
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
            self.version += 1
        return {e: ids for e in embs}

    def consistency(self) -> dict[str, int]:
        """Counts that must agree in a consistent registry (used by tests and selfcheck)."""
        with self.lock:
            c = self.conn
            q = lambda sql: int(c.execute(sql).fetchone()[0])  # noqa: E731
            return {
                "chunks": q("SELECT count(*) FROM chunks"),
                "fts": q("SELECT count(*) FROM chunk_fts"),
                "chunks_without_file": q(
                    "SELECT count(*) FROM chunks WHERE path NOT IN (SELECT path FROM files)"
                ),
                "indexed_count_mismatch": q(
                    "SELECT count(*) FROM files f WHERE status='indexed' AND chunks != "
                    "(SELECT count(*) FROM chunks c WHERE c.path=f.path)"
                ),
                "pending": q("SELECT count(*) FROM pending_vectors"),
                "stale": q("SELECT count(*) FROM stale_vectors"),
            }


def _record(row: Sequence[Any]) -> DocumentRecord:
    return DocumentRecord(
        path=row[0], status=FileStatus(row[1]), collection=row[2], error=row[3], pages=row[4],
        chunks=row[5] or 0, sha256=row[6] or "", updated_at=row[7] or 0.0,
    )


# A cross-reference that quotes another part's title: "see Section 12.1, “What other
# documentation exists?”", "см. Раздел 4.4, «Насколько …»" (DocBook, LaTeX, Word output).
# The quoted title is the OTHER section's topic: indexed, it makes a passage that merely
# points elsewhere rank for that topic (on the Debian FAQ gold such pointers were the top
# hit for 14 of the 65 Russian misses). Only the index loses it; the stored text is whole.
_XREF = re.compile(
    r"((?:Section|Chapter|Appendix|Part|Раздел[еау]?|Глав[аеуы]|Приложени[еия]|Част[ьи])"
    r"\s+[0-9A-Z]{1,4}(?:\.[0-9]{1,4}){0,5})\s*,?\s*"
    r"(?:“[^”\n]{1,300}”|\"[^\"\n]{1,300}\"|«(?:[^«»\n]|«[^«»\n]{0,200}»){1,300}»)",
    re.IGNORECASE,
)


def strip_cross_references(text: str) -> str:
    """``text`` with the quoted titles of cross-references removed ("Section 12.1" stays)."""
    return _XREF.sub(r"\1", text) if ("“" in text or "«" in text or '"' in text) else text


def _lexical_text(row: ChunkRow) -> str:
    # Headings are words users search for; the file name too (e.g. "invoice-2023").
    text = strip_cross_references(row.text)
    return f"{row.heading}\n{text}" if row.heading else text


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
