"""SIGKILL soak: real operations (ask, ingest, change and remove documents, delete
conversations) with the app process killed by SIGKILL at random moments.

Every life of the app is ``soak_worker.py`` on one SOVA_HOME. The parent aims each kill
at a phase (model load, prompt evaluation, generation, retrieval, ingestion, embedding,
a delete, ...) and lets a seeded random delay pass inside it. The next life's first act
checks what the kill left against the journal: both SQLite files pass integrity_check,
every stored message is still there (partial answers only grow), deleted conversations
stay deleted, the registry and the vector index agree, journaled files are indexed and
found by their own text, and unfinished ingestion resumes. The processes of a killed app
(its model host) must also go away by themselves.

``make test`` runs a short soak; ``make test-slow`` the full one
(SOVA_SOAK_ITERATIONS=50). SOVA_SOAK_SEED picks another seeded plan.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, IO

import psutil
import pytest

from app.core.config import Paths, user_paths
from app.core.models import ModelRegistry
from tests.integration.soak_worker import SMALL, read_journal

ITERATIONS = int(os.environ.get("SOVA_SOAK_ITERATIONS", "6"))
SEED = int(os.environ.get("SOVA_SOAK_SEED", "8"))
WORKER = Path(__file__).with_name("soak_worker.py")
REPO = Path(__file__).resolve().parents[2]

# Kill targets, and how long after a phase starts the kill may land (seconds, uniform):
# about the length of that phase on this machine with one thread.
SPAN = {
    "model_load": 1.5,
    "prompt": 0.8,
    "generate": 0.8,
    "retrieve": 3.0,  # retrieval + evaluation of a prompt with passages
    "ingest": 2.5,
    "embedding": 0.6,
    "modify": 0.05,
    "delete": 0.02,
    "remove": 0.05,
    "any": 15.0,  # anywhere in the plan, measured from "ready"
}
# The short soak covers the phases where a kill is most likely to do damage.
SHORT = ["generate", "embedding", "ingest", "prompt", "model_load", "delete"]
START_TIMEOUT = 300.0  # a life must verify and resume within this
PHASE_TIMEOUT = 240.0  # the targeted phase must start within this
LEFTOVER_TIMEOUT = 90.0  # the killed app's other processes must be gone within this


class AppLife:
    """One run of soak_worker.py in its own session, phases read from its stdout."""

    def __init__(self, root: Path, life: int, target: str | None, env: dict[str, str]) -> None:
        self.life = life
        self.log_path = root / f"life-{life}.log"
        self._log: IO[bytes] = open(self.log_path, "wb")
        cmd = [sys.executable, str(WORKER), "--root", str(root), "--life", str(life), "--seed", str(SEED)]
        cmd += ["--target", target] if target else ["--verify-only"]
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=self._log,
                                     stdin=subprocess.DEVNULL, start_new_session=True)
        self.started = time.monotonic()
        self.phases: list[tuple[float, str]] = []
        self._cond = threading.Condition()
        self._eof = False
        self._reader = threading.Thread(target=self._read, name=f"soak-life-{life}", daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for raw in self.proc.stdout:
            line = raw.decode("utf-8", "replace").strip()
            if line.startswith("PHASE "):
                with self._cond:
                    self.phases.append((time.monotonic(), line[6:]))
                    self._cond.notify_all()
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def wait_phase(self, name: str, timeout: float) -> float | None:
        """When ``name`` started (monotonic), or None if the life ended or time ran out."""
        def seen() -> float | None:
            return next((t for t, n in self.phases if n == name), None)

        with self._cond:
            self._cond.wait_for(lambda: seen() is not None or self._eof, timeout)
            return seen()

    def kill(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)

    def finish(self) -> int:
        rc = self.proc.wait()
        self._reader.join(timeout=30)
        self._log.close()
        return rc

    def log_tail(self, lines: int = 25) -> str:
        text = self.log_path.read_text("utf-8", "replace").splitlines()
        return "\n".join(text[-lines:])


def leftovers(pgid: int) -> list[str]:
    """Live processes left in a killed life's session (its model host, helpers)."""
    out = []
    for p in psutil.process_iter(["pid", "name", "status"]):
        try:
            if os.getpgid(p.pid) == pgid and p.info["status"] != psutil.STATUS_ZOMBIE:
                out.append(f"{p.pid} {p.info['name']}")
        except (ProcessLookupError, PermissionError, psutil.Error):
            continue
    return out


def wait_leftovers(pgid: int) -> tuple[float, list[str]]:
    """Seconds until the killed life's session is empty; what remains on timeout."""
    t0 = time.monotonic()
    while True:
        left = leftovers(pgid)
        if not left:
            return time.monotonic() - t0, []
        if time.monotonic() - t0 > LEFTOVER_TIMEOUT:
            try:
                os.killpg(pgid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            return time.monotonic() - t0, left
        time.sleep(0.1)


def kill_phase(journal: Path, life: int) -> str:
    """The last phase a life journaled: what it was doing when it died."""
    records, _ = read_journal(journal)
    phases = [r["name"] for r in records if r.get("life") == life and r["op"] == "phase"]
    return phases[-1] if phases else "(none)"


def table(rows: list[dict[str, Any]]) -> str:
    head = f"{'it':>3} {'target':<10} {'delay':>6} {'killed in':<11} {'outcome':<9} {'life s':>6} " \
           f"{'left s':>6} {'pend':>4} {'unfin':>5} {'resum':>5} {'conv':>4} {'msgs':>4} {'files':>5} " \
           f"{'chunks':>6} {'verify s':>8} problems"
    out = [head]
    for r in rows:
        v = r.get("verify") or {}
        out.append(
            f"{r['iteration']:>3} {r['target']:<10} {r['delay']:>6.2f} {r['phase']:<11} {r['outcome']:<9} "
            f"{r['life_seconds']:>6.1f} {r['leftover_seconds']:>6.1f} {v.get('pending_vectors_left', '-'):>4} "
            f"{len(v.get('unfinished_left', [])):>5} {v.get('resumed', '-'):>5} {v.get('conversations', '-'):>4} "
            f"{v.get('messages', '-'):>4} {v.get('files', '-'):>5} {v.get('chunks', '-'):>6} "
            f"{v.get('seconds', 0):>8.1f} {len(v.get('problems', [])) if v else '-'}"
        )
    return "\n".join(out)


def targets_for(n: int, rng: random.Random) -> list[str]:
    if n <= len(SHORT):
        return SHORT[:n]
    out: list[str] = []
    while len(out) < n:
        round_ = list(SPAN)
        rng.shuffle(round_)
        out += round_
    return out[:n]


@pytest.mark.timeout(300 + 120 * ITERATIONS)
def test_sigkill_soak(tmp_path: Path) -> None:
    root = tmp_path / "soak"
    home = root / "home"
    (root / "docs").mkdir(parents=True)
    models = user_paths().models
    # Assemble the bundled model once, outside the lives that get killed.
    ModelRegistry(Paths(home / "config", home / "data", home / "cache", models).ensure()).ensure(SMALL)
    env = {**os.environ, "SOVA_HOME": str(home), "SOVA_MODELS_DIR": str(models), "PYTHONUNBUFFERED": "1"}
    journal = root / "journal.jsonl"
    rng = random.Random(SEED)
    targets = targets_for(ITERATIONS, rng)
    rows: list[dict[str, Any]] = []
    t_start = time.monotonic()

    def fail(iteration: int, what: str) -> None:
        report = {"seed": SEED, "iterations": rows}
        (root / "soak-report.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
        pytest.fail(f"soak (seed {SEED}) iteration {iteration}: {what}\n\n{table(rows)}\n(files in {root})",
                    pytrace=False)

    def start_life(life: int, target: str | None) -> AppLife:
        """Start a life and check what the previous kill left (its verify report)."""
        app = AppLife(root, life, target, env)
        previous = rows[-1] if rows else None
        where = (f"after the kill in phase {previous['phase']!r} (target {previous['target']}, "
                 f"{previous['delay']:.2f}s)") if previous else "on a fresh home"
        ready = app.wait_phase("ready", START_TIMEOUT)
        report_path = root / f"verify-{life}.json"
        report = json.loads(report_path.read_text("utf-8")) if report_path.exists() else None
        if previous is not None:
            previous["verify"] = report
        if report is not None and report["problems"]:
            app.kill()
            app.finish()
            fail(life - 1 if previous else life,
                 f"{where}, the next start found broken invariants:\n  - " + "\n  - ".join(report["problems"]))
        if ready is None:
            app.kill()
            rc = app.finish()
            fail(life - 1 if previous else life,
                 f"{where}, the app did not start (exit {rc}, last phase {kill_phase(journal, life)}):\n"
                 f"{app.log_tail()}")
        return app

    for i, target in enumerate(targets):
        app = start_life(i, target)
        delay = rng.uniform(0.0, SPAN[target])
        t_ready = next(t for t, n in app.phases if n == "ready")
        began = t_ready if target == "any" else app.wait_phase(target, PHASE_TIMEOUT)
        outcome = "killed"
        if began is None:
            outcome = "finished"  # the plan never reached the phase (e.g. nothing to delete)
        else:
            try:
                app.proc.wait(timeout=max(0.0, began + delay - time.monotonic()))
                outcome = "finished"
            except subprocess.TimeoutExpired:
                app.kill()
        died = time.monotonic()
        rc = app.finish()
        if outcome == "finished" and rc != 0:
            fail(i, f"the app failed on its own (exit {rc}, phase {kill_phase(journal, i)}):\n{app.log_tail()}")
        if outcome == "killed" and rc != -signal.SIGKILL:
            fail(i, f"the app ended with {rc} instead of being killed:\n{app.log_tail()}")
        left_s, left = wait_leftovers(app.proc.pid)
        rows.append({
            "iteration": i, "target": target, "delay": delay, "phase": kill_phase(journal, i),
            "outcome": outcome, "life_seconds": died - t_ready, "leftover_seconds": left_s, "verify": None,
        })
        if left:
            fail(i, f"processes of the killed app still ran {LEFTOVER_TIMEOUT:.0f}s later: {left}")

    final = start_life(ITERATIONS, None)
    rc = final.finish()
    if rc != 0:
        fail(ITERATIONS, f"the last (verify-only) start ended with {rc}:\n{final.log_tail()}")
    elapsed = time.monotonic() - t_start
    summary = {"seed": SEED, "seconds": round(elapsed, 1), "iterations": rows,
               "final": json.loads((root / f"verify-{ITERATIONS}.json").read_text("utf-8"))}
    (root / "soak-report.json").write_text(json.dumps(summary, indent=1), encoding="utf-8")
    if os.environ.get("SOVA_SOAK_REPORT"):
        Path(os.environ["SOVA_SOAK_REPORT"]).write_text(json.dumps(summary, indent=1), encoding="utf-8")
    killed = [r for r in rows if r["outcome"] == "killed"]
    print(f"\nSIGKILL soak, seed {SEED}: {len(rows)} iterations, {len(killed)} kills, {elapsed:.0f} s; "
          f"all invariants held\n{table(rows)}")
    assert killed, "no life was killed: the soak tested nothing"
