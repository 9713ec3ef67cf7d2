"""The supervised step's general-answer guard: measured at half, three quarters and the
end of the steps; a final state past the budget is replaced by the last one within it;
a resumed run keeps the log and measures nothing twice."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from peft import LoraConfig, get_peft_model

from app.core.finetune import train
from app.core.finetune.train import TrainConfig, _Guard


class Tiny(torch.nn.Module):  # type: ignore[misc]
    def __init__(self) -> None:
        super().__init__()
        self.q_proj = torch.nn.Linear(4, 4)

    def forward(self, x):  # type: ignore[no-untyped-def]
        return self.q_proj(x)


def lora_b(model) -> float:  # type: ignore[no-untyped-def]
    return float(next(p for n, p in model.named_parameters() if "lora_B" in n).detach().flatten()[0])


def set_b(model, value: float) -> None:  # type: ignore[no-untyped-def]
    with torch.no_grad():
        for n, p in model.named_parameters():
            if "lora_B" in n:
                p.fill_(value)


def test_the_last_state_within_the_general_budget_is_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = get_peft_model(Tiny(), LoraConfig(r=2, target_modules=["q_proj"]))
    measured: list[int] = []
    values = {5: -1.02, 8: -1.10, 10: -1.30}  # the budget: 0.8 x 0.15 below -1.0 = -1.12

    def fake_mean_ll(base, m, examples, content_only=False):  # type: ignore[no-untyped-def]
        step = int(round(lora_b(m)))
        measured.append(step)
        return values[step]

    monkeypatch.setattr(train, "mean_ll", fake_mean_ll)
    cfg = TrainConfig(base="x", steps=10, general_tolerance=0.15)
    guard = _Guard(tmp_path, cfg, {"current": {"general": -1.0}}, [object()], "sft", 10, 0.8)  # type: ignore[list-item]
    for step in range(1, 11):
        set_b(model, step)
        guard.check(None, model, step)
    guard.settle(model)
    assert measured == [5, 8, 10] and lora_b(model) == 8.0
    record = guard.record()
    assert record["kept_step"] == 8 and [c["ok"] for c in record["checks"]] == [True, True, False]
    again = _Guard(tmp_path, cfg, {"current": {"general": -1.0}}, [object()], "sft", 10, 0.8)  # type: ignore[list-item]
    again.check(None, model, 10)
    again.settle(model)
    assert measured == [5, 8, 10] and again.record()["kept_step"] == 8


def test_no_general_set_or_tolerance_means_no_guard(tmp_path: Path) -> None:
    cfg = TrainConfig(base="x", steps=10, general_tolerance=0.15)
    assert _Guard(tmp_path, TrainConfig(base="x", steps=10), {"base": {"general": -1.0}}, [object()], "sft", 10,  # type: ignore[list-item]
                  0.8).floor is None
    assert _Guard(tmp_path, cfg, {"base": {}}, [], "sft", 10, 0.8).floor is None
    assert _Guard(tmp_path, cfg, {"base": {"general": -1.0}}, [object()], "pref", 0, 1.0).floor is None  # type: ignore[list-item]


def test_a_preference_step_past_the_budget_everywhere_falls_back_to_where_it_started(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from peft import get_peft_model_state_dict
    from safetensors.torch import save_file

    model = get_peft_model(Tiny(), LoraConfig(r=2, target_modules=["q_proj"]))
    set_b(model, 42.0)
    save_file({k: v.contiguous() for k, v in get_peft_model_state_dict(model).items()}, str(tmp_path / "reference.safetensors"))
    monkeypatch.setattr(train, "mean_ll", lambda *a, **k: -1.5)  # every state costs 0.5
    cfg = TrainConfig(base="x", steps=10, pref_steps=4, general_tolerance=0.15)
    guard = _Guard(tmp_path, cfg, {"base": {"general": -1.0}}, [object()], "pref", 4, 1.0,  # type: ignore[list-item]
                   fallback=tmp_path / "reference.safetensors")
    for step in range(1, 5):
        set_b(model, step)
        guard.check(None, model, step)
    guard.settle(model)
    assert lora_b(model) == 42.0 and guard.record()["kept_step"] == 0
