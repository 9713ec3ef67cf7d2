"""Lexical search: BM25 over Snowball-stemmed tokens (Russian and English).

The stems are computed in Python (the stemmer is chosen per token by its script) and
stored as plain space-separated words in an SQLite FTS5 table, so SQLite does the
inverted index and the bm25() ranking, incrementally and inside the same transactions
as the document registry (see registry.Registry, which owns the connection).
"""

from __future__ import annotations

import math
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Sequence

_WORD = re.compile(r"\w+", re.UNICODE)
_CYR = re.compile(r"[а-яё]")
_LAT = re.compile(r"[a-z]")
_HAS_DIGIT = re.compile(r"\d")

FTS_SCHEMA = """
CREATE VIRTUAL TABLE IF NOT EXISTS chunk_fts USING fts5(
    stems, chunk_id UNINDEXED, tokenize = "unicode61 remove_diacritics 0"
);
"""


# Function words carry no topic; matching them only adds noise to BM25 for short
# questions ("Как ...", "What is ..."). Queries drop them; the index keeps them (cheap).
STOPWORDS = frozenset(
    """a an and are as at be been but by can do does did for from has have how i if in into is it
    its me my no not of on or so such that the their them then there these they this to was we
    were what when where which who whom why will with would you your
    а без более бы был была были было быть в вам вас весь во вот все всего всех вы где да даже
    для до его ее её если есть еще ещё же за здесь и из или им их к как какая какие какой когда
    кто ли либо мне может мы на над надо не него нее неё нет ни них но ну о об однако он она они
    оно от очень по под при с со так также такой там те тем то того тоже той только том ты у уже
    хотя чего чей чем что чтобы чье чьё эта эти это этот я""".split()
)


@lru_cache(maxsize=2)
def _stemmer(language: str):  # type: ignore[no-untyped-def]
    import snowballstemmer  # uses the C PyStemmer when installed

    return snowballstemmer.stemmer(language)


@lru_cache(maxsize=200_000)
def stem(token: str) -> str:
    """One lower-case token stemmed by the stemmer of its script (others kept as is)."""
    if _HAS_DIGIT.search(token):
        return token  # numbers, versions, codes: exact
    if _CYR.search(token):
        return str(_stemmer("russian").stemWord(token.replace("ё", "е")))
    if _LAT.search(token):
        return str(_stemmer("english").stemWord(token))
    return token


def tokens(text: str) -> list[str]:
    """Lower-case word tokens ("_" splits words: identifiers become their parts too)."""
    out: list[str] = []
    for m in _WORD.finditer(text.lower()):
        w = m.group(0)
        parts = [p for p in w.split("_") if p]
        out.extend(parts)
        if len(parts) > 1:
            out.append(w.replace("_", ""))
    return out


def stems(text: str) -> list[str]:
    """The stems the index stores and the queries match."""
    return [stem(t) for t in tokens(text)]


def query_stems(query: str) -> list[str]:
    """Distinct stems of a query without function words (all of them if only those)."""
    toks = tokens(query)
    content = [t for t in toks if t not in STOPWORDS] or toks
    return list(dict.fromkeys(stem(t) for t in content))


def stems_text(text: str) -> str:
    return " ".join(stems(text))


# Once the index is large, a query matches only its more selective stems: a stem in
# more than MAX_DF_SHARE of the chunks is dropped (its BM25 idf is under 1.5, against 9
# for a rare one), and the kept stems' posting lists, rarest first, may total at most
# MAX_POSTINGS_SHARE of the chunks (SQLite scores every chunk that matches any stem).
MAX_DF_SHARE = 0.2
MAX_POSTINGS_SHARE = 0.3
# Below this many chunks every stem is kept: scoring them all is cheap anyway.
PRUNE_FROM_CHUNKS = 20_000


def selective_stems(qs: Sequence[str], df: Callable[[str], int], total: int) -> list[str]:
    """The query stems worth matching in an index of ``total`` chunks (see search()).

    Keeps the query's order; the rarest stem that occurs is always kept.
    """
    if total < PRUNE_FROM_CHUNKS or len(qs) < 2:
        return list(qs)
    counts = {s: df(s) for s in qs}
    present = sorted((s for s in qs if counts[s] > 0), key=lambda s: counts[s])
    if not present:
        return []
    keep = {present[0]}
    budget = MAX_POSTINGS_SHARE * total - counts[present[0]]
    for s in present[1:]:
        if counts[s] > MAX_DF_SHARE * total or counts[s] > budget:
            break
        keep.add(s)
        budget -= counts[s]
    return [s for s in qs if s in keep]


@dataclass(frozen=True)
class LexicalHit:
    chunk_id: str
    score: float  # BM25, higher is better (sign flipped from SQLite's bm25())


class LexicalIndex:
    """FTS5 table of stemmed chunk texts inside an existing SQLite connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        conn.executescript(FTS_SCHEMA)
        # A per-connection view of the FTS5 term dictionary: a term's document count is
        # one B-tree lookup there, instead of walking the term's whole posting list.
        try:
            conn.execute(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunk_fts_vocab USING fts5vocab(main, 'chunk_fts', 'row')"
            )
            self._vocab = True
        except sqlite3.OperationalError:  # an SQLite without fts5vocab: count the long way
            self._vocab = False

    def add(self, items: Iterable[tuple[str, str]]) -> None:
        """Index (chunk_id, text) pairs; the caller commits."""
        self.conn.executemany(
            "INSERT INTO chunk_fts(stems, chunk_id) VALUES (?, ?)",
            ((stems_text(text), cid) for cid, text in items),
        )

    def delete(self, chunk_ids: Sequence[str]) -> None:
        """Forget these chunks; the caller commits."""
        for i in range(0, len(chunk_ids), 500):
            part = list(chunk_ids[i : i + 500])
            self.conn.execute(
                f"DELETE FROM chunk_fts WHERE chunk_id IN ({','.join('?' * len(part))})", part
            )

    def count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM chunk_fts").fetchone()[0])

    def document_frequency(self, stem_: str) -> int:
        """How many chunks contain this stem (for rare-term detection)."""
        if self._vocab:
            try:
                row = self.conn.execute("SELECT doc FROM temp.chunk_fts_vocab WHERE term = ?", (stem_,)).fetchone()
                return int(row[0]) if row else 0
            except sqlite3.OperationalError:
                pass
        try:
            row = self.conn.execute(
                "SELECT count(*) FROM chunk_fts WHERE chunk_fts MATCH ?", (f'stems:"{stem_}"',)
            ).fetchone()
        except sqlite3.OperationalError:
            return 0
        return int(row[0])

    def search(
        self, query: str, k: int = 50, *, df: Callable[[str], int] | None = None, total: int = 0,
    ) -> list[LexicalHit]:
        """Best chunks by BM25 for any of the query's stems.

        With ``df`` (a stem's document count, e.g. a cached document_frequency) and
        ``total`` (chunks indexed), stems in more than MAX_DF_SHARE of a large index are
        left out of the match: SQLite scores every chunk that matches any stem, so one
        near-ubiquitous stem would make it score most of the index, for a term whose
        BM25 weight is close to nothing. The rarest stem is always kept.
        """
        qs = query_stems(query)
        if not qs:
            return []
        if df is not None:
            qs = selective_stems(qs, df, total)
        match = " OR ".join(f'"{s}"' for s in qs if '"' not in s)
        if not match:
            return []
        try:
            rows = self.conn.execute(
                "SELECT chunk_id, bm25(chunk_fts) AS s FROM chunk_fts WHERE chunk_fts MATCH ? "
                "ORDER BY s LIMIT ?",
                (f"stems: ({match})", k),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        return [LexicalHit(r[0], -float(r[1])) for r in rows]

    def idf(self, query: str) -> dict[str, float]:
        """IDF of each query stem over the indexed chunks (BM25's formula)."""
        n = max(self.count(), 1)
        out: dict[str, float] = {}
        for s in query_stems(query):
            df = self.document_frequency(s)
            out[s] = math.log(1 + (n - df + 0.5) / (df + 0.5))
        return out
