"""Reading pictures: every way a file can be wrong becomes a coded error naming it;
odd but valid pictures (CMYK, 16-bit, transparent, animated, turned, huge) come out
as plain upright RGB."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image

from app.core.images import ImageError, facts, read_picture
from app.core.images.reading import WORK_SIDE


def save(img: Image.Image, path: Path, **kw: object) -> Path:
    img.save(path, **kw)
    return path


@pytest.mark.parametrize("fmt,ext", [("PNG", "png"), ("JPEG", "jpg"), ("WEBP", "webp"), ("BMP", "bmp"),
                                     ("GIF", "gif"), ("TIFF", "tif")])
def test_common_formats_read_as_rgb(tmp_path: Path, fmt: str, ext: str) -> None:
    p = read_picture(save(Image.new("RGB", (64, 48), (30, 70, 200)), tmp_path / f"a.{ext}", format=fmt))
    assert (p.format, p.width, p.height, p.image.mode, p.image.size) == (fmt, 64, 48, "RGB", (64, 48))
    assert facts(p).colours[0][0] == "blue"


@pytest.mark.parametrize("content,code", [(b"", "image_empty"), (b"plain text, not a picture\n" * 20, "image_not_image")])
def test_empty_and_not_a_picture(tmp_path: Path, content: bytes, code: str) -> None:
    (tmp_path / "photo.png").write_bytes(content)
    with pytest.raises(ImageError) as e:
        read_picture(tmp_path / "photo.png")
    assert e.value.code == code and e.value.params["name"] == "photo.png"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImageError) as e:
        read_picture(tmp_path / "gone.jpg")
    assert e.value.code == "image_missing" and "gone.jpg" in str(e.value)


def test_truncated_picture_is_damaged(tmp_path: Path) -> None:
    good = save(Image.effect_noise((300, 300), 40).convert("RGB"), tmp_path / "full.jpg")
    (tmp_path / "cut.jpg").write_bytes(good.read_bytes()[:2000])
    with pytest.raises(ImageError) as e:
        read_picture(tmp_path / "cut.jpg")
    assert e.value.code == "image_corrupt" and "cut.jpg" in str(e.value)


def test_wrong_extension_is_read_by_content(tmp_path: Path) -> None:
    p = read_picture(save(Image.new("RGB", (10, 10)), tmp_path / "really-a-png.jpg", format="PNG"))
    assert p.format == "PNG"


def _bomb_png(w: int, h: int) -> bytes:
    """A valid PNG header for w x h pixels with a tiny body: what a decompression bomb
    looks like before it is decoded."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", w, h, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused_without_decoding(tmp_path: Path) -> None:
    (tmp_path / "bomb.png").write_bytes(_bomb_png(50_000, 50_000))
    with pytest.raises(ImageError) as e:
        read_picture(tmp_path / "bomb.png")
    assert e.value.code == "image_too_large" and "bomb.png" in str(e.value)


def test_cmyk_16bit_and_transparent_become_rgb(tmp_path: Path) -> None:
    cmyk = read_picture(save(Image.new("CMYK", (20, 20), (0, 255, 255, 0)), tmp_path / "c.jpg"))
    assert cmyk.mode == "CMYK" and cmyk.image.mode == "RGB" and facts(cmyk).colours[0][0] == "red"
    deep = Image.linear_gradient("L").resize((64, 64)).convert("I;16")
    d = read_picture(save(deep, tmp_path / "d.png"))
    assert d.image.mode == "RGB" and d.image.getextrema()[0] == (0, 255)  # the full range kept
    clear = read_picture(save(Image.new("RGBA", (8, 8), (0, 0, 0, 0)), tmp_path / "t.png"))
    assert clear.image.getpixel((0, 0)) == (255, 255, 255)  # transparency shown on white


def test_animation_reads_its_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (16, 16), c) for c in ((240, 220, 40), (30, 70, 200), (40, 150, 50))]
    frames[0].save(tmp_path / "a.gif", save_all=True, append_images=frames[1:], duration=100, loop=0)
    p = read_picture(tmp_path / "a.gif")
    assert p.frames == 3 and facts(p).colours[0][0] == "yellow"


def test_exif_orientation_date_camera_and_location_only_when_allowed(tmp_path: Path) -> None:
    img = Image.new("RGB", (80, 40), (40, 150, 50))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: turned 90 degrees
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 5D"
    exif.get_ifd(0x8769)[0x9003] = "2024:07:15 18:30:05"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (55.0, 45.0, 0.0), "E", (37.0, 37.0, 12.0)
    p = read_picture(save(img, tmp_path / "photo.jpg", exif=exif))
    assert (p.width, p.height, p.image.size) == (40, 80, (40, 80))  # shown upright
    f = facts(p)
    assert (f.taken, f.camera, f.location) == ("2024-07-15 18:30", "Canon EOS 5D", None)
    assert facts(p, with_location=True).location == (55.75, 37.62)


def test_a_huge_photo_is_reduced_for_analysis(tmp_path: Path) -> None:
    big = Image.new("RGB", (7000, 5000), (240, 140, 20))
    p = read_picture(save(big, tmp_path / "big.jpg", quality=50))
    assert (p.width, p.height) == (7000, 5000) and max(p.image.size) <= WORK_SIDE


def test_every_offered_suffix_is_one_pillow_reads() -> None:
    from PIL import Image

    from app.core.filetypes import category_of
    from app.core.images.reading import SUFFIXES

    known = Image.registered_extensions()
    assert [s for s in SUFFIXES if s not in known] == []
    assert category_of(Path("Photo.JPG")) == "image" and category_of(Path("scan.tiff")) == "image"
