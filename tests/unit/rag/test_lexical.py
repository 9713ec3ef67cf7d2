"""BM25 over stemmed tokens: Russian and English morphology, stop words, updates."""

from __future__ import annotations

import sqlite3

from app.core.rag.lexical import LexicalIndex, query_stems, stem, stems, tokens


def _index(docs: dict[str, str]) -> LexicalIndex:
    idx = LexicalIndex(sqlite3.connect(":memory:"))
    idx.add(docs.items())
    return idx


def test_russian_and_english_inflections_share_a_stem() -> None:
    assert stem("пакеты") == stem("пакетов") == stem("пакет")
    assert stem("установка") == stem("установки")
    assert stem("packages") == stem("package")
    assert stem("installing") == stem("installed")
    # ё and е are the same letter for search
    assert stem("ёлка") == stem("елка")


def test_stemmer_is_chosen_by_script_and_codes_stay_exact() -> None:
    assert stems("Debian пакеты 3.14 E1234") == [stem("debian"), stem("пакеты"), "3", "14", "e1234"]
    assert "apt_get" not in tokens("apt_get")  # identifiers split into parts and joined form
    assert {"apt", "get", "aptget"} <= set(tokens("apt_get"))


def test_query_drops_function_words() -> None:
    assert query_stems("Как установить пакеты?") == [stem("установить"), stem("пакеты")]
    assert query_stems("What is the package?") == [stem("package")]
    # a question made only of function words still searches for something
    assert query_stems("what is it") != []


def test_search_finds_inflected_forms_in_both_languages() -> None:
    idx = _index({
        "ru": "Пакеты Debian устанавливаются командой apt.",
        "en": "The packaging system installs packages.",
        "other": "Котики спят на солнце.",
    })
    assert [h.chunk_id for h in idx.search("установка пакетов")][:1] == ["ru"]
    assert [h.chunk_id for h in idx.search("package installation")][:1] == ["en"]
    assert idx.search("солнышко котик")[0].chunk_id == "other"
    assert idx.search("zzz nothing") == []


def test_bm25_prefers_rare_terms_and_delete_forgets() -> None:
    docs = {f"d{i}": "debian system documentation" for i in range(10)}
    docs["rare"] = "debian error code E1234 overheating"
    idx = _index(docs)
    hits = idx.search("debian E1234")
    assert hits[0].chunk_id == "rare"
    assert hits[0].score > hits[1].score
    idx.delete(["rare"])
    assert all(h.chunk_id != "rare" for h in idx.search("E1234 debian"))
    assert idx.count() == 10


def test_query_syntax_characters_are_harmless() -> None:
    idx = _index({"a": "quotes \" and stars * and (parens) AND OR NOT"})
    for q in ['"', "*", "(", "AND OR NOT", 'a"b', "NEAR(x y)", ""]:
        idx.search(q)  # no exception
    assert idx.search("stars")[0].chunk_id == "a"


def test_document_frequency_counts_chunks_with_the_stem() -> None:
    idx = _index({"a": "пакеты пакеты debian", "b": "пакет apt", "c": "kernel"})
    assert idx.document_frequency(stem("пакеты")) == 2
    assert idx.document_frequency(stem("kernel")) == 1
    assert idx.document_frequency("nosuchstem") == 0
    idx.delete(["b"])
    assert idx.document_frequency(stem("пакеты")) == 1


def test_large_index_matches_only_selective_stems() -> None:
    from app.core.rag import lexical

    df = {"common": 90_000, "mid": 15_000, "mid2": 15_000, "rare": 40, "gone": 0}.__getitem__
    # small index: every stem is kept (scoring them all is cheap)
    assert lexical.selective_stems(["common", "rare"], df, 10_000) == ["common", "rare"]
    # large index: the ubiquitous stem goes; postings budget 30% keeps rare + one mid
    assert lexical.selective_stems(["common", "mid", "rare", "mid2", "gone"], df, 100_000) == ["mid", "rare"]
    # only common stems: the rarest one still searches
    assert lexical.selective_stems(["common", "mid", "gone"], df, 100_000) == ["mid"]
    assert lexical.selective_stems(["gone"], df, 100_000) == ["gone"]


def test_search_with_pruning_still_finds_the_rare_term(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.core.rag import lexical

    monkeypatch.setattr(lexical, "PRUNE_FROM_CHUNKS", 10)
    docs = {f"d{i}": "debian package system" for i in range(30)}
    docs["x"] = "debian package with the frobnicator tool"
    idx = _index(docs)
    hits = idx.search("debian frobnicator", 5, df=idx.document_frequency, total=idx.count())
    assert [h.chunk_id for h in hits] == ["x"]
    # without statistics the common stem matches everything as before
    assert len(idx.search("debian frobnicator", 50)) == 31
