"""Store: conversations, messages, FTS search, export, integrity check, shutdown."""

from __future__ import annotations

import json
import sqlite3
import threading
from pathlib import Path

import pytest

from app.core.store import MAIN, Store, StoreError, latest_version
from app.core.types import Citation, GenerationStats, Message, MessageStatus, Role


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(tmp_path / "sova.sqlite3")


def test_fresh_database_is_wal_and_current(store: Store, tmp_path: Path) -> None:
    db = sqlite3.connect(tmp_path / "sova.sqlite3")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA user_version").fetchone()[0] == latest_version(MAIN) == store.schema_version


def test_refuses_a_newer_schema_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    sqlite3.connect(path).execute(f"PRAGMA user_version={latest_version(MAIN) + 1}")
    with pytest.raises(StoreError, match="newer Sova") as err:
        Store(path)
    assert err.value.code == "database_too_new"
    assert err.value.params["path"] == str(path) and str(path) in str(err.value)


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


def test_integrity_check_is_empty_on_a_sound_file_and_names_a_broken_index(store: Store) -> None:
    conv = store.create_conversation()
    m = store.add_message(conv.id, Message(Role.USER, "searchable words"))
    assert store.integrity_check() == []
    with store.db.transaction() as db:  # change a message behind the FTS triggers' back
        db.execute("DROP TRIGGER messages_au")
        db.execute("UPDATE messages SET content='other text' WHERE id=?", (m.id,))
    problems = store.integrity_check()
    assert problems and problems[0].startswith("messages_fts")


def test_close_checkpoints_the_wal_and_is_idempotent_from_another_thread(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    s = Store(path)
    conv = s.create_conversation("kept")
    s.add_message(conv.id, Message(Role.USER, "after close"))
    wal = Path(f"{path}-wal")
    assert wal.stat().st_size > 0
    closer = threading.Thread(target=s.close)
    closer.start()
    closer.join()
    s.close()  # a second close does nothing
    assert not wal.exists() or wal.stat().st_size == 0  # everything is in the main file
    with pytest.raises(StoreError) as err:
        s.conversations()
    assert err.value.code == "database_closed"
    db = sqlite3.connect(path)  # the file alone holds the data
    assert db.execute("SELECT content FROM messages").fetchall() == [("after close",)]


def test_close_waits_for_a_write_in_progress(tmp_path: Path) -> None:
    s = Store(tmp_path / "x.sqlite3")
    conv = s.create_conversation()
    inside, release = threading.Event(), threading.Event()

    def writer() -> None:
        with s.db.transaction() as db:
            db.execute("INSERT INTO messages(conversation_id, role, content, created_at) VALUES (?, 'user', 'w', 0)",
                       (conv.id,))
            inside.set()
            release.wait()

    t = threading.Thread(target=writer)
    t.start()
    assert inside.wait(30)
    closer = threading.Thread(target=s.close)
    closer.start()
    release.set()
    t.join()
    closer.join()
    s2 = Store(tmp_path / "x.sqlite3")
    assert [m.content for m in s2.messages(conv.id)] == ["w"]
    s2.close()


def test_close_does_not_wait_long_for_another_process_reader(tmp_path: Path) -> None:
    path = tmp_path / "x.sqlite3"
    s = Store(path)
    conv = s.create_conversation("read elsewhere")
    reader = sqlite3.connect(path, isolation_level=None)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM conversations").fetchone()  # holds a WAL snapshot
    s.add_message(conv.id, Message(Role.USER, "written after the snapshot"))
    s.close()  # the checkpoint gives way to the reader; nothing is lost
    reader.execute("COMMIT")
    reader.close()
    s2 = Store(path)
    assert [m.content for m in s2.messages(conv.id)] == ["written after the snapshot"]
    assert s2.integrity_check() == []
    s2.close()
