"""Documents panel (STUB by the lead; the documents feature replaces it).

Contract used by the main window:
    DocumentsPanel(assistant: Assistant, parent: QWidget | None = None) -> QWidget
        .add_paths(paths: list[Path]) -> None   # start indexing (drag-and-drop, "Add documents")
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget


class DocumentsPanel(QWidget):
    def __init__(self, assistant: object, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.assistant = assistant
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("No documents yet.")))

    def add_paths(self, paths: list[Path]) -> None:
        pass
