"""Whether the passages found can answer the question at all.

Search always returns its nearest passages, and a small model handed passages about
apt when asked how to set up WireGuard answers from its own memory, citing them. Two
signals, cheap and independent of the model, say the documents cannot answer:
- a distinctive term of the question (a name, a code, a number: see
  ``fusion.exact_tokens``) that occurs nowhere in the index, while the passages cover
  little of the question: the documents never mention what is asked about;
- the passages share almost none of the question's weighted terms.
Measured on the dev part of the answer evaluation set (tests/benchmarks/bench_answers.py):
together with the similarity threshold they turn away 17 of 18 unanswerable questions
and 1 of 66 answerable ones.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Sequence

from app.core.rag import fusion
from app.core.rag.lexical import STOPWORDS, query_stems, stem, tokens

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")

# Below this idf-weighted share of the question's terms found in the passages, a
# question with a term unknown to the index is not answerable from them.
MISSING_COVERAGE = 0.5
# Below this share, no question is (dev: unanswerable 0.00-0.12, answerable from 0.15).
MIN_COVERAGE = 0.12


@dataclass(frozen=True)
class Grounding:
    """How well the passages cover the question."""

    missing: tuple[str, ...]  # distinctive question terms that occur nowhere in the index
    coverage: float  # idf-weighted share of the question's terms found in the passages
    known_coverage: float  # the same over the terms the index uses at all

    @property
    def answerable(self) -> bool:
        if self.missing and self.coverage < MISSING_COVERAGE:
            return False
        return self.known_coverage >= MIN_COVERAGE


def _distinctive(token: str) -> bool:
    """A name or code worth looking for as such: Latin letters or digits, not a function
    word. Cyrillic words are left out: an English index lacks them whatever the answer."""
    parts = [p for p in tokens(token) if p not in STOPWORDS]
    return bool(parts) and not _CYRILLIC.search(token) and any(len(p) > 1 for p in parts)


def check(question: str, passages: Sequence[str], df: Callable[[str], int], chunks: int) -> Grounding:
    """The grounding of ``question`` in ``passages``; ``df`` gives a stem's chunk count
    in the index of ``chunks`` chunks."""
    missing = tuple(t for t in fusion.exact_tokens(question) if _distinctive(t)
                    and all(df(stem(p)) == 0 for p in tokens(t) if p not in STOPWORDS))
    found = {stem(t) for t in tokens(" ".join(passages))}
    terms = [s for s in query_stems(question) if len(s) > 2]
    n = max(chunks, 1)
    weight = {s: math.log(1 + (n - df(s) + 0.5) / (df(s) + 0.5)) for s in terms}

    def share(keys: Sequence[str]) -> float:
        total = sum(weight[k] for k in keys)
        return sum(weight[k] for k in keys if k in found) / total if total else 1.0

    # Words the index never uses weigh most in ``coverage`` (they are what the documents
    # lack); ``known_coverage`` leaves them out (a paraphrase, slang or a typo says
    # nothing about these passages).
    return Grounding(missing, share(list(weight)), share([k for k in weight if df(k) > 0]))


__all__ = ["MIN_COVERAGE", "MISSING_COVERAGE", "Grounding", "check"]
