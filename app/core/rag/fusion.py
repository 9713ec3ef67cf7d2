"""Fusion of dense (embedding) and lexical (BM25) retrieval, scored per section.

Plain reciprocal-rank fusion was measured worse than the dense model alone on the
Debian FAQ gold (it throws away how confident each method is). Here:
- every candidate gets BOTH scores: dense candidates missing from the BM25 list get 0
  lexical score, lexical candidates missing from the dense list get their exact cosine
  (the caller looks their vectors up), so no candidate is judged on one method only;
- scores are normalised per query (dense: z-score over the dense candidate list;
  lexical: divided by the best BM25 score), then summed with a lexical weight;
- the lexical weight is small by default and grows when the query holds rare exact
  tokens (numbers, codes, identifiers, Latin names in a Russian query, terms rare in
  the index), where embeddings are weakest;
- chunks are grouped by section (file + heading path); a section scores its best
  chunk plus a small bonus for further matching chunks.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from app.core.rag.lexical import stem, tokens

_CODE = re.compile(r"\d|[a-z][A-Z]|[A-Z]{2,}|[_./:\\-]\w")


@dataclass(frozen=True)
class FusionParams:
    """Tuned on the Debian FAQ gold (see tests/benchmarks/bench_retrieval.py)."""

    # Weight of normalised BM25 for ordinary queries. Grid on the gold (lexical 0.3-2.0
    # x rare 1-5) once cross-reference titles left the indexed text (which made BM25
    # much better: EN 0.532 -> 0.577, RU 0.442 -> 0.487): 1.4-1.8 x 2.5-4 is a plateau,
    # 1.6/3.0 sits in its middle (EN/RU/RU->EN 0.70/0.60-0.61/0.55-0.56; 0.3/3.0 gave
    # 0.686/0.591/0.549). The dense side is z-scored, so 1.6 is "one best BM25 hit is
    # worth 1.6 standard deviations of cosine".
    lexical_weight: float = 1.6
    # Extra weight when the query has rare exact tokens: large, because there BM25 is
    # far better than embeddings (measured MRR 0.95 vs 0.75 on exact_terms.jsonl).
    rare_weight: float = 3.0
    rare_idf: float = 4.0  # an index term this rare (BM25 idf) counts as a rare token
    section_bonus: float = 0.0  # per extra matching chunk of the same section (x its score)
    candidates: int = 50


DEFAULT = FusionParams()


@dataclass(frozen=True)
class Scored:
    chunk_id: str
    section: str  # chunks with the same key form one section
    score: float  # fused score (relative, for ranking)
    dense: float  # raw cosine (used for the relevance threshold)
    lexical: float  # raw BM25 (0 when the chunk shares no term with the query)


def exact_tokens(query: str) -> list[str]:
    """Query tokens that embeddings handle badly: numbers, codes, identifiers, names."""
    out: list[str] = []
    has_cyr = bool(re.search(r"[А-Яа-яЁё]", query))
    words = re.findall(r"[\w./:\\-]+", query)
    for i, w in enumerate(words):
        w = w.strip("./:-")
        if not w:
            continue
        if _CODE.search(w):
            out.append(w)
        elif has_cyr and re.fullmatch(r"[A-Za-z][\w-]*", w):
            out.append(w)  # a Latin name inside a Russian question: "Debian", "apt"
        elif i > 0 and len(w) > 1 and w[:1].isupper() and not words[i - 1].endswith((".", "?", "!")):
            out.append(w)  # a capitalised word mid-sentence: a proper name
    return out


def rare_query(query: str, idf: Callable[[str], float] | None, params: FusionParams = DEFAULT) -> bool:
    """True when the query holds exact tokens (numbers, codes, names) that are rare in
    the index, or any term that is very rare there.

    Without index statistics, any exact token counts. A name that is in every chunk
    ("Debian" in the Debian FAQ) tells BM25 nothing, so it does not count.
    """
    exact = exact_tokens(query)
    if idf is None:
        return bool(exact)
    for t in exact:
        for part in tokens(t):
            if idf(stem(part)) >= params.rare_idf - 1.0:
                return True
    return any(idf(stem(t)) >= params.rare_idf for t in tokens(query) if len(t) > 2)


def _z(values: Sequence[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 1.0
    mu = sum(values) / len(values)
    var = sum((v - mu) ** 2 for v in values) / len(values)
    return mu, math.sqrt(var) or 1.0


def fuse(
    dense: Mapping[str, float],
    lexical: Mapping[str, float],
    section_of: Mapping[str, str],
    *,
    dense_ranked: Sequence[str] = (),
    rare: bool = False,
    params: FusionParams = DEFAULT,
) -> list[Scored]:
    """Fused chunk scores, best first.

    ``dense``: cosine for every candidate (the dense list plus the lexical-only ones
    whose cosine the caller computed); ``lexical``: BM25 (higher is better) for chunks
    the lexical search returned; ``dense_ranked``: the dense search's own list, used for
    the normalisation statistics; ``section_of``: chunk -> section key (chunks missing
    from it are dropped: they are no longer live).
    """
    ids = [i for i in dict.fromkeys([*dense, *lexical]) if i in section_of]
    if not ids:
        return []
    ref = [dense[i] for i in (dense_ranked or list(dense)) if i in dense] or [0.0]
    mu, sd = _z(ref)
    lmax = max(lexical.values(), default=0.0) or 1.0
    w = params.lexical_weight + (params.rare_weight if rare else 0.0)
    out = []
    for i in ids:
        d = dense.get(i)
        dn = (d - mu) / sd if d is not None else -3.0
        ln = lexical.get(i, 0.0) / lmax
        out.append(Scored(i, section_of[i], dn + w * ln, d if d is not None else 0.0, lexical.get(i, 0.0)))
    out.sort(key=lambda s: -s.score)
    return out


def by_section(scored: Iterable[Scored], params: FusionParams = DEFAULT) -> list[tuple[Scored, float]]:
    """One entry per section: (its best chunk, section score), best first."""
    best: dict[str, Scored] = {}
    extra: dict[str, float] = {}
    for s in scored:  # scored is best first
        if s.section not in best:
            best[s.section] = s
            extra[s.section] = 0.0
        else:
            extra[s.section] += params.section_bonus * max(s.score, 0.0)
    ranked = [(b, b.score + extra[k]) for k, b in best.items()]
    ranked.sort(key=lambda t: -t[1])
    return ranked
