"""The facade's pictures (a part of ``Assistant``): check one before it is attached,
keep it with its conversation, find its stored copy for the window."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from app.core.config import Paths, Settings
    from app.core.images.service import ImageService


class Pictures:
    """Pictures in messages, for the facade."""

    settings: "Settings"
    paths: "Paths"
    _images: "ImageService | None"

    @property
    def images(self) -> "ImageService":
        if self._images is None:
            from app.core.images.service import ImageService

            self._images = ImageService(self.paths, self._current_settings)
        return self._images

    def _current_settings(self) -> "Settings":
        return self.settings

    def sees_images(self) -> bool:
        """Whether the active model sees pictures itself (a vision pair, or a server
        marked as vision-capable); otherwise it reads what Sova read from them."""
        if getattr(self.settings, "backend", "local") == "remote":
            return bool(getattr(self.settings.remote, "vision", False))  # type: ignore[attr-defined]
        info = self.registry.get(self.settings.active_model)  # type: ignore[attr-defined]
        return bool(getattr(info, "sees_images", False))

    def check_image(self, path: Path) -> dict[str, Any]:
        """Whether Sova can read the picture in ``path``: its size and format, or an
        ImageError whose code says why not (the file's name in its parameters)."""
        from app.core.images.reading import read_picture

        p = read_picture(path, work_side=512)
        return {"name": path.name, "width": p.width, "height": p.height, "format": p.format, "frames": p.frames}

    def image_file(self, record: dict[str, Any]) -> Path:
        """The stored copy of a message's picture (for thumbnails and full-size viewing)."""
        return self.images.path(record)

    def _attach_images(self, conversation_id: int, sources: "list[Path]") -> list[dict[str, Any]]:
        """Copies of ``sources`` kept with the conversation (all checked first: one bad
        file and nothing is kept, the message is not sent)."""
        from app.core.images.reading import read_picture

        pictures = [read_picture(source, work_side=512) for source in sources]
        return [self.images.attach(conversation_id, s, p) for s, p in zip(sources, pictures)]

    def export_conversation(self, conversation_id: int, path: Path) -> Path:
        """Write the conversation to ``path`` (JSON when it ends in .json, else Markdown)
        with its pictures copied into a folder beside it (``<name> pictures``), linked
        from the text. Returns ``path``."""
        import shutil

        folder = path.with_name(f"{path.stem} pictures")
        copied: dict[str, str] = {}

        def pictures(message: Any) -> list[tuple[str, str]]:
            out: list[tuple[str, str]] = []
            for record in (message.details or {}).get("images", []):
                source = self.images.path(record) if record.get("file") else None
                if source is None or not source.is_file():
                    continue
                key = str(record["file"])
                if key not in copied:
                    folder.mkdir(parents=True, exist_ok=True)
                    target = folder / f"{len(copied) + 1:03d} {source.name}"
                    shutil.copy2(source, target)
                    copied[key] = f"{folder.name}/{target.name}"
                out.append((str(record.get("name", source.name)), copied[key]))
            return out

        store = self.store  # type: ignore[attr-defined]
        text = (store.export_json(conversation_id, pictures) if path.suffix.lower() == ".json"
                else store.export_markdown(conversation_id, pictures))
        path.write_text(text, encoding="utf-8")
        return path

