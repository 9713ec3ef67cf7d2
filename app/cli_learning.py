"""Headless learning commands: ``feedback``, ``finetune`` and ``adapters``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from app.core.assistant import Assistant


def add_parsers(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    fb = sub.add_parser("feedback", help="rating figures and exports")
    fsub = fb.add_subparsers(dest="action", required=True)
    fsub.add_parser("stats", help="print the rating figures and what training would use")
    fe = fsub.add_parser("export", help="write the ratings (csv, jsonl) or the checked training set (training)")
    fe.add_argument("file")
    fe.add_argument("--format", choices=["csv", "jsonl", "training"], default=None,
                    help="default: from the file's extension (.csv, .jsonl)")
    fe.add_argument("--min-stars", type=int, default=None, help="training: the least rating that teaches")
    ft = sub.add_parser("finetune", help="train a LoRA adapter on the rated answers (headless, with a progress bar)")
    ft.add_argument("--resume", action="store_true", help="continue the stopped training")
    ft.add_argument("--steps", type=int, default=None, help="supervised steps (default: from the data)")
    ft.add_argument("--pref-steps", type=int, default=None,
                    help="preference steps (default: from the disliked answers; none below 5)")
    ft.add_argument("--model", help="model id to train (see `models`)")
    ad = sub.add_parser("adapters", help="list, use or roll back the trained adapters")
    asub = ad.add_subparsers(dest="action", required=True)
    asub.add_parser("list", help="print the adapter versions of the active model and their figures")
    au = asub.add_parser("use", help="use a version ('base' for none)")
    au.add_argument("version")
    asub.add_parser("rollback", help="go back to the version used before the current one")


def _fmt(v: object) -> str:
    return f"{v:.3f}" if isinstance(v, float) else "-"


def feedback(assistant: "Assistant", args: argparse.Namespace, out: TextIO) -> int:
    if args.action == "stats":
        report = assistant.quality_report()
        s = report.summary
        out.write(f"rated answers {s.count}, scored {s.scored}, average {_fmt(s.average)}, "
                  f"satisfied {_fmt(s.satisfaction)}, negative {_fmt(s.negatives)}, corrections {s.corrections}\n")
        for label, v in report.versions.items():
            out.write(f"  {label}: {v.scored} scored, average {_fmt(v.average)}\n")
        st = assistant.training_set().stats
        out.write(f"training set: {st.examples} examples ({st.desirable} liked, {st.undesirable} disliked), "
                  f"removed: {st.duplicates} duplicates, {st.empty} empty, {st.overlong} overlong, "
                  f"{st.bad_roles} mixed-up roles\n")
        verdict = assistant.training_verdict()
        out.write(f"trigger: {'train' if verdict.train else 'wait'} {', '.join(verdict.reasons) or verdict.wanting}"
                  f" ({verdict.new} rated since the last training)\n")
        return 0
    path = Path(args.file)
    fmt = args.format or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    if fmt == "training":
        from app.core.feedback.training_set import write_jsonl

        ts = assistant.training_set(args.min_stars)
        write_jsonl(path, ts.examples)
        st = ts.stats
        print(f"wrote {st.examples} training examples to {path} ({st.duplicates} duplicates, {st.empty} empty, "
              f"{st.overlong} overlong, {st.bad_roles} mixed-up roles removed)", file=sys.stderr)
        return 0
    n = assistant.export_feedback(path, fmt)
    print(f"wrote {n} ratings to {path}", file=sys.stderr)
    return 0


def finetune(assistant: "Assistant", args: argparse.Namespace, out: TextIO, bar: object) -> int:
    training = assistant.training
    if args.steps:
        assistant.settings.learning.steps = args.steps
    if args.pref_steps:
        assistant.settings.learning.pref_steps = args.pref_steps
    plan = training.plan()
    if not args.resume:
        out.write(f"training on {plan.examples} examples ({plan.undesirable} disliked), {plan.steps} steps"
                  f"{f' + {plan.pref_steps} preference steps' if plan.pref_steps else ''}, {plan.heldout} held out\n")
    job = training.start(resume=args.resume)
    try:
        last = ""
        while not job.wait(0.5):
            st = training.status().run
            line = f"{st.phase} {st.step}/{st.total}" if st.total else st.phase
            if st.losses:
                line += f" loss {st.losses[-1][2]:.3f}"
            if st.eta_s is not None and st.phase in ("sft", "pref"):
                line += f" ETA {int(st.eta_s // 60)}:{int(st.eta_s % 60):02d}"
            if line != last:
                bar(_fraction(st), line)  # type: ignore[operator]
                last = line
    except KeyboardInterrupt:
        training.cancel()
        job.wait(30)
        print("training stopped; `finetune --resume` continues it", file=sys.stderr)
        return 130
    status = training.status()
    if status.state != "done":
        print(f"sova: training {status.state}: {status.error}", file=sys.stderr)
        return 1
    v = status.verdict
    out.write(f"adapter {status.version}: {'passed' if v.get('passed') else 'not passed'} "
              f"({', '.join(f'{k} {ok}' for k, ok in v.get('checks', {}).items())}); "
              f"{'in use' if status.activated else 'not activated'}\n")
    return 0


def _fraction(st: object) -> float | None:
    total = getattr(st, "total", 0)
    return getattr(st, "step", 0) / total if total else None


def adapters(assistant: "Assistant", args: argparse.Namespace, out: TextIO) -> int:
    training = assistant.training
    if args.action == "use":
        training.activate("" if args.version in ("base", "none", "") else args.version)
    elif args.action == "rollback":
        target = training.roll_back()
        print(f"now using {target or 'the base model'}", file=sys.stderr)
    active = training.active()
    out.write(f"{'*' if not active else ' '} base\n")
    for a in training.versions():
        before = a.figures.get("before", {})
        ref = before.get("current") or before.get("base") or {}
        after = a.figures.get("after", {})
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(a.created_at))
        figures = "  ".join(f"{k} {_fmt(ref.get(k))}->{_fmt(after.get(k))}" for k in ("liked", "disliked", "general"))
        out.write(f"{'*' if a.version == active else ' '} {a.version:5} {when}  "
                  f"{'passed' if a.passed else 'failed'}  {figures}\n")
    return 0


__all__ = ["adapters", "add_parsers", "feedback", "finetune"]
