"""Small valid files of every kind Sova reads, made in the test (no fetched material)."""

from __future__ import annotations

from pathlib import Path

SAMPLE_TEXT = "Sova reads this sample file about owls and their nests."


def make_pdf(path: Path, text: str = SAMPLE_TEXT) -> Path:
    """A one-page PDF whose text layer says ``text`` (ASCII), written by hand."""
    content = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 4 0 R >> >>"
        b" /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(bytes(out))
    return path


def make_docx(path: Path, text: str = SAMPLE_TEXT) -> Path:
    """A DOCX with one heading and one paragraph."""
    import docx

    d = docx.Document()
    d.add_heading("Owls", level=1)
    d.add_paragraph(text)
    d.save(str(path))
    return path


def make_epub(path: Path, text: str = SAMPLE_TEXT) -> Path:
    """An EPUB with one chapter."""
    from ebooklib import epub

    book = epub.EpubBook()
    book.set_identifier("sova-sample")
    book.set_title("Owls")
    book.set_language("en")
    chapter = epub.EpubHtml(title="Owls", file_name="ch1.xhtml", lang="en")
    chapter.content = f"<html><body><h1>Owls</h1><p>{text}</p></body></html>"
    book.add_item(chapter)
    book.toc = [chapter]
    book.add_item(epub.EpubNcx())
    book.add_item(epub.EpubNav())
    book.spine = ["nav", chapter]
    epub.write_epub(str(path), book)
    return path


def make_document(path: Path, text: str = SAMPLE_TEXT) -> Path:
    """A valid file of the document kind the suffix of ``path`` names."""
    from app.core.rag.loaders import kind_of

    kind = kind_of(path)
    if kind == "pdf":
        return make_pdf(path, text)
    if kind == "docx":
        return make_docx(path, text)
    if kind == "epub":
        return make_epub(path, text)
    if kind == "html":
        path.write_text(f'<html xmlns="http://www.w3.org/1999/xhtml"><body><h1>Owls</h1><p>{text}</p>'
                        "</body></html>", encoding="utf-8")
        return path
    if kind in ("markdown", "text"):
        path.write_text(f"# Owls\n\n{text}\n" if kind == "markdown" else f"{text}\n", encoding="utf-8")
        return path
    raise ValueError(f"no sample for {path.name}: add one for the new kind '{kind}'")


# Suffix -> (container, encoder, sample rate, bit rate or 0 for the encoder's default).
AUDIO_FORMATS: dict[str, tuple[str, str, int, int]] = {
    ".wav": ("wav", "pcm_s16le", 16_000, 0),
    ".mp3": ("mp3", "libmp3lame", 44_100, 0),
    ".ogg": ("ogg", "libopus", 48_000, 0),
    ".oga": ("ogg", "libopus", 48_000, 0),  # FFmpeg's Ogg muxer cannot take FLAC from PyAV
    ".opus": ("opus", "libopus", 48_000, 0),
    ".m4a": ("ipod", "aac", 44_100, 0),
    ".aac": ("adts", "aac", 44_100, 0),
    ".flac": ("flac", "flac", 44_100, 0),
    ".webm": ("webm", "libopus", 48_000, 0),
    ".wma": ("asf", "wmav2", 44_100, 64_000),  # wmav2 has no default bit rate
}


def make_audio(path: Path, seconds: float = 1.0, freq: float = 440.0) -> Path:
    """A tone encoded in the format the suffix of ``path`` names (PyAV, FFmpeg's encoders)."""
    import av
    import numpy as np

    suffix = path.suffix.lower()
    if suffix not in AUDIO_FORMATS:
        raise ValueError(f"no sample for {path.name}: add its container and encoder to AUDIO_FORMATS")
    container_format, codec, rate, bit_rate = AUDIO_FORMATS[suffix]
    t = np.arange(int(seconds * rate)) / rate
    pcm = (np.sin(2 * np.pi * freq * t) * 0.3 * 32767).astype(np.int16).reshape(1, -1)
    with av.open(str(path), "w", format=container_format) as out:
        stream = out.add_stream(codec, rate=rate, layout="mono")
        if bit_rate:
            stream.bit_rate = bit_rate
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path
