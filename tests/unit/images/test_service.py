"""Pictures through the facade with a fake model: kept with the conversation, described
once for the model, shown in the answer's details, refused before anything is stored
when unreadable, deleted with the conversation."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from app.core.assistant import Assistant, ImageError
from app.core.images import text as image_text
from app.core.images.labels import Label
from app.core.images.service import ImageService
from app.core.images.text import ImageText
from app.core.types import DoneEvent, Role, Status, StatusEvent
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory


class FakeClassifier:
    def classify(self, image: object, top: int = 5) -> list[Label]:
        return [Label("n02123045", "tabby", "tabby, tabby cat", 0.8)]


@pytest.fixture
def assistant(monkeypatch: pytest.MonkeyPatch) -> Assistant:
    reads: list[str] = []

    def fake_ocr(picture, languages: str = "rus+eng", cancel=None, timeout: float = 0) -> ImageText:  # type: ignore[no-untyped-def]
        reads.append(picture.path.name)
        return ImageText("Ошибка: диск заполнен", 91.0, 3)

    monkeypatch.setattr(image_text, "read_text", fake_ocr)
    monkeypatch.setattr(ImageService, "classifier", lambda self: FakeClassifier())
    llm = FakeLLM(reply="Там написано, что диск заполнен.")
    a = Assistant(llm_factory=fake_factory(llm), registry=FakeRegistry())  # type: ignore[arg-type]
    a.settings.active_model = "fake"
    a.reads, a.fake = reads, llm  # type: ignore[attr-defined]
    return a


def picture(tmp_path: Path, name: str = "screen.png") -> Path:
    Image.new("RGB", (120, 60), (30, 70, 200)).save(tmp_path / name)
    return tmp_path / name


def test_a_picture_reaches_the_model_as_its_description(assistant: Assistant, tmp_path: Path) -> None:
    conv = assistant.new_conversation()
    events = list(assistant.ask(conv.id, "Что здесь написано?", images=[picture(tmp_path)]))
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.error is None
    assert any(isinstance(e, StatusEvent) and e.code == Status.READING_IMAGE for e in events)
    sent = assistant.fake.calls[-1]  # type: ignore[attr-defined]
    user = [m for m in assistant.messages(conv.id) if m.role == Role.USER][0]
    record = user.details["images"][0]
    assert record["name"] == "screen.png" and (record["width"], record["height"]) == (120, 60)
    assert "Ошибка: диск заполнен" in record["description"] and "tabby" in record["description"]
    assert assistant.image_file(record).read_bytes() == (tmp_path / "screen.png").read_bytes()
    assert done.message.details["images"][0]["read"]["text"] == "Ошибка: диск заполнен"
    assert "диск заполнен" in sent[-1]["content"] and sent[-1]["content"].endswith("Что здесь написано?")


def test_the_description_is_made_once(assistant: Assistant, tmp_path: Path) -> None:
    conv = assistant.new_conversation()
    list(assistant.ask(conv.id, "Что там написано?", images=[picture(tmp_path)]))
    list(assistant.regenerate(conv.id))
    list(assistant.ask(conv.id, "А что это значит?"))
    assert len(assistant.reads) == 1  # type: ignore[attr-defined]
    first = assistant.fake.calls[0][-1]["content"]  # type: ignore[attr-defined]
    assert "Ошибка: диск заполнен" in assistant.fake.calls[-1][1]["content"]  # the picture stays in the history
    assert first == assistant.fake.calls[1][-1]["content"]  # regenerated from the stored description


def test_the_model_gets_the_description_then_the_words(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    llm = FakeLLM(reply="ok")
    monkeypatch.setattr(image_text, "read_text", lambda p, languages="", cancel=None, timeout=0: ImageText("HELLO", 90, 1))
    monkeypatch.setattr(ImageService, "classifier", lambda self: None)
    a = Assistant(llm_factory=fake_factory(llm), registry=FakeRegistry())  # type: ignore[arg-type]
    a.settings.active_model = "fake"
    conv = a.new_conversation()
    list(a.ask(conv.id, "", images=[picture(tmp_path, "a.png")]))
    user = llm.calls[-1][-1]["content"]
    assert user.startswith("[Picture: a.png, 120 x 60 PNG]") and '"""\nHELLO\n"""' in user
    assert user.rstrip().endswith("What is in this picture?")
    assert a.store.conversation(conv.id).title == "a.png"


def test_an_unreadable_picture_stores_nothing(assistant: Assistant, tmp_path: Path) -> None:
    conv = assistant.new_conversation()
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    with pytest.raises(ImageError) as e:
        assistant.ask(conv.id, "look", images=[picture(tmp_path), tmp_path / "broken.jpg"])
    assert e.value.params["name"] == "broken.jpg"
    assert assistant.messages(conv.id) == [] and not assistant.images.folder(conv.id).exists()
    list(assistant.ask(conv.id, "still works"))  # the conversation is not left claimed


def test_deleting_the_conversation_deletes_its_pictures(assistant: Assistant, tmp_path: Path) -> None:
    conv = assistant.new_conversation()
    list(assistant.ask(conv.id, "see", images=[picture(tmp_path)]))
    folder = assistant.images.folder(conv.id)
    assert any(folder.iterdir())
    assistant.delete_conversation(conv.id)
    assert not folder.exists()


def test_check_image_names_the_reason(assistant: Assistant, tmp_path: Path) -> None:
    assert assistant.check_image(picture(tmp_path))["format"] == "PNG"
    (tmp_path / "empty.png").write_bytes(b"")
    with pytest.raises(ImageError) as e:
        assistant.check_image(tmp_path / "empty.png")
    assert e.value.code == "image_empty"


@pytest.mark.parametrize("suffix", [".md", ".json"])
def test_export_carries_the_pictures(assistant: Assistant, tmp_path: Path, suffix: str) -> None:
    conv = assistant.new_conversation()
    list(assistant.ask(conv.id, "Что здесь?", images=[picture(tmp_path, "экран.png")]))
    out = assistant.export_conversation(conv.id, tmp_path / "out" / f"chat{suffix}")
    copy = tmp_path / "out" / "chat pictures" / "001 экран.png"
    assert copy.read_bytes() == (tmp_path / "экран.png").read_bytes()
    text = out.read_text(encoding="utf-8")
    assert ("![экран.png](<chat pictures/001 экран.png>)" in text) if suffix == ".md" else \
        ('"file": "chat pictures/001 экран.png"' in text)
