"""Retrieval quality on the Debian FAQ gold: dense, lexical and Sova's fusion.

Indexes the gold answers (one file per section) through the real pipeline (loader,
chunker, embedder, Chroma, FTS5), asks the headings as questions and scores whether a
chunk of the right section comes back: hit@1, hit@5, MRR@10 for EN->EN, RU->RU, RU->EN.
Also: the exact-term queries (tests/data/eval/exact_terms.jsonl) where fusion must beat
dense, and the nothing-relevant threshold on off-topic questions.

    .venv/bin/python tests/benchmarks/bench_retrieval.py [--embedder e5-small|minilm]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.main import offline_environment  # noqa: E402

offline_environment()

from app.core.config import Paths, Settings  # noqa: E402
from app.core.rag.library import DocumentLibrary  # noqa: E402

EVAL = ROOT / "tests" / "data" / "eval"
GOALS = {("en", "en"): 0.70, ("ru", "ru"): 0.60, ("ru", "en"): 0.55}
MODES = ("dense", "lexical", "fusion")


@dataclass
class Scores:
    hit1: float
    hit5: float
    mrr10: float
    n: int

    def __str__(self) -> str:
        return f"hit@1 {self.hit1:.3f}  hit@5 {self.hit5:.3f}  MRR@10 {self.mrr10:.3f}  (n={self.n})"


def load_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def build_library(lang: str, home: Path, embedder: str, chunk_chars: int | None = None,
                  overlap: int | None = None) -> DocumentLibrary:
    """A library over the gold answers of one language, one .txt file per section."""
    docs = home / f"docs-{lang}"
    docs.mkdir(parents=True, exist_ok=True)
    for row in load_jsonl(EVAL / f"gold_{lang}.jsonl"):
        (docs / f"{row['sid']}.txt").write_text(row["answer"], encoding="utf-8")
    h = home / f"home-{lang}"
    paths = Paths(h / "config", h / "data", h / "cache", h / "models").ensure()
    settings = Settings()
    settings.documents.embedder = embedder
    if chunk_chars:
        settings.documents.chunk_chars = chunk_chars
    if overlap is not None:
        settings.documents.chunk_overlap = overlap
    lib = DocumentLibrary(paths, settings)
    report = lib.add_paths([docs])
    assert report.failed == 0, [f for f in report.files if f.error]
    return lib


def score(lib: DocumentLibrary, queries: list[tuple[str, str]], mode: str) -> Scores:
    h1 = h5 = mrr = 0.0
    for query, sid in queries:
        ranked = [Path(s.chunk_id and lib.registry.chunk_rows([s.chunk_id])[s.chunk_id].path).stem
                  for s, _ in lib.search(query, (), 10, mode=mode)]
        if ranked[:1] == [sid]:
            h1 += 1
        if sid in ranked[:5]:
            h5 += 1
        if sid in ranked[:10]:
            mrr += 1.0 / (ranked.index(sid) + 1)
    n = len(queries)
    return Scores(h1 / n, h5 / n, mrr / n, n)


def evaluate(embedder: str = "e5-small", modes: tuple[str, ...] = MODES, home: Path | None = None,
             chunk_chars: int | None = None, overlap: int | None = None) -> dict:
    """{(qlang, dlang, kind, mode): Scores} plus threshold figures under ("relevance", ...)."""
    tmp = tempfile.TemporaryDirectory() if home is None else None
    home = home or Path(tmp.name)  # type: ignore[union-attr]
    out: dict = {}
    libs = {}
    try:
        for lang in ("en", "ru"):
            t0 = time.monotonic()
            libs[lang] = build_library(lang, home, embedder, chunk_chars, overlap)
            out[("ingest_seconds", lang)] = time.monotonic() - t0
        gold = {lang: [(r["query"], r["sid"]) for r in load_jsonl(EVAL / f"gold_{lang}.jsonl")] for lang in ("en", "ru")}
        exact = load_jsonl(EVAL / "exact_terms.jsonl")
        for (ql, dl) in GOALS:
            for mode in modes:
                out[(ql, dl, "gold", mode)] = score(libs[dl], gold[ql], mode)
        for lang in ("en", "ru"):
            qs = [(r["query"], r["sid"]) for r in exact if r["lang"] == lang]
            for mode in modes:
                out[(lang, lang, "exact", mode)] = score(libs[lang], qs, mode)
        # Nothing-relevant threshold: real questions must keep citations, off-topic lose them.
        off = load_jsonl(EVAL / "offtopic.jsonl")
        for (ql, dl) in GOALS:
            lib = libs[dl]
            found = [lib.find(q, (), 5) for q, _ in gold[ql]]
            kept = sum(bool(f.citations) for f in found)  # passed the similarity threshold
            answerable = sum(f.answerable for f in found)  # ... and grounding (grounding.py)
            passed = sum(bool(lib.retrieve(o["query"], (), 5)) for o in off if o["lang"] == ql)
            n_off = sum(1 for o in off if o["lang"] == ql)
            out[("relevance", ql, dl)] = (kept / len(gold[ql]), passed, n_off)
            out[("answerable", ql, dl)] = answerable / len(gold[ql])
        t0 = time.perf_counter()
        for q, _ in gold["en"][:50]:
            libs["en"].retrieve(q, (), 5)
        out[("query_ms",)] = (time.perf_counter() - t0) / 50 * 1000
    finally:
        for lib in libs.values():
            lib.close()
        if tmp is not None:
            tmp.cleanup()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedder", default="e5-small")
    ap.add_argument("--chunk-chars", type=int, default=None, help="chunk size to try (default: the setting's)")
    ap.add_argument("--overlap", type=int, default=None, help="chunk overlap to try (default: the setting's)")
    args = ap.parse_args()
    res = evaluate(args.embedder, chunk_chars=args.chunk_chars, overlap=args.overlap)
    d = Settings().documents
    print(f"== Retrieval on the Debian FAQ gold, embedder {args.embedder}, "
          f"chunks {args.chunk_chars or d.chunk_chars} chars, overlap {d.chunk_overlap if args.overlap is None else args.overlap}")
    ok = True
    for (ql, dl), goal in GOALS.items():
        print(f"{ql.upper()}->{dl.upper()}")
        for mode in MODES:
            print(f"  {mode:8} {res[(ql, dl, 'gold', mode)]}")
        fused = res[(ql, dl, "gold", "fusion")].mrr10
        best_single = max(res[(ql, dl, "gold", m)].mrr10 for m in ("dense", "lexical"))
        met = fused >= goal
        ok &= fused >= best_single - 1e-9
        print(f"  fusion/best single = {fused / best_single:.3f} (must be >= 1.0: {'yes' if fused >= best_single - 1e-9 else 'NO'}); "
              f"goal MRR@10 >= {goal}: {'MET' if met else 'not met'} ({fused:.3f})")
    print("Exact-term queries (numbers, codes, paths, package names)")
    for lang in ("en", "ru"):
        for mode in MODES:
            print(f"  {lang.upper()} {mode:8} {res[(lang, lang, 'exact', mode)]}")
        d, f = res[(lang, lang, "exact", "dense")].mrr10, res[(lang, lang, "exact", "fusion")].mrr10
        print(f"  {lang.upper()} fusion/dense = {f / d:.3f} (must be > 1: {'yes' if f > d else 'NO'})")
    print("Nothing-relevant threshold (real questions that keep citations; off-topic that get some)")
    for (ql, dl) in GOALS:
        kept, passed, n = res[("relevance", ql, dl)]
        print(f"  {ql.upper()}->{dl.upper()}: real kept {kept:.1%} (also grounded: {res[('answerable', ql, dl)]:.1%}); "
              f"off-topic with citations {passed}/{n}")
    print(f"Mean retrieve() latency on 112 docs: {res[('query_ms',)]:.1f} ms; "
          f"ingest EN {res[('ingest_seconds', 'en')]:.1f}s, RU {res[('ingest_seconds', 'ru')]:.1f}s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
