"""Query latency (embed + dense search + BM25 + fuse) at 100,000 chunks.

The index is synthesised for speed: chunk texts are shuffled sentences of the real
Debian FAQ (EN + RU) with random words mixed in, vectors are random unit vectors; the
queries are the real gold questions, embedded by the real e5-small model.
Goal: p95 <= 150 ms.

    .venv/bin/python tests/benchmarks/bench_query_latency.py [--chunks 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.main import offline_environment  # noqa: E402

offline_environment()

import numpy as np  # noqa: E402

from app.core.config import Paths, Settings  # noqa: E402
from app.core.rag.ingest import chunk_id  # noqa: E402
from app.core.rag.registry import ChunkRow  # noqa: E402
from app.core.rag.library import DocumentLibrary  # noqa: E402

EVAL = ROOT / "tests" / "data" / "eval"
GOAL_MS = 150.0


def sentences() -> list[str]:
    out: list[str] = []
    for lang in ("en", "ru"):
        for line in (EVAL / f"gold_{lang}.jsonl").read_text("utf-8").splitlines():
            out += [s.strip() for s in re.split(r"(?<=[.!?])\s+", json.loads(line)["answer"]) if len(s.strip()) > 20]
    return out


def build(lib: DocumentLibrary, n_chunks: int, per_file: int = 100) -> None:
    rnd = random.Random(7)
    sents = sentences()
    words = " ".join(sents).split()
    dim = lib.embedder.dim
    rng = np.random.default_rng(7)
    index = lib.index
    t0 = time.perf_counter()
    for f in range(n_chunks // per_file):
        path = f"/synthetic/folder{f % 10}/file{f}.txt"
        sha = f"{f:064x}"
        rows = []
        for k in range(per_file):
            text = " ".join(rnd.sample(sents, 4)) + " " + " ".join(rnd.sample(words, 12))
            rows.append(ChunkRow(chunk_id(path, sha, k), path, f"folder{f % 10}", k, k // 3 + 1, "", text[:800]))
        vecs = rng.standard_normal((per_file, dim)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        index.add([r.chunk_id for r in rows], vecs,
                  [{"path": path, "collection": r.collection, "page": r.page} for r in rows])
        lib.registry.commit_file(path, rows[0].collection, sha, 0.0, 0, None, rows, lib.embedder.name)
        if f % 100 == 99:
            print(f"  built {(f + 1) * per_file} chunks in {time.perf_counter() - t0:.0f} s", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--home", type=Path, default=None,
                    help="keep the synthetic index here and reuse it on the next run (profiling)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile of the timed queries")
    args = ap.parse_args()
    queries = [json.loads(line)["query"] for lang in ("en", "ru")
               for line in (EVAL / f"gold_{lang}.jsonl").read_text("utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        home = args.home or Path(tmp)
        home.mkdir(parents=True, exist_ok=True)
        paths = Paths(home / "config", home / "data", home / "cache", home / "models").ensure()
        settings = Settings()
        settings.generation.n_threads = 2
        lib = DocumentLibrary(paths, settings)
        print(f"== Query latency at {args.chunks} chunks (e5-small query embedding)")
        if lib.registry.chunk_count() != args.chunks:
            build(lib, args.chunks)
        assert lib.index.count() == lib.registry.chunk_count() == args.chunks
        for q in queries[:5]:  # warm caches
            lib.search(q, (), 5)
        totals, embeds = [], []
        prof = None
        if args.profile:
            import cProfile

            prof = cProfile.Profile()
            prof.enable()
        for q in queries:
            t0 = time.perf_counter()
            lib.embedder.embed_query(q)
            embeds.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            lib.search(q, (), 5)
            totals.append((time.perf_counter() - t0) * 1000)
        filtered = []
        for q in queries[:60]:
            t0 = time.perf_counter()
            lib.search(q, ("folder1", "folder2"), 5)
            filtered.append((time.perf_counter() - t0) * 1000)
        if prof is not None:
            import pstats

            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(35)
        lib.close()

    def p95(v: list[float]) -> float:
        return float(np.percentile(v, 95))

    print(f"  embed only     : p50 {statistics.median(embeds):6.1f} ms  p95 {p95(embeds):6.1f} ms")
    print(f"  embed+search+fuse (all collections): p50 {statistics.median(totals):6.1f} ms  p95 {p95(totals):6.1f} ms")
    print(f"  embed+search+fuse (2 of 10 collections): p50 {statistics.median(filtered):6.1f} ms  p95 {p95(filtered):6.1f} ms")
    worst = max(p95(totals), p95(filtered))
    print(f"  p95 / goal = {worst / GOAL_MS:.2f} (goal p95 <= {GOAL_MS:.0f} ms: {'MET' if worst <= GOAL_MS else 'not met'})")
    return 0 if worst <= GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
