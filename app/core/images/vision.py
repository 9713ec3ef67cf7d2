"""The vision-model tier: a language model GGUF plus its multimodal projector (mmproj),
checked as a pair before Sova lists it.

llama.cpp (``mtmd``) refuses a projector whose output size differs from the text
model's embedding size, and aborts the whole process on some mismatches; so the pair is
read here first, from the two files' headers only (no weights loaded): the model must be
a language model, the projector a CLIP-architecture file with a vision encoder, and the
projector's output size must equal the model's embedding size. Each refusal is an
``VisionPairError`` whose code says which rule failed and whose parameters name the file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from app.core.types import SovaError

# The projector's output layer, by projector family: the output size is its second
# GGUF dimension (GGUF lists the input size first).
_OUTPUT_TENSORS = ("mm.model.fc.weight", "mm.input_projection.weight", "mm.model.mlp.3.weight",
                   "resampler.proj.weight", "mm.model.peg.0.weight")
_MM_INDEXED = re.compile(r"^mm\.(\d+)\.weight$")


class VisionPairError(SovaError):
    """The model and projector cannot work together; ``code`` says why."""


@dataclass(frozen=True)
class VisionPair:
    """A checked pair."""

    model: Path
    mmproj: Path
    architecture: str  # the language model's ("qwen2vl", "gemma3", "llama", ...)
    n_embd: int
    projector: str  # the projector type the file declares ("mlp", "qwen2vl_merger", ...)
    image_size: int  # the encoder's input side in pixels (0 when not declared)
    patch_size: int


def _open(path: Path, role: str) -> dict[str, object] | tuple[dict[str, object], list]:  # type: ignore[type-arg]
    from app.core.finetune.gguf_file import GGUFError, GGUFFile

    if not path.is_file():
        raise VisionPairError(f"{path.name}: the file does not exist", code="vision_missing", name=path.name,
                              role=role)
    try:
        f = GGUFFile(path)
    except (GGUFError, OSError) as exc:
        raise VisionPairError(f"{path.name} is not a GGUF file ({exc})", code="vision_not_gguf", name=path.name,
                              role=role) from exc
    return f.metadata, f.tensors


def projector_output(metadata: dict[str, object], tensors: list) -> int:  # type: ignore[type-arg]
    """The projector's output size: declared, or read off its last projection layer."""
    for key in ("clip.vision.projection_dim", "clip.projection_dim"):
        value = metadata.get(key)
        if isinstance(value, int) and value > 0:
            return value
    by_name = {t.name: t for t in tensors}
    for name in _OUTPUT_TENSORS:
        if name in by_name and len(by_name[name].dims) >= 2:
            return int(by_name[name].dims[1])
    indexed = sorted(((int(m.group(1)), t) for t in tensors if (m := _MM_INDEXED.match(t.name))),
                     key=lambda it: it[0])
    if indexed and len(indexed[-1][1].dims) >= 2:
        return int(indexed[-1][1].dims[1])
    return 0


def check_pair(model: Path, mmproj: Path) -> VisionPair:
    """The pair, or VisionPairError naming the file and the reason."""
    meta, _ = _open(model, "model")
    arch = str(meta.get("general.architecture", ""))
    if arch == "clip":
        raise VisionPairError(f"{model.name} is a projector, not a language model (the two files may be swapped)",
                              code="vision_swapped", name=model.name)
    n_embd = meta.get(f"{arch}.embedding_length")
    if not arch or not isinstance(n_embd, int):
        raise VisionPairError(f"{model.name} is not a language model GGUF", code="vision_not_model", name=model.name)
    pmeta, ptensors = _open(mmproj, "mmproj")
    if pmeta.get("general.architecture") != "clip":
        raise VisionPairError(f"{mmproj.name} is not a multimodal projector (its architecture is "
                              f"'{pmeta.get('general.architecture', '?')}', not 'clip')",
                              code="vision_not_projector", name=mmproj.name)
    if pmeta.get("clip.has_vision_encoder") is False:
        raise VisionPairError(f"{mmproj.name} has no vision encoder (an audio-only projector?)",
                              code="vision_no_encoder", name=mmproj.name)
    out = projector_output(pmeta, ptensors)
    if out <= 0:
        raise VisionPairError(f"{mmproj.name}: the projector's output size cannot be read",
                              code="vision_unknown_projector", name=mmproj.name)
    if out != n_embd:
        raise VisionPairError(
            f"{mmproj.name} gives {out}-wide image embeddings but {model.name} expects {n_embd}: "
            "they belong to different models", code="vision_mismatch", name=mmproj.name, model=model.name,
            projector=out, n_embd=n_embd)
    return VisionPair(model=model, mmproj=mmproj, architecture=arch, n_embd=int(n_embd),
                      projector=str(pmeta.get("clip.projector_type", "mlp")),
                      image_size=int(pmeta.get("clip.vision.image_size", 0) or 0),
                      patch_size=int(pmeta.get("clip.vision.patch_size", 0) or 0))


def fit_for_batch(width: int, height: int, patch: int, n_batch: int, merge: int = 2) -> tuple[int, int]:
    """A picture size whose image tokens fit one micro-batch (an image bigger than
    ``n_batch`` tokens aborts llama.cpp): the same aspect, both sides multiples of the
    patch times the merge factor, at most ``n_batch`` tokens."""
    import math

    patch = max(1, patch)
    unit = patch * max(1, merge)
    tokens = (width / unit) * (height / unit)
    scale = min(1.0, math.sqrt(n_batch / tokens)) if tokens > 0 else 1.0
    w = max(unit, int(width * scale) // unit * unit)
    h = max(unit, int(height * scale) // unit * unit)
    return w, h
