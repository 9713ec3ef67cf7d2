"""Voice input (STUB by the lead; the voice feature replaces it).

Contract used by the main window:
    VoiceButton(assistant: Assistant, editor: QPlainTextEdit, send: Callable[[], None],
                parent: QWidget | None = None) -> QWidget
        a push-to-talk / toggle button with a level meter that streams the transcript
        into `editor`, and calls `send()` on release when "send when I release" is on.
    transcribe_files(paths) on the main window's drop of audio files is routed to
        VoiceButton.transcribe_file(path: Path) -> None
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from PySide6.QtWidgets import QPlainTextEdit, QToolButton, QWidget


class VoiceButton(QToolButton):
    def __init__(self, assistant: object, editor: QPlainTextEdit, send: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setText("🎤")
        self.setEnabled(False)

    def transcribe_file(self, path: Path) -> None:
        pass
