"""Streaming overhead of Sova's core path vs bare llama-cpp-python.

Sova: Assistant.ask -> model host process -> pipe -> facade events (store writes included).
Baseline: llama_cpp.Llama.create_chat_completion(stream=True) in this process.
Same model file, prompt, chat template, temperature 0, seed, threads, context size.
Rate = (tokens - 1) / (time of last token - time of first token), as the consumer sees it.
Short rounds alternate (Sova first, then bare first, ...) to share the machine's noise;
both the overall ratio and the median of per-round ratios are printed. Goal: >= 0.95.

Usage: .venv/bin/python tests/benchmarks/bench_core_stream.py [--model qwen2.5-coder-1.5b] [--rounds 4] [--tokens 120] [--threads 2]
The GUI helper's full-path benchmark may import `bare_stream`, `core_stream` and `Run`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))

from app.main import offline_environment  # noqa: E402

offline_environment()

from app.core.config import GenerationSettings, Paths, Settings, user_paths  # noqa: E402
from app.core.models import ModelInfo, ModelRegistry  # noqa: E402

SYSTEM = "You are Sova, a helpful offline assistant. Answer in the language of the question."
PROMPT = "Write a detailed explanation of how a hash table works, with an example in Python."


@dataclass(frozen=True)
class Run:
    tokens: int
    seconds: float  # first token -> last token
    text: str

    @property
    def rate(self) -> float:
        return (self.tokens - 1) / self.seconds if self.seconds > 0 and self.tokens > 1 else 0.0


def bench_settings(model_id: str, tokens: int, threads: int) -> Settings:
    gen = GenerationSettings(temperature=0.0, top_p=0.9, max_tokens=tokens, n_ctx=4096, n_threads=threads, seed=42)
    return Settings(active_model=model_id, generation=gen, system_prompt=SYSTEM)


def bare_stream(info: ModelInfo, settings: Settings, prompt: str = PROMPT, llm: object | None = None) -> tuple[Run, object]:
    """Stream one answer with bare llama-cpp-python; returns the run and the Llama (reusable)."""
    from llama_cpp import Llama

    g = settings.generation
    if llm is None:
        llm = Llama(
            model_path=str(info.path), n_ctx=g.n_ctx, n_threads=g.n_threads, n_threads_batch=g.n_threads,
            chat_format="chat_template.default", verbose=False,
        )
    llm.reset()  # type: ignore[attr-defined]
    first = last = 0.0
    n, parts = 0, []
    stream = llm.create_chat_completion(  # type: ignore[attr-defined]
        messages=[{"role": "system", "content": settings.system_prompt}, {"role": "user", "content": prompt}],
        temperature=g.temperature, top_p=g.top_p, max_tokens=g.max_tokens, seed=g.seed, stream=True,
    )
    for chunk in stream:
        text = chunk["choices"][0]["delta"].get("content")
        if text:
            now = time.perf_counter()
            first = first or now
            last = now
            n += 1
            parts.append(text)
    return Run(n, last - first, "".join(parts)), llm


def core_stream(settings: Settings, prompt: str = PROMPT, assistant: object | None = None) -> tuple[Run, object]:
    """Stream one answer through Assistant.ask (model host included); returns run and assistant."""
    from app.core.assistant import Assistant
    from app.core.types import DoneEvent, TokenEvent

    if assistant is None:
        assistant = Assistant(settings=settings)
        assistant.load_model()  # type: ignore[attr-defined]
    conv = assistant.new_conversation()  # type: ignore[attr-defined]
    first = last = 0.0
    n, parts = 0, []
    done = None
    for ev in assistant.ask(conv.id, prompt):  # type: ignore[attr-defined]
        if isinstance(ev, TokenEvent):
            now = time.perf_counter()
            first = first or now
            last = now
            n += 1
            parts.append(ev.text)
        elif isinstance(ev, DoneEvent):
            done = ev
    assert done is not None and done.error is None, done
    return Run(n, last - first, "".join(parts)), assistant


def ipc_overhead(tokens: int = 3000) -> float:
    """Tokens/s the host pipe alone sustains (fake backend, no model): the IPC ceiling."""
    sys.path.insert(0, str(ROOT / "tests" / "unit"))
    from app.core.llm import HostedLLM
    from app.core.types import CancelToken

    f = Path(tempfile.mkdtemp()) / "fake.gguf"
    f.write_bytes(b"fake")
    info = ModelInfo("fake", "fake", f, "user", 4, None, True)
    gen = GenerationSettings(max_tokens=tokens, n_ctx=32768, n_threads=1)
    llm = HostedLLM(info, gen, backend="test_llm_host:FakeBackend", backend_options={"reply": "w " * tokens})
    llm.load()
    n, t0 = 0, 0.0
    for item in llm.stream_chat([{"role": "user", "content": "go"}], CancelToken()):
        if isinstance(item, str):
            n += 1
            t0 = t0 or time.perf_counter()
    rate = (n - 1) / (time.perf_counter() - t0)
    llm.close()
    return rate


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--tokens", type=int, default=120)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    os.environ["SOVA_HOME"] = tempfile.mkdtemp(prefix="sova-bench-")
    paths: Paths = user_paths().ensure()
    info = ModelRegistry(paths).ensure(args.model)
    settings = bench_settings(args.model, args.tokens, args.threads)
    print(f"model {info.name}, {args.tokens} tokens max, {args.threads} threads, temperature 0")
    ipc = ipc_overhead()
    print(f"host pipe alone (fake model): {ipc:,.0f} tokens/s, i.e. {1e6 / ipc:.0f} us per token")

    # Short alternating rounds (order flipped each round) share the machine's noise.
    core_runs: list[Run] = []
    bare_runs: list[Run] = []
    assistant = llm = None
    for i in range(args.rounds):
        for side in (("sova", "bare") if i % 2 == 0 else ("bare", "sova")):
            if side == "sova":
                run, assistant = core_stream(settings, assistant=assistant)
                core_runs.append(run)
            else:
                run, llm = bare_stream(info, settings, llm=llm)
                bare_runs.append(run)
            print(f"  round {i + 1}: {side} {run.tokens} tokens {run.rate:6.2f} tok/s", flush=True)
    assistant.close()  # type: ignore[union-attr]

    ratios = sorted(c.rate / b.rate for c, b in zip(core_runs, bare_runs))
    median = ratios[len(ratios) // 2] if len(ratios) % 2 else sum(ratios[len(ratios) // 2 - 1 : len(ratios) // 2 + 1]) / 2
    core = sum(r.tokens - 1 for r in core_runs) / sum(r.seconds for r in core_runs)
    bare = sum(r.tokens - 1 for r in bare_runs) / sum(r.seconds for r in bare_runs)
    print(f"same text from both paths: {core_runs[0].text == bare_runs[0].text}")
    print(f"sova core path: {core:.2f} tok/s   bare llama-cpp-python: {bare:.2f} tok/s (all rounds)")
    print(f"per-round ratios: {', '.join(f'{r:.3f}' for r in ratios)}")
    print(f"ratio {core / bare:.3f} overall, {median:.3f} median of rounds (goal >= 0.95): "
          f"{'MET' if min(core / bare, median) >= 0.95 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
