"""Small fakes for unit and GUI tests (the real model has its own integration tests)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from app.core.config import Settings
from app.core.llm import ChatMessage, GenerationOptions, ModelCrashed, ModelError
from app.core.types import CancelToken, GenerationStats, ProgressCallback


@dataclass(frozen=True)
class FakeModelInfo:
    id: str = "fake"
    name: str = "Fake model"
    path: Path = Path("/nonexistent/fake.gguf")
    source: str = "bundled"
    size_bytes: int = 0
    chat_format: str | None = "chatml"
    available: bool = True


class FakeRegistry:
    def __init__(self, *infos: FakeModelInfo) -> None:
        self.infos = {i.id: i for i in (infos or (FakeModelInfo(), FakeModelInfo("fake2", "Second fake")))}

    def list(self) -> list[FakeModelInfo]:
        return list(self.infos.values())

    def get(self, model_id: str) -> FakeModelInfo:
        if model_id not in self.infos:
            raise ModelError(f"Unknown model {model_id}")
        return self.infos[model_id]

    def ensure(self, model_id: str, progress: ProgressCallback, cancel: CancelToken) -> FakeModelInfo:
        progress(1.0, "assembled")
        return self.get(model_id)

    def add(self, path: Path, chat_format: str | None = None) -> FakeModelInfo:
        raise ModelError(f"{path}: not a GGUF file")


@dataclass
class FakeLLM:
    """Streams a canned reply word by word; can fail or crash on demand."""

    reply: str = "Hello from **Sova**.\n\n```python\nprint('hi')\n```\n"
    delay: float = 0.0
    fail_with: Exception | None = None
    crash_after: int | None = None  # tokens before a ModelCrashed
    name: str = "Fake model"
    calls: list[list[dict[str, str]]] = field(default_factory=list)
    options: list[GenerationOptions | None] = field(default_factory=list)
    loads: int = 0
    _loaded: bool = False
    closed: bool = False

    def load(self, progress: ProgressCallback, cancel: CancelToken) -> None:
        progress(0.5, "loading")
        self.loads += 1
        self._loaded = True

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def n_ctx(self) -> int:
        return 4096

    def stream_chat(
        self, messages: Sequence[ChatMessage], cancel: CancelToken, options: GenerationOptions | None = None
    ) -> Iterator[str | GenerationStats]:
        self.calls.append([dict(m) for m in messages])
        self.options.append(options)
        if self.fail_with:
            raise self.fail_with
        pieces = [w + " " for w in self.reply.split(" ")]
        t0 = time.monotonic()
        n = 0
        for i, piece in enumerate(pieces):
            if cancel.cancelled:
                break
            if self.crash_after is not None and i >= self.crash_after:
                raise ModelCrashed("The model stopped unexpectedly (killed).")
            if self.delay:
                time.sleep(self.delay)
            n += 1
            yield piece
        yield GenerationStats(prompt_tokens=20, evaluated_prompt_tokens=20, completion_tokens=n,
                              generation_seconds=max(time.monotonic() - t0, 1e-3), n_ctx=4096)

    def close(self) -> None:
        self.closed = True
        self._loaded = False


def fake_factory(llm: FakeLLM):  # type: ignore[no-untyped-def]
    def factory(info: object, settings: Settings) -> FakeLLM:
        return llm

    return factory
