"""Light / dark / system themes and the font size, applied to a running app."""

from __future__ import annotations

from typing import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from app.core.types import DoneEvent
from app.resources import resource_path
from app.ui import theme
from app.ui.theme import apply_appearance, is_dark, status_colors
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]

SCREENSHOT = "/tmp/theme-dark.png"


@pytest.fixture
def app(qapp: QApplication) -> Iterator[QApplication]:
    """The app with Sova's style sheet; the platform's look is restored afterwards."""
    previous = qapp.styleSheet()
    qapp.setStyleSheet(resource_path("styles", "sova.qss").read_text(encoding="utf-8"))
    yield qapp
    apply_appearance(qapp, "system", 0)
    qapp.setStyleSheet(previous)


def window_color(app: QApplication) -> QColor:
    return app.palette().color(QPalette.ColorRole.Window)


def test_dark_then_light(app: QApplication) -> None:
    apply_appearance(app, "dark", 0)
    pal = app.palette()
    assert window_color(app).lightness() < 100
    assert pal.color(QPalette.ColorRole.WindowText).lightness() > 180
    assert pal.color(QPalette.ColorRole.Text).lightness() > 180
    assert pal.color(QPalette.ColorRole.Base).lightness() < 100
    assert is_dark() and status_colors() != status_colors(QApplication.style().standardPalette())
    assert theme.style_name(app).lower() == "fusion"
    assert "#editHint" in app.styleSheet().split("sova-theme overlay")[1]  # the amber hint, lightened
    apply_appearance(app, "light", 0)
    assert window_color(app).lightness() > 180
    assert app.palette().color(QPalette.ColorRole.WindowText).lightness() < 80
    assert not is_dark()
    assert "sova-theme overlay" not in app.styleSheet()


def test_system_follows_the_platform_scheme(app: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    # offscreen reports Unknown: light.
    apply_appearance(app, "system", 0)
    assert not is_dark()
    # The platform turns dark while "system" is chosen: the app follows.
    monkeypatch.setattr(theme, "platform_is_dark", lambda _app: True)
    theme._on_scheme_changed(Qt.ColorScheme.Dark)
    assert is_dark()
    # An explicit choice is not overridden by the platform.
    apply_appearance(app, "light", 0)
    theme._on_scheme_changed(Qt.ColorScheme.Dark)
    assert not is_dark()


def test_stylesheet_palette_references_follow_the_theme(app: QApplication, qtbot) -> None:  # type: ignore[no-untyped-def]
    w = QWidget()
    w.setObjectName("chatView")  # styled by sova.qss with palette(base)
    qtbot.addWidget(w)
    w.show()
    apply_appearance(app, "dark", 0)
    assert w.palette().color(QPalette.ColorRole.Base).lightness() < 100
    apply_appearance(app, "light", 0)
    assert w.palette().color(QPalette.ColorRole.Base).lightness() > 180


def test_font_size_and_back(app: QApplication) -> None:
    original = app.font().pointSizeF()
    apply_appearance(app, "light", 14)
    assert app.font().pointSize() == 14
    if original != 14:
        assert "font-size: 14pt" not in resource_path("styles", "sova.qss").read_text(encoding="utf-8")
    # The title's fixed size in the style sheet grows with the text.
    assert "#chatTitle { font-size: %dpt" % round(12 * 14 / original) in app.styleSheet()
    apply_appearance(app, "light", 0)
    assert app.font().pointSizeF() == original
    assert "#chatTitle { font-size: 12pt" in app.styleSheet()
    apply_appearance(app, "dark", 20)
    apply_appearance(app, "dark", 0)
    assert app.font().pointSizeF() == original


def mean_brightness(img: QImage) -> float:
    img = img.convertToFormat(QImage.Format.Format_Grayscale8)
    total, step, n = 0, 4, 0
    for y in range(0, img.height(), step):
        for x in range(0, img.width(), step):
            total += img.pixelColor(x, y).lightness()
            n += 1
    return total / n


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two colours."""
    def lum(c: QColor) -> float:
        def ch(v: float) -> float:
            return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
        return 0.2126 * ch(c.redF()) + 0.7152 * ch(c.greenF()) + 0.0722 * ch(c.blueF())
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_main_window_is_readable_in_dark(app: QApplication, qtbot, window, script) -> None:  # type: ignore[no-untyped-def]
    # Switched live, with a window already open (as the Settings dialog does).
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=5000) as blocker:
        window.chat.send("Show me code")
    assert isinstance(blocker.args[0], DoneEvent)
    window.chat.banner.show_message("The model server cannot be reached.", "warning")
    apply_appearance(app, "dark", 0)
    window.chat.edit_hint.setText("Editing your question — Esc cancels")
    window.chat.edit_hint.show()
    window.chat.input.setPlainText("A question being typed")
    qtbot.waitUntil(lambda: mean_brightness(window.grab().toImage()) < 110, timeout=3000)
    img = window.grab().toImage()
    img.save(SCREENSHOT)
    assert mean_brightness(img) < 110
    # Foreground against background, where it matters most.
    for widget, fg, bg in (
        (window.chat.view, QPalette.ColorRole.Text, QPalette.ColorRole.Base),
        (window.chat.input, QPalette.ColorRole.Text, QPalette.ColorRole.Base),
        (window.chat.title, QPalette.ColorRole.WindowText, QPalette.ColorRole.Window),
        (window.conversations, QPalette.ColorRole.Text, QPalette.ColorRole.Base),
        (window.chat.send_button, QPalette.ColorRole.ButtonText, QPalette.ColorRole.Button),
    ):
        pal = widget.palette()
        assert pal.color(bg).lightness() < 100, widget.objectName()
        assert contrast(pal.color(fg), pal.color(bg)) > 7, widget.objectName()
    # A banner shown before the switch takes dark colours too (its close button included).
    banner = window.chat.banner
    assert contrast(banner.label.palette().color(QPalette.ColorRole.WindowText),
                    banner.palette().color(QPalette.ColorRole.Window)) > 4.5
    assert banner.close_button.palette().color(QPalette.ColorRole.ButtonText).lightness() > 150
    hint = window.chat.edit_hint
    assert contrast(hint.palette().color(QPalette.ColorRole.WindowText), hint.palette().color(QPalette.ColorRole.Window)) > 4.5
    # The chat bubbles are re-laid-out in the new colours: the answer's text is light.
    lay = window.chat.view.delegate.layout_for(window.chat.model.index(1))
    assert is_dark(window.chat.view.palette())
    assert lay.body.toPlainText()
    # Back to light, still live.
    apply_appearance(app, "light", 0)
    qtbot.waitUntil(lambda: mean_brightness(window.grab().toImage()) > 150, timeout=3000)


def test_the_appearance_page_previews_keeps_on_ok_and_reverts_on_cancel(app: QApplication, window, assistant) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QDialogButtonBox

    dialog = window.open_settings("appearance")
    page = dialog.pages["appearance"]
    page.theme.setCurrentIndex(page.theme.findData("dark"))
    assert window_color(app).lightness() < 100  # shown at once
    dialog.reject()
    assert window_color(app).lightness() > 150 and assistant.settings.appearance.theme == "system"
    dialog = window.open_settings("appearance")
    page = dialog.pages["appearance"]
    page.theme.setCurrentIndex(page.theme.findData("dark"))
    page.font_size.setValue(13)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert assistant.settings.appearance.theme == "dark" and assistant.settings.appearance.font_size == 13
    assert window_color(app).lightness() < 100 and app.font().pointSize() == 13
    saved = (assistant.paths.settings_file).read_text("utf-8")
    assert '"theme": "dark"' in saved
