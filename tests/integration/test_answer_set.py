"""The answer evaluation set is what it claims: sizes, languages, parts, and every
expected fact of a document question stated at its gold place, as Sova reads the file."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import answer_eval as ev  # noqa: E402

from app.core.language import detect  # noqa: E402
from app.core.rag.loaders import load_document  # noqa: E402


def test_sizes_languages_and_parts() -> None:
    items = ev.items()
    assert len({i.id for i in items}) == len(items)
    kinds = Counter((i.kind, i.lang) for i in items)
    assert kinds[("doc", "en")] + kinds[("doc", "ru")] >= 120 and kinds[("doc", "en")] == kinds[("doc", "ru")]
    assert kinds[("unanswerable", "en")] + kinds[("unanswerable", "ru")] >= 30
    assert kinds[("general", "en")] + kinds[("general", "ru")] >= 60 and kinds[("general", "en")] == kinds[("general", "ru")]
    assert {i.set for i in items if i.kind == "doc"} == {"debian-faq", "maint-guide", "aptitude"}
    for kind in ("doc", "unanswerable", "general"):
        for lang in ("en", "ru"):
            parts = Counter(i.split for i in items if i.kind == kind and i.lang == lang)
            assert parts["dev"] > 0 and parts["heldout"] > 0 and abs(parts["dev"] - parts["heldout"]) <= 1
    for i in items:
        assert detect(i.question) == i.lang, i.id
        assert all(ev.norm(v) not in ev.norm(i.question) for g in i.facts for v in g), f"{i.id}: a fact is in the question"
        assert bool(i.facts) == (i.kind != "unanswerable") and bool(i.gold) == (i.kind == "doc"), i.id


@pytest.mark.usefixtures("fetched")
def test_every_fact_is_at_its_gold_place() -> None:
    docs: dict[str, dict[int | None, str]] = {}
    for item in ev.items(kinds=("doc",)):
        for place in item.gold:
            if place.file not in docs:
                doc = load_document(ev.DOCS / place.file)
                pages: dict[int | None, str] = {}
                for s in doc.sections:
                    pages[s.page] = pages.get(s.page, "") + " " + s.text
                docs[place.file] = pages
        text = " ".join(docs[g.file][g.page] if g.page is not None else " ".join(docs[g.file].values())
                        for g in item.gold)
        assert ev.has_fact(text, item.facts), f"{item.id}: {item.facts} not at {item.gold}"
