"""The answer's language from the question, and whether an answer is in it (app.core.language)."""

from __future__ import annotations

from app.core.language import answer_language, detect, matches, word_counts


def test_the_question_decides_the_language() -> None:
    assert detect("Какой командой собрать пакет Debian из исходников?") == "ru"
    assert detect("How do I build a Debian package from source?") == "en"
    assert answer_language("Как установить dpkg-dev?") == "ru"
    assert answer_language("dpkg-buildpackage") == "en"  # no words: English
    assert answer_language("How?", preferred="ru") == "ru"
    assert detect("42") is None


def test_commands_paths_and_markers_are_not_words() -> None:
    text = "Выполните `dpkg-buildpackage -us -uc` в каталоге /usr/src/foo-1.0 [1]. См. https://debian.org/doc"
    cyr, lat = word_counts(text)
    assert cyr == 3 and lat == 0  # Выполните, каталоге, См


def test_a_russian_answer_may_quote_english_terms_but_not_be_english() -> None:
    assert matches("Пакет собирают командой dpkg-buildpackage из пакета dpkg-dev [1].", "ru")
    assert matches("Используйте debuild: он вызывает lintian и debsign после сборки.", "ru")
    assert not matches("You can build it with dpkg-buildpackage, which is part of dpkg-dev [1].", "ru")
    assert not matches("Use dpkg-buildpackage. Это команда сборки, which builds the binary and source packages.", "ru")
    assert matches("```\ndpkg-buildpackage -us -uc\n```", "ru")  # only code: any language
    assert matches("Run dpkg-buildpackage in the source tree.", "en")
    assert not matches("Выполните dpkg-buildpackage в каталоге с исходниками.", "en")
