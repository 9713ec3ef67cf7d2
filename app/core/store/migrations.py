"""The one numbered migration list for every SQLite table Sova keeps.

Sova keeps two SQLite files, each migrated by the steps of this list that name it:

- ``MAIN`` (``data/sova.sqlite3``): conversations, messages and their full-text index;
  the tables of later features (ratings, memory, personas) go here too, so they can
  refer to messages and conversations.
- ``DOCUMENTS`` (``data/index/registry.sqlite3``): the document registry, chunk texts
  and their BM25 index. It stays beside the vector index (``data/index/chroma``) it must
  agree with: deleting the index folder resets both, and a long ingest transaction never
  makes a chat write wait on the same file's write lock.

Each file's ``PRAGMA user_version`` is the number of the last step applied to it (a
file skips the numbers of the other file's steps). Every step runs in one transaction
together with the new ``user_version``, so a step that fails leaves the file at the
previous version.

Adding a table or column: append ``Migration(<last version + 1>, MAIN or DOCUMENTS,
sql_or_callable)``. Never edit or reorder a step that has shipped: users' files already
carry its number. A callable step receives the connection inside the open transaction
(use ``conn.execute``; ``executescript`` would commit it).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Callable, Sequence

MAIN = "main"
DOCUMENTS = "documents"
DATABASES = (MAIN, DOCUMENTS)

Step = str | Callable[[sqlite3.Connection], None]


@dataclass(frozen=True)
class Migration:
    """Step ``version`` of the list: ``step`` brings ``database`` to this version."""

    version: int
    database: str  # MAIN | DOCUMENTS
    step: Step
    note: str = ""


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        MAIN,
        """
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
        """,
        "conversations, messages, full-text search",
    ),
    Migration(
        2,
        MAIN,
        """
        ALTER TABLE conversations ADD COLUMN collections TEXT;  -- NULL: documents off; JSON list
        ALTER TABLE messages ADD COLUMN citations TEXT;
        """,
        "per-conversation documents choice, citations on answers",
    ),
    Migration(
        3,
        DOCUMENTS,
        # IF NOT EXISTS: registries written before this list existed carry user_version 0
        # and exactly these tables; this step adopts them as they are.
        """
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
        """,
        "document registry: files, chunks, BM25 stems, embedder bookkeeping",
    ),
    Migration(
        4,
        MAIN,
        """
        ALTER TABLE conversations ADD COLUMN persona TEXT;  -- persona id; NULL: the default persona
        ALTER TABLE messages ADD COLUMN persona TEXT;  -- the name of the persona that answered
        ALTER TABLE messages ADD COLUMN details TEXT;  -- JSON: what the answer used (persona, memory)
        CREATE TABLE personas (
            id TEXT PRIMARY KEY,
            data TEXT NOT NULL,  -- the persona as JSON (app.core.personas)
            position INTEGER NOT NULL DEFAULT 0,
            updated_at REAL NOT NULL
        );
        CREATE TABLE facts (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,
            topic TEXT NOT NULL DEFAULT 'other',
            scope TEXT NOT NULL DEFAULT '',  -- '': shared; else the id of the persona that owns it
            origin TEXT NOT NULL,  -- 'explicit' | 'extracted' | 'edited'
            message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
            conversation_id INTEGER REFERENCES conversations(id) ON DELETE SET NULL,
            pinned INTEGER NOT NULL DEFAULT 0,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            embedder TEXT,
            vector BLOB  -- float32, L2-normalised
        );
        CREATE INDEX facts_by_scope ON facts(scope, updated_at);
        CREATE TABLE fact_history (
            id INTEGER PRIMARY KEY,
            fact_id INTEGER NOT NULL REFERENCES facts(id) ON DELETE CASCADE,
            text TEXT NOT NULL,
            origin TEXT NOT NULL,
            message_id INTEGER REFERENCES messages(id) ON DELETE SET NULL,
            replaced_at REAL NOT NULL
        );
        CREATE INDEX fact_history_by_fact ON fact_history(fact_id, id);
        -- Which user messages extraction has read, so a fact the user deleted is not
        -- extracted again from the same message.
        CREATE TABLE memory_read (message_id INTEGER PRIMARY KEY);
        -- Keyed hashes of facts the user deleted (never their text): extraction skips them.
        CREATE TABLE memory_tombstones (digest TEXT PRIMARY KEY, created_at REAL NOT NULL);
        CREATE TABLE memory_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        """,
        "personas, long-term memory (facts, their history, what extraction has read)",
    ),
    Migration(
        5,
        MAIN,
        """
        -- The user's ratings of answers. Each row keeps a copy of what was rated (question,
        -- answer, the prompt's context), so a rated answer that a regenerated one replaced
        -- still teaches; deleting the conversation deletes its ratings.
        CREATE TABLE ratings (
            id INTEGER PRIMARY KEY,
            message_id INTEGER UNIQUE REFERENCES messages(id) ON DELETE SET NULL,
            conversation_id INTEGER REFERENCES conversations(id) ON DELETE CASCADE,
            thumb INTEGER,  -- 1 up, -1 down, NULL: none
            stars INTEGER,  -- 1..5, NULL: none
            comment TEXT NOT NULL DEFAULT '',
            correction TEXT NOT NULL DEFAULT '',  -- the better answer the user wrote
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            context TEXT NOT NULL DEFAULT '{}',  -- JSON: system prompt, earlier turns, passages
            persona TEXT,  -- persona id; NULL: the default persona
            language TEXT NOT NULL DEFAULT 'en',
            model TEXT NOT NULL DEFAULT '',
            adapter TEXT NOT NULL DEFAULT '',  -- the LoRA adapter version; '': none
            spoken INTEGER NOT NULL DEFAULT 0,  -- the question was spoken
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            embedder TEXT,
            vector BLOB  -- the question and answer's vector (float32, L2-normalised), for similar questions
        );
        CREATE INDEX ratings_by_time ON ratings(created_at);
        """,
        "ratings of answers (learning from ratings)",
    ),
)


def steps_for(database: str, steps: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    """The steps that build ``database``, in order."""
    if database not in DATABASES:
        raise ValueError(f"unknown database {database!r}")
    return [m for m in steps if m.database == database]


def latest_version(database: str, steps: Sequence[Migration] = MIGRATIONS) -> int:
    """The ``user_version`` of a ``database`` file this code has fully migrated (0: none)."""
    return max((m.version for m in steps_for(database, steps)), default=0)


def split_sql(script: str) -> list[str]:
    """A step's SQL as single statements, each run with ``execute`` inside the step's
    transaction (``executescript`` would commit it). SQLite's own parser decides where a
    statement ends, so trigger bodies, quoted ';' and comments stay whole."""
    out: list[str] = []
    start = 0
    for i, ch in enumerate(script):
        if ch == ";" and sqlite3.complete_statement(script[start : i + 1]):
            out.append(script[start : i + 1].strip())
            start = i + 1
    rest = script[start:]
    if any(line.split("--", 1)[0].strip() for line in rest.splitlines()):
        out.append(rest.strip())  # a last statement without its ';'
    return out
