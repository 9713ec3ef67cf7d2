"""Workers: items become queued signals on the UI thread; errors and cancel are signals."""

from __future__ import annotations

import threading
import time
from typing import Iterator

import pytest
from PySide6.QtCore import QThread

from app.core.types import CancelToken, ProgressCallback
from app.ui.workers import FunctionWorker, GeneratorWorker, active_workers, start
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


def test_generator_items_arrive_in_order_on_the_ui_thread(qtbot) -> None:  # type: ignore[no-untyped-def]
    producer: list[int] = []

    def gen(cancel: CancelToken) -> Iterator[int]:
        producer.append(threading.get_ident())
        yield from range(50)

    got: list[int] = []
    threads: set[object] = set()
    w = GeneratorWorker(gen)
    w.signals.sig_item.connect(lambda x: (got.append(x), threads.add(QThread.currentThread())))
    with qtbot.waitSignal(w.signals.sig_finished, timeout=3000):
        start(w)
    assert got == list(range(50))
    assert producer[0] != threading.get_ident()  # produced off the UI thread
    assert threads == {QThread.currentThread()}  # delivered on it
    qtbot.waitUntil(lambda: active_workers() == 0, timeout=1000)


def test_errors_become_a_signal_not_an_exception(qtbot) -> None:  # type: ignore[no-untyped-def]
    def gen(cancel: CancelToken) -> Iterator[int]:
        yield 1
        raise ValueError("broken input")

    order: list[str] = []
    w = GeneratorWorker(gen)
    w.signals.sig_item.connect(lambda x: order.append(f"item {x}"))
    w.signals.sig_error.connect(lambda e: order.append(f"error {e}"))
    w.signals.sig_finished.connect(lambda: order.append("finished"))
    with qtbot.waitSignal(w.signals.sig_finished, timeout=3000):
        start(w)
    assert order == ["item 1", "error broken input", "finished"]


def test_cancel_is_checked_between_items(qtbot) -> None:  # type: ignore[no-untyped-def]
    produced: list[int] = []

    def gen(cancel: CancelToken) -> Iterator[int]:
        for i in range(1000):
            produced.append(i)
            time.sleep(0.002)
            yield i

    w = GeneratorWorker(gen)
    cancelled: list[bool] = []
    w.signals.sig_cancelled.connect(lambda: cancelled.append(True))
    w.signals.sig_item.connect(lambda i: w.cancel() if i == 5 else None)
    with qtbot.waitSignal(w.signals.sig_finished, timeout=5000):
        start(w)
    assert cancelled == [True]
    assert len(produced) < 200


def test_function_job_reports_progress_and_result(qtbot) -> None:  # type: ignore[no-untyped-def]
    def job(progress: ProgressCallback, cancel: CancelToken) -> str:
        for i in range(5):
            progress(i / 4, f"step {i}")
            time.sleep(0.06)  # slower than the progress throttle
        return "done"

    steps: list[tuple[object, str]] = []
    results: list[str] = []
    w = FunctionWorker(job, job=True)
    w.signals.sig_progress.connect(lambda f, t: steps.append((f, t)))
    w.signals.sig_result.connect(results.append)
    with qtbot.waitSignal(w.signals.sig_finished, timeout=3000):
        start(w)
    assert results == ["done"]
    assert steps[-1] == (1.0, "step 4") and len(steps) >= 3


def test_function_with_arguments_and_error(qtbot) -> None:  # type: ignore[no-untyped-def]
    errors: list[BaseException] = []
    w = FunctionWorker(int, "not a number")
    w.signals.sig_error.connect(errors.append)
    with qtbot.waitSignal(w.signals.sig_finished, timeout=3000):
        start(w)
    assert isinstance(errors[0], ValueError)


def test_while_alive_drops_results_for_a_deleted_widget(qtbot) -> None:  # type: ignore[no-untyped-def]
    import shiboken6
    from PySide6.QtWidgets import QLabel

    from app.ui.workers import while_alive

    label = QLabel()
    slot = while_alive(label, lambda text: label.setText(text))
    slot("shown")
    assert label.text() == "shown"
    shiboken6.delete(label)
    slot("late")  # would raise "Internal C++ object already deleted" unguarded
