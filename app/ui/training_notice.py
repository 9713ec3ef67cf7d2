"""The training trigger in the window: check the ratings now and then, offer training
in a notice above the chat (or start it, when the user lets Sova train by itself).

The check (``Assistant.trigger_due`` → ``training_verdict`` → ``mark_checked``) reads
the ratings, so it runs on a worker: once after the window shows, then every hour (the
core decides whether ``check_days`` have passed). The notice is a banner with buttons,
never a dialog: it waits for the user without blocking anything.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from app.ui.jobs import JobBridge
from app.ui.training_texts import TrainingWords, failure_reason
from app.ui.widgets import Banner
from app.ui.workers import FunctionWorker, start, while_alive

if TYPE_CHECKING:
    from app.core.assistant import Assistant, JobEvent, Verdict

CHECK_EVERY_MS = 60 * 60 * 1000  # the core keeps the real schedule (check_days); this only asks


class TrainingNotice(Banner):
    """A banner with "Train now" / "Later" (or "Show" after Sova started by itself)."""

    sig_train_now = Signal()
    sig_show = Signal()  # open the Training tab

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingNotice")
        self.action_button = QPushButton(self)
        self.action_button.setObjectName("trainNow")
        self.action_button.clicked.connect(self._on_action)
        self.later_button = QPushButton(self)
        self.later_button.setObjectName("trainLater")
        self.later_button.clicked.connect(self.hide)
        layout = self.layout()
        layout.insertWidget(1, self.action_button, 0, Qt.AlignmentFlag.AlignVCenter)  # type: ignore[attr-defined]
        layout.insertWidget(2, self.later_button, 0, Qt.AlignmentFlag.AlignVCenter)  # type: ignore[attr-defined]
        self.mode = ""  # "offer" | "show" | "" (a message without buttons)
        self._retranslate()

    def _retranslate(self) -> None:
        super()._retranslate()
        if not hasattr(self, "later_button"):
            return  # Banner.__init__ calls this before the buttons exist
        self.later_button.setText(self.tr("Later"))
        self.later_button.setToolTip(self.tr("Hide this; Sova checks the ratings again in a few days"))
        self.action_button.setText(self.tr("Train now") if self.mode == "offer" else self.tr("Show"))
        self.action_button.setToolTip(self.tr("Open Settings → Feedback and training → Training and start")
                                      if self.mode == "offer" else
                                      self.tr("Open Settings → Feedback and training → Training"))

    def offer(self, text: str) -> None:
        """Ask whether to train (``text`` says why)."""
        self._set_mode("offer")
        self.show_message(text + " " + self.tr("Train Sova on your ratings?"), "info")

    def tell(self, text: str, kind: str = "info", show_button: bool = True, timeout_ms: int = 0) -> None:
        """Say something about training, with "Show" (the Training tab) unless ``show_button`` is off."""
        self._set_mode("show" if show_button else "")
        self.show_message(text, kind, timeout_ms)

    def _set_mode(self, mode: str) -> None:
        self.mode = mode
        self.action_button.setVisible(bool(mode))
        self.later_button.setVisible(mode == "offer")
        self._retranslate()

    def _on_action(self) -> None:
        self.hide()
        if self.mode == "offer":
            self.sig_train_now.emit()
        else:
            self.sig_show.emit()


def due_verdict(assistant: "Assistant") -> "Verdict | None":
    """The trigger's verdict if a check is due (and mark it done); None if not due or a
    run is already on (runs on a worker: it reads the ratings)."""
    training = assistant.training
    if training.running or training.resumable() or not assistant.trigger_due():
        return None
    verdict = assistant.training_verdict()
    assistant.mark_checked()
    return verdict


class TrainingTrigger(QObject):
    """Checks the trigger after start-up and every hour; offers or starts training."""

    sig_checked = Signal(object)  # the Verdict, or None when no check was due (tests wait for it)
    sig_auto_started = Signal()

    def __init__(self, assistant: "Assistant", notice: TrainingNotice, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.assistant = assistant
        self.notice = notice
        self.words = TrainingWords(self)
        self.verdict: "Verdict | None" = None
        self._auto_job = False  # the running job was started here: its end is told in the notice
        self._bridge: JobBridge | None = None
        self._worker: FunctionWorker | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_EVERY_MS)
        self._timer.timeout.connect(self.check)

    def start(self) -> None:
        """Check now, then every hour."""
        self._timer.start()
        self.check()

    def stop(self) -> None:
        self._timer.stop()
        if self._bridge is not None:
            self._bridge.close()

    def check(self) -> FunctionWorker | None:
        """Run the check on a worker (None if one is already on its way)."""
        if self._worker is not None:
            return None
        worker = FunctionWorker(due_verdict, self.assistant)
        worker.signals.sig_result.connect(self._on_checked)
        worker.signals.sig_error.connect(while_alive(self, lambda exc: self._on_checked(None)))
        self._worker = worker
        start(worker)
        return worker

    def _on_checked(self, verdict: "Verdict | None") -> None:
        if not shiboken6.isValid(self):
            return  # the window closed while the check ran
        self._worker = None  # before anyone hears of it: a check asked for next must not be refused
        self.verdict = verdict
        if verdict is not None and verdict.train:
            why = self.words.trigger(verdict, self.assistant.settings.learning.window)
            if self.assistant.settings.learning.auto_train:
                self._auto_start(why)
            else:
                self.notice.offer(why)
        self.sig_checked.emit(verdict)

    def _auto_start(self, why: str) -> None:
        self._watch()
        worker = FunctionWorker(self.assistant.training.start)
        worker.signals.sig_result.connect(while_alive(self, lambda _job: self._on_auto_started(why)))
        worker.signals.sig_error.connect(while_alive(self, lambda exc: self._on_auto_error(why, exc)))
        start(worker)

    def _on_auto_started(self, why: str) -> None:
        if not shiboken6.isValid(self):
            return
        self._auto_job = True
        self.notice.tell(why + " " + self.tr("Sova started training on your ratings in the background; it keeps "
                                             "answering meanwhile."))
        self.sig_auto_started.emit()

    def _on_auto_error(self, why: str, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        reason = self.words.start_error(getattr(exc, "code", ""), getattr(exc, "params", {}) or {}, str(exc))
        self.notice.tell(why + " " + self.tr("Sova could not start training: %1").replace("%1", reason), "warning")

    def _watch(self) -> None:
        if self._bridge is None:
            self._bridge = JobBridge(self.assistant.jobs, ("training",), self)
            self._bridge.sig_job.connect(self._on_job)

    def _on_job(self, ev: "JobEvent") -> None:
        if not ev.final or not self._auto_job:
            return
        self._auto_job = False
        training = self.assistant.training
        reason = failure_reason(ev)
        text, kind = self.words.summary(training.status(), training.active(), reason)
        if text:
            self.notice.tell(text, "warning" if kind == "warning" else "error" if kind == "error" else "info")
