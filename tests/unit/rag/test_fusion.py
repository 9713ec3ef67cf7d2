"""Fusion of dense and lexical scores, rare-token detection, per-section ranking."""

from __future__ import annotations

from app.core.rag import fusion
from app.core.rag.fusion import FusionParams, Scored, by_section, exact_tokens, fuse, rare_query


def test_exact_tokens_finds_codes_numbers_and_names() -> None:
    assert exact_tokens("What does error E1234 mean?") == ["E1234"]
    assert any("sources.list" in t for t in exact_tokens("where is /etc/apt/sources.list"))
    assert exact_tokens("Как произносится слово Debian?") == ["Debian"]
    assert exact_tokens("How do I install a package?") == []
    assert exact_tokens("Is Debian free?") == ["Debian"]  # capitalised mid-sentence
    assert exact_tokens("What is the price?") == []


def test_rare_query_ignores_names_present_everywhere() -> None:
    common = {"debian": 0.05}
    idf = lambda s: common.get(s, 6.0)  # noqa: E731
    assert not rare_query("Как произносится слово Debian?", lambda s: 0.05)
    assert rare_query("error E1234", idf)
    assert not rare_query("about Debian", lambda s: 0.05)
    assert rare_query("about Debian", None)  # no statistics: any exact token counts


def _sections(ids: list[str]) -> dict[str, str]:
    return {i: i for i in ids}


def test_lexical_match_lifts_a_close_candidate_not_over_a_clear_winner() -> None:
    dense = {"a": 0.90, "b": 0.85, "c": 0.80, "d": 0.79}
    lexical = {"c": 2.0}
    out = [s.chunk_id for s in fuse(dense, lexical, _sections(list(dense)), dense_ranked=list(dense))]
    assert out[0] == "a"  # 1.5 standard deviations ahead on cosine: stays first
    assert out.index("c") < out.index("b")  # the best BM25 hit beats a near tie
    no_lex = [s.chunk_id for s in fuse(dense, {}, _sections(list(dense)), dense_ranked=list(dense))]
    assert no_lex == ["a", "b", "c", "d"]  # without lexical evidence: the dense order


def test_rare_exact_term_lifts_the_lexical_match() -> None:
    # "code" is below the top three on cosine: BM25 alone (ordinary weight) does not
    # make it first; the rare-token weight does.
    dense = {"a": 0.86, "b": 0.85, "c": 0.84, "code": 0.78}
    dense.update({f"n{i}": 0.80 - i * 0.001 for i in range(40)})  # the usual long tail
    lexical = {"code": 12.0, "b": 1.0}
    plain = fuse(dense, lexical, _sections(list(dense)), dense_ranked=list(dense), rare=False)
    rare = fuse(dense, lexical, _sections(list(dense)), dense_ranked=list(dense), rare=True)
    assert [s.chunk_id for s in rare].index("code") < [s.chunk_id for s in plain].index("code")
    assert rare[0].chunk_id == "code"


def test_lexical_only_candidates_are_judged_with_their_cosine() -> None:
    dense = {"a": 0.9, "b": 0.8, "x": 0.3}  # x came from BM25; caller computed its cosine
    out = fuse(dense, {"x": 5.0}, _sections(["a", "b", "x"]), dense_ranked=["a", "b"])
    assert out[-1].chunk_id == "x"  # a weak cosine is not rescued by lexical weight alone


def test_dropped_chunks_and_sections() -> None:
    out = fuse({"a": 0.9, "gone": 0.95}, {}, {"a": "s1"})
    assert [s.chunk_id for s in out] == ["a"]
    scored = [Scored("a1", "s1", 2.0, 0.9, 0), Scored("b1", "s2", 1.5, 0.8, 0), Scored("a2", "s1", 1.0, 0.7, 0)]
    ranked = by_section(scored, FusionParams(section_bonus=0.1))
    assert [s.chunk_id for s, _ in ranked] == ["a1", "b1"]
    assert ranked[0][1] == 2.0 + 0.1 * 1.0


def test_default_params_are_the_measured_ones() -> None:
    p = fusion.DEFAULT
    # Measured plateau on the gold (see FusionParams): lexical 1.4-1.8, rare 2.5-4.
    assert 1.4 <= p.lexical_weight <= 1.8 and 2.5 <= p.rare_weight <= 4 and p.candidates >= 20
