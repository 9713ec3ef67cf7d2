"""Adapter versions: kept atomically with their figures, activated, rolled back."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.config import Settings
from app.core.finetune.adapters import AdapterError, AdapterStore
from app.core.finetune.service import Training, judge, split
from app.core.feedback.training_set import SetStats, TrainingSet


def finished_job(tmp: Path, name: str = "job") -> Path:
    job = tmp / name
    job.mkdir()
    (job / "adapter.gguf").write_bytes(b"GGUF-fake")
    (job / "lora.safetensors").write_bytes(b"fake")
    return job


def test_versions_are_numbered_and_keep_their_figures(tmp_path: Path) -> None:
    store = AdapterStore(tmp_path / "adapters")
    job = finished_job(tmp_path)
    a1 = store.add("m", job, {"after": {"liked": -1.0}}, {"passed": True})
    a2 = store.add("m", job, {}, {"passed": False})
    assert [a.version for a in store.versions("m")] == ["v1", "v2"]
    assert store.get("m", "v1").figures == {"after": {"liked": -1.0}} and a1.passed and not a2.passed
    assert store.usable("m", "v2").gguf.read_bytes() == b"GGUF-fake"


def test_a_half_written_version_is_ignored_and_cleaned(tmp_path: Path) -> None:
    store = AdapterStore(tmp_path / "adapters")
    store.add("m", finished_job(tmp_path), {}, {})
    leftover = tmp_path / "adapters" / "m" / ".tmp-v2-123"
    leftover.mkdir()
    (leftover / "adapter.gguf").write_bytes(b"half")
    no_meta = tmp_path / "adapters" / "m" / "v7"
    no_meta.mkdir()
    assert [a.version for a in store.versions("m")] == ["v1"]
    assert not leftover.exists()


def test_a_missing_file_makes_the_version_unusable(tmp_path: Path) -> None:
    store = AdapterStore(tmp_path / "adapters")
    a = store.add("m", finished_job(tmp_path), {}, {})
    a.gguf.unlink()
    with pytest.raises(AdapterError) as err:
        store.usable("m", "v1")
    assert err.value.code == "adapter_damaged"
    with pytest.raises(AdapterError) as err:
        store.get("m", "v9")
    assert err.value.code == "adapter_not_found"


def make_training(tmp_path: Path) -> tuple[Training, Settings]:
    settings = Settings()
    settings.active_model = "m"
    ts = TrainingSet([], [], SetStats())
    t = Training(tmp_path, lambda: settings, lambda: ("m", tmp_path / "m.gguf"), lambda: ts,
                 lambda: None, lambda: None)  # type: ignore[arg-type,return-value]
    return t, settings


def test_activate_and_roll_back_step_by_step(tmp_path: Path) -> None:
    t, settings = make_training(tmp_path)
    job = finished_job(tmp_path)
    for _ in range(3):
        t.adapters.add("m", job, {}, {"passed": True})
    t.activate("v1")
    t.activate("v2")
    t.activate("v3")
    assert settings.learning.adapters == {"m": "v3"} and t.adapter_file("m")[0] == "v3"  # type: ignore[index]
    assert t.roll_back() == "v2" and t.active() == "v2"
    assert t.roll_back() == "v1"
    assert t.roll_back() == "" and t.active() == "" and t.adapter_file("m") is None
    with pytest.raises(AdapterError) as err:
        t.roll_back()
    assert err.value.code == "adapter_nothing_to_roll_back"


def test_roll_back_skips_a_deleted_version(tmp_path: Path) -> None:
    t, _ = make_training(tmp_path)
    job = finished_job(tmp_path)
    for _ in range(3):
        t.adapters.add("m", job, {}, {"passed": True})
    for v in ("v1", "v2", "v3"):
        t.activate(v)
    t.adapters.delete("m", "v2")
    assert t.roll_back() == "v1"


def test_an_active_adapter_whose_file_is_gone_is_not_used(tmp_path: Path) -> None:
    t, _ = make_training(tmp_path)
    a = t.adapters.add("m", finished_job(tmp_path), {}, {"passed": True})
    t.activate("v1")
    a.gguf.unlink()
    assert t.adapter_file("m") is None  # the base model answers; nothing crashes


@pytest.mark.parametrize("after,pref,passed,reasons", [
    ({"liked": -1.0, "disliked": -3.0, "general": -1.52}, 20, True, []),
    ({"liked": -2.5, "disliked": -3.0, "general": -1.5}, 20, False, ["liked_up"]),
    ({"liked": -1.0, "disliked": -1.5, "general": -1.5}, 20, False, ["disliked_down"]),
    ({"liked": -1.0, "disliked": -1.5, "general": -1.5}, 0, True, []),  # no preference step: not judged
    ({"liked": -1.0, "disliked": -3.0, "general": -1.7}, 20, False, ["general_kept"]),  # 0.2 below
])
def test_judge(after: dict, pref: int, passed: bool, reasons: list) -> None:  # type: ignore[type-arg]
    figures = {"before": {"base": {"liked": -2.0, "disliked": -2.0, "general": -1.5}}, "after": after,
               "pref_steps": pref}
    v = judge(figures)
    assert v["passed"] is passed and v["reasons"] == reasons and v["against"] == "base"


def test_judge_compares_with_the_adapter_in_use() -> None:
    figures = {"before": {"base": {"liked": -3.0}, "current": {"liked": -1.0}}, "after": {"liked": -1.5}}
    v = judge(figures)
    assert not v["passed"] and v["against"] == "current"


def test_split_holds_out_whole_ratings() -> None:
    prefs = [{"rating_id": i, "label": i % 3 != 0, "messages": [], "completion": str(i)} for i in range(1, 71)]
    examples = [{"rating_id": p["rating_id"], "messages": []} for p in prefs if p["label"]]
    sft, pref, held = split(TrainingSet(examples, prefs, SetStats()))
    held_ids = {p["rating_id"] for p in held}
    assert 4 <= len(held_ids) <= 20
    assert not held_ids & {e["rating_id"] for e in sft} and not held_ids & {p["rating_id"] for p in pref}
    assert len(sft) + sum(1 for p in held if p["label"]) == len(examples)
