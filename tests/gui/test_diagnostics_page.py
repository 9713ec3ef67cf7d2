"""Diagnostics page: live charts from real Metrics, the health list, export to a zip."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import pytest
import shiboken6

from app.core import logs
from app.core.config import Settings, user_paths
from app.core.diagnostics import export_zip
from app.core.service.metrics import Metrics, RequestRecord
from app.core.types import Health, HealthState
from app.ui import i18n, workers
from app.ui.diagnostics import STATE_COLORS, DiagnosticsPage
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


class FakeAssistant(SimpleNamespace):
    """What the page needs from the facade: metrics, health(), export_diagnostics(), and
    what the export reads (paths, settings, models())."""

    def health(self) -> list[Health]:
        return list(self.parts)

    def models(self) -> list[object]:
        return []

    def export_diagnostics(self, path: Path) -> Path:
        return export_zip(self, path)  # as Assistant.export_diagnostics does


@pytest.fixture
def assistant() -> Iterator[FakeAssistant]:
    m = Metrics()
    now = time.time()
    for i, (tps, ttft, wait) in enumerate([(18.0, 0.6, 0.0), (21.5, 0.4, 0.2), (19.0, 0.5, 1.1), (23.0, 0.3, 0.0)]):
        m.record_request(RequestRecord("qwen2.5-coder-1.5b", "interactive", now - 60 + i * 10, wait, ttft,
                                       120, tps, 300 + 50 * i, "complete"))
    m.record_request(RequestRecord("qwen2.5-coder-1.5b", "background", now - 5, 2.0, None, 0, 0.0, 0,
                                   "error", "model_crashed"))
    m.set_queue_length("qwen2.5-coder-1.5b", 2)
    parts = [
        Health("model", HealthState.DEGRADED, "model_restarted", {"attempt": 1, "of": 3}),
        Health("index", HealthState.OK),
        Health("transcriber", HealthState.OFF),
    ]
    a = FakeAssistant(paths=user_paths().ensure(), settings=Settings(), metrics=m, parts=parts)
    yield a
    m.stop_sampler()
    logs.shutdown_logging()


@pytest.fixture
def page(qtbot, assistant) -> Iterator[DiagnosticsPage]:  # type: ignore[no-untyped-def]
    if i18n.current_language() != "en":
        i18n.install("en")
    p = DiagnosticsPage(assistant)
    p.resize(900, 860)
    p.show()
    qtbot.waitExposed(p)
    yield p
    assert workers.shutdown(5000), "a worker did not stop"
    p.close()
    shiboken6.delete(p)


def test_charts_show_requests_processes_and_queues(qtbot, page, assistant) -> None:  # type: ignore[no-untyped-def]
    assert page.timer.isActive()
    assert page.speed_chart.point_count("tokens_per_s") == 4
    assert page.latency_chart.point_count("ttft") == 4
    assert page.latency_chart.point_count("queue_wait") == 5
    assert [p.y() for p in page.speed_chart.series["tokens_per_s"].points()] == [18.0, 21.5, 19.0, 23.0]
    # The page started the process sampler; memory and CPU points arrive with the timer.
    qtbot.waitUntil(lambda: page.memory_chart.point_count("sova") >= 2, timeout=10_000)
    assert page.memory_chart.series["sova"].points()[-1].y() > 10  # MB
    assert page.cpu_chart.point_count("host") >= 2
    assert page.queue_chart.point_count("qwen2.5-coder-1.5b") >= 1
    assert page.queue_chart.series["qwen2.5-coder-1.5b"].points()[-1].y() == 2
    # New requests show up on the next tick.
    assistant.metrics.record_request(RequestRecord("qwen2.5-coder-1.5b", "interactive", time.time(), 0.0, 0.2,
                                                   50, 30.0, 100, "complete"))
    qtbot.waitUntil(lambda: page.speed_chart.point_count("tokens_per_s") == 5, timeout=5000)
    assert "Errors:" in page.summary.text() and "model crashed: 1" in page.summary.text()
    assert "requests: 6;" in page.summary.text()
    page.grab().save("/tmp/diag.png")


def test_health_list_shows_coloured_translated_states(page, assistant) -> None:  # type: ignore[no-untyped-def]
    lst = page.health_list
    rows = [(lst.topLevelItem(i).text(0), lst.topLevelItem(i).text(1), lst.topLevelItem(i).text(2))
            for i in range(lst.topLevelItemCount())]
    assert rows == [
        ("Model", "Degraded", "Restarted after a crash (1 of 3)"),
        ("Document index", "Working", ""),
        ("Speech recognition", "Not started", ""),
    ]
    assert lst.topLevelItem(0).foreground(1).color().name() == STATE_COLORS["degraded"]
    assistant.parts = [Health("model", HealthState.DOWN, "model_gave_up", {})]
    page.refresh()
    assert lst.topLevelItemCount() == 1
    assert lst.topLevelItem(0).text(1) == "Down"
    assert lst.topLevelItem(0).data(1, 0x0100) == "down"
    assert page.code_text("some_new_code") == "some_new_code"  # unknown codes stay readable


def test_timer_runs_only_while_visible(qtbot, page, assistant) -> None:  # type: ignore[no-untyped-def]
    assert assistant.metrics.sampling
    page.hide()
    assert not page.timer.isActive()
    qtbot.waitUntil(lambda: not assistant.metrics.sampling, timeout=5000)
    page.show()
    assert page.timer.isActive() and assistant.metrics.sampling


def test_export_writes_a_zip_in_the_background(qtbot, page, assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import logging

    logs.setup_logging(assistant.paths)
    logging.getLogger("app.test").info("before export")
    target = tmp_path / "bug-report"
    page.choose_export_path = lambda: str(target)
    with qtbot.waitSignal(page.sig_exported, timeout=30_000) as blocker:
        page.export_button.click()
        assert not page.export_button.isEnabled()
    assert blocker.args == [str(target) + ".zip"]
    qtbot.waitUntil(page.export_button.isEnabled, timeout=5000)
    with zipfile.ZipFile(target.with_name("bug-report.zip")) as zf:
        assert {"report.json", "logs/sova.log"} <= set(zf.namelist())
    assert "bug-report.zip" in page.export_status.text()


def test_export_failure_is_shown(qtbot, page, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocker_file = tmp_path / "file"
    blocker_file.write_text("x")
    with qtbot.waitSignal(page.sig_export_failed, timeout=30_000):
        page.export_to(blocker_file / "sub" / "x.zip")  # a file where a folder should be
    assert page.export_status.text().startswith("Could not export diagnostics:")


def test_russian_texts(qtbot, page) -> None:  # type: ignore[no-untyped-def]
    try:
        i18n.install("ru")
        qtbot.waitUntil(lambda: page.export_button.text() == "Экспорт диагностики…", timeout=2000)
        assert page.health_list.topLevelItem(0).text(0) == "Модель"
        page.grab().save("/tmp/diag-ru.png")
    finally:
        i18n.install("en")


def test_page_works_before_the_assistant_has_metrics(qtbot) -> None:  # type: ignore[no-untyped-def]
    bare = SimpleNamespace(paths=user_paths().ensure(), settings=Settings())  # no metrics, no health()
    p = DiagnosticsPage(bare)
    p.show()
    qtbot.waitExposed(p)
    try:
        qtbot.waitUntil(lambda: p.memory_chart.point_count("sova") >= 1, timeout=10_000)
        assert p.health_list.topLevelItemCount() == 3
        assert p.summary.text() == "No requests yet."
    finally:
        p.hide()
        assert not p.metrics.sampling
        p.close()
        shiboken6.delete(p)
