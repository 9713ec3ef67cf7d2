"""Small fakes for GUI tests: a scripted LLM and an in-memory model registry.

The real model is exercised by tests/gui/test_real_model.py; these fakes make the
window's behaviour (streaming, stop, errors, crashes) deterministic and fast.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator, Sequence

from app.core.config import Settings
from app.core.llm import ChatMessage, ModelCrashed, ModelError
from app.core.models import ModelInfo
from app.core.types import CancelToken, GenerationStats, ProgressCallback

# Qt messages about this machine, not about Sova: no PipeWire/PulseAudio server in CI,
# and the offscreen platform cannot resize native windows.
QT_NOISE = (
    r"pipewire",
    r"PulseAudioService",
    r"propagateSizeHints",
)

ANSWER = (
    "Here is a list:\n\n- one\n- two\n\n```python\nprint('hello')\n```\n\nDone."
)


@dataclass
class Script:
    """What the fake model does next; tests change it between questions."""

    answer: str = ANSWER
    delay: float = 0.0  # seconds per token
    fail_after: int | None = None  # raise after this many tokens
    failure: type[Exception] = ModelError
    load_error: str | None = None
    loads: int = 0
    calls: list[list[dict[str, str]]] = field(default_factory=list)

    def tokens(self) -> list[str]:
        # Word-sized pieces, keeping the whitespace, like a real tokenizer's stream.
        out: list[str] = []
        word = ""
        for ch in self.answer:
            word += ch
            if ch in " \n":
                out.append(word)
                word = ""
        if word:
            out.append(word)
        return out


class FakeLLM:
    def __init__(self, info: ModelInfo, settings: Settings, script: Script) -> None:
        self.name = info.name
        self.script = script
        self._loaded = False
        self._n_ctx = settings.generation.n_ctx

    def load(self, progress: ProgressCallback, cancel: CancelToken) -> None:
        self.script.loads += 1
        progress(0.5, "loading fake")
        if self.script.load_error:
            raise ModelError(self.script.load_error)
        self._loaded = True

    @property
    def loaded(self) -> bool:
        return self._loaded

    @property
    def n_ctx(self) -> int:
        return self._n_ctx

    def stream_chat(self, messages: Sequence[ChatMessage], cancel: CancelToken, options: object = None) -> Iterator[str | GenerationStats]:
        self.script.calls.append([dict(m) for m in messages])
        t0 = time.monotonic()
        n = 0
        for piece in self.script.tokens():
            if cancel.cancelled:
                break
            if self.script.fail_after is not None and n >= self.script.fail_after:
                if self.script.failure is ModelCrashed:
                    self._loaded = False
                raise self.script.failure("the fake model failed on purpose")
            if self.script.delay:
                cancel.wait(self.script.delay)
            n += 1
            yield piece
        dt = max(1e-6, time.monotonic() - t0)
        yield GenerationStats(prompt_tokens=40, evaluated_prompt_tokens=40, completion_tokens=n,
                              prompt_seconds=0.01, generation_seconds=dt, n_ctx=self._n_ctx)

    def close(self) -> None:
        self._loaded = False


class FakeRegistry:
    """Two models; add() accepts files ending in .gguf whose first bytes are GGUF."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.infos = [
            ModelInfo("fake-small", "Fake Small", root / "small.gguf", "bundled", 1000, None, True),
            ModelInfo("fake-big", "Fake Big", root / "big.gguf", "bundled", 2000, None, True),
        ]

    def list(self) -> list[ModelInfo]:
        return list(self.infos)

    def get(self, model_id: str) -> ModelInfo:
        for i in self.infos:
            if i.id == model_id:
                return i
        raise ModelError(f"Unknown model '{model_id}'.")

    def ensure(self, model_id: str, progress: ProgressCallback, cancel: CancelToken) -> ModelInfo:
        progress(0.5, "assembling")
        return self.get(model_id)

    def add(self, path: Path, chat_format: str | None = None) -> ModelInfo:
        if not path.exists():
            raise ModelError(f"{path.name}: the file does not exist.")
        if path.read_bytes()[:4] != b"GGUF":
            raise ModelError(f"{path.name} is not a GGUF file (wrong magic bytes).")
        info = ModelInfo(path.stem, path.stem, path, "user", path.stat().st_size, chat_format, True)
        self.infos.append(info)
        return info
