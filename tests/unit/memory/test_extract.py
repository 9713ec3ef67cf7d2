"""Extraction without the model: parsing its JSON, the check, add-or-supersede."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.memory.extract import SCHEMA, Candidate, check, decide, parse, request, schema, statements
from app.core.memory.store import MemoryStore
from app.core.store import Store
from tests.fakes.embedder import FakeEmbedder


@pytest.fixture
def memory(tmp_path: Path) -> MemoryStore:
    s = Store(tmp_path / "sova.sqlite3")
    emb = FakeEmbedder()
    yield MemoryStore(s.db, lambda: emb, floor=0.3)
    s.close()


def test_parse_reads_the_schema_and_nothing_else() -> None:
    assert parse('{"facts": [{"topic": "name", "fact": "Меня зовут Андрей"}]}') == [
        Candidate("Меня зовут Андрей", "name")]
    assert parse('<think>the user said a name</think>{"facts": [{"topic": "bogus", "fact": " I  am 30 "}]}') == [
        Candidate("I am 30", "other")]
    for broken in ("", "no json at all", '{"facts": [{"topic": "name", "fact": ', '{"facts": "x"}', "[1, 2]",
                   '<think>{"facts": [{"topic": "name", "fact": "thinking"}]}'):
        assert parse(broken) == []


def test_the_request_is_constrained_to_the_schema_in_the_message_language() -> None:
    ru = request("Меня зовут Андрей")
    assert ru.options.json_schema is not None and ru.options.temperature == 0.0
    assert ru.options.json_schema["properties"]["facts"]["items"]["properties"]["fact"]["pattern"].startswith("^[А-Я")
    assert request("My name is Andrew").options.json_schema["properties"]["facts"]["maxItems"] == 3
    assert schema(None) is SCHEMA
    # only the user's own message is read: no assistant turn of the conversation
    assert ru.messages[-1] == {"role": "user", "content": "Меня зовут Андрей"}


@pytest.mark.parametrize("fact,topic,message,reason", [
    ("I work as a lawyer", "profession", "I'm a lawyer in Tver. Can you help with a contract?", ""),
    ("Я живу в Казани", "location", "Я живу в Казани, посоветуй кафе", ""),
    ("I work as a nurse", "profession", "What do nurses earn?", "question"),
    ("I live in Omsk", "location", "Which laptop should I buy?", "ungrounded"),
    ("I am a doctor", "profession", "If I were a doctor, which specialty would I pick?", "hypothetical"),
    ("Я миллионер", "other", "Представь, что я миллионер. Что купить?", "hypothetical"),
    ("My colleague Ivan is a doctor", "other", "My colleague Ivan is a doctor.", "other_person"),
    ("I am a cardiologist", "profession", "Мой коллега — кардиолог. I am a cardiologist fan?", "question"),
    ("She is a chef", "other", "My flatmate is a chef.", "other_person"),
    ("I am tired", "health", "I am so tired today.", "passing"),
    ("Я устал", "health", "Я сегодня устал как собака.", "passing"),
    ("Сочи", "plan", "В июле едем в Сочи.", "not_first_person"),
    ("I want to learn the piano", "hobby", "I want to learn the piano.", "wish"),
    ("<b>I am admin</b>", "other", "I am admin", "not_a_statement"),
    ("I'm 29", "age", "Hey, I'm Kenji, 29.", ""),
])
def test_check(fact: str, topic: str, message: str, reason: str) -> None:
    assert check(Candidate(fact, topic), message) == reason


def test_statements_keep_first_person_statements_only() -> None:
    msg = "Thanks! I live in a tiny flat in Leeds. My friend is a chef. Any ideas? If I were rich, I'd move."
    assert statements(msg) == "I live in a tiny flat in Leeds."


def test_decide_adds_drops_duplicates_and_supersedes_a_correction(memory: MemoryStore) -> None:
    old = memory.add("I live in Boston", topic="location")
    msg = "Oh wait, I moved to Seattle in March. Also I live in Boston, as I said."
    got = decide([Candidate("I moved to Seattle in March", "location"), Candidate("I live in Boston", "location")],
                 msg, memory, "")
    assert got[0].action == "supersede" and got[0].target is not None and got[0].target.id == old.id
    assert (got[1].action, got[1].reason) == ("drop", "duplicate")


def test_a_correction_supersedes_within_a_many_valued_topic(memory: MemoryStore,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.memory import extract

    monkeypatch.setattr(extract, "CORRECTS", 0.6)  # the threshold is e5's; the fake embedder scores lower
    old = memory.add("I am allergic to peanuts", topic="health")
    memory.add("I have asthma", topic="health")
    msg = "Correction: I am allergic to tree nuts, not peanuts."
    got = decide([Candidate("I am allergic to tree nuts", "health")], msg, memory, "")
    assert got[0].action == "supersede" and got[0].target.id == old.id
    # without a correction word it is another fact of the topic
    fresh = decide([Candidate("I am allergic to cats", "health")], "Also I am allergic to cats.", memory, "")
    assert fresh[0].action == "add"


def test_a_forgotten_fact_is_not_extracted_again(memory: MemoryStore) -> None:
    f = memory.add("I live in Boston", topic="location")
    memory.delete([f.id])
    got = decide([Candidate("I live in Boston", "location")], "I live in Boston.", memory, "")
    assert (got[0].action, got[0].reason) == ("drop", "forgotten")


def test_scopes_do_not_see_each_other_when_deciding(memory: MemoryStore) -> None:
    memory.add("I live in Boston", topic="location", scope="legal")
    got = decide([Candidate("I live in Seattle", "location")], "I live in Seattle.", memory, "")
    assert got[0].action == "add"


def test_the_labelled_dialogs_are_well_formed() -> None:
    from tests.conftest import TEST_DATA

    dialogs = [json.loads(x) for x in (TEST_DATA / "memory" / "dialogs.jsonl").read_text("utf-8").splitlines() if x]
    assert len(dialogs) >= 40
    assert sum(d["lang"] == "ru" for d in dialogs) == sum(d["lang"] == "en" for d in dialogs)
    for d in dialogs:
        for f in d["facts"]:
            assert d["turns"][f["turn"]]["role"] == "user"
    assert sum(bool(d["supersedes"]) for d in dialogs) >= 12
