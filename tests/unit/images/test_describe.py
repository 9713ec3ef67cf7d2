"""The description the model gets: labels above the floor, a text picture's labels only
when sure, the text quoted, every missing part named and the rest still described."""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from app.core.images import read_picture
from app.core.images.describe import LABEL_MIN, describe
from app.core.images.labels import Label
from app.core.images.text import ImageText, OcrUnavailable


class FakeClassifier:
    def __init__(self, scores: list[float]) -> None:
        self.scores = scores

    def classify(self, image: object, top: int = 5) -> list[Label]:
        return [Label(f"n{i}", f"thing{i}", f"thing{i}, other name", s) for i, s in enumerate(self.scores)][:top]


def picture(tmp_path: Path):  # type: ignore[no-untyped-def]
    Image.new("RGB", (40, 30), (240, 220, 40)).save(tmp_path / "p.png")
    return read_picture(tmp_path / "p.png")


def test_labels_under_the_floor_are_left_out(tmp_path: Path) -> None:
    d = describe(picture(tmp_path), "cat.png", FakeClassifier([0.6, LABEL_MIN, 0.1]),
                 read_text=lambda p, cancel=None: ImageText("", 0, 0))
    assert [lb.name for lb in d.labels] == ["thing0", "thing1"]
    text = d.for_model()
    assert "cat.png, 40 x 30 PNG" in text and "thing0, other name (60%)" in text and "thing2" not in text
    assert "Text in the picture: none found." in text and "yellow" in text


def test_a_picture_of_text_names_labels_only_when_sure(tmp_path: Path) -> None:
    page = ImageText("word " * 30, 91.0, 30)
    d = describe(picture(tmp_path), "page.png", FakeClassifier([0.4, 0.3]), read_text=lambda p, cancel=None: page)
    assert d.labels == [] and '"""\nword word' in d.for_model()
    d = describe(picture(tmp_path), "page.png", FakeClassifier([0.7]), read_text=lambda p, cancel=None: page)
    assert [lb.score for lb in d.labels] == [0.7]


def test_missing_ocr_and_classifier_are_named_and_the_rest_described(tmp_path: Path) -> None:
    def no_ocr(p: object, cancel: object = None) -> ImageText:
        raise OcrUnavailable("tesseract is not installed")

    d = describe(picture(tmp_path), "x.png", None, read_text=no_ocr)
    assert d.missing == ["text", "labels"] and "none found" not in d.for_model()
    assert d.as_details()["facts"]["width"] == 40


class GroupedClassifier:
    def classify(self, image: object, top: int = 5) -> list[Label]:
        return [Label("n1", "tiger cat", "tiger cat", 0.12, "domestic cat"),
                Label("n2", "Egyptian cat", "Egyptian cat", 0.10, "domestic cat"),
                Label("n3", "tabby", "tabby, tabby cat", 0.08, "domestic cat"),
                Label("n4", "bubble", "bubble", 0.05)][:top]


def test_classes_of_one_kind_count_together_and_are_named_by_their_kind(tmp_path: Path) -> None:
    d = describe(picture(tmp_path), "cat.png", GroupedClassifier(), read_text=lambda p, cancel=None: ImageText("", 0, 0))
    assert [lb.name for lb in d.labels] == ["tiger cat", "Egyptian cat", "tabby"]  # 0.30 together, each < 0.15
    assert "a domestic cat (30%: tiger cat, Egyptian cat, tabby)" in d.for_model() and "bubble" not in d.for_model()
