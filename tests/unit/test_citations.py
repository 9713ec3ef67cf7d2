"""Citation markers, one per sentence, each on a passage that shares its words (app.core.citations)."""

from __future__ import annotations

from app.core.citations import attach_citations, normalise_markers
from app.core.types import Citation

SOURCES = [
    Citation(1, "/docs/faq.pdf", 12, "Определения / Как произносится слово Debian и что оно означает?",
             "Имя проекта произносится как Дебиан, с коротким е и ударением на первом слоге. "
             "Это слово образовано из имён Debra и Ian Murdock."),
    Citation(2, "/docs/faq.pdf", 10, "Что такое Debian GNU/Linux?",
             "Debian GNU/Linux — это операционная система, свободное программное обеспечение."),
]
BUILD = [
    Citation(1, "a.pdf", 3, "Building", "To build the package run dpkg-buildpackage -us -uc in the source tree. "
             "The dpkg-dev package provides it."),
    Citation(2, "b.pdf", 5, "Upload", "Upload the package with dput to the archive after signing it with debsign."),
]


def test_each_sentence_gets_the_source_it_shares_words_with() -> None:
    answer = ("Слово произносится как Дебиан, с ударением на первом слоге. "
              "Это операционная система со свободным программным обеспечением.")
    assert attach_citations(answer, SOURCES) == (
        "Слово произносится как Дебиан, с ударением на первом слоге [1]. "
        "Это операционная система со свободным программным обеспечением [2].")


def test_a_one_word_answer_is_marked_with_its_source() -> None:
    assert attach_citations("Дебиан", SOURCES) == "Дебиан [1]"


def test_unsupported_sentences_code_and_no_sources_stay_as_they_are() -> None:
    assert attach_citations("Погода сегодня хорошая.", SOURCES) == "Погода сегодня хорошая."
    assert attach_citations("Дебиан [1].", SOURCES) == "Дебиан [1]."
    assert attach_citations("```\nДебиан\n```", SOURCES) == "```\nДебиан\n```"
    assert attach_citations("Дебиан", []) == "Дебиан"


def test_a_marker_on_the_wrong_passage_is_moved_to_the_right_one() -> None:
    assert attach_citations("Дебиан [2].", SOURCES) == "Дебиан [1]."
    text = "Run dpkg-buildpackage -us -uc in the source tree [2]. Then upload with dput after signing with debsign [1, 2]."
    assert attach_citations(text, BUILD) == (
        "Run dpkg-buildpackage -us -uc in the source tree [1]. Then upload with dput after signing with debsign [2].")


def test_a_bare_marker_line_joins_the_sentence_before_it() -> None:
    out = attach_citations("Run dpkg-buildpackage in the source tree.\n\n[1]", BUILD)
    assert out == "Run dpkg-buildpackage in the source tree [1]."
    assert "\n[" not in attach_citations("Sign with debsign, then upload with dput.\nSources: [2]", BUILD)


def test_marker_spellings_are_normalised_and_unknown_numbers_dropped() -> None:
    assert normalise_markers("a [Source 1], b [1, 2], c 【2】, d [Источник 2], e [7]", {1, 2}) == \
        "a [1], b [1][2], c [2], d [2], e"
    out = attach_citations("Соберите пакет командой dpkg-buildpackage [Source 1]. Затем dput [7].", BUILD)
    assert out == "Соберите пакет командой dpkg-buildpackage [1]. Затем dput [2]."


def test_code_blocks_are_left_alone_and_prose_around_them_is_cited() -> None:
    text = "Here is how:\n```\ndpkg-buildpackage -us -uc [9]\n```\nThe package is provided by dpkg-dev."
    assert attach_citations(text, BUILD) == (
        "Here is how:\n```\ndpkg-buildpackage -us -uc [9]\n```\nThe package is provided by dpkg-dev [1].")


def test_file_names_and_versions_do_not_split_sentences() -> None:
    text = "Edit debian/control and debian/rules, then run dpkg-buildpackage in the source tree."
    assert attach_citations(text, BUILD) == text[:-1] + " [1]."


def test_markers_leading_a_sentence_move_to_its_end() -> None:
    assert attach_citations("[1] Run dpkg-buildpackage in the source tree.", BUILD) == \
        "Run dpkg-buildpackage in the source tree [1]."


def test_a_claim_no_passage_supports_loses_its_marker() -> None:
    # From the dev part: the model named /etc/modules from memory and cited a passage
    # about kernel-module packages that shares two of the sentence's eight stems.
    cites = [
        Citation(1, "/d/maint-guide.ru.pdf", 14, "", "пакеты с модулями ядра; пакеты с заплатами к ядру"),
        Citation(2, "/d/debian-faq.ru.pdf", 49, "", "start-stop-daemon используется для запуска служб при загрузке системы"),
    ]
    answer = "В файле `/etc/modules` можно записать имя модуля ядра, чтобы он загружался при старте системы [1]."
    assert attach_citations(answer, cites) == answer.replace(" [1]", "")


def test_markers_removed_inside_a_sentence_leave_no_double_spaces() -> None:
    cites = [Citation(1, "/d/a.html", None, "", "Option Aptitude::Clean-After-Install: if true, aptitude cleans "
                      "the package cache after a successful install."),
             Citation(2, "/d/b.html", None, "", "Menus and the package cache directory.")]
    answer = "Passages [1] and [2] say that with Aptitude::Clean-After-Install true aptitude cleans the cache after install."
    out = attach_citations(answer, cites)
    assert "  " not in out and out.endswith("after install [1].")
