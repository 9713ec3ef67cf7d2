"""Pictures of Russian interface text drawn with a real font (DejaVu Sans, installed by
setup), shared by the image tests, the benchmark and the walkthrough."""

from __future__ import annotations

from pathlib import Path

FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
UI_LINES = ["Настройки → Модели", "Ошибка: не удалось открыть файл «отчёт.pdf»",
            "Файл повреждён или защищён паролем.", "Сохранить    Отмена"]


def ui_screenshot(path: Path) -> Path:
    """Interface text at screen size (13 px, as Qt draws it here); its text is UI_LINES."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (560, 130), (246, 246, 246))
    draw, font = ImageDraw.Draw(img), ImageFont.truetype(FONT, 13)
    for i, line in enumerate(UI_LINES):
        draw.text((14, 14 + 26 * i), line, font=font, fill=(20, 20, 20))
    img.save(path)
    return path


def error_dialog(path: Path) -> Path:
    """A Russian installer error: not enough disk space, 2,4 GB needed, 300 MB free."""
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("RGB", (520, 150), (240, 240, 240))
    draw = ImageDraw.Draw(img)
    title, body = ImageFont.truetype(FONT.replace("Sans", "Sans-Bold"), 15), ImageFont.truetype(FONT, 13)
    draw.text((16, 14), "Ошибка установки", font=title, fill=(0, 0, 0))
    draw.text((16, 50), "Недостаточно места на диске C:.", font=body, fill=(20, 20, 20))
    draw.text((16, 72), "Требуется 2,4 ГБ, доступно 300 МБ.", font=body, fill=(20, 20, 20))
    draw.rectangle((410, 108, 500, 136), outline=(90, 90, 90))
    draw.text((436, 114), "ОК", font=body, fill=(0, 0, 0))
    img.save(path)
    return path
