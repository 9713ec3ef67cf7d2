"""Local LoRA training on this machine: time, memory, and what it costs the chat.

For each model (default: the 0.5B and the 1.5B) it
1. trains on N rated dialogs (default 100, a quarter of them disliked, as when Sova offers
   training: the liked answers of tests/data/feedback/rated_dialogs.jsonl (60), then the
   rated answers of fewshot.jsonl and general questions' references; the disliked ones
   from rated_dialogs.jsonl), through the real training process, as Sova runs it (lowest
   priority, steps chosen from the data); prints wall time, seconds per step, the peak
   memory of the process, and the held-out figures and verdict;
2. measures generation speed with the new adapter against without it (same prompts,
   same seed, greedy) and prints the ratio (goal >= 0.9);
3. measures chat generation while a training process runs, paused for the answer
   as Sova does (``Training.yield_cpu``), against idle (goal >= 0.9), and, for the
   record, without pausing it.

    .venv/bin/python tests/benchmarks/bench_finetune.py [--models 0.5b,1.5b] [--dialogs 100]
        [--steps N] [--skip-train ADAPTER] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core import prompts  # noqa: E402
from app.core.config import Settings, user_paths  # noqa: E402
from app.core.feedback import Rating  # noqa: E402
from app.core.feedback.training_set import build, write_jsonl  # noqa: E402
from app.core.finetune.job import TrainingProcess  # noqa: E402
from app.core.finetune.service import auto_pref_steps, auto_steps, judge, split  # noqa: E402
from app.core.finetune.train import TrainConfig  # noqa: E402
from app.core.types import CancelToken, Message, Role  # noqa: E402

DATA = ROOT / "tests" / "data"
MODELS = {"0.5b": "qwen2.5-coder-0.5b", "1.5b": "qwen2.5-coder-1.5b"}
PROMPTS = [("en", "Explain in three sentences why the sky is blue."),
           ("ru", "Объясни в трёх предложениях, почему небо голубое."),
           ("en", "How do I keep basil fresh in the kitchen?")]


def model_file(model_id: str) -> Path:
    """The bundled model's GGUF, assembled from its package first on a fresh machine."""
    from app.core.config import Paths
    from app.core.models import ModelRegistry

    root = Path(os.environ.get("SOVA_MODELS_DIR") or user_paths().models)
    tmp = Path(tempfile.mkdtemp(prefix="sova-bench-ft-models-"))
    return ModelRegistry(Paths(tmp / "config", tmp / "data", tmp / "cache", root).ensure()).ensure(model_id).path


def rated(n: int) -> list[Rating]:
    """n rated answers, three in four liked and one in four disliked, each with a copy
    of the prompt it had."""
    system = Settings().system_prompt
    items: list[tuple[str, str, str, int]] = []  # lang, question, answer, stars
    for line in (DATA / "feedback" / "rated_dialogs.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        items.append((r["lang"], r["question"], r["preferred"], 5))
        items.append((r["lang"], r["question"], r["rejected"], 1))
    for line in (DATA / "feedback" / "fewshot.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        items.append((r["lang"], r["rated_question"], r["rated_answer"], 5))
    for line in (DATA / "eval" / "general.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        items.append((r["lang"], r["question"], r["reference"], 4))
    # As when Sova offers training: a quarter disliked (the trigger asks above a fifth).
    n_bad = n // 4
    liked = [i for i in items if i[3] >= 4][:n - n_bad]
    disliked = [i for i in items if i[3] < 4][:n_bad]
    out = []
    for k, (lang, q, a, stars) in enumerate(liked + disliked):
        messages = prompts.build_messages(system, [Message(Role.USER, q)], (), lang)  # type: ignore[arg-type]
        out.append(Rating(k + 1, k + 1, 1, q, a, stars=stars, language=lang, context={"messages": messages},
                          created_at=float(k), updated_at=float(k)))
    return out


def general_items() -> list[dict]:  # type: ignore[type-arg]
    system = Settings().system_prompt
    out = []
    for line in (ROOT / "resources" / "learning" / "general_check.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        out.append({"messages": prompts.build_messages(system, [Message(Role.USER, r["question"])], (), r["lang"]),
                    "completion": r["reference"], "label": True})
    return out


def train(model: Path, n: int, steps: int | None, job: Path) -> tuple[dict, float, float]:  # type: ignore[type-arg]
    ts = build(rated(n))
    sft, pref, held = split(ts)
    shutil.rmtree(job, ignore_errors=True)
    job.mkdir(parents=True)
    write_jsonl(job / "sft.jsonl", [{"messages": e["messages"]} for e in sft])
    write_jsonl(job / "pref.jsonl", pref)
    write_jsonl(job / "heldout.jsonl", held)
    write_jsonl(job / "general.jsonl", general_items())
    n_bad = sum(1 for p in pref if not p["label"])
    cfg = TrainConfig(base=str(model), steps=steps or auto_steps(len(sft)), pref_steps=auto_pref_steps(n_bad),
                      general=str(job / "general.jsonl"), checkpointing=model.stat().st_size > 800_000_000)
    cfg.write(job)
    print(f"  {ts.stats.examples} liked ({len(sft)} to train, {len(held)} held-out items), {n_bad} disliked; "
          f"{cfg.steps} steps + {cfg.pref_steps} preference steps; checkpointing {cfg.checkpointing}")
    from app.core.llm.host import physical_cores

    proc = TrainingProcess(job, physical_cores())
    peak = [0.0]
    stop = threading.Event()

    def sample() -> None:
        import psutil

        while not stop.is_set():
            ps = proc._ps
            if ps is not None:
                try:
                    peak[0] = max(peak[0], ps.memory_info().rss / 2**20)
                except Exception:
                    pass
            stop.wait(0.5)

    threading.Thread(target=sample, daemon=True).start()
    t0 = time.monotonic()
    result = proc.run(lambda f, t: None, CancelToken())
    wall = time.monotonic() - t0
    stop.set()
    return result, wall, peak[0]


def speed(model_id: str, adapter: str | None, tokens: int = 96) -> float:
    """Decoding tokens per second over PROMPTS through the model host, as Sova runs it
    (greedy, fixed seed; median of the prompts)."""
    from app.core.config import GenerationSettings, Paths
    from app.core.llm import create_llm
    from app.core.llm.base import GenerationOptions
    from app.core.models import ModelRegistry

    tmp = Path(tempfile.mkdtemp(prefix="sova-bench-ft-host-"))
    paths = Paths(tmp / "config", tmp / "data", tmp / "cache", user_paths().models).ensure()
    gen = GenerationSettings(temperature=0.0, max_tokens=tokens, seed=7)
    llm = create_llm(ModelRegistry(paths).ensure(model_id), gen, paths=paths)
    llm.load()
    rates = []
    try:
        for lang, q in PROMPTS:
            msgs = prompts.build_messages(Settings().system_prompt, [Message(Role.USER, q)], (), lang)  # type: ignore[arg-type]
            opts = GenerationOptions(temperature=0.0, max_tokens=tokens, seed=7, adapter=adapter)
            for item in llm.stream_chat(msgs, CancelToken(), opts):
                if not isinstance(item, str):
                    rates.append(item.tokens_per_second)
    finally:
        llm.close()
        shutil.rmtree(tmp, ignore_errors=True)
    return statistics.median(rates)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--models", default="0.5b,1.5b")
    ap.add_argument("--dialogs", type=int, default=100)
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--skip-train", default="", help="an adapter.gguf to measure instead of training")
    ap.add_argument("--keep", type=Path, help="copy each trained adapter to KEEP/<model> (for bench_answers --adapter)")
    args = ap.parse_args()
    for key in args.models.split(","):
        model = model_file(MODELS[key])
        print(f"== {MODELS[key]}")
        tmp = Path(tempfile.mkdtemp(prefix="sova-bench-ft-"))
        adapter = args.skip_train
        if not adapter:
            result, wall, peak = train(model, args.dialogs, args.steps, tmp / "job")
            adapter = str(tmp / "job" / "adapter.gguf")
            if args.keep:
                keep = args.keep / MODELS[key]
                keep.mkdir(parents=True, exist_ok=True)
                for name in ("adapter.gguf", "lora.safetensors", "result.json"):
                    shutil.copy2(tmp / "job" / name, keep / name)
            before = result["before"]["base"]
            after = result["after"]
            per_step = [e for e in map(json.loads, (tmp / "job" / "progress.jsonl").read_text().splitlines())
                        if e.get("kind") == "step"]
            sft_rate = [e["s_per_step"] for e in per_step if e["phase"] == "sft"][-1]
            print(f"  wall time {wall / 60:.1f} min for {args.dialogs} dialogs (goal 1.5B <= 30 min); "
                  f"{sft_rate:.2f} s/step supervised; peak RSS {peak / 1024:.2f} GB sampled, "
                  f"{result['peak_rss_mb'] / 1024:.2f} GB reported (goal <= 8 GB)")
            mid = result.get("after_sft", {})
            print(f"  learning rates {result.get('lr', 0):.2g} supervised, {result.get('pref_lr', 0):.2g} preference")
            for k in ("liked", "disliked", "general"):
                step = f" (after the supervised step {mid[k]:.3f})" if mid.get(k) is not None else ""
                print(f"  held-out {k:8}: {before[k]:.3f} -> {after[k]:.3f} nats/token{step}")
            v = judge(result)
            print(f"  verdict: {'passed' if v['passed'] else 'failed'} {v['checks']}")
        base_speed = speed(MODELS[key], None)
        lora_speed = speed(MODELS[key], adapter)
        print(f"  generation: {lora_speed:.1f} tok/s with the adapter vs {base_speed:.1f} without: "
              f"ratio {lora_speed / base_speed:.2f} (goal >= 0.9)")
        busy_speed, free_speed = chat_while_training(model, MODELS[key], tmp, args.dialogs)
        print(f"  chat while training: {busy_speed:.1f} tok/s with the trainer paused for the answer vs idle "
              f"{base_speed:.1f}: ratio {busy_speed / base_speed:.2f} (goal >= 0.9); not paused: "
              f"{free_speed:.1f} ({free_speed / base_speed:.2f})")
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def chat_while_training(model: Path, model_id: str, tmp: Path, n: int) -> tuple[float, float]:
    """Generation speed while a training process runs: paused for the answer (as Sova
    does), then not paused."""
    from app.core.llm.host import physical_cores

    job = tmp / "busy"
    ts = build(rated(n))
    sft, pref, held = split(ts)
    shutil.rmtree(job, ignore_errors=True)
    job.mkdir(parents=True)
    write_jsonl(job / "sft.jsonl", [{"messages": e["messages"]} for e in sft])
    TrainConfig(base=str(model), steps=10000).write(job)
    proc = TrainingProcess(job, physical_cores())
    cancel = CancelToken()
    runner = threading.Thread(target=lambda: _quiet(proc.run, cancel), daemon=True)
    runner.start()
    _wait_steps(proc, cancel, 2)  # it really trains
    proc.yield_cpu(True)
    paused = speed(model_id, None)
    proc.yield_cpu(False)
    _wait_steps(proc, cancel, 1)  # training again before the unpaused measurement
    free = speed(model_id, None)
    cancel.cancel()
    runner.join(60)
    return paused, free


def _wait_steps(proc: TrainingProcess, cancel: CancelToken, n: int) -> None:
    """Until the process has taken ``n`` more training steps."""
    start = proc.snapshot().step
    while proc.snapshot().step < start + n or proc.snapshot().phase != "sft":
        cancel.wait(0.2)


def _quiet(fn, cancel):  # type: ignore[no-untyped-def]
    try:
        fn(lambda f, t: None, cancel)
    except BaseException:
        pass


if __name__ == "__main__":
    sys.exit(main())
