"""The facade's learning-from-ratings methods (a part of ``Assistant``): ratings, the
quality dashboard's figures and exports, training sets and the training trigger.

Training itself, adapters and their evaluation are ``app.core.finetune``; the facade
reaches them through ``self.finetune``.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from app.core import language, prompts
from app.core.feedback import UNSET, Rating, RatingError, RatingStore, Snapshot
from app.core.feedback import quality
from app.core.types import Message, Role

if TYPE_CHECKING:
    from app.core.config import Paths, Settings
    from app.core.feedback.examples import RatedExamples
    from app.core.feedback.training_set import TrainingSet
    from app.core.feedback.trigger import Verdict
    from app.core.finetune.service import Training
    from app.core.rag.embedder import Embedder
    from app.core.store import Store

log = logging.getLogger(__name__)

HISTORY_TURNS = 6  # earlier messages a rating records with the question
META_LAST_TRAINING = "learning.last_training_ratings"  # rated answers when training last ran


@dataclass(frozen=True)
class QualityReport:
    """The dashboard's figures for one persona filter and period."""

    summary: quality.Summary
    series: list[quality.Point]
    versions: dict[str, quality.Summary]
    ratings: list[Rating]


class FeedbackLearning:
    """Ratings, the quality dashboard, training sets and the trigger, for the facade."""

    settings: "Settings"
    paths: "Paths"
    store: "Store"
    _feedback: RatingStore | None
    _training: "Training | None"
    _rated_examples: "RatedExamples | None"
    _memory_embedder: "Callable[[], Embedder] | None"

    if TYPE_CHECKING:
        @property
        def documents(self) -> Any: ...

        @property
        def active_model_name(self) -> str: ...

        @property
        def registry(self) -> Any: ...

        @property
        def jobs(self) -> Any: ...

        model: Any

        def save_settings(self) -> None: ...

    @property
    def feedback(self) -> RatingStore:
        """The ratings store."""
        if getattr(self, "_feedback", None) is None:
            self._feedback = RatingStore(self.store.db)
        assert self._feedback is not None
        return self._feedback

    @property
    def rated_examples(self) -> "RatedExamples":
        """Similar rated answers (the e5 embedder, shared with memory)."""
        if getattr(self, "_rated_examples", None) is None:
            from app.core.feedback.examples import RatedExamples

            embedder = self._memory_embedder or (lambda: self.documents.embedder_for("e5-small"))
            self._rated_examples = RatedExamples(self.feedback, embedder)
        assert self._rated_examples is not None
        return self._rated_examples

    def _examples_if_any(self) -> "RatedExamples | None":
        """Rated examples, or None while nothing is rated (no embedder is loaded for
        a user who never rates)."""
        with self.store.db.read() as conn:
            if conn.execute("SELECT 1 FROM ratings LIMIT 1").fetchone() is None:
                return None
        return self.rated_examples

    # ---- training and adapters ---------------------------------------------------------

    @property
    def training(self) -> "Training":
        """Training from ratings and the adapter versions (``app.core.finetune``)."""
        if getattr(self, "_training", None) is None:
            from app.core.finetune.service import Training

            def active_model() -> tuple[str, Path]:
                info = self.registry.get(self.settings.active_model)
                if not info.available:
                    raise RuntimeError(f"the model {info.id} is not assembled yet")
                return info.id, info.path

            self._training = Training(self.paths.data, lambda: self.settings, active_model, self.training_set,
                                      lambda: self.jobs, self.save_settings, self.mark_trained,
                                      self.general_check)
            self.model.subscribe_busy(self._training.yield_cpu)
        assert self._training is not None
        return self._training

    def _active_adapter(self) -> tuple[str, str] | None:
        """(version, file) of the adapter the active local model uses, if any."""
        if not self.settings.learning.adapters.get(self.settings.active_model):
            return None  # no adapter: the training module is never imported
        return self.training.adapter_file(self.settings.active_model)

    def general_check(self) -> list[dict[str, Any]]:
        """General questions with reference answers (bundled), as the verdict's
        regression check, in the prompt the model gets for them."""
        import json

        from app.resources import resource_path

        path = resource_path("learning", "general_check.jsonl")
        if not path.is_file():
            return []
        items = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            messages = prompts.build_messages(self.settings.system_prompt, [Message(Role.USER, row["question"])],
                                              (), row["lang"])
            items.append({"messages": messages, "completion": row["reference"], "label": True})
        return items

    # ---- rating answers ---------------------------------------------------------------

    def _snapshot(self, message: Message) -> Snapshot:
        """A copy of what an answer was: its question, the prompt it had, who answered."""
        assert message.conversation_id is not None
        history = self.store.messages(message.conversation_id)
        index = next((i for i, m in enumerate(history) if m.id == message.id), len(history))
        before = history[:index]
        question_msg = next((m for m in reversed(before) if m.role == Role.USER), None)
        question = question_msg.content if question_msg is not None else ""
        lang = language.answer_language(question)
        details = message.details or {}
        system = str(details.get("system") or self.settings.system_prompt)
        turns = [m for m in before if m.role in (Role.USER, Role.ASSISTANT)][-(HISTORY_TURNS + 1):]
        while turns and turns[0].role != Role.USER:
            turns = turns[1:]
        messages = prompts.build_messages(system, turns, message.citations, lang)
        persona = details.get("persona") if isinstance(details.get("persona"), dict) else {}
        conversation = self.store.conversation(message.conversation_id)
        return Snapshot(
            conversation_id=message.conversation_id,
            question=question,
            answer=message.content,
            context={"messages": messages, "persona_name": message.persona or "",
                     "passages": [{"path": c.path, "page": c.page} for c in message.citations],
                     "memory": [m.get("text", "") for m in details.get("memory", []) if isinstance(m, dict)]},
            persona=str(persona.get("id")) if persona.get("id") else (conversation.persona if conversation else None),
            language=lang,
            model=message.model or "",
            adapter=str(details.get("adapter") or ""),
            spoken=bool(question_msg is not None and (question_msg.details or {}).get("spoken")),
        )

    def rate_answer(self, message_id: int, *, thumb: Any = UNSET, stars: Any = UNSET, comment: Any = UNSET,
                    correction: Any = UNSET) -> Rating:
        """Rate an answer (or change its rating); fields left out keep their value.
        Raises RatingError (``rating_not_found`` when the answer is gone)."""
        existing = self.feedback.rating(message_id)
        snapshot = None
        if existing is None:
            message = self.store.message(message_id)
            if message is None or message.role != Role.ASSISTANT:
                raise RatingError("The answer to rate is gone.", code="rating_not_found", message_id=message_id)
            snapshot = self._snapshot(message)
        return self.feedback.rate(message_id, snapshot, thumb=thumb, stars=stars, comment=comment,
                                  correction=correction)

    def rating(self, message_id: int) -> Rating | None:
        return self.feedback.rating(message_id)

    def ratings_in(self, conversation_id: int) -> dict[int, Rating]:
        """The ratings of a conversation's answers, by message id."""
        ids = [m.id for m in self.store.messages(conversation_id) if m.id is not None and m.role == Role.ASSISTANT]
        return self.feedback.ratings_for(ids)

    def unrate_answer(self, message_id: int) -> None:
        self.feedback.remove(message_id)

    # ---- the dashboard ------------------------------------------------------------------

    def quality_report(self, persona: Any = UNSET, period: str = "all", bucket: str = "day") -> QualityReport:
        """Figures for the dashboard. ``persona``: a persona id, None for the default
        persona's chats, UNSET for all; ``period``: "7d", "30d", "90d", "365d", "all"."""
        ratings = self.feedback.ratings(persona=persona, since=quality.period_start(period))
        return QualityReport(quality.summary(ratings), quality.series(ratings, bucket),
                             quality.by_version(ratings), ratings)

    def export_feedback(self, path: Path, fmt: str = "csv", persona: Any = UNSET, period: str = "all") -> int:
        """Write ratings as CSV or JSON lines (atomically); returns how many."""
        import os
        import tempfile

        ratings = self.feedback.ratings(persona=persona, since=quality.period_start(period))
        text = quality.to_csv(ratings) if fmt == "csv" else quality.to_jsonl(ratings)
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                f.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return len(ratings)

    # ---- training sets and the trigger -------------------------------------------------

    def training_set(self, min_stars: int | None = None) -> "TrainingSet":
        """The checked training set from every rating (with its statistics)."""
        from app.core.feedback.training_set import build

        stars = self.settings.learning.min_stars if min_stars is None else min_stars
        return build(self.feedback.ratings(), stars, self.settings.system_prompt)

    def _rated_count(self) -> int:
        return len(self.feedback.ratings())

    def ratings_since_training(self) -> int:
        """Rated answers since training last ran (all of them before the first run)."""
        with self.store.db.read() as conn:
            row = conn.execute("SELECT value FROM memory_meta WHERE key=?", (META_LAST_TRAINING,)).fetchone()
        before = int(row[0]) if row else 0
        return max(0, self._rated_count() - before)

    def mark_trained(self) -> None:
        """Remember how many rated answers the last training saw (for ``min_new``)."""
        with self.store.db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO memory_meta (key, value) VALUES (?, ?)",
                         (META_LAST_TRAINING, str(self._rated_count())))

    def training_verdict(self) -> "Verdict":
        """Whether quality over the last rated answers calls for training now."""
        from app.core.feedback.trigger import check

        learning = self.settings.learning
        return check(self.feedback.ratings(limit=learning.window), self.ratings_since_training(), learning)

    def trigger_due(self, now: float | None = None) -> bool:
        """Whether the scheduled check is due (at start-up, then every ``check_days``)."""
        now = time.time() if now is None else now
        with self.store.db.read() as conn:
            row = conn.execute("SELECT value FROM memory_meta WHERE key='learning.last_check'").fetchone()
        return row is None or now - float(row[0]) >= self.settings.learning.check_days * 86400

    def mark_checked(self, now: float | None = None) -> None:
        with self.store.db.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO memory_meta (key, value) VALUES ('learning.last_check', ?)",
                         (str(time.time() if now is None else now),))
