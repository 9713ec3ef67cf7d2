"""One SQLite file: WAL, one shared connection behind a lock, migrated when opened.

One connection guarded by a re-entrant lock (rather than one per thread): the UI thread
reads, workers write, and every statement sees the same committed state; WAL keeps
readers in other processes from ever seeing half a write, and the busy timeout makes a
second process (the CLI beside the window) wait instead of failing.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

from app.core.store.migrations import DATABASES, MIGRATIONS, Migration, latest_version, split_sql, steps_for
from app.core.types import SovaError

log = logging.getLogger(__name__)

CLOSE_WAIT_MS = 2000  # how long close() lets another process's reader delay the checkpoint


class StoreError(SovaError):
    """A database file Sova cannot use; ``params['path']`` names the file.

    Codes: ``database_too_new`` (params: path, version, supported),
    ``database_unreadable`` (path, reason), ``database_migration_failed``
    (path, version, reason), ``database_closed`` (path).
    """

    code = "database_error"


class Database:
    """A migrated SQLite file shared by all threads of this process; safe to close from
    any thread, more than once."""

    def __init__(
        self,
        path: Path | str,
        database: str,
        *,
        busy_timeout: float = 5.0,
        row_factory: type[sqlite3.Row] | None = None,
        migrations: Sequence[Migration] = MIGRATIONS,
    ) -> None:
        if database not in DATABASES:
            raise ValueError(f"unknown database {database!r}")
        self.path = Path(path)
        self.database = database
        self.lock = threading.RLock()
        self._closed = False
        self._memory = str(path) == ":memory:"
        if not self._memory:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            conn = sqlite3.connect(
                str(path), check_same_thread=False, isolation_level=None, timeout=busy_timeout
            )
        except sqlite3.Error as exc:
            raise StoreError(
                f"Cannot open {self.path}: {exc}", code="database_unreadable", path=str(self.path), reason=str(exc)
            ) from exc
        self._conn = conn
        try:
            conn.row_factory = row_factory
            conn.execute("PRAGMA journal_mode=WAL")
            # With WAL, a killed process loses nothing committed; a power cut may lose the
            # last commits but never corrupts the file.
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
            self.version = self._migrate(migrations)
        except sqlite3.DatabaseError as exc:
            conn.close()
            self._closed = True
            raise StoreError(
                f"Cannot read {self.path} (damaged, locked, or not a database): {exc}",
                code="database_unreadable", path=str(self.path), reason=str(exc),
            ) from exc
        except BaseException:
            conn.close()
            self._closed = True
            raise

    # ---- migrations -----------------------------------------------------------------

    def _migrate(self, migrations: Sequence[Migration]) -> int:
        """Apply this file's pending steps, each with its user_version in one transaction."""
        conn = self._conn
        supported = latest_version(self.database, migrations)
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        self._check_not_newer(version, supported)
        for m in steps_for(self.database, migrations):
            if m.version <= version:
                continue
            conn.execute("BEGIN IMMEDIATE")
            try:
                # Another process may have migrated while this one waited for the lock.
                version = int(conn.execute("PRAGMA user_version").fetchone()[0])
                self._check_not_newer(version, supported)
                if m.version <= version:
                    conn.execute("COMMIT")
                    continue
                if callable(m.step):
                    m.step(conn)
                else:
                    for statement in split_sql(m.step):
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={m.version}")
                conn.execute("COMMIT")
            except BaseException as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                if isinstance(exc, (StoreError, KeyboardInterrupt, SystemExit)):
                    raise
                raise StoreError(
                    f"Cannot upgrade {self.path} to schema {m.version}: {exc}",
                    code="database_migration_failed", path=str(self.path), version=m.version, reason=str(exc),
                ) from exc
            log.info("%s: schema %d -> %d (%s)", self.path.name, version, m.version, m.note)
            version = m.version
        return version

    def _check_not_newer(self, version: int, supported: int) -> None:
        if version > supported:
            raise StoreError(
                f"{self.path} was written by a newer Sova (schema {version}; this Sova knows up to "
                f"{supported}). Please update Sova.",
                code="database_too_new", path=str(self.path), version=version, supported=supported,
            )

    # ---- access ---------------------------------------------------------------------

    @property
    def connection(self) -> sqlite3.Connection:
        """The shared connection (hold ``lock`` while using it)."""
        if self._closed:
            raise StoreError(f"{self.path} is closed", code="database_closed", path=str(self.path))
        return self._conn

    @property
    def closed(self) -> bool:
        return self._closed

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        """The connection under the lock, for reads (each statement sees committed data)."""
        with self.lock:
            yield self.connection

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT under the lock; ROLLBACK when the block raises."""
        with self.lock:
            conn = self.connection
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already (disk full)
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # ---- health and shutdown ----------------------------------------------------------

    def integrity_check(self) -> list[str]:
        """Problems found by ``PRAGMA integrity_check`` and each FTS5 index's own check;
        [] when the file is sound."""
        with self.lock:
            conn = self.connection
            problems = [str(r[0]) for r in conn.execute("PRAGMA integrity_check")]
            if problems == ["ok"]:
                problems = []
            fts = [
                str(r[0])
                for r in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type='table' AND sql LIKE 'CREATE VIRTUAL TABLE%fts5%'"
                )
            ]
            for name in fts:
                try:  # FTS5's own check (rank 1: also against an external content table); writes nothing
                    conn.execute(f'INSERT INTO "{name}"("{name}", rank) VALUES (\'integrity-check\', 1)')
                except sqlite3.DatabaseError as exc:
                    problems.append(f"{name}: {exc}")
            return problems

    def checkpoint(self) -> None:
        """Copy the WAL into the database file and empty it (so the file alone is whole)."""
        if self._memory:
            return
        with self.lock:
            row = self.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if row is not None and row[0]:
            # Another process is reading: its snapshot keeps the WAL; SQLite finishes later.
            log.info("%s: WAL checkpoint deferred (busy)", self.path.name)

    def close(self) -> None:
        """Checkpoint the WAL and close. Idempotent; any thread; waits for the statement
        or transaction in progress (it holds the lock)."""
        with self.lock:
            if self._closed:
                return
            self._closed = True
            try:
                if not self._memory:
                    if self._conn.in_transaction:  # never commit someone's half-done work
                        self._conn.execute("ROLLBACK")
                    # TRUNCATE waits for other processes' readers through the busy
                    # handler: bound that wait so quitting never hangs on them.
                    self._conn.execute(f"PRAGMA busy_timeout={CLOSE_WAIT_MS}")
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:  # the data is safe in the WAL; the next open replays it
                log.warning("%s: WAL checkpoint on close failed: %s", self.path.name, exc)
            finally:
                self._conn.close()
