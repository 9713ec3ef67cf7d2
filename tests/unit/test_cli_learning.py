"""`feedback`, `finetune` and `adapters` on the command line (the trainer is the stand-in)."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import pytest

from app import cli
from app.core.assistant import Assistant
from app.core.types import DoneEvent
from app.main import build_parser
from tests.fakes.llm import FakeLLM

FAKE = [sys.executable, str(Path(__file__).resolve().parents[1] / "fakes" / "fake_trainer.py")]


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = cli.run(build_parser().parse_args(list(argv)), out=out)
    return code, out.getvalue()


@pytest.fixture()
def rated() -> None:
    llm = FakeLLM()
    a = Assistant(llm_factory=lambda info, s: llm)
    a.settings.memory.extract = False
    a.settings.auto_titles = False
    for i in range(14):
        llm.reply = f"Answer number {i}."
        cid = a.new_conversation().id
        done = [e for e in a.ask(cid, f"Question number {i}, please?") if isinstance(e, DoneEvent)][0]
        a.rate_answer(done.message.id, stars=5 if i < 12 else 1)
    a.close()


def test_feedback_stats_and_exports(rated, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out = run("feedback", "stats")
    assert code == 0 and "rated answers 14" in out and "training set: 12 examples" in out
    assert run("feedback", "export", str(tmp_path / "r.csv"))[0] == 0
    assert len(list(csv.DictReader(open(tmp_path / "r.csv", encoding="utf-8")))) == 14
    assert run("feedback", "export", str(tmp_path / "t.jsonl"), "--format", "training")[0] == 0
    lines = [json.loads(x) for x in (tmp_path / "t.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 12 and [m["role"] for m in lines[0]["messages"]][-2:] == ["user", "assistant"]
    assert "wrote 12 training examples" in capsys.readouterr().err


def test_finetune_then_adapters_use_and_rollback(rated, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app.core.finetune.job.TRAINER", FAKE)
    code, out = run("finetune", "--steps", "12")
    assert code == 0 and "adapter v1: passed" in out and "in use" in out, out
    code, out = run("adapters", "list")
    assert code == 0 and "* v1" in out and "  base" in out
    code, out = run("adapters", "use", "base")
    assert code == 0 and "* base" in out
    run("adapters", "use", "v1")
    code, out = run("adapters", "rollback")
    assert code == 0 and "* base" in out
    code, _ = run("adapters", "rollback")
    assert code == 1  # nothing to roll back: a readable error, not a traceback
