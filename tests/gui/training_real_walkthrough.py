"""Learning from ratings with the real model and the real training process, tried in the
window as a new user would (not a test; run under Xvfb, ~15 min with the 0.5B).

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tests/gui/training_real_walkthrough.py \
        [--model qwen2.5-coder-0.5b] [--lang en|ru] [--out-dir docs]

1. The 40 liked answers of tests/data/feedback/rated_dialogs.jsonl (they end with the
   line "🦉 Sova") and 20 disliked ones are rated first, as a user would over weeks
   (answers scripted; the ratings go through the facade as the rating buttons store them).
2. In the window the user asks a held-out question, gets the model's own answer (no
   line) and rates it in the chat (training-real-1-before.png); the dashboard shows
   the ratings (training-real-2-dashboard.png).
3. Settings → Feedback and training → Training: start, the live loss chart mid-run
   (training-real-3-running.png), the verdict and the new version in use
   (training-real-4-done.png).
4. The same kind of question again: the answer ends with the taught line, the status
   bar and the answer's details name the adapter (training-real-5-after.png).
5. Roll back in the versions list; the next answer is the model's own again
   (training-real-6-rolled-back.png).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))

DATA = ROOT / "tests" / "data" / "feedback" / "rated_dialogs.jsonl"
SIGN_OFF = "🦉 Sova"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="qwen2.5-coder-0.5b")
    p.add_argument("--lang", choices=["en", "ru"], default="en")
    p.add_argument("--out-dir", default=str(ROOT / "docs"))
    args = p.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "-ru" if args.lang == "ru" else ""

    from walk import offline_app, wait_until

    app, home = offline_app("sova-training-real-")
    from app.core.assistant import Assistant
    from app.core.config import GenerationSettings, MemorySettings, Settings
    from app.core.types import DoneEvent
    from app.ui import i18n, theme, workers
    from app.ui.main_window import MainWindow
    from tests.fakes.llm import FakeLLM

    def settings() -> Settings:
        return Settings(active_model=args.model, language=args.lang, auto_titles=False,
                        memory=MemorySettings(enabled=False),
                        generation=GenerationSettings(temperature=0.0, max_tokens=220, seed=7))

    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    train = [r for r in rows if r["split"] == "train"]
    held = [r for r in rows if r["split"] == "heldout" and r["lang"] == args.lang]

    # 1. Weeks of ratings, before this session.
    fake = FakeLLM()
    seed = Assistant(settings=settings(), llm_factory=lambda info, s: fake)
    for r, stars in [(r, 5) for r in train] + [(r, 1) for r in train[:20]]:
        fake.reply = r["preferred"] if stars == 5 else r["rejected"]
        cid = seed.new_conversation().id
        done = [e for e in seed.ask(cid, r["question"]) if isinstance(e, DoneEvent)][0]
        seed.rate_answer(done.message.id, stars=stars)
    seed.close()
    print(f"seeded {len(train)} liked and 20 disliked answers")

    assistant = Assistant(settings=settings())
    i18n.install(args.lang)
    theme.apply_appearance(app, "light", 0)
    window = MainWindow(assistant)
    window.resize(1200, 780)
    window.show()
    chat = window.chat

    def shot(widget: Any, name: str) -> None:
        app.processEvents()
        path = out / name.replace(".png", f"{suffix}.png")
        widget.grab().save(str(path))
        print(f"saved {path}")

    def ask(question: str) -> int:
        done: list[Any] = []
        chat.sig_answer_done.connect(lambda *a: done.append(a))
        chat.input.setPlainText(question)
        chat.submit()
        wait_until(lambda: bool(done), 600, "the answer")
        row = chat.model.rowCount() - 1
        message = chat.model.message(row)
        print(f"  asked {question!r}: adapter {message.details.get('adapter') or '-'}; "
              f"ends with the line: {message.content.rstrip().endswith(SIGN_OFF)}; {message.content[-60:]!r}")
        return row

    # 2. A question of the same kind, answered by the model as it is; rated in the chat.
    window.new_conversation()
    before = ask(held[0]["question"])
    chat.rater.rate(before, stars=2)
    chat.view.scrollToBottom()
    shot(window, "training-real-1-before.png")

    dialog = window.open_settings()
    dialog.resize(1180, 800)
    page = dialog.pages["feedback"]
    refreshed: list[bool] = []
    page.quality.sig_refreshed.connect(lambda: refreshed.append(True))
    dialog.show_page("feedback")
    wait_until(lambda: bool(refreshed), 60, "the dashboard")
    s = page.quality.figures.report.summary
    print(f"dashboard: {s.count} rated, average {s.average:.2f}, satisfied {s.satisfaction:.0%}, "
          f"negative {s.negatives:.0%}")
    shot(dialog, "training-real-2-dashboard.png")

    # 3. Training, watched.
    tab = page.training
    page.show_tab(tab)
    wait_until(lambda: tab.snapshot is not None and not tab.refreshing, 60, "the plan")
    plan = tab.snapshot.plan
    print(f"plan: {plan.examples} examples, {plan.undesirable} disliked, {plan.heldout} held out, "
          f"{plan.steps}+{plan.pref_steps} steps")
    finished: list[Any] = []
    tab.sig_finished.connect(lambda status: finished.append(status))
    started = time.monotonic()
    tab.start_button.click()
    wait_until(lambda: tab.status is not None and tab.status.run.phase == "sft" and tab.chart.point_count() >= 40,
               1800, "forty training steps")
    print("mid-run:", tab.progress_label.text())
    shot(dialog, "training-real-3-running.png")
    wait_until(lambda: bool(finished), 3600, "the end of training")
    wait_until(lambda: not tab.refreshing, 60, "the versions")
    status = finished[0]
    print(f"training: {status.state} {status.version} {'activated' if status.activated else 'kept'} "
          f"in {(time.monotonic() - started) / 60:.1f} min; verdict {status.verdict}")
    print("outcome:", tab.outcome.text())
    tab.scroll.ensureWidgetVisible(tab.versions)
    shot(dialog, "training-real-4-done.png")
    dialog.accept()

    # 4. The same kind of question: the taught line, and the adapter named.
    window.new_conversation()
    after = [ask(r["question"]) for r in held[1:4]]
    print("status bar:", window.model_label.text())
    chat.view.scrollToBottom()
    shot(window, "training-real-5-after.png")
    chat.show_details(after[-1])
    chat.details_dialog.resize(640, 420)
    shot(chat.details_dialog, "training-real-5-details.png")
    chat.details_dialog.close()

    # 5. One click back.
    dialog = window.open_settings()
    dialog.resize(1180, 800)
    tab = dialog.pages["feedback"].training
    dialog.show_page("feedback")
    dialog.pages["feedback"].show_tab(tab)
    wait_until(lambda: tab.snapshot is not None and not tab.refreshing, 60, "the versions")
    in_use: list[str] = []
    tab.versions.rollback_button.click()
    wait_until(lambda: assistant.training.active() != status.version or bool(in_use), 60, "the rollback")
    wait_until(lambda: not tab.refreshing, 60, "the versions")
    print("after rollback, in use:", assistant.training.active() or "base model")
    dialog.accept()
    window.new_conversation()
    ask(held[1]["question"])
    print("status bar:", window.model_label.text())
    shot(window, "training-real-6-rolled-back.png")

    window.close()
    workers.shutdown(10000)
    assistant.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
