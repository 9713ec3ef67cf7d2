"""The table of document kinds: suffixes, content sniffing for mislabeled files, one row
per kind, and heavy parsers imported only when a file of their kind is opened."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest

from app.core.rag import loaders
from app.core.rag.loaders import kinds, text
from app.core.rag.loaders.base import DocumentStream, Options, Section
from app.core.rag.loaders.kinds import KINDS, SUPPORTED_SUFFIXES, FileKind, kind_of, load_document
from tests.fakes.samples import SAMPLE_TEXT, make_docx, make_document, make_epub, make_pdf

ROOT = Path(__file__).resolve().parents[3]


def test_each_suffix_belongs_to_one_kind_and_is_lower_case() -> None:
    suffixes = [s for k in KINDS for s in k.suffixes]
    assert len(suffixes) == len(set(suffixes)) == len(SUPPORTED_SUFFIXES)
    assert all(s.startswith(".") and s == s.lower() for s in suffixes)
    assert len({k.name for k in KINDS}) == len(KINDS)
    assert loaders.SUPPORTED_SUFFIXES is SUPPORTED_SUFFIXES


def test_kind_of_ignores_case_and_knows_xhtml() -> None:
    assert kind_of(Path("Report.PDF")) == "pdf"
    assert kind_of(Path("page.xhtml")) == "html" and kind_of(Path("old.HTM")) == "html"
    assert kind_of(Path("notes.markdown")) == "markdown" and kind_of(Path("a.text")) == "text"
    assert kind_of(Path("x.exe")) is None and kind_of(Path("README")) is None


@pytest.mark.parametrize("suffix", sorted(s for s in SUPPORTED_SUFFIXES if kind_of(Path("x" + s)) != "image"))
def test_every_suffix_loads_with_its_kind(tmp_path: Path, suffix: str) -> None:
    """(Pictures are read by OCR: tests/integration/test_images_real.py.)"""
    path = make_document(tmp_path / f"sample{suffix}")
    doc = load_document(path)
    assert doc.kind == kind_of(path)
    assert doc.text.endswith(SAMPLE_TEXT) and doc.warnings == []


MISLABELED = [
    ("pdf", ".txt"), ("pdf", ".md"), ("pdf", ".html"), ("pdf", ".docx"),
    ("docx", ".pdf"), ("docx", ".epub"), ("docx", ".txt"),
    ("epub", ".docx"), ("epub", ".pdf"),
]


@pytest.mark.parametrize("real,named", MISLABELED, ids=[f"{r}-as{n}" for r, n in MISLABELED])
def test_a_file_named_for_another_kind_is_read_by_its_content(tmp_path: Path, real: str, named: str) -> None:
    make = {"pdf": make_pdf, "docx": make_docx, "epub": make_epub}[real]
    path = make(tmp_path / f"mislabeled{named}")
    doc = load_document(path)
    assert doc.kind == real
    assert SAMPLE_TEXT in doc.text
    assert any(f"not what the '{named}' name says" in w for w in doc.warnings), doc.warnings


def test_content_that_matches_no_kind_is_judged_by_the_name(tmp_path: Path) -> None:
    # A zip that is neither DOCX nor EPUB stays a (damaged) DOCX: the named kind explains.
    import zipfile

    path = tmp_path / "archive.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("data.bin", b"\0" * 100)
    with pytest.raises(loaders.DocumentError, match="archive.docx: this DOCX file is damaged"):
        load_document(path)


def test_a_new_kind_is_one_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def open_csv(path: Path, head: bytes, opts: Options) -> DocumentStream:
        def sections(stream: DocumentStream) -> Iterator[Section]:
            for row in text.read_text_file(stream).splitlines():
                yield Section(row.replace(",", " | "), None, ())
        return DocumentStream(path, "csv", None, sections)

    monkeypatch.setattr(kinds, "KINDS", (*KINDS, FileKind("csv", "CSV", (".csv",), open_csv)))
    (tmp_path / "table.csv").write_text("port,8000\nhost,localhost\n", encoding="utf-8")
    doc = load_document(tmp_path / "table.csv")
    assert doc.kind == "csv" and [s.text for s in doc.sections] == ["port | 8000", "host | localhost"]
    assert list(loaders.iter_files([tmp_path])) == [tmp_path / "table.csv"]


def test_importing_the_loaders_imports_no_parser() -> None:
    code = ("import sys, app.core.rag.loaders, app.core.filetypes;"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in"
            " {'pypdf', 'bs4', 'lxml', 'docx', 'ebooklib', 'charset_normalizer'}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
