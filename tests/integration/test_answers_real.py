"""Answers from documents with the real default model and real Russian pages (the
aptitude manual, fetched by tests/data/fetch_docs.sh): in Russian, every marker on a
passage that exists and holds the cited words, the expected fact; and a question the
documents cannot answer turned away without the model, naming what they never mention."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterator

import pytest

from app.core.assistant import Assistant
from app.core.config import GenerationSettings, Paths, Settings, user_paths
from app.core.language import matches
from app.core.types import DoneEvent, MessageStatus, RestartEvent, SourcesEvent

PAGES = ("ch02s01s03.html", "ch02s01s02.html", "ch01s01s04.html", "ch02s02s04.html", "ch03.html")


@pytest.fixture(scope="module")
def assistant(fetched: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    tmp = tmp_path_factory.mktemp("answers")
    paths = Paths(tmp / "config", tmp / "data", tmp / "cache", user_paths().models).ensure()
    settings = Settings(generation=GenerationSettings(temperature=0.0, max_tokens=160, n_threads=2, seed=7),
                        auto_titles=False)
    a = Assistant(paths, settings)
    report = a.documents.add_paths([fetched / "docs" / "aptitude" / "ru" / p for p in PAGES])
    assert report.indexed == len(PAGES)
    yield a
    a.close()


def test_a_russian_question_gets_a_russian_answer_citing_real_passages(assistant: Assistant) -> None:
    conv = assistant.new_conversation()
    assistant.set_documents(conv.id, ())
    events = list(assistant.ask(conv.id, "У меня в aptitude открыто несколько окон. Как переключаться между ними "
                                         "с клавиатуры?"))
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.error is None, done.error
    msg = done.message
    sources = next(e for e in events if isinstance(e, SourcesEvent)).citations
    assert msg.status == MessageStatus.COMPLETE and sources and msg.citations == sources
    assert any(c.path.endswith("ch02s01s03.html") for c in sources)
    assert matches(msg.content, "ru"), msg.content
    assert re.search(r"F6|F7", msg.content), msg.content
    marks = {int(n) for n in re.findall(r"\[(\d+)\]", msg.content)}
    assert marks and marks <= {c.n for c in sources}, msg.content  # no marker points at nothing
    assert not re.search(r"^\s*(\[\d+\]\s*)+$", msg.content, re.M), msg.content  # no bare marker line
    print("answer:", msg.content, "| restarts:", sum(isinstance(e, RestartEvent) for e in events))


def test_a_question_about_something_never_mentioned_is_turned_away_without_the_model(assistant: Assistant) -> None:
    conv = assistant.new_conversation()
    assistant.set_documents(conv.id, ())
    done = list(assistant.ask(conv.id, "Как настроить VPN-туннель WireGuard между двумя серверами?"))[-1]
    assert isinstance(done, DoneEvent) and done.message.model is None
    assert "WireGuard" in done.message.content and "не буду выдумывать" in done.message.content
