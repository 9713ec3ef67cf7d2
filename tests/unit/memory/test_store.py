"""The facts table: history, pins, scopes, recall within a budget, deletion without a trace."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.memory.store import MemoryError, MemoryStore, estimate_tokens
from app.core.store import Store
from app.core.types import Message, Role
from tests.fakes.embedder import FakeEmbedder


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path / "sova.sqlite3")
    yield s
    s.close()


def memory(store: Store) -> MemoryStore:
    emb = FakeEmbedder()
    return MemoryStore(store.db, lambda: emb, floor=0.3)


def test_add_keeps_provenance_and_update_keeps_history(store: Store) -> None:
    conv = store.create_conversation("c")
    msg = store.add_message(conv.id, Message(Role.USER, "Я живу в Москве"))
    m = memory(store)
    fact = m.add("Я живу в Москве", origin="extracted", topic="location", message_id=msg.id, conversation_id=conv.id)
    assert (fact.message_id, fact.conversation_id, fact.origin, fact.topic) == (msg.id, conv.id, "extracted", "location")
    newer = m.update(fact.id, "Я живу в Казани", origin="extracted")
    assert newer.text == "Я живу в Казани" and newer.id == fact.id
    assert [h.text for h in newer.history] == ["Я живу в Москве"] and newer.history[0].message_id == msg.id
    assert [f.text for f in m.list("")] == ["Я живу в Казани"]


def test_a_deleted_message_leaves_the_fact_without_a_source(store: Store) -> None:
    conv = store.create_conversation("c")
    msg = store.add_message(conv.id, Message(Role.USER, "I am a nurse"))
    m = memory(store)
    fact = m.add("I am a nurse", message_id=msg.id, conversation_id=conv.id)
    store.delete_conversation(conv.id)
    again = m.get(fact.id)
    assert again is not None and again.message_id is None and again.conversation_id is None


def test_empty_and_overlong_facts_are_refused(store: Store) -> None:
    m = memory(store)
    with pytest.raises(MemoryError) as e:
        m.add("   ")
    assert e.value.code == "memory_empty"
    with pytest.raises(MemoryError) as e:
        m.add("x" * 400)
    assert e.value.code == "memory_too_long"


def test_recall_stays_in_its_scope_and_budget_with_pinned_first(store: Store) -> None:
    m = memory(store)
    m.add("My name is Andrew", scope="")
    m.add("My name is Boris", scope="lawyer")
    pinned = m.add("I prefer short answers", scope="")
    m.pin(pinned.id)
    got = [r.fact.text for r in m.recall("what is my name", "")]
    assert got[0] == "I prefer short answers" and "My name is Andrew" in got and "My name is Boris" not in got
    assert [r.fact.text for r in m.recall("what is my name", "lawyer")] == ["My name is Boris"]
    tight = m.recall("what is my name", "", budget_tokens=estimate_tokens("I prefer short answers"))
    assert [r.fact.text for r in tight] == ["I prefer short answers"]
    assert m.recall("what is my name", "nobody") == []


def test_unrelated_questions_recall_nothing(store: Store) -> None:
    m = memory(store)
    m.add("My name is Andrew")
    assert m.recall("install debian packages", "") == []


def test_delete_leaves_a_tombstone_not_the_text(store: Store) -> None:
    m = memory(store)
    f = m.add("I have a cat named Murka")
    m.update(f.id, "I have two cats")
    assert m.delete([f.id]) == 1
    assert m.get(f.id) is None and m.list() == []
    assert m.forgotten("i have a cat named murka!") and m.forgotten("I have two cats")
    assert not m.forgotten("I have a dog")
    with store.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM fact_history").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM memory_tombstones").fetchone()[0] == 2


def test_deleting_a_fact_removes_it_from_the_answers_details(store: Store) -> None:
    m = memory(store)
    keep = m.add("I live in Kazan")
    gone = m.add("I am a lawyer")
    conv = store.create_conversation("c")
    details = {"memory": [{"id": keep.id, "text": keep.text}, {"id": gone.id, "text": gone.text}], "passages": 0}
    msg = store.add_message(conv.id, Message(Role.ASSISTANT, "ok", details=details))
    m.delete([gone.id])
    assert store.message(msg.id).details == {"memory": [{"id": keep.id, "text": keep.text}], "passages": 0}
    m.forget_all()
    assert store.message(msg.id).details == {"passages": 0}


def test_forget_all_leaves_no_trace_in_the_database_files(store: Store, tmp_path: Path) -> None:
    m = memory(store)
    secret = "My passport number is QX-7731-ZEBRA"
    f = m.add(secret)
    m.update(f.id, secret + " and it expires in 2031")
    m.add("I keep a diary called NIGHTJAR-SONG")
    assert m.forget_all() == 2
    store.checkpoint()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("sova.sqlite3*"))
    for word in ("QX-7731-ZEBRA", "NIGHTJAR-SONG"):
        assert word.encode() not in raw
    with store.db.read() as conn:
        for table in ("facts", "fact_history", "memory_tombstones", "memory_read"):
            assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0
    assert m.recall("passport", "") == [] and m.count() == 0


def test_old_messages_are_not_read_again_after_forget_all(store: Store) -> None:
    conv = store.create_conversation("c")
    old = store.add_message(conv.id, Message(Role.USER, "I am a nurse"))
    m = memory(store)
    assert m.unread(old.id)
    m.mark_read(old.id)
    assert not m.unread(old.id)
    m.forget_all()
    assert not m.unread(old.id)  # older than "forget everything": never read again
    new = store.add_message(conv.id, Message(Role.USER, "I am a teacher"))
    assert m.unread(new.id)


def test_facts_are_searched_and_filtered(store: Store) -> None:
    m = memory(store)
    m.add("I live in Kazan")
    m.add("Я работаю юристом", scope="legal")
    assert [f.text for f in m.list(query="kazan")] == ["I live in Kazan"]
    assert [f.text for f in m.list(scope="legal")] == ["Я работаю юристом"]
    assert [f.text for f in m.list(query="ЮРИСТ")] == ["Я работаю юристом"]  # Cyrillic case folding
    assert len(m.list()) == 2


def test_vectors_follow_the_embedder(store: Store) -> None:
    a, b = FakeEmbedder("one"), FakeEmbedder("two", dim=64)
    current = {"e": a}
    m = MemoryStore(store.db, lambda: current["e"], floor=0.3)
    m.add("My name is Andrew")
    current["e"] = b  # another embedder: facts are embedded again before recall
    assert [r.fact.text for r in m.recall("my name", "")] == ["My name is Andrew"]
    with store.db.read() as conn:
        assert conn.execute("SELECT embedder FROM facts").fetchone()[0] == "two"


def test_details_round_trip_through_the_messages_table(store: Store) -> None:
    conv = store.create_conversation("c", persona="legal")
    msg = store.add_message(conv.id, Message(Role.ASSISTANT, "x", persona="Юрист", details={"memory": [{"id": 1}]}))
    got = store.message(msg.id)
    assert got.persona == "Юрист" and got.details == {"memory": [{"id": 1}]}
    assert store.conversation(conv.id).persona == "legal"
    assert json.loads(store.export_json(conv.id))["messages"][0]["persona"] == "Юрист"


def test_a_refinement_from_another_chat_points_to_that_chat(store: Store) -> None:
    m = memory(store)
    first = store.create_conversation("a")
    said = store.add_message(first.id, Message(Role.USER, "I am a lawyer"))
    fact = m.add("I am a lawyer", message_id=said.id, conversation_id=first.id)
    second = store.create_conversation("b")
    fixed = store.add_message(second.id, Message(Role.USER, "Correction: I am a notary now"))
    newer = m.update(fact.id, "I am a notary", origin="extracted", message_id=fixed.id)
    assert (newer.message_id, newer.conversation_id) == (fixed.id, second.id)
    assert newer.history[0].message_id == said.id
