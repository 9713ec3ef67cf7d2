"""Dashboard figures: averages, satisfaction, negatives, series and versions."""

from __future__ import annotations

from datetime import datetime

from app.core.feedback import Rating
from app.core.feedback.quality import by_version, series, summary


def r(i: int, thumb: int | None = None, stars: int | None = None, day: int = 1, adapter: str = "",
      correction: str = "") -> Rating:
    ts = datetime(2026, 11, day, 12).timestamp()
    return Rating(i, i, 1, "q", "a", thumb=thumb, stars=stars, model="Qwen", adapter=adapter,
                  correction=correction, created_at=ts, updated_at=ts)


def test_summary_counts_thumbs_as_five_and_one() -> None:
    s = summary([r(1, thumb=1), r(2, thumb=-1), r(3, stars=4), r(4, stars=3), r(5, correction="better")])
    assert (s.count, s.scored, s.thumbs_up, s.thumbs_down, s.corrections) == (5, 4, 1, 1, 1)
    assert s.average == (5 + 1 + 4 + 3) / 4
    assert s.satisfaction == 0.5 and s.negatives == 0.25


def test_summary_of_nothing_has_no_figures() -> None:
    s = summary([])
    assert s.count == 0 and s.average is None and s.satisfaction is None


def test_series_by_day_and_week_and_versions() -> None:
    rs = [r(1, stars=2, day=2), r(2, stars=4, day=2), r(3, stars=5, day=3, adapter="v1")]
    days = series(rs, "day")
    assert [p.summary.average for p in days] == [3.0, 5.0]
    weeks = series(rs, "week")  # 2026-11-02 is a Monday: one week
    assert len(weeks) == 1 and weeks[0].summary.count == 3
    versions = by_version(rs)
    assert list(versions) == ["Qwen", "Qwen + v1"] and versions["Qwen + v1"].average == 5.0
