"""The fake model and model registry shared by the unit and GUI tests.

A ``Script`` says what the model does next (its answer, speed, a failure after n tokens,
a load error) and records what it was asked; tests change it between questions. A
``FakeLLM`` plays a script: the unit tests build one directly (``FakeLLM(reply=...)``,
handed to the facade by ``fake_factory``); the GUI tests share one script between the
models the facade loads and reloads (``script_factory``). The real model has its own
integration tests.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

from app.core.config import Settings
from app.core.llm import ChatMessage, GenerationOptions, ModelCrashed, ModelError
from app.core.models import ModelInfo
from app.core.types import CancelToken, GenerationStats, ProgressCallback

ANSWER = (
    "Here is a list:\n\n- one\n- two\n\n```python\nprint('hello')\n```\n\nDone."
)
FAILED = "the fake model failed on purpose"
CRASHED = "The model stopped unexpectedly (the fake crashed on purpose)."


@dataclass
class Script:
    """What the fake model does next, and what it was asked."""

    answer: str = ANSWER
    delay: float = 0.0  # seconds per token (a cancel ends the wait at once)
    fail_after: int | None = None  # raise ``failure`` after this many tokens
    failure: type[Exception] = ModelError
    fail_with: Exception | None = None  # raised before the first token
    load_error: str | None = None  # load() raises ModelError with this text
    loads: int = 0
    calls: list[list[dict[str, Any]]] = field(default_factory=list)
    options: list[GenerationOptions | None] = field(default_factory=list)

    def tokens(self) -> list[str]:
        """Word-sized pieces that keep their whitespace, like a real tokenizer's stream."""
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


def _on_script(name: str) -> Any:
    """An attribute of the model that is the script's (so a test may set it on either)."""
    return property(lambda self: getattr(self.script, name), lambda self, value: setattr(self.script, name, value))


class FakeLLM:
    """Streams its script's answer word by word; can fail, crash or refuse to load."""

    reply = _on_script("answer")
    delay = _on_script("delay")
    fail_with = _on_script("fail_with")
    calls = _on_script("calls")
    options = _on_script("options")
    loads = _on_script("loads")

    def __init__(
        self,
        reply: str = ANSWER,
        *,
        delay: float = 0.0,
        fail_with: Exception | None = None,
        crash_after: int | None = None,
        name: str = "Fake model",
        n_ctx: int = 4096,
        script: Script | None = None,
    ) -> None:
        self.script = script if script is not None else Script(answer=reply, delay=delay, fail_with=fail_with)
        if crash_after is not None:
            self.crash_after = crash_after
        self.name = name
        self._n_ctx = n_ctx
        self._loaded = False
        self.closed = False

    @property
    def crash_after(self) -> int | None:
        """Tokens before the model crashes (ModelCrashed), or None."""
        return self.script.fail_after if self.script.failure is ModelCrashed else None

    @crash_after.setter
    def crash_after(self, value: int | None) -> None:
        self.script.fail_after = value
        if value is not None:
            self.script.failure = ModelCrashed

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

    def stream_chat(
        self, messages: Sequence[ChatMessage], cancel: CancelToken, options: GenerationOptions | None = None
    ) -> Iterator[str | GenerationStats]:
        s = self.script
        s.calls.append([dict(m) for m in messages])
        s.options.append(options)
        if s.fail_with is not None:
            raise s.fail_with
        t0 = time.monotonic()
        n = 0
        for piece in s.tokens():
            if cancel.cancelled:
                break
            if s.fail_after is not None and n >= s.fail_after:
                if s.failure is ModelCrashed:
                    self._loaded = False  # as a killed host: the next request loads again
                    raise ModelCrashed(CRASHED)
                raise s.failure(FAILED)
            if s.delay:
                cancel.wait(s.delay)
            n += 1
            yield piece
        yield GenerationStats(prompt_tokens=40, evaluated_prompt_tokens=40, completion_tokens=n,
                              prompt_seconds=0.01, generation_seconds=max(time.monotonic() - t0, 1e-6),
                              n_ctx=self._n_ctx)

    def close(self) -> None:
        self.closed = True
        self._loaded = False


def fake_factory(llm: FakeLLM) -> Callable[[Any, Settings], FakeLLM]:
    """The facade's llm_factory that always hands out this one model (tests inspect it)."""

    def factory(info: Any, settings: Settings) -> FakeLLM:
        return llm

    return factory


def script_factory(script: Script) -> Callable[[ModelInfo, Settings], FakeLLM]:
    """The facade's llm_factory that loads a new model for every (re)load, all playing
    ``script``: named as the registry's model, with the context size of the settings."""

    def factory(info: ModelInfo, settings: Settings) -> FakeLLM:
        return FakeLLM(name=info.name, n_ctx=settings.generation.n_ctx, script=script)

    return factory


def fake_models(root: Path = Path("/nonexistent")) -> list[ModelInfo]:
    """The two bundled models of the fake registry (files under ``root``)."""
    return [
        ModelInfo("fake", "Fake model", root / "fake.gguf", "bundled", 1000, None, True),
        ModelInfo("fake2", "Second fake", root / "fake2.gguf", "bundled", 2000, None, True),
    ]


class FakeRegistry:
    """Two bundled models in memory; add() lists a file ending in .gguf whose first bytes are GGUF."""

    def __init__(self, root: Path = Path("/nonexistent")) -> None:
        self.root = root
        self.infos = fake_models(root)

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

    def add(self, path: Path, chat_format: str | None = None, mmproj: Path | None = None) -> ModelInfo:
        """With ``mmproj``: the real pair check (the files must be real GGUF headers)."""
        if not path.exists():
            raise ModelError(f"{path.name}: the file does not exist.")
        if path.read_bytes()[:4] != b"GGUF":
            raise ModelError(f"{path.name} is not a GGUF file (wrong magic bytes).")
        vision = None
        if mmproj is not None:
            from app.core.models import ModelRegistry

            vision = ModelRegistry._check_pair(path, mmproj).hints()
        info = ModelInfo(path.stem, path.stem, path, "user", path.stat().st_size, chat_format, True,
                         mmproj, vision)
        self.infos.append(info)
        return info
