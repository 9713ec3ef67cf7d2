"""Appearance: the interface language, light/dark/system theme and font size.

Theme and font size show at once while the page is open (a live preview); OK keeps
them, Cancel takes them back. The language switches on OK (the dialog installs it).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from app.ui import i18n

if TYPE_CHECKING:
    from app.core.assistant import Assistant


class AppearancePage(QWidget):
    """Edits ``settings.language`` and ``settings.appearance``."""

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("appearancePage")
        self.assistant = assistant
        a = assistant.settings.appearance
        self._saved = (a.theme, a.font_size)
        self.language = QComboBox(self)
        self.language.setObjectName("languageCombo")
        self.theme = QComboBox(self)
        self.theme.setObjectName("themeCombo")
        for key in ("system", "light", "dark"):
            self.theme.addItem("", key)
        self.theme.setCurrentIndex(max(0, self.theme.findData(a.theme)))
        self.font_size = QSpinBox(self)
        self.font_size.setObjectName("fontSize")
        self.font_size.setRange(0, 32)
        self.font_size.setValue(a.font_size)
        self.labels = [QLabel(self) for _ in range(3)]
        form = QFormLayout(self)
        form.addRow(self.labels[0], self.language)
        form.addRow(self.labels[1], self.theme)
        form.addRow(self.labels[2], self.font_size)
        self.theme.currentIndexChanged.connect(lambda _: self.preview())
        self.font_size.valueChanged.connect(lambda _: self.preview())
        self._retranslate()

    def _retranslate(self) -> None:
        self.labels[0].setText(self.tr("Language:"))
        self.labels[1].setText(self.tr("Theme:"))
        self.labels[2].setText(self.tr("Font size:"))
        for i, text in enumerate((self.tr("As the system"), self.tr("Light"), self.tr("Dark"))):
            self.theme.setItemText(i, text)
        self.font_size.setSpecialValueText(self.tr("System default"))
        self.font_size.setSuffix(self.tr(" pt"))
        current = self.language.currentData() or self.assistant.settings.language
        self.language.blockSignals(True)
        self.language.clear()
        self.language.addItem(self.tr("System default"), "auto")
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        self.language.blockSignals(False)

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    def values(self) -> tuple[str, int]:
        return str(self.theme.currentData() or "system"), int(self.font_size.value())

    def preview(self) -> None:
        """Show the chosen theme and font size now (not saved yet)."""
        _apply(*self.values())

    def revert(self) -> None:
        """Back to the saved theme and font size (the dialog was cancelled)."""
        if self.values() != self._saved:
            _apply(*self._saved)

    def apply(self) -> None:
        theme, size = self.values()
        self.assistant.settings.appearance = self.assistant.settings.appearance.model_copy(
            update={"theme": theme, "font_size": size})
        self._saved = (theme, size)
        _apply(theme, size)


def _apply(theme: str, size: int) -> None:
    from app.ui.theme import apply_appearance

    app = QApplication.instance()
    if isinstance(app, QApplication):
        apply_appearance(app, theme, size)
