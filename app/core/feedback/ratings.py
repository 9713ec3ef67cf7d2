"""The user's ratings of answers, stored next to the messages they rate.

A rating is a thumb (up/down), 1–5 stars, a comment and an optional better answer the
user wrote; any of them may be set, changed or cleared later. Each row keeps a copy of
what was rated: the question, the answer, the prompt's context (system prompt, earlier
turns, passages), the persona, the model and the adapter version. So the rating still
teaches after the answer was regenerated away, and the dashboard can tell model and
adapter versions apart. The question's vector is stored in the row too (for "similar
rated answers"), computed lazily by whoever needs it.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

import numpy as np

from app.core.types import SovaError

if TYPE_CHECKING:
    from app.core.store.db import Database

MAX_COMMENT_CHARS = 2000
MAX_CORRECTION_CHARS = 8000
UNSET: Any = object()  # "leave this field as it is" in ``rate``


class RatingError(SovaError):
    """A rating cannot be stored. Codes: ``rating_invalid`` (field, reason),
    ``rating_not_found`` (message_id)."""

    code = "rating_error"


@dataclass(frozen=True)
class Rating:
    """One rated answer and a copy of what it answered."""

    id: int
    message_id: int | None
    conversation_id: int | None
    question: str
    answer: str
    thumb: int | None = None  # 1 up, -1 down
    stars: int | None = None  # 1..5
    comment: str = ""
    correction: str = ""  # the better answer the user wrote
    context: Mapping[str, Any] = field(default_factory=dict)
    persona: str | None = None
    language: str = "en"
    model: str = ""
    adapter: str = ""  # '' = no adapter
    spoken: bool = False
    created_at: float = 0.0
    updated_at: float = 0.0

    @property
    def score(self) -> float | None:
        """Stars when given, else a thumb as 5 (up) or 1 (down); None when unrated."""
        if self.stars is not None:
            return float(self.stars)
        if self.thumb is not None:
            return 5.0 if self.thumb > 0 else 1.0
        return None

    @property
    def positive(self) -> bool:
        """Satisfied: 4–5 stars, or a thumb up without stars."""
        s = self.score
        return s is not None and s >= 4

    @property
    def negative(self) -> bool:
        """Dissatisfied: 1–2 stars, or a thumb down without stars."""
        s = self.score
        return s is not None and s <= 2

    @property
    def rated(self) -> bool:
        return self.score is not None or bool(self.correction)


@dataclass(frozen=True)
class Snapshot:
    """What an answer was, copied into its rating when it is first rated."""

    conversation_id: int | None
    question: str
    answer: str
    context: Mapping[str, Any] = field(default_factory=dict)
    persona: str | None = None
    language: str = "en"
    model: str = ""
    adapter: str = ""
    spoken: bool = False


_COLUMNS = ("id, message_id, conversation_id, question, answer, thumb, stars, comment, correction, context, "
            "persona, language, model, adapter, spoken, created_at, updated_at")


def _rating(row: Sequence[Any]) -> Rating:
    try:
        context = json.loads(row[9] or "{}")
    except ValueError:
        context = {}
    return Rating(id=row[0], message_id=row[1], conversation_id=row[2], question=row[3], answer=row[4],
                  thumb=row[5], stars=row[6], comment=row[7], correction=row[8], context=context,
                  persona=row[10], language=row[11], model=row[12], adapter=row[13], spoken=bool(row[14]),
                  created_at=row[15], updated_at=row[16])


def _check(thumb: Any, stars: Any, comment: Any, correction: Any) -> None:
    if thumb is not UNSET and thumb not in (None, 1, -1):
        raise RatingError("A thumb is up (1) or down (-1).", code="rating_invalid", field="thumb", reason=str(thumb))
    if stars is not UNSET and stars is not None and (not isinstance(stars, int) or not 1 <= stars <= 5):
        raise RatingError("Stars go from 1 to 5.", code="rating_invalid", field="stars", reason=str(stars))
    if comment is not UNSET and len(comment or "") > MAX_COMMENT_CHARS:
        raise RatingError(f"A comment is at most {MAX_COMMENT_CHARS} characters.", code="rating_invalid",
                          field="comment", reason="too_long")
    if correction is not UNSET and len(correction or "") > MAX_CORRECTION_CHARS:
        raise RatingError(f"A better answer is at most {MAX_CORRECTION_CHARS} characters.", code="rating_invalid",
                          field="correction", reason="too_long")


class RatingStore:
    """Ratings in the main database. Thread-safe (the database serialises writes)."""

    def __init__(self, db: "Database") -> None:
        self.db = db
        self._listeners: list[Any] = []
        self._lock = threading.Lock()

    def subscribe(self, listener: Any) -> Any:
        """Call ``listener(rating)`` after each change (rating=None after a removal)."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _notify(self, rating: Rating | None) -> None:
        for listener in list(self._listeners):
            try:
                listener(rating)
            except Exception:  # a listener's bug must not undo a stored rating
                pass

    def rate(self, message_id: int, snapshot: Snapshot | None = None, *, thumb: Any = UNSET, stars: Any = UNSET,
             comment: Any = UNSET, correction: Any = UNSET, now: float | None = None) -> Rating:
        """Set (or change) the rating of an answer; fields left UNSET keep their value.
        ``snapshot`` is needed the first time an answer is rated."""
        _check(thumb, stars, comment, correction)
        now = time.time() if now is None else now
        changes = {k: v for k, v in (("thumb", thumb), ("stars", stars), ("comment", comment),
                                      ("correction", correction)) if v is not UNSET}
        for key in ("comment", "correction"):
            if key in changes:
                changes[key] = (changes[key] or "").strip()
        with self._lock, self.db.transaction() as conn:
            row = conn.execute("SELECT id FROM ratings WHERE message_id=?", (message_id,)).fetchone()
            if row is None:
                if snapshot is None:
                    raise RatingError("The answer to rate is gone.", code="rating_not_found", message_id=message_id)
                conn.execute(
                    "INSERT INTO ratings (message_id, conversation_id, question, answer, context, persona, language,"
                    " model, adapter, spoken, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (message_id, snapshot.conversation_id, snapshot.question, snapshot.answer,
                     json.dumps(dict(snapshot.context), ensure_ascii=False), snapshot.persona, snapshot.language,
                     snapshot.model, snapshot.adapter, int(snapshot.spoken), now, now))
            if "correction" in changes:  # the example text changed: embed it again
                conn.execute("UPDATE ratings SET embedder=NULL, vector=NULL WHERE message_id=?", (message_id,))
            if changes:
                sets = ", ".join(f"{k}=?" for k in changes)
                conn.execute(f"UPDATE ratings SET {sets}, updated_at=? WHERE message_id=?",
                             (*changes.values(), now, message_id))
            result = _rating(conn.execute(f"SELECT {_COLUMNS} FROM ratings WHERE message_id=?",
                                          (message_id,)).fetchone())
        self._notify(result)
        return result

    def rating(self, message_id: int) -> Rating | None:
        with self.db.read() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM ratings WHERE message_id=?", (message_id,)).fetchone()
        return None if row is None else _rating(row)

    def get(self, rating_id: int) -> Rating | None:
        with self.db.read() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM ratings WHERE id=?", (rating_id,)).fetchone()
        return None if row is None else _rating(row)

    def ratings_for(self, message_ids: Iterable[int]) -> dict[int, Rating]:
        """The ratings of these messages, by message id (for painting a conversation)."""
        ids = list(message_ids)
        out: dict[int, Rating] = {}
        with self.db.read() as conn:
            for start in range(0, len(ids), 500):
                chunk = ids[start:start + 500]
                marks = ",".join("?" * len(chunk))
                for row in conn.execute(f"SELECT {_COLUMNS} FROM ratings WHERE message_id IN ({marks})", chunk):
                    out[row[1]] = _rating(row)
        return out

    def ratings(self, *, persona: str | None | Any = UNSET, since: float | None = None,
                until: float | None = None, limit: int | None = None) -> list[Rating]:
        """Ratings oldest first (``limit``: the newest ``limit`` of them), filtered by
        persona id (None: the default persona's) and the time they were made."""
        where, args = ["(thumb IS NOT NULL OR stars IS NOT NULL OR correction != '')"], []
        if persona is not UNSET:
            where.append("persona IS ?")
            args.append(persona)
        if since is not None:
            where.append("created_at >= ?")
            args.append(since)
        if until is not None:
            where.append("created_at < ?")
            args.append(until)
        sql = f"SELECT {_COLUMNS} FROM ratings WHERE {' AND '.join(where)} ORDER BY created_at DESC, id DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self.db.read() as conn:
            rows = conn.execute(sql, args).fetchall()
        return [_rating(r) for r in reversed(rows)]

    def remove(self, message_id: int) -> None:
        """Forget the rating of an answer (the answer stays)."""
        with self._lock, self.db.transaction() as conn:
            conn.execute("DELETE FROM ratings WHERE message_id=?", (message_id,))
        self._notify(None)

    def clear(self) -> int:
        """Forget every rating; returns how many there were."""
        with self._lock, self.db.transaction() as conn:
            n = conn.execute("SELECT COUNT(*) FROM ratings").fetchone()[0]
            conn.execute("DELETE FROM ratings")
        self._notify(None)
        return int(n)

    # ---- question vectors (similar rated answers) ---------------------------------------

    def missing_vectors(self, embedder: str) -> list[tuple[int, str]]:
        """(id, text to embed) of ratings without a vector from ``embedder``: the
        question and the answer that would be the example (the correction, if any)."""
        with self.db.read() as conn:
            return [(r[0], f"{r[1]}\n{r[3] or r[2]}") for r in conn.execute(
                "SELECT id, question, answer, correction FROM ratings WHERE embedder IS NOT ? OR vector IS NULL",
                (embedder,))]

    def set_vectors(self, embedder: str, vectors: Iterable[tuple[int, np.ndarray]]) -> None:
        with self.db.transaction() as conn:
            conn.executemany("UPDATE ratings SET embedder=?, vector=? WHERE id=?",
                             [(embedder, np.asarray(v, dtype=np.float32).tobytes(), rid) for rid, v in vectors])

    def vectors(self, embedder: str) -> tuple[list[int], np.ndarray]:
        """Ids and vectors (one row each) of the ratings embedded by ``embedder``."""
        with self.db.read() as conn:
            rows = conn.execute("SELECT id, vector FROM ratings WHERE embedder=? AND vector IS NOT NULL ORDER BY id",
                                (embedder,)).fetchall()
        if not rows:
            return [], np.zeros((0, 0), dtype=np.float32)
        return [r[0] for r in rows], np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rows])

