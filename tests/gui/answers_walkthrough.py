"""Answer quality tried as a new user would, in the real window (not a test; run under
Xvfb). Russian interface, the default model, the Russian New Maintainers' Guide dropped
in. Saves screenshots to docs/ and prints what it checked.

    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python tests/gui/answers_walkthrough.py [--model ID]

1. «Какой командой собрать пакет Debian из исходников?» answered in Russian, citing the
   guide's page (answers-1-ru-maint-guide.png).
2. The answer's details: the passages the model was given and why
   (answers-2-details.png).
3. A question the guide cannot answer: "not in your documents", naming what the
   documents never mention (answers-3-not-in-documents.png).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))
DOCS = ROOT / "docs"
GUIDE = ROOT / "tests" / ".data" / "docs" / "maint-guide" / "ru" / "maint-guide.ru.pdf"
QUESTION = "Какой командой собрать пакет Debian из исходников?"
UNANSWERABLE = "Как настроить VPN-туннель WireGuard между двумя серверами?"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="qwen2.5-coder-1.5b")
    args = p.parse_args()

    from walk import offline_app, wait_until

    app, home = offline_app("sova-answers-")
    from app.core.assistant import Assistant
    from app.core.config import Settings
    from app.ui import i18n, workers
    from app.ui.main_window import MainWindow

    settings = Settings(active_model=args.model, language="ru", auto_titles=False)
    settings.generation = settings.generation.model_copy(update={"seed": 7})
    assistant = Assistant(settings=settings)
    i18n.install("ru")
    window = MainWindow(assistant)
    window.resize(1280, 860)
    window.show()

    def shot(widget: Any, name: str) -> None:
        app.processEvents()
        widget.grab().save(str(DOCS / name))
        print(f"saved docs/{name}")

    def last_message() -> Any:
        m = window.chat.model
        return m.message(m.rowCount() - 1), m.text(m.rowCount() - 1)

    def ask(text: str) -> tuple[Any, str]:
        done: list[Any] = []
        window.chat.sig_answer_done.connect(lambda *a: done.append(a))
        window.chat.send(text)
        wait_until(lambda: bool(done), 900, "the answer")
        return last_message()

    ready: list[bool] = []
    window.sig_model_ready.connect(lambda *a: ready.append(True))
    window.start_model_load()
    wait_until(lambda: bool(ready), 900, "the model")

    idle: list[bool] = []
    window.documents.sig_idle.connect(lambda: idle.append(True))
    window.documents.add_paths([GUIDE])
    wait_until(lambda: bool(idle) and not assistant.documents.busy, 1800, "indexing the guide")
    print("indexed:", [(r.path.rsplit("/", 1)[-1], str(r.status), r.pages) for r in assistant.documents.files()])

    window.new_conversation()
    window.chat.docs_toggle.setChecked(True)
    t0 = time.monotonic()
    message, text = ask(QUESTION)
    print(f"answer ({time.monotonic() - t0:.0f} s): {text}")
    pages = sorted({c.page for c in message.citations if f"[{c.n}]" in text})
    print("cited pages:", pages, "| all passages:", [(c.n, c.page) for c in message.citations])
    from app.core.language import matches

    ok = matches(text, "ru") and re.search(r"dpkg-buildpackage|debuild", text) is not None and bool(pages)
    print("in Russian, names dpkg-buildpackage/debuild, cites a page:", "yes" if ok else "NO")
    window.chat.view.scrollToBottom()
    shot(window, "answers-1-ru-maint-guide.png")

    window.chat.show_details(window.chat.model.rowCount() - 1)
    dialog = window.chat.details_dialog
    dialog.resize(760, 640)
    wait_until(lambda: dialog.isVisible(), 10, "the details dialog")
    shot(dialog, "answers-2-details.png")
    dialog.close()

    message, text = ask(UNANSWERABLE)
    print("unanswerable:", text)
    window.chat.view.scrollToBottom()
    shot(window, "answers-3-not-in-documents.png")

    window.close()
    workers.shutdown(10000)
    assistant.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
