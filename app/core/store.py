"""Conversations and messages in SQLite (WAL), with numbered migrations and FTS5 search.

One connection guarded by a lock: the UI thread reads, workers write, and WAL keeps a
reader from ever seeing half a write. A crash mid-answer leaves the partial answer
stored with status 'interrupted' because answers are written while they stream.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Iterator

from app.core.types import Citation, Conversation, GenerationStats, Message, MessageStatus, Role

# Numbered migrations: MIGRATIONS[i] brings user_version i to i+1. Never edit one that
# has shipped; append a new one.
MIGRATIONS: list[str] = [
    # 0 -> 1: conversations, messages, full-text search
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
    # 1 -> 2: per-conversation documents choice, citations on answers
    """
    ALTER TABLE conversations ADD COLUMN collections TEXT;  -- NULL: documents off; JSON list
    ALTER TABLE messages ADD COLUMN citations TEXT;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def _stats_to_json(stats: GenerationStats | None) -> str | None:
    return json.dumps(asdict(stats)) if stats else None


def _stats_from_json(text: str | None) -> GenerationStats | None:
    if not text:
        return None
    data = json.loads(text)
    return GenerationStats(**{k: v for k, v in data.items() if k in GenerationStats.__dataclass_fields__})


def _citations_from_json(text: str | None) -> tuple[Citation, ...]:
    if not text:
        return ()
    return tuple(Citation(**c) for c in json.loads(text))


class Store:
    """The conversation database. Safe to share between threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute("PRAGMA foreign_keys=ON")
        self._db.execute("PRAGMA busy_timeout=5000")
        self.migrate()

    # ---- plumbing ---------------------------------------------------------------

    def migrate(self) -> int:
        """Apply pending migrations, each in its own transaction; returns the version."""
        with self._lock:
            version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
            if version > SCHEMA_VERSION:
                raise RuntimeError(
                    f"{self.path} was written by a newer Sova (schema {version}); "
                    "please update Sova."
                )
            while version < SCHEMA_VERSION:
                script = MIGRATIONS[version]
                self._db.execute("BEGIN IMMEDIATE")
                try:
                    for statement in _split_sql(script):
                        self._db.execute(statement)
                    self._db.execute(f"PRAGMA user_version={version + 1}")
                    self._db.execute("COMMIT")
                except Exception:
                    self._db.execute("ROLLBACK")
                    raise
                version += 1
            return version

    def _tx(self) -> "_Tx":
        return _Tx(self._db, self._lock)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # ---- conversations ----------------------------------------------------------

    def create_conversation(self, title: str = "New chat") -> Conversation:
        now = time.time()
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO conversations(title, created_at, updated_at) VALUES (?,?,?)",
                (title, now, now),
            )
            cid = int(cur.lastrowid or 0)
        return Conversation(cid, title, now, now)

    def conversation(self, conversation_id: int) -> Conversation | None:
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM conversations WHERE id=?", (conversation_id,)
            ).fetchone()
        return _conversation(row) if row else None

    def conversations(self) -> list[Conversation]:
        """All conversations, most recently updated first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM conversations ORDER BY updated_at DESC, id DESC"
            ).fetchall()
        return [_conversation(r) for r in rows]

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE conversations SET title=? WHERE id=?", (title.strip() or "Untitled", conversation_id))

    def set_collections(self, conversation_id: int, collections: tuple[str, ...] | None) -> None:
        """Documents for a conversation: None = off, () = all collections."""
        value = None if collections is None else json.dumps(list(collections))
        with self._tx() as db:
            db.execute("UPDATE conversations SET collections=? WHERE id=?", (value, conversation_id))

    def delete_conversation(self, conversation_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM messages WHERE conversation_id=?", (conversation_id,))
            db.execute("DELETE FROM conversations WHERE id=?", (conversation_id,))

    # ---- messages ---------------------------------------------------------------

    def add_message(self, conversation_id: int, message: Message) -> Message:
        """Append a message; returns it with its id."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT INTO messages(conversation_id, role, content, created_at, model, status, stats, citations)"
                " VALUES (?,?,?,?,?,?,?,?)",
                (
                    conversation_id,
                    str(message.role),
                    message.content,
                    message.created_at,
                    message.model,
                    str(message.status),
                    _stats_to_json(message.stats),
                    json.dumps([asdict(c) for c in message.citations]) if message.citations else None,
                ),
            )
            db.execute("UPDATE conversations SET updated_at=? WHERE id=?", (time.time(), conversation_id))
            mid = int(cur.lastrowid or 0)
        return Message(
            message.role, message.content, mid, conversation_id, message.created_at,
            message.model, message.status, message.stats, message.citations,
        )

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        status: MessageStatus | None = None,
        stats: GenerationStats | None = None,
    ) -> None:
        sets: list[str] = []
        args: list[Any] = []
        if content is not None:
            sets.append("content=?")
            args.append(content)
        if status is not None:
            sets.append("status=?")
            args.append(str(status))
        if stats is not None:
            sets.append("stats=?")
            args.append(_stats_to_json(stats))
        if not sets:
            return
        with self._tx() as db:
            db.execute(f"UPDATE messages SET {', '.join(sets)} WHERE id=?", (*args, message_id))

    def delete_message(self, message_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM messages WHERE id=?", (message_id,))

    def messages(self, conversation_id: int) -> list[Message]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM messages WHERE conversation_id=? ORDER BY id", (conversation_id,)
            ).fetchall()
        return [_message(r) for r in rows]

    def message(self, message_id: int) -> Message | None:
        with self._lock:
            row = self._db.execute("SELECT * FROM messages WHERE id=?", (message_id,)).fetchone()
        return _message(row) if row else None

    # ---- search and export ------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[tuple[Conversation, Message, str]]:
        """Full-text search over all messages: (conversation, message, snippet), best first."""
        terms = [t for t in query.replace('"', " ").split() if t]
        if not terms:
            return []
        # Each word as a quoted prefix term: user text never parses as FTS syntax.
        match = " ".join(f'"{t}"*' for t in terms)
        with self._lock:
            rows = self._db.execute(
                "SELECT m.*, snippet(messages_fts, 0, '[', ']', '…', 12) AS snip"
                " FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid"
                " WHERE messages_fts MATCH ? ORDER BY bm25(messages_fts) LIMIT ?",
                (match, limit),
            ).fetchall()
        out = []
        for r in rows:
            conv = self.conversation(int(r["conversation_id"]))
            if conv:
                out.append((conv, _message(r), str(r["snip"])))
        return out

    def export_markdown(self, conversation_id: int) -> str:
        conv = self.conversation(conversation_id)
        if conv is None:
            raise KeyError(conversation_id)
        lines = [f"# {conv.title}", ""]
        for m in self.messages(conversation_id):
            who = {"user": "You", "assistant": "Sova", "system": "System"}[str(m.role)]
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(m.created_at))
            note = " (interrupted)" if m.status == MessageStatus.INTERRUPTED else ""
            lines += [f"## {who} — {stamp}{note}", "", m.content, ""]
            for c in m.citations:
                where = f", page {c.page}" if c.page else ""
                lines.append(f"[{c.n}] {c.path}{where}")
            if m.citations:
                lines.append("")
        return "\n".join(lines)

    def export_json(self, conversation_id: int) -> str:
        conv = self.conversation(conversation_id)
        if conv is None:
            raise KeyError(conversation_id)
        data = {
            "id": conv.id,
            "title": conv.title,
            "created_at": conv.created_at,
            "messages": [
                {
                    "role": str(m.role),
                    "content": m.content,
                    "created_at": m.created_at,
                    "model": m.model,
                    "status": str(m.status),
                    "stats": asdict(m.stats) if m.stats else None,
                    "citations": [asdict(c) for c in m.citations],
                }
                for m in self.messages(conversation_id)
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)


class _Tx:
    """BEGIN IMMEDIATE ... COMMIT under the store's lock; ROLLBACK on error."""

    def __init__(self, db: sqlite3.Connection, lock: threading.RLock) -> None:
        self.db, self.lock = db, lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        self.db.execute("BEGIN IMMEDIATE")
        return self.db

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self.lock.release()


def _split_sql(script: str) -> Iterator[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    buf: list[str] = []
    for line in script.splitlines():
        code = line.split("--", 1)[0]
        if not code.strip() and not buf:
            continue
        buf.append(code)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            yield joined
            buf = []
    rest = "\n".join(buf).strip()
    if rest:
        yield rest


def _conversation(row: sqlite3.Row) -> Conversation:
    raw = row["collections"]
    collections = None if raw is None else tuple(json.loads(raw))
    return Conversation(int(row["id"]), str(row["title"]), float(row["created_at"]), float(row["updated_at"]), collections)


def _message(row: sqlite3.Row) -> Message:
    return Message(
        role=Role(row["role"]),
        content=str(row["content"]),
        id=int(row["id"]),
        conversation_id=int(row["conversation_id"]),
        created_at=float(row["created_at"]),
        model=row["model"],
        status=MessageStatus(row["status"]),
        stats=_stats_from_json(row["stats"]),
        citations=_citations_from_json(row["citations"]),
    )
