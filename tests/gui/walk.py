"""What the walkthrough scripts share: an offline Qt application on a fresh home, and
waiting on a condition while the event loop runs."""

from __future__ import annotations

import os
import tempfile
import time
from typing import Any, Callable


def offline_app(prefix: str) -> tuple[Any, tempfile.TemporaryDirectory[str]]:
    """The Qt application, with no network and SOVA_HOME in a new temporary folder."""
    from app.main import offline_environment

    offline_environment()
    home = tempfile.TemporaryDirectory(prefix=prefix)
    os.environ["SOVA_HOME"] = home.name
    from app.ui.app import create_application

    return create_application([]), home


def wait_until(cond: Callable[[], bool], timeout_s: float, what: str) -> None:
    """Run the event loop until ``cond()`` holds; exit the script after ``timeout_s``."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    timer = QTimer()
    end = time.monotonic() + timeout_s
    timer.timeout.connect(lambda: loop.quit() if cond() or time.monotonic() > end else None)
    timer.start(30)
    loop.exec()
    timer.stop()
    if not cond():
        raise SystemExit(f"timed out waiting for {what}")
