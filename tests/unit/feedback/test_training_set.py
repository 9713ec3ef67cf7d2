"""The training set: selection by rating, corrections as targets, the check."""

from __future__ import annotations

from app.core.feedback import Rating
from app.core.feedback.training_set import build, roles_ok


def rated(i: int, question: str, answer: str, *, stars: int | None = None, thumb: int | None = None,
          correction: str = "", messages: list | None = None) -> Rating:
    ctx = {"messages": messages} if messages is not None else {}
    return Rating(i, i, 1, question, answer, thumb=thumb, stars=stars, correction=correction, context=ctx,
                  created_at=float(i), updated_at=float(i))


def test_selection_targets_and_preferences() -> None:
    rs = [
        rated(1, "Q1", "good", stars=5),
        rated(2, "Q2", "meh", stars=3),
        rated(3, "Q3", "bad", thumb=-1, correction="fixed"),
        rated(4, "Q4", "up", thumb=1),
        rated(5, "Q5", "awful", stars=1),
    ]
    ts = build(rs, min_stars=4, system_prompt="SYS")
    targets = [e["messages"][-1]["content"] for e in ts.examples]
    assert targets == ["good", "fixed", "up"]
    assert ts.examples[0]["messages"] == [{"role": "system", "content": "SYS"}, {"role": "user", "content": "Q1"},
                                          {"role": "assistant", "content": "good"}]
    prefs = [(p["completion"], p["label"]) for p in ts.preferences]
    assert prefs == [("good", True), ("fixed", True), ("bad", False), ("up", True), ("awful", False)]
    assert (ts.stats.rated, ts.stats.examples, ts.stats.desirable, ts.stats.undesirable, ts.stats.corrected) == (
        5, 3, 3, 2, 1)


def test_the_check_drops_duplicates_empty_overlong_and_mixed_roles() -> None:
    bad_roles = [{"role": "system", "content": "S"}, {"role": "assistant", "content": "x"},
                 {"role": "user", "content": "Q"}]
    rs = [
        rated(1, "Same question?", "Same answer.", stars=5),
        rated(2, "same  question?", "same answer.", stars=4),  # a duplicate (spacing, case)
        rated(3, "Q3", "   ", stars=5),
        rated(4, "Q4", "word " * 5000, stars=5),
        rated(5, "Q5", "ok", stars=5, messages=bad_roles),
    ]
    ts = build(rs)
    s = ts.stats
    assert (s.duplicates, s.empty, s.overlong, s.bad_roles, s.examples) == (1, 1, 1, 1, 1)
    assert ts.examples[0]["rating_id"] == 2  # the later of two duplicates is kept


def test_roles() -> None:
    assert roles_ok([{"role": "system"}, {"role": "user"}, {"role": "assistant"}])
    assert roles_ok([{"role": "user"}, {"role": "assistant"}, {"role": "user"}, {"role": "assistant"}])
    assert not roles_ok([{"role": "user"}, {"role": "user"}])
    assert not roles_ok([{"role": "system"}, {"role": "user"}])
