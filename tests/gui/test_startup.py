"""The window opens without the heavy libraries; resources resolve from source and frozen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app import resources

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("llama_cpp", "torch", "chromadb", "sentence_transformers", "faster_whisper", "ctranslate2")

PROBE = """
import sys
from PySide6.QtCore import QTimer
from app.ui.app import create_application
app = create_application([])
from app.core.assistant import Assistant
from app.ui.main_window import MainWindow
w = MainWindow(Assistant())
w.show()
QTimer.singleShot(200, app.quit)
app.exec()
heavy = sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r})
print("HEAVY", heavy)
"""


def test_window_opens_without_heavy_imports(sova_home: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SOVA_HOME=str(sova_home))
    out = subprocess.run([sys.executable, "-c", PROBE.format(heavy=set(HEAVY))], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("HEAVY")][0]
    assert line == "HEAVY []", line


def test_resources_resolve_from_source_and_frozen(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert resources.resource_path("translations", "sova_ru.qm") == ROOT / "resources" / "translations" / "sova_ru.qm"
    assert resources.resource_path("icons", "sova.svg").exists()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resource_path("styles", "sova.qss") == tmp_path / "resources" / "styles" / "sova.qss"
