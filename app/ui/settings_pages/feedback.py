"""Settings → Feedback and training: tabs over what Sova learns from the user's ratings.

The first tab, Quality, is the ratings dashboard (``feedback_quality.QualityTab``); the
second, Training, lives in its own module (``app.ui.training_tab``) and joins with
``FeedbackPage.add_tab`` like any other feature's tab would. A tab with settings to
save may have ``apply()`` and ``revert()``, which the page forwards from the dialog's
OK and Cancel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from app.ui.settings_pages.feedback_quality import QualityTab

if TYPE_CHECKING:
    from app.core.assistant import Assistant

Title = str | Callable[[], str]


class FeedbackPage(QWidget):
    """A tab widget: Quality first, then the tabs added with ``add_tab``."""

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("feedbackPage")
        self.assistant = assistant
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("feedbackTabs")
        self.tabs.setDocumentMode(True)
        self._titles: dict[QWidget, Title] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.quality = QualityTab(assistant, self.tabs)
        self.add_tab(self.quality, lambda: self.tr("Quality"))
        from app.ui.training_tab import TrainingTab  # QtCharts and the training module load with the page

        self.training = TrainingTab(assistant, self.tabs)
        self.add_tab(self.training, lambda: self.tr("Training"))

    def add_tab(self, widget: QWidget, title: Title) -> int:
        """Add a tab after the others; returns its index. A callable ``title`` is called
        again when the interface language changes (pass ``lambda: widget.tr("…")``)."""
        self._titles[widget] = title
        index = self.tabs.addTab(widget, title() if callable(title) else title)
        widget.destroyed.connect(lambda *_: self._titles.pop(widget, None))
        return index

    def tab(self, index: int) -> QWidget:
        return self.tabs.widget(index)

    def show_tab(self, widget: QWidget) -> None:
        self.tabs.setCurrentWidget(widget)

    def _retranslate(self) -> None:
        for i in range(self.tabs.count()):
            title = self._titles.get(self.tabs.widget(i))
            if callable(title):
                self.tabs.setTabText(i, title())

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    # ---- the dialog's OK and Cancel, for tabs that have settings --------------------------

    def apply(self) -> None:
        for i in range(self.tabs.count()):
            apply = getattr(self.tabs.widget(i), "apply", None)
            if callable(apply):
                apply()

    def revert(self) -> None:
        for i in range(self.tabs.count()):
            revert = getattr(self.tabs.widget(i), "revert", None)
            if callable(revert):
                revert()
