"""The answer evaluation set and how an answer is scored against it.

The set (tests/data/eval/answers.jsonl and general.jsonl, provenance in SOURCES.md):
questions over real documents (kind "doc", with expected facts and the gold place),
questions whose answer is in none of them ("unanswerable"), and general questions
without documents ("general"). Each item is in the "dev" part (tune on it) or the
"heldout" part (report on it). Used by bench_answers.py and, later, by the evaluation
of personas, memory and fine-tuned adapters.
"""

from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from app.core import language  # noqa: E402

EVAL = ROOT / "tests" / "data" / "eval"
DOCS = ROOT / "tests" / ".data" / "docs"
# The documents the "doc" questions are about, relative to DOCS (fetched by fetch_docs.sh).
CORPUS = (
    "debian-faq/en/debian-faq.en.pdf",
    "debian-faq/ru/debian-faq.ru.pdf",
    "maint-guide/en/maint-guide.en.pdf",
    "maint-guide/ru/maint-guide.ru.pdf",
    "aptitude/en",
    "aptitude/ru",
)


@dataclass(frozen=True)
class Place:
    """Where an answer is: a file (path relative to DOCS) and, for PDFs, a page."""

    file: str
    page: int | None = None

    def holds(self, path: str, page: int | None) -> bool:
        p = Path(path).as_posix()
        return p.endswith("/" + self.file) and (self.page is None or self.page == page)


@dataclass(frozen=True)
class Item:
    id: str
    set: str
    lang: str  # the question's language
    kind: str  # "doc" | "unanswerable" | "general"
    split: str  # "dev" | "heldout"
    question: str
    facts: tuple[tuple[str, ...], ...]
    gold: tuple[Place, ...] = ()
    reference: str = ""


def load(path: Path) -> list[Item]:
    items = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        d = json.loads(line)
        items.append(Item(
            id=d["id"], set=d["set"], lang=d["lang"], kind=d["kind"], split=d["split"],
            question=d["question"], facts=tuple(tuple(g) for g in d["facts"]),
            gold=tuple(Place(g["file"], g.get("page")) for g in d.get("gold", [])),
            reference=d.get("reference", ""),
        ))
    return items


def items(split: str | None = None, kinds: Iterable[str] = ("doc", "unanswerable", "general")) -> list[Item]:
    """The set's items of these kinds (and split, unless None)."""
    out = load(EVAL / "answers.jsonl") + load(EVAL / "general.jsonl")
    kinds = set(kinds)
    return [i for i in out if i.kind in kinds and (split is None or i.split == split)]


# ---- scoring ---------------------------------------------------------------------------

_MARK = re.compile(r"\[(\d+)\]")


def norm(text: str) -> str:
    """Lower case, ё as е, one kind of dash and quote, single spaces, no [n] markers."""
    s = _MARK.sub(" ", text).lower().replace("ё", "е").replace("\u00ad", "")
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = re.sub(r"[«»“”„\"]", '"', s).replace("’", "'")
    return re.sub(r"\s+", " ", s)


def has_fact(text: str, facts: Sequence[Sequence[str]]) -> bool:
    """Every fact group has a variant in the text."""
    t = norm(text)
    return bool(facts) and all(any(norm(v) in t for v in group) for group in facts)


def has_any_fact(text: str, facts: Sequence[Sequence[str]]) -> bool:
    """Some fact group has a variant in the text (a passage supporting part of the answer)."""
    t = norm(text)
    return any(any(norm(v) in t for v in group) for group in facts)


# How answers say "the documents do not have this" (Sova's fixed reply and the model's).
_REFUSAL = re.compile(
    r"not (?:find|found|contain|mention|cover|include|provide|say|have|given|present|in (?:the|your) (?:documents|sources))"
    r"|(?:documents|sources|passages) (?:do|does) not|no (?:information|mention)|(?:isn't|is not|aren't) (?:mentioned|covered|in the)"
    r"|never mention|нет ни слова"
    r"|не наш|не наход|не содерж|нет (?:информации|сведений|ответа|данных)|не упомина|не указан|не описан|не приводит"
    r"|в (?:\w+ )?(?:документах|источниках)(?: \w+)? (?:нет|не )",
    re.IGNORECASE,
)


def refused(text: str) -> bool:
    """The answer says the documents do not contain the answer."""
    return bool(_REFUSAL.search(text))


@dataclass
class AnswerScore:
    """One answer, scored."""

    item: Item
    text: str
    fact: bool
    language_ok: bool
    refused: bool
    cited: int  # markers on the sentences stating an expected fact
    cited_precise: int  # ... whose passage holds that fact
    dangling: int  # [n] markers that point at nothing
    ttft_s: float | None
    total_s: float
    passages: list[tuple[str, int | None]] = field(default_factory=list)
    citations: list[dict[str, object]] = field(default_factory=list)  # n, path, page, text (saved runs)


def score_answer(item: Item, text: str, citations: Sequence[object], ttft_s: float | None,
                 total_s: float) -> AnswerScore:
    """Score an answer and its citations (objects with n, path, page, text)."""
    by_n = {c.n: c for c in citations}  # type: ignore[attr-defined]
    marks = {int(m) for m in _MARK.findall(text)}
    # The markers of the sentences that state an expected fact, and whether the passage
    # each points at holds that fact.
    cited = []
    for sentence in re.split(r"(?<=[.!?…])\s+|\n+", text):
        if item.facts and has_any_fact(sentence, item.facts):
            cited += [by_n[int(n)] for n in _MARK.findall(sentence) if int(n) in by_n]
    precise = sum(has_any_fact(c.text, item.facts) for c in cited) if item.facts else 0  # type: ignore[attr-defined]
    return AnswerScore(
        item=item, text=text,
        fact=has_fact(text, item.facts) if item.facts else False,
        language_ok=language.matches(text, item.lang),  # type: ignore[arg-type]
        refused=refused(text),
        cited=len(cited), cited_precise=precise, dangling=len(marks - set(by_n)),
        ttft_s=ttft_s, total_s=total_s,
        passages=[(c.path, c.page) for c in citations],  # type: ignore[attr-defined]
        citations=[{"n": c.n, "path": c.path, "page": c.page, "text": c.text} for c in citations],  # type: ignore[attr-defined]
    )


def rank_of_gold(item: Item, ranked: Sequence[tuple[str, int | None]]) -> int | None:
    """1-based rank of the first passage at a gold place, or None."""
    for i, (path, page) in enumerate(ranked, 1):
        if any(g.holds(path, page) for g in item.gold):
            return i
    return None


__all__ = ["CORPUS", "DOCS", "EVAL", "AnswerScore", "Item", "Place", "has_any_fact", "has_fact", "items",
           "load", "norm", "rank_of_gold", "refused", "score_answer"]
