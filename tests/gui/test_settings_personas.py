"""Settings → Personas, and the persona selector in the chat header."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox

from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


def _page(window):  # type: ignore[no-untyped-def]
    dialog = window.open_settings("personas")
    return dialog, dialog.pages["personas"]


def test_pages_are_registered_by_key(window) -> None:  # type: ignore[no-untyped-def]
    dialog = window.open_settings()
    assert list(dialog.pages) == ["general", "appearance", "personas", "memory", "feedback", "generation", "models",
                                  "voice", "privacy", "diagnostics"]
    titles = [dialog.page_list.item(i).text() for i in range(dialog.page_list.count())]
    assert titles[:5] == ["General", "Appearance", "Personas", "Memory", "Feedback and training"]
    assert dialog.show_page("memory") is dialog.stack.currentWidget()
    dialog.reject()


def test_create_edit_and_use_a_persona(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    dialog, page = _page(window)
    assert page.persona_ids() == ["general", "roaster", "legal", "support"]
    page.new_persona()
    page.name.setText("Pirate")
    page.prompt.setPlainText("Talk like a pirate.")
    page.spice.setValue(4)
    page.memory.setCurrentIndex(page.memory.findData("own"))
    assert page.save()
    pirate = next(p for p in assistant.personas() if p.name == "Pirate")
    assert (pirate.spice, pirate.memory, pirate.system_prompt) == (4, "own", "Talk like a pirate.")
    # the chat header lists it at once
    combo = window.chat.persona_combo
    assert any("Pirate" in combo.itemText(i) for i in range(combo.count()))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    # a new chat with it: its name shows on the answer
    window.new_conversation()
    window.chat.set_persona(pirate.id)
    window.chat.send("Ahoy, who are you?")
    done = qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000)
    done.wait()
    assert assistant.conversation(window.chat.conversation_id).persona == pirate.id
    layout = window.chat.view.delegate.layout_for(window.chat.model.index(1))
    assert "Pirate" in layout.header.toPlainText()


def test_editing_a_shipped_persona_keeps_its_translations_unless_the_text_changes(window, assistant) -> None:  # type: ignore[no-untyped-def]
    dialog, page = _page(window)
    page.select("roaster")
    page.spice.setValue(4)
    assert page.save()
    roaster = assistant.persona("roaster")
    assert roaster.spice == 4 and roaster.prompts["ru"] and roaster.names["ru"] == "Язвительный насмешник"
    page.name.setText("Roast master")
    assert page.save()
    assert assistant.persona("roaster").display_name("ru") == "Roast master"
    dialog.reject()


def test_duplicate_default_and_delete(window, assistant) -> None:  # type: ignore[no-untyped-def]
    dialog, page = _page(window)
    page.select("legal")
    page.duplicate()
    copy = next(p for p in assistant.personas() if p.name.endswith("(2)"))
    page.default_box.setChecked(True)
    assert page.save()
    assert assistant.settings.default_persona == copy.id
    page.confirm = lambda q: False
    page.delete()
    assert copy.id in page.persona_ids()
    page.confirm = lambda q: True
    page.delete()
    assert copy.id not in page.persona_ids() and assistant.persona(None).id != copy.id
    dialog.reject()


def test_import_export_and_bad_files(window, assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    dialog, page = _page(window)
    page.select("support")
    out = tmp_path / "support.json"
    page.choose_export_file = lambda name: str(out)
    page.export_file()
    assert json.loads(out.read_text("utf-8"))["personas"][0]["id"] == "support"
    page.choose_import_file = lambda: str(out)
    page.import_file()
    assert len(assistant.personas()) == 5 and "Imported 1" in page.status.text()
    before = assistant.personas()
    bad = tmp_path / "bad.json"
    bad.write_text("{ this is not json", "utf-8")
    page.choose_import_file = lambda: str(bad)
    page.import_file()
    assert "bad.json is not a usable persona file" in page.status.text() and assistant.personas() == before
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"format": "sova-personas", "version": 7, "personas": [{"name": "x"}]}), "utf-8")
    page.choose_import_file = lambda: str(newer)
    page.import_file()
    assert "another version of Sova (version 7)" in page.status.text() and assistant.personas() == before
    huge = tmp_path / "huge.json"
    huge.write_text(json.dumps({"format": "sova-personas", "version": 1,
                                "personas": [{"name": "x", "system_prompt": "y" * 600_000}]}), "utf-8")
    page.choose_import_file = lambda: str(huge)
    page.import_file()
    assert "too large" in page.status.text() and assistant.personas() == before
    dialog.reject()


def test_switching_persona_in_the_header_keeps_the_model(qtbot, window, assistant, script) -> None:  # type: ignore[no-untyped-def]
    window.new_conversation()
    window.chat.send("hello")
    qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000).wait()
    loads = script.loads
    window.chat.set_persona("roaster")
    assert assistant.conversation(window.chat.conversation_id).persona == "roaster"
    window.chat.send("and again")
    qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000).wait()
    assert script.loads == loads
    assert "sarcastic" in script.calls[-1][0]["content"]
