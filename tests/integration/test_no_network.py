"""Answering a question opens no internet socket, in the CLI process or the model host.

A sitecustomize.py on PYTHONPATH installs an audit hook in every Python process that
starts with this environment (the CLI and the spawned model host) and records each
socket.connect / bind / getaddrinfo / sendto on AF_INET or AF_INET6.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SITECUSTOMIZE = r'''
import json, os, socket, sys

_LOG = os.environ["SOVA_AUDIT_LOG"]
_INET = (socket.AF_INET, socket.AF_INET6)

def _write(record):
    with open(_LOG, "a", encoding="utf-8") as f:
        f.write(json.dumps(record) + "\n")

def _hook(event, args):
    if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
        sock = args[0]
        if getattr(sock, "family", None) in _INET:
            _write({"pid": os.getpid(), "event": event, "address": repr(args[1:2])})
    elif event == "socket.getaddrinfo":
        family = args[2] if len(args) > 2 else 0
        if family in (0, *_INET):
            _write({"pid": os.getpid(), "event": event, "address": repr(args[:2])})

sys.addaudithook(_hook)
_write({"pid": os.getpid(), "event": "started", "argv": sys.argv[:3]})
'''


def _env(tmp_path: Path, log: Path) -> dict[str, str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(SITECUSTOMIZE)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(site), str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env["SOVA_AUDIT_LOG"] = str(log)
    env["SOVA_GENERATION__N_THREADS"] = "2"
    env["SOVA_GENERATION__MAX_TOKENS"] = "24"
    env["SOVA_GENERATION__TEMPERATURE"] = "0"
    return env


def _records(log: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_the_audit_hook_sees_sockets(tmp_path: Path) -> None:
    # Control: the hook must record a connection attempt, or the real test proves nothing.
    log = tmp_path / "control.jsonl"
    code = "import socket\ns = socket.socket()\ntry:\n    s.connect(('127.0.0.1', 9))\nexcept OSError:\n    pass"
    subprocess.run([sys.executable, "-c", code], env=_env(tmp_path, log), check=True, timeout=60)
    assert [r["event"] for r in _records(log)] == ["started", "socket.connect"]


def test_ask_opens_no_network_socket(sova_home: Path, tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    env = _env(tmp_path, log)
    env["SOVA_HOME"] = str(sova_home)
    r = subprocess.run(
        [sys.executable, "-m", "app", "ask", "--model", "qwen2.5-coder-0.5b", "What is the capital of France?"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert r.returncode == 0, r.stderr
    assert "Paris" in r.stdout
    records = _records(log)
    started = {rec["pid"] for rec in records if rec["event"] == "started"}
    assert len(started) >= 2, "the model host process should have run with the hook too"
    network = [rec for rec in records if rec["event"] != "started"]
    assert network == [], network
