"""The documents "Done when" walkthrough, with the real e5 embedder and the real 0.5B model.

A new user drops the Russian Debian FAQ PDF onto the window, watches it index, turns on
"Answer from documents", asks "Как произносится слово Debian?", gets an answer citing
page 12 (section 1.7, "Как произносится слово Debian и что оно означает?", is on the
PDF's 12th page: `pdftotext -f 12 -l 12`), clicks the citation and sees the passage.

Screenshots: with SOVA_SCREENSHOTS=<folder> the test saves documents-*.png there, e.g.
    SOVA_SCREENSHOTS=docs QT_QPA_PLATFORM=xcb xvfb-run -a -s "-screen 0 1280x800x24" \
        .venv/bin/python -m pytest tests/integration/test_documents_gui.py -s
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Iterator

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent

from app.core.types import DoneEvent, MessageStatus

pytestmark = [pytest.mark.integration, pytest.mark.gui]

QUESTION = "Как произносится слово Debian?"
PAGE = 12  # the page of section 1.7 in debian-faq.ru.pdf (physical page, 1-based)
INDEX_TIMEOUT = 1_800_000  # ms: ~1 min on a quiet 2-core machine, much longer on a busy one
ANSWER_TIMEOUT = 900_000


@pytest.fixture
def real_window(qtbot, sova_home: Path) -> Iterator[object]:  # type: ignore[no-untyped-def]
    import shiboken6

    from app.core.assistant import Assistant
    from app.core.config import Settings
    from app.ui import i18n, workers
    from app.ui.main_window import MainWindow

    settings = Settings(active_model="qwen2.5-coder-0.5b")  # documents.embedder: the default e5-small
    settings.generation.temperature = 0.0
    settings.generation.seed = 1
    settings.generation.n_threads = 2
    settings.generation.max_tokens = 200
    assistant = Assistant(settings=settings)
    # The walkthrough of a Russian-speaking user: the window in Russian.
    i18n.install(os.environ.get("SOVA_SCREENSHOT_LANG", "ru"))
    w = MainWindow(assistant)
    w.resize(1280, 800)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.chat.cancel_all()
    workers.shutdown(10000)
    qtbot.wait(50)
    w.close()
    shiboken6.delete(w)
    assistant.close()
    i18n.install("en")


def shot(window, name: str) -> None:  # type: ignore[no-untyped-def]
    folder = os.environ.get("SOVA_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(Path(folder) / f"{name}.png"))


def test_drop_russian_faq_ask_and_open_the_cited_page(qtbot, real_window, fetched, tmp_path) -> None:  # type: ignore[no-untyped-def]
    w = real_window
    panel = w.documents
    pdf = tmp_path / "debian-faq.ru.pdf"
    shutil.copy(fetched / "docs" / "debian-faq" / "ru" / "debian-faq.ru.pdf", pdf)

    # The UI thread keeps running while the PDF indexes: a 10 ms heartbeat.
    beats: list[float] = []
    heartbeat = QTimer()
    heartbeat.timeout.connect(lambda: beats.append(time.perf_counter()))
    heartbeat.start(10)

    # 1. Drop the PDF onto the window.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf))])
    w.event(QDropEvent(QPointF(400, 300), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier))
    assert w.documents_dock.isVisible()

    def item():  # type: ignore[no-untyped-def]
        return panel.model.item_for(str(pdf))

    # 2. Progress while it indexes: the file's status, the overall bar and an ETA.
    qtbot.waitUntil(lambda: item() is not None and item().embedded is not None and panel.overall()[0] > 0.08
                    and panel._eta is not None, timeout=INDEX_TIMEOUT)
    assert panel.progress_box.isVisible() and panel.progress.value() > 0
    status = panel.model.status_text(item())
    assert re.search(r"\d+/\d+", status), status
    shot(w, "documents-1-indexing")

    qtbot.waitUntil(lambda: item() is not None and str(item().rec.status) == "indexed", timeout=INDEX_TIMEOUT)
    qtbot.waitUntil(lambda: not panel.working and not panel.progress_box.isVisible(), timeout=60_000)
    heartbeat.stop()
    gaps = [b - a for a, b in zip(beats, beats[1:])]
    print(f"\nINDEXING heartbeat max gap {max(gaps) * 1000:.0f} ms over {beats[-1] - beats[0]:.0f} s")
    # Measured 0.12-0.48 s on 2 cores shared with other jobs (load ~10); a stall of a
    # second would be a bug (e.g. a lock or the GIL held by the index on the UI's path).
    assert max(gaps) < 1.0, f"the UI thread stalled {max(gaps) * 1000:.0f} ms while indexing"
    rec = item().rec
    assert rec.pages == 75 and rec.chunks > 100
    w.documents.select(str(pdf))
    shot(w, "documents-2-indexed")

    # 3. Ask in a conversation with documents on.
    w.chat.docs_toggle.setChecked(True)
    with qtbot.waitSignal(w.chat.sig_answer_done, timeout=ANSWER_TIMEOUT) as blocker:
        w.chat.send(QUESTION)
    done: DoneEvent = blocker.args[0]
    assert done.error is None and done.message.status == MessageStatus.COMPLETE
    cits = done.message.citations
    assert cits and cits[0].page == PAGE and "произносится как Дебиан" in cits[0].text, cits[:1]
    answer = done.message.content
    cited = [c for c in cits if f"[{c.n}]" in answer]
    assert cited, f"the answer cites nothing: {answer!r}"
    right = [c for c in cited if c.page == PAGE]
    assert right, f"the answer cites pages {[c.page for c in cited]}, not {PAGE}: {answer!r}"
    print(f"ANSWER {answer!r} cites pages {[c.page for c in cited]}")
    row = w.chat.model.rowCount() - 1
    assert w.chat.model.text(row) == answer
    shot(w, "documents-3-answer")

    # 4. Click the citation: the source panel shows the file, the page and the passage.
    n = right[0].n
    pos = w.chat.view.link_position(row, f"cite:{n}")
    assert pos is not None, f"[{n}] is not a link in the answer"
    qtbot.mouseClick(w.chat.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert w.source_dock.isVisible()
    assert "debian-faq.ru.pdf" in w.source.file_label.text()
    assert str(PAGE) in w.source.where_label.text()
    assert "Как произносится слово Debian" in w.source.where_label.text()
    assert "произносится как Дебиан" in w.source.text.toPlainText()
    assert w.source.highlighted and w.source.highlighted in right[0].text
    qtbot.wait(200)  # the window gives the source dock room after it is laid out
    assert w.source_dock.height() > w.documents_dock.height()
    shot(w, "documents-4-source")
