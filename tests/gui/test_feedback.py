"""Rating answers in the chat, spoken questions, the answer's learning details, and the
Settings → Feedback and training → Quality dashboard (figures, filters, export, empty
state). The fake model answers; ratings go through the real facade and store."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt, QUrl

from app.core.assistant import UNSET
from app.core.types import Message, Role
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


def _ask(qtbot, window, text: str) -> int:  # type: ignore[no-untyped-def]
    """Ask in the shown conversation; the row of the answer."""
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000):
        window.chat.send(text)
    return window.chat.model.rowCount() - 1


def _click(qtbot, window, row: int, href: str) -> None:  # type: ignore[no-untyped-def]
    """Click a link of a bubble where it is drawn, as a user would."""
    view = window.chat.view
    view.scrollTo(window.chat.model.index(row))
    pos = view.link_position(row, href)
    assert pos is not None, f"no {href} link in row {row}"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def _footer(window, row: int) -> str:  # type: ignore[no-untyped-def]
    return window.chat.view.delegate.layout_for(window.chat.model.index(row)).footer.toHtml()


def _lit(window, row: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Which rating controls are drawn lit in a row's footer (the strip image's name
    says: sova-icon:rating-t<thumb>-s<stars>)."""
    import re

    found = re.search(r"sova-icon:rating-t(-?\d)-s(\d)", _footer(window, row))
    assert found, "no rating controls"
    thumb, stars = int(found.group(1)), int(found.group(2))
    return {"up": int(thumb == 1), "down": int(thumb == -1), "star": stars}


# ---- rating in the chat ----------------------------------------------------------------


def test_thumbs_and_stars_are_stored_and_painted_again_after_reloading(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    window.new_conversation()
    row = _ask(qtbot, window, "What is the capital of France?")
    mid = window.chat.model.message(row).id
    assert _lit(window, row) == {"up": 0, "down": 0, "star": 0} and "Comment…" in _footer(window, row)
    rated: list[Any] = []
    window.chat.sig_rated.connect(lambda m, r: rated.append((m, r)))

    _click(qtbot, window, row, "sova:rate:up")
    _click(qtbot, window, row, "sova:rate:star:4")
    stored = assistant.rating(mid)
    assert stored.thumb == 1 and stored.stars == 4 and stored.question == "What is the capital of France?"
    assert _lit(window, row) == {"up": 1, "down": 0, "star": 4}
    assert [r.stars for _, r in rated] == [None, 4] and rated[-1][0] == mid

    # Another conversation and back: the rating is read from the store and painted.
    cid = window.chat.conversation_id
    window.new_conversation()
    window.open_conversation(cid)
    assert window.chat.model.rating(row).stars == 4
    assert _lit(window, row) == {"up": 1, "down": 0, "star": 4}

    # Thumb down replaces the thumb up; the chosen star again takes the stars back.
    _click(qtbot, window, row, "sova:rate:down")
    _click(qtbot, window, row, "sova:rate:star:4")
    assert assistant.rating(mid).thumb == -1 and assistant.rating(mid).stars is None
    assert _lit(window, row) == {"up": 0, "down": 1, "star": 0}
    # Nothing left: the rating is removed, not kept empty.
    _click(qtbot, window, row, "sova:rate:down")
    assert assistant.rating(mid) is None and window.chat.model.rating(row) is None


def test_a_conversation_reads_its_ratings_once_per_load(qtbot, window, assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    window.new_conversation()
    rows = [_ask(qtbot, window, f"Question {i}?") for i in range(4)]
    for r in rows:
        assistant.rate_answer(window.chat.model.message(r).id, stars=5)
    cid = window.chat.conversation_id
    calls: list[int] = []
    real = assistant.ratings_in
    monkeypatch.setattr(assistant, "ratings_in", lambda c: calls.append(c) or real(c))
    monkeypatch.setattr(assistant, "rating", lambda m: pytest.fail("one query per answer"))
    window.new_conversation()
    window.open_conversation(cid)
    for r in rows:  # every bubble laid out
        window.chat.view.delegate.layout_for(window.chat.model.index(r))
    assert calls == [cid]
    assert all(_lit(window, r)["star"] == 5 for r in rows)


@pytest.mark.qt_log_ignore(*QT_NOISE, r"does not support raise")  # the offscreen platform shows no tooltip window
def test_rating_controls_explain_themselves_on_hover(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    window.new_conversation()
    row = _ask(qtbot, window, "Hello?")
    view = window.chat.view

    def tip(href: str) -> str:
        pos = view.link_position(row, href)
        QApplication.sendEvent(view.viewport(), QHelpEvent(QEvent.Type.ToolTip, pos, view.viewport().mapToGlobal(pos)))
        return QToolTip.text()

    assert tip("sova:rate:star:3") == "3 of 5 stars"
    assert tip("sova:rate:up") == "Good answer"
    window.chat.rater.rate(row, thumb=-1, comment="Too short.")
    assert tip("sova:rate:down") == "Bad answer (click again to take it back)"
    assert "Your comment: Too short." in tip("sova:rate:comment")
    QToolTip.hideText()


def test_only_complete_answers_show_rating_controls(qtbot, window, assistant, script) -> None:  # type: ignore[no-untyped-def]
    window.new_conversation()
    row = _ask(qtbot, window, "Hello?")
    assert "sova:rate:strip" in _footer(window, row)
    assert "sova:rate:" not in _footer(window, row - 1)  # the question
    script.fail_after = 2  # the next answer breaks off
    row = _ask(qtbot, window, "And now?")
    assert "sova:rate:" not in _footer(window, row)


def test_model_free_replies_can_be_rated(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    window.new_conversation()
    row = _ask(qtbot, window, "Запомни, что я работаю юристом")
    message = window.chat.model.message(row)
    assert not message.model and "Запомнила" in window.chat.model.text(row)
    _click(qtbot, window, row, "sova:rate:up")
    assert assistant.rating(message.id).thumb == 1
    dialog, tab = _open_quality(qtbot, window)
    assert tab.versions.categories.categories() == ["Replies without a model<br>1 rated"]
    dialog.reject()


def test_comment_dialog_stores_comment_and_better_answer_edits_and_removes(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    window.new_conversation()
    row = _ask(qtbot, window, "How do I read a file?")
    mid = window.chat.model.message(row).id
    _click(qtbot, window, row, "sova:rate:comment")
    dialog = window.chat.rater.dialog
    assert dialog is not None and dialog.isVisible()
    assert "How do I read a file?" in dialog.question.text()
    assert dialog.correction.toPlainText() == "" and not dialog.remove_button.isEnabled()
    dialog.stars.buttons[1].click()  # two stars
    dialog.comment.setPlainText("Too long, and the example does not run.")
    dialog.copy_answer.click()  # starts from Sova's answer
    assert dialog.correction.toPlainText() == window.chat.model.text(row)
    dialog.correction.setPlainText("Use `open()` in a `with` block and loop over the file.")
    dialog.save_button.click()
    assert not dialog.isVisible()
    r = assistant.rating(mid)
    assert (r.stars, r.comment, r.correction) == (2, "Too long, and the example does not run.",
                                                  "Use `open()` in a `with` block and loop over the file.")
    assert _lit(window, row)["star"] == 2 and "Edit comment…" in _footer(window, row)

    # Editing later: the dialog shows what was stored; an invalid comment keeps it open.
    dialog = window.chat.rater.open_dialog(row)
    assert dialog.stars.stars() == 2 and dialog.comment.toPlainText() == r.comment
    assert dialog.correction.toPlainText() == r.correction and dialog.remove_button.isEnabled()
    dialog.comment.setPlainText("x" * 2001)
    dialog.save_button.click()
    assert dialog.isVisible() and "too long" in dialog.error.text()
    assert assistant.rating(mid).comment == r.comment  # nothing changed
    dialog.comment.setPlainText("Better now.")
    dialog.stars.buttons[4].click()
    dialog.save_button.click()
    assert (assistant.rating(mid).comment, assistant.rating(mid).stars) == ("Better now.", 5)

    # Remove rating forgets all of it.
    dialog = window.chat.rater.open_dialog(row)
    dialog.remove_button.click()
    assert assistant.rating(mid) is None and not dialog.isVisible()
    assert _lit(window, row)["star"] == 0 and "Edit comment…" not in _footer(window, row)


def test_rating_errors_show_in_the_banner(qtbot, window, assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.core.assistant import RatingError

    window.new_conversation()
    row = _ask(qtbot, window, "Hello?")

    def gone(*args: Any, **kwargs: Any) -> Any:
        raise RatingError("The answer to rate is gone.", code="rating_not_found", message_id=1)

    monkeypatch.setattr(assistant, "rate_answer", gone)
    _click(qtbot, window, row, "sova:rate:star:3")
    assert window.chat.banner.isVisible()
    assert window.chat.banner.text == "This answer is no longer stored, so it cannot be rated."
    assert window.chat.model.rating(row) is None


# ---- spoken questions ------------------------------------------------------------------


class _Speech:
    """Transcribes any samples as one phrase (the voice tests use the real model)."""

    def transcribe_pcm(self, samples: Any, progress: Any = None, cancel: Any = None, language: Any = None) -> Any:
        from app.core.assistant import Segment

        yield Segment(0.0, 1.0, "What time is it in Tokyo?")

    def close(self) -> None:
        pass


def test_a_spoken_question_is_marked_and_its_rating_says_so(qtbot, window, assistant, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from app.ui import voice_capture

    monkeypatch.setattr(voice_capture, "audio_inputs", lambda: [])
    assistant._speech = _Speech()
    assistant.settings.speech.send_on_release = True
    window.new_conversation()
    chat = window.chat
    with qtbot.waitSignal(chat.sig_answer_done, timeout=10000):
        chat.voice.transcribe_samples(np.zeros(16000, dtype=np.float32))  # sent on release
    question = [m for m in assistant.messages(chat.conversation_id) if m.role == Role.USER][-1]
    assert question.content == "What time is it in Tokyo?" and question.details.get("spoken") is True
    assert "by voice" in chat.view.delegate.layout_for(chat.model.index(0)).header.toPlainText()
    row = chat.model.rowCount() - 1
    _click(qtbot, window, row, "sova:rate:up")
    assert assistant.rating(chat.model.message(row).id).spoken is True

    # A typed question after it is not spoken.
    row = _ask(qtbot, window, "And in Paris?")
    _click(qtbot, window, row, "sova:rate:up")
    assert assistant.rating(chat.model.message(row).id).spoken is False


def test_the_input_box_forgets_a_transcript_when_it_is_replaced(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    box = window.chat.input
    box.setFocus()
    box.insertPlainText("What is the weather")
    box.mark_spoken()
    qtbot.keyClicks(box, " today")  # fixing or adding a word keeps it spoken
    assert box.spoken
    box.selectAll()
    qtbot.keyClicks(box, "Typed instead")  # all of it replaced: typed
    assert not box.spoken and box.toPlainText() == "Typed instead"
    box.mark_spoken()
    box.clear()
    box.insertPlainText("new text")
    assert not box.spoken  # cleared in between
    box.clear()
    box.mark_spoken()  # nothing was inserted: not spoken
    assert not box.spoken


# ---- answer details --------------------------------------------------------------------


def test_details_name_the_rated_example_and_the_adapter(qtbot, window, assistant, script) -> None:  # type: ignore[no-untyped-def]
    assistant.rated_examples.floor = 0.5  # the fake embedder's scale (question and answer as one text), not e5's
    window.new_conversation()
    row = _ask(qtbot, window, "How do I reset my router password?")
    window.chat.rater.rate(row, stars=5, correction="Hold the reset button for ten seconds, then log in as admin.")
    row = _ask(qtbot, window, "How do I reset the router password?")
    example = window.chat.model.message(row).details.get("rated_example")
    assert example is not None and example["source"] == "correction"
    assert "sova:details" in _footer(window, row)
    window.chat.show_details(row)
    text = window.chat.details_dialog.browser.toPlainText()
    assert "Learned from your rating" in text and "the better answer you wrote" in text
    assert "How do I reset my router password?" in text and "Hold the reset button" in text
    assert f"{example['similarity']:.2f}" in text
    window.chat.details_dialog.close()

    from app.ui.answer_details import details_html

    rated = Message(Role.ASSISTANT, "Sure.", id=9, details={
        "adapter": "qwen-lora-3", "rated_example": {"question": "Q?", "answer": "A.", "similarity": 0.95,
                                                     "source": "rated", "stars": 4, "thumb": None}})
    html = details_html(rated)
    assert "qwen-lora-3" in html and "an answer you rated 4 of 5" in html and "0.95" in html


# ---- the dashboard ---------------------------------------------------------------------


def _seed(qtbot, window, assistant) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Five rated answers: three by the general persona, two by the roaster (one of
    them 40 days old). Scores 5, 1, 4 | 2, 5."""
    window.new_conversation()
    general = [window.chat.model.message(_ask(qtbot, window, f"General question {i}?")).id for i in range(3)]
    window.new_conversation()
    window.chat.set_persona("roaster")
    roaster = [window.chat.model.message(_ask(qtbot, window, f"Roaster question {i}?")).id for i in range(2)]
    assistant.rate_answer(general[0], stars=5)
    assistant.rate_answer(general[1], thumb=-1)
    assistant.rate_answer(general[2], stars=4, comment="Good, but long.")
    assistant.rate_answer(roaster[0], stars=2, correction="The deadline is 30 days.")
    assistant.rate_answer(roaster[1], thumb=1)
    with assistant.store.db.transaction() as conn:
        conn.execute("UPDATE ratings SET created_at=? WHERE message_id=?", (time.time() - 40 * 86400, roaster[1]))
    return {"general": general[0], "roaster": roaster[0]}


def _open_quality(qtbot, window):  # type: ignore[no-untyped-def]
    """Settings → Feedback and training, its Quality tab refreshed on show."""
    dialog = window.open_settings()
    tab = dialog.pages["feedback"].quality
    with qtbot.waitSignal(tab.sig_refreshed, timeout=5000):
        dialog.show_page("feedback")
    return dialog, tab


def _tiles(tab) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {key: tile.value.text() for key, tile in tab.tiles.items()}


def _choose(qtbot, tab, combo, data: Any) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(tab.sig_refreshed, timeout=5000):
        combo.setCurrentIndex(combo.findData(data))


def test_dashboard_figures_filters_and_export(qtbot, window, assistant, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _seed(qtbot, window, assistant)
    dialog, tab = _open_quality(qtbot, window)
    assert dialog.stack.currentWidget() is dialog.pages["feedback"]
    assert tab.stack.currentWidget() is tab.scroll and tab.filters.isVisible()
    # Scores 5, 1, 4, 2, 5: average 3.4, satisfied 3 of 5, negative 2 of 5.
    assert _tiles(tab) == {"count": "5", "average": "3.4 ★", "satisfaction": "60%", "negatives": "40%",
                           "corrections": "1", "comments": "1"}
    assert tab.tiles["count"].detail.text() == "1 up · 1 down"
    assert tab.versions.values() == [3.4] and tab.trend.point_count() >= 2
    assert tab.shares.shares() == pytest.approx({"satisfied": 0.6, "neutral": 0.0, "negative": 0.4})

    _choose(qtbot, tab, tab.persona, "roaster")  # scores 2 and 5
    assert _tiles(tab)["count"] == "2" and _tiles(tab)["average"] == "3.5 ★" and _tiles(tab)["corrections"] == "1"
    _choose(qtbot, tab, tab.period, "30d")  # the thumb up is 40 days old
    assert _tiles(tab)["count"] == "1" and _tiles(tab)["average"] == "2.0 ★" and _tiles(tab)["negatives"] == "100%"
    _choose(qtbot, tab, tab.persona, "general")
    assert _tiles(tab)["count"] == "3" and _tiles(tab)["satisfaction"] == "67%"

    # Export what the filters show: the general persona, the last 30 days.
    tab.choose_export_path = lambda fmt: str(tmp_path / f"ratings.{fmt}")
    with qtbot.waitSignal(tab.sig_exported) as exported:
        tab.export_csv.click()
    assert exported.args[1] == 3
    with open(tmp_path / "ratings.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 3 and {r["question"] for r in rows} == {f"General question {i}?" for i in range(3)}
    assert "Exported 3 rated answers" in tab.status.text()
    _choose(qtbot, tab, tab.persona, "\x00all")
    _choose(qtbot, tab, tab.period, "all")
    tab.export_jsonl.click()
    lines = (tmp_path / "ratings.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and all("context" in json.loads(line) for line in lines)
    tab.choose_export_path = lambda fmt: ""  # cancelled: nothing written, no message
    assert tab.export("csv") is None
    (tmp_path / "a-file").write_text("")
    tab.choose_export_path = lambda fmt: str(tmp_path / "a-file" / "ratings.csv")  # a file is no folder
    assert tab.export("csv") is None and "Could not export" in tab.status.text()
    dialog.reject()


def test_dashboard_follows_new_ratings_while_open(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    window.new_conversation()
    row = _ask(qtbot, window, "First?")
    window.chat.rater.rate(row, stars=5)
    dialog, tab = _open_quality(qtbot, window)
    assert _tiles(tab)["count"] == "1"
    row2 = _ask(qtbot, window, "Second?")
    with qtbot.waitSignal(tab.sig_refreshed, timeout=5000):
        window.chat.rater.rate(row2, thumb=-1)
    assert _tiles(tab)["count"] == "2" and _tiles(tab)["average"] == "3.0 ★" and _tiles(tab)["negatives"] == "50%"
    listeners = assistant.feedback._listeners
    assert len(listeners) == 2  # the Quality tab and the Training tab (it plans again)
    dialog.reject()  # the dialog is deleted on close: its tab stops listening
    qtbot.waitUntil(lambda: not listeners)


def test_dashboard_empty_states(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    dialog, tab = _open_quality(qtbot, window)
    assert tab.stack.currentWidget() is tab.empty and not tab.filters.isVisible()
    assert "No rated answers yet" in tab.empty.text() and "five stars" in tab.empty.text()
    dialog.reject()

    window.new_conversation()
    row = _ask(qtbot, window, "Old question?")
    window.chat.rater.rate(row, stars=4)
    with assistant.store.db.transaction() as conn:
        conn.execute("UPDATE ratings SET created_at=?", (time.time() - 20 * 86400,))
    dialog, tab = _open_quality(qtbot, window)
    assert tab.stack.currentWidget() is tab.scroll and _tiles(tab)["count"] == "1"
    _choose(qtbot, tab, tab.period, "7d")
    assert _tiles(tab)["count"] == "0" and _tiles(tab)["average"] == "—"
    assert tab.note.isVisible() and "No rated answers for this persona in this period" in tab.note.text()
    assert not tab.trend.isVisible() and not tab.export_csv.isEnabled()
    dialog.reject()


def test_dashboard_speaks_russian(qtbot, window, assistant) -> None:  # type: ignore[no-untyped-def]
    from app.ui import i18n

    window.new_conversation()
    row = _ask(qtbot, window, "Question?")
    window.chat.rater.rate(row, stars=4)
    i18n.install("ru")
    qtbot.waitUntil(lambda: "Отзыв…" in _footer(window, row))  # LanguageChange is an event
    dialog, tab = _open_quality(qtbot, window)
    page = dialog.pages["feedback"]
    assert page.tabs.tabText(0) == "Качество"
    assert tab.tiles["average"].caption.text() == "Средняя оценка" and _tiles(tab)["average"] == "4,0 ★"
    assert dialog.page_list.currentItem().text() == "Оценки и обучение"
    dialog.reject()


def test_add_tab_hook_keeps_translatable_titles(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QLabel

    from app.ui import i18n

    dialog, tab = _open_quality(qtbot, window)
    page = dialog.pages["feedback"]
    extra = QLabel("training goes here")
    index = page.add_tab(extra, lambda: "Извне" if i18n.current_language() == "ru" else "Extra")
    # After Quality and Training (which joins the same way), the last tab.
    assert index == page.tabs.count() - 1 == 2 and page.tabs.tabText(index) == "Extra" and page.tab(index) is extra
    i18n.install("ru")  # LanguageChange calls the title again
    qtbot.waitUntil(lambda: page.tabs.tabText(index) == "Извне")
    assert page.tabs.tabText(0) == "Качество" and page.tabs.tabText(1) == "Обучение"
    dialog.reject()
