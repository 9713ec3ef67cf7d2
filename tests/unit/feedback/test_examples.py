"""Rated examples: the closest highly rated (or corrected) answer goes into the prompt."""

from __future__ import annotations

from app.core.assistant import Assistant
from app.core.feedback.examples import fit
from app.core.types import DoneEvent
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory


def make(llm: FakeLLM) -> Assistant:
    a = Assistant(llm_factory=fake_factory(llm), registry=FakeRegistry(),  # type: ignore[arg-type]
                  memory_embedder=lambda: FakeEmbedder("fake-e5"), memory_floor=0.5)
    a.settings.active_model = "fake"
    a.settings.memory.extract = False
    a.rated_examples.floor = 0.7  # the fake embedder's scale, not e5's
    return a


def ask(a: Assistant, cid: int, text: str):  # type: ignore[no-untyped-def]
    events = list(a.ask(cid, text))
    assert isinstance(events[-1], DoneEvent)
    return events[-1].message


def test_a_corrected_answer_becomes_the_example_for_a_similar_question() -> None:
    llm = FakeLLM(reply="I do not know.")
    a = make(llm)
    cid = a.new_conversation().id
    first = ask(a, cid, "How do I connect to the office VPN from home?")
    a.rate_answer(first.id, thumb=-1, correction="Open Sova Connect, pick the Berlin-2 profile.")
    second = ask(a, a.new_conversation().id, "How do I connect to the office VPN from my home?")
    system = llm.calls[-1][0]["content"]
    assert "Berlin-2" in system and "rated this answer" in system
    assert second.details["rated_example"]["source"] == "correction"
    assert "Berlin-2" not in second.details["system"]  # training never sees the example


def test_disliked_and_unrelated_answers_are_not_examples() -> None:
    llm = FakeLLM(reply="Some answer.")
    a = make(llm)
    cid = a.new_conversation().id
    first = ask(a, cid, "How do I connect to the office VPN from home?")
    a.rate_answer(first.id, stars=2)
    ask(a, cid, "How do I connect to the office VPN from my home?")
    assert "rated this answer" not in llm.calls[-1][0]["content"]
    a.rate_answer(first.id, stars=5)
    msg = ask(a, cid, "What should I cook for dinner tonight?")
    assert "rated_example" not in msg.details


def test_examples_off_in_settings() -> None:
    llm = FakeLLM(reply="Some answer.")
    a = make(llm)
    cid = a.new_conversation().id
    first = ask(a, cid, "How do I connect to the office VPN from home?")
    a.rate_answer(first.id, stars=5)
    a.settings.learning.examples = False
    msg = ask(a, cid, "How do I connect to the office VPN from my home?")
    assert "rated_example" not in msg.details


def test_fit_cuts_at_a_sentence_end() -> None:
    text = "One two three. Four five six seven eight nine ten. " * 3
    assert fit(text, 1000) == text
    cut = fit(text, 8)
    assert cut is not None and cut.endswith(".") and len(cut) < len(text)
    assert fit("A very long single sentence without any end " * 20, 5) is None
