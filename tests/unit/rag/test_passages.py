"""From ranked chunks to a few merged, trimmed, distinct passages (app.core.rag.passages)."""

from __future__ import annotations

from types import SimpleNamespace

from app.core.rag.registry import ChunkRow
from app.core.rag.passages import PassagePolicy, join_overlapping, select, trim


def row(i: int, text: str, path: str = "/d/a.pdf", heading: str = "H") -> ChunkRow:
    return ChunkRow(f"{path}#{i}", path, "default", i, 1, heading, text)


def hit(score: float) -> SimpleNamespace:
    return SimpleNamespace(dense=0.85, lexical=3.0, score=score)


def test_overlapping_chunks_join_without_repeating_the_overlap() -> None:
    assert join_overlapping("one two three four five six", "three four five six seven") == "one two three four five six seven"
    assert join_overlapping("alpha beta", "gamma delta") == "alpha beta\ngamma delta"


def test_a_hit_is_merged_with_its_neighbours_in_the_same_section() -> None:
    chunks = [row(0, "How do I build the package?"), row(1, "Run dpkg-buildpackage in the tree."),
              row(2, "Then check it with lintian."), row(3, "Other section text.", heading="Other")]

    def around(r: ChunkRow, n: int) -> list[ChunkRow]:
        return [c for c in chunks if abs(c.ordinal - r.ordinal) <= n]

    out = select([(hit(3.0), 3.0, chunks[1])], "build the package", around, PassagePolicy(passage_chars=400))
    assert len(out) == 1 and out[0].merged == 2
    assert out[0].text.startswith("How do I build") and "lintian" in out[0].text and "Other" not in out[0].text


def test_weak_tails_repeats_and_the_passage_limit() -> None:
    a = row(0, "Debian is a free operating system developed by volunteers around the world.")
    dup = row(0, "Debian is a free operating system developed by volunteers around the world!", path="/d/a.html")
    b = row(5, "The archive has main, contrib and non-free areas.")
    weak = row(9, "Unrelated text about fonts.")
    ranked = [(hit(5.0), 5.0, a), (hit(4.9), 4.9, dup), (hit(4.5), 4.5, b), (hit(1.0), 1.0, weak)]
    out = select(ranked, "what is debian", lambda r, n: [r], PassagePolicy(max_passages=3, score_gap=2.5))
    assert [p.row.path for p in out] == ["/d/a.pdf", "/d/a.pdf"] and out[1].row.ordinal == 5
    assert len(select(ranked, "q", lambda r, n: [r], PassagePolicy(max_passages=1))) == 1


def test_a_long_passage_is_trimmed_to_the_sentences_about_the_question() -> None:
    text = " ".join(f"Filler sentence number {i} about nothing." for i in range(30)) + \
        " To build the package run dpkg-buildpackage. " + " ".join(f"More filler {i}." for i in range(30))
    out = trim(text, "How do I build the package?", 200)
    assert len(out) <= 200 and "dpkg-buildpackage" in out
