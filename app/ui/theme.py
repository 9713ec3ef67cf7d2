"""Light, dark or the system's colours, and the font size, applied while the app runs.

``apply_appearance`` may be called any number of times (at startup and whenever the
Settings dialog changes the theme or the font size); every open window follows at once.
Widgets that paint or format text themselves ask ``status_colors`` for colours that read
well on the current palette instead of hard-coding colours made for a light background.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QStyle

THEMES = ("system", "light", "dark")
_OVERLAY_MARK = "\n/* sova-theme overlay */\n"
_FONT_SIZE_PT = re.compile(r"(font-size\s*:\s*)(\d+(?:\.\d+)?)pt")


@dataclass
class _State:
    """What the first call found (to restore it) and what the last call applied."""

    original_font: QFont | None = None
    original_style: str = ""
    base_sheet: str = ""  # Sova's style sheet as loaded (before scaling and overlay)
    applied_sheet: str = ""  # what the last call set
    theme: str = "system"
    font_size: int = 0
    dark: bool | None = None  # the colours last applied
    connected: bool = False  # colorSchemeChanged is connected


_state = _State()


@dataclass(frozen=True)
class StatusColors:
    """Text colours for states, chosen to stay readable on the current background."""

    error: str
    warning: str
    success: str


_LIGHT_STATUS = StatusColors(error="#c62828", warning="#b26a00", success="#2e7d32")
_DARK_STATUS = StatusColors(error="#ff7b72", warning="#f0b35a", success="#7ee787")
# Appended to Sova's style sheet in dark mode: only what palette() references cannot say.
_DARK_OVERLAY = f"#editHint {{ color: {_DARK_STATUS.warning}; }}\n"


def is_dark(palette: QPalette | None = None) -> bool:
    """Whether ``palette`` (default: the application's) has a dark window background."""
    pal = palette if palette is not None else QApplication.palette()
    return pal.color(QPalette.ColorRole.Window).lightness() < 128


def status_colors(palette: QPalette | None = None) -> StatusColors:
    """Error / warning / success text colours that read well on ``palette``."""
    return _DARK_STATUS if is_dark(palette) else _LIGHT_STATUS


def dark_palette() -> QPalette:
    """Sova's dark palette (for the Fusion style)."""
    p = QPalette()
    roles = QPalette.ColorRole
    text, dim = QColor("#e6e6e6"), QColor("#7c7c7c")
    highlight = QColor("#3d7bd9")
    for role, color in (
        (roles.Window, QColor("#2b2b2e")),
        (roles.WindowText, text),
        (roles.Base, QColor("#1f1f22")),
        (roles.AlternateBase, QColor("#29292c")),
        (roles.ToolTipBase, QColor("#3a3a3e")),
        (roles.ToolTipText, text),
        (roles.PlaceholderText, QColor("#9a9a9a")),
        (roles.Text, text),
        (roles.Button, QColor("#36363a")),
        (roles.ButtonText, text),
        (roles.BrightText, QColor("#ff7b72")),
        (roles.Light, QColor("#4a4a4f")),
        (roles.Midlight, QColor("#3f3f44")),
        (roles.Mid, QColor("#5c5c62")),
        (roles.Dark, QColor("#19191b")),
        (roles.Shadow, QColor("#000000")),
        (roles.Highlight, highlight),
        (roles.HighlightedText, QColor("#ffffff")),
        (roles.Link, QColor("#6cb4ff")),
        (roles.LinkVisited, QColor("#c3a6ff")),
        (roles.Accent, highlight),
    ):
        p.setColor(role, color)
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText, roles.PlaceholderText):
        p.setColor(disabled, role, dim)
    p.setColor(disabled, roles.Highlight, QColor("#4a4a4f"))
    p.setColor(disabled, roles.HighlightedText, dim)
    p.setColor(disabled, roles.Base, QColor("#262629"))
    p.setColor(disabled, roles.Button, QColor("#303034"))
    return p


def light_palette() -> QPalette:
    """Sova's light palette: Fusion's own."""
    from PySide6.QtWidgets import QStyleFactory

    style = QStyleFactory.create("Fusion")
    return style.standardPalette()


def platform_is_dark(app: QApplication) -> bool:
    """Whether the platform asks for dark colours (Unknown counts as light)."""
    return app.styleHints().colorScheme() == Qt.ColorScheme.Dark


def apply_appearance(app: QApplication, theme: str, font_size: int) -> None:
    """Apply ``theme`` ("system" | "light" | "dark") and ``font_size`` (points, 0 = the
    platform's) to the whole running application. Safe to call again at any time."""
    if _state.original_font is None:
        _state.original_font = QFont(app.font())
        _state.original_style = style_name(app)
    if app.styleSheet() != _state.applied_sheet:  # set by someone else: the new base
        _state.base_sheet = app.styleSheet()
    _state.theme = theme if theme in THEMES else "system"
    _state.font_size = max(0, int(font_size))
    if not _state.connected:
        # Follows the platform while "system" is chosen (the user switches the OS to dark).
        app.styleHints().colorSchemeChanged.connect(_on_scheme_changed)
        _state.connected = True
    _apply_font(app)
    _apply_colors(app)


def current_theme() -> str:
    """The theme last applied ("system", "light" or "dark")."""
    return _state.theme


def _on_scheme_changed(_scheme: object) -> None:
    app = QApplication.instance()
    if _state.theme == "system" and isinstance(app, QApplication):
        _apply_colors(app)


def _apply_font(app: QApplication) -> None:
    assert _state.original_font is not None
    font = QFont(_state.original_font)
    if _state.font_size > 0:
        font.setPointSize(_state.font_size)
    app.setFont(font)


def _apply_colors(app: QApplication) -> None:
    if _state.theme == "system":
        dark = platform_is_dark(app)
        # The platform's own style and palette look native; only where the platform asks
        # for dark but its palette is light (e.g. a desktop without a Qt theme plugin)
        # Sova paints its own dark palette.
        _set_style(app, _state.original_style)
        app.setPalette(QPalette())  # back to the platform's palette
        if dark and not is_dark(app.palette()):
            _set_style(app, "Fusion")
            app.setPalette(dark_palette())
        elif not dark and is_dark(app.palette()):
            _set_style(app, "Fusion")
            app.setPalette(light_palette())
    else:
        dark = _state.theme == "dark"
        _set_style(app, "Fusion")  # the native styles of Windows/macOS ignore a custom palette
        app.setPalette(dark_palette() if dark else light_palette())
    _state.dark = is_dark(app.palette())
    # Set again even when unchanged: palette() references in a style sheet are resolved
    # when a widget is polished, so only a new style sheet repaints them in new colours.
    _state.applied_sheet = _compose_sheet(_state.base_sheet, _state.dark)
    app.setStyleSheet(_state.applied_sheet)


def style_name(app: QApplication) -> str:
    """The name of the application's style ("fusion", "windows11", "macos", …)."""
    style = app.style()
    if style.name():
        return style.name()
    # With a style sheet, app.style() is Qt's style sheet style wrapping the real one.
    for child in style.children():
        if isinstance(child, QStyle) and child.name():
            return child.name()
    return ""


def _set_style(app: QApplication, name: str) -> None:
    if name and style_name(app).lower() != name.lower():
        app.setStyle(name)


def _compose_sheet(base: str, dark: bool) -> str:
    sheet = _scale_font_sizes(base)
    return sheet + _OVERLAY_MARK + _DARK_OVERLAY if dark else sheet


def _scale_font_sizes(sheet: str) -> str:
    """Scale the style sheet's fixed point sizes with the chosen font size, so a title
    stays larger than the text around it."""
    if _state.font_size <= 0 or _state.original_font is None:
        return sheet
    original = _state.original_font.pointSizeF()
    if original <= 0:
        return sheet
    factor = _state.font_size / original

    def scaled(m: re.Match[str]) -> str:
        return f"{m.group(1)}{max(1, round(float(m.group(2)) * factor))}pt"

    return _FONT_SIZE_PT.sub(scaled, sheet)
