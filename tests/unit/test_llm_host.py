"""HostedLLM and the model host process, with a fake backend inside the real host.

The host process, pipe protocol, cancellation, crash detection, restart, the probe
retry and context trimming are all real; only llama.cpp is replaced by FakeBackend
(the real model has its own integration tests in tests/integration/test_llm.py).
"""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import pytest

from app.core.config import GenerationSettings, Paths, user_paths
from app.core.llm.host import Aborted, ChatOptions, HostParams, LoadError
from app.core.llm import LLM, HostedLLM, ModelCrashed, ModelError
from app.core.models import ModelInfo
from app.core.types import CancelToken, GenerationStats

BACKEND = f"{__name__}:FakeBackend"


class FakeBackend:
    """Echoes the last user message word by word; options steer delays and failures."""

    def __init__(self, params: HostParams) -> None:
        self.o = params.options
        self.params = params
        if self.o.get("load_error"):
            raise LoadError(self.o["load_error"], "simulated")
        if self.o.get("die_on_load"):
            os.kill(os.getpid(), signal.SIGKILL)
        self.n_ctx = params.n_ctx
        self.cached: list[str] = []  # words "evaluated" last time: a fake KV cache

    def probe(self) -> None:
        crash = self.o.get("crash_probe_always") or self.params.use_extra_bufts
        if self.o.get("crash_probe_with_repack", self.o.get("crash_probe_always")) and crash:
            os.kill(os.getpid(), signal.SIGSEGV)  # what the native build does in llama_decode

    def _words(self, messages: Sequence[Any]) -> list[str]:
        return [w for m in messages for w in (m["role"] + " " + m["content"]).split()]

    def count(self, messages: Sequence[Any]) -> int:
        return len(self._words(messages)) + 2

    def generate(
        self, messages: Sequence[Any], opts: ChatOptions, should_stop: Callable[[], bool]
    ) -> Iterator[str | dict[str, Any]]:
        words = self._words(messages)
        reuse = 0
        for a, b in zip(self.cached, words):
            if a != b:
                break
            reuse += 1
        slow = "slow" in messages[-1]["content"]  # only such prompts take prompt_seconds
        deadline = time.monotonic() + (float(self.o.get("prompt_seconds", 0)) if slow else 0)
        while time.monotonic() < deadline:  # "prompt evaluation", abortable
            if should_stop():
                raise Aborted()
            time.sleep(0.005)
        self.cached = words
        reply = messages[-1]["content"].split() if not self.o.get("reply") else self.o["reply"].split()
        n = 0
        for w in reply[: opts.max_tokens]:
            time.sleep(float(self.o.get("token_seconds", 0)))
            n += 1
            yield w + " "
        yield {"prompt_tokens": len(words) + 2, "evaluated_prompt_tokens": len(words) + 2 - reuse, "completion_tokens": n}


@pytest.fixture()
def paths() -> Paths:
    return user_paths().ensure()


@pytest.fixture()
def model_file(tmp_path: Path) -> Path:
    f = tmp_path / "fake.gguf"
    f.write_bytes(b"not used by the fake backend")
    return f


def make(model_file: Path, paths: Paths, n_ctx: int = 4096, max_tokens: int = 64, **options: Any) -> HostedLLM:
    info = ModelInfo("fake", "Fake model", model_file, "user", 1, None, True)
    gen = GenerationSettings(n_ctx=n_ctx, max_tokens=max_tokens, n_threads=1)
    return HostedLLM(info, gen, paths=paths, backend=BACKEND, backend_options=options)


def ask(llm: HostedLLM, text: str, cancel: CancelToken | None = None) -> tuple[str, GenerationStats | None]:
    out, stats = [], None
    for item in llm.stream_chat([{"role": "system", "content": "sys"}, {"role": "user", "content": text}], cancel or CancelToken()):
        if isinstance(item, str):
            out.append(item)
        else:
            stats = item
    return "".join(out), stats


def test_streams_pieces_then_stats(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths)
    assert isinstance(llm, LLM)
    try:
        llm.load(lambda f, t: None, CancelToken())
        assert llm.loaded and llm.host_pid and llm.host_pid != os.getpid()
        items = list(llm.stream_chat([{"role": "user", "content": "one two three"}], CancelToken()))
        assert items[:3] == ["one ", "two ", "three "]
        stats = items[-1]
        assert isinstance(stats, GenerationStats) and stats.completion_tokens == 3
        assert stats.prompt_tokens == 6 and stats.n_ctx == 4096
    finally:
        llm.close()
    assert not llm.loaded


def test_cancel_during_prompt_returns_fast_and_next_request_is_clean(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths, prompt_seconds=30.0)
    llm.load()
    try:
        cancel = CancelToken()
        gen = llm.stream_chat([{"role": "user", "content": "slow stale words"}], cancel)
        first: list[Any] = []
        t = threading.Thread(target=lambda: first.extend(gen))
        t.start()
        time.sleep(0.5)  # the host is "evaluating the prompt"
        t0 = time.monotonic()
        cancel.cancel()
        t.join(20)
        elapsed = time.monotonic() - t0
        # The 200 ms promise is measured by tests/benchmarks/bench_scheduler.py; here only
        # "stopped, not ran to the end" (a loaded CI machine must not fail this).
        assert not t.is_alive() and elapsed < 10, f"stream_chat returned {elapsed:.3f}s after cancel"
        assert not any(isinstance(x, str) for x in first)
        # The next request waits for the host to abort, then gets only its own tokens.
        t1 = time.monotonic()
        text, stats = ask(llm, "fresh answer")
        assert text == "fresh answer "
        assert time.monotonic() - t1 < 20  # the aborted prompt did not run its 30 s
    finally:
        llm.close()


def test_cancel_mid_answer_keeps_host_usable(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths, token_seconds=0.05)
    llm.load()
    try:
        cancel = CancelToken()
        got = []
        msgs = [{"role": "user", "content": " ".join(f"w{i}" for i in range(60))}]
        for item in llm.stream_chat(msgs, cancel):
            if isinstance(item, str):
                got.append(item)
                if len(got) == 3:
                    t0 = time.monotonic()
                    cancel.cancel()
        assert time.monotonic() - t0 < 2.5  # well under the 57 tokens x 0.05 s left
        assert 3 <= len(got) <= 4
        text, _ = ask(llm, "after cancel")
        assert text == "after cancel "  # no stale w3 w4 ... tokens
    finally:
        llm.close()


def test_one_request_at_a_time(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths, token_seconds=0.02)
    llm.load()
    results: dict[str, str] = {}
    order: list[str] = []

    def run(name: str) -> None:
        results[name], _ = ask(llm, " ".join([name] * 8))
        order.append(name)

    try:
        threads = [threading.Thread(target=run, args=(n,)) for n in ("alpha", "beta", "gamma")]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        for n in ("alpha", "beta", "gamma"):
            assert results[n] == (n + " ") * 8  # never interleaved
        assert sorted(order) == ["alpha", "beta", "gamma"]
    finally:
        llm.close()


def test_sigkill_mid_answer_raises_crashed_then_restarts(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths, token_seconds=0.05)
    llm.load()
    try:
        pid = llm.host_pid
        assert pid
        got = []
        with pytest.raises(ModelCrashed, match="killed by SIGKILL"):
            for item in llm.stream_chat([{"role": "user", "content": "a b c d e f g h i j k l"}], CancelToken()):
                got.append(item)
                if len(got) == 2:
                    os.kill(pid, signal.SIGKILL)
        assert got[:2] == ["a ", "b "]
        assert not llm.loaded
        llm.load()  # restart
        assert llm.host_pid != pid
        assert ask(llm, "alive again")[0] == "alive again "
    finally:
        llm.close()


def test_probe_crash_retries_without_repacking_and_remembers(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths, crash_probe_with_repack=True)
    try:
        llm.load()
        assert llm.use_extra_bufts is False
        assert ask(llm, "works")[0] == "works "
    finally:
        llm.close()
    record = json.loads((paths.cache / "llama_probe.json").read_text())
    assert [v["use_extra_bufts"] for v in record.values()] == [False]
    # The next start goes straight to the working mode (no crash, no retry).
    llm2 = make(model_file, paths, crash_probe_with_repack=True)
    try:
        llm2.load()
        assert llm2.use_extra_bufts is False
    finally:
        llm2.close()


def test_probe_crash_without_repacking_is_reported(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths, crash_probe_always=True)
    with pytest.raises(ModelCrashed, match="first decode even without weight repacking"):
        llm.load()
    assert not llm.loaded


def test_out_of_memory_at_load_says_lower_the_context(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths, n_ctx=65536, load_error="memory")
    with pytest.raises(ModelError, match="Lower the context size in Settings"):
        llm.load()
    assert not llm.loaded


def test_host_killed_while_loading(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths, die_on_load=True)
    with pytest.raises(ModelError, match="stopped while loading.*SIGKILL"):
        llm.load()


def test_missing_model_file(tmp_path: Path, paths: Paths) -> None:
    llm = make(tmp_path / "gone.gguf", paths)
    with pytest.raises(ModelError, match="Model file not found.*gone.gguf"):
        llm.load()


def test_long_history_is_trimmed_in_the_host(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths, n_ctx=512, max_tokens=100, reply="ok")
    llm.load()
    try:
        history: list[dict[str, str]] = [{"role": "system", "content": "sys"}]
        for i in range(100):
            history.append({"role": "user", "content": f"question {i} " + "x " * 20})
            history.append({"role": "assistant", "content": f"answer {i} " + "y " * 20})
        history.append({"role": "user", "content": "last one"})
        items = list(llm.stream_chat(history, CancelToken()))
        stats = items[-1]
        assert isinstance(stats, GenerationStats)
        assert items[0] == "ok "
        assert stats.prompt_tokens + 100 <= 512
    finally:
        llm.close()


def test_prefix_reuse_is_reported(model_file: Path, paths: Paths) -> None:
    llm = make(model_file, paths, reply="fine")
    llm.load()
    try:
        conv = [{"role": "system", "content": "sys"}, {"role": "user", "content": "first question " * 30}]
        s1 = list(llm.stream_chat(conv, CancelToken()))[-1]
        conv += [{"role": "assistant", "content": "fine"}, {"role": "user", "content": "next"}]
        s2 = list(llm.stream_chat(conv, CancelToken()))[-1]
        assert isinstance(s1, GenerationStats) and isinstance(s2, GenerationStats)
        assert s1.evaluated_prompt_tokens == s1.prompt_tokens
        assert s2.evaluated_prompt_tokens < s2.prompt_tokens / 5
    finally:
        llm.close()


class PartsBackend(FakeBackend):
    """Says what the last message carried: its parts' kinds (pictures by file name)."""

    def count(self, messages: Sequence[Any]) -> int:
        return 16

    def generate(
        self, messages: Sequence[Any], opts: ChatOptions, should_stop: Callable[[], bool]
    ) -> Iterator[str | dict[str, Any]]:
        content = messages[-1]["content"]
        if isinstance(content, str):
            yield f"text:{content} "
        else:
            for p in content:
                yield f"{p['type']}:{p.get('text') or Path(p['path']).name} "
        vision = self.params.vision or {}
        yield f"projector:{Path(str(vision.get('mmproj', '-'))).name}"
        yield {"prompt_tokens": 16, "evaluated_prompt_tokens": 16, "completion_tokens": 1}


def test_a_vision_model_host_receives_pictures_as_files_a_text_model_their_text(
        model_file: Path, paths: Paths, tmp_path: Path) -> None:
    from app.core.llm.base import ImagePart, TextPart

    message = {"role": "user", "content": [TextPart("What is it?"), ImagePart(str(tmp_path / "cat.jpg"), "image/jpeg")]}
    hints = {"mmproj": str(tmp_path / "mmproj.gguf"), "patch": 14, "merge": 2, "dynamic": True, "fixed_tokens": 0}
    gen = GenerationSettings(n_ctx=4096, max_tokens=64, n_threads=1)
    for info, expected in (
        (ModelInfo("v", "Vision", model_file, "user", 1, None, True, tmp_path / "mmproj.gguf", hints),
         "text:What is it? image:cat.jpg projector:mmproj.gguf"),
        (ModelInfo("t", "Text", model_file, "user", 1, None, True), "text:What is it? projector:-"),
    ):
        llm = HostedLLM(info, gen, paths=paths, backend=f"{__name__}:PartsBackend")
        try:
            out = "".join(p for p in llm.stream_chat([message], CancelToken()) if isinstance(p, str))
            assert out == expected and llm.sees_images == (info.mmproj is not None)
        finally:
            llm.close()
