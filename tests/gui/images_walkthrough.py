"""Pictures tried as a new user would, in the real window (not a test; run under Xvfb).
Russian interface, the default model. Saves screenshots to docs/ and prints what it checked.

    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python tests/gui/images_walkthrough.py [--model ID]

1. A screenshot of a Russian error dialog (drawn with a real font) is pasted with Ctrl+V
   and asked about: «Что написано на этом скриншоте?» (images-1-pasted.png, then the
   answer, images-2-screenshot-answer.png, and its details, images-3-details.png).
2. A photo of a cat (scikit-image's Chelsea) is dropped on the window and asked about:
   «Что на этой картинке?» (images-4-cat.png).
3. The screenshot is added to the documents from the picture viewer and found by its
   text in a new conversation that answers from documents (images-5-document.png).
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
CAT = ROOT / "tests" / ".data" / "images" / "photos" / "chelsea.png"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--model", default="qwen2.5-coder-1.5b")
    args = p.parse_args()

    from walk import offline_app, wait_until

    from tests.pictures import error_dialog

    app, home = offline_app("sova-images-")
    from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
    from PySide6.QtWidgets import QDialog

    from app.core.assistant import Assistant
    from app.core.config import Settings
    from app.ui import i18n, workers
    from app.ui.main_window import MainWindow

    settings = Settings(active_model=args.model, language="ru", auto_titles=False)
    settings.generation = settings.generation.model_copy(update={"seed": 7, "temperature": 0.0})
    assistant = Assistant(settings=settings)
    i18n.install("ru")
    window = MainWindow(assistant)
    window.resize(1280, 860)
    window.show()

    def shot(widget: Any, name: str) -> None:
        app.processEvents()
        widget.grab().save(str(DOCS / name))
        print(f"saved docs/{name}")

    def ask(text: str) -> tuple[Any, str]:
        done: list[Any] = []
        window.chat.sig_answer_done.connect(lambda *a: done.append(a))
        window.chat.input.setPlainText(text)
        window.chat.submit()
        wait_until(lambda: bool(done), 900, "the answer")
        m = window.chat.model
        return m.message(m.rowCount() - 1), m.text(m.rowCount() - 1)

    ready: list[bool] = []
    window.sig_model_ready.connect(lambda *a: ready.append(True))
    window.start_model_load()
    wait_until(lambda: bool(ready), 900, "the model")
    ok = True

    # 1. Paste a screenshot.
    screen = error_dialog(Path(home.name) / "ошибка.png")
    QGuiApplication.clipboard().setImage(QImage(str(screen)))
    window.chat.input.setFocus()
    window.chat.input.paste()
    strip = window.chat.attachments
    wait_until(lambda: len(strip.paths()) == 1 and not strip.busy, 30, "the pasted picture")
    window.chat.input.setPlainText("Что написано на этом скриншоте и сколько места нужно?")
    shot(window, "images-1-pasted.png")
    message, text = ask("Что написано на этом скриншоте и сколько места нужно?")
    print("screenshot answer:", text)
    good = ("2,4" in text or "2.4" in text) and "мест" in text.lower()
    print("names the 2.4 GB and the disk space:", "yes" if good else "NO")
    ok &= good
    window.chat.view.scrollToBottom()
    wait_until(lambda: window.chat.view.link_position(window.chat.model.rowCount() - 2, "sova:picture:0") is not None,
               20, "the thumbnail")
    shot(window, "images-2-screenshot-answer.png")
    window.chat.show_details(window.chat.model.rowCount() - 1)
    dialog = window.chat.details_dialog
    dialog.resize(760, 600)
    wait_until(lambda: dialog.isVisible(), 10, "the details dialog")
    shot(dialog, "images-3-details.png")
    dialog.close()

    # 2. Drop a photo of a cat.
    window.new_conversation()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(CAT))])
    window.event(QDragEnterEvent(QPoint(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                 Qt.KeyboardModifier.NoModifier))
    window.event(QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                            Qt.KeyboardModifier.NoModifier))
    wait_until(lambda: len(strip.paths()) == 1 and not strip.busy, 30, "the dropped photo")
    message, text = ask("Что на этой картинке?")
    print("cat answer:", text)
    good = any(w in text.lower() for w in ("кот", "кош"))
    print("names a cat:", "yes" if good else "NO")
    ok &= good
    window.chat.view.scrollToBottom()
    shot(window, "images-4-cat.png")

    # 3. Add the screenshot to the documents from the viewer; find it by its text.
    cid = [c.id for c in assistant.conversations() if c.title and "скриншоте" in c.title]
    records = [m for m in assistant.messages(cid[0]) if m.details.get("images")][0].details["images"] if cid else []
    idle: list[bool] = []
    window.documents.sig_idle.connect(lambda: idle.append(True))
    if records:
        from app.ui.pictures import PictureViewer

        viewer = PictureViewer(assistant.image_file(records[0]), records[0]["name"], window.chat)
        viewer.sig_add_document.connect(window.chat.sig_add_document)
        viewer.show()
        wait_until(lambda: viewer.label.pixmap() is not None and not viewer.label.pixmap().isNull(), 20, "the picture")
        shot(viewer, "images-5-viewer.png")
        viewer.add_button.click()
    wait_until(lambda: bool(idle) and not assistant.documents.busy, 600, "indexing the picture")
    print("indexed:", [(r.path.rsplit("/", 1)[-1], str(r.status)) for r in assistant.documents.files()])
    window.new_conversation()
    window.chat.docs_toggle.setChecked(True)
    message, text = ask("Сколько места требуется для установки?")
    print("documents answer:", text, [c.path.rsplit("/", 1)[-1] for c in message.citations])
    good = any(c.path.endswith(".png") for c in message.citations)
    print("cites the picture:", "yes" if good else "NO")
    ok &= good
    window.chat.view.scrollToBottom()
    shot(window, "images-6-document-answer.png")

    for d in window.findChildren(QDialog):
        d.close()
    window.close()
    workers.shutdown(10000)
    assistant.close()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
