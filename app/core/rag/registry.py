"""The document registry: one SQLite file per index that is the source of truth.

- ``files``: one row per document (content sha256, mtime/size, status, counts);
- ``chunks`` + ``chunk_fts``: the chunk texts and their BM25 index, replaced in ONE
  transaction per file, so a question sees the old version or the new one, never a mix;
- ``embedded``: which embedder's Chroma collection holds a file's current chunks;
- ``pending_vectors`` / ``stale_vectors``: vectors written to Chroma before their
  registry commit, and vectors of replaced chunks, so a killed process leaves nothing
  that the next start cannot clean up.
The tables are created and upgraded by the store's one migration list
(``app/core/store/migrations.py``, the DOCUMENTS steps).
"""

from __future__ import annotations

import re
import sqlite3
import time
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Iterable, Sequence

from app.core.rag.lexical import LexicalIndex
from app.core.store.db import Database
from app.core.store.migrations import DOCUMENTS

__all__ = ["UNFINISHED", "ChunkRow", "DocumentRecord", "FileStatus", "Registry", "strip_cross_references"]


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


# The columns of a ChunkRow, in its field order.
_SELECT_CHUNKS = "SELECT chunk_id, path, collection, ordinal, page, heading, text, char_start FROM chunks "


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
                _SELECT_CHUNKS + "WHERE path=? ORDER BY ordinal",
                (path,),
            ).fetchall()
        return [ChunkRow(*r) for r in rows]

    def neighbours(self, path: str, ordinal: int, n: int) -> list[ChunkRow]:
        """The chunks of ``path`` from ordinal-n to ordinal+n, in order."""
        with self.lock:
            rows = self.conn.execute(
                _SELECT_CHUNKS + "WHERE path=? AND ordinal BETWEEN ? AND ? ORDER BY ordinal",
                (path, ordinal - n, ordinal + n),
            ).fetchall()
        return [ChunkRow(*r) for r in rows]

    def chunk_rows(self, ids: Sequence[str]) -> dict[str, ChunkRow]:
        out: dict[str, ChunkRow] = {}
        with self.lock:
            for i in range(0, len(ids), 500):
                part = list(ids[i : i + 500])
                for r in self.conn.execute(
                    _SELECT_CHUNKS + f"WHERE chunk_id IN ({','.join('?' * len(part))})",
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
