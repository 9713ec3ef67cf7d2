"""Training jobs with a stand-in trainer process: done, failed, cancelled and resumed,
paused; the adapter in use never changes until a job passes."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import psutil
import pytest

from app.core.config import Settings
from app.core.feedback import Rating
from app.core.feedback.training_set import build
from app.core.finetune.job import TrainingError
from app.core.finetune.service import Training
from app.core.service.jobs import JobRunner
from tests.waiting import wait_until

FAKE = [sys.executable, str(Path(__file__).resolve().parents[2] / "fakes" / "fake_trainer.py")]


def ratings(n: int = 30) -> list[Rating]:
    out = [Rating(i, i, 1, f"Question number {i}?", f"Answer {i}.", stars=5, created_at=float(i), updated_at=float(i))
           for i in range(1, n + 1)]
    out += [Rating(100 + i, 100 + i, 1, f"Bad question {i}?", f"Bad answer {i}.", thumb=-1,
                   created_at=200.0 + i, updated_at=200.0 + i) for i in range(8)]
    return out


@pytest.fixture()
def setup(tmp_path: Path):  # type: ignore[no-untyped-def]
    settings = Settings()
    settings.active_model = "m"
    runner = JobRunner()
    data = ratings()
    t = Training(tmp_path, lambda: settings, lambda: ("m", tmp_path / "m.gguf"), lambda: build(data),
                 lambda: runner, lambda: None, trainer=FAKE)
    yield t, settings
    runner.shutdown()


def wait_state(t: Training, states: tuple[str, ...], timeout: float = 30) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        st = t.status().state
        if st in states:
            return st
        time.sleep(0.05)
    raise AssertionError(f"still {t.status().state}")


def test_a_passing_job_is_kept_and_activated(setup) -> None:  # type: ignore[no-untyped-def]
    t, settings = setup
    plan = t.plan()
    assert plan.ready and plan.undesirable >= 5 and plan.pref_steps >= 20 and plan.heldout >= 1
    job = t.start()
    assert job.wait(30)
    st = t.status()
    assert st.state == "done" and st.version == "v1" and st.activated and st.verdict["passed"]
    assert settings.learning.adapters == {"m": "v1"}
    assert [loss for _, _, loss in st.run.losses][:2] == [3.0, 1.5]
    assert not t.job_dir.exists()  # the job folder goes once its adapter is kept
    cfg = json.loads((t.versions()[0].path / "meta.json").read_text())
    assert cfg["verdict"]["passed"] and cfg["figures"]["after"]["liked"] == -1.0


def test_step_counts_come_from_the_data_unless_the_user_sets_them(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    t, settings = setup
    auto = t.plan()
    assert auto.steps == 80 and auto.pref_steps == 20  # the floors for a small set
    settings.learning.steps, settings.learning.pref_steps = 12, 4
    assert (t.plan().steps, t.plan().pref_steps) == (12, 4)
    few = Training(tmp_path / "few", lambda: settings, lambda: ("m", tmp_path / "m.gguf"),
                   lambda: build(ratings()[:30]), lambda: None, lambda: None, trainer=FAKE)
    assert few.plan().pref_steps == 0  # no disliked answers: no preference step whatever the setting


def test_a_failing_verdict_keeps_the_version_but_not_in_use(setup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    t, settings = setup
    monkeypatch.setenv("FAKE_TRAINER_AFTER", json.dumps({"liked": -3.0, "disliked": -1.0, "general": -1.5}))
    assert t.start().wait(30)
    st = t.status()
    assert st.state == "done" and not st.activated and st.verdict["reasons"] == ["liked_up", "disliked_down"]
    assert settings.learning.adapters == {} and [a.version for a in t.versions()] == ["v1"]


def test_a_crashed_trainer_says_why_and_changes_nothing(setup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    t, settings = setup
    settings.learning.adapters = {"m": "v0"}
    monkeypatch.setenv("FAKE_TRAINER_FAIL", "out of memory while loading")
    job = t.start()
    job.wait(30)
    st = t.status()
    assert st.state == "failed" and "out of memory while loading" in st.error
    assert settings.learning.adapters == {"m": "v0"} and t.versions() == []


def test_cancel_then_resume_from_the_checkpoint(setup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    t, _ = setup
    monkeypatch.setenv("FAKE_TRAINER_STEP_S", "0.1")
    job = t.start()
    end = time.monotonic() + 30
    while t.status().run.step < 5 and time.monotonic() < end:
        time.sleep(0.05)
    t.cancel()
    job.wait(30)
    assert wait_state(t, ("interrupted",)) == "interrupted" and t.resumable()
    stopped_at = json.loads((t.job_dir / "checkpoint.pt").read_text())["step"]
    monkeypatch.setenv("FAKE_TRAINER_STEP_S", "0.01")
    assert t.start(resume=True).wait(30)
    st = t.status()
    assert st.state == "done" and st.run.resumed_at == stopped_at and st.version == "v1"


def _settled_step(t: Training) -> int:
    """The step counter once it has not moved for half a second."""
    seen = {"step": t.status().run.step, "since": time.monotonic()}

    def settled() -> bool:
        step = t.status().run.step
        if step != seen["step"]:
            seen.update(step=step, since=time.monotonic())
        return time.monotonic() - seen["since"] >= 0.5

    wait_until(settled, 10, "the step counter to settle")
    return int(seen["step"])


def test_pause_stops_the_process_until_resumed(setup, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    t, _ = setup
    monkeypatch.setenv("FAKE_TRAINER_STEP_S", "0.05")
    job = t.start()
    while t.status().run.step < 2:
        time.sleep(0.02)
    t.pause(True)
    # The OS stops the process; lines it wrote before that may still be in the pipe,
    # so the step counter is read once it has settled.
    ps = t._process._ps
    wait_until(lambda: ps.status() == psutil.STATUS_STOPPED, 10, "the OS to stop the trainer")
    frozen = _settled_step(t)
    time.sleep(0.6)
    assert t.status().run.step == frozen and t.status().run.paused
    t.yield_cpu(True)
    t.pause(False)  # still held for a streaming answer
    time.sleep(0.4)
    assert ps.status() == psutil.STATUS_STOPPED
    assert t.status().run.step == frozen and t.status().run.yielding
    t.yield_cpu(False)
    assert job.wait(30) and t.status().state == "done"


def test_only_one_job_and_enough_data(setup, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    t, settings = setup
    job = t.start()
    with pytest.raises(TrainingError) as err:
        t.start()
    assert err.value.code == "training_busy"
    job.wait(30)
    few = Training(tmp_path / "other", lambda: settings, lambda: ("m", tmp_path / "m.gguf"),
                   lambda: build(ratings(5)), lambda: None, lambda: None, trainer=FAKE)  # type: ignore[arg-type,return-value]
    assert few.plan().reason == "too_few"
    with pytest.raises(TrainingError) as err:
        few.start()
    assert err.value.code == "training_no_data" and err.value.params["need"] == 10


def test_training_gives_way_while_the_facade_answers(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # The facade pauses the training process for as long as an answer is on its way.
    from app.core.assistant import Assistant
    from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory

    llm = FakeLLM(reply="one two three four five six", delay=0.1)
    a = Assistant(llm_factory=fake_factory(llm), registry=FakeRegistry())  # type: ignore[arg-type]
    a.settings.active_model = "fake"
    a.settings.memory.extract = False
    for i in range(14):
        cid = a.new_conversation().id
        done = list(a.ask(cid, f"Question number {i}?"))[-1]
        a.rate_answer(done.message.id, stars=5)
    monkeypatch.setattr("app.core.finetune.job.TRAINER", FAKE)
    monkeypatch.setenv("FAKE_TRAINER_STEP_S", "0.05")
    try:
        job = a.training.start()
        while a.training.status().run.step < 2:
            time.sleep(0.02)
        seen = []
        for ev in a.ask(a.new_conversation().id, "Another question?"):
            seen.append(a.training.status().run.yielding)
        assert seen and all(seen[1:-1]) and not a.training.status().run.yielding
        assert job.wait(30) and a.training.status().state == "done"
    finally:
        a.close()
