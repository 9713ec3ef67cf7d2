"""The training process: LoRA on rated answers, then a preference step, then figures.

Run as ``python -m app.core.finetune.train JOB_DIR`` (``app.core.finetune.job`` starts
it with a low OS priority). Everything it knows is in the job folder:

- ``job.json``: the settings (``TrainConfig``); ``sft.jsonl``, ``pref.jsonl`` and
  ``heldout.jsonl``: the data (``app.core.feedback.training_set`` formats);
- it appends its progress to ``progress.jsonl`` (one event a line: phase, step, total,
  loss, ETA) and keeps ``checkpoint.pt`` (the LoRA weights, the optimiser, the step;
  written atomically every few steps), so a killed process resumes where it stopped;
- at the end it writes ``adapter.gguf`` (llama.cpp), ``lora.safetensors`` (peft, for
  the next evaluation) and ``result.json`` (the figures), each atomically, the result
  last: a job is finished exactly when ``result.json`` exists.

Supervised step: cross-entropy on the answer's tokens only. Preference step (when
enough disliked answers exist): DPO on a disliked answer and a liked one to the same
prompt (a regenerated or corrected answer), KTO on answers without a counterpart
(unpaired, as thumbs come), both against the supervised adapter as the reference
(its log-probability of an item computed when the item is first drawn); KTO's
reference point z is fixed at 0 (at batch size 1 there is no batch to estimate the KL
term from; TRL's own KTO uses a detached, clamped estimate).
"""

from __future__ import annotations

import json
import logging
import math
import os
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

log = logging.getLogger("app.core.finetune.train")

CHECKPOINT_EVERY = 5  # steps
# Where the supervised step measures the general answers besides its end (fractions of its
# steps), and the share of the general tolerance it may use: the preference step costs
# some too (0.04 of the 0.12 on the 0.5B). A state past it is replaced by the last one
# within it: on the 1.5B, 90 steps over 40 dialogs cost 0.17 where 100 dialogs cost 0.12.
# The preference step is guarded the same way against the whole tolerance (on the 1.5B
# its 34 steps cost 0.09 after a supervised step that cost 0.08); when none of its states
# is within it, the supervised state it started from is kept.
GUARD_AT = (0.5, 0.75)
GUARD_SHARE = 0.8
MIN_DISLIKED = 5  # undesirable answers needed for the preference step


@dataclass
class TrainConfig:
    base: str  # the GGUF file
    steps: int = 60  # supervised steps
    pref_steps: int = 0  # preference steps (0: none)
    # 0: by the model's width (``learning_rates``); a number: exactly that.
    lr: float = 0.0
    pref_lr: float = 0.0
    rank: int = 8
    alpha: float = 16.0
    targets: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj"])
    max_tokens: int = 512
    beta: float = 0.1  # DPO and KTO
    anchor: float = 1.0  # weight of the liked answers' own loss in the preference step
    seed: int = 1234
    threads: int = 0  # 0: all physical cores
    checkpointing: bool = False  # gradient checkpointing in float32 (big models: memory for time)
    precision: str = "auto"  # "bfloat16" where the CPU has it natively (auto), or "float32"
    current: str = ""  # peft weights of the adapter in use, to compare against ("" none)
    general: str = ""  # a general reference set (JSON lines) for the regression check
    # How far the general answers' log-likelihood may fall (the verdict's tolerance); the
    # supervised step keeps its last state within GUARD_SHARE of it (0: no guard).
    general_tolerance: float = 0.0

    @classmethod
    def read(cls, job: Path) -> "TrainConfig":
        data = json.loads((job / "job.json").read_text(encoding="utf-8"))
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def write(self, job: Path) -> None:
        _write_json(job / "job.json", asdict(self))


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class Progress:
    """Appends events to progress.jsonl (the parent reads it; each line is whole)."""

    def __init__(self, job: Path) -> None:
        self.path = job / "progress.jsonl"
        self.started = time.monotonic()
        self._phase_start = (None, 0.0, 0)

    def event(self, **data: Any) -> None:
        data["t"] = time.time()
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(data, ensure_ascii=False) + "\n")
            f.flush()

    def step(self, phase: str, step: int, total: int, loss: float, done_before: int = 0) -> None:
        """``done_before``: steps of this phase done by an earlier (killed) process."""
        if self._phase_start[0] != phase:
            self._phase_start = (phase, time.monotonic(), step - 1)
        _, t0, s0 = self._phase_start
        rate = (time.monotonic() - t0) / max(1, step - s0)
        self.event(kind="step", phase=phase, step=step, total=total, loss=round(loss, 5),
                   eta_s=round(rate * (total - step), 1), s_per_step=round(rate, 3))


# ---- data -------------------------------------------------------------------------------


@dataclass
class Example:
    tokens: list[int]
    start: int  # index of the first answer token
    label: bool = True


def tokenize(items: Iterable[dict[str, Any]], chat: Any, max_tokens: int) -> list[Example]:
    out = []
    for item in items:
        if "completion" in item:
            messages, completion, label = item["messages"], item["completion"], bool(item.get("label", True))
        else:
            messages, completion, label = item["messages"][:-1], item["messages"][-1]["content"], True
        made = chat.example(messages, completion, max_tokens)
        if made is not None:
            out.append(Example(made[0], made[1], label))
    return out


def answer_logprobs(base: Any, model: Any, ex: Example) -> "Any":
    """Log-probabilities of the answer's tokens (a tensor, one per token)."""
    import torch

    ids = torch.tensor([ex.tokens])
    with base.autocast():
        hidden = model.model.model(input_ids=ids, use_cache=False).last_hidden_state[0]
        return base.head.logprobs(hidden[ex.start - 1:-1], torch.tensor(ex.tokens[ex.start:]))


def mean_ll(base: Any, model: Any, examples: Sequence[Example], content_only: bool = False) -> float | None:
    """Mean per-token log-likelihood of the answers (None for no examples).

    ``content_only`` leaves out the end-of-turn token: the general check asks whether
    the model still finds the right content likely, not whether it still ends an
    answer where it used to (a taught sign-off line moves exactly that token)."""
    import torch

    if not examples:
        return None
    total, n = 0.0, 0
    with torch.no_grad():
        for ex in examples:
            lp = answer_logprobs(base, model, ex)
            if content_only:
                lp = lp[:-1]
            total += float(lp.sum())
            n += lp.numel()
    return total / max(1, n)


# ---- the run ------------------------------------------------------------------------------


def _update(loss: Any, params: Sequence[Any], optimizer: Any) -> None:
    """One optimiser step on ``loss`` (gradients clipped to norm 1)."""
    import torch

    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)


def _figures(base: Any, model: Any, desirable: Sequence[Any], undesirable: Sequence[Any],
             general: Sequence[Any]) -> dict[str, float | None]:
    """Mean log-likelihood per token of the held-out liked and disliked answers and of
    the general set's answers (their content only)."""
    return {"liked": mean_ll(base, model, desirable), "disliked": mean_ll(base, model, undesirable),
            "general": mean_ll(base, model, general, content_only=True)}


def _checkpoint(job: Path, model: Any, optimizer: Any, phase: str, step: int, extra: dict[str, Any]) -> None:
    import torch
    from peft import get_peft_model_state_dict

    tmp = job / "checkpoint.pt.tmp"
    torch.save({"lora": get_peft_model_state_dict(model), "optimizer": optimizer.state_dict(), "phase": phase,
                "step": step, "rng": random.getstate(), **extra}, tmp)
    os.replace(tmp, job / "checkpoint.pt")


# Measured at the 0.5B's width (896): 1e-3 on the four attention matrices taught a
# sign-off line in 80 steps (8/10 held-out answers); 2e-4 or 5e-4 on q and v alone had
# not after 60 (0/10). A preference rate of 1e-4 cost general answers 0.12 nats/token
# (the verdict refused it); 3e-5 kept them.
REFERENCE_WIDTH, REFERENCE_LR, REFERENCE_PREF_LR = 896, 1e-3, 3e-5


def learning_rates(cfg: TrainConfig, n_embd: int) -> tuple[float, float]:
    """The supervised and preference learning rates: the configured ones, or the
    reference rates scaled by 896 / width. Adam's update size does not shrink with the
    width, so a wider model moves further per step at the same rate (the muP rule for
    hidden matrices): on the 1.5B (1536) 1e-3 taught the line but cost general answers
    0.21 nats/token."""
    scale = REFERENCE_WIDTH / max(1, n_embd)
    return (cfg.lr or REFERENCE_LR * min(1.0, scale), cfg.pref_lr or REFERENCE_PREF_LR * min(1.0, scale))


def _lr_at(step: int, total: int, peak: float, warmup: int = 5) -> float:
    if step <= warmup:
        return peak * step / warmup
    return peak * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, total - warmup)))


def run(job: Path, stop: Callable[[], bool] = lambda: False) -> dict[str, Any]:
    """Train (or resume) the job in ``job``; returns the figures it wrote."""
    import numpy as np  # noqa: F401  (torch wants it loaded first on some builds)
    import torch
    from peft import LoraConfig, get_peft_model, set_peft_model_state_dict

    from app.core.finetune import gguf_model
    from app.core.finetune.lora_gguf import write_adapter

    cfg = TrainConfig.read(job)
    progress = Progress(job)
    threads = cfg.threads or _physical_cores()
    torch.set_num_threads(threads)
    torch.manual_seed(cfg.seed)
    random.seed(cfg.seed)
    t_start = time.monotonic()
    progress.event(kind="phase", phase="load")
    bf16 = cfg.precision == "bfloat16" or (cfg.precision == "auto" and gguf_model.bf16_native())
    base = gguf_model.load(Path(cfg.base), lambda f: None, bf16=bf16)
    chat = gguf_model.ChatTokens(Path(cfg.base))
    sft = tokenize(_read_jsonl(job / "sft.jsonl"), chat, cfg.max_tokens)
    pref = tokenize(_read_jsonl(job / "pref.jsonl"), chat, cfg.max_tokens)
    heldout = tokenize(_read_jsonl(job / "heldout.jsonl"), chat, cfg.max_tokens)
    general = tokenize(_read_jsonl(Path(cfg.general)), chat, cfg.max_tokens) if cfg.general else []
    if not sft:
        raise SystemExit("no training examples fit the token limit")
    lr, pref_lr = learning_rates(cfg, base.info.n_embd)
    model = get_peft_model(base.model, LoraConfig(r=cfg.rank, lora_alpha=cfg.alpha, lora_dropout=0.05,
                                                  target_modules=list(cfg.targets), bias="none"))
    if cfg.checkpointing and not bf16:  # bfloat16 halves the weights: the memory is there
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=lr, weight_decay=0.0)
    phase, step = "sft", 0
    ref: dict[int, float] = {}  # reference log-probabilities of preference items, as they are drawn
    state = None
    if (job / "checkpoint.pt").exists():
        state = torch.load(job / "checkpoint.pt", weights_only=False)
        set_peft_model_state_dict(model, state["lora"])
        phase, step = state["phase"], state["step"]
        ref = {int(k): float(v) for k, v in dict(state.get("ref", {})).items()}
        if phase == "pref":
            optimizer = torch.optim.AdamW(params, lr=pref_lr, weight_decay=0.0)
        optimizer.load_state_dict(state["optimizer"])
        random.setstate(state["rng"])
        progress.event(kind="resumed", phase=phase, step=step)

    # Figures before training, on the held-out answers (base model, and the adapter in use).
    desirable = [e for e in heldout if e.label]
    undesirable = [e for e in heldout if not e.label]
    figures: dict[str, Any] = {}
    if state is None or not (job / "before.json").exists():
        progress.event(kind="phase", phase="evaluate_before")
        with model.disable_adapter():
            before = {"base": _figures(base, model, desirable, undesirable, general)}
        if cfg.current:
            before["current"] = _with_weights(model, cfg.current, base, desirable, undesirable, general)
        _write_json(job / "before.json", before)
    figures["before"] = json.loads((job / "before.json").read_text(encoding="utf-8"))

    model.train()
    guard = _Guard(job, cfg, figures["before"], general, "sft", cfg.steps, GUARD_SHARE)
    if phase == "sft":
        order = _schedule(len(sft), cfg.steps, cfg.seed)
        done_before = step
        while step < cfg.steps:
            if stop():
                _checkpoint(job, model, optimizer, phase, step, {})
                return {}
            ex = sft[order[step]]
            for g in optimizer.param_groups:
                g["lr"] = _lr_at(step + 1, cfg.steps, lr)
            loss = -answer_logprobs(base, model, ex).mean()
            _update(loss, params, optimizer)
            step += 1
            progress.step("sft", step, cfg.steps, loss.item(), done_before)
            if step % CHECKPOINT_EVERY == 0 or step == cfg.steps:
                _checkpoint(job, model, optimizer, phase, step, {})
            guard.check(base, model, step)
        guard.settle(model)
        n_bad = sum(1 for e in pref if not e.label)
        if cfg.pref_steps and n_bad >= MIN_DISLIKED:
            # The held-out figures between the two steps, to tell what each one did (the
            # general set, the longest part of an evaluation, only matters at the end).
            model.eval()
            _write_json(job / "after_sft.json", _figures(base, model, desirable, undesirable, []))
            model.train()
            phase, step = "pref", 0
            optimizer = torch.optim.AdamW(params, lr=pref_lr, weight_decay=0.0)
            # The reference is the supervised adapter as it is now: saved beside the
            # checkpoint, so a resumed preference step compares against the same one.
            from safetensors.torch import save_file

            from peft import get_peft_model_state_dict

            save_file({k: v.contiguous() for k, v in get_peft_model_state_dict(model).items()},
                      str(job / "reference.safetensors"))
            _checkpoint(job, model, optimizer, phase, step, {"ref": ref})
        else:
            phase = "done"
    pref_guard = _Guard(job, cfg, figures["before"], general, "pref", cfg.pref_steps, 1.0,
                        fallback=job / "reference.safetensors")
    if phase == "pref":
        pool = preference_pool(pref)
        rng = random.Random(cfg.seed + 1)
        done_before = step
        while step < cfg.pref_steps:
            if stop():
                _checkpoint(job, model, optimizer, phase, step, {"ref": ref})
                return {}
            item = rng.choice(pool)
            for g in optimizer.param_groups:
                g["lr"] = _lr_at(step + 1, cfg.pref_steps, pref_lr)
            for i in item[1:]:
                if i not in ref:
                    ref[i] = _reference(job, base, model, pref[i])
            if item[0] == "pair":  # DPO: only what differs between the two answers moves
                _, g, b = item
                liked = answer_logprobs(base, model, pref[g])
                margin = (liked.sum() - ref[g]) - (answer_logprobs(base, model, pref[b]).sum() - ref[b])
                # Plus the liked answer's own loss: DPO alone lowers both answers
                # (on the 0.5B the held-out liked ones fell 0.28 nats/token).
                loss = -torch.nn.functional.logsigmoid(cfg.beta * margin) - cfg.anchor * liked.mean()
            else:  # KTO on an answer without a counterpart
                _, i = item
                lp = answer_logprobs(base, model, pref[i])
                reward = lp.sum() - ref[i]
                loss = 1 - torch.sigmoid(cfg.beta * reward if pref[i].label else -cfg.beta * reward)
                if pref[i].label:
                    loss = loss - cfg.anchor * lp.mean()
            _update(loss, params, optimizer)
            step += 1
            progress.step("pref", step, cfg.pref_steps, loss.item(), done_before)
            if step % CHECKPOINT_EVERY == 0 or step == cfg.pref_steps:
                _checkpoint(job, model, optimizer, phase, step, {"ref": ref})
            pref_guard.check(base, model, step)
        pref_guard.settle(model)

    model.eval()
    progress.event(kind="phase", phase="evaluate_after")
    figures["after"] = _figures(base, model, desirable, undesirable, general)
    if (job / "after_sft.json").exists():
        figures["after_sft"] = json.loads((job / "after_sft.json").read_text(encoding="utf-8"))
    progress.event(kind="phase", phase="write")
    from peft import get_peft_model_state_dict
    from safetensors.torch import save_file

    lora = {k: v.contiguous() for k, v in get_peft_model_state_dict(model).items()}
    tmp = job / "lora.safetensors.tmp"
    save_file(lora, str(tmp))
    os.replace(tmp, job / "lora.safetensors")
    write_adapter(job / "adapter.gguf", lora, cfg.alpha, base.info.architecture)
    figures.update({
        "examples": len(sft), "preference_examples": len(pref), "heldout": len(heldout), "general": len(general),
        "steps": cfg.steps, "pref_steps": cfg.pref_steps if sum(1 for e in pref if not e.label) >= MIN_DISLIKED else 0,
        "seconds": round(time.monotonic() - t_start, 1), "threads": threads,
        "precision": "bfloat16" if bf16 else "float32", "rank": cfg.rank, "alpha": cfg.alpha, "lr": lr, "pref_lr": pref_lr,
        "targets": list(cfg.targets), "peak_rss_mb": _peak_rss_mb(), "guard": guard.record(),
        "pref_guard": pref_guard.record(),
    })
    _write_json(job / "result.json", figures)
    progress.event(kind="done")
    return figures


class _Guard:
    """Keeps a training step within its share of the general tolerance: measures the
    general answers at GUARD_AT of its steps and at the end, saves each state within the
    budget, and at the end falls back to the last such state (or ``fallback``, the state
    the step started from) when the final one is past it. Its log lives in the job
    folder, so a resumed run keeps it."""

    def __init__(self, job: Path, cfg: TrainConfig, before: dict[str, Any], general: Sequence[Example],
                 name: str, steps: int, share: float, fallback: Path | None = None) -> None:
        ref = before.get("current") or before.get("base") or {}
        self.job, self.general, self.name, self.fallback = job, general, name, fallback
        self.floor = None
        if cfg.general_tolerance > 0 and general and steps > 0 and isinstance(ref.get("general"), (int, float)):
            self.floor = float(ref["general"]) - cfg.general_tolerance * share
        self.steps = {max(1, round(steps * f)) for f in GUARD_AT} | {steps}
        self.file = job / f"guard-{name}.json"
        self.state = job / f"guard-{name}.safetensors"
        self.log: list[dict[str, Any]] = json.loads(self.file.read_text("utf-8")) if self.file.exists() else []

    def check(self, base: Any, model: Any, step: int) -> None:
        if self.floor is None or step not in self.steps or any(e.get("step") == step for e in self.log):
            return
        from peft import get_peft_model_state_dict
        from safetensors.torch import save_file

        model.eval()
        value = mean_ll(base, model, self.general, content_only=True)
        model.train()
        ok = value is not None and value >= self.floor
        if ok:
            tmp = self.state.with_name(self.state.name + ".tmp")
            save_file({k: v.contiguous() for k, v in get_peft_model_state_dict(model).items()}, str(tmp))
            os.replace(tmp, self.state)
        self.log.append({"step": step, "general": value, "ok": ok})
        _write_json(self.file, self.log)
        log.info("%s: general answers at step %d: %.4f (floor %.4f)", self.name, step, value or 0.0, self.floor)

    def settle(self, model: Any) -> None:
        """At the end of the step: the final state, or the last one within budget."""
        checks = [e for e in self.log if "step" in e]
        if not checks or checks[-1]["ok"]:
            return
        good = [e["step"] for e in checks if e["ok"]]
        source = self.state if good else self.fallback
        if source is None or not source.exists():
            return
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        set_peft_model_state_dict(model, load_file(str(source)))
        kept = max(good) if good else 0
        log.info("%s went past the general budget; kept its state at step %d", self.name, kept)
        if not any("kept" in e for e in self.log):
            self.log.append({"kept": kept})
            _write_json(self.file, self.log)

    def record(self) -> dict[str, Any]:
        kept = next((e["kept"] for e in self.log if "kept" in e), None)
        return {"floor": self.floor, "checks": [e for e in self.log if "step" in e], "kept_step": kept}


def preference_pool(pref: Sequence[Example]) -> list[tuple[Any, ...]]:
    """What the preference step draws from: ("pair", liked, disliked) for a disliked
    answer whose prompt also has a liked one (a regenerated or corrected answer), and
    ("single", i) for every other answer. Pairs matter: a liked and a disliked answer to
    one question share most of their content, and KTO on them alone pushes that shared
    content down with the disliked style (held-out liked answers fell 0.23 nats/token
    and general ones 0.10 on the 0.5B); DPO on the pair moves only the difference."""
    by_prompt: dict[tuple[int, ...], dict[bool, list[int]]] = {}
    for i, ex in enumerate(pref):
        by_prompt.setdefault(tuple(ex.tokens[:ex.start]), {True: [], False: []})[ex.label].append(i)
    pool: list[tuple[Any, ...]] = []
    for group in by_prompt.values():
        goods, bads = group[True], group[False]
        if goods and bads:
            pool += [("pair", goods[k % len(goods)], b) for k, b in enumerate(bads)]
            pool += [("single", g) for g in goods[len(bads):]]
        else:
            pool += [("single", i) for i in goods + bads]
    return pool


def _reference(job: Path, base: Any, model: Any, ex: Example) -> float:
    """log p(answer) under the reference adapter (the one saved before the preference
    step), computed when the item is first drawn."""
    import torch
    from peft import get_peft_model_state_dict, set_peft_model_state_dict
    from safetensors.torch import load_file

    current = {k: v.detach().clone() for k, v in get_peft_model_state_dict(model).items()}
    set_peft_model_state_dict(model, load_file(str(job / "reference.safetensors")))
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            return float(answer_logprobs(base, model, ex).sum())
    finally:
        set_peft_model_state_dict(model, current)
        model.train(was_training)


def _with_weights(model: Any, path: str, base: Any, desirable: list[Example], undesirable: list[Example],
                  general: list[Example]) -> dict[str, Any]:
    """Figures of the adapter in use (its peft weights loaded into the same model)."""
    from peft import get_peft_model_state_dict, set_peft_model_state_dict
    from safetensors.torch import load_file

    saved = {k: v.clone() for k, v in get_peft_model_state_dict(model).items()}
    try:
        set_peft_model_state_dict(model, load_file(path))
        return _figures(base, model, desirable, undesirable, general)
    except Exception as exc:  # a damaged old adapter: compare against the base only
        log.warning("cannot read the adapter in use (%s): %s", path, exc)
        return {}
    finally:
        set_peft_model_state_dict(model, saved)


def _schedule(n: int, steps: int, seed: int) -> list[int]:
    """Example order: shuffled passes over the data, fixed by the seed (so a resumed
    run continues the same order)."""
    rng = random.Random(seed)
    order: list[int] = []
    while len(order) < steps:
        idx = list(range(n))
        rng.shuffle(idx)
        order.extend(idx)
    return order[:steps]


def _physical_cores() -> int:
    try:
        import psutil

        return max(1, psutil.cpu_count(logical=False) or os.cpu_count() or 1)
    except Exception:
        return max(1, os.cpu_count() or 1)


def _peak_rss_mb() -> float:
    try:
        import resource

        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux
    except Exception:
        import psutil

        return round(psutil.Process().memory_info().peak_wset / 2**20, 1)  # type: ignore[attr-defined]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) != 1:
        print("usage: python -m app.core.finetune.train JOB_DIR", file=sys.stderr)
        return 2
    job = Path(args[0])
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    parent = os.getppid()
    try:
        # Orphaned (Sova was killed): save the checkpoint and stop; the job resumes later.
        run(job, stop=lambda: os.getppid() != parent)
    except BaseException as exc:  # the parent reads the reason from error.json
        if isinstance(exc, KeyboardInterrupt):
            return 130
        _write_json(job / "error.json", {"error": type(exc).__name__, "reason": str(exc)})
        log.exception("training failed")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
