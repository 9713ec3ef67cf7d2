"""app/core/filetypes.py: the files the core reads, by category, come from the loaders'
table and the audio decoder, and every suffix listed is really read."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core import audio, filetypes
from app.core.rag.loaders import SUPPORTED_SUFFIXES, kind_for, load_document
from tests.fakes.samples import SAMPLE_TEXT, make_audio, make_document


def test_lists_come_from_the_loaders_and_the_decoder() -> None:
    # Pictures are a loader kind too (added to documents on purpose) but listed as images.
    assert set(filetypes.DOCUMENT_SUFFIXES) | set(filetypes.IMAGE_SUFFIXES) == SUPPORTED_SUFFIXES
    assert not set(filetypes.DOCUMENT_SUFFIXES) & set(filetypes.IMAGE_SUFFIXES)
    assert set(filetypes.AUDIO_SUFFIXES) == {s.lower() for s in audio.AUDIO_EXTENSIONS}
    assert filetypes.ACCEPTED["document"] == filetypes.DOCUMENT_SUFFIXES
    assert filetypes.ACCEPTED["audio"] == filetypes.AUDIO_SUFFIXES


def test_categories_are_disjoint_lower_case_and_without_repeats() -> None:
    every = [s for suffixes in filetypes.ACCEPTED.values() for s in suffixes]
    assert len(every) == len(set(every)) == len(filetypes.accepted_suffixes())
    assert all(s.startswith(".") and s == s.lower() for s in every)


def test_the_suffixes_the_window_used_to_refuse_are_accepted() -> None:
    assert {".opus", ".aac", ".webm", ".xhtml"} <= filetypes.accepted_suffixes()


def test_category_of_a_name() -> None:
    assert filetypes.category_of(Path("Book.EPUB")) == "document"
    assert filetypes.category_of(Path("page.xhtml")) == "document"
    assert filetypes.category_of(Path("talk.Opus")) == "audio"
    assert filetypes.category_of(Path("x.exe")) is None
    assert filetypes.category_of(Path("no-suffix")) is None


@pytest.mark.parametrize("suffix", filetypes.DOCUMENT_SUFFIXES)
def test_every_document_suffix_has_a_loader(tmp_path: Path, suffix: str) -> None:
    path = make_document(tmp_path / f"sample{suffix}")
    assert kind_for(path) is not None
    assert SAMPLE_TEXT in load_document(path).text


@pytest.mark.parametrize("suffix", filetypes.AUDIO_SUFFIXES)
def test_every_audio_suffix_is_decoded(tmp_path: Path, suffix: str) -> None:
    path = make_audio(tmp_path / f"tone{suffix}", seconds=1.0)
    samples = audio.decode_file(path)
    assert abs(len(samples) / audio.SAMPLE_RATE - 1.0) < 0.1  # codec padding only
    assert audio.rms_dbfs(samples) > -20  # the tone, not silence
