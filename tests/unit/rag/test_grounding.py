"""Whether found passages can answer the question at all (app.core.rag.grounding)."""

from __future__ import annotations

from app.core.rag.grounding import check
from app.core.rag.lexical import stems

INDEX = [
    "To build the package run dpkg-buildpackage in the source tree.",
    "The archive is signed; apt checks the Release file signature with the keys in trusted.gpg.",
    "Use aptitude to install and remove packages from the archive.",
]


def df(s: str) -> int:
    return sum(s in set(stems(t)) for t in INDEX)


def test_a_name_the_documents_never_mention_makes_the_question_unanswerable() -> None:
    g = check("How do I set up a WireGuard tunnel between two servers?", INDEX[1:], df, len(INDEX))
    assert g.missing == ("WireGuard",) and not g.answerable


def test_passages_that_cover_the_question_answer_it() -> None:
    g = check("Which command builds the package from the source tree?", INDEX[:1], df, len(INDEX))
    assert g.missing == () and g.answerable and g.coverage > 0.5


def test_passages_sharing_nothing_with_the_question_do_not() -> None:
    g = check("Where are the archive keys checked?", ["Use aptitude to install packages."], df, len(INDEX))
    assert not g.answerable and g.known_coverage < 0.12


def test_unknown_everyday_words_do_not_count_against_real_passages() -> None:
    # "bunch" and "toggled" occur nowhere in the index: a paraphrase, not a missing topic.
    g = check("I toggled a bunch of things, how do I build the package now?", INDEX[:1], df, len(INDEX))
    assert g.answerable
