"""Screenshots of the real window for the README (not a test; run under Xvfb).

    xvfb-run -a -s "-screen 0 1280x800x24" .venv/bin/python tests/gui/make_screenshots.py \
        [--fake] [--lang en|ru] [--out docs/screenshot.png] [--model qwen2.5-coder-1.5b]

Opens Sova in a fresh SOVA_HOME with a few earlier chats, asks one question, waits for
the streamed answer and saves the window. ``--fake`` uses the scripted model from the
GUI tests instead of the bundled one (for quick layout checks); ``--mid`` grabs while
the answer is still streaming.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))

QUESTIONS = {
    "en": "How do I read a text file line by line in Python? Show a short example.",
    "ru": "Как прочитать текстовый файл построчно в Python? Покажи короткий пример.",
}
EARLIER = {
    "en": ["Plan for the weekend trip", "What is a B-tree?", "Summarise the meeting notes"],
    "ru": ["План поездки на выходные", "Что такое B-дерево?", "Кратко о заметках со встречи"],
}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--lang", choices=["en", "ru"], default="en")
    p.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    p.add_argument("--model", default="qwen2.5-coder-1.5b")
    p.add_argument("--fake", action="store_true")
    p.add_argument("--mid", action="store_true", help="grab while the answer streams")
    args = p.parse_args()

    from app.main import offline_environment

    offline_environment()
    home = tempfile.TemporaryDirectory(prefix="sova-shot-")
    os.environ["SOVA_HOME"] = home.name
    from PySide6.QtCore import QEventLoop, QTimer

    from app.ui.app import create_application

    app = create_application([])
    from app.core.assistant import Assistant
    from app.core.config import Settings
    from app.core.types import Message, Role
    from app.ui import i18n
    from app.ui.main_window import MainWindow

    settings = Settings(active_model=args.model, language=args.lang)
    settings.generation = settings.generation.model_copy(update={"temperature": 0.2, "seed": 7, "max_tokens": 400})
    if args.fake:
        from tests.fakes.llm import FakeRegistry, Script, script_factory

        settings.active_model = "fake"
        script = Script(answer=_fake_answer(args.lang), delay=0.02)
        assistant = Assistant(settings=settings, llm_factory=script_factory(script),
                              registry=FakeRegistry(Path(home.name)))
    else:
        assistant = Assistant(settings=settings)
    for title in EARLIER[args.lang]:
        conv = assistant.new_conversation(title)
        assistant.store.add_message(conv.id, Message(Role.USER, title))
    i18n.install(args.lang)
    window = MainWindow(assistant)
    window.resize(1200, 760)
    window.show()

    def wait(signal: object, timeout_s: float) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)  # type: ignore[attr-defined]
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        loop.exec()

    window.chat.voice  # placed as run_gui does after the first paint
    QTimer.singleShot(0, window.start_model_load)
    wait(window.sig_model_ready, 600)
    window.new_conversation()
    window.chat.send(QUESTIONS[args.lang])
    if args.mid:
        loop = QEventLoop()
        timer = QTimer()
        timer.timeout.connect(lambda: loop.quit() if len(window.chat.model.text(1)) > 260 else None)
        timer.start(50)
        loop.exec()
    else:
        wait(window.chat.sig_answer_done, 900)
    app.processEvents()
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(out))
    print(f"saved {out}: {window.chat.model.text(1)[:200]!r}")
    window.close()
    from app.ui import workers

    workers.shutdown(10000)
    assistant.close()
    return 0


def _fake_answer(lang: str) -> str:
    if lang == "ru":
        return ("Откройте файл в блоке `with` и переберите его в цикле `for`:\n\n"
                "```python\nwith open(\"notes.txt\", encoding=\"utf-8\") as f:\n    for line in f:\n"
                "        print(line.rstrip())\n```\n\n- файл закроется сам;\n- строки читаются по одной.")
    return ("Open the file in a `with` block and loop over it:\n\n"
            "```python\nwith open(\"notes.txt\", encoding=\"utf-8\") as f:\n    for line in f:\n"
            "        print(line.rstrip())\n```\n\n- the file is closed for you;\n- lines are read one at a time.")


if __name__ == "__main__":
    sys.exit(main())
