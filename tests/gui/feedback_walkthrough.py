"""Rating answers and the quality dashboard, tried in the real window (not a test; run
under Xvfb). Saves screenshots and prints what it checked.

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tests/gui/feedback_walkthrough.py \
        --fake [--lang en|ru] [--out-dir docs]

1. Settings → Feedback and training before anything is rated: the empty state
   (feedback-1-empty.png).
2. A chat: answers rated with thumbs and stars, one question asked by voice
   (feedback-2-chat.png).
3. "Comment…" on a wrong answer: two stars, a comment and a better answer
   (feedback-3-comment.png).
4. A similar question later: the answer's details say which rating it learned from
   (feedback-4-details.png).
5. The dashboard over ten weeks of ratings, before and after an adapter
   (feedback-5-dashboard.png), and in the dark theme (feedback-6-dark.png,
   feedback-7-chat-dark.png).

Russian files end in ``-ru``. ``--fake`` uses the scripted model of the GUI tests and
the fake embedder (similar questions are found at its scale); the history of step 5 is
seeded with the fake model too, its dates and adapter set in the database, so the
charts have weeks to show.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))

TEXTS = {
    "en": {
        "chat": [
            ("How do I read a text file line by line in Python?",
             "Open it in a `with` block and loop over it:\n\n```python\nwith open(\"notes.txt\", encoding=\"utf-8\") "
             "as f:\n    for line in f:\n        print(line.rstrip())\n```", {"thumb": 1, "stars": 5}),
            ("Convert 15 miles to kilometres.", "15 miles is about 24.1 km.", {"thumb": 1}),
        ],
        "spoken": ("What time is it in Tokyo when it is noon in Moscow?", "It is 3 p.m. in Tokyo."),
        "comment": "Wrong: Tokyo is six hours ahead of Moscow.",
        "correction": "When it is noon in Moscow, it is 6 p.m. in Tokyo: Tokyo (UTC+9) is six hours ahead "
                      "of Moscow (UTC+3).",
        "similar": ("What time is it in Tokyo when it is noon in Moscow today?",
                    "It is 6 p.m. in Tokyo: Tokyo is six hours ahead of Moscow."),
        "history": "Question {i} about the project plan?",
    },
    "ru": {
        "chat": [
            ("Как читать файл построчно в Python?",
             "Откройте файл в блоке `with` и переберите его в цикле:\n\n```python\nwith open(\"notes.txt\", "
             "encoding=\"utf-8\") as f:\n    for line in f:\n        print(line.rstrip())\n```", {"thumb": 1, "stars": 5}),
            ("Переведи 15 миль в километры.", "15 миль — это примерно 24,1 км.", {"thumb": 1}),
        ],
        "spoken": ("Сколько времени в Токио, когда в Москве полдень?", "В Токио 15:00."),
        "comment": "Неверно: Токио опережает Москву на шесть часов.",
        "correction": "Когда в Москве полдень, в Токио 18:00: Токио (UTC+9) опережает Москву (UTC+3) на шесть часов.",
        "similar": ("Сколько времени в Токио, когда в Москве сегодня полдень?",
                    "В Токио 18:00: Токио опережает Москву на шесть часов."),
        "history": "Вопрос {i} о плане проекта?",
    },
}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--lang", choices=["en", "ru"], default="en")
    p.add_argument("--fake", action="store_true")
    p.add_argument("--model", default="qwen2.5-coder-1.5b")
    p.add_argument("--out-dir", default=str(ROOT / "docs"))
    args = p.parse_args()
    out = Path(args.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    suffix = "-ru" if args.lang == "ru" else ""
    t = TEXTS[args.lang]

    from walk import offline_app, wait_until

    app, home = offline_app("sova-feedback-")
    from app.core.assistant import Assistant
    from app.core.config import Settings
    from app.ui import i18n, theme, workers
    from app.ui.main_window import MainWindow

    settings = Settings(active_model=args.model, language=args.lang, auto_titles=False)
    script = None
    if args.fake:
        from tests.fakes.embedder import FakeEmbedder
        from tests.fakes.llm import FakeRegistry, Script, script_factory

        settings.active_model = "fake"
        script = Script(delay=0.005)
        embedder = FakeEmbedder()
        assistant = Assistant(settings=settings, llm_factory=script_factory(script),
                              registry=FakeRegistry(Path(home.name)), memory_embedder=lambda: embedder)
        assistant.rated_examples.floor = 0.6  # the fake embedder's scale, not e5's
    else:
        assistant = Assistant(settings=settings)
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

    def ask(question: str, answer: str, spoken: bool = False) -> int:
        if script is not None:
            script.answer = answer
        done: list[Any] = []
        chat.sig_answer_done.connect(lambda *a: done.append(a))
        chat.input.setPlainText(question)
        if spoken:
            chat.input.mark_spoken()  # what the voice button does when it inserts a transcript
        chat.submit()
        wait_until(lambda: bool(done), 600, "the answer")
        return chat.model.rowCount() - 1

    def dashboard() -> Any:
        dialog = window.open_settings()
        dialog.resize(1180, 800)
        tab = dialog.pages["feedback"].quality
        refreshed: list[bool] = []
        tab.sig_refreshed.connect(lambda: refreshed.append(True))
        dialog.show_page("feedback")
        wait_until(lambda: bool(refreshed), 30, "the dashboard")
        return dialog, tab

    # 1. Nothing rated yet.
    dialog, tab = dashboard()
    assert tab.stack.currentWidget() is tab.empty
    shot(dialog, "feedback-1-empty.png")
    dialog.reject()

    # 5 (seeded first, so the chat of step 2 is the newest): ten weeks of history.
    seed_history(assistant, window, ask, t["history"])

    # 2. A chat with rated answers and a spoken question.
    window.new_conversation()
    for question, answer, rating in t["chat"]:
        row = ask(question, answer)
        chat.rater.rate(row, **rating)
    spoken_row = ask(*t["spoken"], spoken=True)
    chat.rater.rate(spoken_row, thumb=-1)
    print("spoken question stored as spoken:", assistant.rating(chat.model.message(spoken_row).id).spoken)
    chat.view.scrollToBottom()
    shot(window, "feedback-2-chat.png")

    # 3. "Comment…" on the wrong answer.
    dialog = chat.rater.open_dialog(spoken_row)
    dialog.stars.set_stars(2)
    dialog.comment.setPlainText(t["comment"])
    dialog.correction.setPlainText(t["correction"])
    shot(dialog, "feedback-3-comment.png")
    dialog.save_button.click()
    stored = assistant.rating(chat.model.message(spoken_row).id)
    print("stored:", stored.stars, stored.thumb, repr(stored.comment), repr(stored.correction[:40]))

    # 4. A similar question: the better answer is the model's example.
    row = ask(*t["similar"])
    chat.rater.rate(row, stars=5)
    example = chat.model.message(row).details.get("rated_example")
    print("rated example used:", example and (example["source"], example["similarity"]))
    chat.show_details(row)
    chat.details_dialog.resize(640, 420)
    shot(chat.details_dialog, "feedback-4-details.png")
    chat.details_dialog.close()
    shot(window, "feedback-2-chat.png")  # again: with the comment and the similar answer

    # 5. The dashboard, light and dark.
    dialog, tab = dashboard()
    s = tab.figures.report.summary
    print(f"dashboard: {s.count} rated, average {s.average:.2f}, satisfied {s.satisfaction:.0%}, "
          f"negative {s.negatives:.0%}, versions {list(tab.figures.report.versions)}")
    shot(dialog, "feedback-5-dashboard.png")
    theme.apply_appearance(app, "dark", 0)
    app.processEvents()
    shot(dialog, "feedback-6-dark.png")
    dialog.reject()
    shot(window, "feedback-7-chat-dark.png")

    window.close()
    workers.shutdown(10000)
    assistant.close()
    return 0


def seed_history(assistant: Any, window: Any, ask: Any, question: str) -> None:
    """Forty rated answers over ten weeks, by two personas; the last three weeks by a
    newer adapter, rated better (dates and adapter set in the database)."""
    rnd = random.Random(7)
    now = time.time()
    rated: list[tuple[int, float, str]] = []
    for i in range(40):
        if i % 20 == 0:
            window.new_conversation()
            window.chat.set_persona("general" if i == 0 else "roaster")
        row = ask(question.format(i=i + 1), f"Answer {i + 1}.")
        mid = window.chat.model.message(row).id
        days_ago = 70 - i * 1.7
        adapter = "lora-2026-w46" if days_ago < 21 else ""
        good = 0.85 if adapter else 0.55
        stars = rnd.choice([4, 5, 5]) if rnd.random() < good else rnd.choice([1, 2, 3])
        fields: dict[str, Any] = {"stars": stars} if i % 4 else {"thumb": 1 if stars >= 4 else -1}
        if i % 9 == 0:
            fields["comment"] = "Too long."
        if i % 13 == 5:
            fields["correction"] = "A shorter answer."
        assistant.rate_answer(mid, **fields)
        rated.append((mid, now - days_ago * 86400, adapter))
    with assistant.store.db.transaction() as conn:
        conn.executemany("UPDATE ratings SET created_at=?, updated_at=?, adapter=? WHERE message_id=?",
                         [(ts, ts, adapter, mid) for mid, ts, adapter in rated])


if __name__ == "__main__":
    raise SystemExit(main())
