"""Store: migrations, conversations, messages, FTS search, export."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from app.core.store import MIGRATIONS, SCHEMA_VERSION, Store
from app.core.types import Citation, GenerationStats, Message, MessageStatus, Role


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "sova.sqlite3")


def test_fresh_database_is_wal_and_current(store: Store, tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "sova.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == len(MIGRATIONS)


def test_migrates_a_version_1_database_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0])
    db.execute("PRAGMA user_version=1")
    db.execute("INSERT INTO conversations(title, created_at, updated_at) VALUES ('old', 1, 1)")
    db.execute(
        "INSERT INTO messages(conversation_id, role, content, created_at) VALUES (1, 'user', 'kept words', 1)"
    )
    db.commit()
    db.close()
    store = Store(path)
    [conv] = store.conversations()
    assert conv.title == "old" and conv.collections is None
    [msg] = store.messages(conv.id)
    assert msg.content == "kept words" and msg.citations == ()
    assert store.search("kept")


def test_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    with pytest.raises(RuntimeError, match="newer Sova"):
        Store(path)


def test_conversation_lifecycle(store: Store) -> None:
    a = store.create_conversation("First")
    b = store.create_conversation("Second")
    store.add_message(a.id, Message(Role.USER, "hello"))  # bumps a to the top
    assert [c.id for c in store.conversations()] == [a.id, b.id]
    store.rename_conversation(b.id, "  Renamed  ")
    assert store.conversation(b.id).title == "Renamed"  # type: ignore[union-attr]
    store.delete_conversation(a.id)
    assert [c.id for c in store.conversations()] == [b.id]
    assert store.messages(a.id) == []
    assert store.search("hello") == []  # FTS rows go with the messages


def test_message_round_trip_with_stats_and_citations(store: Store) -> None:
    conv = store.create_conversation()
    stats = GenerationStats(prompt_tokens=10, evaluated_prompt_tokens=4, completion_tokens=5, generation_seconds=0.5)
    cit = Citation(1, "/docs/faq.pdf", 3, "Intro", "Debian is pronounced deb-ee-en")
    m = store.add_message(conv.id, Message(Role.ASSISTANT, "", model="m", status=MessageStatus.INTERRUPTED, citations=(cit,)))
    assert m.id is not None
    store.update_message(m.id, content="partial answer", stats=stats)
    got = store.message(m.id)
    assert got is not None
    assert got.content == "partial answer"
    assert got.status == MessageStatus.INTERRUPTED
    assert got.stats == stats and got.stats.tokens_per_second == 10.0
    assert got.citations == (cit,)
    store.update_message(m.id, status=MessageStatus.COMPLETE)
    assert store.message(m.id).status == MessageStatus.COMPLETE  # type: ignore[union-attr]


def test_full_text_search_across_conversations_in_both_languages(store: Store) -> None:
    a = store.create_conversation("a")
    b = store.create_conversation("b")
    store.add_message(a.id, Message(Role.USER, "How do I pronounce Debian?"))
    store.add_message(b.id, Message(Role.ASSISTANT, "Слово Debian произносится как «Деби-ан»."))
    store.add_message(b.id, Message(Role.USER, "unrelated"))
    hits = store.search("debian")
    assert {conv.id for conv, _, _ in hits} == {a.id, b.id}
    [(conv, msg, snippet)] = store.search("произносит")  # prefix match
    assert conv.id == b.id and "[произносится]" in snippet
    assert store.search('"') == []  # user text never breaks the FTS syntax
    assert store.search("AND OR NOT (") == []


def test_update_keeps_fts_in_sync(store: Store) -> None:
    conv = store.create_conversation()
    m = store.add_message(conv.id, Message(Role.USER, "alpha"))
    assert m.id is not None
    store.update_message(m.id, content="omega")
    assert store.search("alpha") == []
    assert len(store.search("omega")) == 1


def test_export_markdown_and_json(store: Store) -> None:
    conv = store.create_conversation("Export me")
    store.add_message(conv.id, Message(Role.USER, "Вопрос?"))
    store.add_message(
        conv.id,
        Message(Role.ASSISTANT, "Ответ [1]", status=MessageStatus.INTERRUPTED,
                citations=(Citation(1, "/d/faq.pdf", 2, "", "text"),)),
    )
    md = store.export_markdown(conv.id)
    assert md.startswith("# Export me")
    assert "## You" in md and "Вопрос?" in md and "(interrupted)" in md
    assert "[1] /d/faq.pdf, page 2" in md
    data = json.loads(store.export_json(conv.id))
    assert data["title"] == "Export me"
    assert [m["role"] for m in data["messages"]] == ["user", "assistant"]
    assert data["messages"][1]["citations"][0]["page"] == 2
    with pytest.raises(KeyError):
        store.export_json(999)


def test_survives_reopen(tmp_path: Path) -> None:
    s = Store(tmp_path / "x.sqlite3")
    conv = s.create_conversation("persist")
    s.add_message(conv.id, Message(Role.USER, "still here"))
    s.close()
    s2 = Store(tmp_path / "x.sqlite3")
    assert s2.messages(conv.id)[0].content == "still here"
