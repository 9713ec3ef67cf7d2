"""Settings dialog: language switch at run time, generation settings, model picker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from app.ui import i18n
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


def _ok(dialog) -> None:  # type: ignore[no-untyped-def]
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_language_switch_retranslates_the_running_window(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    assert window.new_action.text() == "New chat"
    dialog = window.open_settings()
    dialog.language.setCurrentIndex(dialog.language.findData("ru"))
    with qtbot.waitSignal(dialog.sig_language_changed, timeout=2000) as blocker:
        _ok(dialog)
    assert blocker.args == ["ru"] and i18n.current_language() == "ru"
    # LanguageChange events are posted; let them arrive.
    qtbot.waitUntil(lambda: window.new_action.text() == "Новый чат", timeout=2000)
    assert window.windowTitle() == "Сова"
    assert window.conversations.search_box.placeholderText() == "Поиск по всем чатам"
    assert window.chat.send_button.text() == "Отправить"
    assert window.chat.docs_toggle.text() == "Отвечать по документам"
    assert window.documents_dock.windowTitle() == "Документы"
    window.new_conversation()
    window.chat._ensure_conversation()  # an empty conversation keeps the core's default title
    window.conversations.refresh()
    assert window.conversations.list.item(0).text() == "Новый чат"
    assert "Новый чат" in window.chat.title.text()
    # Bubbles are laid out again in Russian.
    window.chat.send("привет")
    qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000).wait()
    footer = window.chat.view.delegate.layout_for(window.chat.model.index(1)).footer.toPlainText()
    assert "Копировать" in footer and "Ответить заново" in footer
    # Saved: the next start speaks Russian too.
    saved = json.loads(assistant.paths.settings_file.read_text(encoding="utf-8"))
    assert saved["language"] == "ru"
    # And back.
    dialog = window.open_settings()
    assert dialog.windowTitle() == "Настройки"
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    _ok(dialog)
    qtbot.waitUntil(lambda: window.new_action.text() == "New chat", timeout=2000)


def test_auto_language_follows_the_system_locale(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QLocale

    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("ru_RU")))
    assert i18n.resolve_language("auto") == "ru"
    monkeypatch.setattr(QLocale, "system", staticmethod(lambda: QLocale("de_DE")))
    assert i18n.resolve_language("auto") == "en"
    assert i18n.resolve_language("ru") == "ru"


def test_generation_settings_are_saved_and_model_reloaded(qtbot, window, assistant, script) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.sig_model_ready, timeout=5000):
        window.start_model_load()
    loads = script.loads
    dialog = window.open_settings()
    dialog.temperature.setValue(0.0)
    dialog.top_p.setValue(0.5)
    dialog.max_tokens.setValue(300)
    dialog.n_ctx.setValue(2048)
    dialog.n_threads.setValue(2)
    with qtbot.waitSignal(window.sig_model_ready, timeout=5000):
        _ok(dialog)
    g = assistant.settings.generation
    assert (g.temperature, g.top_p, g.max_tokens, g.n_ctx, g.n_threads) == (0.0, 0.5, 300, 2048, 2)
    assert script.loads == loads + 1
    saved = json.loads(assistant.paths.settings_file.read_text(encoding="utf-8"))["generation"]
    assert saved["n_ctx"] == 2048 and saved["max_tokens"] == 300


def test_model_picker_lists_adds_and_activates(qtbot, window, assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog = window.open_settings()
    assert dialog.model_ids() == ["fake", "fake2"]
    assert "active" in dialog.model_list.item(0).text()
    # A file that is not a GGUF: a readable error in the dialog, nothing added.
    bad = tmp_path / "notes.gguf"
    bad.write_bytes(b"hello world")
    dialog.choose_gguf = lambda: str(bad)
    dialog.add_model_file(bad)
    qtbot.waitUntil(lambda: "not a GGUF" in dialog.model_status.text(), timeout=5000)
    qtbot.waitUntil(dialog.add_button.isEnabled, timeout=5000)
    assert dialog.model_ids() == ["fake", "fake2"]
    # A good one is listed.
    good = tmp_path / "mine.gguf"
    good.write_bytes(b"GGUF" + b"\0" * 64)
    dialog.choose_gguf = lambda: str(good)
    with qtbot.waitSignal(dialog.model_list.model().rowsInserted, timeout=3000):
        dialog.add_button.click()
    qtbot.waitUntil(lambda: "mine" in dialog.model_ids(), timeout=3000)
    # Make it active: saved, and the window loads it in the background.
    dialog.model_list.setCurrentRow(dialog.model_ids().index("mine"))
    with qtbot.waitSignal(window.sig_model_ready, timeout=5000):
        dialog.activate_button.click()
    assert assistant.settings.active_model == "mine"
    assert window.model_label.text() == "mine"
    _ok(dialog)


def test_a_vision_pair_is_checked_before_it_is_listed(qtbot, window, assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.unit.images.test_vision import real_model, write_mmproj

    dialog = window.open_settings()
    model = real_model("qwen2.5-coder-0.5b")
    wrong = write_mmproj(tmp_path / "mmproj-1.5b.gguf", 1536)
    dialog.choose_gguf = lambda: str(model)
    dialog.choose_mmproj = lambda m: str(wrong)
    dialog.add_vision_button.click()
    qtbot.waitUntil(lambda: "mmproj-1.5b.gguf" in dialog.model_status.text(), timeout=5000)
    assert "1536" in dialog.model_status.text() and "896" in dialog.model_status.text()
    qtbot.waitUntil(dialog.add_vision_button.isEnabled, timeout=5000)
    assert dialog.model_ids() == ["fake", "fake2"]
    fits = write_mmproj(tmp_path / "mmproj-0.5b.gguf", 896)
    dialog.choose_mmproj = lambda m: str(fits)
    dialog.add_vision_button.click()
    qtbot.waitUntil(lambda: len(dialog.model_ids()) == 3, timeout=5000)
    row = dialog.model_list.item(2)
    assert "sees pictures" in row.text() and "mmproj-0.5b.gguf" in row.toolTip()
    _ok(dialog)
