"""The service core tried as a new user would, in the real window (not a test; run
under Xvfb). Saves screenshots to docs/ and prints what it checked.

    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python tests/gui/service_walkthrough.py \
        [--model qwen2.5-coder-1.5b] [--lang en|ru] [--skip-remote]

1. Ask a question; the model then titles the conversation in the background. Ask a second
   question at once: the background title gives way and runs again afterwards
   (service-1-question-during-background.png, the Diagnostics dock open).
2. Kill the model host with SIGKILL while an answer streams: the banner says the model
   restarts, the partial answer stays; then it runs again and the next question works
   (service-2-restarting.png, service-3-recovered.png).
3. The Diagnostics dock after all that (service-4-diagnostics.png).
4. Start `python -m llama_cpp.server` with the bundled 0.5B model on loopback, choose it in
   Settings → Models (service-5-remote-settings.png) and chat through it
   (service-6-remote-answer.png).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))
DOCS = ROOT / "docs"

QUESTIONS = {
    "en": ["What is a hash table? Answer in three sentences.",
           "And how is it different from a binary search tree?",
           "Write a numbered list of 30 programming languages, one per line, with one sentence each.",
           "What is the capital of France? Answer in one sentence."],
    "ru": ["Что такое хеш-таблица? Ответь тремя предложениями.",
           "А чем она отличается от двоичного дерева поиска?",
           "Напиши нумерованный список из 30 языков программирования, по одному в строке, с одним предложением о каждом.",
           "Какая столица Франции? Ответь одним предложением."],
}


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="qwen2.5-coder-1.5b")
    p.add_argument("--lang", choices=["en", "ru"], default="en")
    p.add_argument("--skip-remote", action="store_true")
    p.add_argument("--only-remote", action="store_true")
    args = p.parse_args()

    from walk import offline_app, wait_until

    app, home = offline_app("sova-walk-")
    from PySide6.QtCore import QEventLoop, QTimer

    from app.core.assistant import Assistant
    from app.core.config import Settings
    from app.ui import i18n, workers
    from app.ui.main_window import MainWindow

    settings = Settings(active_model=args.model, language=args.lang, auto_titles=True)
    settings.generation = settings.generation.model_copy(update={"temperature": 0.2, "seed": 7, "max_tokens": 400})
    assistant = Assistant(settings=settings)
    i18n.install(args.lang)
    window = MainWindow(assistant)
    window.resize(1280, 860)
    window.show()
    q = QUESTIONS[args.lang]


    def wait_signal(sig: Any, timeout_s: float, action: Callable[[], None] | None = None) -> list[Any]:
        got: list[Any] = []
        loop = QEventLoop()

        def done(*a: Any) -> None:
            got.extend(a)
            loop.quit()

        sig.connect(done)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        if action is not None:
            QTimer.singleShot(0, action)
        loop.exec()
        sig.disconnect(done)
        if not got:
            raise SystemExit(f"timed out after {timeout_s} s")
        return got

    def shot(name: str) -> None:
        app.processEvents()
        window.grab().save(str(DOCS / name))
        print(f"saved docs/{name}")

    def last_text() -> str:
        m = window.chat.model
        return m.text(m.rowCount() - 1)

    window.chat.voice
    wait_signal(window.sig_model_ready, 900, window.start_model_load)
    if not args.only_remote:
        local_walkthrough(args, app, window, assistant, q, wait_until, wait_signal, shot, last_text)
    if not args.skip_remote:
        remote_walkthrough(app, window, assistant, q, home, wait_until, wait_signal, shot, last_text)
    window.close()
    workers.shutdown(10000)
    assistant.close()
    return 0


def local_walkthrough(args: Any, app: Any, window: Any, assistant: Any, q: list[str], wait_until: Any,
                      wait_signal: Any, shot: Any, last_text: Any) -> None:
    window.show_diagnostics(True)

    # 1. A question while background work (the conversation's title) runs.
    window.new_conversation()
    wait_signal(window.chat.sig_answer_done, 900, lambda: window.chat.send(q[0]))
    print("answer 1:", last_text()[:120].replace("\n", " "))
    title_jobs = lambda: [j for j in assistant.jobs.jobs() if j.kind == "title"]  # noqa: E731
    wait_until(lambda: assistant.model.turnstile.busy or not title_jobs(), 30, "the title job to start")
    window.chat.send(q[1])
    wait_until(lambda: len(last_text()) > 120, 300, "the second answer to stream")
    shot("service-1-question-during-background.png")
    wait_signal(window.chat.sig_answer_done, 900)
    wait_until(lambda: not title_jobs(), 300, "the title job to finish")
    outcomes = [(r.priority, r.outcome) for r in assistant.metrics.requests()]
    print("requests so far:", outcomes)
    print("conversation title:", assistant.conversations()[0].title)

    # 2. The model host is killed mid-answer and comes back.
    window.new_conversation()
    window.chat.send(q[2])
    wait_until(lambda: len(last_text()) > 150, 300, "the long answer to stream")
    pid = assistant.llm.host_pid  # type: ignore[union-attr]
    os.kill(pid, signal.SIGKILL)
    wait_until(lambda: window.chat.banner.isVisible() and assistant.model_state.phase.value == "restarting", 30,
               "the restart banner")
    partial = last_text()
    shot("service-2-restarting.png")
    wait_until(lambda: assistant.model_state.phase.value == "ready", 300, "the model to run again")
    wait_until(lambda: not window.chat.busy, 60, "the interrupted answer to settle")
    print(f"killed host {pid}; partial answer kept ({len(partial)} chars); new host {assistant.llm.host_pid}")
    wait_signal(window.chat.sig_answer_done, 900, lambda: window.chat.send(q[3]))
    print("answer after restart:", last_text()[:120].replace("\n", " "))
    shot("service-3-recovered.png")

    # 3. Diagnostics.
    dock = window.diagnostics_dock
    assert dock is not None
    window.resizeDocks([dock], [420], __import__("PySide6.QtCore", fromlist=["Qt"]).Qt.Orientation.Vertical)
    page = dock.widget()
    samples = len(assistant.metrics.samples())
    wait_until(lambda: len(assistant.metrics.samples()) > samples + 1 and page.memory_chart.point_count() > 0, 30,
               "fresh process samples on the charts")
    shot("service-4-diagnostics.png")
    print("health:", [(h.part, h.state.value, h.code) for h in assistant.health()])


def remote_walkthrough(app: Any, window: Any, assistant: Any, q: list[str], home: Any, wait_until: Any,
                       wait_signal: Any, shot: Any, last_text: Any) -> None:
    # 4. A local llama_cpp.server as the backend, chosen in Settings.
    if True:
        from tests.integration.llama_server import LlamaServer

        small = assistant.registry.ensure("qwen2.5-coder-0.5b").path
        server = LlamaServer(small, Path(home.name) / "server.log").start()
        try:
            window.show_diagnostics(False)
            dialog: Any = window.open_settings()
            dialog.show_page("models")
            dialog.backend_combo.setCurrentIndex(dialog.backend_combo.findData("remote"))
            dialog.remote_url.setText(server.base_url)
            dialog.check_remote()
            wait_until(lambda: dialog._check_worker is None, 60, "the server check")
            app.processEvents()
            dialog.grab().save(str(DOCS / "service-5-remote-settings.png"))
            print("saved docs/service-5-remote-settings.png:", dialog.remote_status.text())
            wait_signal(window.sig_model_ready, 120, dialog.accept)
            window.new_conversation()
            wait_signal(window.chat.sig_answer_done, 600, lambda: window.chat.send(q[3]))
            print("answer through the server:", last_text()[:120].replace("\n", " "),
                  "| model label:", window.model_label.text())
            shot("service-6-remote-answer.png")
        finally:
            server.kill()


if __name__ == "__main__":
    sys.exit(main())
