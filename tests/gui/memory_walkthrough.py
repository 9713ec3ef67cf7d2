"""Personas and memory tried as a new user would, in the real window (not a test; run
under Xvfb). Russian interface, the default model. Saves screenshots to docs/ and
prints what it checked.

    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python tests/gui/memory_walkthrough.py [--model ID]

1. Settings → Personas: a new persona «Наставник» is created (memory-1-persona.png).
2. A chat with it: «Меня зовут Андрей, я юрист из Казани…»; the background extraction
   stores facts (memory-2-chat.png; if it missed the profession, «Запомни, что я
   работаю юристом» stores it), which appear on Settings → Memory with the message
   they came from (memory-3-memory-page.png).
3. A new chat: «Кто я по профессии?» is answered from memory; the answer's details say
   which fact was used (memory-4-recalled.png, memory-5-details.png).
4. A correction: «Поправка: я уже не юрист, теперь я нотариус.» supersedes the old fact,
   which stays in its history (memory-6-corrected.png).
5. The fact is deleted on the Memory page, and the next answer no longer knows it.
6. Appearance → dark theme (memory-7-dark.png).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))
DOCS = ROOT / "docs"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="qwen2.5-coder-1.5b")
    args = p.parse_args()

    from walk import offline_app, wait_until

    app, home = offline_app("sova-memory-")
    from app.core.assistant import Assistant
    from app.core.config import Settings
    from app.ui import i18n
    from app.ui.main_window import MainWindow

    settings = Settings(active_model=args.model, language="ru", auto_titles=False)
    settings.generation = settings.generation.model_copy(update={"seed": 7})
    assistant = Assistant(settings=settings)
    i18n.install("ru")
    window = MainWindow(assistant)
    window.resize(1280, 860)
    window.show()

    def shot(widget: Any, name: str) -> None:
        app.processEvents()  # lay out and paint what changed before the grab
        widget.grab().save(str(DOCS / name))
        print(f"saved docs/{name}")

    def ask(text: str) -> tuple[Any, str]:
        done: list[Any] = []
        window.chat.sig_answer_done.connect(lambda *a: done.append(a))
        window.chat.send(text)
        wait_until(lambda: bool(done), 900, "the answer")
        m = window.chat.model
        return m.message(m.rowCount() - 1), m.text(m.rowCount() - 1)

    def memory_idle() -> None:
        wait_until(lambda: assistant.jobs.wait_idle(timeout=0.05), 900, "the memory job")

    ready: list[bool] = []
    window.sig_model_ready.connect(lambda *a: ready.append(True))
    window.start_model_load()
    wait_until(lambda: bool(ready), 900, "the model")

    # 1. A new persona.
    dialog = window.open_settings("personas")
    page = dialog.pages["personas"]
    page.new_persona()
    page.name.setText("Наставник")
    page.icon.setText("🧭")
    page.prompt.setPlainText("Ты — терпеливый наставник. Объясняй просто и по шагам.")
    page.spice.setValue(2)
    assert page.save(), page.status.text()
    shot(dialog, "memory-1-persona.png")
    mentor = next(p for p in assistant.personas() if p.name == "Наставник")
    dialog.accept()
    print("persona:", mentor.id, mentor.spice, mentor.memory)

    # 2. A chat with it; the background job extracts facts.
    window.new_conversation()
    window.chat.set_persona(mentor.id)
    msg, text = ask("Меня зовут Андрей, я юрист из Казани. Как лучше подготовиться к первой встрече с клиентом?")
    print("answer 1 by", msg.persona, ":", text[:160].replace("\n", " "))
    memory_idle()
    facts = assistant.facts()
    print("facts noticed in the chat:", [(f.text, f.topic, f.origin, f.message_id) for f in facts])
    if not any("юрист" in f.text.lower() for f in facts):
        # The model noticed the other facts of the message; say it explicitly, as a user would.
        msg, text = ask("Запомни, что я работаю юристом")
        print("explicit:", text)
        facts = assistant.facts()
    assert any("юрист" in f.text.lower() for f in facts), facts
    shot(window, "memory-2-chat.png")
    dialog = window.open_settings("memory")
    mpage = dialog.pages["memory"]
    lawyer = next(f for f in facts if "юрист" in f.text.lower())
    mpage.select_fact(lawyer.id)
    shot(dialog, "memory-3-memory-page.png")
    dialog.accept()

    # 3. A new chat answered from memory.
    window.new_conversation()
    msg, text = ask("Кто я по профессии?")
    print("answer 2:", text.replace("\n", " "), "| used memory:", msg.details.get("memory"))
    assert "юрист" in text.lower(), text
    shot(window, "memory-4-recalled.png")
    window.chat.show_details(window.chat.model.rowCount() - 1)
    shot(window.chat.details_dialog, "memory-5-details.png")
    window.chat.details_dialog.close()

    # 4. A correction supersedes the fact; the old text stays in its history.
    msg, text = ask("Поправка: я уже не юрист, теперь я работаю нотариусом.")
    memory_idle()
    facts = assistant.facts()
    print("after the correction:", [(f.text, [h.text for h in (assistant.fact(f.id) or f).history]) for f in facts])
    job = next((f for f in facts if "нотариус" in f.text.lower()), None)
    if job is None:
        print("the correction was not stored; correcting it on the Memory page instead")
        job = assistant.edit_fact(next(f for f in facts if "юрист" in f.text.lower()).id, "Я работаю нотариусом")
    dialog = window.open_settings("memory")
    mpage = dialog.pages["memory"]
    mpage.select_fact(job.id)
    shot(dialog, "memory-6-corrected.png")

    # 5. Delete it on the Memory page; a new chat no longer knows it.
    mpage.delete()
    dialog.accept()
    window.new_conversation()
    msg, text = ask("Кто я по профессии?")
    print("after deleting:", text.replace("\n", " "), "| used memory:", msg.details.get("memory"))
    assert "нотариус" not in text.lower(), text

    # 6. The dark theme.
    dialog = window.open_settings("appearance")
    apage = dialog.pages["appearance"]
    apage.theme.setCurrentIndex(apage.theme.findData("dark"))
    dialog.accept()
    convs = assistant.conversations()
    window.open_conversation(convs[-1].id)
    shot(window, "memory-7-dark.png")
    print("theme:", assistant.settings.appearance.theme)
    window.close()
    assistant.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
