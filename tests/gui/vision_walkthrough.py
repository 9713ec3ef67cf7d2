"""Adding a vision model as a new user would, in Russian (not a test; run under Xvfb).
Saves docs/images-7-vision-refused.png and docs/images-8-vision-added.png.

    xvfb-run -a -s "-screen 0 1280x900x24" .venv/bin/python tests/gui/vision_walkthrough.py

No vision model ships in a package these machines can install, so the pair is the
bundled 0.5B GGUF with projector headers written by gguf's own writer: first one made
for a 1536-wide model (refused, naming the file and both sizes), then one that fits
(listed as seeing pictures).
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "gui"))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))
DOCS = ROOT / "docs"


def main() -> int:
    from walk import offline_app, wait_until

    app, home = offline_app("sova-vision-")
    from app.core.assistant import Assistant
    from app.core.config import Settings
    from app.ui import i18n, workers
    from app.ui.main_window import MainWindow
    from tests.unit.images.test_vision import real_model, write_mmproj

    assistant = Assistant(settings=Settings(language="ru", auto_titles=False))
    i18n.install("ru")
    window = MainWindow(assistant)
    window.resize(1180, 800)
    window.show()
    dialog = window.open_settings()
    dialog.show_page("models")
    dialog.resize(900, 620)
    files = Path(tempfile.mkdtemp(prefix="sova-mmproj-"))
    model = real_model("qwen2.5-coder-0.5b")
    dialog.choose_gguf = lambda: str(model)
    dialog.choose_mmproj = lambda m: str(write_mmproj(files / "mmproj-qwen2.5-1.5b.gguf", 1536))
    dialog.add_vision_button.click()
    wait_until(lambda: "mmproj-qwen2.5-1.5b.gguf" in dialog.model_status.text(), 30, "the refusal")
    refused = dialog.model_status.text()
    print("refused:", refused)
    app.processEvents()
    dialog.grab().save(str(DOCS / "images-7-vision-refused.png"))
    dialog.choose_mmproj = lambda m: str(write_mmproj(files / "mmproj-qwen2.5-0.5b.gguf", 896))
    dialog.add_vision_button.click()
    wait_until(lambda: dialog.model_list.count() == 3, 30, "the pair listed")
    dialog.model_list.setCurrentRow(2)
    print("listed:", dialog.model_list.item(2).text())
    app.processEvents()
    dialog.grab().save(str(DOCS / "images-8-vision-added.png"))
    ok = "видит изображения" in dialog.model_list.item(2).text() and "1536" in refused
    dialog.close()
    window.close()
    workers.shutdown(5000)
    assistant.close()
    home.cleanup()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
