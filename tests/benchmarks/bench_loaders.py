"""Benchmark: PDF text quality and parse speed of Sova's loader vs pypdf alone and pdftotext.

Run: .venv/bin/python tests/benchmarks/bench_loaders.py   (after tests/data/fetch.sh)

Prints, per Debian FAQ PDF: the word-level similarity of each page to pdftotext's text
(mean/min) for pypdf 7.1 as is (the baseline that glues words) and for Sova's loader,
pages/s for Sova and for pdftotext, and the OCR word accuracy on linn.pdf. Goals: mean
similarity >= 0.95; OCR word accuracy >= 0.93.
"""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app.core.rag.loaders import dehyphenate, load_document  # noqa: E402

DOCS = ROOT / "tests" / ".data" / "docs"


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def ratio(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def pdftotext_pages(pdf: Path, n: int) -> tuple[list[str], float]:
    started = time.perf_counter()
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout
    seconds = time.perf_counter() - started
    pages = out.split("\f")[:n]
    return pages, seconds


def main() -> int:
    import pypdf

    ok = True
    for lang in ("en", "ru"):
        pdf = DOCS / "debian-faq" / lang / f"debian-faq.{lang}.pdf"
        reader = pypdf.PdfReader(pdf)
        n = len(reader.pages)
        ref_pages, ref_seconds = pdftotext_pages(pdf, n)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            started = time.perf_counter()
            plain = [p.extract_text() for p in reader.pages]
            plain_seconds = time.perf_counter() - started
        started = time.perf_counter()
        doc = load_document(pdf)
        sova_seconds = time.perf_counter() - started
        ours: dict[int, list[str]] = {}
        for s in doc.sections:
            ours.setdefault(s.page or 0, []).append(s.text)
        before, after = [], []
        for i in range(n):
            ref = words(dehyphenate(ref_pages[i]))
            if not ref:
                continue
            before.append(ratio(words(dehyphenate(plain[i])), ref))
            after.append(ratio(words("\n".join(ours.get(i + 1, []))), ref))
        mean_b, mean_a = sum(before) / len(before), sum(after) / len(after)
        print(f"{pdf.name} ({n} pages)")
        print(f"  word similarity to pdftotext: pypdf alone mean {mean_b:.3f} (min {min(before):.3f}); "
              f"Sova mean {mean_a:.3f} (min {min(after):.3f})")
        print(f"  speed: Sova {n / sova_seconds:.1f} pages/s (incl. headings, cleaning); pypdf alone "
              f"{n / plain_seconds:.1f} pages/s; pdftotext {n / ref_seconds:.1f} pages/s; "
              f"Sova/pdftotext = {ref_seconds / sova_seconds:.2f}")
        goal = mean_a >= 0.95
        ok &= goal
        print(f"  goal mean similarity >= 0.95: {'met' if goal else 'NOT met'}")

    import jiwer

    started = time.perf_counter()
    linn = load_document(DOCS / "ocrmypdf" / "linn.pdf")
    seconds = time.perf_counter() - started
    ref = " ".join(words((DOCS / "ocrmypdf" / "linn.txt").read_text(encoding="utf-8")))
    acc = 1 - jiwer.wer(ref, " ".join(words(linn.text)))
    goal = acc >= 0.93
    ok &= goal
    print(f"linn.pdf OCR (tesseract rus+eng, 300 dpi): word accuracy {acc:.3f} in {seconds:.1f} s/page; "
          f"goal >= 0.93: {'met' if goal else 'NOT met'}")
    started = time.perf_counter()
    lshort = load_document(DOCS / "texlive" / "lshortru.pdf", ocr=False)
    seconds = time.perf_counter() - started
    print(f"lshortru.pdf (mojibake layer, re-decoded): {lshort.pages} pages in {seconds:.1f} s "
          f"({(lshort.pages or 0) / seconds:.1f} pages/s)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
