"""Retrieval over a document library: fused search, relevance, passages for the model.

``Retrieval`` is the query half of :class:`app.core.rag.library.DocumentLibrary` (which
owns the index, the registry and the statistics cache these methods read): ``search``
ranks sections by dense + lexical fusion (fusion.py), ``find`` turns the best of them
into numbered passages (passages.py) and says whether they can answer the question
(grounding.py), ``retrieve`` is ``find`` for callers that only want the passages.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Callable

from app.core import prompts
from app.core.rag import fusion
from app.core.types import Citation

if TYPE_CHECKING:
    from app.core.rag.grounding import Grounding
    from app.core.rag.passages import PassagePolicy

log = logging.getLogger(__name__)

# Minimum cosine of the best passage for a question to count as answerable from the
# documents, per embedder, for (question, passage) in the same language and across
# languages (cross-language cosines run lower). Calibrated on the Debian FAQ gold against
# off-topic questions (tests/data/eval/offtopic.jsonl; see bench_retrieval.py): e5 keeps
# 99% of real questions and lets 1-3 of 20 off-topic ones through in the same language,
# 0 of 20 across languages. Unknown embedders only need a positive cosine.
RELEVANCE_THRESHOLDS: dict[str, tuple[float, float]] = {"e5-small": (0.82, 0.78), "minilm": (0.30, 0.30)}
# Passages below the best one are kept while they are this close to the threshold.
TAIL_MARGIN = 0.03
# Selected collections are searched by over-fetching from the whole dense index (see
# DocumentLibrary._dense_width): at most this many results per query.
OVERFETCH_MARGIN = 2.0
MAX_OVERFETCH = 1000
# A strong BM25 match on a query with rare exact tokens (a code, a number) keeps a
# passage even when the embedding is unsure (BM25 units on the whole index).
LEXICAL_RESCUE = 8.0



@dataclass(frozen=True)
class Found:
    """What a document search found for a question."""

    citations: list[Citation]
    grounding: "Grounding | None"  # None: nothing passed the similarity threshold

    @property
    def answerable(self) -> bool:
        return bool(self.citations) and (self.grounding is None or self.grounding.answerable)

    @property
    def missing(self) -> tuple[str, ...]:
        """Question terms the documents never mention (for the reply)."""
        return self.grounding.missing if self.grounding is not None else ()



class Retrieval:
    """The query methods of DocumentLibrary (see the module docstring)."""

    # Provided by DocumentLibrary.
    embedder: Any
    index: Any
    registry: Any
    _stats: dict[str, Any]
    _lock: Any
    _search_pool: Any

    def collections(self) -> list[Any]: ...  # pragma: no cover - DocumentLibrary's

    # ---- retrieval -------------------------------------------------------------------------

    def search(self, query: str, collections: tuple[str, ...] = (), k: int = 5,
               params: fusion.FusionParams = fusion.DEFAULT, mode: str = "fusion") -> list[tuple[fusion.Scored, float]]:
        """Ranked sections (best chunk, section score) for a query; no threshold applied.

        ``mode``: "fusion" (default), "dense" or "lexical" (for benchmarks).
        """
        if not query.strip() or self._chunk_count() == 0:
            return []
        n = params.candidates
        use_dense = mode in ("fusion", "dense")
        use_lexical = mode in ("fusion", "lexical")
        # The lexical side (BM25 + the rare-term check, SQLite) runs on a helper thread
        # while this one embeds the query and searches Chroma: both release the GIL.
        lex_job = self._pool().submit(self._lexical_side, query, n * (3 if collections else 1),
                                      mode == "fusion") if use_lexical else None
        dense: dict[str, float] = {}
        dense_ranked: list[str] = []
        hits: list[Any] = []
        width: int | None = n
        qv = None
        try:
            if use_dense:
                qv = self.embedder.embed_query(query)
                width = self._dense_width(n, collections)
                # width None: the selection is too small a part of the index to over-fetch.
                hits = self.index.search(qv, width) if width else self.index.search(qv, n, collections)
        finally:
            lex_hits, rare = lex_job.result() if lex_job is not None else ([], False)
        lexical = {h.chunk_id: h.score for h in lex_hits}
        # Only keys here (path, heading, collection); texts are read for the winners only.
        rows = self.registry.chunk_keys(list(dict.fromkeys([*(h.chunk_id for h in hits), *lexical])))
        if collections:
            rows = {i: r for i, r in rows.items() if r[2] in collections}
            lexical = {i: s for i, s in list(lexical.items()) if i in rows}
            lexical = dict(list(lexical.items())[:n])
        if use_dense:
            if collections and width:
                # Over-fetched from the whole index (see _dense_width): keep the selected
                # collections' chunks; if too few remain (and the index holds more), ask
                # Chroma with its metadata filter after all.
                wide = len(hits)
                hits = [h for h in hits if h.chunk_id in rows][:n]
                if len(hits) < n and wide >= width:
                    hits = self.index.search(qv, n, collections)
                    rows.update(self.registry.chunk_keys([h.chunk_id for h in hits if h.chunk_id not in rows]))
            dense = {h.chunk_id: h.score for h in hits}
            dense_ranked = [h.chunk_id for h in hits]
        section_of = {i: f"{r[0]}\x00{r[1]}" for i, r in rows.items()}
        if mode == "lexical":
            scored = [fusion.Scored(i, section_of[i], s, 0.0, s) for i, s in lexical.items() if i in section_of]
            return fusion.by_section(scored, params)[: max(k, 1)]
        if mode == "fusion" and qv is not None:
            missing = [i for i in lexical if i not in dense and i in rows]
            if missing:
                for i, v in self.index.vectors(missing).items():
                    dense[i] = float(v @ qv)
        scored = fusion.fuse(dense, lexical if mode == "fusion" else {}, section_of,
                             dense_ranked=dense_ranked, rare=rare, params=params)
        return fusion.by_section(scored, params)[: max(k, 1)]

    def _pool(self) -> Any:
        import concurrent.futures as cf

        with self._lock:
            if self._search_pool is None:
                self._search_pool = cf.ThreadPoolExecutor(max_workers=2, thread_name_prefix="sova-lexical")
            return self._search_pool

    def _lexical_side(self, query: str, k: int, check_rare: bool) -> tuple[list[Any], bool]:
        """BM25 hits (common stems pruned on a large index) and whether the query is rare."""
        self._chunk_count()  # fills the statistics cache for this chunk-set version
        df = self._df()
        with self.registry.lock:
            hits = self.registry.lexical.search(query, k, df=df, total=self._chunk_count())
        rare = check_rare and fusion.rare_query(query, self._idf())
        return hits, rare

    def _dense_width(self, n: int, collections: tuple[str, ...]) -> int | None:
        """How many nearest chunks to fetch from the whole index for ``n`` in ``collections``
        (None: use Chroma's metadata filter instead).

        Chroma's metadata filter first lists every chunk id of the selected collections
        (tens of thousands at 100k chunks: measured 300-600 ms), while a wider HNSW search
        costs a few ms, so selected collections are over-fetched by their share of the
        chunks (x2) and filtered in search(). A selection so small that this would take
        more than MAX_OVERFETCH results has few ids, which the filter lists quickly.
        """
        if not collections:
            return n
        self._check_stats()
        sizes = self._stats.get("sizes")
        if sizes is None:
            sizes = {c.name: c.chunks for c in self.collections()}
            self._stats["sizes"] = sizes
        total = sum(sizes.values())
        share = sum(sizes.get(c, 0) for c in set(collections)) / total if total else 1.0
        width = int(n / max(share, 1e-9) * OVERFETCH_MARGIN) + 1
        return width if width <= MAX_OVERFETCH else None

    def _chunk_count(self) -> int:
        self._check_stats()
        if self._stats["count"] is None:
            self._stats["count"] = self.registry.chunk_count()
        return int(self._stats["count"])

    def _check_stats(self) -> None:
        # Corpus statistics are cached until the chunk set changes (registry.version).
        if self._stats.get("version") != self.registry.version:
            self._stats = {"version": self.registry.version, "count": None, "df": {}}

    def _df(self) -> Callable[[str], int]:
        """A stem's document count, cached until the chunk set changes."""
        self._check_stats()
        cache: dict[str, int] = self._stats["df"]

        def df(s: str) -> int:
            if s not in cache:
                with self.registry.lock:
                    cache[s] = self.registry.lexical.document_frequency(s)
            return cache[s]

        return df

    def _idf(self) -> Callable[[str], float]:
        import math

        n = max(self._chunk_count(), 1)
        df = self._df()

        def idf(s: str) -> float:
            d = df(s)
            return math.log(1 + (n - d + 0.5) / (d + 0.5)) if d else 0.0

        return idf

    def threshold(self, query: str, passage: str) -> float:
        """The minimum cosine for this question and passage (see RELEVANCE_THRESHOLDS)."""
        pair = RELEVANCE_THRESHOLDS.get(self.embedder.name)
        if pair is None:
            return 0.0
        same = prompts.is_russian(query) == prompts.is_russian(passage)
        return pair[0] if same else pair[1]

    def is_relevant(self, query: str, hit: fusion.Scored, passage: str, margin: float = 0.0) -> bool:
        """Whether a passage is close enough to the question to answer from."""
        if hit.lexical >= LEXICAL_RESCUE and fusion.exact_tokens(query):
            return True
        return hit.dense >= self.threshold(query, passage) - margin and hit.dense > 0.0

    def find(self, query: str, collections: tuple[str, ...], k: int,
             policy: "PassagePolicy | None" = None) -> Found:
        """Numbered passages (1..k) for a question, and whether they can answer it.

        The policy (app.core.rag.passages) merges neighbours, drops repeats and weak
        tails, and keeps the text within its budget; grounding (app.core.rag.grounding)
        says when the documents cannot answer although passages were found.
        """
        from app.core.rag import grounding, passages
        from app.core.rag.transcripts import transcript_seconds

        policy = policy or passages.DEFAULT_POLICY
        ranked = self.search(query, tuple(collections), k + 3)
        if not ranked:
            return Found([], None)
        rows = self.registry.chunk_rows([s.chunk_id for s, _ in ranked])
        first = rows.get(ranked[0][0].chunk_id)
        if first is None or not self.is_relevant(query, ranked[0][0], first.text):
            return Found([], None)
        relevant = [(best, score, rows[best.chunk_id]) for best, score in ranked
                    if best.chunk_id in rows and self.is_relevant(query, best, rows[best.chunk_id].text, TAIL_MARGIN)]
        chosen = passages.select(relevant, query, lambda r, n: self.registry.neighbours(r.path, r.ordinal, n),
                                 replace(policy, max_passages=k))
        cites = [Citation(n=i, path=p.row.path, page=p.row.page, heading=p.row.heading, text=p.text,
                          score=float(p.score), chunk_id=p.row.chunk_id,
                          start_seconds=transcript_seconds(p.row.path, p.row.heading),
                          collection=p.row.collection, dense=p.dense, lexical=p.lexical, merged=p.merged)
                 for i, p in enumerate(chosen, 1)]
        return Found(cites, grounding.check(query, [c.text for c in cites], self._df(), self._chunk_count()))

    def retrieve(self, query: str, collections: tuple[str, ...], k: int,
                 policy: "PassagePolicy | None" = None) -> list[Citation]:
        """The passages for a question, or [] when the documents cannot answer it."""
        found = self.find(query, collections, k, policy)
        return found.citations if found.answerable else []

