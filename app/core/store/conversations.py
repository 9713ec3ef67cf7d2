"""Conversations and messages (the MAIN database), with FTS5 search and export.

A crash mid-answer leaves the partial answer stored with status 'interrupted' because
answers are written while they stream. The schema lives in ``store/migrations.py``.
"""

from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Mapping

from app.core.store.db import Database
from app.core.store.migrations import MAIN
from app.core.types import Citation, Conversation, GenerationStats, Message, MessageStatus, Role


def _stats_to_json(stats: GenerationStats | None) -> str | None:
    return json.dumps(asdict(stats)) if stats else None


def _stats_from_json(text: str | None) -> GenerationStats | None:
    if not text:
        return None
    data = json.loads(text)
    return GenerationStats(**{k: v for k, v in data.items() if k in GenerationStats.__dataclass_fields__})


def _details_to_json(details: Mapping[str, Any] | None) -> str | None:
    return json.dumps(dict(details), ensure_ascii=False) if details else None


def _details_from_json(text: str | None) -> dict[str, Any]:
    if not text:
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _citations_from_json(text: str | None) -> tuple[Citation, ...]:
    if not text:
        return ()
    known = Citation.__dataclass_fields__
    return tuple(Citation(**{k: v for k, v in c.items() if k in known}) for c in json.loads(text))


class Store:
    """The conversation database (``data/sova.sqlite3``). Safe to share between threads;
    ``db`` is the file for the modules that add their own tables to it."""

    def __init__(self, path: Path | str) -> None:
        self.db = Database(path, MAIN, busy_timeout=5.0, row_factory=sqlite3.Row)
        self.path = self.db.path

    # ---- plumbing ---------------------------------------------------------------

    @property
    def schema_version(self) -> int:
        """The file's ``user_version`` (the last migration step applied to it)."""
        return self.db.version

    def integrity_check(self) -> list[str]:
        """Problems SQLite finds in the file and its full-text index; [] when sound."""
        return self.db.integrity_check()

    def checkpoint(self) -> None:
        """Fold the WAL into the database file (e.g. before copying the file)."""
        self.db.checkpoint()

    def close(self) -> None:
        """Checkpoint the WAL and close; idempotent, from any thread."""
        self.db.close()

    # ---- conversations ----------------------------------------------------------

    def create_conversation(self, title: str = "New chat", persona: str | None = None,
                            collections: tuple[str, ...] | None = None) -> Conversation:
        now = time.time()
        value = None if collections is None else json.dumps(list(collections))
        with self.db.transaction() as db:
            cur = db.execute(
                "INSERT INTO conversations(title, created_at, updated_at, persona, collections) VALUES (?,?,?,?,?)",
                (title, now, now, persona, value),
            )
            cid = int(cur.lastrowid or 0)
        return Conversation(cid, title, now, now, collections, persona)

    def conversation(self, conversation_id: int) -> Conversation | None:
        with self.db.read() as db:
            row = db.execute(
                "SELECT * FROM conversations WHERE id=?", (conversation_id,)
            ).fetchone()
        return _conversation(row) if row else None

    def conversations(self) -> list[Conversation]:
        """All conversations, most recently updated first."""
        with self.db.read() as db:
            rows = db.execute(
                "SELECT * FROM conversations ORDER BY updated_at DESC, id DESC"
            ).fetchall()
        return [_conversation(r) for r in rows]

    def rename_conversation(self, conversation_id: int, title: str) -> None:
        with self.db.transaction() as db:
            db.execute("UPDATE conversations SET title=? WHERE id=?", (title.strip() or "Untitled", conversation_id))

    def set_collections(self, conversation_id: int, collections: tuple[str, ...] | None) -> None:
        """Documents for a conversation: None = off, () = all collections."""
        value = None if collections is None else json.dumps(list(collections))
        with self.db.transaction() as db:
            db.execute("UPDATE conversations SET collections=? WHERE id=?", (value, conversation_id))

    def set_persona(self, conversation_id: int, persona: str | None) -> None:
        """The persona that answers in a conversation (None: the default one)."""
        with self.db.transaction() as db:
            db.execute("UPDATE conversations SET persona=? WHERE id=?", (persona, conversation_id))

    def delete_conversation(self, conversation_id: int) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM messages WHERE conversation_id=?", (conversation_id,))
            db.execute("DELETE FROM conversations WHERE id=?", (conversation_id,))

    # ---- messages ---------------------------------------------------------------

    def add_message(self, conversation_id: int, message: Message) -> Message:
        """Append a message; returns it with its id."""
        with self.db.transaction() as db:
            cur = db.execute(
                "INSERT INTO messages(conversation_id, role, content, created_at, model, status, stats, citations,"
                " persona, details) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    conversation_id,
                    str(message.role),
                    message.content,
                    message.created_at,
                    message.model,
                    str(message.status),
                    _stats_to_json(message.stats),
                    json.dumps([asdict(c) for c in message.citations]) if message.citations else None,
                    message.persona,
                    _details_to_json(message.details),
                ),
            )
            db.execute("UPDATE conversations SET updated_at=? WHERE id=?", (time.time(), conversation_id))
            mid = int(cur.lastrowid or 0)
        return Message(
            message.role, message.content, mid, conversation_id, message.created_at,
            message.model, message.status, message.stats, message.citations, message.persona, message.details,
        )

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        status: MessageStatus | None = None,
        stats: GenerationStats | None = None,
        details: Mapping[str, Any] | None = None,
        conversation_id: int | None = None,
    ) -> None:
        """Change a message; with ``conversation_id``, only if it still belongs there (an
        answer of a deleted conversation must never write into a message that reuses its id)."""
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
        if details is not None:
            sets.append("details=?")
            args.append(_details_to_json(details))
        if not sets:
            return
        where = "id=?" if conversation_id is None else "id=? AND conversation_id=?"
        keys = (message_id,) if conversation_id is None else (message_id, conversation_id)
        with self.db.transaction() as db:
            db.execute(f"UPDATE messages SET {', '.join(sets)} WHERE {where}", (*args, *keys))

    def delete_message(self, message_id: int) -> None:
        with self.db.transaction() as db:
            db.execute("DELETE FROM messages WHERE id=?", (message_id,))

    def messages(self, conversation_id: int) -> list[Message]:
        with self.db.read() as db:
            rows = db.execute(
                "SELECT * FROM messages WHERE conversation_id=? ORDER BY id", (conversation_id,)
            ).fetchall()
        return [_message(r) for r in rows]

    def message(self, message_id: int) -> Message | None:
        with self.db.read() as db:
            row = db.execute("SELECT * FROM messages WHERE id=?", (message_id,)).fetchone()
        return _message(row) if row else None

    # ---- search and export ------------------------------------------------------

    def search(self, query: str, limit: int = 50) -> list[tuple[Conversation, Message, str]]:
        """Full-text search over all messages: (conversation, message, snippet), best first."""
        terms = [t for t in query.replace('"', " ").split() if t]
        if not terms:
            return []
        # Each word as a quoted prefix term: user text never parses as FTS syntax.
        match = " ".join(f'"{t}"*' for t in terms)
        with self.db.read() as db:
            rows = db.execute(
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

    def export_markdown(self, conversation_id: int,
                        pictures: Callable[[Message], list[tuple[str, str]]] | None = None) -> str:
        """The conversation as Markdown; ``pictures`` gives a message's pictures as
        (name, link) to show after its text."""
        conv = self.conversation(conversation_id)
        if conv is None:
            raise KeyError(conversation_id)
        lines = [f"# {conv.title}", ""]
        for m in self.messages(conversation_id):
            who = {"user": "You", "assistant": m.persona or "Sova", "system": "System"}[str(m.role)]
            stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(m.created_at))
            note = " (interrupted)" if m.status == MessageStatus.INTERRUPTED else ""
            lines += [f"## {who} — {stamp}{note}", "", m.content, ""]
            for name, link in pictures(m) if pictures else []:
                lines += [f"![{name}](<{link}>)", ""]
            for c in m.citations:
                where = f", page {c.page}" if c.page else ""
                lines.append(f"[{c.n}] {c.path}{where}")
            if m.citations:
                lines.append("")
        return "\n".join(lines)

    def export_json(self, conversation_id: int,
                    pictures: Callable[[Message], list[tuple[str, str]]] | None = None) -> str:
        """The conversation as JSON; ``pictures`` as for Markdown (each message lists them)."""
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
                    "persona": m.persona,
                    **({"pictures": [{"name": n, "file": f} for n, f in pictures(m)]}
                       if pictures and pictures(m) else {}),
                }
                for m in self.messages(conversation_id)
            ],
        }
        return json.dumps(data, ensure_ascii=False, indent=2)


def _conversation(row: sqlite3.Row) -> Conversation:
    raw = row["collections"]
    collections = None if raw is None else tuple(json.loads(raw))
    return Conversation(int(row["id"]), str(row["title"]), float(row["created_at"]), float(row["updated_at"]), collections,
                        row["persona"])


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
        persona=row["persona"],
        details=_details_from_json(row["details"]),
    )
