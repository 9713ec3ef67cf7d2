"""An audio file's transcript added to the documents: passages headed and cited by time."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.rag import library as library_mod
from app.core.speech import Segment
from app.core.types import SovaError

from test_ingest import assert_consistent, make_lib  # type: ignore[import-not-found]

SEGMENTS = [
    Segment(0.0, 4.0, "Welcome to the weekly planning meeting."),
    Segment(4.0, 9.5, "First item: the invoice INV-2024-17 was paid in March."),
    Segment(83.2, 90.0, "Second item: the cat needs a vet appointment on Friday."),
    Segment(3725.0, 3730.0, "Last item: the roof repair is postponed until spring."),
]


def test_transcript_sections_group_segments_and_name_their_start() -> None:
    sections = library_mod.transcript_sections(SEGMENTS, chunk_chars=100)
    assert [s.heading_path for s in sections] == [("00:00:00",), ("00:01:23",), ("01:02:05",)]
    assert sections[0].text == "Welcome to the weekly planning meeting. First item: the invoice INV-2024-17 was paid in March."
    assert all(len(s.text) <= 100 and s.page is None for s in sections)
    assert library_mod.transcript_seconds("/x/meeting.mp3", "01:02:05") == 3725.0
    assert library_mod.transcript_seconds("/x/notes.txt", "01:02:05") is None  # not an audio file
    assert library_mod.transcript_seconds("/x/meeting.mp3", "Chapter 2") is None


def test_add_transcript_is_retrieved_with_start_times(tmp_path: Path) -> None:
    lib, _ = make_lib(tmp_path)
    lib.settings.documents.chunk_chars = 100
    audio = tmp_path / "meeting.ogg"
    audio.write_bytes(b"OggS" + b"\0" * 100)  # the content is only hashed, never decoded here
    report = lib.add_transcript(audio, SEGMENTS, collection="meetings")
    assert report.failed == 0
    [rec] = lib.files()
    assert rec.path == str(audio) and rec.collection == "meetings" and rec.chunks == 3
    cites = lib.retrieve("When was the invoice INV-2024-17 paid?", (), 3)
    assert cites[0].path == str(audio) and "INV-2024-17" in cites[0].text
    assert cites[0].heading == "00:00:00" and cites[0].start_seconds == 0.0
    vet = [c for c in lib.retrieve("vet appointment for the cat", ("meetings",), 3) if "vet" in c.text]
    assert vet and vet[0].start_seconds == 83.0
    # Adding it again (e.g. transcribed with a better model) replaces the passages.
    lib.add_transcript(audio, SEGMENTS[:1])
    assert lib.files()[0].chunks == 1
    assert_consistent(lib)
    lib.close()


def test_empty_transcript_is_a_readable_error(tmp_path: Path) -> None:
    lib, _ = make_lib(tmp_path)
    audio = tmp_path / "silence.wav"
    audio.write_bytes(b"RIFF")
    with pytest.raises(SovaError, match="silence.wav"):
        lib.add_transcript(audio, [Segment(0, 1, "  ")])
    assert lib.files() == []
    lib.close()
