"""Settings › Models: choosing an OpenAI-compatible server as the backend.

Connect lists the server's models off the UI thread; errors are shown in words; OK saves
the choice (the API key to the keyring, never to the settings file) and announces it.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Iterator

import pytest
import shiboken6
from PySide6.QtWidgets import QDialogButtonBox

from tests.fakes.openai_server import FakeOpenAI
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE), pytest.mark.enable_socket]


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(models=["llama-3-8b", "qwen-vl"], api_key="s3cret", version="b4567") as s:
        yield s


@pytest.fixture
def dialog(qtbot, assistant):  # type: ignore[no-untyped-def]
    from app.ui import workers
    from app.ui.settings_dialog import SettingsDialog

    d = SettingsDialog(assistant)
    qtbot.addWidget(d)
    d.show()
    d.show_page("models")
    yield d
    assert workers.shutdown(5000)
    # Gone before the assistant closes: a later language change must not reach its pages.
    d.close()
    shiboken6.delete(d)


def test_server_backend_connect_and_save(qtbot, dialog, assistant, server, file_keyring, sova_home: Path) -> None:  # type: ignore[no-untyped-def]
    assert dialog.backend_combo.currentData() == "local"
    assert dialog.local_box.isVisible() and not dialog.remote_box.isVisible()
    dialog.backend_combo.setCurrentIndex(dialog.backend_combo.findData("remote"))
    assert dialog.remote_box.isVisible() and not dialog.local_box.isVisible()
    dialog.remote_url.setText(server.base_url)
    # Without the key the server says no, in words.
    dialog.remote_connect.click()
    qtbot.waitUntil(lambda: "API key" in dialog.remote_status.text(), timeout=5000)
    qtbot.waitUntil(dialog.remote_connect.isEnabled, timeout=5000)
    # With it: the model list fills in.
    dialog.remote_key.setText("s3cret")
    dialog.remote_connect.click()
    qtbot.waitUntil(lambda: dialog.remote_model.count() == 2, timeout=5000)
    assert "2 models" in dialog.remote_status.text() and "b4567" in dialog.remote_status.text()
    dialog.remote_model.setCurrentIndex(1)
    dialog.remote_vision.setChecked(True)
    with qtbot.waitSignal(dialog.sig_backend_changed, timeout=3000) as changed:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert changed.args == ["remote"]
    s = assistant.settings
    assert s.backend == "remote" and s.remote.base_url == server.base_url
    assert s.remote.model == "qwen-vl" and s.remote.vision is True
    from app.core.llm.remote import stored_api_key

    assert stored_api_key() == "s3cret"
    saved = json.loads(assistant.paths.settings_file.read_text("utf-8"))
    assert saved["backend"] == "remote" and saved["remote"]["model"] == "qwen-vl"
    assert not any("s3cret" in p.read_text("utf-8", "replace") for p in sova_home.rglob("*") if p.is_file())


def test_refused_connection_is_explained(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    dialog.backend_combo.setCurrentIndex(dialog.backend_combo.findData("remote"))
    dialog.remote_url.setText(f"http://127.0.0.1:{port}/v1")
    dialog.remote_connect.click()
    qtbot.waitUntil(lambda: "Nothing is listening" in dialog.remote_status.text(), timeout=5000)
    assert f"127.0.0.1:{port}" in dialog.remote_status.text()


def test_unchanged_local_backend_announces_nothing(qtbot, dialog, assistant) -> None:  # type: ignore[no-untyped-def]
    emitted: list[str] = []
    dialog.sig_backend_changed.connect(emitted.append)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert emitted == [] and assistant.settings.backend == "local"
