"""When to offer training: quality over the last rated answers fell below the bar and
enough new ratings exist to learn from.

The bar (settings, the defaults of the design Sova descends from): average below 3.5,
satisfaction below 60 % or more than 20 % negatives over the last ``window`` rated
answers; and at least ``min_new`` rated answers since the last training. The check
runs at start-up and every ``check_days``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from app.core.feedback.quality import Summary, summary
from app.core.feedback.ratings import Rating

if TYPE_CHECKING:
    from app.core.config import LearningSettings


@dataclass(frozen=True)
class Verdict:
    """Whether to offer training, and why (codes the UI translates)."""

    train: bool
    reasons: tuple[str, ...] = ()  # "low_average" | "low_satisfaction" | "many_negatives"
    summary: Summary | None = None
    new: int = 0  # rated answers since the last training
    wanting: str = ""  # why not: "" | "quality_ok" | "too_few_new" | "no_ratings"
    figures: dict[str, float] = field(default_factory=dict)


def check(recent: Sequence[Rating], new: int, settings: "LearningSettings") -> Verdict:
    """``recent``: the last ``settings.window`` rated answers; ``new``: how many were
    rated since the last training."""
    s = summary(recent)
    if s.scored == 0:
        return Verdict(False, (), s, new, "no_ratings")
    reasons = []
    if s.average is not None and s.average < settings.min_average:
        reasons.append("low_average")
    if s.satisfaction is not None and s.satisfaction < settings.min_satisfaction:
        reasons.append("low_satisfaction")
    if s.negatives is not None and s.negatives > settings.max_negatives:
        reasons.append("many_negatives")
    figures = {"average": s.average or 0.0, "satisfaction": s.satisfaction or 0.0, "negatives": s.negatives or 0.0}
    if not reasons:
        return Verdict(False, (), s, new, "quality_ok", figures)
    if new < settings.min_new:
        return Verdict(False, tuple(reasons), s, new, "too_few_new", figures)
    return Verdict(True, tuple(reasons), s, new, "", figures)
