"""Text clean-up shared by the loaders: normalisation, line-end hyphens, and detection
and repair of mojibake (Cyrillic bytes read in the wrong encoding)."""

from __future__ import annotations

import re
import unicodedata

_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])[-\u00ad]\n(?=[^\W\d_A-ZА-ЯЁ])")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_DOT_LEADER = re.compile(r"(?:[ \t]*\.){5,}")


# Typographic ligatures (TeX and InDesign PDFs): "ﬁle" must match "file".
_LIGATURES = str.maketrans({"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi",
                            "\ufb04": "ffl", "\ufb05": "st", "\ufb06": "st"})


def clean_text(text: str) -> str:
    """NFC, ligatures spelled out, no control characters, single spaces, at most one
    blank line in a row."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_LIGATURES)
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) != "Cc")
    text = text.replace("\ufffd", "")
    text = _DOT_LEADER.sub(" … ", text)  # table-of-contents leaders carry no words
    text = _SPACES.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def dehyphenate(text: str) -> str:
    """Join words split by a line-end hyphen ('слу-\\nчаев' -> 'случаев')."""
    return _HYPHEN_BREAK.sub("", text)


# ---- mojibake detection and repair -----------------------------------------------------

# Latin-1 letters that show up when cp1251/koi8-r bytes are read as Latin-1 / WinAnsi.
_LATIN1_LETTERS = frozenset(chr(c) for c in range(0xC0, 0x100)) - {"\u00d7", "\u00f7"}
_RU_COMMON = frozenset("оеаинтсрвлкмдпуяыьгзбчйхжшюцщэфъё")


def text_quality(text: str) -> float:
    """Share (0..1) of letters that look like real Cyrillic/Latin words.

    Mojibake (cp1251 read as Latin-1, private-use glyphs, symbol soup) scores low;
    normal English or Russian text scores close to 1.
    """
    letters = 0
    bad = 0.0
    for word in re.findall(r"[^\W\d_]+|[\ue000-\uf8ff]+", text):
        n = len(word)
        letters += n
        lat1 = sum(1 for ch in word if ch in _LATIN1_LETTERS)
        if any("\ue000" <= ch <= "\uf8ff" for ch in word):
            bad += n
        elif lat1 * 2 >= n:  # words made mostly of accented Latin-1 letters
            bad += n
        elif _mixed_script(word):
            bad += n * 0.5
    symbols = sum(1 for ch in text if unicodedata.category(ch) in ("So", "Co"))
    total = letters + symbols
    if total == 0:
        return 1.0 if text.strip() else 0.0  # digits and punctuation only: nothing garbled
    return max(0.0, 1.0 - (bad + symbols) / total)


def _mixed_script(word: str) -> bool:
    has_cyr = any("\u0400" <= ch <= "\u04ff" for ch in word)
    has_lat = any(ch.isascii() for ch in word)
    return has_cyr and has_lat and len(word) > 3


def russian_score(text: str) -> float:
    """How Russian-looking Cyrillic text is: share of common lowercase letters."""
    cyr = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    if not cyr:
        return 0.0
    return sum(1 for ch in cyr if ch in _RU_COMMON) / len(cyr)


def repair_mojibake(text: str) -> str | None:
    """Re-decode text whose Cyrillic bytes were read as Latin-1; None if no fix helps."""
    best: tuple[float, str] | None = None
    for codec in ("cp1251", "koi8_r"):
        try:
            fixed = text.encode("latin-1", errors="strict").decode(codec, errors="strict")
        except (UnicodeEncodeError, UnicodeDecodeError):
            try:
                # Keep characters outside Latin-1 (quotes, dashes) as they are.
                fixed = "".join(
                    ch.encode("latin-1").decode(codec, errors="replace") if ord(ch) < 256 else ch
                    for ch in text)
            except UnicodeError:
                continue
        score = russian_score(fixed) * text_quality(fixed)
        if best is None or score > best[0]:
            best = (score, fixed)
    if best and best[0] > 0.6:
        return best[1]
    return None


