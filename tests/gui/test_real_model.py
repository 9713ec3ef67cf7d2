"""The window with the REAL bundled 0.5B model: it loads in the background, streams an
answer into the view token batch by token batch, and Stop works mid-answer."""

from __future__ import annotations

import time
from typing import Iterator

import pytest
from PySide6.QtCore import QTimer

from app.core.types import MessageStatus
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.integration, pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


@pytest.fixture
def real_window(qtbot, sova_home) -> Iterator[object]:  # type: ignore[no-untyped-def]
    import shiboken6

    from app.core.assistant import Assistant
    from app.core.config import Settings
    from app.ui import i18n, workers
    from app.ui.main_window import MainWindow

    settings = Settings(active_model="qwen2.5-coder-0.5b")
    settings.generation.temperature = 0.0
    settings.generation.seed = 1
    settings.generation.n_threads = 2
    settings.generation.n_ctx = 2048
    settings.generation.max_tokens = 160
    assistant = Assistant(settings=settings)
    i18n.install("en")
    w = MainWindow(assistant)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.chat.cancel_all()
    workers.shutdown(10000)
    qtbot.wait(20)
    w.close()
    shiboken6.delete(w)
    assistant.close()


def test_real_model_loads_in_background_and_streams_an_answer(qtbot, real_window) -> None:  # type: ignore[no-untyped-def]
    w = real_window
    # The window keeps painting while the model loads: a 10 ms heartbeat never stalls long.
    beats: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start(10)
    with qtbot.waitSignal(w.sig_model_ready, timeout=120_000) as ready:
        w.start_model_load()
        assert w.progress.isVisible() and "Loading" in w.model_label.text()
    assert ready.args == ["Qwen2.5-Coder-0.5B-Instruct"] or "0.5B" in ready.args[0]
    qtbot.waitUntil(lambda: not w.progress.isVisible(), timeout=5000)  # hidden when the worker finishes

    updates: list[str] = []
    w.chat.model.dataChanged.connect(lambda a, b, r=None: updates.append(w.chat.model.text(a.row())))
    with qtbot.waitSignal(w.chat.sig_answer_done, timeout=120_000) as done:
        w.chat.send("What is the capital of France? Answer in one full sentence.")
    timer.stop()
    event = done.args[0]
    assert event.error is None and event.message.status == MessageStatus.COMPLETE
    answer = w.chat.model.text(1)
    assert "paris" in answer.lower()
    # It streamed: the bubble showed growing prefixes of the answer before the end.
    partials = [u for u in updates if u and u != answer]
    assert partials and all(answer.startswith(p) for p in partials)
    assert "tok/s" in w.stats_label.text()
    gaps = [b - a for a, b in zip(beats, beats[1:])]
    assert max(gaps) < 1.5, f"event loop stalled {max(gaps) * 1000:.0f} ms"  # a freeze; 50 ms: bench_stall.py


def test_real_model_stop_mid_answer(qtbot, real_window) -> None:  # type: ignore[no-untyped-def]
    w = real_window
    w.chat.send("Write a long numbered list of 40 fruits, one per line.")
    qtbot.waitUntil(lambda: len(w.chat.model.text(1)) > 30, timeout=120_000)
    t0 = time.monotonic()
    with qtbot.waitSignal(w.chat.sig_answer_done, timeout=10_000) as done:
        w.chat.stop()
    assert time.monotonic() - t0 < 2.0
    event = done.args[0]
    assert event.message.status == MessageStatus.INTERRUPTED
    assert event.message.content and w.chat.model.text(1) == event.message.content
    assert "Interrupted" in w.chat.view.delegate.layout_for(w.chat.model.index(1)).footer.toPlainText()


def test_model_host_killed_mid_answer_restarts_and_keeps_partial(qtbot, real_window) -> None:  # type: ignore[no-untyped-def]
    import os
    import signal

    w = real_window
    with qtbot.waitSignal(w.sig_model_ready, timeout=120_000):
        w.start_model_load()
    w.chat.send("Write a long numbered list of 40 fruits, one per line.")
    qtbot.waitUntil(lambda: len(w.chat.model.text(1)) > 30, timeout=120_000)
    pid = w.assistant.llm.host_pid
    shown: list[str] = []
    original = w.chat.banner.show_message
    w.chat.banner.show_message = lambda text, *a, **k: (shown.append(text), original(text, *a, **k))
    with qtbot.waitSignal(w.sig_model_ready, timeout=120_000):  # the window restarts the host
        with qtbot.waitSignal(w.chat.sig_answer_done, timeout=30_000) as done:
            os.kill(pid, signal.SIGKILL)
    event = done.args[0]
    assert event.error and event.message.status == MessageStatus.INTERRUPTED
    assert shown and "The model stopped unexpectedly; restarting" in shown[0]
    stored = w.assistant.messages(w.chat.conversation_id)
    assert stored[-1].content and stored[-1].status == MessageStatus.INTERRUPTED
    assert w.chat.model.text(1) == stored[-1].content
    assert w.assistant.llm.host_pid != pid
    # The next question works.
    with qtbot.waitSignal(w.chat.sig_answer_done, timeout=120_000) as done:
        w.chat.send("What is the capital of France? Answer in one full sentence.")
    assert done.args[0].error is None and "paris" in w.chat.model.text(3).lower()


def test_truncated_gguf_added_in_settings_shows_a_clear_error(qtbot, real_window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = real_window
    source = w.assistant.registry.ensure("qwen2.5-coder-0.5b").path
    broken = tmp_path / "broken.gguf"
    with open(source, "rb") as f:
        broken.write_bytes(f.read(4 * 1024 * 1024))
    dialog = w.open_settings()
    dialog.add_model_file(broken)
    qtbot.waitUntil(lambda: "Could not add" in dialog.model_status.text(), timeout=30_000)
    text = dialog.model_status.text()
    assert "Could not add the model" in text and "broken.gguf" in text
    assert "broken" not in " ".join(dialog.model_ids())
    dialog.reject()
