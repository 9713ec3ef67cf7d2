"""Startup: time from process start to Sova's window on screen, vs a bare Qt window.

Each run is a fresh process (``python -m app`` offscreen, with a user profile holding
40 conversations) that prints when the main window first paints; the parent measures
wall-clock time from spawning it to reading that line, so interpreter start and imports
count. Baseline, in the same run: a bare QApplication + QMainWindow shown the same way.
The model loads only after the window is visible, in the background.

Goal: Sova's window visible <= 2 s after launch.   Usage: python tests/benchmarks/bench_startup.py
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
GOAL_S = 2.0

BARE = r"""
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
class Probe(QObject):
    done = False
    def eventFilter(self, obj, ev):
        if not self.done and ev.type() == QEvent.Type.Paint:
            self.done = True
            print("SOVA_WINDOW_SHOWN", flush=True)
            QTimer.singleShot(0, QApplication.quit)
        return False
app = QApplication(sys.argv)
w = QMainWindow()
w.resize(1100, 720)
probe = Probe()
w.installEventFilter(probe)
w.show()
app.exec()
"""


def _populate(home: Path) -> None:
    """A lived-in profile: 40 conversations of 12 messages (with code)."""
    os.environ["SOVA_HOME"] = str(home)
    from app.core.store import Store
    from app.core.config import user_paths
    from app.core.types import Message, Role

    store = Store(user_paths().ensure().database)
    for i in range(40):
        conv = store.create_conversation(f"Conversation {i}")
        for j in range(6):
            store.add_message(conv.id, Message(Role.USER, f"Question {j} about topic {i}?"))
            store.add_message(conv.id, Message(
                Role.ASSISTANT, f"Answer {j}:\n\n- point one\n- point two\n\n```python\nprint({i} + {j})\n```\n"))
    store.close()


def _time_launch(cmd: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    shown = None
    for line in proc.stdout:
        if line.startswith("SOVA_WINDOW_SHOWN"):
            shown = time.perf_counter() - t0
            break
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
    if shown is None:
        raise SystemExit(f"{cmd} never showed its window (exit {proc.returncode})")
    return shown


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=5)
    args = p.parse_args()
    with tempfile.TemporaryDirectory(prefix="sova-startup-") as tmp:
        home = Path(tmp)
        _populate(home)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", SOVA_HOME=str(home),
                   SOVA_REPORT_SHOWN="1", SOVA_QUIT_WHEN_SHOWN="1")
        sova_cmd = [sys.executable, "-m", "app"]
        bare_cmd = [sys.executable, "-c", BARE]
        _time_launch(bare_cmd, env)  # warm the file cache for both
        _time_launch(sova_cmd, env)
        bare: list[float] = []
        sova: list[float] = []
        for _ in range(args.runs):  # interleaved: load on the shared machine hits both alike
            bare.append(_time_launch(bare_cmd, env))
            sova.append(_time_launch(sova_cmd, env))
    b, s = statistics.median(bare), statistics.median(sova)
    print(f"bare QApplication+QMainWindow: median {b:.3f} s  (runs: {', '.join(f'{x:.2f}' for x in bare)})")
    print(f"Sova main window:              median {s:.3f} s  (runs: {', '.join(f'{x:.2f}' for x in sova)})")
    print(f"ratio Sova/bare = {s / b:.2f}; Sova window visible after {s:.2f} s (worst {max(sova):.2f} s); "
          f"goal <= {GOAL_S:.1f} s: {'MET' if max(sova) <= GOAL_S else 'MET (median)' if s <= GOAL_S else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
