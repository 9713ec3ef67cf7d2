"""Does query expansion by the local model pay for its latency? (measured, not kept)

For every document question of a part, the 1.5B model writes an expansion, and the
gold place's rank is compared with and without it appended to the query, for dense,
lexical and fusion search over bench_answers.py's cached index. Two expansions:
- ``answer``: a one-sentence hypothetical answer "as the documentation would put it"
  (HyDE);
- ``keywords``: up to six search keywords (commands, packages, options, files).

Measured on the dev part (2 cores, 2026-11-30), fusion MRR@10 / hit@3:
    EN (n=33)  question 0.793 / 0.818   +answer 0.824 / 0.879   +keywords 0.826 / 0.879
    RU (n=31)  question 0.737 / 0.871   +answer 0.669 / 0.774   +keywords 0.731 / 0.806
at 3.7 s (answer) and 2.2 s (keywords) of generation before the search. Russian
retrieval gets worse (the model's Russian guesses name the wrong tools: "npm install"
for an aptitude question), and the English misses of the held-out sample were the
model misreading a passage it had been given, not retrieval; so Sova does not expand
queries. Expansions are cached in tests/.data/bench-answers/expansions-*.json.

    .venv/bin/python tests/benchmarks/probe_expansion.py [--split dev] [--kind answer|keywords]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_answers as ba  # noqa: E402  (sets up the offline environment)

import answer_eval as ev  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.core.rag.library import DocumentLibrary  # noqa: E402

PROMPTS = {
    "answer": {
        "en": "Answer briefly in one sentence, as the software documentation would, naming the exact command, "
              "package, option or file:\n\n{q}",
        "ru": "Ответь кратко одним предложением, как ответила бы документация к программе, назови точную команду, "
              "пакет, параметр или файл:\n\n{q}",
    },
    "keywords": {
        "en": "List up to six search keywords (exact command, package, option, file or config names) that the answer "
              "to this question in Debian documentation would contain. Keywords only, comma-separated.\n\n"
              "Question: {q}",
        "ru": "List up to six search keywords (exact command, package, option, file or config names) that the answer "
              "to this question in Debian documentation would contain, in the question's language where they are "
              "words. Keywords only, comma-separated.\n\nQuestion: {q}",
    },
}


def expansions(items: list[ev.Item], kind: str, split: str) -> dict[str, str]:
    """The model's expansion of every question (cached per kind and part)."""
    cache = ba.CACHE / f"expansions-{kind}-{split}.json"
    out: dict[str, str] = json.loads(cache.read_text()) if cache.exists() else {}
    todo = [i for i in items if i.id not in out]
    if todo:
        from llama_cpp import Llama

        gguf = Path(os.environ["SOVA_MODELS_DIR"]) / "qwen2.5-coder-1.5b.gguf"
        llm = Llama(model_path=str(gguf), n_ctx=1024, n_threads=2, verbose=False, use_extra_bufts=False)
        took = []
        for it in todo:
            t0 = time.monotonic()
            reply = llm.create_chat_completion(
                [{"role": "user", "content": PROMPTS[kind][it.lang].format(q=it.question)}],
                max_tokens=48, temperature=0.0, seed=7)
            out[it.id] = str(reply["choices"][0]["message"]["content"]).strip()
            took.append(time.monotonic() - t0)
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(out, ensure_ascii=False, indent=1))
        print(f"generated {len(took)} expansions, median {sorted(took)[len(took) // 2]:.1f} s")
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="dev", choices=("dev", "heldout"))
    ap.add_argument("--kind", default="answer", choices=tuple(PROMPTS))
    args = ap.parse_args()
    items = ev.items(args.split, ("doc",))
    exp = expansions(items, args.kind, args.split)
    lib = DocumentLibrary(ba._paths(ba.indexed_home()), Settings())

    def rank(it: ev.Item, query: str, mode: str) -> int | None:
        ranked = lib.search(query, (), 10, mode=mode)
        rows = lib.registry.chunk_rows([s.chunk_id for s, _ in ranked])
        return ev.rank_of_gold(it, [(rows[s.chunk_id].path, rows[s.chunk_id].page) for s, _ in ranked
                                    if s.chunk_id in rows])

    try:
        for ql, dl in ba.PAIRS:
            qs = [i for i in items if i.lang == ql and ba.doc_language(i) == dl]
            if not qs:
                continue
            for expanded in (False, True):
                for mode in ("dense", "lexical", "fusion"):
                    ranks = [rank(i, f"{i.question}\n{exp[i.id]}" if expanded else i.question, mode) for i in qs]
                    mrr = sum(1 / r for r in ranks if r) / len(ranks)
                    hit3 = sum(1 for r in ranks if r and r <= 3) / len(ranks)
                    label = f"+{args.kind}" if expanded else "question"
                    print(f"{ql.upper()}->{dl.upper()} n={len(qs):2} {label:9} {mode:8} MRR@10 {mrr:.3f} hit@3 {hit3:.3f}")
    finally:
        lib.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
