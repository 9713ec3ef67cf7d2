"""Settings → Feedback and training → Training: teach the local model from the ratings.

What a run would learn from (``Training.plan``, read on a worker), the run itself
(start, pause, cancel, resume a stopped one; a progress bar with the phase and the time
left; a live loss chart), how it ended (the verdict in words), the adapter versions
with the buttons that choose what Sova answers with, and the learning settings.

The run belongs to the core's job runner, not to this tab: closing the dialog leaves
it running, and a tab opened later picks it up. Progress is polled from
``Training.status()`` while a run is on (a cheap copy under a lock); the run's end
arrives as the job's final event (with its error code and reason) through a JobBridge.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

import shiboken6
from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.jobs import JobBridge
from app.ui.theme import status_colors
from app.ui.training_chart import LossChart
from app.ui.training_settings import LearningSettingsBox
from app.ui.training_texts import TrainingWords, failure_reason
from app.ui.training_versions import VersionsBox
from app.ui.workers import FunctionWorker, start, while_alive

if TYPE_CHECKING:
    from app.core.assistant import Adapter, Assistant, JobEvent, Plan, TrainingStatus

POLL_MS = 500  # progress refresh while a run is on
REFRESH_DELAY_MS = 400  # merges a burst of ratings into one re-plan
PLAN_FIGURES = ("examples", "liked", "heldout", "steps", "pref", "removed", "languages")


@dataclass(frozen=True)
class Snapshot:
    """What the tab reads on a worker: the plan, the versions and the one in use."""

    plan: "Plan"
    versions: list["Adapter"] = field(default_factory=list)
    active: str = ""
    missing: str | None = None


def read_snapshot(assistant: "Assistant") -> Snapshot:
    """The plan and the adapter versions (runs on a worker: the plan reads every rating)."""
    training = assistant.training
    plan = training.plan()
    return Snapshot(plan, training.versions(), training.active(),
                    training.missing_pack() if plan.reason == "no_pack" else None)


class TrainingTab(QWidget):
    """Training from ratings and the adapter versions, over ``Assistant.training``."""

    sig_refreshed = Signal()  # the plan and the versions on screen are up to date (tests wait for it)
    sig_finished = Signal(object)  # TrainingStatus: a run ended (done, failed, cancelled, interrupted)
    sig_adapter_changed = Signal(str)  # the version now in use, chosen here ("" = base model)
    _sig_status = Signal(object)  # TrainingStatus from a core thread
    _sig_ratings_changed = Signal()  # a rating changed somewhere (emitted on any thread)

    def __init__(self, assistant: "Assistant", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingTab")
        self.assistant = assistant
        self.training = assistant.training  # created here, on the UI thread, not racing a worker
        self.words = TrainingWords(self)
        self.snapshot: Snapshot | None = None
        self.status: "TrainingStatus" = self.training.status()
        self._reason = ""  # the last failed job's reason (from its error)
        self._fraction = 0.0
        self._totals = (0, 0)  # supervised and preference steps of the run
        self._starting = False
        self._cancelling = False
        self._seq = 0
        self._shown_seq = 0
        self._workers: list[FunctionWorker] = []

        self._build()
        self.bridge = JobBridge(assistant.jobs, ("training",), self)
        self.bridge.sig_job.connect(self._on_job)
        self._poll = QTimer(self)
        self._poll.setInterval(POLL_MS)
        self._poll.timeout.connect(self.poll)
        self._replan = QTimer(self)
        self._replan.setSingleShot(True)
        self._replan.setInterval(REFRESH_DELAY_MS)
        self._replan.timeout.connect(self.refresh)
        self._sig_status.connect(self._on_status, Qt.ConnectionType.QueuedConnection)
        self._sig_ratings_changed.connect(self._on_ratings_changed, Qt.ConnectionType.QueuedConnection)
        signal = self._sig_status
        unsubscribe: list[Callable[[], Any]] = [self.training.subscribe(signal.emit)]
        try:
            ratings = self._sig_ratings_changed
            unsubscribe.append(assistant.feedback.subscribe(lambda _rating: ratings.emit()))
        except Exception:  # a store that cannot tell: showing the tab re-plans anyway
            pass
        self.destroyed.connect(lambda *_: [u() for u in unsubscribe])
        self._retranslate()
        self._show_status(self.status)
        if self.status.state == "running":
            self._poll.start()

    # ---- building -------------------------------------------------------------------------

    def _build(self) -> None:
        self.plan_box = QGroupBox(self)
        self.plan_box.setObjectName("trainingPlan")
        self.plan_labels = {key: QLabel(self.plan_box) for key in PLAN_FIGURES}
        self.plan_values = {key: QLabel(self.plan_box) for key in PLAN_FIGURES}
        form = QFormLayout()
        form.setHorizontalSpacing(14)
        for key in PLAN_FIGURES:
            self.plan_values[key].setObjectName(f"plan_{key}")
            self.plan_values[key].setWordWrap(True)
            form.addRow(self.plan_labels[key], self.plan_values[key])
        self.plan_note = QLabel(self.plan_box)
        self.plan_note.setObjectName("planNote")
        self.plan_note.setWordWrap(True)
        self.plan_box.setMinimumWidth(370)
        plan_layout = QVBoxLayout(self.plan_box)
        plan_layout.addLayout(form)
        plan_layout.addWidget(self.plan_note)
        plan_layout.addStretch(1)

        self.run_box = QGroupBox(self)
        self.run_box.setObjectName("trainingRun")
        self.start_button = QPushButton(self.run_box)
        self.start_button.setObjectName("startTraining")
        self.start_button.clicked.connect(lambda: self.start_training())
        self.pause_button = QPushButton(self.run_box)
        self.pause_button.setObjectName("pauseTraining")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button = QPushButton(self.run_box)
        self.cancel_button.setObjectName("cancelTraining")
        self.cancel_button.clicked.connect(self.cancel)
        self.resume_button = QPushButton(self.run_box)
        self.resume_button.setObjectName("resumeTraining")
        self.resume_button.clicked.connect(lambda: self.start_training(resume=True))
        self.discard_button = QPushButton(self.run_box)
        self.discard_button.setObjectName("discardTraining")
        self.discard_button.clicked.connect(self.discard)
        buttons = QHBoxLayout()
        for b in (self.start_button, self.resume_button, self.pause_button, self.cancel_button, self.discard_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.progress = QProgressBar(self.run_box)
        self.progress.setObjectName("trainingProgress")
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress_label = QLabel(self.run_box)
        self.progress_label.setObjectName("trainingPhase")
        self.intro = QLabel(self.run_box)
        self.intro.setObjectName("trainingIntro")
        self.intro.setWordWrap(True)
        self.chart = LossChart(self.run_box)
        self.outcome = QLabel(self.run_box)
        self.outcome.setObjectName("trainingOutcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        run_layout = QVBoxLayout(self.run_box)
        run_layout.addLayout(buttons)
        run_layout.addWidget(self.progress)
        run_layout.addWidget(self.progress_label)
        run_layout.addWidget(self.outcome)
        run_layout.addWidget(self.intro)
        run_layout.addWidget(self.chart, 1)
        run_layout.addStretch(0)  # takes the room only while the chart is hidden

        self.versions_group = QGroupBox(self)
        self.versions = VersionsBox(self.assistant, self.versions_group)
        self.versions.sig_changed.connect(self.sig_adapter_changed)
        QVBoxLayout(self.versions_group).addWidget(self.versions)
        self.settings_group = QGroupBox(self)
        self.settings = LearningSettingsBox(self.assistant, self.settings_group)
        QVBoxLayout(self.settings_group).addWidget(self.settings)

        body = QWidget()
        grid = QGridLayout(body)
        grid.setContentsMargins(0, 0, 4, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(10)
        grid.addWidget(self.plan_box, 0, 0)
        grid.addWidget(self.run_box, 0, 1)
        grid.addWidget(self.versions_group, 1, 0, 1, 2)
        grid.addWidget(self.settings_group, 2, 0, 1, 2)
        grid.setColumnStretch(0, 2)
        grid.setColumnStretch(1, 5)
        grid.setRowStretch(3, 1)
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll)

    # ---- texts ------------------------------------------------------------------------

    def _retranslate(self) -> None:
        self.plan_box.setTitle(self.tr("What Sova would learn from"))
        captions = {"examples": self.tr("Examples to learn from:"), "liked": self.tr("Liked / disliked answers:"),
                    "heldout": self.tr("Held out to check the result:"), "steps": self.tr("Training steps:"),
                    "pref": self.tr("Preference step:"), "removed": self.tr("Removed by the check:"),
                    "languages": self.tr("Languages:")}
        tips = {"examples": self.tr("Answers rated at or above the minimum, and the better answers you wrote"),
                "liked": self.tr("For the preference step: answers to make more likely and answers to avoid"),
                "heldout": self.tr("One rated answer in seven is kept out of training to judge the new adapter"),
                "steps": self.tr("Supervised training steps (about one and a half passes over the examples)"),
                "pref": self.tr("A second step that also pushes away from disliked answers; it needs at least "
                                "five of them"),
                "removed": self.tr("Answers left out: the same answer twice, empty texts, answers too long to "
                                   "train on, conversations with mixed-up roles"),
                "languages": self.tr("The languages of the examples")}
        for key in PLAN_FIGURES:
            self.plan_labels[key].setText(captions[key])
            self.plan_labels[key].setToolTip(tips[key])
            self.plan_values[key].setToolTip(tips[key])
        self.run_box.setTitle(self.tr("Training"))
        self.intro.setText(self.tr("Training teaches the model your liked answers and the better answers you wrote "
                                   "(and, with enough disliked answers, what to avoid) as a small adapter. It runs "
                                   "in the background at the lowest priority and pauses while Sova answers. The "
                                   "new adapter is checked on answers held out from training and is put to use "
                                   "only if it does better."))
        self.start_button.setText(self.tr("Start training"))
        self.start_button.setToolTip(self.tr("Train an adapter on your rated answers in the background; Sova "
                                             "keeps answering meanwhile"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Stop the run; it can be resumed from its last checkpoint"))
        self.resume_button.setText(self.tr("Resume the stopped training"))
        self.discard_button.setText(self.tr("Discard"))
        self.discard_button.setToolTip(self.tr("Forget the stopped run and its checkpoint"))
        self.chart.set_texts(self.tr("Training loss"), self.tr("Learning from your answers"),
                             self.tr("Preference step"), self.tr("Step"), self.tr("Loss"))
        self.versions_group.setTitle(self.tr("Adapter versions"))
        self.settings_group.setTitle(self.tr("Settings"))
        if self.snapshot is not None:
            self._show_plan(self.snapshot)
        self._show_status(self.status)

    def changeEvent(self, e: QEvent) -> None:
        if e.type() == QEvent.Type.LanguageChange:
            self._retranslate()
        super().changeEvent(e)

    # ---- the plan and the versions ----------------------------------------------------------

    def showEvent(self, e: QShowEvent) -> None:
        super().showEvent(e)
        self.refresh()

    def _on_ratings_changed(self) -> None:
        if self.isVisible():
            self._replan.start()

    def refresh(self) -> FunctionWorker:
        """Read the plan and the versions on a worker; ``sig_refreshed`` when shown."""
        self._replan.stop()
        self._seq += 1
        seq = self._seq
        worker = FunctionWorker(read_snapshot, self.assistant)
        worker.signals.sig_result.connect(while_alive(self, lambda snap: self._on_snapshot(seq, snap)))
        worker.signals.sig_error.connect(while_alive(self, lambda exc: self._on_snapshot_error(seq, exc)))
        self._keep(worker)
        return worker

    @property
    def refreshing(self) -> bool:
        """A read of the plan and the versions is on its way."""
        return self._shown_seq != self._seq

    def _keep(self, worker: FunctionWorker) -> None:
        worker.signals.sig_finished.connect(lambda: self._workers.remove(worker) if worker in self._workers else None)
        self._workers.append(worker)
        start(worker)

    def _on_snapshot(self, seq: int, snap: Snapshot) -> None:
        if seq != self._seq or not shiboken6.isValid(self):
            return  # a newer read is on its way, or the dialog closed meanwhile
        self._shown_seq = seq
        self.snapshot = snap
        self._show_plan(snap)
        self.versions.set_versions(snap.versions, snap.active)
        self._show_status(self.status)  # the outcome names versions and the start button needs the plan
        self.sig_refreshed.emit()

    def _on_snapshot_error(self, seq: int, exc: BaseException) -> None:
        if seq != self._seq or not shiboken6.isValid(self):
            return
        self._shown_seq = seq
        self._note(self.tr("Could not read the ratings: %1").replace("%1", str(exc)), "error")
        self.sig_refreshed.emit()

    def _show_plan(self, snap: Snapshot) -> None:
        from app.core.assistant import MIN_EXAMPLES

        plan, v = snap.plan, self.plan_values
        stats = plan.stats
        v["examples"].setText(str(plan.examples))
        v["liked"].setText(f"{plan.desirable} / {plan.undesirable}")
        v["heldout"].setText(str(plan.heldout))
        v["steps"].setText(str(plan.steps))
        v["pref"].setText(self.tr("yes, %1 steps").replace("%1", str(plan.pref_steps)) if plan.pref_steps
                          else self.tr("no: too few disliked answers"))
        removed = [(stats.get("duplicates", 0), self.tr("%1 duplicates")), (stats.get("empty", 0), self.tr("%1 empty")),
                   (stats.get("overlong", 0), self.tr("%1 too long")),
                   (stats.get("bad_roles", 0), self.tr("%1 with mixed-up roles"))]
        v["removed"].setText(", ".join(t.replace("%1", str(n)) for n, t in removed if n) or self.tr("nothing"))
        names = {"en": self.tr("English"), "ru": self.tr("Russian")}
        languages = sorted(dict(stats.get("languages", {})).items(), key=lambda kv: -kv[1])
        v["languages"].setText(", ".join(f"{names.get(k, k.upper())} {n}" for k, n in languages) or "—")
        learning = self.assistant.settings.learning
        note = self.words.not_ready(plan, MIN_EXAMPLES, learning.min_stars, snap.missing)
        if not note and self.assistant.settings.backend == "remote":
            note = self.tr("Sova answers with a server now; training and adapters are for the local model.")
        if note:
            self._note(note, "warning")
        elif plan.ready:
            self._note(self.tr("Ready to start: %1 rated answers so far.").replace("%1", str(stats.get("rated", 0))),
                       "")

    def _note(self, text: str, kind: str) -> None:
        colors = status_colors(self.palette())
        color = {"error": colors.error, "warning": colors.warning}.get(kind, "")
        self.plan_note.setStyleSheet(f"color: {color}" if color else "")
        self.plan_note.setText(text)

    # ---- running ----------------------------------------------------------------------------

    def start_training(self, resume: bool = False) -> FunctionWorker | None:
        """Start a run (``resume``: continue the stopped one) on a worker; None if it cannot."""
        if self._starting or self.status.state == "running":
            return None
        from app.core.assistant import MIN_EXAMPLES

        snap = self.snapshot
        plan = snap.plan if snap is not None else None
        if not resume and snap is not None and plan is not None and not plan.ready:
            self._show_outcome(html.escape(self.words.not_ready(plan, MIN_EXAMPLES,
                                                                self.assistant.settings.learning.min_stars,
                                                                snap.missing)), "warning")
            return None
        self._starting = True
        self._reason = ""
        if not resume:
            self.chart.clear()
        if plan is not None:
            self._totals = (plan.steps, plan.pref_steps)
            self.chart.set_totals(*self._totals)
        self._show_buttons()
        worker = FunctionWorker(self.training.start, resume)
        worker.signals.sig_result.connect(while_alive(self, lambda _job: self._on_started()))
        worker.signals.sig_error.connect(self._on_start_error)
        worker.signals.sig_finished.connect(self._on_start_finished)
        self._keep(worker)
        return worker

    def _on_started(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._fraction = 0.0
        self.status = self.training.status()
        self._show_status(self.status)
        self._poll.start()

    def _on_start_error(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        text = self.words.start_error(getattr(exc, "code", ""), getattr(exc, "params", {}) or {}, str(exc))
        self._show_outcome(html.escape(text), "error")

    def _on_start_finished(self) -> None:
        if not shiboken6.isValid(self):
            return
        self._starting = False
        self._show_buttons()

    def toggle_pause(self) -> None:
        """Pause a running job (the process is stopped where it is) or let it go on."""
        self.training.pause(not self.status.run.paused)
        self.poll()

    def cancel(self) -> None:
        """Stop the run; its last checkpoint stays, so it can be resumed."""
        self.training.cancel()
        self._cancelling = True
        self._show_buttons()
        self.progress_label.setText(self.tr("Stopping…"))

    def discard(self) -> FunctionWorker:
        """Forget a stopped run and its checkpoint."""
        worker = FunctionWorker(self.training.discard)
        worker.signals.sig_finished.connect(lambda: self.refresh() if shiboken6.isValid(self) else None)
        self._keep(worker)
        return worker

    def poll(self) -> None:
        """Read the live progress (while a run is on)."""
        status = self.training.status()
        if status.state != "running":
            self._poll.stop()
            return  # the end comes with the job's final event
        self.status = status
        self._show_progress(status)

    def _on_status(self, status: "TrainingStatus") -> None:
        """A run started or changed state (queued from a core thread)."""
        if status.state == "running":
            if self.status.state not in ("running", "interrupted") and not self._starting:
                # Started elsewhere (the trigger): a new run, not the last one's continuation.
                self.chart.clear()
                if self.snapshot is not None:
                    self._totals = (self.snapshot.plan.steps, self.snapshot.plan.pref_steps)
                    self.chart.set_totals(*self._totals)
            self.status = self.training.status()
            self._show_status(self.status)
            self._poll.start()
        elif status.state == "idle" and not self.training.running:
            self.status = status  # a stopped run was discarded
            self.chart.clear()
            self._show_status(status)

    def _on_job(self, ev: "JobEvent") -> None:
        if ev.change == "progress" and ev.fraction is not None:
            self._fraction = float(ev.fraction)
            return
        if not ev.final:
            return
        self._poll.stop()
        self._cancelling = False
        self._reason = failure_reason(ev)
        self.status = self.training.status()
        self._show_status(self.status)
        self.refresh()
        self.sig_finished.emit(self.status)

    # ---- showing ------------------------------------------------------------------------------

    def _show_status(self, status: "TrainingStatus") -> None:
        running = status.state == "running"
        self.progress.setVisible(running)
        self.progress_label.setVisible(running)
        if running:
            self.outcome.hide()
            self._show_progress(status)
        else:
            self.chart.add(status.run.losses)
            adapter = self._adapter(status.version)
            colors = status_colors(self.palette())
            text, kind = self.words.outcome(status, adapter, self._active(), self._reason, colors.success,
                                            colors.error)
            self._show_outcome(text, kind)
        self.chart.setVisible(running or self.chart.point_count() > 0)
        self.intro.setVisible(not running and not self.outcome.isVisibleTo(self.run_box))
        self._show_buttons()

    def _show_progress(self, status: "TrainingStatus") -> None:
        run = status.run
        sft, pref = self._totals
        if run.phase == "sft" and run.total:
            sft = run.total
        elif run.phase == "pref" and run.total:
            pref = run.total
        if (sft, pref) != self._totals:
            self._totals = (sft, pref)
            self.chart.set_totals(sft, pref)
        self.chart.add(run.losses)
        self.chart.setVisible(True)
        self.progress.setValue(round(1000 * self._fraction))
        self.progress_label.setText(self.words.progress(run, pref))
        self.pause_button.setText(self.tr("Resume") if run.paused else self.tr("Pause"))
        self.pause_button.setToolTip(self.tr("Go on training") if run.paused else
                                     self.tr("Stop the training process where it is until you resume it"))

    def _show_outcome(self, text: str, kind: str) -> None:
        # Only a failure is red: a verdict marks its own checks green and red.
        self.outcome.setStyleSheet(f"color: {status_colors(self.palette()).error}" if kind == "error" else "")
        self.outcome.setText(text)
        self.outcome.setVisible(bool(text))

    def _show_buttons(self) -> None:
        state = self.status.state
        running = state == "running"
        stopped = state == "interrupted"
        plan = self.snapshot.plan if self.snapshot is not None else None
        self.start_button.setVisible(not running and not stopped)
        self.start_button.setEnabled(not self._starting and plan is not None and plan.ready)
        self.resume_button.setVisible(stopped)
        self.discard_button.setVisible(stopped)
        self.resume_button.setEnabled(not self._starting)
        self.discard_button.setEnabled(not self._starting)
        self.pause_button.setVisible(running)
        self.cancel_button.setVisible(running)
        self.pause_button.setEnabled(running and not self._cancelling)
        self.cancel_button.setEnabled(running and not self._cancelling)

    def _adapter(self, version: str) -> "Adapter | None":
        if not version or self.snapshot is None:
            return None
        return next((a for a in self.snapshot.versions if a.version == version), None)

    def _active(self) -> str:
        return self.snapshot.active if self.snapshot is not None else self.training.active()

    # ---- the dialog's OK and Cancel -------------------------------------------------------

    def apply(self) -> None:
        """Write the learning settings into the settings (the dialog saves them)."""
        self.settings.apply()

    def revert(self) -> None:
        self.settings.revert()
