"""Background conversation titles: cleaned, applied only if untouched, never in the way."""

from __future__ import annotations

import pytest

from app.core.config import Settings
from app.core.titles import KIND, LANE, clean_title
from app.core.types import DoneEvent
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory


def make(llm: FakeLLM):  # type: ignore[no-untyped-def]
    from app.core.assistant import Assistant

    a = Assistant(settings=Settings(auto_titles=True, active_model="fake"), llm_factory=fake_factory(llm),
                  registry=FakeRegistry())  # type: ignore[arg-type]
    return a


@pytest.mark.parametrize("raw, title", [
    ("Capital of France", "Capital of France"),
    ('"Столица Франции".', "Столица Франции"),
    ("Title: Hash tables in Python\nMore text", "Hash tables in Python"),
    ("**Owls**", "Owls"),
    ("", None),
    ("This reply is far too long to be a title because it keeps going on and on", None),
])
def test_clean_title(raw: str, title: str | None) -> None:
    assert clean_title(raw) == title


def test_first_answer_queues_a_background_title_that_is_applied() -> None:
    llm = FakeLLM(reply="Paris is the capital.")
    a = make(llm)
    conv = a.new_conversation()
    a.jobs.pause(LANE)
    events = list(a.ask(conv.id, "what is the capital of france and why"))
    assert isinstance(events[-1], DoneEvent)
    assert [j.kind for j in a.jobs.jobs()] == [KIND]
    llm.reply = "French capital"
    a.jobs.resume(LANE)
    assert a.jobs.wait_idle(LANE, 10)
    assert a.store.conversation(conv.id).title == "French capital"
    assert [r.priority for r in a.metrics.requests()] == ["interactive", "background"]
    # A second question does not retitle.
    list(a.ask(conv.id, "and Germany?"))
    assert a.jobs.wait_idle(LANE, 10)
    assert a.store.conversation(conv.id).title == "French capital"
    a.close()


def test_a_renamed_conversation_keeps_the_users_title() -> None:
    llm = FakeLLM(reply="Answer.", delay=0.0)
    a = make(llm)
    a.jobs.pause(LANE)  # hold the title job until the user has renamed
    conv = a.new_conversation()
    list(a.ask(conv.id, "question one"))
    a.rename_conversation(conv.id, "Mine")
    a.jobs.resume(LANE)
    assert a.jobs.wait_idle(LANE, 10)
    assert a.store.conversation(conv.id).title == "Mine"
    a.close()
