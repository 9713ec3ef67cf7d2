"""A stand-in for the training process (app.core.finetune.train) in tests.

Run as ``python tests/fakes/fake_trainer.py JOB_DIR``. It honours the job folder's
contract: appends progress events, keeps a checkpoint (so a killed run resumes from
its step), and at the end writes adapter.gguf, lora.safetensors and result.json.
Environment: ``FAKE_TRAINER_STEP_S`` (seconds a step, default 0.02),
``FAKE_TRAINER_FAIL`` (a reason to fail with), ``FAKE_TRAINER_AFTER`` (JSON: the held-out
figures after training; the default passes the verdict).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main(job: Path) -> int:
    cfg = json.loads((job / "job.json").read_text(encoding="utf-8"))
    step_s = float(os.environ.get("FAKE_TRAINER_STEP_S", "0.02"))
    fail = os.environ.get("FAKE_TRAINER_FAIL", "")
    total = int(cfg.get("steps", 10))

    def event(**data: object) -> None:
        data["t"] = time.time()
        with open(job / "progress.jsonl", "a", encoding="utf-8") as f:
            f.write(json.dumps(data) + "\n")

    start = 0
    ckpt = job / "checkpoint.pt"
    if ckpt.exists():
        start = int(json.loads(ckpt.read_text())["step"])
        event(kind="resumed", phase="sft", step=start)
    event(kind="phase", phase="load")
    if fail:
        (job / "error.json").write_text(json.dumps({"error": "RuntimeError", "reason": fail}))
        return 1
    for step in range(start + 1, total + 1):
        time.sleep(step_s)
        event(kind="step", phase="sft", step=step, total=total, loss=round(3.0 / step, 4),
              eta_s=round(step_s * (total - step), 2), s_per_step=step_s)
        tmp = job / "checkpoint.pt.tmp"
        tmp.write_text(json.dumps({"step": step}))
        os.replace(tmp, ckpt)
    (job / "adapter.gguf").write_bytes(b"GGUF fake adapter")
    (job / "lora.safetensors").write_bytes(b"fake")
    before = {"base": {"liked": -2.0, "disliked": -2.0, "general": -1.5}}
    after = json.loads(os.environ.get("FAKE_TRAINER_AFTER", "null")) or {"liked": -1.0, "disliked": -2.5,
                                                                          "general": -1.52}
    (job / "result.json").write_text(json.dumps({"before": before, "after": after, "steps": total,
                                                 "pref_steps": cfg.get("pref_steps", 0), "seconds": 1.0}))
    event(kind="done")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
