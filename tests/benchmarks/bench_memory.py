"""Memory extraction quality on the labelled dialogs, with the real bundled models.

    .venv/bin/python tests/benchmarks/bench_memory.py [--split heldout|dev|all] [--model ID ...] [--save F.json]

For each dialog of ``tests/data/memory/dialogs.jsonl`` a fresh, empty memory reads the
user's turns in order (each through the whole extraction: the model's constrained JSON,
the check without the model, add or supersede), as the background job does after each
answer. Then, against the labels:

- precision: stored fact texts (every add and every superseding text) that match a
  labelled fact of the dialog;
- recall: labelled facts matched by a stored text (current or in a fact's history);
- corrections: labelled (old, new) pairs where a current fact matches the new label and
  its history holds a text matching the old one, and no current fact still matches the
  old one (strict: over all pairs; and over the pairs whose old fact was stored);
- explicit commands (``commands.jsonl``): action and fact text, without the model.

A stored text matches a label when each of the label's keyword groups has a variant
that starts a word of the text (case-insensitive, ё = е). Groups hold Russian stems and
English words, so a fact written in either language is recognised; this is stricter
than an embedding threshold, which scored "I live in Moscow" 0.93 against "I live in
Kazan" (tests/unit/memory/test_extract.py names such pairs).

Goals (default 1.5B model, held-out part): precision >= 0.9, recall >= 0.8, corrections
>= 0.8, commands 100 %.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))
os.environ["SOVA_AUTO_TITLES"] = "false"

from app.main import offline_environment  # noqa: E402

offline_environment()

DATA = ROOT / "tests" / "data" / "memory"
MODELS = ("qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b")
GOALS = {"precision": 0.9, "recall": 0.8, "corrections": 0.8, "commands": 1.0}


def load(name: str, split: str = "all") -> list[dict[str, Any]]:
    items = [json.loads(line) for line in (DATA / name).read_text("utf-8").splitlines() if line.strip()]
    return [d for d in items if split == "all" or d.get("split", split) == split]


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower().replace("ё", "е"))


def matches(text: str, keywords: Sequence[Sequence[str]]) -> bool:
    """Each keyword group has a variant that starts a word of ``text`` (a variant of
    several words: that many words in a row, the last one as a prefix)."""
    joined = " " + " ".join(_words(text))
    return all(any(" " + " ".join(_words(v)) in joined for v in group) for group in keywords)


def commands_score() -> tuple[int, int, list[str]]:
    from app.core.memory.commands import parse

    ok, bad = 0, []
    items = load("commands.jsonl")
    for d in items:
        c = parse(d["text"])
        action, fact = (c.action, c.fact) if c else ("none", "")
        want = d["fact"][:1].upper() + d["fact"][1:]
        if action == d["action"] and (not want or fact == want):
            ok += 1
        else:
            bad.append(f"{d['id']}: {d['text']!r} -> {action} {fact!r}")
    return ok, len(items), bad


def run_dialog(memory: Any, dialog: dict[str, Any]) -> dict[str, Any]:
    from app.core.types import CancelToken

    stored: list[tuple[int, str, str]] = []  # (turn, text, action)
    decisions: list[dict[str, Any]] = []
    seconds = []
    for i, turn in enumerate(dialog["turns"]):
        if turn["role"] != "user":
            continue
        t0 = time.monotonic()
        ds = memory.consider(turn["content"], "", CancelToken())
        seconds.append(time.monotonic() - t0)
        memory.apply(ds, "")
        for d in ds:
            decisions.append({"turn": i, "action": d.action, "text": d.text, "topic": d.topic, "reason": d.reason,
                              "target": d.target.text if d.target else None})
            if d.action in ("add", "supersede"):
                stored.append((i, d.text, d.action))
    facts = memory.store.list("")
    current = [f.text for f in facts]
    history = [(f.text, [h.text for h in (memory.store.get(f.id) or f).history]) for f in facts]
    labels = dialog["facts"]
    correct = [any(matches(text, lab["keywords"]) for lab in labels) for _, text, _ in stored]
    found = [any(matches(text, lab["keywords"]) for _, text, _ in stored) for lab in labels]
    pairs = []
    for pair in dialog.get("supersedes", []):
        old = next(lab for lab in labels if lab["turn"] == pair["old_turn"] and lab["topic"] == pair["topic"])
        new = next(lab for lab in labels if lab["turn"] == pair["new_turn"] and lab["topic"] == pair["topic"])
        old_stored = any(matches(text, old["keywords"]) for turn, text, _ in stored if turn < pair["new_turn"])
        ok = any(matches(text, new["keywords"]) and any(matches(h, old["keywords"]) for h in hist)
                 for text, hist in history) and not any(matches(t, old["keywords"]) and not matches(t, new["keywords"])
                                                        for t in current)
        pairs.append({"ok": ok, "old_stored": old_stored})
    return {"id": dialog["id"], "lang": dialog["lang"], "stored": stored, "correct": correct, "found": found,
            "labels": [lab["text"] for lab in labels], "pairs": pairs, "decisions": decisions, "current": current,
            "seconds": seconds}


def run_model(model_id: str, dialogs: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    from app.core.assistant import Assistant
    from app.core.config import GenerationSettings, Paths, Settings
    from app.core.memory import Memory, MemoryStore
    from app.core.store.db import Database
    from app.core.store.migrations import MAIN

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        settings = Settings(active_model=model_id)
        settings.generation = GenerationSettings(**{**settings.generation.model_dump(), "seed": 7})
        assistant = Assistant(Paths(home / "c", home / "d", home / "k", home / "m").ensure(), settings)
        try:
            assistant.load_model()
            embedder = assistant.documents.embedder_for("e5-small")
            out = []
            for n, dialog in enumerate(dialogs, 1):
                db = Database(":memory:", MAIN)
                try:
                    res = run_dialog(Memory(MemoryStore(db, lambda: embedder), assistant.model), dialog)
                finally:
                    db.close()
                out.append(res)
                marks = "".join("+" if c else "x" for c in res["correct"]) or "."
                print(f"  [{n}/{len(dialogs)}] {dialog['id']:6} stored {marks:6} found "
                      f"{sum(res['found'])}/{len(res['found'])} "
                      f"{' '.join('S' if p['ok'] else 's' for p in res['pairs'])} | {res['current']}", flush=True)
            return out
        finally:
            assistant.close()


def summarise(results: Sequence[dict[str, Any]], lang: str | None = None) -> dict[str, Any]:
    rs = [r for r in results if lang is None or r["lang"] == lang]
    stored = sum(len(r["correct"]) for r in rs)
    correct = sum(sum(r["correct"]) for r in rs)
    labels = sum(len(r["found"]) for r in rs)
    found = sum(sum(r["found"]) for r in rs)
    pairs = [p for r in rs for p in r["pairs"]]
    cond = [p for p in pairs if p["old_stored"]]
    secs = [s for r in rs for s in r["seconds"]]
    return {
        "precision": correct / stored if stored else 1.0, "stored": stored, "correct": correct,
        "recall": found / labels if labels else 1.0, "labels": labels, "found": found,
        "corrections": sum(p["ok"] for p in pairs) / len(pairs) if pairs else 1.0, "pairs": len(pairs),
        "corrections_ok": sum(p["ok"] for p in pairs),
        "corrections_when_stored": sum(p["ok"] for p in cond) / len(cond) if cond else 1.0, "cond": len(cond),
        "seconds_per_turn": sum(secs) / len(secs) if secs else 0.0,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", default="heldout", choices=("heldout", "dev", "all"))
    ap.add_argument("--model", action="append", help=f"model ids (default: {', '.join(MODELS)})")
    ap.add_argument("--limit", type=int, default=0, help="dialogs per language (0: all)")
    ap.add_argument("--save", type=Path)
    ap.add_argument("--only", default="", help="comma-separated dialog ids")
    ap.add_argument("--trace", action="store_true", help="log the model's raw answers")
    args = ap.parse_args()

    ok, total, bad = commands_score()
    print(f"explicit commands: {ok}/{total} ({ok / total:.0%})")
    for b in bad:
        print("   ", b)
    dialogs = load("dialogs.jsonl", args.split)
    if args.only:
        dialogs = [d for d in load("dialogs.jsonl") if d["id"] in args.only.split(",")]
    if args.trace:
        import logging

        logging.basicConfig(format="      %(message)s")
        logging.getLogger("app.core.memory").setLevel(logging.DEBUG)
    if args.limit:
        dialogs = [d for lang in ("en", "ru") for d in [x for x in dialogs if x["lang"] == lang][:args.limit]]
    print(f"{len(dialogs)} dialogs ({args.split})")
    saved: dict[str, Any] = {"commands": {"ok": ok, "total": total}}
    met = ok == total
    for model_id in args.model or MODELS:
        print(f"== {model_id}")
        t0 = time.monotonic()
        results = run_model(model_id, dialogs)
        saved[model_id] = results
        print(f"   {time.monotonic() - t0:.0f} s")
        print(f"   {'':4} {'precision':>16} {'recall':>14} {'corrections':>14} {'(old stored)':>14} {'s/turn':>7}")
        for lang in ("en", "ru", None):
            s = summarise(results, lang)
            print(f"   {lang or 'all':4} {s['precision']:6.2f} ({s['correct']:2}/{s['stored']:2})    "
                  f"{s['recall']:5.2f} ({s['found']:2}/{s['labels']:2}) {s['corrections']:6.2f} "
                  f"({s['corrections_ok']}/{s['pairs']})  {s['corrections_when_stored']:6.2f} ({s['cond']:2})"
                  f"    {s['seconds_per_turn']:5.1f}")
        if model_id == MODELS[0]:
            s = summarise(results)
            goal = (s["precision"] >= GOALS["precision"] and s["recall"] >= GOALS["recall"]
                    and s["corrections"] >= GOALS["corrections"])
            met = met and goal
            print(f"   goals (precision >= 0.9, recall >= 0.8, corrections >= 0.8): "
                  f"{'MET' if goal else 'NOT MET'}{'' if args.split == 'heldout' else ' (judged on heldout only)'}")
    if args.save:
        args.save.write_text(json.dumps(saved, ensure_ascii=False, indent=1))
    return 0 if met or args.split != "heldout" else 1


if __name__ == "__main__":
    raise SystemExit(main())
