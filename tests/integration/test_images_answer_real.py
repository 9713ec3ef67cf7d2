"""Asking about pictures with the real default 1.5B model, the real classifier and real
Tesseract: a screenshot of a Russian error dialog (rendered with a real font) is read
and answered in Russian; a photo of a cat (scikit-image's Chelsea) is named."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from app.core.assistant import Assistant
from app.core.config import GenerationSettings, MemorySettings, Paths, Settings, user_paths
from app.core.types import DoneEvent
from tests.pictures import error_dialog



@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    tmp = tmp_path_factory.mktemp("images")
    paths = Paths(tmp / "config", tmp / "data", tmp / "cache", user_paths().models).ensure()
    settings = Settings(auto_titles=False, memory=MemorySettings(enabled=False),
                        generation=GenerationSettings(temperature=0.0, max_tokens=120, n_threads=2, seed=7))
    a = Assistant(paths, settings)
    yield a
    a.close()


def answer(a: Assistant, text: str, image: Path) -> DoneEvent:
    cid = a.new_conversation().id
    done = [e for e in a.ask(cid, text, images=[image]) if isinstance(e, DoneEvent)]
    assert done and done[0].error is None, done[0].error if done else "no answer"
    return done[0]


def test_a_russian_screenshot_is_read_and_answered_in_russian(assistant: Assistant, tmp_path: Path) -> None:
    done = answer(assistant, "Что за ошибка на этом скриншоте и сколько места нужно?", error_dialog(tmp_path / "err.png"))
    text = done.message.content
    print("answer:", text)
    assert "2,4" in text or "2.4" in text, text
    assert "диск" in text.lower() or "мест" in text.lower(), text
    read = done.message.details["images"][0]["read"]
    # Read at its own size the 13 px capital Н sometimes comes out small: the words matter.
    assert "недостаточно места" in read["text"].lower()


def test_a_photo_of_a_cat_is_named(assistant: Assistant, fetched: Path) -> None:
    done = answer(assistant, "What animal is in this picture?", fetched / "images" / "photos" / "chelsea.png")
    print("answer:", done.message.content)
    assert "cat" in done.message.content.lower()
    assert done.message.details["images"][0]["read"]["labels"][0]["name"] in ("tiger cat", "Egyptian cat", "tabby")
