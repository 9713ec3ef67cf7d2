"""The vision-model tier through the facade: a model that sees pictures gets the
question's pictures themselves (besides what Sova read from them), a remote server
marked vision-capable receives them as ``image_url`` parts, a text model or an unmarked
server gets the description only; the answer's details say which tier answered.
Pictures are sized for the model host so their tokens fit one micro-batch."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Iterator

import pytest
from PIL import Image

from app.core.assistant import Assistant
from app.core.config import Paths, RemoteSettings, Settings
from app.core.images import text as image_text
from app.core.images.service import ImageService
from app.core.images.text import ImageText
from app.core.llm.base import ImagePart, TextPart, wire_messages
from app.core.llm.host_vision import UNREADABLE, image_tokens, micro_batch, to_mtmd
from app.core.types import DoneEvent, Role
from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory
from tests.fakes.openai_server import FakeOpenAI
from tests.unit.images.test_service import FakeClassifier


@pytest.fixture(autouse=True)
def quick_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(image_text, "read_text", lambda p, languages="rus+eng", cancel=None, timeout=0: ImageText(
        "Ошибка: диск заполнен", 91.0, 3))
    monkeypatch.setattr(ImageService, "classifier", lambda self: FakeClassifier())


def picture(tmp_path: Path, size: tuple[int, int] = (120, 60), name: str = "screen.png") -> Path:
    Image.new("RGB", size, (30, 70, 200)).save(tmp_path / name)
    return tmp_path / name


def fake_assistant(sees: bool) -> Assistant:
    llm = FakeLLM(reply="Там написано, что диск заполнен.")
    a = Assistant(llm_factory=fake_factory(llm), registry=FakeRegistry())  # type: ignore[arg-type]
    a.settings.active_model = "fake"
    a.sees_images = lambda: sees  # type: ignore[method-assign]
    a.fake = llm  # type: ignore[attr-defined]
    return a


def ask(a: Assistant, cid: int, question: str, images: list[Path] | None = None) -> DoneEvent:
    done = list(a.ask(cid, question, images=images))[-1]
    assert isinstance(done, DoneEvent) and done.error is None, done
    return done


def test_a_model_that_sees_pictures_gets_the_picture_and_what_was_read(tmp_path: Path) -> None:
    a = fake_assistant(sees=True)
    cid = a.new_conversation().id
    done = ask(a, cid, "Что здесь написано?", [picture(tmp_path)])
    last = a.fake.calls[-1][-1]  # type: ignore[attr-defined]
    assert isinstance(last["content"], list)
    text, image = last["content"]
    assert isinstance(text, TextPart) and "Ошибка: диск заполнен" in text.text and "Что здесь написано?" in text.text
    record = [m for m in a.messages(cid) if m.role == Role.USER][0].details["images"][0]
    assert isinstance(image, ImagePart) and Path(image.path) == a.image_file(record) and image.mime == "image/png"
    assert done.message.details["image_tier"] == "vision"
    # A later question without a picture: the earlier one is not sent again (its text is).
    ask(a, cid, "А что делать?")
    assert all(isinstance(m["content"], str) for m in a.fake.calls[-1])  # type: ignore[attr-defined]
    a.close()


def test_a_text_model_gets_only_what_was_read(tmp_path: Path) -> None:
    a = fake_assistant(sees=False)
    cid = a.new_conversation().id
    done = ask(a, cid, "Что здесь написано?", [picture(tmp_path)])
    last = a.fake.calls[-1][-1]  # type: ignore[attr-defined]
    assert isinstance(last["content"], str) and "Ошибка: диск заполнен" in last["content"]
    assert done.message.details["image_tier"] == "text"
    a.close()


@pytest.fixture
def server() -> Iterator[FakeOpenAI]:
    srv = FakeOpenAI(tokens=["Диск", " заполнен."]).start()
    yield srv
    srv.stop()


def remote_assistant(tmp_path: Path, server: FakeOpenAI, vision: bool) -> Assistant:
    paths = Paths(tmp_path / "c", tmp_path / "d", tmp_path / "k", tmp_path / "m").ensure()
    settings = Settings(backend="remote", auto_titles=False,
                        remote=RemoteSettings(base_url=server.base_url, model="fake-vision", vision=vision))
    settings.memory.enabled = False
    return Assistant(paths, settings)


@pytest.mark.enable_socket
@pytest.mark.parametrize("vision", [True, False])
def test_a_remote_server_receives_the_picture_only_when_marked_as_seeing(
        tmp_path: Path, server: FakeOpenAI, file_keyring: object, vision: bool) -> None:
    a = remote_assistant(tmp_path, server, vision)
    try:
        cid = a.new_conversation().id
        done = ask(a, cid, "Что там написано?", [picture(tmp_path, (2400, 1200), "big.bmp")])
        assert done.message.content == "Диск заполнен." and done.message.details["image_tier"] == (
            "vision" if vision else "text")
        content = [r for r in server.requests if r.get("stream")][-1]["messages"][-1]["content"]
        if not vision:
            assert isinstance(content, str) and "Ошибка: диск заполнен" in content
            return
        kinds = [p["type"] for p in content]
        assert kinds == ["text", "image_url"] and "Ошибка: диск заполнен" in content[0]["text"]
        url = content[1]["image_url"]["url"]
        assert url.startswith("data:image/jpeg;base64,")  # a BMP is converted, 2.9 MP shrunk
        sent = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
        assert sent.format == "JPEG" and sent.size == (1536, 768)
    finally:
        a.close()


# ---- the model host's side ---------------------------------------------------------------------

QWEN2VL = {"mmproj": "x", "patch": 14, "merge": 2, "dynamic": True, "fixed_tokens": 0}
LLAVA = {"mmproj": "x", "patch": 14, "merge": 1, "dynamic": False, "fixed_tokens": 578}


def test_a_fixed_size_encoder_gets_a_micro_batch_its_picture_fits() -> None:
    assert micro_batch(None, 512) == (512, 512)
    assert micro_batch(QWEN2VL, 512) == (512, 512)
    assert micro_batch(LLAVA, 512) == (578, 578)  # 576 patches and two markers: 512 would abort
    assert image_tokens(LLAVA, 578) == 578 and image_tokens(QWEN2VL, 512) == 512


def test_a_big_picture_is_shrunk_until_its_tokens_fit_the_micro_batch(tmp_path: Path) -> None:
    photo = picture(tmp_path, (4000, 3000), "photo.jpg")
    messages = wire_messages([{"role": "user", "content": [TextPart("What is it?"), ImagePart(str(photo), "image/jpeg")]}])
    assert messages[0]["content"][1] == {"type": "image", "path": str(photo), "mime": "image/jpeg"}
    out = to_mtmd(messages, QWEN2VL, 512)
    text, image = out[0]["content"]
    assert text == {"type": "text", "text": "What is it?"} and image["type"] == "image_url"
    sent = Image.open(io.BytesIO(base64.b64decode(image["image_url"]["url"].split(",", 1)[1])))
    w, h = sent.size
    assert w % 28 == 0 and h % 28 == 0 and (w // 28) * (h // 28) <= 512 and abs(w / h - 4 / 3) < 0.05


def test_a_picture_gone_from_disk_becomes_a_line_saying_so(tmp_path: Path) -> None:
    messages = [{"role": "user", "content": [{"type": "text", "text": "Hi"},
                                             {"type": "image", "path": str(tmp_path / "gone.png"), "mime": "image/png"}]}]
    out = to_mtmd(messages, QWEN2VL, 512)
    assert out[0]["content"][1] == {"type": "text", "text": UNREADABLE.format(name="gone.png")}
