"""Voice input: hold the button (or Ctrl+Space) and speak; the words stream into the box.

Contract used by the main window:
    VoiceButton(assistant, editor: QPlainTextEdit, send: Callable[[], None], parent=None)
        a push-to-talk / toggle button with a level meter and a status line; the
        transcript streams into `editor` at the cursor (typed text is kept), and
        `send()` is called after release when "send when I release" is on.
    VoiceButton.transcribe_file(path: Path) -> None
        dropped audio files: transcript into `editor`, with a progress bar and cancel.

Capture runs on QtMultimedia (QMediaDevices, QAudioSource): 16 kHz mono Int16 when the
device offers it, otherwise the device's own format converted in numpy/PyAV as it
arrives. The source is opened on press, and on release a short tail is still read, so
the first and the last word are kept. The audio goes into a LiveAudio buffer that a job
transcribes while the user speaks (SpeechService.transcribe_live): finished phrases
appear during the recording, and on release only the words after the last pause are left
to recognise. The UI thread only paints.

Transcriptions are jobs on the core's job runner, on its "speech" lane (one transcriber,
one job at a time): a dictation goes before files (it runs between two segments of a file
being transcribed), and dropped files queue behind each other. The button follows its
jobs through their events (app.ui.jobs); adding a transcript to the documents is a job
on the "ingest" lane.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import numpy as np
from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtMultimedia import QMediaDevices
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.assistant import Segment
from app.core.types import SovaError
from app.ui import voice_capture as capture
from app.ui.jobs import JobBridge
from app.ui.theme import is_dark
from app.ui.voice_capture import Recorder
from app.ui.voice_widgets import LevelMeter, mic_icon

if TYPE_CHECKING:
    from app.core.assistant import Assistant, Job, JobEvent

METER_MS = 50  # the level meter and the timer repaint at 20 Hz
_MESSAGE_MS = 8000
SPEECH_LANE = "speech"  # the job runner's lane for the transcriber
INGEST_LANE = "ingest"  # and for indexing (a transcript added to the documents)

@dataclass
class _Job:
    """How the button shows one transcription job: where its text goes and what started it."""

    kind: str  # "mic" or "file"
    cursor: QTextCursor | None  # a file's is placed when its job starts
    handle: "Job | None" = None
    started: bool = False
    name: str = ""
    texts: list[str] = field(default_factory=list)
    reason: str = ""  # a message from the recorder to show when done
    released_at: float = 0.0
    failed: bool = False
    path: Path | None = None  # the audio file (kind "file")
    segments: list[Segment] = field(default_factory=list)


class VoiceButton(QWidget):
    """Microphone button + level meter + status line; see the module docstring."""

    sig_state = Signal(str)  # "idle", "recording", "transcribing"
    sig_segment = Signal(object)  # each Segment as it is inserted
    sig_done = Signal(str)  # a transcription finished: its text ("" when nothing was heard)
    sig_message = Signal(str)  # the status line's text (errors and hints)
    sig_added_to_documents = Signal(str)  # an audio file's transcript was indexed (its path)

    def __init__(self, assistant: "Assistant", editor: QPlainTextEdit, send: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("voiceInput")
        self.assistant = assistant
        self.editor = editor
        self.send = send
        self.recorder = Recorder(self)
        self.recorder.sig_finished.connect(self._on_recorded)
        # The runner queues and runs the transcriptions; here only how each one is shown.
        self.jobs = assistant.jobs
        self._views: dict[int, _Job] = {}  # job id -> its view, until its last event
        self.job_bridge = JobBridge(self.jobs, (SPEECH_LANE, INGEST_LANE), self)
        self.job_bridge.sig_job.connect(self._on_job)
        views = self._views
        # Deleted with jobs still queued or running: nothing would show their text.
        self.destroyed.connect(lambda *_: [v.handle.cancel() for v in list(views.values()) if v.handle is not None])
        self._shortcut_held = False
        self._live_job: _Job | None = None  # the recording being transcribed as it is made
        self._released_at = 0.0
        self.last_recording: np.ndarray | None = None  # tests check nothing was dropped

        self.button = QToolButton(self)
        self.button.setObjectName("voiceButton")
        self.button.setIconSize(QSize(22, 22))
        self.button.setAutoRaise(False)
        self._icons = {"idle": mic_icon(self._idle_color()), "recording": mic_icon("#ffffff")}
        self.button.setMinimumSize(QSize(40, 32))
        self.button.pressed.connect(self._on_pressed)
        self.button.released.connect(self._on_released)
        self.meter = LevelMeter(self)
        self.status = QLabel(self)
        self.status.setObjectName("voiceStatus")
        self.status.setMaximumWidth(260)
        self.status.setMinimumWidth(190)  # two short lines at most: the chat row is low
        self.status.setWordWrap(True)
        self.status.hide()
        self.progress = QProgressBar(self)
        self.progress.setObjectName("voiceProgress")
        self.progress.setMaximumHeight(8)
        self.progress.setMaximumWidth(260)
        self.progress.setTextVisible(False)
        self.progress.hide()
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText("✕")
        self.cancel_button.clicked.connect(self.cancel_files)
        self.cancel_button.hide()
        # After a file's transcript: offer to index it, passages cited with their times.
        self.add_docs_button = QToolButton(self)
        self.add_docs_button.setObjectName("voiceAddToDocuments")
        self.add_docs_button.clicked.connect(self.add_transcript_to_documents)
        self.add_docs_button.hide()
        self._last_transcript: tuple[Path, list[Segment]] | None = None
        self._adding: "Job | None" = None  # the job indexing the last transcript

        info = QVBoxLayout()
        info.setContentsMargins(0, 0, 0, 0)
        info.setSpacing(2)
        info.addWidget(self.status)
        info.addWidget(self.progress)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(4)
        row.addLayout(info)
        row.addWidget(self.add_docs_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.meter)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignBottom)

        self._tick = QTimer(self)
        self._tick.setInterval(METER_MS)
        self._tick.timeout.connect(self._on_tick)
        self._clear_message = QTimer(self)
        self._clear_message.setSingleShot(True)
        self._clear_message.timeout.connect(lambda: self.show_message(""))
        self._media = QMediaDevices(self)
        self._media.audioInputsChanged.connect(self.refresh_devices)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)  # Ctrl+Space anywhere in this window
        self._retranslate()
        self._set_state("idle")

    # ---- public ------------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        return self.recorder.recording

    @property
    def busy(self) -> bool:
        """A transcription is queued or running."""
        return bool(self._views)

    def refresh_devices(self) -> None:
        """Enable the button only when a microphone exists; the tooltip says why not."""
        if capture.audio_inputs():
            self.button.setEnabled(True)
            mode = self.assistant.settings.speech.mode
            self.button.setToolTip(
                self.tr("Hold to talk (or hold Ctrl+Space). Drop an audio file on the window to transcribe it.")
                if mode == "push"
                else self.tr("Click (or Ctrl+Space) to start and stop. Drop an audio file on the window to transcribe it.")
            )
        else:
            self.button.setEnabled(False)
            self.button.setToolTip(
                # One literal: lupdate does not join adjacent string literals.
                self.tr("No microphone found. Connect one (or allow access to it) to dictate; you can still drop an audio file on the window to transcribe it.")  # noqa: E501
            )

    def start_recording(self) -> None:
        """Open the microphone and capture until stop_recording() (or a limit/error)."""
        if self.recorder.recording:
            return
        settings = self.assistant.settings.speech
        device = capture.pick_device(settings.input_device)
        if device is None:
            self.refresh_devices()
            self.show_message(self.tr("No microphone found."), error=True)
            return
        cursor = QTextCursor(self.editor.textCursor())
        if cursor.hasSelection():  # never overwrite what the user selected
            cursor.setPosition(cursor.selectionEnd())
        try:
            self.recorder.start(device, settings.max_seconds)
        except SovaError as exc:
            self.show_message(str(exc), error=True)
            return
        self.show_message("")
        self._tick.start()
        # Transcribe while the user speaks: phrases appear as they end, and on release
        # only the words after the last pause are left (and the model loads meanwhile).
        live = self.recorder.live
        job = _Job("mic", cursor)
        self._live_job = job
        self._run(job, lambda progress, cancel: self.assistant.speech.transcribe_live(live, progress, cancel))
        if job.handle is None:  # the app is closing
            self._live_job = None
            self.recorder.abort()
            self._tick.stop()

    def stop_recording(self) -> None:
        """Stop (after a short tail) and transcribe what was captured."""
        if self.recorder.recording:
            self._released_at = time.monotonic()
            self.recorder.stop()

    def transcribe_file(self, path: Path) -> None:
        """Transcribe an audio file into the input box (files run one after another)."""
        path = Path(path)
        waiting = any(j.kind == "file" for j in self._views.values())
        job = _Job("file", None, name=path.name, path=path)
        self._run(job, lambda progress, cancel: self.assistant.speech.transcribe_file(path, progress, cancel))
        if waiting:
            self.show_message(self.tr("Queued %1").replace("%1", path.name))
        else:
            self._show_file_started(job)

    def _show_file_started(self, job: _Job) -> None:
        self._offer_documents(None)
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.show_message(self.tr("Transcribing %1…").replace("%1", job.name))

    def transcribe_samples(self, samples: np.ndarray, reason: str = "") -> None:
        """Transcribe float32 16 kHz mono samples (a whole recording) into the box at the cursor."""
        cursor = QTextCursor(self.editor.textCursor())
        job = _Job("mic", cursor, reason=reason, released_at=self._released_at)
        self.show_message(reason or self.tr("Transcribing…"), error=bool(reason))
        self._run(job, lambda progress, cancel: self.assistant.speech.transcribe_pcm(samples, progress, cancel))

    def cancel_files(self) -> None:
        """Stop the running file transcription and drop the queue; inserted text stays."""
        for job in list(self._views.values()):
            if job.kind == "file" and job.handle is not None:
                job.handle.cancel()

    def show_message(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))
        self.status.setStyleSheet("color: #b3261e;" if error else "")
        self.status.setToolTip(text)
        self.sig_message.emit(text)
        if text and not self.recorder.recording:
            self._clear_message.start(_MESSAGE_MS)

    # ---- button and shortcut -----------------------------------------------------------

    def _on_pressed(self) -> None:
        if self.assistant.settings.speech.mode == "push":
            self.start_recording()

    def _on_released(self) -> None:
        if self.assistant.settings.speech.mode == "push":
            self.stop_recording()
        elif self.recorder.recording:
            self.stop_recording()
        else:
            self.start_recording()

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:
        t = e.type()
        if t not in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) or not isinstance(obj, QWidget):
            return False
        if obj.window() is not self.window() or not self.button.isEnabled():
            return False
        key = e  # type: QKeyEvent  # type: ignore[assignment]
        assert isinstance(key, QKeyEvent)
        if key.key() != Qt.Key.Key_Space:
            return False
        if t == QEvent.Type.KeyPress and key.modifiers() & Qt.KeyboardModifier.ControlModifier:
            if not key.isAutoRepeat():
                self._shortcut_held = True
                if self.assistant.settings.speech.mode == "push":
                    self.start_recording()
                elif self.recorder.recording:
                    self.stop_recording()
                else:
                    self.start_recording()
            return True  # no space typed into the box
        if t == QEvent.Type.KeyRelease and self._shortcut_held:
            if key.isAutoRepeat():
                return True
            self._shortcut_held = False
            if self.assistant.settings.speech.mode == "push":
                self.stop_recording()
            return True
        return False

    # ---- recording -> transcription ----------------------------------------------------

    def _on_recorded(self, samples: np.ndarray, reason: str) -> None:
        # The live job sees the end of the recording itself (LiveAudio closed) and
        # transcribes what is left; here only the screen changes.
        self._tick.stop()
        self.meter.set_level(-100.0)
        self.last_recording = samples
        job, self._live_job = self._live_job, None
        if job is not None and job.handle is not None and job.handle.id in self._views:
            job.reason, job.released_at = reason, self._released_at
            if not job.failed:
                self.show_message(reason or self.tr("Transcribing…"), error=bool(reason))
        self._set_state("transcribing" if self._views else "idle")

    def _on_tick(self) -> None:
        self.meter.set_level(self.recorder.level_dbfs)
        if self.recorder.recording:
            secs = int(self.recorder.seconds)
            limit = self.assistant.settings.speech.max_seconds
            listening = (
                self.tr("Listening %1 / %2\nrelease to stop")
                if self.assistant.settings.speech.mode == "push"
                else self.tr("Listening %1 / %2\nclick to stop")
            )
            self.status.setText(
                listening.replace("%1", f"{secs // 60}:{secs % 60:02d}").replace("%2", f"{limit // 60}:{limit % 60:02d}")
            )
            self.status.setStyleSheet("")
            self.status.show()

    def _run(self, job: _Job, make: Callable[[Any, Any], Any]) -> None:
        """Submit a transcription to the speech lane: a dictation before queued files."""
        from app.core.assistant import JobsClosed, Priority

        priority = Priority.INTERACTIVE if job.kind == "mic" else Priority.BACKGROUND
        try:
            job.handle = self.jobs.submit_stream(
                SPEECH_LANE, make, name=job.name or job.kind, kind=f"voice.{job.kind}", priority=priority,
                params={"path": str(job.path)} if job.path is not None else {})
        except JobsClosed:
            return  # the app is closing
        self._views[job.handle.id] = job
        self._set_state("recording" if self.recorder.recording else "transcribing")

    def _on_job(self, ev: "JobEvent") -> None:
        """A job on the speech or ingest lane changed (UI thread); ours are shown."""
        if self._adding is not None and ev.job_id == self._adding.id:
            self._on_adding_event(ev)
            return
        job = self._views.get(ev.job_id)
        if job is None:
            return
        if ev.change == "item":
            self._on_segment(job, ev.item)
        elif ev.change == "progress":
            self._on_progress(job, ev.fraction, ev.text)
        elif ev.state == "running":
            self._on_started(job)
        elif ev.final:
            if ev.state == "failed" and ev.error is not None:
                self._on_error(job, ev.error)
            elif ev.state == "cancelled" and job.kind == "file" and job.started:
                self.show_message(self.tr("Stopped transcribing %1.").replace("%1", job.name))
            self._on_job_done(job, cancelled=ev.state == "cancelled")

    def _on_started(self, job: _Job) -> None:
        job.started = True
        if job.kind != "file":
            return
        cursor = QTextCursor(self.editor.textCursor())
        cursor.movePosition(QTextCursor.MoveOperation.End)  # a transcript goes after typed text
        job.cursor = cursor
        self._show_file_started(job)  # again for a file that waited in the queue

    def _on_segment(self, job: _Job, seg: Segment) -> None:
        cursor = job.cursor
        if cursor is None:
            return
        doc_text = self.editor.document()
        pos = cursor.position()
        before = doc_text.characterAt(pos - 1) if pos > 0 else ""
        text = seg.text.strip()
        if before and not before.isspace():
            text = " " + text
        cursor.insertText(text)  # the cursor moves past it: the next segment follows
        job.texts.append(seg.text.strip())
        job.segments.append(seg)
        self.sig_segment.emit(seg)

    def _on_progress(self, job: _Job, fraction: float | None, text: str) -> None:
        if job.kind != "file":
            return
        if fraction is None:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(fraction * 1000))
            if fraction < 1.0:
                self.status.setText(self.tr("%1: %2%").replace("%1", job.name).replace("%2", str(int(fraction * 100))))
                self.status.show()

    def _on_error(self, job: _Job, exc: BaseException) -> None:
        text = str(exc) if isinstance(exc, SovaError) else self.tr("Transcription failed: %1").replace("%1", str(exc))
        job.failed = True  # the error stays on screen (not replaced by "No speech detected")
        if job is self._live_job and self.recorder.recording:
            self.recorder.stop(0)  # nothing would transcribe the rest: stop listening now
        self.show_message(text, error=True)

    def _on_job_done(self, job: _Job, cancelled: bool) -> None:
        if job.handle is not None:
            self._views.pop(job.handle.id, None)
        if job.kind == "file" and not job.started:  # dropped from the queue: never shown
            if not any(j.kind == "file" for j in self._views.values()):
                self.progress.hide()
                self.cancel_button.hide()
            self._set_state("recording" if self.recorder.recording else ("transcribing" if self._views else "idle"))
            return
        text = " ".join(t for t in job.texts if t)
        failed = job.failed
        if not failed and not cancelled and job.cursor is not None:
            # Add a space when the transcript ends right before typed text.
            nxt = self.editor.document().characterAt(job.cursor.position())
            if text and nxt and not nxt.isspace():
                job.cursor.insertText(" ")
            if not text:
                self.show_message(
                    self.tr("No speech detected in %1.").replace("%1", job.name)
                    if job.kind == "file"
                    else self.tr("No speech detected."),
                    error=False,
                )
            elif job.reason:
                self.show_message(job.reason, error=True)
            else:
                self.show_message("")
            if text and job.kind == "file" and job.path is not None:
                self._offer_documents((job.path, list(job.segments)))
        if job.kind == "file" and not any(j.kind == "file" for j in self._views.values()):
            self.progress.hide()
            self.cancel_button.hide()
        self._set_state("recording" if self.recorder.recording else ("transcribing" if self._views else "idle"))
        if job.kind == "mic" and text and self.assistant.settings.speech.send_on_release:
            self.send()
        self.sig_done.emit(text)

    def _set_state(self, state: str) -> None:
        self.button.setProperty("recording", state == "recording")
        self.button.setIcon(self._icons["recording" if self.recorder.recording else "idle"])
        self.button.setAccessibleName(self.tr("Stop recording") if self.recorder.recording else self.tr("Record a question"))
        self.button.setStyleSheet(
            "QToolButton#voiceButton { background: #d93025; color: white; border-radius: 6px; }"
            if self.recorder.recording
            else ""
        )
        self.meter.setVisible(self.recorder.recording)  # room for the status text otherwise
        self.sig_state.emit(state)

    # ---- a file's transcript -> the documents ------------------------------------------

    def _offer_documents(self, transcript: tuple[Path, list[Segment]] | None) -> None:
        self._last_transcript = transcript
        self.add_docs_button.setVisible(transcript is not None and self._adding is None)
        if transcript is not None:
            self.add_docs_button.setToolTip(
                self.tr("Index the transcript of %1 so answers can cite it, with the time of each passage").replace(
                    "%1", transcript[0].name
                )
            )

    def add_transcript_to_documents(self) -> None:
        """Index the last file transcript as a document (on a worker; the panel shows it)."""
        if self._last_transcript is None or self._adding is not None:
            return
        from app.core.assistant import JobsClosed

        path, segments = self._last_transcript
        library = self.assistant.documents  # cheap to create; indexing runs in the job

        def run(progress: Any, cancel: Any) -> Any:
            return library.add_transcript(path, segments, progress=progress, cancel=cancel)

        try:
            self._adding = self.jobs.submit(INGEST_LANE, run, name=path.name, kind="voice.add_transcript",
                                            params={"path": str(path)})
        except JobsClosed:
            return
        self.add_docs_button.hide()
        self.show_message(self.tr("Adding the transcript of %1 to the documents…").replace("%1", path.name))

    def _on_adding_event(self, ev: "JobEvent") -> None:
        if not ev.final or self._adding is None:
            return
        path = Path(str(ev.params.get("path", "")))
        self._adding = None
        if ev.state == "done":
            self._on_added(path)
        elif ev.state == "failed" and ev.error is not None:
            exc = ev.error
            self.show_message(
                str(exc) if isinstance(exc, SovaError) else self.tr("Could not add the transcript: %1").replace("%1", str(exc)),
                error=True)

    def _on_added(self, path: Path) -> None:
        self._last_transcript = None
        self.show_message(self.tr("Added the transcript of %1 to the documents.").replace("%1", path.name))
        self.sig_added_to_documents.emit(str(path))

    def _retranslate(self) -> None:
        self.add_docs_button.setText(self.tr("Add to documents"))
        self.cancel_button.setToolTip(self.tr("Stop transcribing the file (the text so far is kept)"))
        self.refresh_devices()  # the button's tooltip
        self.button.setAccessibleName(self.tr("Stop recording") if self.recorder.recording else self.tr("Record a question"))

    def changeEvent(self, e: QEvent) -> None:  # type: ignore[override]
        if e.type() == QEvent.Type.LanguageChange:  # the language was switched at run time
            self._retranslate()
        elif e.type() == QEvent.Type.PaletteChange and hasattr(self, "_icons"):
            # The theme was switched: a dark microphone would vanish on a dark button.
            self._icons["idle"] = mic_icon(self._idle_color())
            if not self.recorder.recording:
                self.button.setIcon(self._icons["idle"])
        super().changeEvent(e)  # type: ignore[arg-type]

    @staticmethod
    def _idle_color() -> str:
        return "#d0d3d8" if is_dark() else "#3c4043"

    def closeEvent(self, e: QEvent) -> None:  # type: ignore[override]
        for job in list(self._views.values()):  # cancel first: the live job must not transcribe the rest
            if job.handle is not None:
                job.handle.cancel()
        self.recorder.abort()  # closes the live audio: its job wakes up and ends
        super().closeEvent(e)  # type: ignore[arg-type]
