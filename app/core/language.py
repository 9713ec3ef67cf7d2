"""Which language a text is written in, as far as Sova's answers need to know.

Sova answers in the language of the question. Its two languages use different
alphabets, so the script of the words decides: counting Cyrillic against Latin words
is exact for Russian vs English, needs no model and takes microseconds, where a
statistical detector (langdetect, lingua) adds tens of megabytes and still guesses on
three-word questions. Code, commands, paths, URLs and citation markers are left out
first: a Russian answer full of ``dpkg-buildpackage`` is still Russian.
"""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["ru", "en"]

_CODE_BLOCK = re.compile(r"```.*?(```|$)", re.DOTALL)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_URL = re.compile(r"\b(?:https?|ftp)://\S+|\bwww\.\S+")
# Tokens that are names of things rather than words of a language: paths, options,
# file names, package names with digits or dashes, markers like [2].
_TECH = re.compile(r"\[\d+\]|(?<!\w)[-/~.$]\S*|\S*[/_=<>{}()]\S*|\S+\.\w{1,5}\b|\S*\d\S*|\S*\w-\w\S*")
_WORD = re.compile(r"[^\W\d_]{1,}", re.UNICODE)
# English prose cannot do without these; a Russian sentence naming commands and
# packages (dpkg-buildpackage, debuild) has none of them.
_ENGLISH_GLUE = frozenset(
    "the a an is are was were be been to of in on for with and or but it its this that these you your "
    "can will would should which from by as at do does not if then there they we".split()
)
_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def prose(text: str) -> str:
    """The text without code blocks, inline code, URLs and technical tokens."""
    text = _CODE_BLOCK.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _URL.sub(" ", text)
    return _TECH.sub(" ", text)


def word_counts(text: str) -> tuple[int, int]:
    """(Cyrillic words, Latin words) in the prose of ``text`` (one-letter words left out)."""
    cyr = lat = 0
    for w in _WORD.findall(prose(text)):
        if len(w) < 2:
            continue
        if _CYRILLIC.search(w):
            cyr += 1
        elif w.isascii():
            lat += 1
    return cyr, lat


def _counts(text: str) -> tuple[int, int, int]:
    """(Cyrillic words, Latin words, English function words)."""
    words = _WORD.findall(prose(text))
    cyr = sum(1 for w in words if len(w) > 1 and _CYRILLIC.search(w))
    lat = sum(1 for w in words if len(w) > 1 and w.isascii())
    glue = sum(1 for w in words if w.lower() in _ENGLISH_GLUE)
    return cyr, lat, glue


def _russian(cyr: int, glue: int) -> bool:
    # Russian when its words outnumber English glue words three to one: Latin command
    # and package names do not count against it, English sentences do.
    return cyr > 0 and cyr >= 3 * glue


def detect(text: str) -> Language | None:
    """"ru" or "en" for a text written mostly in that language; None when it has no
    words (a bare command, a number)."""
    cyr, lat, glue = _counts(text)
    if cyr == lat == 0:
        return None
    return "ru" if _russian(cyr, glue) else "en"


def answer_language(question: str, preferred: str = "auto") -> Language:
    """The language an answer to ``question`` must be in: the preferred one when set,
    else the question's (English when the question has no words)."""
    if preferred in ("ru", "en"):
        return preferred  # type: ignore[return-value]
    return detect(question) or "en"


def matches(answer: str, language: Language) -> bool:
    """Whether an answer is in ``language``. An answer without prose (only a command
    or a number) matches any language; a Russian answer may name English commands and
    packages, but not carry English sentences."""
    cyr, lat, glue = _counts(answer)
    if cyr + lat == 0:
        return True
    if language == "ru":
        return _russian(cyr, glue)
    return lat >= 0.8 * (cyr + lat)


__all__ = ["Language", "answer_language", "detect", "matches", "prose", "word_counts"]
