"""Password prompts for encrypted PDFs: one non-blocking dialog at a time, the rest queued."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget


class PasswordPrompts(QObject):
    """Asks for the password of a file and hands what the user typed to ``on_password``."""

    def __init__(self, parent: QWidget, on_password: Callable[[str, str], None]) -> None:
        super().__init__(parent)
        self._widget = parent  # the dialogs' parent
        self._deliver = on_password
        self._asked: set[str] = set()  # files whose password prompt is queued or open
        self._declined: set[str] = set()  # the user closed their prompt: don't ask again by itself
        self._mine: set[str] = set()  # files added in this session (their password prompts pop up)
        self._prompts: list[tuple[str, str]] = []  # (path, reason) waiting for the dialog
        self.dialog: QInputDialog | None = None

    def add_mine(self, paths: Iterable[str]) -> None:
        """Files and folders the user added in this session: their prompts pop up by themselves."""
        self._mine.update(paths)

    def allow(self, path: str) -> None:
        """A password for this file was given: a wrong one may ask again by itself."""
        self._declined.discard(path)

    def maybe_ask(self, path: str, reason: str) -> None:
        """Ask for a password by itself only for files the user added in this session."""
        mine = any(path == m or path.startswith(m.rstrip(os.sep) + os.sep) for m in self._mine)
        if path in self._asked or path in self._declined or not mine:
            return
        self.ask(path, reason)

    def ask(self, path: str, reason: str = "") -> None:
        """Queue a password prompt for an encrypted PDF (one dialog at a time, non-blocking)."""
        if path in self._asked:
            return
        self._asked.add(path)
        self._prompts.append((path, reason))
        if self.dialog is None:
            self._next_prompt()

    def _next_prompt(self) -> None:
        if not self._prompts:
            return
        path, reason = self._prompts.pop(0)
        dialog = QInputDialog(self._widget)
        dialog.setObjectName("passwordDialog")
        dialog.setWindowTitle(self.tr("Password needed"))
        name = Path(path).name
        if "wrong" in reason:
            label = self.tr("The password is wrong for “%1”. Try again:").replace("%1", name)
        else:
            label = self.tr("“%1” is protected by a password. Enter it to index the file:").replace("%1", name)
        dialog.setLabelText(label)
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.setInputMode(QInputDialog.InputMode.TextInput)
        dialog.setOkButtonText(self.tr("Index"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setProperty("documentPath", path)
        dialog.textValueSelected.connect(lambda text, path=path: self._on_password(path, text))
        dialog.rejected.connect(lambda path=path: self._on_password_declined(path))
        dialog.finished.connect(self._on_prompt_closed)
        self.dialog = dialog
        dialog.open()

    def _on_password(self, path: str, text: str) -> None:
        self._asked.discard(path)
        if text:
            self._deliver(path, text)
        else:
            self._declined.add(path)

    def _on_password_declined(self, path: str) -> None:
        self._asked.discard(path)
        self._declined.add(path)

    def _on_prompt_closed(self, _result: int) -> None:
        self.dialog = None
        QTimer.singleShot(0, self._next_prompt)
