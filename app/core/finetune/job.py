"""Running the training process: start, watch, pause, cancel, resume.

The process (``python -m app.core.finetune.train JOB``) runs at the lowest OS priority
with a bounded number of threads; its only link to Sova is the job folder (see
``train.py``) and its exit code. Pausing suspends it (psutil: SIGSTOP on POSIX, the
process's threads on Windows), which is also how it gives the CPU to an answer that
is streaming. A cancelled or killed process leaves its last checkpoint, so the job can
resume; a crash of the process leaves ``error.json`` or a bad exit code, never a
changed adapter (adapters are copied out only after ``result.json`` exists).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from app.core.types import Cancelled, CancelToken, ProgressCallback, SovaError

log = logging.getLogger(__name__)

POLL_S = 0.5
# The trainer: this Python running the training module (tests swap in a fake).
TRAINER = [sys.executable, "-m", "app.core.finetune.train"]
PHASES = ("load", "evaluate_before", "sft", "reference", "pref", "evaluate_after", "write")


class TrainingError(SovaError):
    """Training did not finish. Codes: ``training_failed`` (reason),
    ``training_no_data`` (have, need), ``training_unsupported`` (reason),
    ``training_missing_pack`` (module), ``training_busy``."""

    code = "training_failed"


@dataclass
class RunState:
    """What the training process reports, for the progress bar and the loss chart."""

    phase: str = "idle"
    step: int = 0
    total: int = 0
    eta_s: float | None = None
    s_per_step: float | None = None
    losses: list[tuple[str, int, float]] = field(default_factory=list)  # (phase, step, loss)
    paused: bool = False  # by the user
    yielding: bool = False  # to an answer that is streaming
    resumed_at: int | None = None

    def copy(self) -> "RunState":
        return RunState(self.phase, self.step, self.total, self.eta_s, self.s_per_step, list(self.losses),
                        self.paused, self.yielding, self.resumed_at)


def _lower_priority() -> None:
    """In the child, before exec: the lowest CPU priority (POSIX)."""
    try:
        os.nice(19)
    except OSError:
        pass


class TrainingProcess:
    """One run of the training process over a job folder."""

    def __init__(self, job: Path, threads: int, command: Sequence[str] = ()) -> None:
        """``command``: the trainer to run with the job folder as its last argument
        (default: ``TRAINER``)."""
        self.job = job
        self.threads = threads
        self.command = list(command) or list(TRAINER)
        self.state = RunState()
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._ps: Any = None
        self._offset = 0
        self._user_paused = False
        self._yielding = False

    # ---- control (any thread) -----------------------------------------------------------

    def _apply_suspension(self) -> None:
        want = self._user_paused or self._yielding
        ps = self._ps
        if ps is None:
            return
        try:
            if want:
                ps.suspend()
            else:
                ps.resume()
        except Exception:  # the process may have just ended
            pass
        with self._lock:
            self.state.paused = self._user_paused
            self.state.yielding = self._yielding

    def pause(self, on: bool = True) -> None:
        self._user_paused = on
        self._apply_suspension()

    def yield_cpu(self, on: bool) -> None:
        """Stop while an answer streams (``on``), go on after."""
        self._yielding = on
        self._apply_suspension()

    def snapshot(self) -> RunState:
        with self._lock:
            return self.state.copy()

    # ---- running ----------------------------------------------------------------------------

    def run(self, progress: ProgressCallback, cancel: CancelToken) -> dict[str, Any]:
        """Run the process to its end; returns result.json. Raises Cancelled or
        TrainingError."""
        import psutil

        (self.job / "error.json").unlink(missing_ok=True)
        env = dict(os.environ)
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
            env[var] = str(self.threads)
        env["PYTHONUNBUFFERED"] = "1"
        log_file = open(self.job / "train.log", "ab")
        kwargs: dict[str, Any] = {}
        if os.name == "posix":
            kwargs["preexec_fn"] = _lower_priority
        else:  # Windows: below-normal priority class
            kwargs["creationflags"] = getattr(subprocess, "BELOW_NORMAL_PRIORITY_CLASS", 0)
        try:
            self._proc = subprocess.Popen([*self.command, str(self.job)],
                                          stdout=log_file, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                          env=env, **kwargs)
            self._ps = psutil.Process(self._proc.pid)
            self._apply_suspension()
            while True:
                self._read_progress(progress)
                if cancel.cancelled:
                    self._stop()
                    raise Cancelled()
                code = self._proc.poll()
                if code is not None:
                    break
                cancel.wait(POLL_S)
            self._read_progress(progress)
        finally:
            log_file.close()
            self._ps = None
        result = self.job / "result.json"
        if code == 0 and result.is_file():
            return json.loads(result.read_text(encoding="utf-8"))  # type: ignore[no-any-return]
        reason = _failure_reason(self.job, code)
        raise TrainingError(f"Training failed: {reason}", code="training_failed", reason=reason)

    def _stop(self) -> None:
        proc = self._proc
        if proc is None or proc.poll() is not None:
            return
        try:
            if self._ps is not None:
                self._ps.resume()  # a suspended process cannot act on a signal
            proc.terminate()
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        except Exception:
            log.exception("stopping the training process")

    def _read_progress(self, progress: ProgressCallback) -> None:
        path = self.job / "progress.jsonl"
        try:
            with open(path, encoding="utf-8") as f:
                f.seek(self._offset)
                data = f.read()
        except OSError:
            return
        end = data.rfind("\n")
        if end < 0:
            return
        self._offset += len(data[:end + 1].encode("utf-8"))
        for line in data[:end].splitlines():
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            self._apply(ev, progress)

    def _apply(self, ev: dict[str, Any], progress: ProgressCallback) -> None:
        kind = ev.get("kind")
        with self._lock:
            st = self.state
            if kind == "phase":
                st.phase = str(ev.get("phase", ""))
            elif kind == "resumed":
                st.phase, st.step, st.resumed_at = str(ev.get("phase")), int(ev.get("step", 0)), int(ev.get("step", 0))
            elif kind == "step":
                st.phase = str(ev.get("phase"))
                st.step, st.total = int(ev["step"]), int(ev["total"])
                st.eta_s, st.s_per_step = ev.get("eta_s"), ev.get("s_per_step")
                st.losses.append((st.phase, st.step, float(ev.get("loss", 0.0))))
            elif kind == "done":
                st.phase = "done"
            phase, step, total = st.phase, st.step, st.total
        # One bar over the phases: loading and evaluating are short next to training.
        weights = {"load": (0.0, 0.05), "evaluate_before": (0.05, 0.1), "sft": (0.1, 0.75), "reference": (0.75, 0.78),
                   "pref": (0.78, 0.9), "evaluate_after": (0.9, 0.98), "write": (0.98, 1.0), "done": (1.0, 1.0)}
        lo, hi = weights.get(phase, (0.0, 0.0))
        frac = lo + (hi - lo) * (step / total if phase in ("sft", "pref") and total else 0.0)
        progress(frac, phase)


def _failure_reason(job: Path, code: int | None) -> str:
    try:
        data = json.loads((job / "error.json").read_text(encoding="utf-8"))
        return str(data.get("reason") or data.get("error") or "unknown")
    except (OSError, ValueError):
        pass
    if code is not None and code < 0:
        return f"the training process was killed (signal {-code})"
    if code == 137 or code == -9:
        return "the training process was killed (out of memory?)"
    return f"the training process exited with code {code}"
