"""Pictures in conversations: a copy of each kept with the conversation, described once
for the model, and the answer step that does it.

A picture the user attaches is checked (``read_picture``) and its bytes copied,
unchanged, into ``<data>/images/<conversation>/<hash of its content>/<its name>`` (the
same picture twice is stored once); the user message records it in its
details (``{"images": [{"file", "name", "width", "height", "format"}]}``). The first
answer to that message reads the picture (text, labels, facts) and writes the
description into the same record, so later turns and regenerated answers reuse it.
Deleting the conversation deletes its folder.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from app.core.images.reading import ImageError, read_picture
from app.core.types import CancelToken, ChatEvent, Message, Role, Status, StatusEvent

if TYPE_CHECKING:
    from app.core.answer import AnswerContext
    from app.core.config import Paths, Settings
    from app.core.images.describe import ImageDescription
    from app.core.images.labels import Classifier
    from app.core.images.reading import Picture
    from app.core.store import Store

log = logging.getLogger(__name__)

FOLDER = "images"


class ImageService:
    """Keeps, reads and describes the pictures of conversations."""

    def __init__(self, paths: "Paths", settings: Callable[[], "Settings"]) -> None:
        self._paths = paths
        self._settings = settings
        self._classifier: "Classifier | None" = None
        self._classifier_failed = False
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self._paths.data / FOLDER

    def folder(self, conversation_id: int) -> Path:
        return self.root / str(conversation_id)

    def path(self, record: dict[str, Any]) -> Path:
        """The stored copy a message's image record points at."""
        return self.root / str(record["file"])

    def attach(self, conversation_id: int, source: Path, picture: "Picture | None" = None) -> dict[str, Any]:
        """Check ``source`` (unless ``picture`` is its reading already) and keep a copy
        with the conversation; its record for the message. ImageError (naming the file
        and the reason) when it cannot be read."""
        picture = picture if picture is not None else read_picture(source, work_side=512)
        data = source.read_bytes()
        digest = hashlib.sha256(data).hexdigest()[:20]
        # Under its own name (a document made of it cites "screenshot.png"), in a folder
        # named by its content (two different pictures may share a name).
        name = "".join(ch for ch in source.name if ch not in '/\\:*?"<>|\0')[-120:] or f"picture{source.suffix}"
        folder = self.folder(conversation_id) / digest
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        if not target.exists():
            tmp = folder / f".{digest}.tmp"
            tmp.write_bytes(data)
            tmp.replace(target)  # a killed copy never leaves a half picture under the real name
        return {"file": f"{conversation_id}/{digest}/{name}", "name": source.name, "width": picture.width,
                "height": picture.height, "format": picture.format}

    def delete_conversation(self, conversation_id: int) -> None:
        shutil.rmtree(self.folder(conversation_id), ignore_errors=True)

    def describe(self, record: dict[str, Any], cancel: CancelToken | None = None) -> "ImageDescription":
        """Read a stored picture: its text, what it shows, its facts."""
        from app.core.images.describe import describe
        from app.core.images.text import read_text

        picture = read_picture(self.path(record))
        settings = self._settings()
        languages = getattr(settings, "ocr_languages", "rus+eng") or "rus+eng"

        def ocr(p: Any, cancel: CancelToken | None = None) -> Any:
            return read_text(p, languages=languages, cancel=cancel)

        return describe(picture, str(record.get("name") or picture.path.name), self.classifier(), read_text=ocr,
                        with_location=bool(getattr(settings, "image_location", False)), cancel=cancel)

    def classifier(self) -> "Classifier | None":
        """The bundled classifier, loaded on first use (None when it cannot be: the
        picture is still described by its text and facts)."""
        with self._lock:
            if self._classifier is None and not self._classifier_failed:
                from app.core.images.labels import Classifier, ensure_classifier

                try:
                    self._classifier = Classifier(ensure_classifier(self._paths.models))
                except Exception:
                    log.exception("the image classifier is not available")
                    self._classifier_failed = True
            return self._classifier


class ImagesStep:
    """Describes the pictures of the question being answered (once; kept in the user
    message) and puts what was read into the answer's details."""

    name = "images"

    def __init__(self, images: Callable[[], ImageService], store: "Store",
                 sees_images: Callable[[], bool] = lambda: False) -> None:
        self._images = images
        self._store = store
        self._sees_images = sees_images

    def run(self, ctx: "AnswerContext", cancel: CancelToken) -> Iterator[ChatEvent]:
        last = next((i for i in range(len(ctx.history) - 1, -1, -1) if ctx.history[i].role == Role.USER), None)
        if last is None:
            return
        msg = ctx.history[last]
        records = [dict(r) for r in (msg.details or {}).get("images", [])]
        if not records:
            return
        changed = False
        for n, record in enumerate(records):
            if "description" in record or "error" in record:
                continue
            yield StatusEvent(Status.READING_IMAGE, {"name": record.get("name", ""), "n": n + 1, "of": len(records)})
            cancel.raise_if_cancelled()
            try:
                d = self._images().describe(record, cancel)
                record["description"] = d.for_model()
                record["read"] = d.as_details()
            except ImageError as exc:  # the stored copy went missing or bad: say so, answer the rest
                record["error"] = exc.code
                record["description"] = f"[Picture: {record.get('name', '')}: it could not be read ({exc})]"
            changed = True
        if changed:
            details = {**dict(msg.details or {}), "images": records}
            if msg.id is not None:
                self._store.update_message(msg.id, details=details, conversation_id=ctx.conversation.id)
            ctx.history[last] = _with_details(msg, details)
        ctx.details["images"] = [{"name": r.get("name", ""), **({"read": r["read"]} if "read" in r else {}),
                                  **({"error": r["error"]} if "error" in r else {})} for r in records]
        # Which tier answers: the model itself sees the pictures (a vision model), or it
        # reads what Sova read from them (text, labels, facts); the details say which.
        sees = self._safe_sees()
        ctx.details["image_tier"] = "vision" if sees else "text"
        if sees:
            ctx.pictures = self._images().path

    def _safe_sees(self) -> bool:
        try:
            return bool(self._sees_images())
        except Exception:  # an unknown model: the text tier always works
            log.exception("cannot tell whether the model sees pictures")
            return False


def _with_details(msg: Message, details: dict[str, Any]) -> Message:
    from dataclasses import replace

    return replace(msg, details=details)


def image_records(message: Message) -> Sequence[dict[str, Any]]:
    """The pictures a message carries (its details' records)."""
    return list((message.details or {}).get("images", []))
