"""Headless commands over the same facade the window uses."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TextIO

from app.core.assistant import Assistant
from app.core.types import CancelToken, DoneEvent, SovaError, StatusEvent, TokenEvent

SELFTEST_PROMPT = "What is the capital of France? Answer with one word."


class ProgressBar:
    """A one-line progress bar on stderr (plain lines when stderr is not a terminal)."""

    def __init__(self, stream: TextIO = sys.stderr) -> None:
        self.stream = stream
        self.tty = stream.isatty()
        self._last = 0.0

    def __call__(self, fraction: float | None, text: str) -> None:
        now = time.monotonic()
        if now - self._last < 0.2 and fraction not in (None, 1.0):
            return
        self._last = now
        if fraction is None:
            line = text
        else:
            filled = int(30 * max(0.0, min(1.0, fraction)))
            line = f"[{'#' * filled}{'.' * (30 - filled)}] {fraction * 100:5.1f}% {text}"
        if self.tty:
            self.stream.write("\r\x1b[K" + line[:200])
            if fraction == 1.0:
                self.stream.write("\n")
        else:
            self.stream.write(line + "\n")
        self.stream.flush()


def _ask(assistant: Assistant, question: str, docs: bool, out: TextIO, images: list[str] | None = None) -> int:
    conv = assistant.new_conversation()
    if docs:
        assistant.set_documents(conv.id, ())
    cancel = CancelToken()
    bar = ProgressBar()
    try:
        assistant.load_model(bar, cancel)
        error = None
        pictures = [Path(p) for p in images or []]
        if not question.strip() and not pictures:
            print("sova: nothing to ask (give a question, a picture with --image, or both)", file=sys.stderr)
            return 2
        for event in assistant.ask(conv.id, question, cancel, images=pictures):
            if isinstance(event, TokenEvent):
                out.write(event.text)
                out.flush()
            elif isinstance(event, StatusEvent):
                print(event.text, file=sys.stderr)
            elif isinstance(event, DoneEvent):
                error = event.error
                for c in event.message.citations:
                    page = f", page {c.page}" if c.page else ""
                    out.write(f"\n[{c.n}] {c.path}{page}")
        out.write("\n")
    except KeyboardInterrupt:
        cancel.cancel()
        print("\nInterrupted; the partial answer is saved.", file=sys.stderr)
        return 130
    if error:
        print(f"sova: {error}", file=sys.stderr)
        return 1
    return 0


def _index(assistant: Assistant, paths: list[str]) -> int:
    report = assistant.documents.add_paths([Path(p) for p in paths], ProgressBar(), CancelToken())
    failed = 0
    for f in report.files:
        if f.error:
            failed += 1
            print(f"failed: {f.path}: {f.error}", file=sys.stderr)
    print(f"{report.indexed} indexed, {report.unchanged} unchanged, {failed} failed", file=sys.stderr)
    return 1 if failed and not (report.indexed or report.unchanged) else 0


def _transcribe(assistant: Assistant, file: str, language: str | None) -> int:
    if language:
        assistant.settings.speech.language = language  # type: ignore[assignment]
    for seg in assistant.speech.transcribe_file(Path(file), ProgressBar(), CancelToken()):
        print(seg.text.strip(), flush=True)
    return 0


def _models(assistant: Assistant, args: argparse.Namespace) -> int:
    if args.add:
        mmproj = getattr(args, "mmproj", None)
        info = assistant.add_model(Path(args.add), chat_format=args.chat_format, mmproj=Path(mmproj) if mmproj else None)
        print(f"added {info.id}: {info.name}" + (" (sees pictures)" if info.sees_images else ""))
    if args.use:
        assistant.set_active_model(args.use)
    for m in assistant.models():
        mark = "*" if m.id == assistant.settings.active_model else " "
        seeing = ", sees pictures" if getattr(m, "sees_images", False) else ""
        print(f"{mark} {m.id:28} {m.name}  ({m.source}, {'ready' if m.available else 'not assembled'}{seeing})")
    return 0


def _diagnostics(assistant: Assistant, export: str | None, out: TextIO) -> int:
    from app.core import diagnostics

    if export:
        path = diagnostics.export_zip(assistant, Path(export))
        print(f"diagnostics written to {path}", file=sys.stderr)
        return 0
    json.dump(diagnostics.collect(assistant), out, ensure_ascii=False, indent=2)
    out.write("\n")
    return 0


def _memory(assistant: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "list":
        scope = args.persona
        for f in assistant.facts(scope, args.search):
            who = "shared" if not f.scope else f"persona {f.scope}"
            source = f"message {f.message_id}" if f.message_id else "typed"
            pin = " pinned" if f.pinned else ""
            out.write(f"{f.id:5}  {f.text}  [{f.topic}, {who}, {f.origin}, {source}{pin}]\n")
        return 0
    if args.action == "add":
        fact = assistant.remember(args.text, args.persona)
        out.write(f"remembered {fact.id}: {fact.text}\n")
        return 0
    if args.action == "forget":
        n = assistant.forget_facts(list(args.ids))
        print(f"forgot {n} of {len(args.ids)} facts", file=sys.stderr)
        return 0 if n == len(args.ids) else 1
    if args.action == "forget-all":
        if not args.yes:
            answer = input(f"Erase all {len(assistant.facts())} facts, their history and vectors? [y/N] ")
            if answer.strip().lower() not in ("y", "yes", "д", "да"):
                print("nothing erased", file=sys.stderr)
                return 1
        n = assistant.forget_everything()
        print(f"erased {n} facts", file=sys.stderr)
        return 0
    if args.action == "extract":
        texts = _user_turns(Path(args.file))
        cancel = CancelToken()
        assistant.load_model(ProgressBar(), cancel)
        for text, decisions in assistant.preview_facts(texts, cancel):
            out.write(f"> {text[:100]}\n")
            for d in decisions:
                if d.action == "add":
                    out.write(f"  + {d.text}  [{d.topic}]\n")
                elif d.action == "supersede":
                    out.write(f"  ~ {d.text}  [{d.topic}] replaces: {d.target.text if d.target else ''}\n")
                else:
                    out.write(f"  - {d.text}  (dropped: {d.reason})\n")
        return 0
    return 2


def _user_turns(path: Path) -> list[str]:
    """The user's messages of a conversation file: an export ({"messages": [...]}), a list
    of messages, or a labelled dialog ({"turns": [...]})."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise SovaError(f"Cannot read {path}: {exc}", code="bad_file", path=str(path)) from exc
    if isinstance(data, dict):
        data = data.get("messages") or data.get("turns") or []
    if not isinstance(data, list):
        raise SovaError(f"{path} holds no conversation.", code="bad_file", path=str(path))
    return [str(m.get("content", "")) for m in data
            if isinstance(m, dict) and m.get("role") == "user" and str(m.get("content", "")).strip()]


def _personas(assistant: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "list":
        default = assistant.persona(None).id
        for p in assistant.personas():
            mark = "*" if p.id == default else " "
            out.write(f"{mark} {p.id:24} {p.icon} {p.display_name('en')}  (spice {p.spice}, memory {p.memory}, "
                      f"language {p.language})\n")
        return 0
    if args.action == "export":
        text = assistant.export_personas(list(args.ids) or None)
        Path(args.file).write_text(text, "utf-8")
        n = len(json.loads(text)["personas"])
        print(f"exported {n} personas to {args.file}", file=sys.stderr)
        return 0
    if args.action == "import":
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:
            raise SovaError(f"Cannot read {args.file}: {exc}", code="bad_file", path=args.file) from exc
        for p in assistant.import_personas(data):
            out.write(f"imported {p.id}: {p.name}\n")
        return 0
    return 2


def run(args: argparse.Namespace, out: TextIO = sys.stdout) -> int:
    """Run one headless command; returns the exit code. Errors print a readable line."""
    assistant = Assistant()
    try:
        if getattr(args, "model", None):
            assistant.settings.active_model = args.model
        if args.command == "ask":
            return _ask(assistant, args.question, args.docs, out, args.image)
        if args.command == "selftest":
            t0 = time.monotonic()
            code = _ask(assistant, SELFTEST_PROMPT, False, out)
            print(f"selftest {'ok' if code == 0 else 'FAILED'} in {time.monotonic() - t0:.1f}s", file=sys.stderr)
            return code
        if args.command == "index":
            return _index(assistant, args.paths)
        if args.command == "transcribe":
            return _transcribe(assistant, args.file, args.language)
        if args.command == "models":
            return _models(assistant, args)
        if args.command == "diagnostics":
            return _diagnostics(assistant, args.export, out)
        if args.command == "memory":
            return _memory(assistant, args, out)
        if args.command == "personas":
            return _personas(assistant, args, out)
        if args.command in ("feedback", "finetune", "adapters"):
            from app import cli_learning

            if args.command == "feedback":
                return cli_learning.feedback(assistant, args, out)
            if args.command == "finetune":
                return cli_learning.finetune(assistant, args, out, ProgressBar())
            return cli_learning.adapters(assistant, args, out)
        print(f"unknown command {args.command}", file=sys.stderr)
        return 2
    except SovaError as exc:
        print(f"sova: {exc}", file=sys.stderr)
        return 1
    finally:
        assistant.close()
