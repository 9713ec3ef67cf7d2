"""Diagnostics report and zip: complete, JSON, and free of content and secrets."""

from __future__ import annotations

import json
import logging
import os
import platform
import subprocess
import sys
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Iterator

import pytest

from app.core import diagnostics, logs
from app.core.assistant import Assistant
from app.core.config import Settings, user_paths
from app.core.service.metrics import Metrics, RequestRecord
from app.core.types import DoneEvent, Health, HealthState
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory

ROOT = Path(__file__).resolve().parents[2]
SECRET = "Meet me under the plum-harbour bridge at seven"
SECRET_WORDS = ("plum-harbour", "plum", "harbour")


@pytest.fixture
def assistant(sova_home: Path) -> Iterator[Assistant]:
    a = Assistant(llm_factory=fake_factory(FakeLLM(reply=f"Noted: {SECRET}.")), registry=FakeRegistry())  # type: ignore[arg-type]
    a.settings.active_model = "fake"
    yield a
    a.close()
    logs.shutdown_logging()


def test_collect_reports_every_section_as_json(assistant: Assistant) -> None:
    logs.setup_logging(assistant.paths)
    logging.getLogger("app.test").info("hello", extra={"n": 1})
    report = diagnostics.collect(assistant)
    json.dumps(report)
    for key in ("app", "python", "os", "cpu", "memory", "packages", "settings", "models", "health",
                "metrics", "logs", "paths"):
        assert key in report and not (isinstance(report[key], dict) and "error" in report[key]), key
    assert report["app"]["version"]
    assert report["python"]["version"] == platform.python_version()
    if platform.machine() in ("x86_64", "AMD64"):
        assert "AVX2" in report["cpu"]["flags"]
    assert report["packages"]["psutil"] and "llama_cpp_python" in report["packages"]
    assert [m["id"] for m in report["models"]] == ["fake", "fake2"]
    assert report["models"][0]["active"] is True
    assert {h["part"] for h in report["health"]} >= {"model", "index", "transcriber"}
    assert report["metrics"]["process"]["rss_bytes"] > 0
    assert report["logs"]["recent"][-1]["message"] == "hello"
    assert report["paths"]["logs"] == str(assistant.paths.logs)


def test_settings_lose_secrets_and_free_text() -> None:
    s = Settings(system_prompt=SECRET)
    data = s.model_dump(mode="json")
    data["remote"] = {"base_url": "http://bob:hunter2@127.0.0.1:8080/v1", "api_key": "sk-123", "model": ""}
    data["documents"]["chroma_token"] = "tok"
    out = diagnostics.safe_settings(data)
    text = json.dumps(out)
    for leaked in ("plum", "hunter2", "sk-123", '"tok"'):
        assert leaked not in text
    assert out["remote"]["api_key"] == "<set>"
    assert out["remote"]["base_url"] == "http://<redacted>@127.0.0.1:8080/v1"
    assert out["generation"]["max_tokens"] == s.generation.max_tokens  # not mistaken for a token
    assert out["system_prompt"].startswith("<redacted")


def test_collect_uses_the_assistants_metrics_and_health(tmp_path: Path) -> None:
    m = Metrics()
    m.record_request(RequestRecord("qwen", "interactive", 1.0, 0.1, 0.4, 12, 30.0, 50, "complete"))
    fake = SimpleNamespace(
        paths=user_paths().ensure(), settings=Settings(), metrics=m, models=lambda: [],
        health=lambda: [Health("model", HealthState.DEGRADED, "stepped_down_batch", {"level": 1})],
    )
    report = diagnostics.collect(fake)
    assert report["metrics"]["models"]["qwen"]["requests"] == 1
    assert report["metrics"]["recent_requests"][0]["tokens"] == 12
    assert report["health"] == [{"part": "model", "state": "degraded", "code": "stepped_down_batch",
                                 "params": {"level": 1}, "since": report["health"][0]["since"]}]
    assert report["loaded_model"] is None


def test_a_broken_part_does_not_cost_the_report(tmp_path: Path) -> None:
    def boom() -> list[object]:
        raise RuntimeError("registry on fire")

    fake = SimpleNamespace(paths=user_paths().ensure(), settings=Settings(), models=boom)
    report = diagnostics.collect(fake)
    assert report["models"] == {"error": "RuntimeError: registry on fire"}
    assert report["health"][0]["state"] == "off"


def test_export_after_a_chat_has_no_trace_of_the_chat(assistant: Assistant, tmp_path: Path) -> None:
    # Worst case: verbose logging was on, so the log file itself holds the secret.
    logs.setup_logging(assistant.paths, verbose=True)
    assistant.settings.system_prompt = f"Remember: {SECRET}"
    conv = assistant.new_conversation()
    events = list(assistant.ask(conv.id, SECRET))
    assert isinstance(events[-1], DoneEvent) and "plum-harbour" in events[-1].message.content
    log = logging.getLogger("app.test")
    log.info("asked", extra={"question": SECRET, "conversation": conv.id})
    log.info("user said %s", SECRET, extra={"content": True})
    log.info("retrieved", extra={"hits": [{"passage": SECRET, "path": "/docs/a.pdf"}]})
    assert SECRET in logs.log_file().read_text("utf-8")  # type: ignore[union-attr]

    out = diagnostics.export_zip(assistant, tmp_path / "reports" / "diag.zip")
    assert out == tmp_path / "reports" / "diag.zip"
    with zipfile.ZipFile(out) as zf:
        names = zf.namelist()
        assert names[0] == "report.json" and "logs/sova.log" in names
        blobs = {n: zf.read(n).decode("utf-8") for n in names}
    for name, text in blobs.items():
        for word in SECRET_WORDS:
            assert word not in text.lower(), f"{word!r} leaked into {name}"
    report = json.loads(blobs["report.json"])
    assert report["logs"]["verbose"] is True
    assert any(r.get("message") == "asked" for r in report["logs"]["recent"])
    assert "conversation" in blobs["logs/sova.log"]
    assert not list(out.parent.glob(".sova-diagnostics-*"))  # no temp file left


def _run_app(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, capture_output=True, text=True,
                          env=dict(os.environ), timeout=300)


def test_cli_prints_the_report_and_logs_its_start(sova_home: Path, tmp_path: Path) -> None:
    r = _run_app("diagnostics")
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    assert report["app"]["name"] == "Sova"
    log = sova_home / "cache" / "logs" / "sova.log"
    records = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    assert any(x["message"] == "start" and x["command"] == "diagnostics" for x in records)

    r = _run_app("diagnostics", "--export", str(tmp_path / "bug"))
    assert r.returncode == 0, r.stderr
    with zipfile.ZipFile(tmp_path / "bug") as zf:
        assert {"report.json", "logs/sova.log"} <= set(zf.namelist())
