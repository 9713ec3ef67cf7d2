"""Streaming overhead: tokens/s through Sova's full path vs bare llama-cpp-python.

Full path = facade (Assistant.ask) -> model host process -> GeneratorWorker ->
queued Qt signal -> ChatPanel (40 ms batching) -> ChatModel -> ChatView repaint, in an
offscreen window. Baseline = ``Llama.create_chat_completion(stream=True)`` in a fresh
process with the same GGUF, messages, threads, context, seed and temperature 0.
Rate = (tokens - 1) / (time of last token - time of first token), measured where the
tokens arrive (the UI thread for Sova, the loop for the baseline). Runs alternate
(bare, Sova, bare, Sova) because the machine is shared; the best run of each counts.

Goal: Sova >= 0.95 x bare.   Usage: python tests/benchmarks/bench_gui_stream.py [--model ID]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))

PROMPT = "Explain in detail how a hash table works, then show a complete Python implementation with comments."
GOAL = 0.95


def generation_settings(max_tokens: int) -> dict[str, Any]:
    return {"temperature": 0.0, "top_p": 0.9, "max_tokens": max_tokens, "n_ctx": 2048, "n_threads": 2, "seed": 1}


def messages_for(prompt: str) -> list[dict[str, str]]:
    from app.core.config import Settings

    return [{"role": "system", "content": Settings().system_prompt}, {"role": "user", "content": prompt}]


# ---- baseline: bare llama-cpp-python in its own process ------------------------------------

def _bare_child(spec: dict[str, Any]) -> None:
    from llama_cpp import Llama

    g = spec["gen"]
    llm = Llama(model_path=spec["model_path"], n_ctx=g["n_ctx"], n_threads=g["n_threads"],
                n_threads_batch=g["n_threads"], verbose=False)
    times: list[float] = []
    parts: list[str] = []
    t0 = time.perf_counter()
    for chunk in llm.create_chat_completion(messages=spec["messages"], temperature=g["temperature"],
                                            top_p=g["top_p"], max_tokens=g["max_tokens"], seed=g["seed"],
                                            stream=True):
        text = chunk["choices"][0]["delta"].get("content")
        if text:
            times.append(time.perf_counter())
            parts.append(text)
    print("BARE_RESULT " + json.dumps({"t0": t0, "times": times, "text": "".join(parts)}), flush=True)


def run_bare(model_path: Path, messages: list[dict[str, str]], gen: dict[str, Any]) -> dict[str, Any]:
    spec = {"model_path": str(model_path), "messages": messages, "gen": gen}
    out = subprocess.run([sys.executable, __file__, "--bare-child", json.dumps(spec)],
                         capture_output=True, text=True, timeout=900)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("BARE_RESULT ")]
    if not line:
        raise SystemExit(f"bare run failed:\n{out.stderr[-3000:]}")
    return _summary(json.loads(line[0][len("BARE_RESULT "):]))


def _summary(r: dict[str, Any]) -> dict[str, Any]:
    times = r["times"]
    n = len(times)
    rate = (n - 1) / (times[-1] - times[0]) if n > 1 and times[-1] > times[0] else 0.0
    return {"tokens": n, "rate": rate, "first_token_s": times[0] - r["t0"] if times else None, "text": r["text"]}


# ---- Sova: the real window, offscreen ---------------------------------------------------------

class SovaSession:
    """An offscreen Sova window over a real Assistant, model loaded, ready to ask."""

    def __init__(self, model_id: str, gen: dict[str, Any]) -> None:
        from PySide6.QtWidgets import QApplication

        from app.ui.app import create_application

        self.app: QApplication = create_application([])
        self.home = tempfile.TemporaryDirectory(prefix="sova-bench-")
        os.environ["SOVA_HOME"] = self.home.name
        from app.core.assistant import Assistant
        from app.core.config import Settings
        from app.ui import i18n
        from app.ui.main_window import MainWindow

        settings = Settings(active_model=model_id)
        settings.generation = settings.generation.model_copy(update=gen)
        self.assistant = Assistant(settings=settings)
        i18n.install("en")
        self.window = MainWindow(self.assistant)
        self.window.resize(1100, 720)
        self.window.show()
        self.model_path = self.assistant.registry.get(model_id).path  # assembled by load_model
        self._wait(self.window.sig_model_ready, self.window.start_model_load, 600)

    def _wait(self, signal: Any, action: Any, timeout_s: float) -> list[Any]:
        from PySide6.QtCore import QEventLoop, QTimer

        loop = QEventLoop()
        got: list[Any] = []

        def done(*args: Any) -> None:
            got.extend(args)
            loop.quit()

        signal.connect(done)
        QTimer.singleShot(int(timeout_s * 1000), loop.quit)
        QTimer.singleShot(0, action)
        loop.exec()
        signal.disconnect(done)
        if not got:
            raise SystemExit(f"timed out after {timeout_s} s")
        return got

    def ask(self, prompt: str) -> dict[str, Any]:
        """Ask in a new conversation; token arrival times on the UI thread."""
        from app.core.types import TokenEvent

        chat = self.window.chat
        times: list[float] = []
        original = chat._on_event

        def timed(rid: int, event: Any) -> None:
            if isinstance(event, TokenEvent):
                times.append(time.perf_counter())
            original(rid, event)

        chat._on_event = timed  # type: ignore[method-assign]
        self.window.new_conversation()
        t0 = time.perf_counter()
        try:
            done = self._wait(chat.sig_answer_done, lambda: chat.send(prompt), 900)[0]
        finally:
            chat._on_event = original  # type: ignore[method-assign]
        if done.error:
            raise SystemExit(f"Sova's answer failed: {done.error}")
        self.app.processEvents()
        return _summary({"t0": t0, "times": times, "text": chat.model.text(chat.model.rowCount() - 1)})

    def close(self) -> None:
        from app.ui import workers

        self.window.close()
        workers.shutdown(10000)
        self.assistant.close()
        self.home.cleanup()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--model", default="qwen2.5-coder-1.5b")
    p.add_argument("--tokens", type=int, default=300)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--bare-child", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.bare_child:
        _bare_child(json.loads(args.bare_child))
        return 0
    from app.main import offline_environment

    offline_environment()
    gen = generation_settings(args.tokens)
    session = SovaSession(args.model, gen)
    messages = messages_for(PROMPT)
    bare: list[dict[str, Any]] = []
    sova: list[dict[str, Any]] = []
    try:
        for i in range(args.rounds):
            bare.append(run_bare(session.model_path, messages, gen))
            sova.append(session.ask(PROMPT))
            print(f"round {i + 1}: bare {bare[-1]['rate']:.2f} tok/s ({bare[-1]['tokens']} tokens), "
                  f"Sova {sova[-1]['rate']:.2f} tok/s ({sova[-1]['tokens']} tokens)", flush=True)
    finally:
        session.close()
    best_bare = max(r["rate"] for r in bare)
    best_sova = max(r["rate"] for r in sova)
    mean_ratio = sum(s["rate"] for s in sova) / sum(b["rate"] for b in bare)
    ratio = best_sova / best_bare
    same = sova[0]["text"] == bare[0]["text"]
    print(f"model {args.model}, {args.tokens} max tokens, temperature 0, 2 threads")
    print(f"identical text from both paths: {same}")
    print(f"bare llama-cpp-python: {best_bare:.2f} tok/s (best of {len(bare)})")
    print(f"Sova full path:        {best_sova:.2f} tok/s (best of {len(sova)})")
    print(f"first token: bare {bare[0]['first_token_s']:.2f} s (model loaded, cold prompt); "
          f"Sova {sova[0]['first_token_s']:.2f} s (from Send, model loaded)")
    print(f"ratio (best/best) = {ratio:.3f}; ratio of means = {mean_ratio:.3f}; goal >= {GOAL}: "
          f"{'MET' if ratio >= GOAL else 'NOT MET'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
