"""Citation markers added to answers that cite nothing (app.core.citations)."""

from __future__ import annotations

from app.core.citations import add_missing_citations
from app.core.types import Citation

SOURCES = [
    Citation(1, "/docs/faq.pdf", 12, "Определения / Как произносится слово Debian и что оно означает?",
             "Имя проекта произносится как Дебиан, с коротким е и ударением на первом слоге. "
             "Это слово образовано из имён Debra и Ian Murdock."),
    Citation(2, "/docs/faq.pdf", 10, "Что такое Debian GNU/Linux?",
             "Debian GNU/Linux — это операционная система, свободное программное обеспечение."),
]


def test_each_sentence_gets_the_source_it_shares_words_with() -> None:
    answer = ("Слово произносится как Дебиан, с ударением на первом слоге. "
              "Это операционная система со свободным программным обеспечением.")
    assert add_missing_citations(answer, SOURCES) == (
        "Слово произносится как Дебиан, с ударением на первом слоге [1]. "
        "Это операционная система со свободным программным обеспечением [2].")


def test_a_one_word_answer_is_marked_with_its_source() -> None:
    assert add_missing_citations("Дебиан", SOURCES) == "Дебиан [1]"


def test_unsupported_sentences_and_cited_answers_stay_as_they_are() -> None:
    assert add_missing_citations("Погода сегодня хорошая.", SOURCES) == "Погода сегодня хорошая."
    assert add_missing_citations("Дебиан [2].", SOURCES) == "Дебиан [2]."
    assert add_missing_citations("```\nДебиан\n```", SOURCES) == "```\nДебиан\n```"
    assert add_missing_citations("Дебиан", []) == "Дебиан"
