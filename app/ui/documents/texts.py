"""Texts the documents panel shows that are not tied to a widget: collection names,
failure reasons in the window's language, and the time left."""

from __future__ import annotations

import re

from PySide6.QtCore import QCoreApplication, QObject


def collection_label(name: str) -> str:
    """A collection's name as shown: the built-in "default" one is translated."""
    return QCoreApplication.translate("DocumentsPanel", "Default") if name == "default" else name


# Fixed reasons the core gives, and how the panel says them (the core speaks English).
_REASONS: list[tuple[re.Pattern[str], str]] = []


def translate_reason(reason: str) -> str:
    """A failure reason in the window's language (the core's fixed phrases; the rest as is)."""
    tr = _ReasonTr.instance()
    for pattern, key in _reason_patterns():
        m = pattern.fullmatch(reason.strip())
        if m:
            text = tr.text(key)
            for i, g in enumerate(m.groups(), 1):
                text = text.replace(f"%{i}", g or "")
            return text
    return reason


def _reason_patterns() -> list[tuple[re.Pattern[str], str]]:
    if not _REASONS:
        for pat, key in (
            (r"this PDF is protected by a password", "password"),
            (r"the password is wrong for this PDF", "wrong_password"),
            (r"the file is empty \(0 bytes\)", "empty"),
            (r"the file or folder does not exist", "missing"),
            (r"the file does not exist \(moved or deleted\?\)", "missing"),
            (r"no text found in this file", "no_text"),
            (r"this is not a valid (\w+) file \((.*)\)", "not_valid"),
            (r"this PDF is damaged and cannot be opened \((.*)\)", "pdf_damaged"),
            (r"this PDF is damaged: (.*)", "pdf_damaged_detail"),
            (r"this (\w+) file is damaged \((.*)\)", "damaged"),
            (r"this is not a text file \((.*)\)", "not_text"),
            (r"files of type '(.*)' are not supported", "unsupported"),
            (r"permission denied: the file cannot be read", "permission"),
            (r"the file cannot be read \((.*)\)", "unreadable"),
            (r"this PDF has no pages", "no_pages"),
            (r"cannot read the file: (.*)", "unreadable"),
        ):
            _REASONS.append((re.compile(pat, re.IGNORECASE | re.DOTALL), key))
    return _REASONS


class _ReasonTr(QObject):
    """Holds the translatable reason texts (one tr() context for lupdate)."""

    _inst: "_ReasonTr | None" = None

    @classmethod
    def instance(cls) -> "_ReasonTr":
        if cls._inst is None:
            cls._inst = cls()
        return cls._inst

    def text(self, key: str) -> str:
        texts = {
            "password": self.tr("this PDF is protected by a password"),
            "wrong_password": self.tr("the password is wrong for this PDF"),
            "empty": self.tr("the file is empty (0 bytes)"),
            "missing": self.tr("the file does not exist (moved or deleted?)"),
            "no_text": self.tr("no text found in this file"),
            "not_valid": self.tr("this is not a valid %1 file (%2)"),
            "pdf_damaged": self.tr("this PDF is damaged and cannot be opened (%1)"),
            "pdf_damaged_detail": self.tr("this PDF is damaged: %1"),
            "damaged": self.tr("this %1 file is damaged (%2)"),
            "not_text": self.tr("this is not a text file (%1)"),
            "unsupported": self.tr("files of type '%1' are not supported"),
            "permission": self.tr("permission denied: the file cannot be read"),
            "unreadable": self.tr("the file cannot be read (%1)"),
            "no_pages": self.tr("this PDF has no pages"),
        }
        return texts[key]


def format_eta(seconds: float) -> str:
    """ "about 40 s left", "about 3 min left", "about 1 h 20 min left"."""
    s = max(1, round(seconds))
    if s < 60:
        text = QCoreApplication.translate("DocumentsPanel", "about %1 s left")
        return text.replace("%1", str(max(5, round(s / 5) * 5) if s > 10 else s))
    m = round(s / 60)
    if m < 60:
        return QCoreApplication.translate("DocumentsPanel", "about %1 min left").replace("%1", str(m))
    text = QCoreApplication.translate("DocumentsPanel", "about %1 h %2 min left")
    return text.replace("%1", str(m // 60)).replace("%2", str(m % 60))
