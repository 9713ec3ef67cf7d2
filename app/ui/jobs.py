"""The job runner as the UI sees it: every JobEvent becomes a queued Qt signal.

The core's JobRunner calls its listeners on its own event thread; a ``JobBridge``
subscribes once and re-emits each event (of the lanes it watches) as ``sig_job`` on the
thread that owns the bridge, so the slots connected to it run on the UI thread and may
touch widgets. The bridge unsubscribes when it is destroyed, and an event that races
with its destruction is dropped instead of reaching a deleted object.

Usage::

    bridge = JobBridge(assistant.jobs, lanes=("ingest",), parent=self)
    bridge.sig_job.connect(self._on_job)   # _on_job(ev: JobEvent), on the UI thread
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Callable, Iterable

from PySide6.QtCore import QObject, Qt, Signal, Slot

if TYPE_CHECKING:
    from app.core.assistant import JobEvent, JobRunner


class JobBridge(QObject):
    """Re-emits the runner's JobEvents (of ``lanes``, or all) as ``sig_job`` on this object's thread."""

    sig_job = Signal(object)  # a JobEvent, delivered on the bridge's (the UI) thread
    _sig_event = Signal(object)  # emitted on the runner's event thread; queued to ours

    def __init__(self, runner: "JobRunner", lanes: Iterable[str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.lanes = frozenset(lanes) if lanes is not None else None
        self._lock = threading.Lock()
        self._state = state = {"alive": True}
        self._sig_event.connect(self._relay, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = runner.subscribe(self._listen)
        lock, unsubscribe = self._lock, self._unsubscribe

        def gone() -> None:
            # Runs while the C++ object is destroyed: only what this closure holds is safe.
            with lock:  # waits for an emit in progress on the event thread
                state["alive"] = False
            unsubscribe()

        self.destroyed.connect(gone)

    def _listen(self, ev: "JobEvent") -> None:  # the runner's event thread
        if self.lanes is not None and ev.lane not in self.lanes:
            return
        with self._lock:
            if self._state["alive"]:
                self._sig_event.emit(ev)

    @Slot(object)
    def _relay(self, ev: "JobEvent") -> None:  # this object's thread
        self.sig_job.emit(ev)

    def close(self) -> None:
        """Stop listening now (also done when the bridge is destroyed)."""
        with self._lock:
            self._state["alive"] = False
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
