"""Streaming through Sova's remote backend vs a bare httpx streaming client.

Both talk to the same ``python -m llama_cpp.server`` (the bundled 0.5B model, loopback,
n_ctx 2048, 2 threads) with the same request: prompt, temperature 0, seed, max tokens.
Sova: RemoteLLM.stream_chat (reader thread, SSE parsing, cancel and timeout checks).
Bare: httpx.Client.stream + iter_lines + json.loads in the calling thread.
Rate = (pieces - 1) / (time of last piece - time of first piece), as the consumer sees it.
Rounds alternate (Sova first, then bare first, ...) to share the machine's noise; the
overall ratio and the median of per-round ratios are printed. Goal: >= 0.95.

Usage: .venv/bin/python tests/benchmarks/bench_remote.py [--model qwen2.5-coder-0.5b] [--rounds 4] [--tokens 200]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "integration"))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))

from app.main import offline_environment  # noqa: E402

offline_environment()

from app.core.config import RemoteSettings, user_paths  # noqa: E402
from app.core.llm import GenerationOptions  # noqa: E402
from app.core.llm.remote import RemoteLLM  # noqa: E402
from app.core.models import ModelRegistry  # noqa: E402
from app.core.types import CancelToken  # noqa: E402
from llama_server import LlamaServer  # noqa: E402

SYSTEM = "You are Sova, a helpful offline assistant. Answer in the language of the question."
PROMPT = "Write a detailed explanation of how a hash table works, with an example in Python."


@dataclass(frozen=True)
class Run:
    pieces: int
    seconds: float  # first piece -> last piece
    text: str

    @property
    def rate(self) -> float:
        return (self.pieces - 1) / self.seconds if self.seconds > 0 and self.pieces > 1 else 0.0


def messages() -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": PROMPT}]


def sova_stream(llm: RemoteLLM, tokens: int) -> Run:
    first = last = 0.0
    n, parts = 0, []
    opts = GenerationOptions(temperature=0.0, top_p=0.9, max_tokens=tokens, seed=42)
    for item in llm.stream_chat(messages(), CancelToken(), opts):
        if isinstance(item, str):
            now = time.perf_counter()
            first = first or now
            last = now
            n += 1
            parts.append(item)
    return Run(n, last - first, "".join(parts))


def bare_stream(client: object, base_url: str, model: str, tokens: int) -> Run:
    """The plainest correct client: stream, split lines, parse each data line."""
    body = {"model": model, "messages": messages(), "stream": True, "temperature": 0.0, "top_p": 0.9,
            "max_tokens": tokens, "seed": 42, "stream_options": {"include_usage": True}}
    first = last = 0.0
    n, parts = 0, []
    with client.stream("POST", f"{base_url}/chat/completions", json=body) as resp:  # type: ignore[attr-defined]
        resp.raise_for_status()
        for line in resp.iter_lines():
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            chunk = json.loads(data)
            for choice in chunk.get("choices") or ():
                text = (choice.get("delta") or {}).get("content")
                if text:
                    now = time.perf_counter()
                    first = first or now
                    last = now
                    n += 1
                    parts.append(text)
    return Run(n, last - first, "".join(parts))


def main() -> int:
    import httpx

    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-0.5b")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--tokens", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    os.environ["SOVA_HOME"] = tempfile.mkdtemp(prefix="sova-bench-")
    paths = user_paths().ensure()
    info = ModelRegistry(paths).ensure(args.model)
    server = LlamaServer(Path(info.path), paths.cache / "llama-server.log", threads=args.threads).start()
    try:
        llm = RemoteLLM(RemoteSettings(base_url=server.base_url), api_key=None)
        llm.load(lambda f, t: None, CancelToken())
        client = httpx.Client(trust_env=False, timeout=httpx.Timeout(300.0, connect=5.0))
        print(f"model {info.name} via llama_cpp.server at {server.base_url}, {args.tokens} tokens max, "
              f"{args.threads} threads, temperature 0")
        sova_stream(llm, 8)  # warm both paths (connection, server's prompt cache)
        bare_stream(client, server.base_url, llm.model, 8)
        sova_runs: list[Run] = []
        bare_runs: list[Run] = []
        for i in range(args.rounds):
            for side in (("sova", "bare") if i % 2 == 0 else ("bare", "sova")):
                if side == "sova":
                    run = sova_stream(llm, args.tokens)
                    sova_runs.append(run)
                else:
                    run = bare_stream(client, server.base_url, llm.model, args.tokens)
                    bare_runs.append(run)
                print(f"  round {i + 1}: {side} {run.pieces} pieces {run.rate:6.2f} pieces/s", flush=True)
        client.close()
        llm.close()
    finally:
        server.kill()

    ratios = sorted(s.rate / b.rate for s, b in zip(sova_runs, bare_runs))
    half = len(ratios) // 2
    median = ratios[half] if len(ratios) % 2 else (ratios[half - 1] + ratios[half]) / 2
    sova = sum(r.pieces - 1 for r in sova_runs) / sum(r.seconds for r in sova_runs)
    bare = sum(r.pieces - 1 for r in bare_runs) / sum(r.seconds for r in bare_runs)
    print(f"same text from both paths: {sova_runs[0].text == bare_runs[0].text}")
    print(f"sova remote backend: {sova:.2f} pieces/s   bare httpx: {bare:.2f} pieces/s (all rounds)")
    print(f"per-round ratios: {', '.join(f'{r:.3f}' for r in ratios)}")
    print(f"ratio {sova / bare:.3f} overall, {median:.3f} median of rounds (goal >= 0.95): "
          f"{'MET' if min(sova / bare, median) >= 0.95 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
