"""OCR for PDF pages without a readable text layer: pdftoppm renders, tesseract reads.

Both run as subprocesses with a timeout and are polled for cancel, so a stuck page can
neither hang the pipeline nor outlive a cancelled job. Both come from Debian packages
(poppler-utils; tesseract-ocr with -rus and -eng) installed by setup; on other systems
the same programs found on PATH are used. pdftoppm was chosen over extracting pypdf's
embedded images because it renders what the reader sees (rotation, masks, vector text
drawn as curves) and needs no image decoding in our process.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from app.core.types import CancelToken, SovaError

DEFAULT_DPI = 300
PAGE_TIMEOUT = 120.0


class OcrUnavailable(SovaError):
    """tesseract or pdftoppm is missing, or the language data is not installed."""


@functools.lru_cache(maxsize=8)
def _languages(tesseract: str) -> frozenset[str]:
    try:
        out = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    lines = (out.stdout + "\n" + out.stderr).splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and " " not in ln.strip())


def missing_for_ocr(languages: str = "rus+eng") -> list[str]:
    """What is missing for OCR in ``languages`` (empty when OCR can run)."""
    missing: list[str] = []
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        missing.append("tesseract")
    if shutil.which("pdftoppm") is None:
        missing.append("pdftoppm (poppler-utils)")
    if tesseract is not None:
        have = _languages(tesseract)
        missing += [f"tesseract language '{lang}'" for lang in languages.split("+") if lang not in have]
    return missing


def missing_for_tesseract(languages: str = "rus+eng") -> list[str]:
    """What is missing for reading pictures (tesseract and its languages; no pdftoppm)."""
    return [m for m in missing_for_ocr(languages) if not m.startswith("pdftoppm")]


def ocr_available(languages: str = "rus+eng") -> bool:
    """True when tesseract, pdftoppm and every requested language are installed."""
    return not missing_for_ocr(languages)


def _run(args: list[str], *, timeout: float, cancel: CancelToken | None, what: str,
         env: dict[str, str] | None = None) -> bytes:
    """Run a program, polling for cancel; kill it on timeout or cancel."""
    try:
        proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                stdin=subprocess.DEVNULL)
    except OSError as exc:
        raise OcrUnavailable(f"{what} cannot be started ({exc.strerror or exc})") from None
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                out, err = proc.communicate(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if cancel is not None and cancel.cancelled:
                    proc.kill()
                    proc.communicate()
                    cancel.raise_if_cancelled()
                if time.monotonic() > deadline:
                    proc.kill()
                    proc.communicate()
                    raise SovaError(f"{what} took longer than {timeout:.0f} s and was stopped")
    finally:
        if proc.poll() is None:  # an exception escaped the loop
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        detail = err.decode("utf-8", "replace").strip().splitlines()
        raise SovaError(f"{what} failed ({detail[-1] if detail else f'exit code {proc.returncode}'})")
    return out


def _tesseract_env() -> dict[str, str]:
    env = dict(os.environ)
    # One thread per page: OCR runs next to the embedder on few cores, and tesseract's
    # OpenMP threads mostly spin on small pages.
    env.setdefault("OMP_THREAD_LIMIT", "1")
    return env


def run_tesseract(args: list[str], *, timeout: float = PAGE_TIMEOUT, cancel: CancelToken | None = None) -> bytes:
    """Tesseract's output for ``args`` (after the program name), run as OCR runs it."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise OcrUnavailable("tesseract is not installed")
    return _run([tesseract, *args], timeout=timeout, cancel=cancel, what="tesseract", env=_tesseract_env())


def ocr_image(
    image: Path, *, languages: str = "rus+eng", timeout: float = PAGE_TIMEOUT,
    cancel: CancelToken | None = None,
) -> str:
    """Text of an image file read by tesseract."""
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        raise OcrUnavailable("tesseract is not installed")
    out = _run([tesseract, str(image), "stdout", "-l", languages, "--psm", "3"],
               timeout=timeout, cancel=cancel, what="tesseract", env=_tesseract_env())
    return out.decode("utf-8", "replace")


def ocr_pdf_page(
    pdf: Path,
    page: int,
    *,
    languages: str = "rus+eng",
    password: str | None = None,
    dpi: int = DEFAULT_DPI,
    timeout: float = PAGE_TIMEOUT,
    cancel: CancelToken | None = None,
) -> str:
    """Text of 1-based ``page`` of ``pdf`` read by OCR (raises OcrUnavailable/SovaError)."""
    missing = missing_for_ocr(languages)
    if missing:
        raise OcrUnavailable("OCR needs " + ", ".join(missing))
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm is not None
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="sova-ocr-") as tmp:  # private: mode 0700
        source, number = pdf, page
        args = [pdftoppm, "-r", str(dpi), "-gray", "-png"]
        if password:
            # pdftoppm takes a password only on its command line, where every local
            # user can read it (ps). So the page is decrypted here and handed over as a
            # one-page PDF in the private temporary folder instead.
            single = _decrypted_page(pdf, page, password, Path(tmp) / "page.pdf")
            if single is not None:
                source, number = single, 1
            else:  # pypdf could not rewrite the page: the old way, for this page only
                args += ["-upw", password]
        args += ["-f", str(number), "-l", str(number), str(source), str(Path(tmp) / "page")]
        _run(args, timeout=timeout, cancel=cancel, what="rendering the page (pdftoppm)")
        images = sorted(Path(tmp).glob("page*.png"))
        if not images:
            raise SovaError("rendering the page (pdftoppm) produced no image")
        left = max(5.0, timeout - (time.monotonic() - started))
        return ocr_image(images[0], languages=languages, timeout=left, cancel=cancel)


def _decrypted_page(pdf: Path, page: int, password: str, out: Path) -> Path | None:
    """Write 1-based ``page`` of the encrypted ``pdf`` to ``out`` unencrypted (None on failure)."""
    try:
        from pypdf import PdfReader, PdfWriter

        reader = PdfReader(str(pdf))
        if reader.is_encrypted and not reader.decrypt(password):
            return None
        writer = PdfWriter()
        writer.add_page(reader.pages[page - 1])
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            writer.write(f)
        return out
    except Exception:  # any pypdf trouble: the caller falls back to pdftoppm's own decryption
        return None
