"""GGUF file inspection: what Sova must know about a model file before loading it.

Pure file reading (the `gguf` package's constants and a small header reader), so the
registry, the model host and the settings pages can all use it without importing
llama.cpp, and without an import circle between the registry and the backends.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from app.core.llm.base import ModelError


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


class KVEstimate(NamedTuple):
    bytes: int
    n_ctx: int  # the context that will really be used
    trained_ctx: int  # the model's trained context (0 if unknown)


def kv_cache_bytes(path: Path, n_ctx: int) -> KVEstimate | None:
    """Rough size of llama.cpp's f16 KV cache for this model and context (None if unknown)."""
    try:
        s = inspect_gguf(path)
    except Exception:
        return None
    if not (s.n_layer and s.embedding_length and s.n_head):
        return None
    head_dim = s.embedding_length // s.n_head
    kv_heads = s.n_head_kv or s.n_head
    trained = s.context_length or 0
    n_ctx = min(n_ctx, trained or n_ctx)
    return KVEstimate(2 * s.n_layer * n_ctx * head_dim * kv_heads * 2, n_ctx, trained)
