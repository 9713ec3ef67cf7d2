"""The training trigger: the three thresholds and enough new data."""

from __future__ import annotations

import pytest

from app.core.config import LearningSettings
from app.core.feedback import Rating
from app.core.feedback.trigger import check


def ratings(*scores: int) -> list[Rating]:
    return [Rating(i, i, 1, "q", "a", stars=s) for i, s in enumerate(scores)]


@pytest.mark.parametrize("scores,reasons", [
    ((5, 5, 5, 4, 4, 4, 4, 4, 4, 4), ()),
    ((3, 3, 3, 3, 3, 3, 4, 4, 4, 4), ("low_average", "low_satisfaction")),  # 3.4, 40 %
    ((5, 5, 5, 5, 5, 5, 5, 1, 1, 1), ("many_negatives",)),  # 3.8, 70 %, 30 % negatives
    ((4, 4, 4, 4, 4, 4, 3, 3, 3, 3), ()),  # 3.6, 60 %, 0 %: at the bar, not below it
])
def test_thresholds(scores: tuple[int, ...], reasons: tuple[str, ...]) -> None:
    v = check(ratings(*scores), new=50, settings=LearningSettings())
    assert v.reasons == reasons and v.train == bool(reasons)


def test_too_few_new_ratings_wait() -> None:
    v = check(ratings(1, 1, 1), new=5, settings=LearningSettings(min_new=20))
    assert not v.train and v.wanting == "too_few_new" and "low_average" in v.reasons
    assert check([], new=0, settings=LearningSettings()).wanting == "no_ratings"
