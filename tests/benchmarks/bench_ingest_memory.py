"""Peak memory while indexing 1,000+ real pages, beyond the loaded models.

Real text PDFs (Debian FAQ EN/RU, ltnews, texlive-ru) copied under distinct names until
they add up to 1,000+ pages. The embedder and Chroma are loaded and warmed first; the
baseline RSS is taken then, and a sampler thread records the peak RSS during
add_paths. Goal: peak - baseline <= 2 GB.

    .venv/bin/python tests/benchmarks/bench_ingest_memory.py [--embedder minilm] [--pages 1000]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.main import offline_environment  # noqa: E402

offline_environment()

import psutil  # noqa: E402

from app.core.config import Paths, Settings  # noqa: E402
from app.core.rag.library import DocumentLibrary  # noqa: E402

DOCS = ROOT / "tests" / ".data" / "docs"
SOURCES = [DOCS / "debian-faq" / "en" / "debian-faq.en.pdf", DOCS / "debian-faq" / "ru" / "debian-faq.ru.pdf",
           DOCS / "texlive" / "ltnews.pdf", DOCS / "texlive" / "texlive-ru.pdf"]
GOAL = 2 * 1024**3


def pages_of(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedder", default="minilm")
    ap.add_argument("--pages", type=int, default=1000)
    args = ap.parse_args()
    proc = psutil.Process()
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        total, k = 0, 0
        while total < args.pages:
            src = SOURCES[k % len(SOURCES)]
            shutil.copy(src, docs / f"{k:03d}-{src.name}")
            total += pages_of(src)
            k += 1
        home = Path(tmp) / "home"
        paths = Paths(home / "config", home / "data", home / "cache", home / "models").ensure()
        settings = Settings()
        settings.documents.embedder = args.embedder
        settings.generation.n_threads = 2
        lib = DocumentLibrary(paths, settings)
        lib.embedder.embed_documents(["warm up"] * 32)
        lib.index  # Chroma loaded
        base = proc.memory_info().rss
        peak = [base]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.05):
                peak[0] = max(peak[0], proc.memory_info().rss)

        threading.Thread(target=sample, daemon=True).start()
        t0 = time.perf_counter()
        report = lib.add_paths([docs])
        seconds = time.perf_counter() - t0
        stop.set()
        chunks = lib.registry.chunk_count()
        lib.close()
    extra = peak[0] - base
    print(f"== Ingest memory: {k} PDFs, {total} pages, {chunks} chunks, embedder {args.embedder}")
    print(f"  indexed {report.indexed}, failed {report.failed}, {seconds:.0f} s ({total / seconds:.2f} pages/s)")
    print(f"  RSS with models loaded {base / 2**20:.0f} MB; peak while indexing {peak[0] / 2**20:.0f} MB")
    print(f"  peak beyond loaded models: {extra / 2**20:.0f} MB = {extra / GOAL:.2f} x the 2 GB budget "
          f"({'MET' if extra <= GOAL else 'not met'})")
    return 0 if extra <= GOAL and report.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
