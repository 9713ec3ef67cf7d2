"""Memory in the answer pipeline, with fakes: commands, recall, scopes, extraction jobs."""

from __future__ import annotations

import json
import threading
from typing import Any, Iterator, Sequence

from app.core.assistant import Assistant
from app.core.config import MemorySettings, Settings
from app.core.llm.base import GenerationOptions
from app.core.personas import Persona
from app.core.types import CancelToken, DoneEvent, GenerationStats
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory


class MemoryFake(FakeLLM):
    """Answers questions with its reply; answers extraction requests with ``facts``."""

    def __init__(self, reply: str = "ok", facts: Sequence[dict[str, str]] = ()) -> None:
        super().__init__(reply=reply)
        self.facts = list(facts)
        self.extractions = 0
        self.extracting = threading.Event()
        self.slow = 0.0  # seconds per character of the extraction's JSON
        self.correction: dict[str, Any] = {"note": 0, "now": ""}  # the answer to a correction request

    def stream_chat(self, messages: Sequence[Any], cancel: CancelToken,
                    options: GenerationOptions | None = None) -> Iterator[str | GenerationStats]:
        if options is not None and options.json_schema and "note" in options.json_schema["properties"]:
            yield json.dumps(self.correction, ensure_ascii=False)  # which fact a correction replaces
            return
        if options is not None and options.json_schema:
            self.extractions += 1
            self.extracting.set()
            for ch in json.dumps({"facts": self.facts}, ensure_ascii=False):
                if cancel.cancelled:
                    return
                if self.slow:
                    cancel.wait(self.slow)
                yield ch
            yield GenerationStats(completion_tokens=1, generation_seconds=0.01)
            return
        yield from super().stream_chat(messages, cancel, options)


_assistants: list[Assistant] = []  # the latest one's jobs are what _wait waits for


def make(llm: FakeLLM, extract: bool = False, quiet: float = 0.0) -> Assistant:
    emb = FakeEmbedder()
    settings = Settings(active_model="fake", memory=MemorySettings(extract=extract, quiet_seconds=quiet))
    a = Assistant(settings=settings, llm_factory=fake_factory(llm), registry=FakeRegistry(),  # type: ignore[arg-type]
                  memory_embedder=lambda: emb, memory_floor=0.3)
    _assistants.append(a)
    return a


def done(events) -> DoneEvent:  # type: ignore[no-untyped-def]
    events = list(events)
    assert isinstance(events[-1], DoneEvent)
    return events[-1]


def test_remember_is_handled_without_the_model_and_recalled_in_a_new_chat() -> None:
    llm = MemoryFake(reply="Вы юрист.")
    a = make(llm)
    c1 = a.new_conversation()
    d = done(a.ask(c1.id, "Запомни, что я работаю юристом"))
    assert d.message.content == "Запомнила: «Я работаю юристом»." and llm.calls == []
    [fact] = a.facts()
    user = a.messages(c1.id)[0]
    assert fact.message_id == user.id and fact.conversation_id == c1.id and fact.origin == "explicit"
    c2 = a.new_conversation()
    answer = done(a.ask(c2.id, "Кем я работаю?"))
    system = llm.calls[-1][0]["content"]
    assert "- Я работаю юристом" in system and system.index("Что пользователь рассказал") > 0
    assert answer.message.details["memory"] == [{"id": fact.id, "text": "Я работаю юристом"}]
    a.close()


def test_forget_command_deletes_the_matching_fact() -> None:
    a = make(MemoryFake())
    c = a.new_conversation()
    done(a.ask(c.id, "Remember that I live in Kazan"))
    done(a.ask(c.id, "Remember that I have a cat named Murka"))
    d = done(a.ask(c.id, "Forget that I live in Kazan"))
    assert d.message.content == "Forgotten: “I live in Kazan”."
    assert [f.text for f in a.facts()] == ["I have a cat named Murka"]
    assert done(a.ask(c.id, "forget about my yacht")).message.content.startswith("I found nothing like")
    assert "Settings" in done(a.ask(c.id, "Forget everything you know about me")).message.content
    assert len(a.facts()) == 1  # "forget everything" only from the Memory page, with a confirmation
    a.close()


def test_scopes_keep_persona_memories_apart() -> None:
    llm = MemoryFake()
    a = make(llm)
    own = a.save_persona(Persona(id="", name="Own", memory="own"))
    off = a.save_persona(Persona(id="", name="Off", memory="off"))
    shared_chat, own_chat, off_chat = a.new_conversation(), a.new_conversation(persona=own.id), \
        a.new_conversation(persona=off.id)
    done(a.ask(shared_chat.id, "Remember that my name is Andrew"))
    done(a.ask(own_chat.id, "Remember that my name is Boris"))
    assert "can't remember" in done(a.ask(off_chat.id, "Remember that my name is Carl")).message.content
    assert {f.text: f.scope for f in a.facts()} == {"My name is Andrew": "", "My name is Boris": own.id}
    done(a.ask(own_chat.id, "What is my name?"))
    assert "Boris" in llm.calls[-1][0]["content"] and "Andrew" not in llm.calls[-1][0]["content"]
    done(a.ask(shared_chat.id, "What is my name?"))
    assert "Andrew" in llm.calls[-1][0]["content"] and "Boris" not in llm.calls[-1][0]["content"]
    done(a.ask(off_chat.id, "What is my name?"))
    assert "Andrew" not in llm.calls[-1][0]["content"] and "Boris" not in llm.calls[-1][0]["content"]
    a.delete_persona(own.id)  # its own memory goes with it
    assert [f.text for f in a.facts()] == ["My name is Andrew"]
    a.close()


def test_memory_off_in_settings_reads_and_writes_nothing() -> None:
    llm = MemoryFake()
    a = make(llm)
    c = a.new_conversation()
    done(a.ask(c.id, "Remember that my name is Andrew"))
    a.settings.memory.enabled = False
    done(a.ask(c.id, "What is my name?"))
    assert "Andrew" not in llm.calls[-1][0]["content"]
    a.close()


def test_recalled_facts_stay_in_the_prompt_for_the_rest_of_the_conversation() -> None:
    llm = MemoryFake()
    a = make(llm)
    setup = a.new_conversation()
    done(a.ask(setup.id, "Remember that my name is Andrew"))
    c = a.new_conversation()
    done(a.ask(c.id, "What is my name?"))
    first_system = llm.calls[-1][0]["content"]
    done(a.ask(c.id, "Tell me a joke about cats"))  # recalls nothing new by itself
    assert llm.calls[-1][0]["content"] == first_system  # same prefix: the model reuses it
    a.close()


def test_extraction_runs_after_the_answer_and_stores_facts_once() -> None:
    llm = MemoryFake(facts=[{"topic": "profession", "fact": "I work as a lawyer"}])
    a = make(llm, extract=True)
    c = a.new_conversation()
    done(a.ask(c.id, "I'm a lawyer in Tver. How do I read a contract quickly?"))
    assert a.jobs.wait_idle(10) if hasattr(a.jobs, "wait_idle") else True
    _wait(lambda: a.facts())
    [fact] = a.facts()
    assert fact.text == "I work as a lawyer" and fact.origin == "extracted" and fact.topic == "profession"
    assert fact.message_id == a.messages(c.id)[0].id
    assert a.extract_facts(c.id) == []  # read already: not again
    a.forget_facts([fact.id])
    assert a.extract_facts(c.id) == [] and a.facts() == []
    a.close()


def test_nothing_comes_back_after_forget_everything_and_re_extraction() -> None:
    llm = MemoryFake(facts=[{"topic": "name", "fact": "My name is Andrew"}])
    a = make(llm, extract=True)
    c = a.new_conversation()
    done(a.ask(c.id, "My name is Andrew, hello!"))
    _wait(lambda: a.facts())
    assert a.forget_everything() == 1
    assert a.extract_facts(c.id) == [] and a.facts() == []
    a.close()
    b = make(llm, extract=True)  # a restart
    assert b.facts() == [] and b.extract_facts(c.id) == []
    b.close()


def test_extraction_waits_for_a_question_the_user_asks() -> None:
    """Extraction holds the model at the lowest priority; a question preempts it."""
    llm = MemoryFake(reply="answer", facts=[{"topic": "name", "fact": "My name is Andrew"}])
    llm.slow = 0.05  # the extraction takes ~3 s
    a = make(llm, extract=True)
    c = a.new_conversation()
    done(a.ask(c.id, "My name is Andrew, hello!"))
    assert llm.extracting.wait(5)
    answered = done(a.ask(c.id, "And what is two plus two?"))
    assert answered.message.content == "answer"
    assert a.facts() == []  # answered before the extraction finished: it gave way
    _wait(lambda: a.facts(), timeout=20)
    assert [f.text for f in a.facts()] == ["My name is Andrew"]
    assert llm.extractions >= 2  # preempted, then run again from the start
    a.close()


def test_extraction_waits_for_a_quiet_moment_before_it_starts() -> None:
    llm = MemoryFake(reply="answer", facts=[{"topic": "name", "fact": "My name is Andrew"}])
    a = make(llm, extract=True, quiet=2.0)
    c = a.new_conversation()
    done(a.ask(c.id, "My name is Andrew, hello!"))
    done(a.ask(c.id, "And what is two plus two?"))  # asked at once: the extraction has not started
    assert llm.extractions == 0
    _wait(lambda: a.facts())
    assert llm.extractions >= 1 and [f.text for f in a.facts()] == ["My name is Andrew"]
    a.close()


def _wait(cond: Any, timeout: float = 20.0) -> None:
    """Wait for the background memory jobs to finish, then check ``cond``."""
    assert _assistants and _assistants[-1].jobs.wait_idle(timeout=timeout), "memory jobs did not finish"
    assert cond(), "the condition does not hold after the jobs finished"
