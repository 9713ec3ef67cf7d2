"""The Privacy page: the offline promise, where the data lives, and deleting it."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import shiboken6
from PySide6.QtCore import QLocale, Qt

from app.core.assistant import Assistant
from app.ui import workers
from app.ui.settings_pages.privacy import PrivacyPage, folder_of
from tests.fakes.embedder import FakeEmbedder
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]

KINDS = ["conversations", "documents", "models", "settings", "logs"]
SCREENSHOT = "/tmp/privacy.png"


@pytest.fixture
def a() -> Iterator[Assistant]:
    embedder = FakeEmbedder()
    assistant = Assistant(llm_factory=fake_factory(FakeLLM(reply="ok")), registry=FakeRegistry(),  # type: ignore[arg-type]
                          memory_embedder=lambda: embedder)
    assistant.settings.active_model = "fake"
    conv = assistant.new_conversation()
    list(assistant.ask(conv.id, "hello there"))
    assistant.remember("I live in Kazan")
    yield assistant
    assert workers.shutdown(5000), "a worker did not stop"
    assistant.close()


@pytest.fixture
def page(qtbot, a: Assistant) -> Iterator[PrivacyPage]:  # type: ignore[no-untyped-def]
    p = PrivacyPage(a)
    p.resize(760, 480)
    p.show()  # measured when first shown
    qtbot.waitExposed(p)
    qtbot.waitUntil(lambda: p.table.topLevelItemCount() == 5 and not p._measuring, timeout=5000)
    yield p
    qtbot.waitUntil(lambda: workers.active_workers() == 0, timeout=5000)
    p.close()
    shiboken6.delete(p)


def rows(page: PrivacyPage) -> list[tuple[str, str, str]]:
    return [(page.table.topLevelItem(r).text(0), page.table.topLevelItem(r).text(1),
             page.table.topLevelItem(r).text(2)) for r in range(page.table.topLevelItemCount())]


def test_table_lists_every_kind_with_its_size(qtbot, page: PrivacyPage, a: Assistant) -> None:  # type: ignore[no-untyped-def]
    assert page.objectName() == "privacyPage" and page.table.objectName() == "dataTable"
    assert [k for k, _, _ in page.usage] == KINDS
    labels = [label for label, _, _ in rows(page)]
    assert labels == ["Conversations, memory and personas", "Document index", "Models", "Settings", "Logs"]
    for (_, where, size), (_, path, n) in zip(rows(page), page.usage):
        assert where == str(path)
        assert size.split()[-1] in ("B", "KB", "MB", "GB") and size.split()[0][0].isdigit(), size
    conversations = dict((k, n) for k, _, n in page.usage)["conversations"]
    assert conversations > 0
    assert rows(page)[0][2] != "0 B"
    page.grab().save(SCREENSHOT)


def test_sizes_for_people(page: PrivacyPage) -> None:
    previous = QLocale()
    QLocale.setDefault(QLocale("en_US"))
    try:
        assert page.size_text(0) == "0 B"
        assert page.size_text(1023) == "1,023 B"
        assert page.size_text(1536) == "1.50 KB"
        assert page.size_text(200 * 1024) == "200.0 KB"
        assert page.size_text(5 * 1024 * 1024) == "5.00 MB"
        assert page.size_text(int(1.5 * 1024**3)) == "1.50 GB"
        assert page.size_text(3 * 1024**4) == "3,072.0 GB"  # no bigger unit
        QLocale.setDefault(QLocale("ru_RU"))
        assert page.size_text(1536) == "1,50 KB"  # the locale's decimal comma (units translated later)
    finally:
        QLocale.setDefault(previous)


def test_refresh_measures_again(qtbot, page: PrivacyPage, a: Assistant) -> None:  # type: ignore[no-untyped-def]
    before = dict((k, n) for k, _, n in page.usage)["logs"]
    logs = dict((k, p) for k, p, _ in page.usage)["logs"]
    logs.mkdir(parents=True, exist_ok=True)
    (logs / "extra.log").write_bytes(b"x" * 5000)
    qtbot.mouseClick(page.refresh_button, qtbot_left())
    assert not page.refresh_button.isEnabled()
    qtbot.waitUntil(lambda: dict((k, n) for k, _, n in page.usage)["logs"] >= before + 5000, timeout=5000)
    qtbot.waitUntil(page.refresh_button.isEnabled, timeout=5000)


def qtbot_left() -> Qt.MouseButton:
    return Qt.MouseButton.LeftButton


def test_open_folder_opens_an_existing_folder(qtbot, page: PrivacyPage) -> None:  # type: ignore[no-untyped-def]
    opened: list[Path] = []
    page.open_folder = opened.append
    # The database is a file: its folder opens.
    button = page.table.itemWidget(page.table.topLevelItem(0), 3)
    assert button is not None and button.text() == "Open folder"
    qtbot.mouseClick(button, qtbot_left())
    db = page.usage[0][1]
    assert opened == [db.parent] and opened[0].is_dir()
    # Every row opens an existing folder, even a place not created yet.
    for row in range(5):
        page.open_row(row)
    assert len(opened) == 6 and all(p.is_dir() for p in opened)
    assert folder_of(Path("/nonexistent/a/b.txt")) == Path("/")


def test_delete_all_asks_first_and_a_no_changes_nothing(qtbot, page: PrivacyPage, a: Assistant) -> None:  # type: ignore[no-untyped-def]
    asked: list[str] = []

    def refuse(text: str) -> bool:
        asked.append(text)
        return False

    page.confirm = refuse
    qtbot.mouseClick(page.delete_button, qtbot_left())
    assert len(asked) == 1
    text = asked[0]
    for words in ("conversations", "remembers", "document index", "logs", "Personas, settings and the downloaded models stay",
                  "cannot be undone"):
        assert words in text, words
    assert page.delete_button.isEnabled() and page.status.text() == ""
    assert len(a.conversations()) == 1 and len(a.facts()) == 1


def test_delete_all_deletes_in_a_worker_and_announces_it(qtbot, page: PrivacyPage, a: Assistant) -> None:  # type: ignore[no-untyped-def]
    page.confirm = lambda text: True
    before = dict((k, n) for k, _, n in page.usage)
    with qtbot.waitSignal(page.sig_data_deleted, timeout=10000):
        qtbot.mouseClick(page.delete_button, qtbot_left())
        assert not page.delete_button.isEnabled()  # the click returned at once: the work runs elsewhere
    assert a.conversations() == [] and a.facts() == []
    assert page.status.text() == "Deleted all conversations, memories, the document index and the logs."
    assert page.delete_button.isEnabled()
    # The table is measured again after the deletion.
    qtbot.waitUntil(lambda: not page._measuring and dict((k, n) for k, _, n in page.usage)["conversations"]
                    <= before["conversations"], timeout=5000)
    # Personas and settings stay.
    assert a.personas()


def test_a_failed_deletion_shows_the_error(qtbot, page: PrivacyPage, a: Assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    def broken(progress) -> None:  # type: ignore[no-untyped-def]
        progress(0.1, "conversations")
        raise OSError("disk on fire")

    monkeypatch.setattr(a, "delete_all_data", broken)
    page.confirm = lambda text: True
    with qtbot.waitSignal(page.sig_data_deleted, timeout=5000):
        page.delete_all()
    assert page.status.text() == "Could not delete everything: disk on fire"
    assert page.delete_button.isEnabled()


def test_offline_line_local_and_remote(qtbot, a: Assistant) -> None:  # type: ignore[no-untyped-def]
    local = PrivacyPage(a)
    qtbot.addWidget(local)
    assert "works offline" in local.offline_label.text() and "never sent anywhere" in local.offline_label.text()
    assert local.offline_label.property("remote") is False
    a.settings.backend = "remote"
    a.settings.remote.base_url = "http://192.168.1.5:8080/v1"
    remote = PrivacyPage(a)
    qtbot.addWidget(remote)
    text = remote.offline_label.text()
    assert "http://192.168.1.5:8080/v1" in text and "only exception" in text
    assert "never sent anywhere" not in text
    assert "color:#" in text.replace(" ", "")  # a warning colour
    assert remote.offline_label.property("remote") is True
