"""Personas and memory with the real default 1.5B model and the real e5 embedder."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from app.core.assistant import Assistant
from app.core.config import GenerationSettings, MemorySettings, Paths, Settings, user_paths
from app.core.personas import Persona
from app.core.types import DoneEvent

DEFAULT = "qwen2.5-coder-1.5b"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    tmp = tmp_path_factory.mktemp("memory")
    paths = Paths(tmp / "config", tmp / "data", tmp / "cache", user_paths().models).ensure()
    settings = Settings(active_model=DEFAULT, auto_titles=False, memory=MemorySettings(extract=True, quiet_seconds=0.5),
                        generation=GenerationSettings(temperature=0.0, max_tokens=120, n_threads=2, seed=7))
    a = Assistant(paths, settings)
    a.load_model()
    yield a
    a.close()


def ask(a: Assistant, cid: int, text: str) -> DoneEvent:
    done = [e for e in a.ask(cid, text) if isinstance(e, DoneEvent)]
    assert done and done[0].error is None, done[0].error if done else "no answer"
    return done[0]


def wait_for_facts(a: Assistant, scope: str | None, n: int = 1) -> None:
    assert a.jobs.wait_idle(timeout=300)
    assert len(a.facts(scope)) >= n, [f.text for f in a.facts()]


@pytest.mark.parametrize("statement,question,word,lang", [
    ("Меня зовут Андрей, я юрист. Подскажи, как вежливо отказать клиенту?", "Кто я по профессии?", "юрист", "ru"),
    ("My name is Andrew and I work as a nurse. How do I sleep better after night shifts?",
     "What is my profession?", "nurse", "en"),
])
def test_a_fact_from_one_chat_answers_a_question_in_another(assistant: Assistant, statement: str, question: str,
                                                           word: str, lang: str) -> None:
    assistant.forget_everything()
    first = assistant.new_conversation()
    ask(assistant, first.id, statement)
    wait_for_facts(assistant, "")
    assert any(word[:5] in f.text.lower() for f in assistant.facts("")), [f.text for f in assistant.facts()]
    fact = next(f for f in assistant.facts("") if word[:5] in f.text.lower())
    assert fact.message_id == assistant.messages(first.id)[0].id and fact.origin == "extracted"
    second = assistant.new_conversation()
    answer = ask(assistant, second.id, question)
    assert word[:5] in answer.message.content.lower(), answer.message.content
    assert any(word[:5] in m["text"].lower() for m in answer.message.details["memory"])
    cyrillic = len(re.findall(r"[а-яё]", answer.message.content.lower()))
    assert (cyrillic > 5) == (lang == "ru"), answer.message.content


def test_own_memory_and_shared_memory_do_not_leak(assistant: Assistant) -> None:
    assistant.forget_everything()
    own = assistant.save_persona(Persona(id="", name="Private", memory="own"))
    shared_chat = assistant.new_conversation()
    ask(assistant, shared_chat.id, "Remember that my favourite colour is green")
    own_chat = assistant.new_conversation(persona=own.id)
    ask(assistant, own_chat.id, "Remember that my favourite colour is purple")
    answer = ask(assistant, own_chat.id, "What is my favourite colour?")
    assert "purple" in answer.message.content.lower() and "green" not in answer.message.content.lower()
    other = assistant.new_conversation()
    answer = ask(assistant, other.id, "What is my favourite colour?")
    assert "green" in answer.message.content.lower() and "purple" not in answer.message.content.lower()
    assistant.delete_persona(own.id)


SARCASM = re.compile(r"\b(oh|wow|really|seriously|genius|obviously|congratulations|brilliant|shocking|surely|"
                     r"duh|sigh|clearly|of course you|wonderful|bravo|ha|haha|sarcas\w*|joke|eye-?roll)\b|!\?|\?!|🙄|😏",
                     re.IGNORECASE)
POLITE = re.compile(r"\b(please|glad|happy to help|certainly|i hope|thank you|you're welcome|feel free|"
                    r"let me know|sure|of course)\b", re.IGNORECASE)
PROMPTS = ["What is the capital of France?", "How many days are in a week?", "What colour is the sky?",
           "How do I boil an egg?", "What is 2 + 2?", "Why do cats purr?", "What is Python?",
           "How do I open a file in Linux?", "What is the tallest mountain?", "How many legs does a spider have?"]


def test_spice_level_five_is_measurably_more_sarcastic_than_zero(assistant: Assistant) -> None:
    calm = assistant.save_persona(Persona(id="", name="Calm", spice=0, memory="off"))
    roast = assistant.save_persona(Persona(id="", name="Roast", spice=5, memory="off",
                                           system_prompt="You are a sarcastic, sharp-tongued assistant."))
    scores = {}
    for p in (calm, roast):
        sarcasm = polite = 0
        for q in PROMPTS:
            text = ask(assistant, assistant.new_conversation(persona=p.id).id, q).message.content
            sarcasm += len(SARCASM.findall(text))
            polite += len(POLITE.findall(text))
        scores[p.spice] = (sarcasm, polite)
    assert scores[5][0] >= scores[0][0] + 5, scores  # at least five more sarcasm markers over ten answers
    assert scores[5][0] - scores[5][1] > scores[0][0] - scores[0][1], scores
    assistant.delete_persona(calm.id)
    assistant.delete_persona(roast.id)


def test_forget_everything_leaves_no_trace_and_nothing_comes_back(assistant: Assistant) -> None:
    assistant.forget_everything()
    chat = assistant.new_conversation()
    ask(assistant, chat.id, "I'm Zebulon Quartermaine, a glassblower from Vyborg. Any tips for a small workshop?")
    wait_for_facts(assistant, "")
    texts = [f.text for f in assistant.facts()]
    extracted = [t for t in texts if t not in assistant.messages(chat.id)[0].content]
    assert assistant.forget_everything() == len(texts)
    assert assistant.extract_facts(chat.id) == [] and assistant.facts() == []
    db = Path(assistant.paths.database)
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    for t in extracted:  # the model's own wording of the facts: nowhere in the file
        assert t.encode() not in raw, t
    answer = ask(assistant, assistant.new_conversation().id, "What is my name?")
    assert "zebulon" not in answer.message.content.lower() and not answer.message.details.get("memory")
