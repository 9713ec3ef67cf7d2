"""Microphone capture on QtMultimedia: the devices, the format, and one recording.

QMediaDevices lists the microphones; a QAudioSource records 16 kHz mono Int16 when the
device offers it, otherwise the device's own format, converted in numpy/PyAV as it
arrives into a LiveAudio buffer that a transcription job reads while the user speaks.
On stop a short tail is still read, so the last word is kept.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtMultimedia import QAudioDevice, QAudioFormat, QAudioSource, QMediaDevices

try:  # Qt 6.7 renamed the QAudio namespace to QtAudio; both exist, their enums differ
    from PySide6.QtMultimedia import QtAudio as QAudio
except ImportError:  # pragma: no cover - older PySide6
    from PySide6.QtMultimedia import QAudio

from app.core.assistant import SAMPLE_RATE, LiveAudio, StreamConverter, rms_dbfs, to_float32
from app.core.types import SovaError

# After release keep reading this long: audio still in the device/server buffers is the
# end of the last word.
TAIL_MS = 150
_READ_MS = 20  # poll the source too: some backends signal readyRead only per period
_SAMPLE_FORMATS = {
    QAudioFormat.SampleFormat.UInt8: "u8",
    QAudioFormat.SampleFormat.Int16: "s16",
    QAudioFormat.SampleFormat.Int32: "s32",
    QAudioFormat.SampleFormat.Float: "f32",
}


def audio_inputs() -> list[QAudioDevice]:
    """The microphones the system offers (a seam: tests replace ``voice_capture.audio_inputs``
    to simulate none, or an unplugged one)."""
    return list(QMediaDevices.audioInputs())


def device_id(device: QAudioDevice) -> str:
    return bytes(device.id()).decode("utf-8", "replace")  # not .data(): see _drain


def pick_device(wanted: str) -> QAudioDevice | None:
    """The microphone chosen in settings, else the system default, else the first one."""
    inputs = audio_inputs()
    if not inputs:
        return None
    for d in inputs:
        if wanted and device_id(d) == wanted:
            return d
    default = QMediaDevices.defaultAudioInput()
    if not default.isNull() and any(device_id(d) == device_id(default) for d in inputs):
        return default
    return inputs[0]


def capture_format(device: QAudioDevice) -> QAudioFormat:
    """16 kHz mono Int16 if the device takes it (no conversion), else its preferred format."""
    fmt = QAudioFormat()
    fmt.setSampleRate(SAMPLE_RATE)
    fmt.setChannelCount(1)
    fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
    if device.isFormatSupported(fmt):
        return fmt
    return device.preferredFormat()


class Recorder(QObject):
    """One microphone recording: raw bytes in, float32 16 kHz mono out.

    sig_finished(samples, reason) is emitted exactly once per start(): reason is "" for a
    normal stop, else a readable message (device lost, error, maximum length); the audio
    captured until then is always delivered.
    """

    sig_finished = Signal(object, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: QAudioSource | None = None
        self._io: Any = None
        self._device: QAudioDevice | None = None
        self._format = QAudioFormat()
        self.live = LiveAudio()  # the current recording, 16 kHz mono, as it arrives
        self._converter: StreamConverter | None = None
        self._bytes = 0
        self._level = -100.0
        self._started_at = 0.0
        self._stopping = False
        self._poll = QTimer(self)
        self._poll.setInterval(_READ_MS)
        self._poll.timeout.connect(self._read)
        self._limit = QTimer(self)
        self._limit.setSingleShot(True)
        self._limit.timeout.connect(self._on_limit)
        self._tail = QTimer(self)
        self._tail.setSingleShot(True)
        self._tail.timeout.connect(lambda: self._finish(""))
        self._max_seconds = 0
        self._media = QMediaDevices(self)
        self._media.audioInputsChanged.connect(self._on_inputs_changed)

    @property
    def recording(self) -> bool:
        return self._source is not None

    @property
    def level_dbfs(self) -> float:
        """Loudness of the latest buffer (for the meter)."""
        return self._level

    @property
    def seconds(self) -> float:
        """Audio captured so far."""
        bpf = self._format.bytesPerFrame() or 2
        return self._bytes / bpf / max(1, self._format.sampleRate())

    @property
    def device_name(self) -> str:
        return self._device.description() if self._device is not None else ""

    def start(self, device: QAudioDevice, max_seconds: int) -> None:
        """Open the device and start capturing. Raises SovaError if it cannot be opened."""
        if self._source is not None:
            return
        self._device = device
        self._format = capture_format(device)
        if _SAMPLE_FORMATS.get(self._format.sampleFormat()) is None:
            raise SovaError(self.tr("The microphone %1 offers no usable sample format.").replace("%1", device.description()))
        self.live = LiveAudio()
        self._converter = StreamConverter(
            _SAMPLE_FORMATS[self._format.sampleFormat()], self._format.channelCount(), self._format.sampleRate()
        )
        self._bytes, self._level = 0, -100.0
        self._stopping = False
        source = QAudioSource(device, self._format, self)
        # ~0.5 s of buffer: a busy UI thread must not make the device drop audio.
        source.setBufferSize(max(4096, self._format.bytesForDuration(500_000)))
        # State and errors are polled (see _read): PySide6 6.12 cannot deliver
        # stateChanged's QAudio::State to a Python slot (TypeError, then a crash).
        self._source = source
        self._io = source.start()
        if self._io is None or source.error() != QAudio.Error.NoError:
            reason = self._error_text(source.error())
            self._drop_source()
            raise SovaError(reason)
        self._io.readyRead.connect(self._read)
        self._poll.start()
        self._started_at = time.monotonic()
        self._max_seconds = max_seconds
        self._limit.start(max_seconds * 1000)

    def stop(self, tail_ms: int = TAIL_MS) -> None:
        """Stop after a short tail (the end of the last word is still in the buffers)."""
        if self._source is None or self._stopping:
            return
        self._stopping = True
        self._limit.stop()
        self._tail.start(max(0, tail_ms))

    def abort(self) -> None:
        """Stop at once and throw the audio away (window closing)."""
        self._tail.stop()
        self._limit.stop()
        self._drop_source()
        self.live.close()

    # ---- internals -------------------------------------------------------------

    def _read(self) -> None:
        if self._io is None:
            return
        if self._source is not None and self._source.error() != QAudio.Error.NoError:
            self._on_error()
            return
        data = self._drain()
        if not data:
            return
        fmt = _SAMPLE_FORMATS[self._format.sampleFormat()]
        tail = data[-self._format.bytesForDuration(50_000) or len(data):]
        self._level = rms_dbfs(to_float32(tail, fmt, self._format.channelCount()).reshape(-1))

    def _drain(self) -> bytes:
        # bytes(QByteArray), never QByteArray.data(): in PySide6 6.12 .data() of an empty
        # array returns None without a reference, and a poll loop then crashes Python.
        if self._io is None or self._io.bytesAvailable() <= 0:
            return b""
        data = bytes(self._io.readAll())
        if data and self._converter is not None:
            self._bytes += len(data)
            self.live.append(self._converter.feed(data))  # the transcriber reads it while we record
        return data

    def _finish(self, reason: str) -> None:
        if self._source is None:
            return
        self._drain()  # everything the device delivered up to now
        if self._converter is not None:
            self.live.append(self._converter.flush())
        self._drop_source()
        self.live.close()
        self.sig_finished.emit(self.live.read(), reason)

    def _drop_source(self) -> None:
        self._poll.stop()
        source, self._source = self._source, None
        self._io = None
        self._level = -100.0
        if source is not None:
            source.stop()
            source.deleteLater()

    def _on_limit(self) -> None:
        self._finish(
            self.tr("Stopped at the maximum length of %1 s; transcribing what was recorded.").replace(
                "%1", str(self._max_seconds)
            )
        )

    def _on_error(self) -> None:
        source = self._source
        if source is None:
            return
        reason = self._error_text(source.error()) + " " + self.tr("Transcribing what was recorded.")
        self._io = None  # the device is gone: do not read it again
        self._finish(reason)

    def _error_text(self, error: object) -> str:
        name = self.device_name or self.tr("the microphone")
        if error == QAudio.Error.OpenError:
            text = self.tr("Sova cannot open %1: access was denied or the device is busy.")
        elif error == QAudio.Error.IOError:
            text = self.tr("%1 stopped delivering audio (was it unplugged?).")
        elif error == QAudio.Error.FatalError:
            text = self.tr("%1 failed and cannot be used right now.")
        else:
            text = self.tr("%1 reported an error (%2).").replace("%2", str(getattr(error, "name", error)))
        return text.replace("%1", name)

    def _on_inputs_changed(self) -> None:
        if self._source is None or self._device is None:
            return
        wanted = device_id(self._device)
        if not any(device_id(d) == wanted for d in audio_inputs()):
            self._finish(self.tr("%1 was disconnected; transcribing what was recorded.").replace("%1", self.device_name))
