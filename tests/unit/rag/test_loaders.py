"""Loaders on small files made in the test: every format, encodings, checks, folder walk."""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import pytest

from app.core.rag import loaders
from app.core.rag.loaders import base, walk
from app.core.rag.loaders import (
    DocumentError,
    Section,
    clean_text,
    decode_text,
    dehyphenate,
    iter_files,
    iter_sections,
    load_document,
    open_document,
    repair_mojibake,
    text_quality,
)
from app.core.types import Cancelled, CancelToken

RU = "Съешь же ещё этих мягких французских булок, да выпей чаю. Как произносится слово Debian?"


# ---- text and Markdown -----------------------------------------------------------------


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "utf-16", "cp1251", "koi8_r", "cp866"])
def test_text_encodings(tmp_path: Path, codec: str) -> None:
    body = "\n\n".join([RU] * 5)
    path = tmp_path / f"note-{codec}.txt"
    path.write_bytes(body.encode(codec))
    doc = load_document(path)
    assert doc.kind == "text" and doc.pages is None
    assert doc.text == body
    if codec in ("cp1251", "koi8_r", "cp866"):
        assert any(codec.replace("_", "") in w.replace("_", "").replace("-", "") for w in doc.warnings), doc.warnings


def test_short_cp1251_and_koi8_words_decode() -> None:
    for codec in ("cp1251", "koi8_r"):
        text, used = decode_text("Привет, мир! Это тест.".encode(codec))
        assert text == "Привет, мир! Это тест.", (codec, used, text)


def test_plain_text_numbered_headings(tmp_path: Path) -> None:
    path = tmp_path / "faq.txt"
    path.write_text(
        "The FAQ\n\nChapter 1. Basics\n\n1.1. What is it?\n\nIt is a thing.\n\n"
        "1.2. How to say it?\n\nDeb-ee-an.\n\nChapter 2. More\n\n2.1. Where?\n\nHere.\n",
        encoding="utf-8",
    )
    doc = load_document(path)
    paths = {s.text: s.heading_path for s in doc.sections}
    assert paths["The FAQ"] == ()
    assert paths["It is a thing."] == ("Chapter 1. Basics", "1.1. What is it?")
    assert paths["Deb-ee-an."] == ("Chapter 1. Basics", "1.2. How to say it?")
    assert paths["Here."] == ("Chapter 2. More", "2.1. Where?")


def test_markdown_headings_and_code_fences(tmp_path: Path) -> None:
    path = tmp_path / "readme.md"
    path.write_text(
        "Preamble line.\n\n# Title\n\nIntro.\n\n## Install\n\nRun it:\n\n```sh\n# not a heading\napt install x\n```\n\n"
        "### Details\n\nMore.\n\nSetext Two\n----------\n\nUnder setext.\n\n# Other\n\nEnd.\n",
        encoding="utf-8",
    )
    doc = load_document(path)
    assert doc.kind == "markdown"
    got = [(s.heading_path, s.text.splitlines()[0]) for s in doc.sections]
    assert got == [
        ((), "Preamble line."),
        (("Title",), "Intro."),
        (("Title", "Install"), "Run it:"),
        (("Title", "Install", "Details"), "More."),
        (("Title", "Setext Two"), "Under setext."),
        (("Other",), "End."),
    ]
    assert "# not a heading" in doc.sections[2].text


def test_long_text_streams_in_blocks(tmp_path: Path) -> None:
    para = "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 10
    path = tmp_path / "big.txt"
    path.write_text("\n\n".join([para] * 400), encoding="utf-8")
    sections = list(iter_sections(path))
    assert len(sections) > 5
    assert all(len(s.text) <= loaders.TEXT_BLOCK_CHARS for s in sections)


# ---- HTML, DOCX, EPUB ------------------------------------------------------------------


def test_html_headings_and_dropped_parts(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        """<html><head><title>T</title><style>p{color:red}</style></head><body>
        <nav><a href="/">Home</a> navigation junk</nav>
        <div class="navheader">Prev Next</div>
        <h1>Debian FAQ</h1><p>Intro <b>bold</b> text.</p>
        <script>var secret = 1;</script>
        <h2>Pronunciation</h2><p>Deb'-ee-en.</p><ul><li>one</li><li>two</li></ul>
        <h3>Origin</h3><p>Debra and Ian.</p>
        <h2>Other</h2><p>Привет.</p></body></html>""",
        encoding="utf-8",
    )
    doc = load_document(path)
    text = doc.text
    assert "secret" not in text and "color" not in text and "navigation junk" not in text
    assert "Prev Next" not in text
    paths = {s.heading_path: s.text for s in doc.sections}
    assert paths[("Debian FAQ",)] == "Intro bold text."
    assert "Deb'-ee-en." in paths[("Debian FAQ", "Pronunciation")]
    assert "one" in paths[("Debian FAQ", "Pronunciation")]
    assert paths[("Debian FAQ", "Pronunciation", "Origin")] == "Debra and Ian."
    assert paths[("Debian FAQ", "Other")] == "Привет."


def test_html_legacy_charset(tmp_path: Path) -> None:
    path = tmp_path / "old.htm"
    path.write_bytes(
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251"></head>'
        f"<body><h1>Глава</h1><p>{RU}</p></body></html>".encode("cp1251")
    )
    doc = load_document(path)
    assert doc.sections[0].heading_path == ("Глава",) and doc.sections[0].text == RU


def make_docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("Before any heading.")
    d.add_heading("Установка", level=1)
    d.add_paragraph("Первый абзац.")
    d.add_heading("Details", level=2)
    d.add_paragraph("Second paragraph.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "key", "value"
    table.cell(1, 0).text, table.cell(1, 1).text = "port", "8000"
    d.add_heading("Other", level=1)
    d.add_paragraph("Last.")
    d.save(str(path))


def test_docx_heading_styles_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "doc.docx"
    make_docx(path)
    doc = load_document(path)
    assert doc.kind == "docx"
    by_path = {s.heading_path: s.text for s in doc.sections}
    assert by_path[()] == "Before any heading."
    assert by_path[("Установка",)] == "Первый абзац."
    assert "Second paragraph." in by_path[("Установка", "Details")]
    assert "port | 8000" in by_path[("Установка", "Details")]
    assert by_path[("Other",)] == "Last."


def make_epub(path: Path) -> None:
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("sova-test")
    book.set_title("Test book")
    book.set_language("ru")
    chapters = []
    for i, (title, body) in enumerate([("Начало", RU), ("Second chapter", "English body text.")], 1):
        ch = epub.EpubHtml(title=title, file_name=f"ch{i}.xhtml", lang="ru")
        ch.content = f"<html><body><h1>{title}</h1><p>{body}</p><h2>Sub {i}</h2><p>Part {i}.</p></body></html>"
        book.add_item(ch)
        chapters.append(ch)
    book.toc = chapters
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", *chapters]
    epub.write_epub(str(path), book)


def test_epub_chapters_in_spine_order(tmp_path: Path) -> None:
    path = tmp_path / "book.epub"
    make_epub(path)
    doc = load_document(path)
    assert doc.kind == "epub"
    got = [(s.heading_path, s.text) for s in doc.sections if s.heading_path]
    assert got[:4] == [
        (("Начало",), RU), (("Начало", "Sub 1"), "Part 1."),
        (("Second chapter",), "English body text."), (("Second chapter", "Sub 2"), "Part 2."),
    ]


# ---- checks before parsing -------------------------------------------------------------


def test_zero_byte_file(tmp_path: Path) -> None:
    for name in ("empty.pdf", "empty.txt", "empty.docx"):
        path = tmp_path / name
        path.touch()
        with pytest.raises(DocumentError, match=rf"{name}: the file is empty"):
            load_document(path)


def test_binary_renamed(tmp_path: Path) -> None:
    elf = b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 20
    for name, what in (("prog.pdf", "not a valid PDF"), ("prog.txt", "not a text file"),
                       ("prog.docx", "not a valid DOCX"), ("prog.epub", "not a valid EPUB")):
        path = tmp_path / name
        path.write_bytes(elf)
        with pytest.raises(DocumentError) as err:
            load_document(path)
        assert name in str(err.value) and what in str(err.value) and "ELF" in str(err.value)


def test_unsupported_and_missing(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="not supported"):
        load_document(tmp_path / "x.xyz")
    with pytest.raises(DocumentError, match="does not exist"):
        load_document(tmp_path / "gone.pdf")
    with pytest.raises(DocumentError, match="folder"):
        (tmp_path / "dir.pdf").mkdir()
        load_document(tmp_path / "dir.pdf")


def test_size_limit_refuses_without_reading(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "huge.pdf"
    with path.open("wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(500 * 1024 * 1024)  # sparse: no disk used
    read_sizes: list[int] = []
    real_open = Path.open

    def spying_open(self: Path, *a, **kw):  # type: ignore[no-untyped-def]
        handle = real_open(self, *a, **kw)
        if self == path:
            real_read = handle.read

            def read(n: int = -1) -> bytes:
                read_sizes.append(n)
                return real_read(n)

            handle.read = read  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(Path, "open", spying_open)
    with pytest.raises(DocumentError, match=r"huge.pdf: the file is 500 MB, above the 256 MB limit"):
        load_document(path)
    assert read_sizes == []  # refused from the size alone
    with pytest.raises(DocumentError, match="above the 100 MB limit"):
        load_document(path, max_bytes=100 * 1024 * 1024)


def make_zip_bomb(path: Path, members: int = 1, size: int = 300 * 1024 * 1024) -> None:
    """A DOCX whose document.xml inflates to ``size`` bytes of zeros (compressed ~0.3 MB)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        for m in range(members):
            with z.open(f"word/document{m or ''}.xml", "w", force_zip64=True) as f:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(size // len(chunk)):
                    f.write(chunk)


def test_docx_zip_bomb_refused_before_inflating(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "bomb.docx"
    make_zip_bomb(path, size=64 * 1024 * 1024)
    assert path.stat().st_size < 1024 * 1024

    def no_parse(*a, **kw):  # type: ignore[no-untyped-def]
        raise AssertionError("python-docx must not see a zip bomb")

    import docx

    monkeypatch.setattr(docx, "Document", no_parse)
    with pytest.raises(DocumentError, match=r"bomb.docx: refused: .*zip bomb"):
        load_document(path)


def test_docx_total_size_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(base, "ZIP_MAX_UNCOMPRESSED", 1024 * 1024)
    path = tmp_path / "big.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:  # ratio 1, only the total is big
        z.writestr("word/document.xml", os.urandom(2 * 1024 * 1024))
    with pytest.raises(DocumentError, match="would expand to"):
        load_document(path)


def test_damaged_docx(tmp_path: Path) -> None:
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    with pytest.raises(DocumentError, match=r"broken.docx: this DOCX file is damaged"):
        load_document(path)


def test_cancel_stops_loading(tmp_path: Path) -> None:
    path = tmp_path / "t.md"
    path.write_text("# A\n\ntext\n\n# B\n\nmore\n", encoding="utf-8")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        load_document(path, cancel=token)


def test_stream_metadata_and_single_iteration(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes("Текст в кодировке cp1251.".encode("cp1251"))
    stream = open_document(path)
    assert stream.kind == "text" and stream.warnings == []
    assert [s.text for s in stream] == ["Текст в кодировке cp1251."]
    assert stream.warnings and "cp1251" in stream.warnings[0]
    with pytest.raises(RuntimeError):
        list(stream)


def test_whitespace_only_text_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text("  \n\n \t \n", encoding="utf-8")
    with pytest.raises(DocumentError, match="blank.txt: no text could be found"):
        load_document(path)


# ---- text helpers ----------------------------------------------------------------------


def test_text_quality_and_mojibake_repair() -> None:
    good_ru = "Не важно, вставляете ли вы один или несколько пробелов между словами."
    garbled = good_ru.encode("cp1251").decode("latin-1")
    assert text_quality(good_ru) > 0.95
    assert text_quality("The quick brown fox jumps over the lazy dog.") > 0.95
    assert text_quality(garbled) < 0.3
    assert text_quality("\ue001\ue002\ue003 \ue004\ue005") < 0.1  # private-use glyphs
    assert repair_mojibake(garbled) == good_ru
    koi = good_ru.encode("koi8_r").decode("latin-1")
    assert repair_mojibake(koi) == good_ru
    assert repair_mojibake("Plain English text, nothing to fix.") is None


def test_clean_text_and_dehyphenate() -> None:
    assert clean_text("a\u00a0 b\x00c\r\n\n\n\nd . . . . . . 5") == "a bc\n\nd … 5"
    assert dehyphenate("слу-\nчаев and pro-\ncessing") == "случаев and processing"
    assert dehyphenate("GNU/Linux-\nBased") == "GNU/Linux-\nBased"  # capital: a real hyphen


# ---- walking folders -------------------------------------------------------------------


def split(results: list[Path | tuple[Path, str]]) -> tuple[list[Path], list[tuple[Path, str]]]:
    files = [r for r in results if isinstance(r, Path)]
    skipped = [r for r in results if isinstance(r, tuple)]
    return files, skipped


def test_iter_files_symlink_loops_hidden_and_dedup(tmp_path: Path) -> None:
    root = tmp_path / "docs"
    (root / "a" / "b").mkdir(parents=True)
    (root / "a" / "one.txt").write_text("1")
    (root / "a" / "b" / "two.md").write_text("2")
    (root / "a" / "b" / "image.png").write_bytes(b"\x89PNG")
    (root / ".hidden").mkdir()
    (root / ".hidden" / "secret.txt").write_text("s")
    (root / ".dot.txt").write_text("d")
    (root / "a" / "b" / "loop").symlink_to(root / "a", target_is_directory=True)
    (root / "self").symlink_to(root, target_is_directory=True)
    (root / "link-to-one.txt").symlink_to(root / "a" / "one.txt")
    (root / "broken.pdf").symlink_to(root / "nowhere.pdf")
    files, skipped = split(list(iter_files([root, root / "a" / "one.txt"])))
    names = sorted(p.name for p in files)
    # one.txt once (through the link, seen first); hidden and unsupported passed over
    assert names == ["link-to-one.txt", "two.md"], names
    reasons = {p.name: r for p, r in skipped}
    assert "symlink loop" in reasons["loop"] and "symlink loop" in reasons["self"]
    assert "broken link" in reasons["broken.pdf"]
    assert "secret.txt" not in names and ".dot.txt" not in names
    files_h, _ = split(list(iter_files([root], include_hidden=True)))
    assert {"secret.txt", ".dot.txt"} <= {p.name for p in files_h}
    # A folder's pictures are passed over; one added on its own is read (its text, by OCR).
    assert list(iter_files([root / "a" / "b" / "image.png"])) == [root / "a" / "b" / "image.png"]


def test_iter_files_deep_nesting(tmp_path: Path) -> None:
    # 200 levels of short names: no recursion error, a clear reason past the limit.
    # (Built with relative mkdir under chdir: the absolute path is near PATH_MAX.)
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        os.makedirs(os.path.join(*(["d"] * 200)))
        Path(os.path.join(*(["d"] * 200), "deep.txt")).write_text("deep")
        Path("d", "shallow.txt").write_text("shallow")
    finally:
        os.chdir(cwd)
    files, skipped = split(list(iter_files([tmp_path / "d"])))
    assert [p.name for p in files] == ["shallow.txt"]
    assert len(skipped) == 1 and "nested more than 100 folders deep" in skipped[0][1]
    files, skipped = split(list(iter_files([tmp_path / "d"], max_depth=500)))
    assert sorted(p.name for p in files) == ["deep.txt", "shallow.txt"] and not skipped


def test_iter_files_unreadable_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text("a")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text("b")
    real_scandir = os.scandir

    def scandir(path):  # type: ignore[no-untyped-def]
        # Tests run as root, where chmod 000 does not lock anything: simulate EACCES.
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(walk.os, "scandir", scandir)
    files, skipped = split(list(iter_files([tmp_path])))
    assert [p.name for p in files] == ["a.txt"]
    assert skipped == [(tmp_path / "locked", "folder skipped: permission denied")]


def test_iter_files_named_paths(tmp_path: Path) -> None:
    (tmp_path / "x.exe").write_bytes(b"MZ")
    (tmp_path / "ok.pdf").write_bytes(b"%PDF-1.4")
    _files, skipped = split(list(iter_files([tmp_path / "x.exe", tmp_path / "missing.txt"])))
    assert skipped[0][0].name == "x.exe" and "not supported" in skipped[0][1]
    assert skipped[1] == (tmp_path / "missing.txt", "not found")
    files, _ = split(list(iter_files([tmp_path / "ok.pdf", tmp_path / "ok.pdf"])))
    assert files == [tmp_path / "ok.pdf"]


def test_section_is_frozen() -> None:
    s = Section("t", 1, ("h",))
    with pytest.raises(AttributeError):
        s.text = "x"  # type: ignore[misc]


def test_running_headers_footers_and_page_numbers_leave_pdf_pages() -> None:
    from app.core.rag.loaders import RunningLines

    r = RunningLines()
    pages = [
        "Chapter 6\nThe Debian archives\n6.1 How many distributions?\nText a.\n22",
        "CHAPTER 6. THE DEBIAN ARCHIVES 6.4. WHAT …\nBody b.\n23",
        "CHAPTER 6. THE DEBIAN ARCHIVES 6.5. WHAT DOES …\nBody c.\n– 24 –",
        "LaTeX News\nIssue 2\nBody d.\nLaTeX News, brought to you; Copyright 1994, all rights reserved. –6",
        "LaTeX News\nIssue 3\nBody e.\nLaTeX News, brought to you; Copyright 1995, all rights reserved. –7",
    ]
    out = [r.strip(p) for p in pages]
    assert out[0] == "Chapter 6\nThe Debian archives\n6.1 How many distributions?\nText a."  # page number only
    assert out[2] == "Body c."  # the running chapter title seen on the page before, and "– 24 –"
    assert out[4] == "Issue 3\nBody e."  # masthead and copyright footer (years and page differ)
    # Ordinary text is never touched, and a page is never emptied.
    fresh = RunningLines()
    assert fresh.strip("The first line.\nThe second.") == "The first line.\nThe second."
    assert fresh.strip("Another page.\nOther.") == "Another page.\nOther."
    assert RunningLines().strip("12") == "12"


def test_ligatures_are_spelled_out() -> None:
    from app.core.rag.loaders import clean_text

    assert clean_text("the conﬁguration ﬁle is eﬀective") == "the configuration file is effective"
