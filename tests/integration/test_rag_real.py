"""Documents end to end with the REAL embedders on the REAL Debian FAQ (fetched by
tests/data/fetch_docs.sh): parse, chunk, embed, index, retrieve the right page."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.config import Paths, Settings
from app.core.rag.embedder import E5Embedder, SentenceTransformerEmbedder, create_embedder
from app.core.rag.registry import FileStatus
from app.core.rag.library import DocumentLibrary

ROOT = Path(__file__).resolve().parents[2]


def _library(tmp_path: Path, embedder: str) -> DocumentLibrary:
    home = tmp_path / "home"
    paths = Paths(home / "config", home / "data", home / "cache", home / "models").ensure()
    settings = Settings()
    settings.documents.embedder = embedder
    settings.generation.n_threads = 2
    return DocumentLibrary(paths, settings)


def test_real_embedders_load_and_agree_with_themselves() -> None:
    e5 = create_embedder("e5-small")
    assert isinstance(e5, E5Embedder) and e5.dim == 384
    mini = create_embedder("minilm")
    assert isinstance(mini, SentenceTransformerEmbedder) and mini.dim == 384 and mini.name == "minilm"
    for emb in (e5, mini):
        docs = emb.embed_documents(["Debian is a free operating system.", "Кошки любят спать на солнце.",
                                    "The cat sleeps in the sun."])
        q = emb.embed_query("Which operating system is free?")
        assert docs.shape == (3, 384) and abs(float((docs[0] ** 2).sum()) - 1) < 1e-4
        assert int((docs @ q).argmax()) == 0
    # e5 is multilingual: a Russian question finds the English passage
    q = e5.embed_query("Где спит кот?")
    d = e5.embed_documents(["The cat sleeps in the sun.", "Debian is a free operating system."])
    assert float(d[0] @ q) > float(d[1] @ q)


def test_russian_faq_pdf_cites_the_right_page(fetched: Path, tmp_path: Path) -> None:
    pdf = fetched / "docs" / "debian-faq" / "ru" / "debian-faq.ru.pdf"
    lib = _library(tmp_path, "e5-small")
    statuses: list[str] = []
    lib.subscribe(lambda r: statuses.append(str(r.status)))
    report = lib.add_paths([pdf])
    assert report.indexed == 1 and report.failed == 0
    rec = lib.files()[0]
    assert rec.status == FileStatus.INDEXED and rec.pages == 75 and rec.chunks > 100
    assert "parsing" in statuses and "embedding" in statuses
    cites = lib.retrieve("Как произносится слово Debian?", (), 5)
    assert cites, "a real question must find passages"
    assert cites[0].page == 12, [(c.page, c.text[:60]) for c in cites]
    assert "Дебиан" in cites[0].text
    # Unrelated questions find nothing (the assistant then says so instead of guessing).
    assert lib.retrieve("Какой рецепт у борща?", (), 5) == []
    assert lib.retrieve("Who won the football World Cup in 1998?", (), 5) == []
    # Unchanged on the second run: no parsing, no embedding.
    again = lib.add_paths([pdf])
    assert again.unchanged == 1 and again.indexed == 0
    lib.close()


def test_minilm_on_the_english_faq(fetched: Path, tmp_path: Path) -> None:
    pdf = fetched / "docs" / "debian-faq" / "en" / "debian-faq.en.pdf"
    lib = _library(tmp_path, "minilm")
    assert lib.add_paths([pdf]).indexed == 1
    cites = lib.retrieve("How does one pronounce Debian?", (), 5)
    assert cites and cites[0].page == 11, [(c.page, c.text[:60]) for c in cites]
    assert lib.retrieve("What is the best recipe for chocolate chip cookies?", (), 5) == []
    lib.close()


def test_cli_index_command(fetched: Path, tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text("Sova indexes documents offline and answers with citations.", encoding="utf-8")
    (docs / "bad.pdf").write_bytes(b"not a pdf at all")
    env = dict(os.environ, SOVA_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-m", "app", "index", str(docs)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "1 indexed, 0 unchanged, 1 failed" in proc.stderr
    assert "bad.pdf" in proc.stderr
    again = subprocess.run([sys.executable, "-m", "app", "index", str(docs)], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=300)
    assert "0 indexed, 1 unchanged" in again.stderr


def test_bad_input_each_gets_a_status_and_nothing_is_lost(fetched: Path, tmp_path: Path) -> None:
    """Real broken/encrypted/image-only PDFs with the real MiniLM embedder."""
    import shutil

    d = fetched / "docs"
    folder = tmp_path / "inbox"
    folder.mkdir()
    for src in [d / "pypdf" / "crazyones.pdf", d / "pypdf" / "crazyones-encrypted-256.pdf",
                d / "ocrmypdf" / "invalid.pdf", d / "pikepdf" / "fuzz" / "378014596.pdf",
                d / "ocrmypdf" / "linn.pdf"]:
        shutil.copy(src, folder / src.name)
    (folder / "zero.pdf").write_bytes(b"")
    (folder / "program.pdf").write_bytes(Path(sys.executable).read_bytes()[:200_000])
    (folder / "latin1.txt").write_bytes("Café crème brûlée, déjà vu à Paris. ".encode("latin-1") * 20)
    lib = _library(tmp_path, "minilm")
    first = lib.add_paths([d / "debian-faq" / "en" / "debian-faq.en.txt"])
    assert first.indexed == 1
    kept = lib.registry.chunk_count()
    seen: list[tuple[str, str]] = []
    lib.subscribe(lambda r: seen.append((Path(r.path).name, str(r.status))))
    report = lib.add_paths([folder])
    res = {f.path.name: f for f in report.files}
    assert res["crazyones.pdf"].status == "indexed"
    assert res["latin1.txt"].status == "indexed"
    assert res["linn.pdf"].status == "indexed" and ("linn.pdf", "ocr") in seen
    assert res["crazyones-encrypted-256.pdf"].status == "password"
    for name in ("invalid.pdf", "zero.pdf", "program.pdf"):
        assert res[name].status == "failed" and res[name].error, name
    assert res["378014596.pdf"].status in ("failed", "indexed")
    assert lib.registry.chunk_count() >= kept + 3  # nothing already indexed was lost
    assert len(lib.registry.chunk_ids(str(d / "debian-faq" / "en" / "debian-faq.en.txt"))) > 0
    enc = folder / "crazyones-encrypted-256.pdf"
    assert lib.set_password(enc, "wrong").files[0].status == "password"
    assert lib.set_password(enc, "password").indexed == 1
    assert lib.retrieve("Here's to the crazy ones, the misfits", (), 3)
    c = lib.registry.consistency()
    assert c["chunks"] == c["fts"] and c["pending"] == 0 and c["indexed_count_mismatch"] == 0
    lib.close()
