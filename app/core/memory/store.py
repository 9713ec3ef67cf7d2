"""The facts table: what Sova remembers about the user, with history and vectors.

Facts are short first-person statements ("I work as a lawyer", «Меня зовут Андрей»),
stored in the main database next to the messages they came from. Each fact's vector
(the e5 embedder, "query:" on both sides, which ranks personal questions against
first-person facts best here) is a BLOB in the same row, so deleting a fact deletes its
vector in the same transaction; recall ranks a cached matrix of them with one product.

A scope is '' (shared) or a persona id (that persona's own facts). Deleting keeps no
text: the database runs with ``secure_delete`` so freed pages are zeroed, and "forget
everything" also empties the WAL.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Sequence

import numpy as np

from app.core.types import SovaError

if TYPE_CHECKING:
    from app.core.rag.embedder import Embedder
    from app.core.store.db import Database

log = logging.getLogger(__name__)

# Recall: facts at least this close to the question (e5, "query:" on both sides; personal
# questions scored 0.84-0.92 against the fact they ask about, unrelated ones 0.73-0.79
# against any fact, tests/unit/memory and tests/integration/test_memory_real.py) ...
RECALL_FLOOR = 0.815
# ... and within this much of the best one.
RECALL_SPREAD = 0.05
RECALL_BUDGET_TOKENS = 160  # the recalled facts' share of the prompt
MAX_FACT_CHARS = 300

ORIGINS = ("explicit", "extracted", "edited")
TOPICS = ("name", "age", "profession", "workplace", "location", "family", "pet", "preference", "dislike",
          "hobby", "language", "health", "plan", "possession", "education", "other")


class MemoryError(SovaError):
    """A fact cannot be stored or found. Codes: ``memory_empty``, ``memory_too_long``,
    ``memory_not_found`` (id)."""

    code = "memory_error"


@dataclass(frozen=True)
class FactVersion:
    """An earlier text of a fact, replaced by a refinement or an edit."""

    text: str
    origin: str
    message_id: int | None
    replaced_at: float


@dataclass(frozen=True)
class Fact:
    id: int
    text: str
    topic: str
    scope: str  # '' shared, else the persona id
    origin: str  # explicit | extracted | edited
    message_id: int | None  # the user's message it came from
    conversation_id: int | None
    pinned: bool
    created_at: float
    updated_at: float
    history: tuple[FactVersion, ...] = ()


@dataclass(frozen=True)
class Recalled:
    fact: Fact
    score: float


def estimate_tokens(text: str) -> int:
    """A cautious token count for budgeting (Cyrillic takes more tokens per character)."""
    return len(text) // 3 + 1


def normalise(text: str) -> str:
    """Lower-case words only: what makes two fact texts the same fact."""
    return " ".join(re.findall(r"\w+", text.lower().replace("ё", "е")))


class MemoryStore:
    """Facts in the main database, their history, vectors and recall."""

    def __init__(self, db: "Database", embedder: Callable[[], "Embedder"], floor: float = RECALL_FLOOR) -> None:
        """``floor``: the least similarity a recalled fact has (the default is e5's)."""
        self.db = db
        self._embedder = embedder
        self.floor = floor
        self._lock = threading.Lock()
        self._cache: _Index | None = None
        with self.db.lock:
            # Freed pages are overwritten with zeros: a deleted fact leaves no text behind.
            self.db.connection.execute("PRAGMA secure_delete=ON")

    # ---- vectors ----------------------------------------------------------------------

    def _embed(self, texts: Sequence[str]) -> tuple[str, np.ndarray]:
        emb = self._embedder()
        # "query:" on both sides: facts and questions are short sentences of the same kind.
        batch = getattr(emb, "embed_queries", None)
        if batch is not None and len(texts) > 1:
            return emb.name, np.asarray(batch(list(texts)), dtype=np.float32)
        return emb.name, np.stack([emb.embed_query(t) for t in texts]).astype(np.float32)

    def _matrix(self) -> "_Index":
        """The vectors of all facts, by scope; facts without a vector for the current
        embedder (e.g. after a switch) are embedded first."""
        emb = self._embedder()
        with self._lock:
            if self._cache is not None and self._cache.embedder == emb.name:
                return self._cache
        with self.db.read() as conn:
            missing = conn.execute("SELECT id, text FROM facts WHERE embedder IS NOT ? OR vector IS NULL",
                                   (emb.name,)).fetchall()
        for i in range(0, len(missing), 64):
            batch = missing[i:i + 64]
            name, vecs = self._embed([r[1] for r in batch])
            with self.db.transaction() as conn:
                for (fid, _), v in zip(batch, vecs):
                    conn.execute("UPDATE facts SET embedder=?, vector=? WHERE id=?", (name, v.tobytes(), fid))
        with self.db.read() as conn:
            rows = conn.execute("SELECT id, vector, scope, pinned FROM facts WHERE embedder=? ORDER BY id",
                                (emb.name,)).fetchall()
        index = _Index(emb.name, getattr(emb, "dim", 384), rows)
        with self._lock:
            self._cache = index
        return index

    def _invalidate(self) -> None:
        with self._lock:
            self._cache = None

    # ---- reading ----------------------------------------------------------------------

    def get(self, fact_id: int) -> Fact | None:
        with self.db.read() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM facts WHERE id=?", (fact_id,)).fetchone()
            if row is None:
                return None
            history = conn.execute("SELECT text, origin, message_id, replaced_at FROM fact_history "
                                   "WHERE fact_id=? ORDER BY id", (fact_id,)).fetchall()
        return _fact(row, tuple(FactVersion(*h) for h in history))

    def list(self, scope: str | None = None, query: str = "") -> list[Fact]:
        """Facts, pinned first then newest; ``scope`` None: every scope; ``query``: the
        facts whose text contains it (case-insensitive)."""
        sql = f"SELECT {_COLUMNS} FROM facts"
        where, args = [], []
        if scope is not None:
            where.append("scope=?")
            args.append(scope)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY pinned DESC, updated_at DESC, id DESC"
        with self.db.read() as conn:
            rows = conn.execute(sql, args).fetchall()
        facts = [_fact(r) for r in rows]
        needle = _fold(query.strip())
        # In Python: SQLite's lower() folds ASCII letters only, not Cyrillic ones.
        return [f for f in facts if needle in _fold(f.text)] if needle else facts

    def count(self) -> int:
        with self.db.read() as conn:
            return int(conn.execute("SELECT count(*) FROM facts").fetchone()[0])

    def similar(self, text: str, scope: str, limit: int = 5) -> list[Recalled]:
        """The facts of ``scope`` closest in meaning to ``text``, best first."""
        return self._rank(self._embed([text])[1][0], scope, limit, floor=-1.0, spread=2.0)

    def recall(self, question: str, scope: str, budget_tokens: int = RECALL_BUDGET_TOKENS,
               exclude: Iterable[int] = ()) -> list[Recalled]:
        """The facts of ``scope`` that bear on ``question`` (pinned ones first), within
        ``budget_tokens``."""
        vector = self._embed([question])[1][0]
        return self.recall_vector(vector, scope, budget_tokens, exclude)

    def recall_vector(self, vector: np.ndarray, scope: str, budget_tokens: int = RECALL_BUDGET_TOKENS,
                      exclude: Iterable[int] = ()) -> list[Recalled]:
        skip = set(exclude)
        ranked = [r for r in self._rank(vector, scope, 12, self.floor, RECALL_SPREAD) if r.fact.id not in skip]
        pinned = [Recalled(f, 1.0) for f in self._facts(self._matrix().pinned.get(scope, [])) if f.id not in skip]
        out: list[Recalled] = []
        used = 0
        seen: set[int] = set()
        for r in pinned + ranked:
            if r.fact.id in seen:
                continue
            cost = estimate_tokens(r.fact.text)
            if used + cost > budget_tokens:
                continue
            out.append(r)
            seen.add(r.fact.id)
            used += cost
        return out

    def _rank(self, vector: np.ndarray, scope: str, limit: int, floor: float, spread: float) -> list[Recalled]:
        index = self._matrix()
        part = index.scopes.get(scope)
        if part is None:
            return []
        ids, matrix = part
        scores = matrix @ vector.astype(np.float32)
        k = min(limit, len(ids))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        best = float(scores[top[0]])
        picked = {int(ids[i]): float(scores[i]) for i in top if scores[i] >= floor and scores[i] >= best - spread}
        return [Recalled(f, picked[f.id]) for f in self._facts(list(picked))]

    def _facts(self, ids: Sequence[int]) -> list[Fact]:
        """These facts, in this order (the ones deleted meanwhile left out)."""
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        with self.db.read() as conn:
            rows = {r[0]: r for r in conn.execute(f"SELECT {_COLUMNS} FROM facts WHERE id IN ({marks})", list(ids))}
        return [_fact(rows[i]) for i in ids if i in rows]

    # ---- writing ----------------------------------------------------------------------

    def add(self, text: str, *, scope: str = "", origin: str = "explicit", topic: str = "other",
            message_id: int | None = None, conversation_id: int | None = None, pinned: bool = False) -> Fact:
        text = _clean(text)
        name, vec = self._embed([text])
        now = time.time()
        with self.db.transaction() as conn:
            if message_id is not None and not conn.execute("SELECT 1 FROM messages WHERE id=?",
                                                           (message_id,)).fetchone():
                message_id = None  # the message was deleted meanwhile
            if conversation_id is not None and not conn.execute("SELECT 1 FROM conversations WHERE id=?",
                                                                (conversation_id,)).fetchone():
                conversation_id = None
            cur = conn.execute(
                "INSERT INTO facts(text, topic, scope, origin, message_id, conversation_id, pinned, created_at,"
                " updated_at, embedder, vector) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (text, topic if topic in TOPICS else "other", scope, origin, message_id, conversation_id,
                 int(pinned), now, now, name, vec[0].tobytes()))
            fid = int(cur.lastrowid or 0)
        self._invalidate()
        fact = self.get(fid)
        assert fact is not None
        return fact

    def update(self, fact_id: int, text: str, *, origin: str = "edited", message_id: int | None = None,
               topic: str | None = None) -> Fact:
        """Replace a fact's text; the old text goes to its history (a refinement or an edit)."""
        text = _clean(text)
        name, vec = self._embed([text])
        now = time.time()
        with self.db.transaction() as conn:
            row = conn.execute("SELECT text, origin, message_id FROM facts WHERE id=?", (fact_id,)).fetchone()
            if row is None:
                raise MemoryError(f"There is no fact {fact_id}.", code="memory_not_found", id=fact_id)
            conn.execute("INSERT INTO fact_history(fact_id, text, origin, message_id, replaced_at) VALUES (?,?,?,?,?)",
                         (fact_id, row[0], row[1], row[2], now))
            source = (conn.execute("SELECT conversation_id FROM messages WHERE id=?", (message_id,)).fetchone()
                      if message_id is not None else None)
            if source is None:
                message_id = None  # no message, or deleted meanwhile: the fact keeps its source
            conn.execute("UPDATE facts SET text=?, origin=?, message_id=COALESCE(?, message_id), "
                         "conversation_id=COALESCE(?, conversation_id), topic=COALESCE(?, topic), updated_at=?, "
                         "embedder=?, vector=? WHERE id=?",
                         (text, origin, message_id, source[0] if source else None, topic, now, name,
                          vec[0].tobytes(), fact_id))
        self._invalidate()
        fact = self.get(fact_id)
        assert fact is not None
        return fact

    def pin(self, fact_id: int, pinned: bool = True) -> None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE facts SET pinned=? WHERE id=?", (int(pinned), fact_id))
        self._invalidate()

    def delete(self, fact_ids: Iterable[int]) -> int:
        """Delete facts with their history and vectors; they are not extracted again."""
        ids = list(fact_ids)
        if not ids:
            return 0
        with self.db.transaction() as conn:
            key = _tombstone_key(conn)
            n = 0
            for fid in ids:
                row = conn.execute("SELECT text FROM facts WHERE id=?", (fid,)).fetchone()
                if row is None:
                    continue
                digests = {_digest(key, row[0])} | {_digest(key, h[0]) for h in conn.execute(
                    "SELECT text FROM fact_history WHERE fact_id=?", (fid,))}
                for d in digests:
                    conn.execute("INSERT OR IGNORE INTO memory_tombstones(digest, created_at) VALUES (?,?)",
                                 (d, time.time()))
                conn.execute("DELETE FROM fact_history WHERE fact_id=?", (fid,))
                conn.execute("DELETE FROM facts WHERE id=?", (fid,))
                n += 1
            _scrub_details(conn, set(ids))
        self._invalidate()
        return n

    def delete_scope(self, scope: str) -> int:
        """Delete every fact of one scope (a persona's own memory)."""
        with self.db.read() as conn:
            ids = [r[0] for r in conn.execute("SELECT id FROM facts WHERE scope=?", (scope,))]
        return self.delete(ids)

    def forgotten(self, text: str) -> bool:
        """Whether the user deleted a fact with this text."""
        with self.db.read() as conn:
            row = conn.execute("SELECT value FROM memory_meta WHERE key='tombstone_key'").fetchone()
            if row is None:
                return False
            return conn.execute("SELECT 1 FROM memory_tombstones WHERE digest=?",
                                (_digest(row[0], text),)).fetchone() is not None

    def forget_all(self) -> int:
        """Erase every fact, its history and vector, the tombstones and the record of
        what extraction read; messages older than now are never read for facts again.
        The WAL is emptied, so the file holds no copy of what was erased."""
        with self.db.transaction() as conn:
            n = int(conn.execute("SELECT count(*) FROM facts").fetchone()[0])
            last = conn.execute("SELECT COALESCE(MAX(id), 0) FROM messages").fetchone()[0]
            conn.execute("DELETE FROM fact_history")
            conn.execute("DELETE FROM facts")
            conn.execute("DELETE FROM memory_tombstones")
            conn.execute("DELETE FROM memory_read")
            conn.execute("DELETE FROM memory_meta WHERE key='tombstone_key'")
            conn.execute("INSERT OR REPLACE INTO memory_meta(key, value) VALUES ('read_after', ?)", (str(last),))
            _scrub_details(conn, None)
        self._invalidate()
        self.db.checkpoint()
        return n

    # ---- what extraction has read -----------------------------------------------------

    def unread(self, message_id: int) -> bool:
        """Whether extraction may read this user message (not read before, not older
        than the last "forget everything")."""
        with self.db.read() as conn:
            row = conn.execute("SELECT value FROM memory_meta WHERE key='read_after'").fetchone()
            if row is not None and message_id <= int(row[0]):
                return False
            return conn.execute("SELECT 1 FROM memory_read WHERE message_id=?", (message_id,)).fetchone() is None

    def mark_read(self, message_id: int) -> None:
        with self.db.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO memory_read(message_id) VALUES (?)", (message_id,))


class _Index:
    """The fact vectors in memory: one contiguous matrix per scope (a product over it
    is about a millisecond at 10,000 facts), and the pinned ids."""

    def __init__(self, embedder: str, dim: int, rows: Sequence[Sequence[object]]) -> None:
        self.embedder = embedder
        grouped: dict[str, list[Sequence[object]]] = {}
        self.pinned: dict[str, list[int]] = {}
        for r in rows:
            grouped.setdefault(str(r[2]), []).append(r)
            if r[3]:
                self.pinned.setdefault(str(r[2]), []).append(int(r[0]))  # type: ignore[call-overload]
        self.scopes: dict[str, tuple[np.ndarray, np.ndarray]] = {
            scope: (np.array([r[0] for r in rs], dtype=np.int64),
                    np.stack([np.frombuffer(r[1], dtype=np.float32) for r in rs]))  # type: ignore[arg-type]
            for scope, rs in grouped.items()
        }


_COLUMNS = "id, text, topic, scope, origin, message_id, conversation_id, pinned, created_at, updated_at"


def _fact(row: Sequence[object], history: tuple[FactVersion, ...] = ()) -> Fact:
    return Fact(int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]),  # type: ignore[call-overload]
                row[5], row[6], bool(row[7]), float(row[8]), float(row[9]), history)  # type: ignore[arg-type]


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _clean(text: str) -> str:
    text = " ".join(text.split()).strip()
    if not text:
        raise MemoryError("A fact cannot be empty.", code="memory_empty")
    if len(text) > MAX_FACT_CHARS:
        raise MemoryError(f"A fact is at most {MAX_FACT_CHARS} characters long.", code="memory_too_long",
                          limit=MAX_FACT_CHARS)
    return text


def _tombstone_key(conn: object) -> str:
    row = conn.execute("SELECT value FROM memory_meta WHERE key='tombstone_key'").fetchone()  # type: ignore[attr-defined]
    if row is not None:
        return str(row[0])
    key = secrets.token_hex(16)
    conn.execute("INSERT INTO memory_meta(key, value) VALUES ('tombstone_key', ?)", (key,))  # type: ignore[attr-defined]
    return key


def _digest(key: str, text: str) -> str:
    """A keyed hash of a fact's normalised text: it tells a deleted fact again without
    keeping its words."""
    return hmac.new(key.encode(), normalise(text).encode("utf-8"), hashlib.sha256).hexdigest()


def _scrub_details(conn: object, fact_ids: set[int] | None) -> None:
    """Remove recalled facts (all, or these) from the answers' stored details."""
    rows = conn.execute("SELECT id, details FROM messages WHERE details LIKE '%\"memory\"%'").fetchall()  # type: ignore[attr-defined]
    for mid, raw in rows:
        try:
            details = json.loads(raw)
        except ValueError:
            continue
        used = details.get("memory") or []
        kept = [] if fact_ids is None else [m for m in used if m.get("id") not in fact_ids]
        if len(kept) == len(used):
            continue
        if kept:
            details["memory"] = kept
        else:
            details.pop("memory", None)
        conn.execute("UPDATE messages SET details=? WHERE id=?", (json.dumps(details, ensure_ascii=False), mid))  # type: ignore[attr-defined]
