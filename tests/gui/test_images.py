"""Pictures in the chat window: attached, pasted and dropped pictures join the strip
above the input box after the core has read them; unreadable ones are refused with the
file's name and the reason (in the window's language); an empty clipboard says so; the
question goes with its pictures and the model gets what was read from them; the event
loop never stalls while a big photo is read. The fake model answers; OCR and the
classifier are replaced by fakes here (the real ones have their own tests)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QDialog

from app.core.images import text as image_text
from app.core.images.service import ImageService
from app.core.images.text import ImageText
from app.ui import i18n
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


@pytest.fixture(autouse=True)
def fake_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_text, "read_text", lambda p, languages="", cancel=None, timeout=0:
                        ImageText("Недостаточно места на диске", 93.0, 4))
    monkeypatch.setattr(ImageService, "classifier", lambda self: None)


def picture(path: Path, size: tuple[int, int] = (160, 90), colour: tuple[int, int, int] = (30, 70, 200)) -> Path:
    Image.new("RGB", size, colour).save(path)
    return path


def test_an_attached_picture_goes_with_the_question(qtbot, window, script, tmp_path) -> None:  # type: ignore[no-untyped-def]
    strip = window.chat.attachments
    strip.add_paths([picture(tmp_path / "screen.png")])
    qtbot.waitUntil(lambda: strip.paths() == [tmp_path / "screen.png"] and not strip.busy, timeout=5000)
    assert strip.isVisible() and window.chat.send_button.isEnabled()
    script.answer = "It says the disk is full."
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=10000):
        window.chat.submit()  # no words: the picture alone is the question
    sent = script.calls[-1][-1]["content"]
    assert sent.startswith("[Picture: screen.png, 160 x 90 PNG]") and "Недостаточно места" in sent
    assert not strip.isVisible() and strip.paths() == []
    user = window.chat.model.message(0)
    assert user.details["images"][0]["name"] == "screen.png"
    # The bubble shows the picture; a click opens it full size.
    view = window.chat.view
    qtbot.waitUntil(lambda: view.picture_path(user.details["images"][0]) is not None, timeout=2000)
    pos = None

    def thumb_drawn() -> bool:
        nonlocal pos
        view.viewport().update()
        pos = view.link_position(0, "sova:picture:0")
        return pos is not None

    qtbot.waitUntil(thumb_drawn, timeout=5000)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    viewer = window.chat.findChild(QDialog, "pictureViewer")
    assert viewer is not None
    qtbot.waitUntil(lambda: viewer.label.pixmap() is not None and not viewer.label.pixmap().isNull(), timeout=5000)
    added: list[list[Path]] = []
    window.documents.add_paths = lambda paths: added.append(list(paths))
    viewer.add_button.click()  # "Add to documents": the stored copy, under its own name
    assert added and added[0][0].name == "screen.png" and added[0][0].is_file()
    assert window.documents_dock.isVisible()
    # The answer's details say what was read from the picture.
    from app.ui.answer_details import details_html

    answer = window.chat.model.message(1)
    assert "Read from the picture" in details_html(answer) and "Недостаточно места" in details_html(answer)


@pytest.mark.parametrize("lang,words", [("en", "damaged or cut short"), ("ru", "повреждена или обрезана")])
def test_a_broken_picture_is_refused_by_name(qtbot, window, tmp_path, lang, words) -> None:  # type: ignore[no-untyped-def]
    i18n.install(lang)
    good = picture(tmp_path / "full.jpg", (400, 300))
    (tmp_path / "cut.jpg").write_bytes(good.read_bytes()[:300])
    window.chat.attachments.add_paths([tmp_path / "cut.jpg"])
    qtbot.waitUntil(lambda: window.chat.banner.isVisible(), timeout=5000)
    assert "cut.jpg" in window.chat.banner.text and words in window.chat.banner.text
    assert window.chat.attachments.paths() == []


def test_a_pasted_picture_joins_and_an_empty_clipboard_says_so(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    image = QImage(120, 80, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    QGuiApplication.clipboard().setImage(image)
    window.chat.input.setFocus()
    qtbot.keyClick(window.chat.input, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    strip = window.chat.attachments
    qtbot.waitUntil(lambda: len(strip.paths()) == 1 and not strip.busy, timeout=5000)
    pasted = strip.paths()[0]
    assert pasted.suffix == ".png" and pasted.exists() and window.chat.input.toPlainText() == ""
    QGuiApplication.clipboard().clear()
    qtbot.keyClick(window.chat.input, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert window.chat.banner.isVisible() and "clipboard" in window.chat.banner.text


def test_a_removed_picture_does_not_go(qtbot, window, script, tmp_path) -> None:  # type: ignore[no-untyped-def]
    strip = window.chat.attachments
    strip.add_paths([picture(tmp_path / "a.png"), picture(tmp_path / "b.png", colour=(200, 30, 30))])
    qtbot.waitUntil(lambda: len(strip.paths()) == 2 and not strip.busy, timeout=5000)
    # Each is checked in its own worker: the tiles come in the order the checks finish.
    next(t for t in strip._tiles if t.path.name == "a.png").remove.click()
    assert strip.paths() == [tmp_path / "b.png"]
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=10000):
        window.chat.send("what colour?")
    assert "[Picture: b.png" in script.calls[-1][-1]["content"] and "a.png" not in script.calls[-1][-1]["content"]


def test_the_event_loop_keeps_running_while_a_big_photo_is_read(qtbot, window, tmp_path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "photo.jpg"
    Image.effect_noise((7000, 5000), 60).convert("RGB").save(big, quality=85)  # 35 MP
    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    timer.start()
    strip = window.chat.attachments
    strip.add_paths([big])
    qtbot.waitUntil(lambda: strip.paths() == [big] and not strip.busy, timeout=30000)
    timer.stop()
    print(f"longest gap {max(gaps) * 1000:.0f} ms over {len(gaps)} ticks")
    assert max(gaps) < 0.05


def test_exporting_a_conversation_copies_its_pictures(qtbot, window, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QFileDialog

    strip = window.chat.attachments
    strip.add_paths([picture(tmp_path / "screen.png")])
    qtbot.waitUntil(lambda: bool(strip.paths()) and not strip.busy, timeout=5000)
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=10000):
        window.chat.send("what does it say?")
    out = tmp_path / "export" / "chat.md"
    out.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), ""))
    window.conversations.export(window.chat.conversation_id)
    assert "![screen.png](<chat pictures/001 screen.png>)" in out.read_text(encoding="utf-8")
    assert (out.parent / "chat pictures" / "001 screen.png").is_file()


def test_the_details_say_which_tier_answered_in_the_interface_language(qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.core.types import Message, Role
    from app.ui.answer_details import pictures_html

    read = {"text": "Ошибка", "facts": {"width": 451, "height": 300, "format": "PNG", "colours": [["blue", 0.6]]},
            "labels": [{"name": "tabby", "names": "tabby, tabby cat", "score": 0.6, "group": "domestic cat"},
                       {"name": "tiger cat", "names": "tiger cat", "score": 0.31, "group": "domestic cat"},
                       {"name": "carton", "names": "carton", "score": 0.05, "group": ""}]}
    details = {"images": [{"name": "cat.png", "read": read}], "image_tier": "text"}
    i18n.install("ru")
    try:
        text = pictures_html(Message(Role.ASSISTANT, "Кошка.", model="Qwen 1.5B", details=details))
        assert "не видит изображений" in text and "Qwen 1.5B" in text
        assert "домашняя кошка (91 %: tabby, tiger cat)" in text and "синий" in text
        seen = pictures_html(Message(Role.ASSISTANT, "Кошка.", model="Qwen2-VL", details={**details, "image_tier": "vision"}))
        assert "видела сами изображения" in seen
    finally:
        i18n.install("en")
    assert "a domestic cat (91 %" in pictures_html(Message(Role.ASSISTANT, "Cat.", model="m", details=details))
