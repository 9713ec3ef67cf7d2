"""Run core work off the UI thread and hand results back as queued Qt signals.

The core stays Qt-free: it yields items (tokens, transcript segments, progress) or takes
a ``ProgressCallback`` and a ``CancelToken``. A worker runs that code on a pool thread
and turns every item into a queued signal, so the UI thread only paints. Errors become
the ``sig_error`` signal; nothing is ever raised into Qt's event loop.

Usage::

    worker = GeneratorWorker(lambda cancel: assistant.ask(cid, text, cancel))
    worker.signals.sig_item.connect(on_event)
    worker.signals.sig_finished.connect(on_done)
    start(worker)
    ...
    worker.cancel()
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterator

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from app.core.types import CancelToken, Cancelled, ProgressCallback

# Progress signals are throttled: a fast job reporting per item would flood the event loop.
_PROGRESS_INTERVAL_S = 0.05

_pool: QThreadPool | None = None
# Workers alive until their last signal is delivered: a QRunnable's Python wrapper (and
# its signals object) must not be garbage-collected while queued signals are in flight.
_alive: set["_Worker"] = set()


def pool() -> QThreadPool:
    """Sova's own thread pool (the global one is sized to the 2 cores, too small when a
    model load, an answer and an indexing job run at once)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(8)
        _pool.setExpiryTimeout(30_000)
    return _pool


class WorkerSignals(QObject):
    """What a worker reports. Created on the UI thread, so connected slots run there."""

    sig_item = Signal(object)  # one yielded item (GeneratorWorker)
    sig_progress = Signal(object, str)  # fraction 0..1 or None, text
    sig_result = Signal(object)  # the return value (FunctionWorker)
    sig_error = Signal(object)  # the exception; emitted instead of sig_result
    sig_cancelled = Signal()  # the job stopped because cancel() was called
    sig_finished = Signal()  # always the last signal, after result/error/cancelled


class _Worker(QRunnable):
    def __init__(self) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it (see _alive)
        self.signals = WorkerSignals()
        self.token = CancelToken()
        self._last_progress = 0.0

    # ---- API -----------------------------------------------------------------

    def cancel(self) -> None:
        """Ask the job to stop; it stops at its next check of the token."""
        self.token.cancel()

    @property
    def cancelled(self) -> bool:
        return self.token.cancelled

    def progress(self, fraction: float | None, text: str) -> None:
        """A ProgressCallback that emits sig_progress (throttled, final 1.0 always sent)."""
        now = time.monotonic()
        if fraction is not None and fraction < 1.0 and now - self._last_progress < _PROGRESS_INTERVAL_S:
            return
        self._last_progress = now
        self.signals.sig_progress.emit(fraction, text)

    # ---- plumbing ------------------------------------------------------------

    def _release(self) -> None:
        # Deferred: other slots of sig_finished may still be queued behind this one.
        QTimer.singleShot(0, lambda: _alive.discard(self))

    def run(self) -> None:  # pool thread
        try:
            self._run()
        except Cancelled:
            self.signals.sig_cancelled.emit()
        except BaseException as exc:  # noqa: BLE001 - errors become a signal, never reach Qt
            self.signals.sig_error.emit(exc)
        finally:
            self.signals.sig_finished.emit()

    def _run(self) -> None:
        raise NotImplementedError


class GeneratorWorker(_Worker):
    """Iterate ``make(cancel)`` on a pool thread; each item becomes ``sig_item``.

    ``stop_on_cancel=True`` closes the generator at the next item after cancel() and
    emits ``sig_cancelled``. Chat answers use ``False``: the facade sees the same token,
    stops the model itself and still yields its final DoneEvent (the saved partial answer).
    """

    def __init__(self, make: Callable[[CancelToken], Iterator[Any]], *, stop_on_cancel: bool = True) -> None:
        super().__init__()
        self._make = make
        self._stop_on_cancel = stop_on_cancel

    def _run(self) -> None:
        gen = self._make(self.token)
        try:
            for item in gen:
                self.signals.sig_item.emit(item)
                if self._stop_on_cancel and self.token.cancelled:
                    raise Cancelled()
        finally:
            close = getattr(gen, "close", None)
            if close is not None:
                close()


class FunctionWorker(_Worker):
    """Call a function on a pool thread; its return value becomes ``sig_result``.

    With ``job=True`` the function is called as ``fn(progress, cancel)`` (the core's
    convention for long jobs); otherwise as ``fn(*args, **kwargs)``.
    """

    def __init__(self, fn: Callable[..., Any], *args: Any, job: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self._fn = fn
        self._args = args
        self._kwargs = kwargs
        self._job = job

    def _run(self) -> None:
        if self._job:
            progress: ProgressCallback = self.progress
            result = self._fn(progress, self.token)
        else:
            result = self._fn(*self._args, **self._kwargs)
        if self.token.cancelled:
            raise Cancelled()
        self.signals.sig_result.emit(result)


def start(worker: _Worker) -> _Worker:
    """Queue a worker on Sova's pool; returns it for chaining."""
    _alive.add(worker)
    worker.signals.sig_finished.connect(worker._release)
    pool().start(worker)
    return worker


def active_workers() -> int:
    """Workers started and not yet finished (tests wait for zero)."""
    return len(_alive)


def shutdown(timeout_ms: int = 3000) -> bool:
    """Cancel every running worker and wait for the pool; True if all stopped in time."""
    for w in list(_alive):
        w.cancel()
    return pool().waitForDone(timeout_ms)


def while_alive(owner: QObject, fn: Callable[..., Any]) -> Callable[..., None]:
    """``fn`` as a worker-signal slot that does nothing once ``owner`` is deleted: a
    lambda slot is not disconnected with its widget, and a result that arrives after
    the settings dialog closed must not touch the deleted widgets."""
    import shiboken6

    def slot(*args: Any) -> None:
        if shiboken6.isValid(owner):
            fn(*args)

    return slot
