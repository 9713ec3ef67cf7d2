"""Chunking follows structure: headings and pages start chunks, paragraphs stay whole,
long paragraphs split at sentences, overlap within a section, never empty chunks."""

from __future__ import annotations

import re
from typing import Iterator

import pytest

from app.core.rag.chunking import ChunkDraft, chunk_sections
from app.core.rag.loaders import Section


def sentence(i: int, words: int = 12) -> str:
    return " ".join(f"w{i}x{j}" for j in range(words)).capitalize() + "."


def paragraph(start: int, n: int) -> str:
    return " ".join(sentence(i) for i in range(start, start + n))


def check_invariants(sections: list[Section], chunks: list[ChunkDraft], chunk_chars: int) -> None:
    assert chunks, "no chunks"
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for c in chunks:
        assert c.text.strip() == c.text and c.text, "empty or unstripped chunk"
        assert len(c.text) <= chunk_chars
        # char_start points into the text of a section with the same page and heading
        assert any(
            s.page == c.page and s.heading_path == c.heading_path and s.text[c.char_start:].startswith(c.text)
            for s in sections
        ), c


def test_heading_change_starts_new_chunk_and_keeps_path() -> None:
    sections = [
        Section("Intro text. Short.", 1, ("Guide",)),
        Section("Install with apt. It is easy.", 1, ("Guide", "Install")),
        Section("Remove with apt purge.", 1, ("Guide", "Remove")),
    ]
    chunks = list(chunk_sections(sections, chunk_chars=800, overlap=120))
    assert [c.heading_path for c in chunks] == [("Guide",), ("Guide", "Install"), ("Guide", "Remove")]
    assert [c.text for c in chunks] == [s.text for s in sections]
    check_invariants(sections, chunks, 800)


def test_page_change_starts_new_chunk_and_keeps_page() -> None:
    sections = [Section("Page one text.", 1, ("A",)), Section("Page two text.", 2, ("A",))]
    chunks = list(chunk_sections(sections))
    assert [(c.page, c.text) for c in chunks] == [(1, "Page one text."), (2, "Page two text.")]


def test_paragraphs_kept_whole_when_they_fit() -> None:
    paras = [paragraph(10 * k, 3) for k in range(6)]  # ~270 chars each
    section = Section("\n\n".join(paras), 3, ("H",))
    chunks = list(chunk_sections([section], chunk_chars=600, overlap=0))
    check_invariants([section], chunks, 600)
    for p in paras:
        # every paragraph lies entirely inside one chunk
        assert any(p in c.text for c in chunks), p[:40]
    # several paragraphs share a chunk when they fit
    assert len(chunks) < len(paras)


def test_long_paragraph_split_at_sentence_boundaries() -> None:
    text = paragraph(0, 40)  # one paragraph, ~3600 chars
    section = Section(text, None, ())
    chunks = list(chunk_sections([section], chunk_chars=500, overlap=0))
    check_invariants([section], chunks, 500)
    assert len(chunks) >= 7
    for c in chunks:
        assert c.text.endswith("."), c.text[-30:]
        assert re.match(r"^W\d+x0 ", c.text), c.text[:30]
    # without overlap, the chunks tile the text
    assert " ".join(c.text for c in chunks) == text


def test_overlap_between_consecutive_chunks_of_a_section() -> None:
    text = paragraph(0, 40)
    section = Section(text, 7, ("S",))
    chunks = list(chunk_sections([section], chunk_chars=500, overlap=150))
    check_invariants([section], chunks, 500)
    for a, b in zip(chunks, chunks[1:]):
        a_end = a.char_start + len(a.text)
        assert b.char_start < a_end, "no overlap"
        assert a_end - b.char_start <= 150 + 1
        shared = text[b.char_start:a_end].strip()
        assert shared and shared in a.text and b.text.startswith(shared)
        assert re.match(r"^W\d+x0 ", b.text), "overlap should start at a sentence"


def test_no_overlap_across_sections() -> None:
    s1 = Section(paragraph(0, 10), 1, ("A",))
    s2 = Section(paragraph(100, 10), 1, ("B",))
    chunks = list(chunk_sections([s1, s2], chunk_chars=400, overlap=100))
    check_invariants([s1, s2], chunks, 400)
    first_b = next(c for c in chunks if c.heading_path == ("B",))
    assert first_b.char_start == 0 and first_b.text.startswith("W100x0")


def test_giant_word_and_whitespace_never_give_empty_or_oversized_chunks() -> None:
    url = "https://example.org/" + "a" * 2000
    sections = [
        Section("   \n\n  ", 1, ()),
        Section(f"See {url} for details.", 2, ()),
        Section("\n\n\n", 3, ()),
        Section("x", 4, ()),
    ]
    chunks = list(chunk_sections(sections, chunk_chars=300, overlap=50))
    check_invariants(sections, chunks, 300)
    assert "".join(c.text for c in chunks if c.page == 2).replace(" ", "").startswith("Seehttps")
    assert [c.text for c in chunks if c.page == 4] == ["x"]
    assert not [c for c in chunks if c.page in (1, 3)]


def test_russian_sentences_and_ellipsis() -> None:
    text = " ".join(["Это первое предложение про Debian… Второе предложение! Третье ли?"] * 20)
    section = Section(text, 1, ("Глава 1",))
    chunks = list(chunk_sections([section], chunk_chars=200, overlap=40))
    check_invariants([section], chunks, 200)
    for c in chunks:
        assert c.text[-1] in ".!?…"


def test_lazy_on_a_stream() -> None:
    pulled: list[int] = []

    def stream() -> Iterator[Section]:
        for page in range(1, 1000):
            pulled.append(page)
            yield Section(f"Text of page {page}.", page, ())

    it = chunk_sections(stream())
    first = next(it)
    assert first.page == 1 and len(pulled) <= 2


def test_invalid_sizes() -> None:
    with pytest.raises(ValueError):
        list(chunk_sections([Section("a", 1, ())], chunk_chars=10))
