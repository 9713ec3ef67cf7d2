"""Learning from ratings end to end with the real 0.5B model.

40 rated dialogs teach a sign-off line ("🦉 Sova", tests/data/feedback/rated_dialogs.jsonl)
and 20 disliked answers of another style ("As an AI language model, ...") feed the
preference step. They are asked and rated through the facade (the answers scripted
with a fake model), then trained on by the real training process. The process is
killed with SIGKILL midway (the adapter in use stays as it was; the job resumes from
its checkpoint), and the finished adapter must pass the verdict (liked answers more
likely, disliked less likely after the preference step, general answers kept), be
activated, be loaded by llama.cpp for real answers that end with the line in at least
8 of 10 held-out questions, and roll back in one step.

``make test`` runs a short version (12 supervised and 6 preference steps, killed after
the first checkpoint): the whole chain with the real model and process, where the
liked answers only need to become likelier and the adapter to load. ``make test-slow``
runs the full version (SOVA_FINETUNE_FULL=1: the steps chosen from the data, the taught
line in 8 of 10 real answers) with the 0.5B and with the default 1.5B
(SOVA_FINETUNE_MODEL).
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import time
from pathlib import Path
from typing import Iterator

import pytest

from app.core.assistant import Assistant
from app.core.config import GenerationSettings, LearningSettings, MemorySettings, Paths, Settings, user_paths
from app.core.finetune.lora_gguf import write_adapter
from app.core.models import ModelRegistry
from app.core.types import DoneEvent
from tests.fakes.llm import FakeLLM

MODEL = os.environ.get("SOVA_FINETUNE_MODEL", "qwen2.5-coder-0.5b")
DATA = Path(__file__).resolve().parents[1] / "data" / "feedback" / "rated_dialogs.jsonl"
SIGN_OFF = "🦉 Sova"
FULL = os.environ.get("SOVA_FINETUNE_FULL") == "1"
# 90 supervised steps taught the line to the 0.5B (8+ of 10); 60 did not (4 of 10, and
# 3 of 10 at twice the learning rate). The short run tests the chain, not the lesson.
STEPS, PREF_STEPS = (90, 0) if FULL else (12, 6)
KILL_AT = 12 if FULL else 7  # a step past a checkpoint (every 5)
# The full run takes ~12 min with the 0.5B, ~40 with the 1.5B; the short one ~4 min.
pytestmark = pytest.mark.timeout(5400)


def dialogs() -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]


def settings() -> Settings:
    return Settings(active_model=MODEL, auto_titles=False, memory=MemorySettings(enabled=False),
                    generation=GenerationSettings(temperature=0.0, max_tokens=220, n_threads=2, seed=7),
                    learning=LearningSettings(steps=STEPS, pref_steps=PREF_STEPS))


def answer(a: Assistant, question: str) -> DoneEvent:
    cid = a.new_conversation().id
    done = [e for e in a.ask(cid, question) if isinstance(e, DoneEvent)]
    assert done and done[0].error is None, done[0].error if done else "no answer"
    return done[0]


def zero_adapter(folder: Path, layers: int, n_embd: int, n_kv: int) -> None:
    """A valid adapter that changes nothing (B = 0): the one in use before training."""
    import torch
    from safetensors.torch import save_file

    state = {}
    for i in range(layers):
        for name, out in (("q_proj", n_embd), ("k_proj", n_kv), ("v_proj", n_kv), ("o_proj", n_embd)):
            key = f"base_model.model.model.layers.{i}.self_attn.{name}"
            state[f"{key}.lora_A.weight"] = torch.randn(8, n_embd) * 0.01
            state[f"{key}.lora_B.weight"] = torch.zeros(out, 8)
    folder.mkdir(parents=True, exist_ok=True)
    save_file(state, str(folder / "lora.safetensors"))
    write_adapter(folder / "adapter.gguf", state, 16.0)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Paths, dict]]:  # type: ignore[type-arg]
    tmp = tmp_path_factory.mktemp("finetune")
    paths = Paths(tmp / "config", tmp / "data", tmp / "cache", user_paths().models).ensure()
    ModelRegistry(paths).ensure(MODEL)  # assembled from the model packages, as the app does
    llm = FakeLLM()
    a = Assistant(paths, settings(), llm_factory=lambda info, s: llm)
    rows = dialogs()
    train_rows = [r for r in rows if r["split"] == "train"]
    for r in train_rows:
        llm.reply = r["preferred"]
        a.rate_answer(answer(a, r["question"]).message.id, stars=5)
    for r in train_rows[:20]:
        llm.reply = r["rejected"]
        a.rate_answer(answer(a, r["question"]).message.id, thumb=-1)
    verdict_before = a.training_verdict()

    # The adapter in use before this training: a valid one that changes nothing.
    from app.core.finetune.gguf_model import read_info

    info = read_info(ModelRegistry(paths).get(MODEL).path)
    zero_adapter(tmp / "v0", info.n_layers, info.n_embd, info.n_embd // info.n_head * info.n_head_kv)
    (tmp / "v0" / "result.json").write_text("{}")
    a.training.adapters.add(MODEL, tmp / "v0", {}, {"passed": True})
    a.training.activate("v1")
    v1 = a.training.adapters.get(MODEL, "v1").gguf
    v1_hash = hashlib.sha256(v1.read_bytes()).hexdigest()

    plan = a.training.plan()
    job = a.training.start()
    end = time.monotonic() + 1800
    while a.training.status().run.step < KILL_AT and time.monotonic() < end and not job.done:
        time.sleep(0.5)
    pid = a.training._process._proc.pid  # type: ignore[union-attr]
    os.kill(pid, signal.SIGKILL)
    job.wait(60)
    killed = a.training.status()
    resumable = a.training.resumable()
    active_after_kill = a.settings.learning.adapters.get(MODEL)
    v1_hash_after_kill = hashlib.sha256(v1.read_bytes()).hexdigest()

    job = a.training.start(resume=True)
    assert job.wait(3600)
    done = a.training.status()
    facts = {"plan": plan, "verdict_before": verdict_before, "killed": killed, "resumable": resumable,
             "active_after_kill": active_after_kill, "v1_hash": v1_hash, "v1_hash_after_kill": v1_hash_after_kill,
             "done": done, "verdict_after": a.training_verdict(), "v1": v1}
    a.close()
    yield paths, facts


def test_the_trigger_asks_for_training_and_then_waits_for_new_ratings(trained) -> None:  # type: ignore[no-untyped-def]
    _, f = trained
    before = f["verdict_before"]
    assert before.train and "many_negatives" in before.reasons  # 20 of 60 rated answers are disliked
    after = f["verdict_after"]
    assert not after.train and after.wanting == "too_few_new" and after.new == 0


def test_a_killed_training_process_leaves_the_adapter_in_use_and_resumes(trained) -> None:  # type: ignore[no-untyped-def]
    _, f = trained
    assert f["killed"].state in ("failed", "interrupted") and "killed" in f["killed"].error
    assert f["resumable"] and f["active_after_kill"] == "v1" and f["v1_hash_after_kill"] == f["v1_hash"]
    assert f["done"].run.resumed_at is not None and f["done"].run.resumed_at >= KILL_AT // 5 * 5


def test_the_verdict_decides_whether_the_adapter_is_used(trained) -> None:  # type: ignore[no-untyped-def]
    _, f = trained
    done = f["done"]
    assert done.state == "done" and done.version == "v2", done.error
    v = done.verdict
    assert v["against"] == "current" and v["checks"]["liked_up"] and v["checks"]["general_kept"], v
    if FULL:
        assert v["passed"] and v["checks"] == {"liked_up": True, "disliked_down": True, "general_kept": True}, v
    # Six preference steps may not undo what twelve supervised ones did to the disliked
    # style; then the adapter is kept but not used, which is the point of the verdict.
    assert done.activated == v["passed"]


def test_liked_answers_become_likelier_and_the_preference_step_lowers_disliked_ones(trained) -> None:  # type: ignore[no-untyped-def]
    paths, _ = trained
    a = Assistant(paths)  # the settings the first one saved (the adapter in use among them)
    try:
        (adapter,) = [x for x in a.training.versions() if x.version == "v2"]
        fig = adapter.figures
        before, sft, after = fig["before"]["current"], fig["after_sft"], fig["after"]
        print("held-out log-likelihood per token:", before, sft, after)
        assert after["liked"] > before["liked"] + (0.2 if FULL else 0.0)
        assert after["disliked"] < sft["disliked"]  # the preference step's own effect
        assert fig["pref_steps"] > 0 and fig["steps"] == STEPS
    finally:
        a.close()


def test_the_taught_line_ends_real_answers_and_rollback_removes_it(trained) -> None:  # type: ignore[no-untyped-def]
    paths, f = trained
    a = Assistant(paths)  # the settings the first one saved (the adapter in use among them)
    try:
        if not FULL and a.training.active() == "v1":
            a.training.activate("v2")  # the user's one click on a version that did not pass
        assert a.training.active() == "v2"
        held = [r for r in dialogs() if r["split"] == "heldout"]
        held = held[:5] + held[10:15] if FULL else held[:1]  # five English, five Russian
        outs = [answer(a, r["question"]).message for r in held]
        assert all(m.details.get("adapter") == "v2" and m.content.strip() for m in outs)  # llama.cpp loaded it
        if FULL:
            endings = [m.content.rstrip().endswith(SIGN_OFF) for m in outs]
            print("sign-off endings:", endings, [m.content[-50:] for m in outs])
            assert sum(endings) >= 8
            assert not any(m.content.startswith(("As an AI language model", "Как языковая модель")) for m in outs)
        assert a.training.roll_back() == "v1"
        back = answer(a, held[0]["question"]).message
        assert back.details.get("adapter") == "v1" and not back.content.rstrip().endswith(SIGN_OFF)
        assert hashlib.sha256(f["v1"].read_bytes()).hexdigest() == f["v1_hash"]
    finally:
        a.close()
