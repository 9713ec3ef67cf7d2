"""Training from ratings, tried in the real window (not a test; run under Xvfb). Saves
screenshots and prints what it checked.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tests/gui/training_walkthrough.py \
        --fake [--lang en|ru] [--out-dir docs]

1. Settings → Feedback and training → Training with rated answers: what a run would
   learn from (training-1-plan.png).
2. A run in progress: the phase, the time left and the loss chart (training-2-running.png).
3. After a second run: the verdict in words and two adapter versions, the newer in use
   (training-3-done.png), and the versions and settings further down
   (training-4-versions.png).
4. The window: the adapter in the status bar and the training notice that low ratings
   bring (training-5-notice.png).

Russian files end in ``-ru``. ``--fake`` uses the scripted model of the GUI tests and
tests/fakes/fake_trainer.py as the training process (its figures are set per run).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))

QUESTIONS = {
    "en": ("How do I {verb} a file in Python (case {i})?", ("open", "copy", "rename", "delete", "read", "zip")),
    "ru": ("Как {verb} файл в Python (случай {i})?", ("открыть", "скопировать", "переименовать", "удалить",
                                                    "прочитать", "сжать")),
}
# The held-out figures after each run (the fake's "before" is liked −2.0, disliked −2.0, general −1.5).
# The fake trainer, plus what the real one also reports: how many examples it learned from.
FAKE_TRAINER = f"""
import json, sys
from pathlib import Path
sys.path.insert(0, {str(ROOT / "tests" / "fakes")!r})
import fake_trainer
job = Path(sys.argv[1])
code = fake_trainer.main(job)
if code == 0:
    result = json.loads((job / "result.json").read_text())
    result["examples"] = sum(1 for _ in open(job / "sft.jsonl", encoding="utf-8"))
    (job / "result.json").write_text(json.dumps(result))
sys.exit(code)
"""
RUNS = ({"liked": -1.62, "disliked": -2.31, "general": -1.53}, {"liked": -1.41, "disliked": -2.55, "general": -1.51})


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--lang", choices=["en", "ru"], default="en")
    p.add_argument("--fake", action="store_true", help="the scripted model and the fake trainer (required)")
    p.add_argument("--out-dir", default=str(ROOT / "docs"))
    args = p.parse_args()
    if not args.fake:
        raise SystemExit("training_walkthrough runs with --fake only (a real run takes many minutes)")
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "-ru" if args.lang == "ru" else ""

    from walk import offline_app, wait_until

    app, home = offline_app("sova-training-")
    from app.core.assistant import Assistant
    from app.core.config import Settings
    from app.ui import i18n, theme, workers
    from app.ui.main_window import MainWindow
    from tests.fakes.embedder import FakeEmbedder
    from tests.fakes.llm import FakeRegistry, Script, script_factory

    settings = Settings(active_model="fake", language=args.lang, auto_titles=False)
    settings.learning.steps = 60
    script = Script()
    embedder = FakeEmbedder()
    assistant = Assistant(settings=settings, llm_factory=script_factory(script),
                          registry=FakeRegistry(Path(home.name)), memory_embedder=lambda: embedder)
    assistant.training.trainer = [sys.executable, "-c", FAKE_TRAINER]
    i18n.install(args.lang)
    theme.apply_appearance(app, "light", 0)
    window = MainWindow(assistant)
    window.resize(1200, 780)
    window.show()

    def shot(widget: Any, name: str) -> None:
        app.processEvents()
        path = out / name.replace(".png", f"{suffix}.png")
        widget.grab().save(str(path))
        print(f"saved {path}")

    template, verbs = QUESTIONS[args.lang]
    conv = assistant.new_conversation()
    for i in range(26):
        script.answer = f"Answer {i}: use pathlib and shutil."
        for _ in assistant.ask(conv.id, template.format(verb=verbs[i % len(verbs)], i=i + 1)):
            pass
        stars = 5 if i % 4 else (1 if i % 8 else 2)  # three in four liked, the rest disliked
        assistant.rate_answer(assistant.messages(conv.id)[-1].id, stars=stars)

    dialog = window.open_settings()
    dialog.resize(1180, 800)
    page = dialog.pages["feedback"]
    tab = page.training
    dialog.show_page("feedback")
    page.show_tab(tab)
    wait_until(lambda: tab.snapshot is not None and not tab.refreshing, 30, "the plan")
    plan = tab.snapshot.plan
    print(f"plan: {plan.examples} examples, {plan.desirable}/{plan.undesirable} liked/disliked, "
          f"{plan.heldout} held out, {plan.steps}+{plan.pref_steps} steps, ready={plan.ready}")
    shot(dialog, "training-1-plan.png")

    def run(after: dict[str, float], step_s: float, pause_at: int | None = None) -> Any:
        os.environ["FAKE_TRAINER_AFTER"] = json.dumps(after)
        os.environ["FAKE_TRAINER_STEP_S"] = str(step_s)
        finished: list[Any] = []
        tab.sig_finished.connect(lambda status: finished.append(status))
        tab.start_training()
        if pause_at is not None:
            wait_until(lambda: tab.status.run.step >= pause_at and tab.chart.point_count() >= pause_at, 60,
                       "the run's middle")
            print("mid-run:", tab.progress_label.text(), f"{tab.chart.point_count()} points")
            shot(dialog, "training-2-running.png")
        wait_until(lambda: bool(finished), 120, "the run's end")
        wait_until(lambda: not tab.refreshing, 30, "the versions")
        return finished[0]

    first = run(RUNS[0], 0.12, pause_at=33)
    print("run 1:", first.state, first.version, "activated" if first.activated else "kept")
    second = run(RUNS[1], 0.01)
    print("run 2:", second.state, second.version, "activated" if second.activated else "kept")
    print("outcome:", tab.outcome.text()[:160], "…")
    tab.scroll.verticalScrollBar().setValue(0)
    shot(dialog, "training-3-done.png")
    tab.scroll.ensureWidgetVisible(tab.settings_group)
    shot(dialog, "training-4-versions.png")
    dialog.reject()

    # Low ratings lately: the trigger's notice over the chat; the adapter in the status bar.
    for i in range(12):
        script.answer = f"Short answer {i}."
        for _ in assistant.ask(conv.id, template.format(verb=verbs[i % len(verbs)], i=100 + i)):
            pass
        assistant.rate_answer(assistant.messages(conv.id)[-1].id, stars=1 if i % 3 else 3)
    assistant.settings.learning.min_new = 10
    checked: list[Any] = []
    window.training_trigger.sig_checked.connect(lambda v: checked.append(v))
    window.start_background_checks()
    wait_until(lambda: bool(checked), 30, "the trigger")
    print("trigger:", checked[0] and checked[0].reasons, "| status bar:", window.model_label.text())
    window.conversations.refresh()
    window.open_conversation(conv.id)
    shot(window, "training-5-notice.png")

    window.close()
    workers.shutdown(10000)
    assistant.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
