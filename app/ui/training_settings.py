"""The Training tab's settings: what Sova learns from, and when it offers training.

Edits ``settings.learning`` (``LearningSettings``); like the dialog's other pages the
values are written on OK (``apply``) and shown again on Cancel (``revert``). Only the
fields shown here are replaced, so an adapter chosen meanwhile (which is saved at once)
is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from app.core.assistant import Assistant
    from app.core.config import LearningSettings


class LearningSettingsBox(QWidget):
    """Minimum stars, rated examples in the prompt, the trigger's thresholds, auto-training."""

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("learningSettings")
        self.assistant = assistant
        self.min_stars = QSpinBox(self)
        self.min_stars.setObjectName("minStars")
        self.min_stars.setRange(1, 5)
        self.min_stars.setSuffix(" ★")
        self.examples = QCheckBox(self)
        self.examples.setObjectName("ratedExamples")
        self.window_size = QSpinBox(self)  # not "window": QWidget.window() is a method
        self.window_size.setObjectName("triggerWindow")
        self.window_size.setRange(5, 10000)
        self.window_size.setSingleStep(10)
        self.min_average = QDoubleSpinBox(self)
        self.min_average.setObjectName("minAverage")
        self.min_average.setRange(1.0, 5.0)
        self.min_average.setSingleStep(0.1)
        self.min_average.setDecimals(1)
        self.min_average.setSuffix(" ★")
        self.min_satisfaction = QSpinBox(self)
        self.min_satisfaction.setObjectName("minSatisfaction")
        self.min_satisfaction.setRange(0, 100)
        self.min_satisfaction.setSuffix(" %")
        self.max_negatives = QSpinBox(self)
        self.max_negatives.setObjectName("maxNegatives")
        self.max_negatives.setRange(0, 100)
        self.max_negatives.setSuffix(" %")
        self.min_new = QSpinBox(self)
        self.min_new.setObjectName("minNew")
        self.min_new.setRange(1, 10000)
        self.check_days = QSpinBox(self)
        self.check_days.setObjectName("checkDays")
        self.check_days.setRange(1, 365)
        self.auto_train = QCheckBox(self)
        self.auto_train.setObjectName("autoTrain")

        self.labels = {key: QLabel(self) for key in ("min_stars", "window", "min_average", "min_satisfaction",
                                                     "max_negatives", "min_new", "check_days", "trigger")}
        self.labels["trigger"].setWordWrap(True)
        self.min_stars.setMaximumWidth(90)
        learn = QFormLayout()
        learn.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        learn.addRow(self.labels["min_stars"], self.min_stars)
        learn.addRow(self.examples)
        # The trigger's bars side by side: the group stays short enough to see at once.
        bars = QGridLayout()
        bars.setHorizontalSpacing(12)
        fields = {"window": self.window_size, "min_average": self.min_average,
                  "min_satisfaction": self.min_satisfaction, "max_negatives": self.max_negatives,
                  "min_new": self.min_new, "check_days": self.check_days}
        for i, (key, field) in enumerate(fields.items()):
            row, col = divmod(i, 2)
            field.setMinimumWidth(90)  # numbers, not text: the form stays compact on a wide dialog
            field.setMaximumWidth(110)
            bars.addWidget(self.labels[key], row, 3 * col)
            bars.addWidget(field, row, 3 * col + 1)
        bars.setColumnMinimumWidth(2, 24)
        bars.setColumnStretch(5, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(learn)
        layout.addSpacing(6)
        layout.addWidget(self.labels["trigger"])
        layout.addLayout(bars)
        layout.addWidget(self.auto_train)
        self._retranslate()
        self.revert()

    def _retranslate(self) -> None:
        l = self.labels
        l["min_stars"].setText(self.tr("Learn from answers rated at least:"))
        self.min_stars.setToolTip(self.tr("A thumb up counts as 5 stars; answers you corrected always count"))
        self.examples.setText(self.tr("Give the model highly rated answers to similar questions"))
        self.examples.setToolTip(self.tr("When you ask something close to a question you rated highly, the "
                                         "model sees that answer as an example (no training needed)"))
        l["trigger"].setText(self.tr("Offer training when, over the last rated answers, quality falls below "
                                     "any of these bars:"))
        l["window"].setText(self.tr("Rated answers to look at:"))
        l["min_average"].setText(self.tr("Average below:"))
        l["min_satisfaction"].setText(self.tr("Satisfied below:"))
        l["max_negatives"].setText(self.tr("Negative above:"))
        l["min_new"].setText(self.tr("New ratings since the last training, at least:"))
        l["check_days"].setText(self.tr("Check every (days):"))
        self.auto_train.setText(self.tr("Start training by itself when quality drops"))
        self.auto_train.setToolTip(self.tr("Off: Sova asks first. An adapter that does not pass the check "
                                           "is never put to use by itself"))

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    def values(self) -> "LearningSettings":
        """The settings as the widgets show them (the adapters chosen stay as they are)."""
        return self.assistant.settings.learning.model_copy(update=self._fields())

    def _fields(self) -> dict[str, Any]:
        return {
            "min_stars": self.min_stars.value(),
            "examples": self.examples.isChecked(),
            "window": self.window_size.value(),
            "min_average": round(self.min_average.value(), 1),
            "min_satisfaction": self.min_satisfaction.value() / 100,
            "max_negatives": self.max_negatives.value() / 100,
            "min_new": self.min_new.value(),
            "check_days": self.check_days.value(),
            "auto_train": self.auto_train.isChecked(),
        }

    def changed(self) -> bool:
        current = self.assistant.settings.learning
        return any(getattr(current, k) != v for k, v in self._fields().items())

    def apply(self) -> None:
        """Put the values into the settings (the dialog saves them after every page applied)."""
        if self.changed():
            self.assistant.settings.learning = self.values()

    def revert(self) -> None:
        """Show the saved values again."""
        s = self.assistant.settings.learning
        self.min_stars.setValue(s.min_stars)
        self.examples.setChecked(s.examples)
        self.window_size.setValue(s.window)
        self.min_average.setValue(s.min_average)
        self.min_satisfaction.setValue(round(100 * s.min_satisfaction))
        self.max_negatives.setValue(round(100 * s.max_negatives))
        self.min_new.setValue(s.min_new)
        self.check_days.setValue(s.check_days)
        self.auto_train.setChecked(s.auto_train)
