"""The rules without the model: check, decide, corrections, introductions."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.memory.rules import (Candidate, Decision, check, decide, drop_restated, introduced_name, own_names,
                                   statements)
from app.core.memory.store import Fact, MemoryStore
from app.core.store import Store
from tests.fakes.embedder import FakeEmbedder


@pytest.fixture
def memory(tmp_path: Path) -> MemoryStore:
    s = Store(tmp_path / "sova.sqlite3")
    emb = FakeEmbedder()
    yield MemoryStore(s.db, lambda: emb, floor=0.3)
    s.close()


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
    ("A guy in my office had strep", "health", "A guy in my office had strep. Should I worry?", "other_person"),
    ("Мой ревью будет там", "plan", "Я ушла в Т-Банк, ревью будет там.", "vague"),
    ("My first one", "plan", "I'm running a marathon in May, my first one.", "ungrounded"),
    ("Я люблю лёгкие фильмы", "preference", "Я устал. Посоветуй лёгкий фильм на вечер.", "request"),
    ("Я поел пиццы", "health", "Я только что поел пиццы.", "passing"),
    ("Я купила пончики", "possession", "Сегодня купила пончики, пока читала.", "passing"),
    ("Я переехала в Казань", "location", "Сегодня я переехала в Казань!", ""),
    ("У меня кот Барсик", "pet", "У меня кот Барсик, и последние два дня он не ест.", ""),
    ("Я купил «Шкоду»", "possession", "В прошлом году купил «Шкоду», а сейчас стучит подвеска.", ""),
    ("В июле едем в Сочи", "plan", "В июле едем в Сочи на неделю. Что посмотреть?", ""),
    ("Брат купил машину", "other", "Брат купил машину.", "not_first_person"),
    ("I want to start cycling this spring", "plan", "I want to start cycling this spring.", "wish"),
    ("I want to fly to Rome on June 3rd", "plan", "I want to fly to Rome on June 3rd.", ""),
    ("I like vindaloo", "preference", "Vindaloo sounds great. How do I cook it?", "not_stated"),
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
    from app.core.memory import rules

    monkeypatch.setattr(rules, "CORRECTS", 0.6)  # the threshold is e5's; the fake embedder scores lower
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


def test_a_correction_drops_the_facts_that_restate_the_old_one() -> None:
    def fact(i: int, text: str, topic: str) -> Fact:
        return Fact(i, text, topic, "", "extracted", None, None, False, 0.0, 0.0)

    got = drop_restated([
        Decision("supersede", "Я работаю аналитиком в Т-Банке", "profession", "", fact(1, "Я работаю аналитиком в Яндексе",
                                                                                        "profession")),
        Decision("add", "Я ушла из Яндекса", "location"),
        Decision("supersede", "Я ушла из Яндекса", "workplace", "", fact(2, "Я работаю в команде поиска", "workplace")),
        Decision("add", "У меня есть кошка", "pet"),
    ])
    assert [(d.action, d.reason) for d in got] == [("supersede", ""), ("drop", "restated"), ("drop", "restated"),
                                                   ("add", "")]


@pytest.mark.parametrize("message,fact", [
    ("Hi, I'm Priya. I'm a nurse working nights.", "My name is Priya"),
    ("Hey, I'm Kenji, 29.", "My name is Kenji"),
    ("my name is Olga and I need help", "My name is Olga"),
    ("Меня зовут Анна-Мария, я из Твери.", "Меня зовут Анна-Мария"),
    ("Привет, я Оля. Мне 34.", "Меня зовут Оля"),
    ("Hi, I'm Sorry to bother you", None),
    ("I'm tired of Python.", None),
    ("Меня зовут Андрей иногда", None),
])
def test_an_introduction_names_the_user_without_the_model(message: str, fact: str | None) -> None:
    got = introduced_name(message)
    assert (got.text if got else None) == fact


def test_a_fact_about_the_users_own_pet_is_the_users(memory: MemoryStore, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.memory import rules

    assert own_names(["У меня лабрадор Рокки", "My colleague Ivan"]) == {"рокки"}
    msg = "Ой, я неправильно сказала: Рокки не лабрадор, а золотистый ретривер."
    fact = Candidate("Рокки не лабрадор, а золотистый ретривер", "pet")
    assert check(fact, msg) == "not_first_person"
    assert check(fact, msg, {"рокки"}) == ""
    monkeypatch.setattr(rules, "CORRECTS", 0.3)  # the fake embedder scores lower than e5
    old = memory.add("У меня лабрадор Рокки", topic="pet")
    got = decide([fact, Candidate("У меня золотистый ретривер, а не лабрадор", "pet")], msg, memory, "")
    # both replace the Labrador; the one that keeps the dog's name wins
    assert [(d.action, d.reason) for d in got] == [("supersede", ""), ("drop", "duplicate")]
    assert got[0].target is not None and got[0].target.id == old.id
