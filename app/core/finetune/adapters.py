"""Adapter versions: every trained adapter kept with its figures; one active per model.

Layout: ``<data>/adapters/<model id>/<version>/`` holds ``adapter.gguf`` (llama.cpp),
``lora.safetensors`` (peft, to compare the next adapter against) and ``meta.json``
(figures, verdict, when). A version folder is complete exactly when ``meta.json``
exists: it is filled under a temporary name and renamed, so a crash leaves either a
whole version or a leftover ``.tmp-*`` folder that the next listing removes. Which
version a model uses lives in the settings (``learning.adapters``); the activation
history beside the versions (``history.json``) makes rollback one step.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

from app.core.types import SovaError

FILES = ("adapter.gguf", "lora.safetensors")


class AdapterError(SovaError):
    """An adapter cannot be used. Codes: ``adapter_not_found`` (version),
    ``adapter_damaged`` (version, reason), ``adapter_nothing_to_roll_back``."""

    code = "adapter_error"


@dataclass(frozen=True)
class Adapter:
    """One trained adapter version and its figures."""

    model: str
    version: str  # "v1", "v2", ...
    path: Path  # its folder
    created_at: float
    figures: Mapping[str, Any] = field(default_factory=dict)
    verdict: Mapping[str, Any] = field(default_factory=dict)  # {"passed": bool, "reasons": [...]}

    @property
    def gguf(self) -> Path:
        return self.path / "adapter.gguf"

    @property
    def lora(self) -> Path:
        return self.path / "lora.safetensors"

    @property
    def passed(self) -> bool:
        return bool(self.verdict.get("passed"))


def _write_json(path: Path, data: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class AdapterStore:
    """The adapter versions of every model, on disk."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _dir(self, model: str) -> Path:
        return self.root / model.replace("/", "_")

    def versions(self, model: str) -> list[Adapter]:
        """Complete versions, oldest first (leftovers of a crash are removed)."""
        folder = self._dir(model)
        if not folder.is_dir():
            return []
        out = []
        for child in folder.iterdir():
            if child.name.startswith(".tmp-"):
                shutil.rmtree(child, ignore_errors=True)
                continue
            meta = child / "meta.json"
            if not child.is_dir() or not meta.is_file():
                continue
            try:
                data = json.loads(meta.read_text(encoding="utf-8"))
            except ValueError:
                continue
            out.append(Adapter(model, child.name, child, float(data.get("created_at", 0)),
                               data.get("figures", {}), data.get("verdict", {})))
        return sorted(out, key=lambda a: (a.created_at, _number(a.version)))

    def get(self, model: str, version: str) -> Adapter:
        for a in self.versions(model):
            if a.version == version:
                return a
        raise AdapterError(f"Adapter {version} is gone.", code="adapter_not_found", version=version)

    def usable(self, model: str, version: str) -> Adapter:
        """The version if its llama.cpp file is there. Raises AdapterError."""
        adapter = self.get(model, version)
        if not adapter.gguf.is_file() or adapter.gguf.stat().st_size == 0:
            raise AdapterError(f"Adapter {version} is damaged: its file is missing.", code="adapter_damaged",
                               version=version, reason="missing_file")
        return adapter

    def add(self, model: str, job: Path, figures: Mapping[str, Any], verdict: Mapping[str, Any]) -> Adapter:
        """Keep a finished job's adapter as the next version (atomically)."""
        folder = self._dir(model)
        folder.mkdir(parents=True, exist_ok=True)
        numbers = [_number(p.name) for p in folder.iterdir() if p.name.startswith("v")]
        version = f"v{max(numbers, default=0) + 1}"
        tmp = folder / f".tmp-{version}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        for name in FILES:
            shutil.copy2(job / name, tmp / name)
        now = time.time()
        _write_json(tmp / "meta.json", {"version": version, "created_at": now, "figures": dict(figures),
                                         "verdict": dict(verdict)})
        os.replace(tmp, folder / version)
        return Adapter(model, version, folder / version, now, dict(figures), dict(verdict))

    def delete(self, model: str, version: str) -> None:
        shutil.rmtree(self._dir(model) / version, ignore_errors=True)

    # ---- activation history (for rollback) ------------------------------------------------

    def history(self, model: str) -> list[str]:
        """Versions activated, oldest first ("" = no adapter)."""
        path = self._dir(model) / "history.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return [str(v) for v in data] if isinstance(data, list) else []
        except (OSError, ValueError):
            return []

    def record(self, model: str, version: str) -> None:
        folder = self._dir(model)
        folder.mkdir(parents=True, exist_ok=True)
        _write_json(folder / "history.json", (self.history(model) + [version])[-100:])

    def roll_back(self, model: str, current: str) -> str:
        """Drop ``current`` from the history and return the version activated before
        it that still exists ("" = no adapter); the history ends with that version."""
        existing = {a.version for a in self.versions(model)} | {""}
        hist = self.history(model)
        while hist and (hist[-1] == current or hist[-1] not in existing):
            hist.pop()
        folder = self._dir(model)
        folder.mkdir(parents=True, exist_ok=True)
        _write_json(folder / "history.json", hist)
        return hist[-1] if hist else ""


def _number(version: str) -> int:
    try:
        return int(version.lstrip("v"))
    except ValueError:
        return 0
