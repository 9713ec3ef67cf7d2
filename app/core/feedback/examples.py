"""Learning before training: a highly rated answer to a similar past question, given
to the model as a worked example.

A past question qualifies when its answer was rated at least ``min_stars`` (a thumb up
counts as 5) or the user wrote a better answer (which is then the example). The new
question must be close in meaning to it. A rated pair is embedded as one e5 passage
(the question and its answer: reworded questions rarely share words with the old one,
and the answer adds the words they do share), the new question as an e5 query; at
least ``SIMILARITY_FLOOR`` makes a match (tests/data/feedback/fewshot.jsonl: the right
pair came first for 23 of 24 reworded questions; different questions scored at most
0.80; tests/benchmarks/bench_fewshot.py). The example goes after the prompt's
instructions within a token budget, and the answer's details name it.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterator

import numpy as np

from app.core.feedback.ratings import Rating, RatingStore
from app.core.feedback.training_set import estimate_tokens
from app.core.types import CancelToken, ChatEvent

if TYPE_CHECKING:
    from app.core.answer import AnswerContext
    from app.core.rag.embedder import Embedder

log = logging.getLogger(__name__)

SIMILARITY_FLOOR = 0.81

_INTRO = {
    "en": ("The user rated this answer to a similar earlier question highly. Where it fits the new "
           "question, give the same facts and follow its style and format."),
    "ru": ("Пользователь высоко оценил этот ответ на похожий прежний вопрос. Если он подходит к новому "
           "вопросу, дай те же сведения и следуй его стилю и форме."),
}
_LABELS = {"en": ("Earlier question", "Rated answer"), "ru": ("Прежний вопрос", "Оценённый ответ")}


@dataclass(frozen=True)
class Match:
    rating: Rating
    similarity: float

    @property
    def text(self) -> str:
        """The example answer: the user's correction when there is one."""
        return self.rating.correction or self.rating.answer

    @property
    def source(self) -> str:
        return "correction" if self.rating.correction else "rated"


def teaches(rating: Rating, min_stars: int) -> bool:
    """Whether a rating's answer may serve as an example."""
    if rating.correction:
        return True
    score = rating.score
    return score is not None and score >= min_stars


_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def fit(text: str, budget_tokens: int) -> str | None:
    """``text`` cut at a sentence end to fit the budget; None when not even its first
    sentence fits."""
    if estimate_tokens(text) <= budget_tokens:
        return text
    out = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{out} {sentence}".strip()
        if estimate_tokens(candidate) > budget_tokens:
            break
        out = candidate
    return out or None


class RatedExamples:
    """Finds the best rated answer to a question like the new one."""

    def __init__(self, store: RatingStore, embedder: Callable[[], "Embedder"],
                 floor: float = SIMILARITY_FLOOR) -> None:
        self.store = store
        self._embedder = embedder
        self.floor = floor
        self._lock = threading.Lock()

    def _vectors(self) -> tuple[list[int], np.ndarray]:
        emb = self._embedder()
        with self._lock:
            missing = self.store.missing_vectors(emb.name)
            if missing:
                vecs = np.asarray(emb.embed_documents([text for _, text in missing]), dtype=np.float32)
                self.store.set_vectors(emb.name, [(rid, v) for (rid, _), v in zip(missing, vecs)])
            return self.store.vectors(emb.name)

    def find(self, question: str, min_stars: int = 4) -> Match | None:
        """The closest teaching answer at least ``floor`` similar, or None."""
        if not question.strip():
            return None
        ids, matrix = self._vectors()
        if not ids:
            return None
        query = np.asarray(self._embedder().embed_query(question), dtype=np.float32)
        sims = matrix @ query
        for i in np.argsort(-sims):
            if sims[i] < self.floor:
                break
            rating = self.store.get(ids[int(i)])
            if rating is None or not teaches(rating, min_stars):
                continue
            return Match(rating, float(sims[i]))
        return None


def example_block(match: Match, budget_tokens: int, lang: str) -> str | None:
    """The example as the prompt's text, or None when it does not fit the budget."""
    q_label, a_label = _LABELS.get(lang, _LABELS["en"])
    intro = _INTRO.get(lang, _INTRO["en"])
    fixed = estimate_tokens(intro) + estimate_tokens(match.rating.question) + 8
    answer = fit(match.text, budget_tokens - fixed)
    if answer is None:
        return None
    return f"{intro}\n{q_label}: {match.rating.question}\n{a_label}: {answer}"


class RatedExampleStep:
    """Puts the best rated answer to a similar question into the prompt."""

    name = "rated_example"

    def __init__(self, examples: Callable[[], RatedExamples | None]) -> None:
        self._examples = examples

    def run(self, ctx: "AnswerContext", cancel: CancelToken) -> Iterator[ChatEvent]:
        yield from ()
        learning = getattr(ctx.settings, "learning", None)
        if learning is None or not learning.examples:
            return
        try:
            examples = self._examples()
            if examples is None:
                return
            match = examples.find(ctx.question, learning.min_stars)
            if match is None:
                return
            block = example_block(match, learning.example_budget_tokens, ctx.language)
            if block is None:
                return
        except Exception:  # an example must never cost the user the answer
            log.exception("rated example lookup failed")
            return
        ctx.examples.append(block)
        ctx.details["rated_example"] = {
            "rating_id": match.rating.id, "question": match.rating.question, "answer": match.text,
            "similarity": round(match.similarity, 3), "source": match.source, "stars": match.rating.stars,
            "thumb": match.rating.thumb,
        }
