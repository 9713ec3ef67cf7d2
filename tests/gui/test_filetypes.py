"""The window accepts exactly the files the core reads: one file of every suffix in
app.core.filetypes dropped on the window is routed, none refused; the refusal names the
core's lists, in English and in Russian."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from app.core import filetypes
from app.ui import i18n
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]


def drop(window, paths: list[Path]) -> None:  # type: ignore[no-untyped-def]
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    # QApplication.sendEvent does not deliver drops without a real drag; call event().
    enter = QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier)
    window.event(enter)
    assert enter.isAccepted()
    window.event(QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier))


@pytest.fixture
def routed(window, monkeypatch):  # type: ignore[no-untyped-def]
    """What the window hands on: document paths (per call) and audio files."""
    got: dict[str, list] = {"docs": [], "audio": []}
    monkeypatch.setattr(window.documents, "add_paths", lambda paths: got["docs"].append(list(paths)))
    monkeypatch.setattr(window.chat.voice, "transcribe_file", lambda path: got["audio"].append(path))
    return got


def test_a_file_of_every_kind_the_core_reads_is_accepted(qtbot, window, routed, tmp_path) -> None:  # type: ignore[no-untyped-def]
    docs = [tmp_path / f"doc{s}" for s in filetypes.DOCUMENT_SUFFIXES]
    # Upper case too: names from other systems ("REPORT.PDF", "TALK.OPUS").
    docs += [tmp_path / f"DOC-UPPER{s.upper()}" for s in filetypes.DOCUMENT_SUFFIXES]
    audio = [tmp_path / f"audio{s}" for s in filetypes.AUDIO_SUFFIXES]
    audio += [tmp_path / f"AUDIO-UPPER{s.upper()}" for s in filetypes.AUDIO_SUFFIXES]
    for p in docs + audio:
        p.write_bytes(b"x")  # routing goes by name; the core checks the content later
    drop(window, docs + audio)
    assert routed["docs"] == [docs]
    assert routed["audio"] == audio
    assert not window.chat.banner.isVisible() and window.chat.banner.text == ""
    # The four the window used to refuse are among them.
    names = {p.suffix for p in docs + audio}
    assert {".opus", ".aac", ".webm", ".xhtml"} <= names


@pytest.mark.parametrize("lang,opening", [("en", "Sova cannot open these files: x.exe."),
                                          ("ru", "Сова не умеет открывать эти файлы: x.exe.")])
def test_the_refusal_lists_what_the_core_reads(qtbot, window, routed, tmp_path, lang, opening) -> None:  # type: ignore[no-untyped-def]
    i18n.install(lang)
    bad = tmp_path / "x.exe"
    bad.write_bytes(b"MZ")
    drop(window, [bad])
    text = window.chat.banner.text
    assert window.chat.banner.isVisible() and text.startswith(opening)
    assert ", ".join(filetypes.DOCUMENT_SUFFIXES) in text and ", ".join(filetypes.AUDIO_SUFFIXES) in text
    assert "%" not in text
    assert routed == {"docs": [], "audio": []}
