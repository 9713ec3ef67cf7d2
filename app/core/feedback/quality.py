"""Quality figures from ratings: the dashboard's numbers, series and exports.

Scores: stars when given, else a thumb up counts as 5 and a thumb down as 1.
Satisfaction is the share of rated answers scoring 4–5, negatives the share scoring
1–2. A correction without a score counts in the totals but not in the averages.
"""

from __future__ import annotations

import csv
import io
import json
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, Sequence

from app.core.feedback.ratings import Rating

DAY = 86400.0


@dataclass(frozen=True)
class Summary:
    """Figures over a set of ratings."""

    count: int  # rated answers (a score or a correction)
    scored: int  # with a score
    average: float | None  # mean score, 1..5
    satisfaction: float | None  # share of scored answers at 4–5
    negatives: float | None  # share of scored answers at 1–2
    thumbs_up: int
    thumbs_down: int
    corrections: int
    comments: int


def summary(ratings: Iterable[Rating]) -> Summary:
    rs = list(ratings)
    scores = [r.score for r in rs if r.score is not None]
    n = len(scores)
    return Summary(
        count=len(rs),
        scored=n,
        average=sum(scores) / n if n else None,  # type: ignore[arg-type]
        satisfaction=sum(1 for s in scores if s >= 4) / n if n else None,  # type: ignore[operator]
        negatives=sum(1 for s in scores if s <= 2) / n if n else None,  # type: ignore[operator]
        thumbs_up=sum(1 for r in rs if r.thumb == 1),
        thumbs_down=sum(1 for r in rs if r.thumb == -1),
        corrections=sum(1 for r in rs if r.correction),
        comments=sum(1 for r in rs if r.comment),
    )


@dataclass(frozen=True)
class Point:
    """One bucket of a series: its start (epoch seconds) and figures."""

    start: float
    summary: Summary


def _bucket_start(ts: float, bucket: str) -> float:
    d = datetime.fromtimestamp(ts)
    day = datetime(d.year, d.month, d.day)
    if bucket == "week":
        day -= timedelta(days=day.weekday())
    elif bucket == "month":
        day = datetime(d.year, d.month, 1)
    return day.timestamp()


def series(ratings: Iterable[Rating], bucket: str = "day") -> list[Point]:
    """Figures per day, week or month (local time), oldest first; empty buckets left out."""
    if bucket not in ("day", "week", "month"):
        raise ValueError(bucket)
    groups: dict[float, list[Rating]] = {}
    for r in ratings:
        groups.setdefault(_bucket_start(r.created_at, bucket), []).append(r)
    return [Point(k, summary(v)) for k, v in sorted(groups.items())]


def version_label(rating: Rating) -> str:
    """"model" or "model + adapter" (what the dashboard groups by)."""
    return f"{rating.model} + {rating.adapter}" if rating.adapter else (rating.model or "?")


def by_version(ratings: Iterable[Rating]) -> dict[str, Summary]:
    """Figures per model and adapter version, in the order versions first appear."""
    groups: dict[str, list[Rating]] = {}
    for r in ratings:
        groups.setdefault(version_label(r), []).append(r)
    return {k: summary(v) for k, v in groups.items()}


def period_start(period: str, now: float | None = None) -> float | None:
    """The start of "7d", "30d", "90d", "365d" before ``now``; None for "all"."""
    if period == "all":
        return None
    days = int(period.rstrip("d"))
    return (time.time() if now is None else now) - days * DAY


# ---- exports ---------------------------------------------------------------------------

CSV_FIELDS = ("id", "created_at", "updated_at", "conversation_id", "message_id", "persona", "language", "model",
              "adapter", "thumb", "stars", "score", "comment", "question", "answer", "correction", "spoken")


def _record(r: Rating) -> dict[str, object]:
    return {
        "id": r.id,
        "created_at": datetime.fromtimestamp(r.created_at).isoformat(timespec="seconds"),
        "updated_at": datetime.fromtimestamp(r.updated_at).isoformat(timespec="seconds"),
        "conversation_id": r.conversation_id, "message_id": r.message_id, "persona": r.persona or "",
        "language": r.language, "model": r.model, "adapter": r.adapter, "thumb": r.thumb, "stars": r.stars,
        "score": r.score, "comment": r.comment, "question": r.question, "answer": r.answer,
        "correction": r.correction, "spoken": r.spoken,
    }


def to_csv(ratings: Sequence[Rating]) -> str:
    """Ratings as CSV (UTF-8 text with a header row; spreadsheets open it as is)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in ratings:
        writer.writerow(_record(r))
    return out.getvalue()


def to_jsonl(ratings: Sequence[Rating]) -> str:
    """Ratings as JSON lines, with the context each answer had."""
    return "".join(json.dumps({**_record(r), "context": dict(r.context)}, ensure_ascii=False) + "\n"
                   for r in ratings)
