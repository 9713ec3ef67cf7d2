"""The Documents panel with the real library and the real MiniLM embedder.

Small real files (the fetched Debian FAQ, pypdf's test PDFs) are indexed through the
panel; the chat answers from a scripted fake model, so the citations the window shows
come from real retrieval. The walkthrough with the real e5 embedder and the real 0.5B
model is tests/integration/test_documents_gui.py.
"""

from __future__ import annotations

import re
import shutil
import time
from pathlib import Path
from typing import Iterator

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QTimer, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QInputDialog

from app.core.types import DoneEvent
from app.ui.documents import DocumentsModel, DocumentsPanel, format_eta
from tests.fakes.llm import FakeRegistry, Script, script_factory
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]

DOCS_TIMEOUT = 180_000  # ms: the machine may be busy; MiniLM alone needs a few seconds


@pytest.fixture
def assistant(script: Script, tmp_path: Path, sova_home: Path) -> Iterator[object]:
    """The GUI tests' assistant (fake chat model), with the real library on MiniLM."""
    from app.core.assistant import Assistant
    from app.core.config import Settings

    settings = Settings(active_model="fake")
    settings.documents.embedder = "minilm"
    settings.generation.n_threads = 2
    a = Assistant(settings=settings, llm_factory=script_factory(script),
                  registry=FakeRegistry(tmp_path))
    yield a
    a.close()


@pytest.fixture
def panel(qtbot, window) -> DocumentsPanel:  # type: ignore[no-untyped-def]
    p: DocumentsPanel = window.documents
    window.documents_dock.show()
    qtbot.waitUntil(lambda: p.library is not None and not p.working, timeout=30_000)
    return p


@pytest.fixture
def faq(fetched: Path) -> Path:
    return fetched / "docs" / "debian-faq"


def wait_idle(qtbot, panel: DocumentsPanel, timeout: int = DOCS_TIMEOUT) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not panel.working and not panel._refreshing and not panel._poll.isActive(),
                    timeout=timeout)
    qtbot.wait(FLUSH_WAIT)


FLUSH_WAIT = 250  # ms: more than one coalescing interval


def rows(panel: DocumentsPanel) -> dict[str, str]:
    """File name -> the status line the panel shows."""
    m = panel.model
    return {Path(it.rec.path).name: m.status_text(it) for it in m.items()}


def small_texts(faq: Path, folder: Path, n: int) -> list[Path]:
    """n small real text files: the English Debian FAQ cut at its paragraphs."""
    text = (faq / "en" / "debian-faq.en.txt").read_text(encoding="utf-8")
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) > 200]
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        f = folder / f"faq-part-{i:03d}.txt"
        f.write_text(paras[i % len(paras)] + "\n\n" + paras[(i * 7 + 3) % len(paras)] + "\n", encoding="utf-8")
        out.append(f)
    return out


# ---- status texts (the model alone, records as the library sends them) -------------------------


def test_status_texts_follow_the_pipeline(qtbot) -> None:  # type: ignore[no-untyped-def]
    from app.core.rag.registry import DocumentRecord, FileStatus

    m = DocumentsModel()
    m.working = True
    p = "/docs/guide.pdf"

    def send(status: FileStatus, detail: str = "", progress: float | None = None, **kw: object) -> str:
        m.apply([DocumentRecord(path=p, status=status, detail=detail, progress=progress, **kw)])  # type: ignore[arg-type]
        it = m.item_for(p)
        assert it is not None
        return m.status_text(it)

    assert send(FileStatus.QUEUED, "queued") == "queued"
    assert send(FileStatus.PARSING, "Parsing page 3/10", 0.2) == "reading page 3/10"
    assert send(FileStatus.OCR, "OCR page 4/10", 0.3) == "OCR page 4/10"
    # The embedder starts while pages are still being read: both show, neither flickers away.
    assert send(FileStatus.EMBEDDING, "embedding 32/40+", 0.8) == "embedding 32/40+ · OCR page 4/10"
    assert send(FileStatus.OCR, "OCR page 5/10", 0.4) == "embedding 32/40+ · OCR page 5/10"
    assert 0.3 < m.item_for(p).fraction() < 0.4  # type: ignore[union-attr]
    assert send(FileStatus.EMBEDDING, "embedding 90/100", 0.9) == "embedding 90/100"
    assert send(FileStatus.INDEXED, "", 1.0, pages=10, chunks=100) == "indexed · 10 pages, 100 passages"
    assert send(FileStatus.FAILED, error="this PDF is damaged and cannot be opened (xref)") == \
        "failed: this PDF is damaged and cannot be opened (xref)"
    assert send(FileStatus.PASSWORD, error="the password is wrong for this PDF") == "wrong password: enter it again"
    send(FileStatus.QUEUED, "cancelled")
    m.working = False
    assert m.status_text(m.item_for(p)) == "stopped before it was indexed"  # type: ignore[arg-type]
    # Removal (the library's "removed" record) drops the row.
    m.apply([DocumentRecord(path=p, status=FileStatus.FAILED, detail="removed", error="removed")])
    assert m.rowCount() == 0


def test_eta_texts() -> None:
    assert format_eta(7) == "about 7 s left"
    assert format_eta(42) == "about 40 s left"
    assert format_eta(170) == "about 3 min left"
    assert format_eta(4000) == "about 1 h 7 min left"


# ---- the panel with the real library -----------------------------------------------------------


def test_statuses_appear_update_and_failures_name_their_reason(qtbot, window, panel, faq, tmp_path) -> None:  # type: ignore[no-untyped-def]
    files = small_texts(faq, tmp_path / "notes", 3)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    fake_pdf = tmp_path / "program.pdf"
    fake_pdf.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8)
    seen: list[dict[str, str]] = []
    panel.sig_changed.connect(lambda: seen.append(rows(panel)))
    assert panel.empty_label.isVisible() and not panel.list.isVisible()

    panel.add_paths([*files, empty, fake_pdf])
    panel.toggle_pause()  # hold the batch before its first file: every row is queued
    qtbot.waitUntil(lambda: len(rows(panel)) == 5 and set(rows(panel).values()) <= {"queued", "failed: "
                    "the file is empty (0 bytes)"} | {v for v in rows(panel).values() if v.startswith("failed")},
                    timeout=60_000)
    assert panel.progress_box.isVisible() and "paused" in panel.progress_label.text()
    assert panel.pause_button.text() == "Resume"
    qtbot.wait(700)
    assert all(v == "queued" or v.startswith("failed") for v in rows(panel).values())
    panel.toggle_pause()
    assert panel.pause_button.text() == "Pause"
    wait_idle(qtbot, panel)

    final = rows(panel)
    for f in files:
        assert re.fullmatch(r"indexed · \d+ passages?", final[f.name]), final
    assert final["empty.txt"] == "failed: the file is empty (0 bytes)"
    assert final["program.pdf"].startswith("failed: this is not a valid PDF file"), final
    # The rows went through queued to indexed; the list shows them in the window.
    assert any(r.get(files[0].name) == "queued" for r in seen)
    assert panel.list.isVisible() and not panel.empty_label.isVisible()
    assert not panel.progress_box.isVisible()
    assert "Files: 5, indexed: 3" in panel.summary.text() and "failed: 2" in panel.summary.text()
    assert "Collections: Default" in panel.summary.text()
    # Selecting the failed file names it, with its path and the whole reason.
    panel.select(str(fake_pdf))
    assert panel.details.isVisible()
    assert "program.pdf" in panel.details.text() and str(tmp_path) in panel.details.text()
    assert "not a valid PDF file" in panel.details.text()
    # What the library holds agrees with the panel.
    lib = window.assistant.documents
    assert {Path(r.path).name: str(r.status) for r in lib.files()} == {
        **{f.name: "indexed" for f in files}, "empty.txt": "failed", "program.pdf": "failed"}


def test_folder_becomes_a_collection_and_progress_shows_embedding(qtbot, panel, faq, tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "manuals"
    folder.mkdir()
    shutil.copy(faq / "en" / "html" / "pkg-basics.en.html", folder)  # ~100 passages: several batches
    shutil.copy(faq / "en" / "html" / "kernel.en.html", folder)
    texts: list[str] = []
    progress: list[str] = []

    def on_change() -> None:
        texts.extend(rows(panel).values())
        progress.append(panel.progress_label.text())

    panel.sig_changed.connect(on_change)
    panel.add_paths([folder])
    wait_idle(qtbot, panel)
    assert any(re.fullmatch(r"embedding \d+/\d+\+?( · page \d+/\d+)?", t) for t in texts), texts
    assert any(re.match(r"Indexed \d of 2", t) for t in progress), progress
    final = panel.model.items()
    assert {it.rec.collection for it in final} == {"manuals"}
    assert all(str(it.rec.status) == "indexed" for it in final)
    assert "Collections: manuals" in panel.summary.text()


def test_cancel_keeps_indexed_files_and_stops_the_rest(qtbot, window, panel, faq, tmp_path) -> None:  # type: ignore[no-untyped-def]
    first = small_texts(faq, tmp_path / "a", 1)[0]
    panel.add_paths([first])
    wait_idle(qtbot, panel)
    big = tmp_path / "faq.txt"
    shutil.copy(faq / "en" / "debian-faq.en.txt", big)
    panel.add_paths([big])
    qtbot.waitUntil(lambda: rows(panel).get("faq.txt", "").startswith("embedding"), timeout=DOCS_TIMEOUT)
    assert panel.cancel_button.isEnabled()
    panel.cancel_button.click()
    wait_idle(qtbot, panel, 60_000)
    final = rows(panel)
    assert final["faq.txt"] == "stopped before it was indexed"
    assert final[first.name].startswith("indexed")
    lib = window.assistant.documents
    assert [str(r.status) for r in lib.files() if r.path == str(big)] == ["queued"]
    assert lib.registry.chunks_of(str(big)) == []
    # Re-index picks the stopped file up again.
    panel.select(str(big))
    assert panel.reindex_button.isEnabled()
    panel.reindex_button.click()
    qtbot.waitUntil(lambda: rows(panel)["faq.txt"].startswith(("queued", "reading", "embedding")), timeout=30_000)
    panel.cancel()
    wait_idle(qtbot, panel, 60_000)


def test_remove_forgets_the_file_and_its_passages(qtbot, window, panel, faq, tmp_path) -> None:  # type: ignore[no-untyped-def]
    a, b = small_texts(faq, tmp_path / "r", 2)
    panel.add_paths([a, b])
    wait_idle(qtbot, panel)
    lib = window.assistant.documents
    assert lib.registry.chunks_of(str(a))
    panel.select(str(a))
    assert panel.remove_button.isEnabled()
    panel.remove_button.click()
    qtbot.waitUntil(lambda: a.name not in rows(panel), timeout=30_000)
    wait_idle(qtbot, panel)
    assert list(rows(panel)) == [b.name]
    assert [r.path for r in lib.files()] == [str(b)]
    assert lib.registry.chunks_of(str(a)) == []
    assert a.exists()  # the file on disk is never touched


def test_password_prompt_asks_again_after_a_wrong_password(qtbot, window, panel, fetched, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "crazyones-encrypted-256.pdf"
    shutil.copy(fetched / "docs" / "pypdf" / "crazyones-encrypted-256.pdf", pdf)  # password: "password"
    panel.add_paths([pdf])
    qtbot.waitUntil(lambda: panel.password_dialog is not None and panel.password_dialog.isVisible(), timeout=DOCS_TIMEOUT)
    dialog: QInputDialog = panel.password_dialog
    assert "crazyones-encrypted-256.pdf" in dialog.labelText() and "protected by a password" in dialog.labelText()
    assert dialog.textEchoMode() == dialog.textEchoMode().Password
    assert rows(panel)[pdf.name] == "needs a password"
    dialog.setTextValue("not-it")
    dialog.accept()
    qtbot.waitUntil(lambda: panel.password_dialog is not None and panel.password_dialog is not dialog
                    and panel.password_dialog.isVisible(), timeout=DOCS_TIMEOUT)
    again: QInputDialog = panel.password_dialog
    assert "password is wrong" in again.labelText() and pdf.name in again.labelText()
    again.setTextValue("password")
    again.accept()
    qtbot.waitUntil(lambda: rows(panel).get(pdf.name, "").startswith("indexed"), timeout=DOCS_TIMEOUT)
    wait_idle(qtbot, panel)
    assert panel.password_dialog is None
    assert rows(panel)[pdf.name].startswith("indexed · 1 page,")


def test_closing_the_password_prompt_leaves_a_button_to_enter_it_later(qtbot, panel, fetched, tmp_path) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "encrypted-file.pdf"
    shutil.copy(fetched / "docs" / "pypdf" / "encrypted-file.pdf", pdf)  # password: "test"
    panel.add_paths([pdf])
    qtbot.waitUntil(lambda: panel.password_dialog is not None, timeout=DOCS_TIMEOUT)
    panel.password_dialog.reject()
    wait_idle(qtbot, panel)
    assert panel.password_dialog is None
    panel.select(str(pdf))
    assert panel.password_button.isVisible()
    panel.password_button.click()
    qtbot.waitUntil(lambda: panel.password_dialog is not None, timeout=5000)
    panel.password_dialog.setTextValue("test")
    panel.password_dialog.accept()
    qtbot.waitUntil(lambda: rows(panel).get(pdf.name, "").startswith("indexed"), timeout=DOCS_TIMEOUT)


def test_drop_indexes_and_citations_open_the_source_panel(qtbot, window, panel, assistant, script, fetched,
                                                          tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pdf = tmp_path / "crazyones.pdf"
    shutil.copy(fetched / "docs" / "pypdf" / "crazyones.pdf", pdf)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(pdf))])
    drop = QDropEvent(QPointF(60, 60), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier)
    window.event(drop)
    assert window.documents_dock.isVisible()
    qtbot.waitUntil(lambda: rows(panel).get("crazyones.pdf", "").startswith("indexed"), timeout=DOCS_TIMEOUT)

    # Documents on for this conversation; the (scripted) model cites source [1].
    window.chat.docs_toggle.setChecked(True)
    script.answer = "The ones who see things differently are the crazy ones, the misfits and the rebels [1]."
    with qtbot.waitSignal(window.chat.sig_answer_done, timeout=DOCS_TIMEOUT) as blocker:
        window.chat.input.setPlainText("Who are the crazy ones, the misfits, the rebels?")
        qtbot.keyClick(window.chat.input, Qt.Key.Key_Return)
    done: DoneEvent = blocker.args[0]
    assert done.error is None
    cits = done.message.citations
    assert cits and cits[0].n == 1 and Path(cits[0].path).name == "crazyones.pdf" and cits[0].page == 1
    # The model saw the passage as numbered source [1], with the question.
    turn = script.calls[-1][-1]["content"]
    assert "[1] (crazyones.pdf, page 1" in turn and "crazy ones" in turn and "the misfits, the rebels?" in turn

    row = window.chat.model.rowCount() - 1
    pos = window.chat.view.link_position(row, "cite:1")
    assert pos is not None, "the [1] in the answer is not a link"
    opened: list[QUrl] = []
    monkeypatch.setattr("app.ui.source_panel.QDesktopServices.openUrl", lambda url: opened.append(url) or True)
    qtbot.mouseClick(window.chat.view.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert window.source_dock.isVisible()
    assert "crazyones.pdf" in window.source.file_label.text()
    assert "page 1" in window.source.where_label.text()
    assert "crazy ones" in window.source.text.toPlainText()
    # The sentence of the passage the answer relied on is highlighted.
    assert window.source.highlighted.strip().startswith("The ones who see things")
    assert window.source.highlighted in cits[0].text
    qtbot.mouseClick(window.source.open_button, Qt.MouseButton.LeftButton)
    assert opened and opened[0].toLocalFile() == str(pdf)


def test_startup_resumes_unfinished_work(qtbot, assistant, faq, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from app.core.rag.registry import FileStatus

    files = small_texts(faq, tmp_path / "left", 2)
    lib = assistant.documents
    for f in files:  # what a killed app leaves: files registered, never finished
        lib.registry.set_status(str(f), FileStatus.QUEUED, "default")
    p = DocumentsPanel(assistant)
    qtbot.addWidget(p)
    qtbot.waitUntil(lambda: len(rows(p)) == 2, timeout=30_000)
    qtbot.waitUntil(lambda: all(v.startswith("indexed") for v in rows(p).values()), timeout=DOCS_TIMEOUT)
    wait_idle(qtbot, p)
    assert all(str(r.status) == "indexed" for r in lib.files())


def test_window_stays_responsive_while_100_files_index(qtbot, panel, faq, tmp_path) -> None:  # type: ignore[no-untyped-def]
    files = small_texts(faq, tmp_path / "many", 120)
    # Load the embedder first: importing torch for MiniLM holds the GIL for ~0.4 s
    # once per process (a separate, known cost; the default e5 needs no torch). This
    # test measures the window while files index.
    panel.assistant.documents.embedder.embed_query("warm up")
    # As in the real app (app.ui.app.run_gui): short GIL switch interval, startup heap frozen.
    from app.ui.app import freeze_heap, prepare_ui_process

    prepare_ui_process()
    freeze_heap()
    gaps: list[float] = []
    last = [time.perf_counter()]

    def beat() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(beat)
    changes: list[int] = []
    panel.sig_changed.connect(lambda: changes.append(1))
    t0 = time.perf_counter()
    heartbeat.start()
    last[0] = time.perf_counter()
    panel.add_paths([tmp_path / "many"])
    wait_idle(qtbot, panel, 600_000)
    heartbeat.stop()
    seconds = time.perf_counter() - t0
    worst = max(gaps) * 1000
    p95 = sorted(gaps)[int(0.95 * len(gaps))] * 1000
    print(f"\nRESPONSIVENESS {len(files)} files in {seconds:.1f}s: heartbeat max gap {worst:.0f} ms, "
          f"p95 {p95:.0f} ms, {len(changes)} list updates for {panel.bridge.received} status records")
    assert all(v.startswith("indexed") for v in rows(panel).values()) and len(rows(panel)) == 120
    # A freeze fails here on any machine; the 50 ms goal is measured on a quiet machine by
    # tests/benchmarks/bench_stall.py (a loaded CI runner must not fail a timing bound).
    assert worst < 1000, f"the UI thread stalled for {worst:.0f} ms"
    # Coalesced: far fewer repaints than status records, at most ~10 a second.
    assert len(changes) < panel.bridge.received / 2
    assert len(changes) <= seconds * 1000 / 100 + 5
