"""The "Source" panel: the passage behind a clicked citation [n]."""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtCore import QEvent, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTextBrowser, QVBoxLayout, QWidget

from app.core.types import Citation

_WORD = re.compile(r"\w{3,}", re.UNICODE)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?", re.UNICODE)


def cited_span(passage: str, answer: str, n: int) -> tuple[int, int] | None:
    """The passage sentence that best matches the answer's sentences citing [n]."""
    marker = f"[{n}]"
    claims = [s for s in re.split(r"(?<=[.!?])\s+|\n", answer) if marker in s]
    words = {w.lower() for s in claims for w in _WORD.findall(s.replace(marker, ""))}
    if not words:
        return None
    best: tuple[int, int] | None = None
    best_score = 0
    for m in _SENTENCE.finditer(passage):
        score = len(words & {w.lower() for w in _WORD.findall(m.group(0))})
        if score > best_score:
            best, best_score = (m.start(), m.end()), score
    return best if best_score >= 2 or (best_score >= 1 and len(words) <= 3) else None


class SourcePanel(QWidget):
    """File name, page, heading and the passage, with the cited part highlighted."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.citation: Citation | None = None
        self.file_label = QLabel(self)
        self.file_label.setObjectName("sourceFile")
        self.file_label.setWordWrap(True)
        self.where_label = QLabel(self)
        self.where_label.setWordWrap(True)
        self.text = QTextBrowser(self)
        self.text.setOpenLinks(False)
        self.open_button = QPushButton(self)
        self.open_button.clicked.connect(self.open_file)
        self.open_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.file_label)
        layout.addWidget(self.where_label)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self._retranslate()

    def _retranslate(self) -> None:
        self.open_button.setText(self.tr("Open file"))
        if self.citation is None:
            self.file_label.setText(self.tr("Click a source number like [1] in an answer to see the passage here."))
        else:
            self._fill_where()

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    def show_citation(self, citation: Citation, answer: str = "") -> None:
        """Show a citation's passage; the part the answer relied on is highlighted."""
        self.citation = citation
        passage = citation.text
        span = cited_span(passage, answer, citation.n) if answer else None
        if span:
            a, b = span
            body = (html.escape(passage[:a]) + "<span style='background:#fff2a8; color:#000'>"
                    + html.escape(passage[a:b]) + "</span>" + html.escape(passage[b:]))
        else:
            body = html.escape(passage)
        self.text.setHtml(f"<div style='white-space: pre-wrap'>{body}</div>")
        self.highlighted = passage[span[0]:span[1]] if span else ""
        self.open_button.setEnabled(bool(citation.path) and Path(citation.path).exists())
        self._fill_where()

    def _fill_where(self) -> None:
        c = self.citation
        if c is None:
            return
        self.file_label.setText(f"<b>[{c.n}] {html.escape(Path(c.path).name or c.path)}</b>")
        self.file_label.setToolTip(c.path)
        parts = []
        if c.page:
            parts.append(self.tr("page %1").replace("%1", str(c.page)))
        if c.start_seconds is not None:
            m, s = divmod(int(c.start_seconds), 60)
            parts.append(self.tr("at %1").replace("%1", f"{m}:{s:02d}"))
        if c.heading:
            parts.append(html.escape(c.heading))
        self.where_label.setText(" · ".join(parts))

    def open_file(self) -> None:
        """Open the cited file with the system's viewer."""
        if self.citation and self.citation.path:
            QDesktopServices.openUrl(QUrl.fromLocalFile(self.citation.path))


__all__ = ["SourcePanel", "cited_span"]
