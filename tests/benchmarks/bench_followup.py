"""Follow-up turn: time to first token with ~1,500 tokens of history, prefix reused vs not.

Sova: the model host already evaluated the conversation (the previous turn), so the next
question evaluates only the new tokens. Baseline: the same final prompt evaluated from
scratch in a fresh model host (what happens without prefix reuse). Both are measured at
the client, send -> first token. Goal: follow-up <= 0.3 x from scratch.

Usage: .venv/bin/python tests/benchmarks/bench_followup.py [--model qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))

from app.main import offline_environment  # noqa: E402

offline_environment()

from app.core.config import GenerationSettings, user_paths  # noqa: E402
from app.core.llm import HostedLLM  # noqa: E402
from app.core.models import ModelRegistry  # noqa: E402
from app.core.types import CancelToken, GenerationStats  # noqa: E402

SYSTEM = "You are Sova, a helpful offline assistant. Answer in the language of the question."
TOPICS = ["rivers", "mountains", "deserts", "forests", "oceans", "glaciers", "volcanoes", "islands"]


def history_messages(target_tokens: int, llm: HostedLLM) -> list[dict[str, str]]:
    """A plausible conversation of about target_tokens (canned answers, no generation)."""
    msgs = [{"role": "system", "content": SYSTEM}]
    i = 0
    while True:
        topic = TOPICS[i % len(TOPICS)]
        msgs.append({"role": "user", "content": f"Tell me about {topic}, part {i + 1}."})
        msgs.append({"role": "assistant", "content": (
            f"{topic.capitalize()} shape the land in many ways. They change slowly over centuries, "
            f"host many living things and affect the weather of whole regions. People have studied "
            f"{topic} for a long time, and there is still much to learn about them. " * 2
        )})
        i += 1
        if count(llm, msgs) >= target_tokens:
            return msgs


def count(llm: HostedLLM, msgs: list[dict[str, str]]) -> int:
    # Rough: 1 token ~ 4.2 characters of English; the host reports exact numbers later.
    return int(sum(len(m["content"]) for m in msgs) / 4.2)


def first_token(llm: HostedLLM, msgs: list[dict[str, str]]) -> tuple[float, GenerationStats, str]:
    t0 = time.perf_counter()
    ttft = None
    text = []
    stats = None
    for item in llm.stream_chat(msgs, CancelToken()):
        if isinstance(item, str):
            ttft = ttft or time.perf_counter() - t0
            text.append(item)
        else:
            stats = item
    assert ttft is not None and stats is not None
    return ttft, stats, "".join(text)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    ap.add_argument("--history", type=int, default=1500)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()
    os.environ["SOVA_HOME"] = tempfile.mkdtemp(prefix="sova-bench-")
    paths = user_paths().ensure()
    info = ModelRegistry(paths).ensure(args.model)
    gen = GenerationSettings(temperature=0.0, max_tokens=16, n_ctx=4096, n_threads=args.threads, seed=1)

    warm = HostedLLM(info, gen, paths=paths)
    warm.load()
    history = history_messages(args.history, warm)
    history.append({"role": "user", "content": "Which of these topics is the coldest?"})
    _, s_prev, answer = first_token(warm, history)  # the previous turn: evaluates the history
    follow = history + [{"role": "assistant", "content": answer}, {"role": "user", "content": "And the hottest?"}]
    t_follow, s_follow, _ = first_token(warm, follow)
    warm.close()

    cold = HostedLLM(info, gen, paths=paths)
    cold.load()
    t_scratch, s_scratch, _ = first_token(cold, follow)
    cold.close()

    print(f"model {info.name}, {args.threads} threads")
    print(f"history: {s_follow.prompt_tokens} prompt tokens in the follow-up turn")
    print(f"follow-up (prefix reused): evaluated {s_follow.evaluated_prompt_tokens} tokens, first token after {t_follow:.2f}s")
    print(f"from scratch:               evaluated {s_scratch.evaluated_prompt_tokens} tokens, first token after {t_scratch:.2f}s")
    ratio = t_follow / t_scratch
    print(f"ratio {ratio:.3f} (goal <= 0.3): {'MET' if ratio <= 0.3 else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
