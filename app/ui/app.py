"""Start the window: QApplication, translations, main window shown first, model after.

Only Qt, pydantic and sqlite are imported before the window shows. The model host
(llama_cpp), torch, chromadb and the rest load later, in workers, when first needed.
"""

from __future__ import annotations

import gc
import os
import sys
import time

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.resources import resource_path
from app.ui import i18n
from app.ui.theme import apply_appearance

_T0 = time.perf_counter()


class _ShownProbe(QObject):
    """Prints when the window is first painted (startup benchmark); may quit the app."""

    def __init__(self, quit_after: bool) -> None:
        super().__init__()
        self._quit = quit_after
        self._done = False

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if not self._done and event.type() == QEvent.Type.Paint:
            self._done = True
            print(f"SOVA_WINDOW_SHOWN {time.perf_counter() - _T0:.3f}", flush=True)
            if self._quit:
                QTimer.singleShot(0, QApplication.quit)
        return False


# The UI thread shares the GIL with the workers (imports, store, model host I/O). A worker
# running Python holds it for a whole switch interval before the UI thread may take it;
# with several busy workers on two cores that convoy stalled the window by tens of ms.
# 1 ms instead of CPython's 5 ms keeps each wait short; workers lose a little throughput.
GIL_SWITCH_INTERVAL_S = 0.001


def prepare_ui_process() -> None:
    """Tune the interpreter for a responsive window (called once, before the window)."""
    sys.setswitchinterval(GIL_SWITCH_INTERVAL_S)


def freeze_heap() -> None:
    """Move every object alive now out of the cyclic GC's reach.

    A full collection walks every tracked object while holding the GIL, so after the
    startup imports (Qt wrappers, pydantic, numpy via the documents panel) each one
    froze the window for 20-100 ms, in whichever thread it happened. Objects alive
    after startup are long-lived anyway; freezing them keeps collections small.
    """
    gc.freeze()


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with Sova's names, icon and style sheet."""
    prepare_ui_process()
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    assert isinstance(app, QApplication)
    app.setOrganizationName("Sova")
    app.setApplicationName("Sova")
    app.setApplicationDisplayName("Sova")
    app.setDesktopFileName("sova")
    icon = resource_path("icons", "sova.svg")
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))
    style = resource_path("styles", "sova.qss")
    if style.exists():
        app.setStyleSheet(style.read_text(encoding="utf-8"))
    return app


def run_gui(argv: list[str] | None = None) -> int:
    """Open Sova's window; returns the exit code when it closes."""
    app = create_application(argv)
    from app.core.assistant import Assistant  # pydantic + sqlite only; models stay lazy
    from app.ui.main_window import MainWindow

    assistant = Assistant()
    i18n.install(assistant.settings.language)
    # After the style sheet exists: the theme re-applies it with the chosen colours.
    apply_appearance(app, assistant.settings.appearance.theme, assistant.settings.appearance.font_size)
    window = MainWindow(assistant)
    probe = None
    if os.environ.get("SOVA_REPORT_SHOWN"):
        probe = _ShownProbe(quit_after=bool(os.environ.get("SOVA_QUIT_WHEN_SHOWN")))
        window.installEventFilter(probe)
    window.show()
    QTimer.singleShot(0, window.chat.prepare_voice)
    if not os.environ.get("SOVA_NO_MODEL_LOAD"):
        # After the first paint: the window is on screen before any model work starts.
        QTimer.singleShot(50, window.start_model_load)
    # Whether to offer training reads the ratings: on a worker, once the window is up.
    QTimer.singleShot(3000, window.start_background_checks)
    try:
        return app.exec()
    finally:
        window.chat.cancel_all()
        from app.ui import workers

        workers.shutdown(5000)
        assistant.close()
