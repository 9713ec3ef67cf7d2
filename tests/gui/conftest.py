"""GUI test fixtures: an Assistant over a scripted fake model, and the main window."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import shiboken6

from tests.fakes.llm import FakeRegistry, Script, script_factory


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def assistant(script: Script, tmp_path: Path, sova_home: Path) -> Iterator[object]:
    from app.core.assistant import Assistant
    from app.core.config import Settings

    from tests.fakes.embedder import FakeEmbedder

    settings = Settings(active_model="fake")
    embedder = FakeEmbedder()
    a = Assistant(settings=settings, llm_factory=script_factory(script), registry=FakeRegistry(tmp_path),
                  memory_embedder=lambda: embedder, memory_floor=0.3)
    yield a
    a.close()


@pytest.fixture
def window(qtbot, assistant) -> Iterator[object]:  # type: ignore[no-untyped-def]
    from app.ui import i18n, workers
    from app.ui.main_window import MainWindow

    if i18n.current_language() != "en":
        i18n.install("en")
    w = MainWindow(assistant)
    w.resize(1000, 700)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.chat.cancel_all()
    assert workers.shutdown(5000), "a worker did not stop"
    if i18n.current_language() != "en":
        i18n.install("en")
    qtbot.wait(20)  # deliver queued signals and events before the store closes
    w.close()
    shiboken6.delete(w)  # now: a lingering window would get the next test's events
