"""The one migration list: its shape, transactions per step, refusing newer files, and
in-place upgrades of the files earlier Sova versions wrote (their DDL copied below)."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from app.core.rag.registry import FileStatus, Registry
from app.core.store import DOCUMENTS, MAIN, MIGRATIONS, Database, Migration, Store, StoreError, latest_version
from app.core.store.migrations import DATABASES, split_sql

# ---- what earlier versions wrote (copied, never imported: the fixtures must not move) ----

# app/core/store.py before the store package: MIGRATIONS[0] and [1], user_version 1 and 2.
OLD_STORE_V1 = """
CREATE TABLE conversations (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
CREATE TABLE messages (
    id INTEGER PRIMARY KEY,
    conversation_id INTEGER NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    created_at REAL NOT NULL,
    model TEXT,
    status TEXT NOT NULL DEFAULT 'complete',
    stats TEXT
);
CREATE INDEX messages_by_conversation ON messages(conversation_id, id);
CREATE VIRTUAL TABLE messages_fts USING fts5(
    content, content='messages', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_ai AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER messages_ad AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER messages_au AFTER UPDATE OF content ON messages BEGIN
    INSERT INTO messages_fts(messages_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO messages_fts(rowid, content) VALUES (new.id, new.content);
END;
"""
OLD_STORE_V2 = """
ALTER TABLE conversations ADD COLUMN collections TEXT;
ALTER TABLE messages ADD COLUMN citations TEXT;
"""

# app/core/rag/ingest.py SCHEMA + app/core/rag/lexical.py FTS_SCHEMA before the list: no
# user_version (0), tables made with IF NOT EXISTS on every open.
OLD_REGISTRY = """
PRAGMA journal_mode = WAL;
PRAGMA synchronous = NORMAL;
CREATE TABLE IF NOT EXISTS files (
    path TEXT PRIMARY KEY,
    collection TEXT NOT NULL DEFAULT 'default',
    sha256 TEXT NOT NULL DEFAULT '',
    mtime REAL NOT NULL DEFAULT 0,
    size INTEGER NOT NULL DEFAULT -1,
    status TEXT NOT NULL,
    error TEXT,
    pages INTEGER,
    chunks INTEGER NOT NULL DEFAULT 0,
    updated_at REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS chunks (
    chunk_id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    collection TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    page INTEGER,
    heading TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL,
    char_start INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chunks_path ON chunks(path, ordinal);
CREATE TABLE IF NOT EXISTS embedded (
    embedder TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (embedder, path)
);
CREATE TABLE IF NOT EXISTS pending_vectors (embedder TEXT NOT NULL, chunk_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS stale_vectors (embedder TEXT NOT NULL, chunk_id TEXT NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(
    stems, chunk_id UNINDEXED, tokenize = "unicode61 remove_diacritics 0"
);
"""


def _schema(path: Path) -> dict[str, str]:
    db = sqlite3.connect(path)
    try:
        return {r[0]: " ".join(str(r[1]).split()) for r in db.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE '%fts_%' ORDER BY name")}
    finally:
        db.close()


# ---- the list itself ------------------------------------------------------------------------


def test_versions_are_one_to_n_without_gaps_and_name_a_known_database() -> None:
    assert [m.version for m in MIGRATIONS] == list(range(1, len(MIGRATIONS) + 1))
    assert {m.database for m in MIGRATIONS} <= set(DATABASES)
    assert all(callable(m.step) or split_sql(m.step) for m in MIGRATIONS)


def test_table_map() -> None:
    """Where each table lives (update with the list: later tables land in MAIN)."""
    assert latest_version(MAIN) == 5 and latest_version(DOCUMENTS) == 3


def test_split_sql_keeps_trigger_bodies_whole() -> None:
    [m1] = [m for m in MIGRATIONS if m.version == 1]
    assert isinstance(m1.step, str)
    parts = split_sql(m1.step)
    assert len(parts) == 7 and all(sqlite3.complete_statement(p) for p in parts)
    assert sum("BEGIN" in p and "END;" in p for p in parts) == 3


# ---- applying it -----------------------------------------------------------------------------


def test_fresh_files_get_exactly_their_own_tables(tmp_path: Path) -> None:
    Database(tmp_path / "main.sqlite3", MAIN).close()
    Database(tmp_path / "docs.sqlite3", DOCUMENTS).close()
    main, docs = _schema(tmp_path / "main.sqlite3"), _schema(tmp_path / "docs.sqlite3")
    assert {"conversations", "messages", "messages_fts"} <= set(main) and "files" not in main
    assert {"files", "chunks", "embedded", "pending_vectors", "stale_vectors", "chunk_fts"} <= set(docs)
    assert "messages" not in docs


def test_a_failing_step_leaves_the_file_at_the_previous_version(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    steps = [
        Migration(1, MAIN, "CREATE TABLE a (x INTEGER); INSERT INTO a VALUES (1);"),
        Migration(2, MAIN, "CREATE TABLE b (y INTEGER); INSERT INTO a VALUES (2); INSERT INTO nowhere VALUES (3);"),
    ]
    with pytest.raises(StoreError) as err:
        Database(path, MAIN, migrations=steps)
    assert err.value.code == "database_migration_failed"
    assert err.value.params["version"] == 2 and err.value.params["path"] == str(path)
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 1
    assert db.execute("SELECT x FROM a").fetchall() == [(1,)]  # step 2's insert rolled back
    assert db.execute("SELECT count(*) FROM sqlite_master WHERE name='b'").fetchone()[0] == 0
    db.close()
    # Fixed in the next release: the file moves on from where it was.
    fixed = [steps[0], Migration(2, MAIN, "CREATE TABLE b (y INTEGER);")]
    d = Database(path, MAIN, migrations=fixed)
    assert d.version == 2
    d.close()


def test_a_callable_step_runs_inside_the_transaction(tmp_path: Path) -> None:
    def backfill(conn: sqlite3.Connection) -> None:
        assert conn.in_transaction
        conn.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(3)])
        raise RuntimeError("half-way")

    steps = [Migration(1, MAIN, "CREATE TABLE t (v INTEGER);"), Migration(2, MAIN, backfill)]
    with pytest.raises(StoreError, match="half-way"):
        Database(tmp_path / "x.sqlite3", MAIN, migrations=steps)
    d = Database(tmp_path / "x.sqlite3", MAIN, migrations=steps[:1])
    assert d.version == 1 and d.connection.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    d.close()


def test_steps_of_the_other_file_are_skipped(tmp_path: Path) -> None:
    steps = [Migration(1, MAIN, "CREATE TABLE a (x);"), Migration(2, DOCUMENTS, "CREATE TABLE d (x);"),
             Migration(3, MAIN, "CREATE TABLE c (x);")]
    d = Database(tmp_path / "m.sqlite3", MAIN, migrations=steps)
    assert d.version == 3
    d.close()
    assert {"a", "c"} == set(_schema(tmp_path / "m.sqlite3"))
    # A MAIN file at 3 is not "newer" for a DOCUMENTS list that ends at 2, and vice versa.
    d = Database(tmp_path / "d.sqlite3", DOCUMENTS, migrations=steps)
    assert d.version == 2
    d.close()


def test_two_opens_of_a_fresh_file_at_once_migrate_it_once(tmp_path: Path) -> None:
    path = tmp_path / "race.sqlite3"
    results: list[object] = []

    def open_it() -> None:
        try:
            d = Database(path, MAIN)
            results.append(d.version)
            d.close()
        except Exception as exc:  # reported below
            results.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [latest_version(MAIN)] * 4


def test_a_newer_registry_is_refused_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "registry.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version={latest_version(DOCUMENTS) + 5}")
    with pytest.raises(StoreError, match="registry.sqlite3.*newer Sova") as err:
        Registry(path)
    assert err.value.code == "database_too_new"


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "sova.sqlite3"
    path.write_bytes(b"this is not SQLite at all" * 100)
    with pytest.raises(StoreError) as err:
        Store(path)
    assert err.value.code == "database_unreadable" and err.value.params["path"] == str(path)


# ---- upgrading users' files in place ---------------------------------------------------------


def _old_store(path: Path, version: int) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.executescript(OLD_STORE_V1)
    if version >= 2:
        db.executescript(OLD_STORE_V2)
    db.execute(f"PRAGMA user_version={version}")
    db.execute("INSERT INTO conversations(title, created_at, updated_at) VALUES ('old', 1, 2)")
    db.execute("INSERT INTO messages(conversation_id, role, content, created_at, model, status, stats) "
               "VALUES (1, 'user', 'kept words', 1, NULL, 'complete', NULL)")
    db.execute("INSERT INTO messages(conversation_id, role, content, created_at, model, status, stats) "
               "VALUES (1, 'assistant', 'a partial answer', 2, 'qwen', 'interrupted', "
               "'{\"prompt_tokens\": 7, \"completion_tokens\": 3}')")
    if version >= 2:
        db.execute("UPDATE conversations SET collections='[\"work\"]'")
        db.execute("UPDATE messages SET citations='[{\"n\": 1, \"path\": \"/d.pdf\", \"page\": 2, "
                   "\"heading\": \"H\", \"text\": \"t\"}]' WHERE role='assistant'")
    db.close()


@pytest.mark.parametrize("version", [1, 2])
def test_a_conversation_database_from_earlier_versions_upgrades_with_its_rows(tmp_path: Path, version: int) -> None:
    path = tmp_path / "sova.sqlite3"
    _old_store(path, version)
    store = Store(path)
    assert store.schema_version == latest_version(MAIN)
    [conv] = store.conversations()
    assert (conv.title, conv.created_at, conv.updated_at) == ("old", 1.0, 2.0)
    assert conv.collections == (("work",) if version >= 2 else None)
    user, answer = store.messages(conv.id)
    assert user.content == "kept words"
    assert answer.content == "a partial answer" and answer.model == "qwen"
    assert str(answer.status) == "interrupted" and answer.stats is not None and answer.stats.prompt_tokens == 7
    assert [c.path for c in answer.citations] == (["/d.pdf"] if version >= 2 else [])
    assert [m.content for _, m, _ in store.search("kept")] == ["kept words"]  # the old FTS rows still match
    assert store.integrity_check() == []
    store.close()


def test_a_registry_from_before_the_list_upgrades_with_its_rows(tmp_path: Path) -> None:
    from app.core.rag.lexical import stems_text

    path = tmp_path / "index" / "registry.sqlite3"
    path.parent.mkdir()
    db = sqlite3.connect(path, isolation_level=None)
    db.executescript(OLD_REGISTRY)
    assert db.execute("PRAGMA user_version").fetchone()[0] == 0
    db.execute("INSERT INTO files VALUES ('/d/a.txt', 'work', 'abc', 5.0, 10, 'indexed', NULL, 2, 2, 7.0)")
    db.execute("INSERT INTO files(path, status) VALUES ('/d/b.pdf', 'queued')")
    rows = [("c1", "/d/a.txt", "work", 0, 1, "Intro", "Debian is pronounced deb-ee-en", 0),
            ("c2", "/d/a.txt", "work", 1, 2, "", "Установка пакетов", 40)]
    db.executemany("INSERT INTO chunks VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO chunk_fts(stems, chunk_id) VALUES (?, ?)",
                   [(stems_text(r[6]), r[0]) for r in rows])
    db.execute("INSERT INTO embedded VALUES ('e5-small', '/d/a.txt', 'abc')")
    db.execute("INSERT INTO pending_vectors VALUES ('e5-small', 'c9')")
    db.execute("INSERT INTO stale_vectors VALUES ('e5-small', 'c8')")
    db.close()
    before = _schema(path)

    reg = Registry(path)
    assert reg.db.version == latest_version(DOCUMENTS)
    assert _schema(path) == before  # the baseline step adopted the tables as they were
    a = reg.file("/d/a.txt")
    assert a is not None and (a.status, a.collection, a.chunks, a.pages, a.sha256) == (FileStatus.INDEXED, "work", 2, 2, "abc")
    assert reg.paths_with_status([FileStatus.QUEUED]) == ["/d/b.pdf"]
    assert [(r.chunk_id, r.heading, r.text, r.char_start) for r in reg.chunks_of("/d/a.txt")] == [
        (r[0], r[5], r[6], r[7]) for r in rows]
    assert reg.is_embedded("e5-small", "/d/a.txt", "abc")
    assert reg.pending("pending_vectors", "e5-small") == ["c9"]
    assert reg.pending("stale_vectors", "e5-small") == ["c8"]
    assert [h.chunk_id for h in reg.lexical.search("пакет")] == ["c2"]
    assert reg.consistency()["chunks"] == reg.consistency()["fts"] == 2
    assert reg.integrity_check() == []
    reg.close()
    reg.close()  # idempotent
    reg = Registry(path)  # and it opens again as it is
    assert reg.chunk_count() == 2
    reg.close()
