"""Settings → Feedback and training → Training: the plan, a run with its progress and loss
chart, the verdict, failures, cancel and resume, pause, the adapter versions, the
settings, the adapter in the status bar, and the training notice of the trigger.

The fake model answers and the ratings go through the real facade; the training process
is tests/fakes/fake_trainer.py (a few hundredths of a second a step)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import psutil
import pytest

from app.ui.training_chart import tick_step
from tests.fakes.qt import QT_NOISE

pytestmark = [pytest.mark.qt_log_level_fail("WARNING"), pytest.mark.qt_log_ignore(*QT_NOISE)]

ROOT = Path(__file__).resolve().parents[2]
TRAINER = [sys.executable, str(ROOT / "tests" / "fakes" / "fake_trainer.py")]
STEPS = 12  # a short run: the fake's steps are settings.learning.steps


@pytest.fixture
def training(assistant, monkeypatch):  # type: ignore[no-untyped-def]
    """The facade's training with the fake trainer and short runs."""
    monkeypatch.setenv("FAKE_TRAINER_STEP_S", "0.03")
    monkeypatch.delenv("FAKE_TRAINER_FAIL", raising=False)
    assistant.training.trainer = TRAINER
    assistant.settings.learning.steps = STEPS
    yield assistant.training
    assistant.training.cancel()


_asked = [0]


def _rate(assistant, script, n: int, stars: int) -> None:  # type: ignore[no-untyped-def]
    """Ask ``n`` distinct questions and rate each answer with ``stars``."""
    conv = assistant.new_conversation()
    for _ in range(n):
        i = _asked[0] = _asked[0] + 1
        script.answer = f"Answer {i}: the reply to question {i}, in a few words."
        for _ev in assistant.ask(conv.id, f"Distinct question number {i} about topic {i * 7}?"):
            pass
        assistant.rate_answer(assistant.messages(conv.id)[-1].id, stars=stars)


def _open(qtbot, window):  # type: ignore[no-untyped-def]
    """Settings → Feedback and training → Training, its plan read; (dialog, tab)."""
    dialog = window.open_settings()
    page = dialog.pages["feedback"]
    tab = page.training
    tab._poll.setInterval(40)  # the live progress at test speed
    with qtbot.waitSignal(tab.sig_refreshed, timeout=5000):
        dialog.show_page("feedback")
        page.show_tab(tab)
    return dialog, tab


def _run(qtbot, tab, button: Any = None, timeout: int = 15000) -> Any:  # type: ignore[no-untyped-def]
    """Click Start (or ``button``) and wait for the run's end; the final status."""
    with qtbot.waitSignal(tab.sig_finished, timeout=timeout) as blocker:
        (button or tab.start_button).click()
    qtbot.waitUntil(lambda: not tab.refreshing, timeout=5000)  # the versions are read again after a run
    return blocker.args[0]


def _table(tab) -> list[list[str]]:  # type: ignore[no-untyped-def]
    t = tab.versions.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


# ---- the plan -------------------------------------------------------------------------


def test_the_loss_chart_ticks_fall_on_round_step_numbers() -> None:
    assert [tick_step(n) for n in (1, 10, 11, 24, 116, 126 + 42, 300)] == [1, 1, 2, 5, 20, 20, 50]


def test_plan_shows_what_training_would_use_and_why_not_yet(qtbot, window, assistant, script, training) -> None:  # type: ignore[no-untyped-def]
    _rate(assistant, script, 5, stars=5)
    _rate(assistant, script, 2, stars=1)
    dialog, tab = _open(qtbot, window)
    plan = tab.snapshot.plan
    assert plan.reason == "too_few" and not tab.start_button.isEnabled()
    assert tab.plan_values["examples"].text() == str(plan.examples)
    assert tab.plan_values["liked"].text() == f"{plan.desirable} / {plan.undesirable}"
    assert tab.plan_values["pref"].text() == "no: too few disliked answers"
    note = tab.plan_note.text()
    assert f"{plan.examples} of the 10 examples needed" in note
    assert f"Rate at least {10 - plan.examples} more answers with 4 ★ or more" in note

    # More ratings while the tab is open: it plans again and training may start.
    with qtbot.waitSignal(tab.sig_refreshed, timeout=5000):
        _rate(assistant, script, 10, stars=5)
    assert tab.snapshot.plan.ready and tab.start_button.isEnabled()
    assert tab.plan_note.text() == "Ready to start: 17 rated answers so far."
    assert tab.plan_values["languages"].text() == "English 15"
    assert tab.plan_values["removed"].text() == "nothing"
    dialog.reject()


def test_missing_training_pack_is_said(qtbot, window, assistant, script, training, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _rate(assistant, script, 14, stars=5)
    monkeypatch.setattr(type(training), "missing_pack", staticmethod(lambda: "peft"))
    dialog, tab = _open(qtbot, window)
    assert not tab.start_button.isEnabled()
    assert "The training pack is not installed (the Python module “peft” is missing)" in tab.plan_note.text()
    dialog.reject()


# ---- a run ---------------------------------------------------------------------------


def test_a_run_shows_progress_and_loss_then_the_verdict_and_the_new_adapter(qtbot, window, assistant, script, training, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FAKE_TRAINER_STEP_S", "0.08")
    _rate(assistant, script, 14, stars=5)
    dialog, tab = _open(qtbot, window)
    assert tab.versions.empty.isVisible() and not tab.chart.isVisible()
    assert "adapter" not in window.model_label.text()
    seen: dict[str, Any] = {}

    def progress_seen() -> bool:
        if tab.progress.isVisible() and tab.chart.point_count("sft") >= 2:
            seen.setdefault("phase", tab.progress_label.text())
            seen.setdefault("points", tab.chart.point_count("sft"))
            seen.setdefault("value", tab.progress.value())
        return bool(seen)

    with qtbot.waitSignal(tab.sig_finished, timeout=15000) as blocker:
        tab.start_button.click()
        qtbot.waitUntil(progress_seen, timeout=10000)
        assert not tab.start_button.isVisible() and tab.cancel_button.isVisible()
    assert seen["phase"].startswith("Learning from your answers: step ") and f"of {STEPS}" in seen["phase"]
    assert "left" in seen["phase"] and 100 < seen["value"] < 1000
    status = blocker.args[0]
    assert status.state == "done" and status.version == "v1" and status.activated
    qtbot.waitUntil(lambda: tab.versions.table.rowCount() == 1, timeout=5000)

    # The whole run is on the chart, the verdict in words, the version listed and in use.
    assert tab.chart.point_count("sft") == STEPS and tab.chart.isVisible() and not tab.progress.isVisible()
    axis = tab.chart.x_axis  # ticks on whole, round steps
    assert axis.tickInterval() == tick_step(STEPS) and axis.tickAnchor() == 0
    assert axis.max() % axis.tickInterval() == 0 and axis.max() >= STEPS
    text = tab.outcome.text()
    assert "Adapter v1 passed the check, and Sova now answers with it." in text
    assert "Liked answers became more likely: −2.00 → −1.00" in text
    assert "General answers kept within the tolerance of 0.15: −1.50 → −1.52" in text
    assert "Compared with the base model." in text
    row = _table(tab)[0]
    assert row[0] == "v1" and row[4] == "−2.00 → −1.00" and row[6] == "−1.50 → −1.52"
    assert row[7] == "✓ passed" and row[8] == "● in use"
    assert assistant.training.active() == "v1"
    qtbot.waitUntil(lambda: window.model_label.text() == "Fake model · adapter v1", timeout=3000)
    dialog.reject()
    # Each answer names the adapter that wrote it.
    chat = window.chat
    chat.input.setPlainText("And now?")
    with qtbot.waitSignal(chat.sig_answer_done, timeout=10000):
        chat.submit()
    row = chat.model.rowCount() - 1
    assert chat.model.message(row).details.get("adapter") == "v1"
    assert "Fake model · adapter v1" in chat.view.delegate.layout_for(chat.model.index(row)).header.toPlainText()


def test_a_failed_verdict_keeps_the_adapter_in_use(qtbot, window, assistant, script, training, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _rate(assistant, script, 14, stars=5)
    dialog, tab = _open(qtbot, window)
    assert _run(qtbot, tab).version == "v1"
    monkeypatch.setenv("FAKE_TRAINER_AFTER", '{"liked": -2.5, "disliked": -2.0, "general": -1.9}')
    status = _run(qtbot, tab)
    assert status.version == "v2" and not status.activated and assistant.training.active() == "v1"
    text = tab.outcome.text()
    assert "adapter v2 did not pass the check, so Sova keeps answering with adapter v1" in text
    assert "Liked answers did not become more likely: −2.00 → −2.50" in text
    assert "General answers got worse by more than 0.15: −1.50 → −1.90" in text
    rows = _table(tab)
    assert [r[0] for r in rows] == ["v2", "v1"] and rows[0][7] == "✗ failed" and rows[1][8] == "● in use"
    dialog.reject()


def test_a_failing_run_says_why_and_keeps_the_previous_adapter(qtbot, window, assistant, script, training, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _rate(assistant, script, 14, stars=5)
    dialog, tab = _open(qtbot, window)
    assert _run(qtbot, tab).version == "v1"
    monkeypatch.setenv("FAKE_TRAINER_FAIL", "not enough memory for the 1.5B model")
    status = _run(qtbot, tab)
    assert status.state == "failed"
    assert tab.outcome.text() == ("Training failed: not enough memory for the 1.5B model. Nothing was changed; "
                                  "Sova keeps answering with adapter v1.")
    assert assistant.training.active() == "v1" and [r[0] for r in _table(tab)] == ["v1"]
    assert tab.start_button.isVisible() and tab.start_button.isEnabled()  # it may be tried again
    assert window.model_label.text() == "Fake model · adapter v1"
    dialog.reject()


def test_cancel_then_resume_continues_from_the_checkpoint(qtbot, window, assistant, script, training, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FAKE_TRAINER_STEP_S", "0.06")
    assistant.settings.learning.steps = 30
    _rate(assistant, script, 14, stars=5)
    dialog, tab = _open(qtbot, window)
    with qtbot.waitSignal(tab.sig_finished, timeout=15000) as blocker:
        tab.start_button.click()
        qtbot.waitUntil(lambda: tab.status.run.step >= 4, timeout=10000)
        tab.cancel_button.click()
        assert tab.progress_label.text() == "Stopping…" and not tab.cancel_button.isEnabled()
    stopped = blocker.args[0]
    assert stopped.state == "interrupted" and 4 <= stopped.run.step < 30
    assert tab.resume_button.isVisible() and tab.discard_button.isVisible() and not tab.start_button.isVisible()
    assert tab.outcome.text().startswith(f"Training stopped at step {stopped.run.step} of 30.")
    assert assistant.training.active() == "" and tab.versions.table.rowCount() == 0

    status = _run(qtbot, tab, tab.resume_button)
    assert status.state == "done" and status.version == "v1"
    resumed_at = assistant.training.status().run.resumed_at
    assert resumed_at is not None and resumed_at >= stopped.run.step  # not from step 1 again
    # The chart kept the steps before the stop and added the rest: every step once.
    assert tab.chart.point_count("sft") == 30
    dialog.reject()


def test_a_stopped_run_can_be_discarded(qtbot, window, assistant, script, training, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FAKE_TRAINER_STEP_S", "0.06")
    assistant.settings.learning.steps = 30
    _rate(assistant, script, 14, stars=5)
    dialog, tab = _open(qtbot, window)
    with qtbot.waitSignal(tab.sig_finished, timeout=15000):
        tab.start_button.click()
        qtbot.waitUntil(lambda: tab.status.run.step >= 2, timeout=10000)
        tab.cancel_button.click()
    assert assistant.training.resumable()
    with qtbot.waitSignal(tab.sig_refreshed, timeout=5000):
        tab.discard_button.click()
    qtbot.waitUntil(lambda: tab.start_button.isVisible(), timeout=3000)
    assert not assistant.training.resumable() and not tab.resume_button.isVisible()
    assert tab.chart.point_count() == 0 and not tab.outcome.isVisible()
    dialog.reject()


def test_pause_and_resume_a_run(qtbot, window, assistant, script, training, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FAKE_TRAINER_STEP_S", "0.06")
    assistant.settings.learning.steps = 30
    _rate(assistant, script, 14, stars=5)
    dialog, tab = _open(qtbot, window)
    with qtbot.waitSignal(tab.sig_finished, timeout=20000) as blocker:
        tab.start_button.click()
        qtbot.waitUntil(lambda: tab.status.run.step >= 2, timeout=10000)
        tab.pause_button.click()
        qtbot.waitUntil(lambda: tab.status.run.paused, timeout=3000)
        assert tab.pause_button.text() == "Resume" and "Paused" in tab.progress_label.text()
        # The process itself is stopped by the OS, not merely told to wait.
        ps = assistant.training._process._ps
        qtbot.waitUntil(lambda: ps.status() == psutil.STATUS_STOPPED, timeout=3000)
        tab.pause_button.click()
        qtbot.waitUntil(lambda: not tab.status.run.paused, timeout=3000)
        assert tab.pause_button.text() == "Pause"
    assert blocker.args[0].state == "done" and tab.chart.point_count("sft") == 30
    dialog.reject()


# ---- adapter versions -------------------------------------------------------------------


def _versions(training, n: int) -> None:  # type: ignore[no-untyped-def]
    """``n`` kept versions, each activated in turn (as finished runs leave them)."""
    job = Path(training.root) / "seed"
    job.mkdir(parents=True, exist_ok=True)
    (job / "adapter.gguf").write_bytes(b"GGUF fake adapter")
    (job / "lora.safetensors").write_bytes(b"fake")
    figures = {"before": {"base": {"liked": -2.0, "disliked": -2.0, "general": -1.5}},
               "after": {"liked": -1.0, "disliked": -2.5, "general": -1.52}, "steps": 30, "examples": 13}
    for _ in range(n):
        a = training.adapters.add("fake", job, figures, {"passed": True, "checks": {"liked_up": True}})
        training.activate(a.version)


def test_use_roll_back_and_base_model_from_the_versions_table(qtbot, window, assistant, training) -> None:  # type: ignore[no-untyped-def]
    _versions(training, 3)
    qtbot.waitUntil(lambda: window.model_label.text() == "Fake model · adapter v3", timeout=3000)
    dialog, tab = _open(qtbot, window)
    box = tab.versions
    assert [r[0] for r in _table(tab)] == ["v3", "v2", "v1"] and _table(tab)[0][8] == "● in use"
    assert box.selected() == "v3" and not box.use_button.isEnabled()

    box.select("v1")
    with qtbot.waitSignal(box.sig_changed, timeout=5000):
        box.use_button.click()
    assert training.active() == "v1" and box.status.text() == "Sova now answers with adapter v1."
    assert _table(tab)[2][8] == "● in use" and _table(tab)[0][8] == ""
    qtbot.waitUntil(lambda: window.model_label.text() == "Fake model · adapter v1", timeout=3000)

    with qtbot.waitSignal(box.sig_changed, timeout=5000):
        box.rollback_button.click()  # back to what was in use before v1: v3
    assert training.active() == "v3" and box.status.text() == "Rolled back from v1: Sova now answers with adapter v3."
    qtbot.waitUntil(lambda: window.model_label.text() == "Fake model · adapter v3", timeout=3000)

    with qtbot.waitSignal(box.sig_changed, timeout=5000):
        box.base_button.click()
    assert training.active() == "" and box.status.text() == "Sova now answers with the base model."
    assert not box.base_button.isEnabled() and not box.rollback_button.isEnabled()
    assert all(r[8] == "" for r in _table(tab))
    qtbot.waitUntil(lambda: window.model_label.text() == "Fake model", timeout=3000)
    dialog.reject()


def test_a_damaged_adapter_is_reported_and_not_used(qtbot, window, assistant, training) -> None:  # type: ignore[no-untyped-def]
    _versions(training, 2)
    (training.adapters.get("fake", "v1").gguf).unlink()
    dialog, tab = _open(qtbot, window)
    box = tab.versions
    box.select("v1")
    with qtbot.waitSignal(box.use_button.clicked):
        box.use_button.click()
    qtbot.waitUntil(lambda: box.status.text() != "", timeout=5000)
    assert box.status.text() == "Adapter v1 is damaged (its file is missing). Sova keeps answering with adapter v2."
    assert training.active() == "v2"
    dialog.reject()


# ---- settings -------------------------------------------------------------------------------


def test_learning_settings_are_saved_on_ok_and_reverted_on_cancel(qtbot, window, assistant, training) -> None:  # type: ignore[no-untyped-def]
    from app.core.config import load_settings

    _versions(training, 1)
    dialog, tab = _open(qtbot, window)
    box = tab.settings
    assert box.min_stars.value() == 4 and box.examples.isChecked() and box.min_satisfaction.value() == 60
    box.min_stars.setValue(5)
    box.examples.setChecked(False)
    box.min_average.setValue(3.8)
    box.min_satisfaction.setValue(70)
    box.max_negatives.setValue(15)
    box.window_size.setValue(80)
    box.min_new.setValue(8)
    box.check_days.setValue(3)
    box.auto_train.setChecked(True)
    dialog.accept()
    for learning in (assistant.settings.learning, load_settings(assistant.paths).learning):
        assert (learning.min_stars, learning.examples, learning.min_average, learning.min_satisfaction,
                learning.max_negatives, learning.window, learning.min_new, learning.check_days,
                learning.auto_train) == (5, False, 3.8, 0.7, 0.15, 80, 8, 3, True)
        assert learning.adapters == {"fake": "v1"}  # the adapter in use is not the form's to change

    dialog, tab = _open(qtbot, window)
    assert tab.settings.min_stars.value() == 5 and tab.settings.auto_train.isChecked()
    tab.settings.min_stars.setValue(2)
    dialog.reject()
    assert assistant.settings.learning.min_stars == 5 and tab.settings.min_stars.value() == 5


# ---- the trigger ------------------------------------------------------------------------------


def _check(qtbot, window) -> Any:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(window.training_trigger.sig_checked, timeout=5000) as blocker:
        window.start_background_checks()
    return blocker.args[0]


def test_low_ratings_bring_the_notice_and_train_now_starts_training(qtbot, window, assistant, script, training) -> None:  # type: ignore[no-untyped-def]
    _rate(assistant, script, 14, stars=5)
    _rate(assistant, script, 14, stars=1)
    verdict = _check(qtbot, window)
    assert verdict.train
    notice = window.training_notice
    assert notice.isVisible() and notice.action_button.text() == "Train now" and notice.later_button.isVisible()
    assert notice.text == ("Answers are rated lower lately: average 3.0 ★, 50% satisfied, 50% negative over the "
                           "last 28 rated answers. Train Sova on your ratings?")
    assert not assistant.trigger_due()  # checked: not again until check_days have passed
    assert _check(qtbot, window) is None

    notice.action_button.click()
    assert not notice.isVisible()
    dialog = window.settings_dialog
    tab = dialog.pages["feedback"].training
    assert dialog.stack.currentWidget() is dialog.pages["feedback"]
    assert dialog.pages["feedback"].tabs.currentWidget() is tab
    with qtbot.waitSignal(tab.sig_finished, timeout=15000) as blocker:
        pass
    assert blocker.args[0].state == "done" and assistant.training.active() == "v1"
    assert assistant.ratings_since_training() == 0
    dialog.reject()


def test_later_hides_the_notice_and_good_ratings_bring_none(qtbot, window, assistant, script, training) -> None:  # type: ignore[no-untyped-def]
    _rate(assistant, script, 14, stars=5)
    _rate(assistant, script, 14, stars=1)
    _check(qtbot, window)
    window.training_notice.later_button.click()
    assert not window.training_notice.isVisible() and not assistant.training.running
    # Good ratings: checked, nothing offered.
    with assistant.store.db.transaction() as conn:
        conn.execute("DELETE FROM memory_meta WHERE key='learning.last_check'")
        conn.execute("UPDATE ratings SET stars=5")
    verdict = _check(qtbot, window)
    assert verdict is not None and not verdict.train and verdict.wanting == "quality_ok"
    assert not window.training_notice.isVisible()


def test_auto_train_starts_by_itself_and_tells_how_it_ended(qtbot, window, assistant, script, training) -> None:  # type: ignore[no-untyped-def]
    assistant.settings.learning.auto_train = True
    _rate(assistant, script, 14, stars=5)
    _rate(assistant, script, 14, stars=1)
    notice = window.training_notice
    with qtbot.waitSignal(window.training_trigger.sig_auto_started, timeout=5000):
        window.start_background_checks()
    assert assistant.training.running or assistant.training.status().state == "done"
    assert "Sova started training on your ratings in the background" in notice.text
    assert notice.action_button.text() == "Show" and not notice.later_button.isVisible()
    qtbot.waitUntil(lambda: notice.text.startswith("Training finished."), timeout=15000)
    assert notice.text == "Training finished. Adapter v1 passed the check, and Sova now answers with it."
    qtbot.waitUntil(lambda: window.model_label.text() == "Fake model · adapter v1", timeout=3000)
    notice.action_button.click()  # "Show": the Training tab
    assert window.settings_dialog.pages["feedback"].tabs.currentWidget() is \
        window.settings_dialog.pages["feedback"].training
    window.settings_dialog.reject()


# ---- language ---------------------------------------------------------------------------------


def test_the_training_tab_speaks_russian(qtbot, window, assistant, script, training) -> None:  # type: ignore[no-untyped-def]
    from app.ui import i18n

    _versions(training, 1)
    i18n.install("ru")
    dialog, tab = _open(qtbot, window)
    page = dialog.pages["feedback"]
    assert page.tabs.tabText(page.tabs.indexOf(tab)) == "Обучение"
    assert tab.start_button.text() == "Начать обучение"
    assert tab.versions.use_button.text() == "Использовать"
    assert _table(tab)[0][8] == "● используется"
    assert "адаптер v1" in window.model_label.text()
    dialog.reject()


def test_a_run_gives_way_while_sova_answers(qtbot, window, assistant, script, training, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("FAKE_TRAINER_STEP_S", "0.06")
    assistant.settings.learning.steps = 40
    _rate(assistant, script, 14, stars=5)
    dialog, tab = _open(qtbot, window)
    labels: list[str] = []
    with qtbot.waitSignal(tab.sig_finished, timeout=20000) as blocker:
        tab.start_button.click()
        qtbot.waitUntil(lambda: tab.status.run.step >= 2, timeout=10000)
        script.delay = 0.05
        script.answer = " ".join(["word"] * 20)  # about a second of answer
        window.new_conversation()
        with qtbot.waitSignal(window.chat.sig_answer_done, timeout=10000):
            window.chat.send("A question while training runs?")
            qtbot.waitUntil(lambda: tab.status.run.yielding, timeout=5000)
            labels.append(tab.progress_label.text())
        qtbot.waitUntil(lambda: not tab.status.run.yielding, timeout=5000)
    assert "Paused while Sova answers" in labels[0]
    assert blocker.args[0].state == "done"
    dialog.reject()
