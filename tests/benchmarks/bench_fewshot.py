"""Learning before training: do rated examples bring answers closer to the rated ones?

tests/data/feedback/fewshot.jsonl holds 36 rated question/answer pairs with details no
model could guess (names, codes, numbers), 24 reworded later questions that mean the
same as one of them and 12 questions about something else. The pairs are stored as
ratings through the facade (half as 5-star answers, half as the user's correction of
a disliked answer); then each later question is asked through Sova's real answer
pipeline and model twice, with rated examples on and off. Printed:

- matching: for the reworded questions, whether the right pair was given (correct,
  wrong pair, none); for the other questions, whether any pair was given;
- closeness to the rated answer, with vs without the example: the share of the pair's
  distinctive details (``keywords``) in the answer and token F1 against the rated
  answer; per language and per half (ids 01-06 / 07-12; the similarity floor was set
  from all 36 pairs: 0.81, just above the highest score of a different question).

    .venv/bin/python tests/benchmarks/bench_fewshot.py [--model qwen2.5-coder-1.5b]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core.assistant import Assistant  # noqa: E402
from app.core.config import GenerationSettings, MemorySettings, Paths, Settings, user_paths  # noqa: E402
from app.core.types import DoneEvent  # noqa: E402
from tests.fakes.llm import FakeLLM  # noqa: E402

DATA = ROOT / "tests" / "data" / "feedback" / "fewshot.jsonl"
WORD = re.compile(r"\w+", re.UNICODE)


def f1(answer: str, reference: str) -> float:
    a, r = Counter(WORD.findall(answer.lower())), Counter(WORD.findall(reference.lower()))
    common = sum((a & r).values())
    if not common:
        return 0.0
    p, rc = common / sum(a.values()), common / sum(r.values())
    return 2 * p * rc / (p + rc)


def keyword_share(answer: str, keywords: list[str]) -> float:
    low = answer.lower().replace("ё", "е")
    return sum(k.lower().replace("ё", "е") in low for k in keywords) / len(keywords)


def ask(a: Assistant, question: str) -> DoneEvent:
    cid = a.new_conversation().id
    done = [e for e in a.ask(cid, question) if isinstance(e, DoneEvent)]
    return done[0]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default="qwen2.5-coder-1.5b")
    args = ap.parse_args()
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()]
    tmp = Path(tempfile.mkdtemp(prefix="sova-bench-fewshot-"))
    paths = Paths(tmp / "config", tmp / "data", tmp / "cache", user_paths().models).ensure()
    settings = Settings(active_model=args.model, auto_titles=False, memory=MemorySettings(enabled=False),
                        generation=GenerationSettings(temperature=0.0, max_tokens=200, n_threads=2, seed=7))
    fake = FakeLLM()
    seed = Assistant(paths, settings, llm_factory=lambda info, s: fake)
    rating_of: dict[int, str] = {}
    for i, r in enumerate(rows):
        if i % 2:
            fake.reply = "I am not sure, please check with your administrator."
            if r["lang"] == "ru":
                fake.reply = "Не уверена, уточните у администратора."
            mid = ask(seed, r["rated_question"]).message.id
            rating = seed.rate_answer(mid, thumb=-1, correction=r["rated_answer"])
        else:
            fake.reply = r["rated_answer"]
            rating = seed.rate_answer(ask(seed, r["rated_question"]).message.id, stars=5)
        rating_of[rating.id] = r["id"]
    seed.close()

    a = Assistant(paths, settings)
    a.load_model()
    results = []
    for r in rows:
        a.settings.learning.examples = True
        on = ask(a, r["question"]).message
        used = on.details.get("rated_example")
        given = rating_of.get(used["rating_id"]) if used else None
        off = None
        if r["kind"] == "related":
            a.settings.learning.examples = False
            off = ask(a, r["question"]).message
        results.append((r, on, off, given, used["similarity"] if used else None))
        print(f"  {r['id']:7} example {given or '-':7} {used['similarity'] if used else '':<6} "
              f"{on.content[:70]!r}", flush=True)
    a.close()

    rel = [x for x in results if x[0]["kind"] == "related"]
    unr = [x for x in results if x[0]["kind"] == "unrelated"]
    correct = sum(1 for r, _, _, g, _ in rel if g == r["id"])
    wrong = sum(1 for r, _, _, g, _ in rel if g is not None and g != r["id"])
    print(f"\n{args.model}: reworded questions: right pair given {correct}/{len(rel)}, a wrong pair {wrong}, "
          f"none {len(rel) - correct - wrong}; other questions given a pair: "
          f"{sum(1 for x in unr if x[3] is not None)}/{len(unr)}")
    for label, pick in (("all", lambda r: True), ("en", lambda r: r["lang"] == "en"), ("ru", lambda r: r["lang"] == "ru"),
                        ("01-06", lambda r: int(r["id"][-2:]) <= 6), ("07-12", lambda r: int(r["id"][-2:]) > 6)):
        part = [x for x in rel if pick(x[0])]
        kw_on = statistics.mean(keyword_share(on.content, r["keywords"]) for r, on, _, _, _ in part)
        kw_off = statistics.mean(keyword_share(off.content, r["keywords"]) for r, _, off, _, _ in part)
        f_on = statistics.mean(f1(on.content, r["rated_answer"]) for r, on, _, _, _ in part)
        f_off = statistics.mean(f1(off.content, r["rated_answer"]) for r, _, off, _, _ in part)
        closer = sum(1 for r, on, off, _, _ in part if f1(on.content, r["rated_answer"]) > f1(off.content, r["rated_answer"]))
        print(f"  {label:6} n={len(part):2}  details found {kw_on:.2f} with vs {kw_off:.2f} without; "
              f"token F1 {f_on:.2f} vs {f_off:.2f}; closer with the example in {closer}/{len(part)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
