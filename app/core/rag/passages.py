"""From ranked chunks to the few passages a small model can use.

A 1.5B model answers better from three good passages than from five mediocre ones, and
a chunk cut mid-thought (a heading whose answer is in the next chunk, a command whose
explanation follows) misleads it. So, from the sections search ranked:
- sections scoring far below the best are dropped (they are rarely the answer and the
  model cites them anyway);
- a passage whose text repeats one already chosen (the same section in a PDF and its
  HTML, an overlapping chunk) is dropped;
- a chosen chunk is merged with its neighbours in the same section of the same file
  (overlap removed) while the passage stays within its size budget;
- a passage longer than its budget is trimmed to the window of sentences that share
  the most words with the question;
- at most ``max_passages`` are kept.
The values are chosen on the dev part of the answer evaluation set
(tests/benchmarks/bench_answers.py) and checked on its held-out part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from app.core.rag.registry import ChunkRow

_WORD = re.compile(r"\w+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[.!?…:])\s+|\n+")


@dataclass(frozen=True)
class PassagePolicy:
    """How many passages and how much text; see the module docstring."""

    # Measured on the dev part (tests/benchmarks/bench_answers.py): 3 passages of up to
    # 1000 characters with their neighbours hold a fact for 82 % EN / 79 % RU of the
    # questions with 2,100 characters on average, as many as five raw 800-character
    # chunks (85 % / 76 %) with 3,000; a tighter score gap (2.5) cost 9 points.
    max_passages: int = 3
    passage_chars: int = 1000  # one passage, after merging neighbours
    total_chars: int = 2700  # all passages together (prompt time grows with it)
    neighbours: int = 1  # chunks merged on each side of a hit
    score_gap: float = 8.0  # drop sections scoring this much (fused units) below the best
    duplicate: float = 0.6  # word-trigram overlap at which a passage repeats another


DEFAULT_POLICY = PassagePolicy()


@dataclass
class Passage:
    """A passage for the model: merged text plus where it came from and why."""

    row: ChunkRow  # the hit chunk
    text: str
    score: float  # section score from fusion
    dense: float
    lexical: float
    merged: int = 0  # neighbouring chunks merged in
    trimmed: bool = False
    chunk_ids: list[str] = field(default_factory=list)


def _shingles(text: str) -> set[tuple[str, str, str]]:
    w = [x.lower() for x in _WORD.findall(text)]
    return {(w[i], w[i + 1], w[i + 2]) for i in range(len(w) - 2)}


def _overlap(a: set[tuple[str, str, str]], b: set[tuple[str, str, str]]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def join_overlapping(a: str, b: str, max_overlap: int = 400) -> str:
    """``a`` followed by ``b`` without the text they share (chunks overlap a little)."""
    for k in range(min(len(a), len(b), max_overlap), 15, -1):
        if a.endswith(b[:k]):
            return a + b[k:]
    return a.rstrip() + "\n" + b.lstrip()


def trim(text: str, question: str, limit: int) -> str:
    """The window of whole sentences (at most ``limit`` characters) sharing the most
    words with the question; the text itself when it fits."""
    if len(text) <= limit:
        return text
    q = {w.lower()[:5] for w in _WORD.findall(question) if len(w) > 2}
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    gain = [len(q & {w.lower()[:5] for w in _WORD.findall(s)}) for s in sentences]
    best, best_span = -1.0, (0, 1)
    for i in range(len(sentences)):
        size, j, got = 0, i, 0
        while j < len(sentences) and size + len(sentences[j]) + 1 <= limit:
            size += len(sentences[j]) + 1
            got += gain[j]
            j += 1
        if j > i and got > best:
            best, best_span = got, (i, j)
    i, j = best_span
    out = " ".join(sentences[i:j])
    return out if out else text[:limit]


def select(
    ranked: Sequence[tuple[object, float, ChunkRow]],
    question: str,
    neighbours: Callable[[ChunkRow, int], list[ChunkRow]],
    policy: PassagePolicy = DEFAULT_POLICY,
) -> list[Passage]:
    """Passages from (Scored, section score, row) best first; ``neighbours(row, n)``
    returns the chunks around ``row`` in its file (ordinal order, ``row`` included)."""
    out: list[Passage] = []
    seen: list[set[tuple[str, str, str]]] = []
    used_ids: set[str] = set()
    total = 0
    top = ranked[0][1] if ranked else 0.0
    for scored, score, row in ranked:
        if len(out) >= policy.max_passages or total >= policy.total_chars:
            break
        if score < top - policy.score_gap or row.chunk_id in used_ids:
            continue
        text, ids, merged = row.text, [row.chunk_id], 0
        if policy.neighbours:
            around = [r for r in neighbours(row, policy.neighbours)
                      if r.heading == row.heading and r.chunk_id not in used_ids]
            pos = next((i for i, r in enumerate(around) if r.chunk_id == row.chunk_id), None)
            if pos is not None:
                # Grow outwards from the hit, the following chunk first (an answer
                # usually continues after the words that matched).
                lo = hi = pos
                while True:
                    grew = False
                    for cand in (hi + 1, lo - 1):
                        if 0 <= cand < len(around) and (cand > hi or cand < lo):
                            joined = (join_overlapping(text, around[cand].text) if cand > hi
                                      else join_overlapping(around[cand].text, text))
                            if len(joined) <= policy.passage_chars:
                                text = joined
                                ids.append(around[cand].chunk_id)
                                merged += 1
                                hi, lo = max(hi, cand), min(lo, cand)
                                grew = True
                    if not grew:
                        break
        sh = _shingles(text)
        if any(_overlap(sh, s) >= policy.duplicate for s in seen):
            continue
        room = min(policy.passage_chars, policy.total_chars - total)
        trimmed = len(text) > room
        if trimmed:
            text = trim(text, question, room)
        out.append(Passage(row, text, score, float(getattr(scored, "dense", 0.0)),
                           float(getattr(scored, "lexical", 0.0)), merged, trimmed, ids))
        seen.append(sh)
        used_ids.update(ids)
        total += len(text)
    return out


__all__ = ["DEFAULT_POLICY", "Passage", "PassagePolicy", "join_overlapping", "select", "trim"]
