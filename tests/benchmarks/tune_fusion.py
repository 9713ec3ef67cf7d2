"""Choose the fusion weights on the dev part of the answer set; check them on held-out.

Uses bench_answers.py's cached index (all evaluation documents in one library) and
scores MRR@10 / hit@5 of the gold place for every lexical weight of a grid, per
question language, on the dev part; then prints dense, lexical, today's fusion and the
chosen weights on the held-out part. The heading gold stays a regression test:
run bench_retrieval.py after changing FusionParams.

    .venv/bin/python tests/benchmarks/tune_fusion.py [--grid 0,0.2,0.4,...]
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_answers as ba  # noqa: E402  (sets up the offline environment)

import answer_eval as ev  # noqa: E402
from app.core.config import Settings  # noqa: E402
from app.core.rag import fusion  # noqa: E402
from app.core.rag.library import DocumentLibrary  # noqa: E402


def scores(lib: DocumentLibrary, items: list[ev.Item], params: fusion.FusionParams, mode: str = "fusion") -> tuple[float, float]:
    mrr = hit5 = 0.0
    for it in items:
        ranked = lib.search(it.question, (), 10, params=params, mode=mode)
        rows = lib.registry.chunk_rows([s.chunk_id for s, _ in ranked])
        r = ev.rank_of_gold(it, [(rows[s.chunk_id].path, rows[s.chunk_id].page) for s, _ in ranked if s.chunk_id in rows])
        if r is not None:
            mrr += 1 / r
            hit5 += r <= 5
    return mrr / len(items), hit5 / len(items)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--grid", default="0,0.2,0.4,0.6,0.8,1.0,1.2,1.6,2.0,3.0")
    ap.add_argument("--rare", default="1,2,3,4")
    args = ap.parse_args()
    home = ba.indexed_home()
    lib = DocumentLibrary(ba._paths(home), Settings())
    try:
        for lang in ("en", "ru"):
            dev = [i for i in ev.items("dev", ("doc",)) if i.lang == lang]
            held = [i for i in ev.items("heldout", ("doc",)) if i.lang == lang]
            print(f"== {lang.upper()} questions: dev n={len(dev)}, held-out n={len(held)}")
            for mode in ("dense", "lexical"):
                d, h = scores(lib, dev, fusion.DEFAULT, mode), scores(lib, held, fusion.DEFAULT, mode)
                print(f"  {mode:8}            dev MRR {d[0]:.3f} hit5 {d[1]:.3f} | held-out MRR {h[0]:.3f} hit5 {h[1]:.3f}")
            best = None
            for w in (float(x) for x in args.grid.split(",")):
                for rw in (float(x) for x in args.rare.split(",")):
                    p = replace(fusion.DEFAULT, lexical_weight=w, rare_weight=rw)
                    d = scores(lib, dev, p)
                    print(f"  lexical {w:3.1f} rare {rw:3.1f}  dev MRR {d[0]:.3f} hit5 {d[1]:.3f}")
                    if best is None or d[0] > best[0][0] + 1e-9:
                        best = (d, p)
            assert best is not None
            h = scores(lib, held, best[1])
            now = scores(lib, held, fusion.DEFAULT)
            print(f"  chosen on dev: lexical {best[1].lexical_weight} rare {best[1].rare_weight}: held-out MRR {h[0]:.3f} "
                  f"hit5 {h[1]:.3f} (today's weights: MRR {now[0]:.3f} hit5 {now[1]:.3f})")
    finally:
        lib.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
