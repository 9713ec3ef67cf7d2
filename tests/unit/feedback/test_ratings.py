"""Ratings: stored with a copy of the answer, editable, kept when the answer is
regenerated away, deleted with the conversation."""

from __future__ import annotations

import pytest

from app.core.assistant import Assistant
from app.core.feedback import RatingError
from app.core.types import DoneEvent, Role
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory


def make(reply: str = "Paris is the capital.") -> Assistant:
    a = Assistant(llm_factory=fake_factory(FakeLLM(reply=reply)), registry=FakeRegistry(),  # type: ignore[arg-type]
                  memory_embedder=lambda: FakeEmbedder("fake-e5"), memory_floor=0.5)
    a.settings.active_model = "fake"
    a.settings.memory.extract = False
    return a


def answer(a: Assistant, cid: int, text: str, spoken: bool = False) -> int:
    events = list(a.ask(cid, text, spoken=spoken))
    assert isinstance(events[-1], DoneEvent)
    return events[-1].message.id


def test_rating_keeps_a_copy_of_the_question_prompt_and_model() -> None:
    a = make()
    cid = a.new_conversation().id
    answer(a, cid, "Hello there")
    mid = answer(a, cid, "What is the capital of France?", spoken=True)
    r = a.rate_answer(mid, thumb=1)
    assert (r.question, r.answer, r.thumb, r.stars, r.model) == (
        "What is the capital of France?", "Paris is the capital.", 1, None, "Fake model")
    assert r.spoken and r.language == "en" and r.score == 5.0 and r.positive
    roles = [m["role"] for m in r.context["messages"]]
    assert roles == ["system", "user", "assistant", "user"]  # the earlier turn is part of the prompt
    assert r.context["messages"][-1]["content"] == "What is the capital of France?"
    assert "Sova" in r.context["messages"][0]["content"]


def test_a_rating_is_editable_field_by_field() -> None:
    a = make()
    cid = a.new_conversation().id
    mid = answer(a, cid, "What is the capital of France?")
    a.rate_answer(mid, thumb=-1, comment="too short")
    r = a.rate_answer(mid, stars=4)
    assert (r.thumb, r.stars, r.comment) == (-1, 4, "too short") and r.score == 4.0
    r = a.rate_answer(mid, thumb=None, correction="  Paris, on the Seine.  ")
    assert r.thumb is None and r.correction == "Paris, on the Seine."
    assert a.rating(mid) == r and a.ratings_in(cid) == {mid: r}


@pytest.mark.parametrize("field,value", [("stars", 6), ("stars", 0), ("thumb", 2), ("comment", "x" * 2001)])
def test_invalid_ratings_are_refused_with_the_field(field: str, value: object) -> None:
    a = make()
    cid = a.new_conversation().id
    mid = answer(a, cid, "What is the capital of France?")
    with pytest.raises(RatingError) as err:
        a.rate_answer(mid, **{field: value})
    assert err.value.code == "rating_invalid" and err.value.params["field"] == field
    assert a.rating(mid) is None


def test_rating_a_question_or_a_missing_message_is_refused() -> None:
    a = make()
    cid = a.new_conversation().id
    answer(a, cid, "What is the capital of France?")
    user = next(m for m in a.messages(cid) if m.role == Role.USER)
    for mid in (user.id, 99999):
        with pytest.raises(RatingError) as err:
            a.rate_answer(mid, thumb=1)
        assert err.value.code == "rating_not_found"


def test_a_regenerated_answer_keeps_the_old_rating_and_the_conversation_takes_them_all() -> None:
    a = make()
    cid = a.new_conversation().id
    mid = answer(a, cid, "What is the capital of France?")
    a.rate_answer(mid, thumb=-1)
    events = list(a.regenerate(cid))
    new = events[-1].message.id
    a.rate_answer(new, stars=5)
    kept = a.feedback.ratings()
    assert [(r.message_id, r.score) for r in kept] == [(None, 1.0), (new, 5.0)]  # the old answer is gone
    a.delete_conversation(cid)
    assert a.feedback.ratings() == []


def test_export_csv_and_jsonl(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import csv
    import json

    a = make()
    cid = a.new_conversation().id
    mid = answer(a, cid, "Столица Франции?")
    a.rate_answer(mid, stars=2, comment="неточно")
    assert a.export_feedback(tmp_path / "r.csv", "csv") == 1
    rows = list(csv.DictReader(open(tmp_path / "r.csv", encoding="utf-8")))
    assert rows[0]["question"] == "Столица Франции?" and rows[0]["stars"] == "2" and rows[0]["comment"] == "неточно"
    assert a.export_feedback(tmp_path / "r.jsonl", "jsonl") == 1
    line = json.loads((tmp_path / "r.jsonl").read_text(encoding="utf-8"))
    assert line["language"] == "ru" and line["context"]["messages"][-1]["content"] == "Столица Франции?"


def test_delete_all_data_forgets_ratings_and_trained_adapters() -> None:
    a = make()
    cid = a.new_conversation().id
    mid = answer(a, cid, "What is the capital of France?")
    a.rate_answer(mid, stars=5)
    folder = a.paths.data / "adapters" / "fake" / "v1"
    folder.mkdir(parents=True)
    (folder / "adapter.gguf").write_bytes(b"GGUF")
    a.settings.learning.adapters = {"fake": "v1"}
    a.delete_all_data()
    assert a.feedback.ratings() == [] and not (a.paths.data / "adapters").exists()
    assert a.settings.learning.adapters == {}
