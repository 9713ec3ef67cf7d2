"""Incremental, crash-safe ingest: unchanged files cost nothing, changes replace chunks
atomically, removals clean every store, cancel/pause, and kill -9 then resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.config import Paths, Settings
from app.core.rag import ingest
from app.core.rag.registry import FileStatus
from app.core.rag.library import DocumentLibrary
from app.core.rag.loaders import DocumentError, open_document
from app.core.types import CancelToken, Cancelled
from tests.fakes.embedder import FakeEmbedder

ROOT = Path(__file__).resolve().parents[3]


def make_paths(tmp_path: Path) -> Paths:
    home = tmp_path / "home"
    return Paths(home / "config", home / "data", home / "cache", home / "models").ensure()


def make_lib(tmp_path: Path, emb: FakeEmbedder | None = None, **kw) -> tuple[DocumentLibrary, FakeEmbedder]:  # type: ignore[no-untyped-def]
    emb = emb or FakeEmbedder()
    embs = {"e5-small": emb}
    lib = DocumentLibrary(make_paths(tmp_path), Settings(), embedder_factory=lambda n: embs.setdefault(n, FakeEmbedder(n)), **kw)
    return lib, emb


def write_docs(folder: Path, n: int = 3, paras: int = 3) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        p = folder / f"doc{i}.txt"
        p.write_text("\n\n".join(f"Document {i} paragraph {j}: topic{i} words about subject{j} " * 6
                                 for j in range(paras)), encoding="utf-8")
        out.append(p)
    return out


def assert_consistent(lib: DocumentLibrary) -> None:
    index = lib.index  # opening the index runs the crash recovery
    c = lib.registry.consistency()
    assert c["chunks"] == c["fts"], c
    assert c["chunks_without_file"] == 0 and c["indexed_count_mismatch"] == 0, c
    assert c["pending"] == 0, c
    live = {i for r in lib.registry.files() for i in lib.registry.chunk_ids(r.path)}
    assert index.ids() == live  # Chroma holds exactly the live chunks


def test_add_then_unchanged_costs_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, emb = make_lib(tmp_path)
    files = write_docs(tmp_path / "docs")
    report = lib.add_paths([tmp_path / "docs"])
    assert report.indexed == 3 and report.unchanged == 0 and report.failed == 0
    assert all(r.status == FileStatus.INDEXED and r.chunks > 0 and r.collection == "docs" for r in lib.files())
    assert_consistent(lib)
    calls = emb.texts
    hashed: list[Path] = []
    real_hash = ingest.file_sha256
    monkeypatch.setattr(ingest, "file_sha256", lambda p, c=None: hashed.append(p) or real_hash(p, c))
    again = lib.add_paths([tmp_path / "docs"])
    assert again.unchanged == 3 and again.indexed == 0
    assert emb.texts == calls and hashed == []  # mtime+size fast path: not even hashed
    # a touched file with the same content is hashed, not re-embedded
    os.utime(files[0], (time.time() + 5, time.time() + 5))
    third = lib.add_paths([tmp_path / "docs"])
    assert third.unchanged == 3 and hashed == [files[0]] and emb.texts == calls
    lib.close()


def test_changed_file_replaces_its_chunks_everywhere(tmp_path: Path) -> None:
    lib, emb = make_lib(tmp_path)
    files = write_docs(tmp_path / "docs")
    lib.add_paths([tmp_path / "docs"])
    old_ids = set(lib.registry.chunk_ids(str(files[1])))
    files[1].write_text("Completely new text about zebras and giraffes in the savanna.", encoding="utf-8")
    report = lib.add_paths([tmp_path / "docs"])
    assert report.indexed == 1 and report.unchanged == 2
    new_ids = set(lib.registry.chunk_ids(str(files[1])))
    assert new_ids and not (new_ids & old_ids)
    assert not (lib.index.ids() & old_ids)
    assert lib.registry.lexical.search("topic1 subject0") == [] or all(
        h.chunk_id not in old_ids for h in lib.registry.lexical.search("topic1 subject0"))
    cites = lib.retrieve("zebras giraffes savanna", (), 3)
    assert cites and cites[0].path == str(files[1]) and "zebras" in cites[0].text
    assert_consistent(lib)
    lib.close()


def test_remove_forgets_file_in_all_stores(tmp_path: Path) -> None:
    lib, _ = make_lib(tmp_path)
    files = write_docs(tmp_path / "docs")
    lib.add_paths([tmp_path / "docs"])
    assert lib.remove(files[0]) == 1
    assert str(files[0]) not in {r.path for r in lib.files()}
    assert_consistent(lib)
    assert lib.remove(tmp_path / "docs") == 2
    assert lib.files() == [] and lib.index.count() == 0 and lib.registry.lexical.count() == 0
    lib.close()


def test_failed_reindex_keeps_the_previous_version(tmp_path: Path) -> None:
    broken: set[str] = set()

    def opener(path: Path, **kw):  # type: ignore[no-untyped-def]
        if str(path) in broken:
            raise DocumentError(path, "the file is damaged")
        return open_document(path, **kw)

    lib, _ = make_lib(tmp_path, open_document=opener)
    files = write_docs(tmp_path / "docs")
    lib.add_paths([tmp_path / "docs"])
    before = lib.registry.chunk_ids(str(files[2]))
    files[2].write_text("changed", encoding="utf-8")
    broken.add(str(files[2]))
    report = lib.add_paths([tmp_path / "docs"])
    res = {str(f.path): f for f in report.files}
    assert res[str(files[2])].status == "failed" and res[str(files[2])].error == "the file is damaged"
    rec = next(r for r in lib.files() if r.path == str(files[2]))
    assert rec.status == FileStatus.FAILED and rec.error == "the file is damaged"
    assert lib.registry.chunk_ids(str(files[2])) == before  # nothing already indexed is lost
    c = lib.registry.consistency()
    assert c["chunks"] == c["fts"] and c["pending"] == 0
    lib.close()


class CancellingEmbedder(FakeEmbedder):
    """Cancels the ingest from inside its first batch: deterministic, whatever the
    batching (on a busy machine the parser runs ahead and batches grow, so a later
    batch number may never come)."""

    def __init__(self, cancel: CancelToken) -> None:
        super().__init__("fake")
        self.cancel = cancel

    def embed_documents(self, texts):  # type: ignore[no-untyped-def]
        if self.calls == 0:
            self.cancel.cancel()
        return super().embed_documents(texts)


def test_cancel_leaves_a_consistent_index(tmp_path: Path) -> None:
    cancel = CancelToken()
    lib, emb = make_lib(tmp_path, CancellingEmbedder(cancel))
    lib.settings.documents.chunk_chars = 200  # many chunks per file
    write_docs(tmp_path / "docs", n=12, paras=6)
    with pytest.raises(Cancelled):
        lib.add_paths([tmp_path / "docs"], cancel=cancel)
    assert len(lib.files()) == 12
    statuses = [r.status for r in lib.files()]
    assert FileStatus.INDEXED in statuses or FileStatus.QUEUED in statuses
    assert_consistent(lib)
    report = lib.resume_pending()
    assert all(r.status == FileStatus.INDEXED for r in lib.files())
    assert report.indexed >= 1
    assert_consistent(lib)
    lib.close()


def test_pause_resume_and_status_events(tmp_path: Path) -> None:
    lib, emb = make_lib(tmp_path)
    events: list[tuple[str, str, str]] = []
    unsubscribe = lib.subscribe(lambda r: events.append((Path(r.path).name, str(r.status), r.detail)))
    write_docs(tmp_path / "docs", n=2)
    lib.pause()
    lib.submit([tmp_path / "docs"])
    time.sleep(0.5)
    assert emb.texts == 0 and lib.paused  # nothing embedded while paused
    lib.resume()
    assert lib.wait_idle(30)
    assert all(r.status == FileStatus.INDEXED for r in lib.files())
    seen = [s for n, s, _ in events if n == "doc0.txt"]
    assert seen[0] == "queued" and "parsing" in seen and "embedding" in seen and seen[-1] == "indexed"
    assert any(d.startswith("embedding ") for n, s, d in events if s == "embedding")
    unsubscribe()
    lib.close()


KILL_SCRIPT = r"""
import sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from tests.fakes.embedder import FakeEmbedder
from app.core.config import Paths, Settings
from app.core.rag.library import DocumentLibrary

class Slow(FakeEmbedder):
    def embed_documents(self, texts):
        time.sleep(0.05)
        return super().embed_documents(texts)

home = Path({home!r})
paths = Paths(home / "config", home / "data", home / "cache", home / "models").ensure()
lib = DocumentLibrary(paths, Settings(), embedder_factory=lambda n: Slow("fake"))
lib.subscribe(lambda r: print(r.status, r.path, flush=True))
lib.add_paths([Path({docs!r})])
print("DONE", flush=True)
"""


def test_kill_mid_ingest_then_resume(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    write_docs(docs, n=30, paras=4)
    home = tmp_path / "home"
    script = tmp_path / "ingest.py"
    script.write_text(KILL_SCRIPT.format(root=str(ROOT), home=str(home), docs=str(docs)))
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    indexed = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("indexed"):
            indexed += 1
            if indexed >= 5:
                break
        assert not line.startswith("DONE"), "ingest finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)

    lib, emb = make_lib(tmp_path)
    recs = lib.files()
    done = [r for r in recs if r.status == FileStatus.INDEXED]
    unfinished = [r for r in recs if r.status in ingest.UNFINISHED]
    assert len(done) >= 5 and unfinished, [r.status for r in recs]
    # Opening the index cleaned vectors that never got their registry commit.
    assert_consistent(lib)
    for r in done:
        assert len(lib.registry.chunk_ids(r.path)) == r.chunks > 0
    report = lib.resume_pending()
    assert report.indexed == len(unfinished)
    assert len(lib.files()) == 30 and all(r.status == FileStatus.INDEXED for r in lib.files())
    assert_consistent(lib)
    assert lib.add_paths([docs]).unchanged == 30
    lib.close()


def test_cross_reference_titles_leave_the_indexed_text_only() -> None:
    from app.core.rag.registry import ChunkRow
    from app.core.rag.ingest import embedding_text
    from app.core.rag.registry import _lexical_text, strip_cross_references

    en = "If not, see Section 12.1, “What other documentation exists on and for a Debian system?”. Done."
    ru = "См. Раздел 14.3, «Я делаю дистрибутив для «вертикального маркетинга». Можно ли?». Да."
    assert strip_cross_references(en) == "If not, see Section 12.1. Done."
    assert strip_cross_references(ru) == "См. Раздел 14.3. Да."
    plain = 'He said "hello" in section two. «Цитата» остаётся.'
    assert strip_cross_references(plain) == plain  # ordinary quotes are content
    assert "documentation" not in embedding_text("FAQ", en)
    row = ChunkRow("id", "/f.txt", "default", 0, 1, "1.1 What", en, 0)
    assert "documentation" not in _lexical_text(row)
    assert row.text == en  # what the user sees and citations quote is untouched


def test_embedder_reads_the_chunk_with_its_own_heading_only() -> None:
    from app.core.rag.registry import ChunkRow
    from app.core.rag.ingest import embedding_text
    from app.core.rag.registry import _lexical_text

    path = "Chapter 1 Definitions and overview / 1.7 How does one pronounce Debian?"
    assert embedding_text(path, "Deb-ee-an.") == "1.7 How does one pronounce Debian?\nDeb-ee-an."
    assert embedding_text("", "text") == "text"
    row = ChunkRow("id", "/f.pdf", "default", 0, 12, path, "Deb-ee-an.", 0)
    assert "Definitions and overview" in _lexical_text(row)  # BM25 keeps the whole path

