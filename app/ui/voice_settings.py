"""The Voice page of the settings dialog: microphone, mode, language, model, limits.

`VoiceSettingsPage(assistant, parent)` shows the current `assistant.settings.speech`;
`.apply()` writes the choices back and saves them (the next recording uses them; a
different model is loaded on the next transcription).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QSpinBox, QWidget

from app.core.assistant import SPEECH_MODELS
from app.ui.voice_capture import audio_inputs, device_id

if TYPE_CHECKING:
    from app.core.assistant import Assistant


class VoiceSettingsPage(QWidget):
    """Edits settings.speech; nothing changes until apply()."""

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voiceSettings")
        self.assistant = assistant
        s = assistant.settings.speech

        self.device = QComboBox(self)
        self.device.setObjectName("voiceDevice")
        self.mode = QComboBox(self)
        self.mode.setObjectName("voiceMode")
        self.language = QComboBox(self)
        self.language.setObjectName("voiceLanguage")
        self.model = QComboBox(self)
        self.model.setObjectName("voiceModel")
        self.max_seconds = QSpinBox(self)
        self.max_seconds.setObjectName("voiceMaxSeconds")
        self.max_seconds.setRange(5, 3600)
        self.max_seconds.setSuffix(" s")
        self.max_seconds.setValue(s.max_seconds)
        self.send_on_release = QCheckBox(self)
        self.send_on_release.setObjectName("voiceSendOnRelease")
        self.send_on_release.setChecked(s.send_on_release)
        self.vad = QCheckBox(self)
        self.vad.setObjectName("voiceVad")
        self.vad.setChecked(s.vad)
        self.no_device = QLabel(self)
        self.no_device.setWordWrap(True)

        self._labels = [QLabel(self) for _ in range(6)]
        form = QFormLayout(self)
        form.addRow(self._labels[0], self.device)
        form.addRow("", self.no_device)
        form.addRow(self._labels[1], self.mode)
        form.addRow(self._labels[2], self.language)
        form.addRow(self._labels[3], self.model)
        form.addRow(self._labels[4], self.max_seconds)
        form.addRow("", self.send_on_release)
        form.addRow("", self.vad)

        self._media = QMediaDevices(self)
        self._media.audioInputsChanged.connect(self._fill_devices)
        self._retranslate()

    def _retranslate(self) -> None:
        s = self.assistant.settings.speech
        for label, text in zip(
            self._labels,
            [self.tr("Microphone"), self.tr("Talk button"), self.tr("Language"), self.tr("Speech model"),
             self.tr("Longest recording")],
        ):
            label.setText(text)
        self.send_on_release.setText(self.tr("Send the question when I release the button"))
        self.vad.setText(self.tr("Skip silence (voice activity detection)"))
        self._fill(self.mode, [("push", self.tr("Hold to talk")), ("toggle", self.tr("Click to start, click to stop"))], s.mode)
        self._fill(
            self.language,
            [("auto", self.tr("Detect automatically")), ("ru", self.tr("Russian")), ("en", self.tr("English"))],
            s.language,
        )
        models = [(m.id, m.name) for m in SPEECH_MODELS]
        if s.model not in {m for m, _ in models}:
            models.append((s.model, s.model))  # a user's own model folder
        self._fill(self.model, models, s.model)
        self._fill_devices()

    def _fill_devices(self) -> None:
        current = self.device.currentData() if self.device.count() else self.assistant.settings.speech.input_device
        inputs = audio_inputs()
        items = [("", self.tr("System default"))] + [(device_id(d), d.description()) for d in inputs]
        self._fill(self.device, items, current or "")
        self.no_device.setText(
            "" if inputs else self.tr("No microphone found. You can still drop audio files to transcribe them.")
        )
        self.no_device.setVisible(not inputs)

    @staticmethod
    def _fill(combo: QComboBox, items: list[tuple[str, str]], current: str) -> None:
        combo.blockSignals(True)
        combo.clear()
        for data, text in items:
            combo.addItem(text, data)
        index = combo.findData(current)
        combo.setCurrentIndex(index if index >= 0 else 0)
        combo.blockSignals(False)

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    def apply(self) -> None:
        """Write the page into settings.speech and save the settings file."""
        s = self.assistant.settings.speech
        s.input_device = self.device.currentData() or ""
        s.mode = self.mode.currentData()
        s.language = self.language.currentData()
        s.model = self.model.currentData()
        s.max_seconds = self.max_seconds.value()
        s.send_on_release = self.send_on_release.isChecked()
        s.vad = self.vad.isChecked()
        self.assistant.save_settings()
