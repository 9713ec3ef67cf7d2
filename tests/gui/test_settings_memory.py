"""Settings → Memory: list, search, edit, pin, delete, forget everything, provenance."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


def _remember(qtbot, window, text: str) -> None:  # type: ignore[no-untyped-def]
    window.chat.send(text)
    qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000).wait()


def test_facts_from_the_chat_show_with_their_source(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    window.new_conversation()
    _remember(qtbot, window, "Запомни, что я работаю юристом")
    assert "Запомнила" in window.chat.model.text(1)
    _remember(qtbot, window, "Remember that I have a cat named Murka")
    dialog = window.open_settings("memory")
    page = dialog.pages["memory"]
    assert page.fact_texts() == ["I have a cat named Murka", "Я работаю юристом"]
    page.search.setText("murka")
    assert page.fact_texts() == ["I have a cat named Murka"]
    assert "Remember that I have a cat named Murka" in page.details.toPlainText()
    with qtbot.waitSignal(page.sig_open_conversation) as opened:
        page._on_link(f"open:{window.chat.conversation_id}:{assistant.facts()[0].message_id}")
    assert opened.args[0] == window.chat.conversation_id
    dialog.reject()


def test_edit_pin_delete_and_filters(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    assistant.remember("I live in Moscow")
    assistant.remember("My name is Boris", "legal")
    dialog = window.open_settings("memory")
    page = dialog.pages["memory"]
    page.scope.setCurrentIndex(page.scope.findData("legal"))
    assert page.fact_texts() == ["My name is Boris"]
    page.scope.setCurrentIndex(page.scope.findData(""))
    assert page.fact_texts() == ["I live in Moscow"]
    page.ask_text = lambda label, text: "I live in Kazan"
    page.edit()
    fact = assistant.facts("")[0]
    assert fact.text == "I live in Kazan" and [h.text for h in assistant.fact(fact.id).history] == ["I live in Moscow"]
    assert "I live in Moscow" in page.details.toPlainText()  # the history shows
    page.toggle_pin()
    assert assistant.fact(fact.id).pinned and page.fact_texts() == ["I live in Kazan"]
    page.ask_text = lambda label, text: "   "
    page.add()  # nothing typed: nothing stored
    page.ask_text = lambda label, text: "x" * 400
    page.add()
    assert "at most 300" in page.status.text()
    page.delete()
    assert assistant.facts("") == []
    dialog.reject()


def test_forget_everything_asks_first(window, assistant) -> None:  # type: ignore[no-untyped-def]
    assistant.remember("I live in Moscow")
    dialog = window.open_settings("memory")
    page = dialog.pages["memory"]
    page.confirm = lambda q: False
    page.forget_everything()
    assert len(assistant.facts()) == 1
    page.confirm = lambda q: "cannot be restored" in q
    page.forget_everything()
    assert assistant.facts() == [] and page.fact_texts() == [] and "Forgot 1" in page.status.text()
    dialog.reject()


def test_memory_switches_are_saved_with_ok(window, assistant) -> None:  # type: ignore[no-untyped-def]
    dialog = window.open_settings("memory")
    page = dialog.pages["memory"]
    page.extract.setChecked(False)
    page.enabled.setChecked(False)
    assert not page.extract.isEnabled()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert assistant.settings.memory.enabled is False and assistant.settings.memory.extract is False


def test_answer_details_link_to_the_fact(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    fact = assistant.remember("My name is Andrew")
    window.new_conversation()
    window.chat.send("What is my name?")
    qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000).wait()
    msg = window.chat.model.message(1)
    assert msg.details["memory"] == [{"id": fact.id, "text": "My name is Andrew"}]
    footer = window.chat.view.delegate.layout_for(window.chat.model.index(1)).footer.toPlainText()
    assert "Details" in footer
    window.chat.show_details(1)
    details = window.chat.details_dialog
    assert "My name is Andrew" in details.browser.toPlainText()
    details._on_anchor(__import__("PySide6.QtCore", fromlist=["QUrl"]).QUrl(f"fact:{fact.id}"))
    qtbot.waitUntil(lambda: window.settings_dialog is not None)
    page = window.settings_dialog.pages["memory"]
    assert page.current_fact_id() == fact.id and window.settings_dialog.stack.currentWidget() is page
    window.settings_dialog.reject()
    details.close()
