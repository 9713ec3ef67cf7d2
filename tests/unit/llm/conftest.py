"""The scripted OpenAI-compatible server the remote-backend tests talk to."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as s:
        yield s
