"""The main window with a scripted fake model: chat, conversations, errors, drops."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QLineEdit

from app.core.llm import ModelCrashed, ModelError
from app.core.types import Citation, DoneEvent, MessageStatus, Role, SourcesEvent, TokenEvent
from app.ui.chat import FLUSH_MS
from app.ui.chat_model import ErrorRole, StreamingRole
from app.ui import workers
from app.ui.main_window import MainWindow, route_paths
from tests.fakes.llm import ANSWER
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


def ask(qtbot, window: MainWindow, text: str, timeout: int = 5000) -> DoneEvent:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=timeout) as blocker:
        window.chat.input.setPlainText(text)
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    return blocker.args[0]


def bubble_texts(window: MainWindow) -> list[tuple[str, str]]:
    m = window.chat.model
    return [(str(m.message(r).role), m.text(r)) for r in range(m.rowCount())]


def test_send_streams_markdown_answer_and_stores_it(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    done = ask(qtbot, window, "Show me code")
    assert done.error is None and done.message.status == MessageStatus.COMPLETE
    assert bubble_texts(window) == [("user", "Show me code"), ("assistant", ANSWER)]
    assert window.chat.input.toPlainText() == ""
    # Stored by the facade, listed on the left, titled after the question.
    conv_id = window.chat.conversation_id
    assert [m.content for m in assistant.messages(conv_id)] == ["Show me code", ANSWER]
    assert window.conversations.ids() == [conv_id]
    assert window.conversations.list.item(0).text() == "Show me code"
    # Markdown rendered: the code block is a table cell with monospace text, the list has items.
    lay = window.chat.view.delegate.layout_for(window.chat.model.index(1))
    html = lay.body.toHtml()
    assert "print('hello')" in lay.body.toPlainText() and "<table" in html and "<li" in html
    assert "hello" not in lay.footer.toPlainText()
    # Status bar: tokens/s and context use from the DoneEvent's stats.
    assert "tok/s" in window.stats_label.text() and "/ 4096" in window.stats_label.text()


def test_shift_enter_adds_a_line_without_sending(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    window.chat.input.setPlainText("line one")
    window.chat.input.moveCursor(window.chat.input.textCursor().MoveOperation.End)
    qtbot.keyClick(window.chat.input, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(window.chat.input, "line two")
    assert window.chat.input.toPlainText() == "line one\nline two"
    assert window.chat.model.rowCount() == 0


def test_tokens_are_batched_into_few_repaints(qtbot, window, script) -> None:  # type: ignore[no-untyped-def]
    script.answer = "word " * 200
    script.delay = 0.001
    changes: list[int] = []
    window.chat.model.dataChanged.connect(lambda a, b, r=None: changes.append(a.row()))
    ask(qtbot, window, "many tokens")
    assert window.chat.model.text(1) == "word " * 200
    # 200 tokens but at most one update per FLUSH_MS (+ a few for notes/finish).
    assert len(changes) < 200 / 2, len(changes)
    assert FLUSH_MS >= 30


def test_stop_keeps_partial_answer_marked_interrupted(qtbot, window, script, assistant) -> None:  # type: ignore[no-untyped-def]
    script.answer = "slow " * 100
    script.delay = 0.03
    window.chat.send("tell me a long story")
    qtbot.waitUntil(lambda: len(window.chat.model.text(1)) > 20, timeout=5000)
    assert window.chat.send_button.text() == "Stop"
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=3000) as blocker:
        qtbot.mouseClick(window.chat.send_button, Qt.MouseButton.LeftButton)
    done = blocker.args[0]
    assert done.message.status == MessageStatus.INTERRUPTED
    partial = window.chat.model.text(1)
    assert 0 < len(partial) < len("slow " * 100)
    assert window.chat.model.index(1).data(StreamingRole) is False
    # Marked visibly in the bubble, and saved as interrupted.
    assert "Interrupted" in window.chat.view.delegate.layout_for(window.chat.model.index(1)).footer.toPlainText()
    stored = assistant.messages(window.chat.conversation_id)[-1]
    assert stored.status == MessageStatus.INTERRUPTED and stored.content == partial
    assert window.chat.send_button.text() == "Send"


def test_regenerate_replaces_last_answer(qtbot, window, script, assistant) -> None:  # type: ignore[no-untyped-def]
    ask(qtbot, window, "question")
    script.answer = "A different answer."
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000):
        click_link(qtbot, window, 1, "sova:regenerate")
    assert bubble_texts(window) == [("user", "question"), ("assistant", "A different answer.")]
    assert [m.content for m in assistant.messages(window.chat.conversation_id)] == ["question", "A different answer."]


def test_regenerate_while_streaming_drops_the_superseded_request(qtbot, window, script, assistant) -> None:  # type: ignore[no-untyped-def]
    script.answer = "old " * 200
    script.delay = 0.01
    window.chat.send("q")
    qtbot.waitUntil(lambda: "old" in window.chat.model.text(1), timeout=5000)
    script.answer = "new answer"
    script.delay = 0.0
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000) as blocker:
        window.chat.regenerate()
    assert blocker.args[0].message.content == "new answer"
    # Late events of the old request must not leak into the view: wait until every
    # worker (the superseded one included) has delivered its last signal.
    qtbot.waitUntil(lambda: workers.active_workers() == 0, timeout=10_000)
    assert bubble_texts(window) == [("user", "q"), ("assistant", "new answer")]
    assert [m.content for m in assistant.messages(window.chat.conversation_id)] == ["q", "new answer"]


def test_edit_and_resend_last_question(qtbot, window, script, assistant) -> None:  # type: ignore[no-untyped-def]
    ask(qtbot, window, "Whats 2+2")
    click_link(qtbot, window, 0, "sova:edit")
    assert window.chat.input.toPlainText() == "Whats 2+2"
    assert window.chat.edit_hint.isVisibleTo(window)
    script.answer = "4"
    window.chat.input.setPlainText("What is 2+2?")
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000):
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    assert bubble_texts(window) == [("user", "What is 2+2?"), ("assistant", "4")]
    assert [m.content for m in assistant.messages(window.chat.conversation_id)] == ["What is 2+2?", "4"]
    assert not window.chat.edit_hint.isVisibleTo(window)


def test_copy_puts_message_on_clipboard(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    ask(qtbot, window, "copy me")
    click_link(qtbot, window, 1, "sova:copy")
    assert QGuiApplication.clipboard().text() == ANSWER


def click_link(qtbot, window: MainWindow, row: int, href: str) -> None:  # type: ignore[no-untyped-def]
    view = window.chat.view
    view.scrollTo(window.chat.model.index(row))
    qtbot.wait(10)
    pos = view.link_position(row, href)
    assert pos is not None, f"no {href} link in row {row}"
    assert view.anchor_at(pos) == (row, href)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_switch_conversations(qtbot, window, script) -> None:  # type: ignore[no-untyped-def]
    ask(qtbot, window, "first chat")
    first = window.chat.conversation_id
    qtbot.mouseClick(window.conversations.new_button, Qt.MouseButton.LeftButton)
    assert window.chat.model.rowCount() == 0 and window.chat.conversation_id is None
    script.answer = "second answer"
    ask(qtbot, window, "second chat")
    second = window.chat.conversation_id
    assert first != second
    assert window.conversations.ids() == [second, first]  # most recent first
    item = window.conversations.list.item(1)
    qtbot.mouseClick(window.conversations.list.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.conversations.list.visualItemRect(item).center())
    assert window.chat.conversation_id == first
    assert bubble_texts(window) == [("user", "first chat"), ("assistant", ANSWER)]
    assert "first chat" in window.chat.title.text()


def test_switching_away_while_streaming_keeps_the_answer_going(qtbot, window, script, assistant) -> None:  # type: ignore[no-untyped-def]
    script.answer = "tok " * 60
    script.delay = 0.01
    window.chat.send("streaming here")
    streaming_conv = window.chat.conversation_id
    qtbot.waitUntil(lambda: "tok" in window.chat.model.text(1), timeout=5000)
    window.new_conversation()
    assert not window.chat.send_button.isEnabled()  # one answer at a time
    window.open_conversation(streaming_conv)
    assert window.chat.model.index(1).data(StreamingRole) is True
    qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000).wait()
    assert window.chat.model.text(1) == "tok " * 60


def test_rename_delete_and_search(qtbot, window, script, assistant) -> None:  # type: ignore[no-untyped-def]
    script.answer = "Paris is the capital of France."
    ask(qtbot, window, "capital of France?")
    france = window.chat.conversation_id
    window.new_conversation()
    script.answer = "Berlin."
    ask(qtbot, window, "capital of Germany?")
    germany = window.chat.conversation_id
    # Rename inline (F2 edits the item; committing the edit renames in the store).
    lst = window.conversations.list
    lst.setCurrentRow(window.conversations.ids().index(france))
    qtbot.keyClick(lst, Qt.Key.Key_F2)
    editor = lst.findChild(QLineEdit)
    assert editor is not None, "F2 did not open the inline editor"
    editor.selectAll()
    qtbot.keyClicks(editor, "Trip planning")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: assistant.store.conversation(france).title == "Trip planning", timeout=2000)
    qtbot.waitUntil(lambda: "Trip planning" in [lst.item(i).text() for i in range(lst.count())], timeout=2000)
    # Search: full-text over messages, the hit names its conversation.
    window.conversations.search_box.setText("Paris")
    qtbot.waitUntil(lambda: window.conversations.ids() == [france], timeout=2000)
    assert "Paris" in lst.item(0).text() and "Trip planning" in lst.item(0).text()
    window.conversations.search_box.setText("zzzznothing")
    qtbot.waitUntil(lambda: window.conversations.ids() == [], timeout=2000)
    assert "No chats match" in lst.item(0).text()
    window.conversations.search_box.clear()
    qtbot.waitUntil(lambda: len(window.conversations.ids()) == 2, timeout=2000)
    # Delete asks first; "no" keeps it.
    asked: list[str] = []
    window.conversations.confirm = lambda title, text: asked.append(text) or False
    assert window.conversations.delete(germany) is False
    assert assistant.store.conversation(germany) is not None and "capital of Germany?" in asked[0]
    window.conversations.confirm = lambda title, text: True
    assert window.open_conversation(germany) is None
    lst.setCurrentRow(window.conversations.ids().index(germany))
    qtbot.keyClick(lst, Qt.Key.Key_Delete)
    assert assistant.store.conversation(germany) is None
    assert window.conversations.ids() == [france]
    assert window.chat.conversation_id == france  # the shown chat moved to one that exists


def test_model_error_is_shown_and_app_keeps_working(qtbot, window, script) -> None:  # type: ignore[no-untyped-def]
    script.fail_after = 0
    script.failure = ModelError
    done = ask(qtbot, window, "will fail")
    assert done.error
    assert window.chat.banner.isVisible() and "failed on purpose" in window.chat.banner.text
    idx = window.chat.model.index(1)
    assert idx.data(ErrorRole) and "failed on purpose" in window.chat.view.delegate.layout_for(idx).footer.toPlainText()
    script.fail_after = None
    done = ask(qtbot, window, "works now")
    assert done.error is None and window.chat.model.text(3) == ANSWER
    assert not window.chat.banner.isVisible()


def test_model_crash_restarts_and_next_question_works(qtbot, window, script, assistant) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.sig_model_ready, timeout=5000):
        window.start_model_load()
    assert script.loads == 1
    script.fail_after = 3
    script.failure = ModelCrashed
    shown: list[str] = []
    original = window.chat.banner.show_message
    window.chat.banner.show_message = lambda text, *a, **k: (shown.append(text), original(text, *a, **k))
    with qtbot.waitSignal(window.sig_model_ready, timeout=5000):  # restarted by the window
        done = ask(qtbot, window, "crash please")
    assert done.error and done.message.status == MessageStatus.INTERRUPTED
    assert "The model stopped unexpectedly; restarting" in shown[0]
    assert shown[-1] == "The model is running again."
    assert script.loads == 2
    partial = window.chat.model.text(1)
    assert partial and partial == assistant.messages(window.chat.conversation_id)[-1].content
    script.fail_after = None
    done = ask(qtbot, window, "and now?")
    assert done.error is None and window.chat.model.text(3) == ANSWER


def test_model_load_progress_and_failure_in_status_bar(qtbot, window, script) -> None:  # type: ignore[no-untyped-def]
    script.load_error = "model.gguf is truncated (expected 491 MB, found 12 MB)"
    with qtbot.waitSignal(window.sig_model_failed, timeout=5000) as blocker:
        window.start_model_load()
    assert "truncated" in blocker.args[0]
    assert "not loaded" in window.model_label.text()
    assert "truncated" in window.chat.banner.text
    assert not window.progress.isVisible()
    # Asking anyway gives a readable error in the chat, not a crash.
    done = ask(qtbot, window, "hello?")
    assert done.error and "truncated" in done.error
    script.load_error = None
    with qtbot.waitSignal(window.sig_model_ready, timeout=5000):
        window.start_model_load()
    assert window.model_label.text() == "Fake model"


def test_citation_click_shows_source_panel(qtbot, window, assistant, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    doc = tmp_path / "guide.txt"
    doc.write_text("Intro line. The capital of France is Paris. Other facts follow.", encoding="utf-8")
    cit = Citation(1, str(doc), 3, "Geography", doc.read_text(encoding="utf-8"))
    chat = window.chat
    chat._ensure_conversation()
    # Feed the events the facade yields for a documents answer.
    from app.core.types import Message

    stored = Message(Role.ASSISTANT, "The capital of France is Paris [1].", id=99, citations=(cit,))
    chat.model.append(Message(Role.USER, "capital?"))
    chat._start(chat.conversation_id, lambda cancel: iter([SourcesEvent((cit,)),
                                                           TokenEvent("The capital of France is Paris [1]."),
                                                           DoneEvent(stored)]))
    qtbot.waitSignal(chat.sig_answer_done, timeout=3000).wait()
    opened: list[QUrl] = []
    monkeypatch.setattr("app.ui.source_panel.QDesktopServices.openUrl", lambda url: opened.append(url) or True)
    click_link(qtbot, window, 1, "cite:1")
    assert window.source_dock.isVisible()
    assert "guide.txt" in window.source.file_label.text()
    assert "page 3" in window.source.where_label.text() and "Geography" in window.source.where_label.text()
    assert window.source.highlighted.strip() == "The capital of France is Paris."
    qtbot.mouseClick(window.source.open_button, Qt.MouseButton.LeftButton)
    assert opened and opened[0].toLocalFile() == str(doc)


def test_answer_details_list_every_passage_and_why(qtbot, window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cits = (Citation(1, str(tmp_path / "guide.pdf"), 48, "Building / The package", "Run dpkg-buildpackage -us -uc.",
                     score=7.53, collection="manuals", dense=0.921, lexical=25.8, merged=2),
            Citation(2, str(tmp_path / "faq.pdf"), 12, "Basics", "Debian is a free system.", score=3.1,
                     collection="default", dense=0.85, lexical=0.0))
    chat = window.chat
    chat._ensure_conversation()
    from app.core.types import Message

    text = "Run dpkg-buildpackage -us -uc [1]."
    stored = Message(Role.ASSISTANT, text, id=99, citations=cits)
    chat.model.append(Message(Role.USER, "how to build?"))
    chat._start(chat.conversation_id, lambda cancel: iter([SourcesEvent(cits), TokenEvent(text), DoneEvent(stored)]))
    qtbot.waitSignal(chat.sig_answer_done, timeout=3000).wait()
    click_link(qtbot, window, 1, "sova:details")
    dialog = chat.details_dialog
    qtbot.waitExposed(dialog)
    shown = dialog.browser.toPlainText()
    assert "guide.pdf, p. 48" in shown and "faq.pdf, p. 12" in shown
    assert "collection “manuals”" in shown and "rank score 7.53" in shown and "meaning 0.92" in shown
    assert "keywords 25.8" in shown and "no shared keywords" in shown and "2 neighbouring chunks merged" in shown
    assert shown.count("cited in the answer") == 1 and "not cited" in shown
    assert "Run dpkg-buildpackage -us -uc." in shown
    with qtbot.waitSignal(chat.sig_citation, timeout=2000) as got:
        dialog._on_anchor(QUrl("cite:2"))
    assert got.args[0].n == 2
    dialog.close()


def test_an_answer_started_again_replaces_the_streamed_text(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from app.core.types import Message, RestartEvent

    chat = window.chat
    chat._ensure_conversation()
    final = Message(Role.ASSISTANT, "Командой dpkg-buildpackage.", id=98)
    chat.model.append(Message(Role.USER, "Как собрать пакет?"))
    notes: list[str] = []
    chat.sig_status.connect(notes.append)
    chat._start(chat.conversation_id, lambda cancel: iter([
        TokenEvent("You can build it with "), RestartEvent("wrong_language", {"language": "ru"}),
        TokenEvent("Командой dpkg-buildpackage."), DoneEvent(final)]))
    qtbot.waitSignal(chat.sig_answer_done, timeout=3000).wait()
    assert chat.model.text(1) == "Командой dpkg-buildpackage."
    assert any("answering again in Russian" in n for n in notes)


def test_documents_toggle_is_per_conversation(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    window.chat.docs_toggle.setChecked(True)
    cid = window.chat.conversation_id
    assert assistant.store.conversation(cid).collections == ()
    window.new_conversation()
    assert not window.chat.docs_toggle.isChecked()
    window.open_conversation(cid)
    assert window.chat.docs_toggle.isChecked()
    window.chat.docs_toggle.setChecked(False)
    assert assistant.store.conversation(cid).collections is None


def test_conversation_answers_from_chosen_collections(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    chat = window.chat
    chat.collections_provider = lambda: ["default", "manuals", "taxes"]
    assert not chat.scope_button.isEnabled()  # documents off: nothing to choose
    chat.docs_toggle.setChecked(True)
    cid = chat.conversation_id
    assert chat.scope_button.isEnabled() and chat.scope_button.text() == "All collections"
    chat._fill_scope_menu()
    acts = {a.text(): a for a in chat.scope_menu.actions() if a.text()}
    assert set(acts) == {"All collections", "Default", "manuals", "taxes"}  # "default" is shown translated
    assert acts["All collections"].isChecked()
    acts["taxes"].trigger()
    assert assistant.store.conversation(cid).collections == ("taxes",)
    assert chat.scope_button.text() == "taxes"
    chat._fill_scope_menu()
    acts = {a.text(): a for a in chat.scope_menu.actions() if a.text()}
    acts["Default"].trigger()
    assert assistant.store.conversation(cid).collections == ("default", "taxes")
    assert chat.scope_button.text() == "2 collections"
    # Off and on again keeps the choice; another conversation starts with all.
    chat.docs_toggle.setChecked(False)
    assert assistant.store.conversation(cid).collections is None
    chat.docs_toggle.setChecked(True)
    assert assistant.store.conversation(cid).collections == ("default", "taxes")
    window.new_conversation()
    assert chat.scope_button.text() == "All collections" and not chat.scope_button.isEnabled()
    window.open_conversation(cid)
    assert chat.scope_button.text() == "2 collections"
    chat._fill_scope_menu()
    [a for a in chat.scope_menu.actions() if a.text() == "All collections"][0].trigger()
    assert assistant.store.conversation(cid).collections == ()


def test_drop_routes_documents_and_audio(qtbot, window, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "notes"
    folder.mkdir()
    files = {name: tmp_path / name for name in ("a.pdf", "b.MD", "c.epub", "talk.wav", "song.mp3", "x.exe", "cat.JPG")}
    for p in files.values():
        p.write_bytes(b"x")
    docs, audio, images, other = route_paths([folder, *files.values()])
    assert docs == [folder, files["a.pdf"], files["b.MD"], files["c.epub"]]
    assert audio == [files["talk.wav"], files["song.mp3"]] and other == [files["x.exe"]]
    assert images == [files["cat.JPG"]]
    got_images: list[list[Path]] = []
    monkeypatch.setattr(window.chat.attachments, "add_paths", lambda paths: got_images.append(list(paths)))

    got_docs: list[list[Path]] = []
    got_audio: list[Path] = []
    monkeypatch.setattr(window.documents, "add_paths", lambda paths: got_docs.append(list(paths)))
    monkeypatch.setattr(window.chat.voice, "transcribe_file", lambda path: got_audio.append(path))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in [folder, *files.values()]])
    # QApplication.sendEvent does not deliver drops without a real drag; call event().
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    window.event(enter)
    assert enter.isAccepted()
    event = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    window.event(event)
    assert got_docs == [[folder, files["a.pdf"], files["b.MD"], files["c.epub"]]]
    assert got_audio == [files["talk.wav"], files["song.mp3"]]
    assert got_images == [[files["cat.JPG"]]]
    assert window.documents_dock.isVisible()
    assert "x.exe" in window.chat.banner.text


def test_documents_button_toggles_panel(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    assert not window.documents_dock.isVisible()
    window.documents_action.trigger()
    assert window.documents_dock.isVisible() and window.documents_dock.widget() is window.documents
    window.documents_action.trigger()
    assert not window.documents_dock.isVisible()


def test_geometry_is_remembered(qtbot, assistant) -> None:  # type: ignore[no-untyped-def]
    w = MainWindow(assistant)
    qtbot.addWidget(w)
    w.show()
    w.resize(712, 511)  # the offscreen screen is 800x600: restoreGeometry clamps to it
    qtbot.wait(20)
    w.close()
    w2 = MainWindow(assistant)
    qtbot.addWidget(w2)
    assert (w2.width(), w2.height()) == (712, 511)
    assert (assistant.paths.config / "window.ini").exists()


def test_voice_button_sits_next_to_input(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from app.ui.voice import VoiceButton

    window.chat.voice  # created after the window shows (see ChatPanel.prepare_voice)
    qtbot.wait(20)

    assert isinstance(window.chat.voice, VoiceButton)
    assert window.chat.voice.parent() is window.chat
    window.chat.layout().activate()
    assert abs(window.chat.voice.geometry().center().y() - window.chat.input.geometry().center().y()) < 40


def test_diagnostics_dock_shows_live_health_and_requests(qtbot, window, script, assistant) -> None:  # type: ignore[no-untyped-def]
    ask(qtbot, window, "measure me")
    window.diagnostics_action.trigger()
    dock = window.diagnostics_dock
    assert dock is not None and dock.isVisible()
    page = dock.widget()
    qtbot.waitUntil(lambda: page.speed_chart.point_count() > 0, timeout=5000)
    assert [r.outcome for r in assistant.metrics.requests()] == ["complete"]
    window.diagnostics_action.trigger()
    assert not dock.isVisible()
