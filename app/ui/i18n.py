"""Which language the window speaks, and switching it at run time.

Sova's strings are English in the source (``self.tr``); ``resources/translations``
holds ``sova_<lang>.qm`` compiled from the ``.ts`` sources by ``python -m
app.ui.i18n_build``. Qt's own strings (standard buttons, file dialogs) come from the
``qtbase_<lang>.qm`` that ships with PySide6. Installing new translators makes Qt send
a LanguageChange event to every widget; widgets re-read their texts in ``changeEvent``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from app.resources import resource_path

LANGUAGES: dict[str, str] = {"en": "English", "ru": "Русский"}  # shown in their own language

_installed: list[QTranslator] = []
_current = "en"


def resolve_language(setting: str) -> str:
    """``"auto"`` -> the system locale's language if Sova has it, else English."""
    if setting in LANGUAGES:
        return setting
    for name in QLocale.system().uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return "en"


def current_language() -> str:
    """The language whose translators are installed."""
    return _current


def install(setting: str) -> str:
    """Install the translators for a language setting ("auto", "en", "ru"); returns the
    language actually used. Safe to call again to switch at run time."""
    global _current
    app = QCoreApplication.instance()
    lang = resolve_language(setting)
    if app is None:
        _current = lang
        return lang
    for t in _installed:
        QCoreApplication.removeTranslator(t)
    _installed.clear()
    sova = QTranslator(app)
    if sova.load(str(resource_path("translations", f"sova_{lang}.qm"))):
        _installed.append(sova)
    qt = QTranslator(app)
    if lang != "en" and qt.load(f"qtbase_{lang}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        _installed.append(qt)
    for t in _installed:
        QCoreApplication.installTranslator(t)
    QLocale.setDefault(QLocale(lang))
    _current = lang
    return lang
