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
# Projectors whose token count follows the picture's size (llama.cpp's clip.cpp names),
# and the merge of patches per side each applies before the language model.
DYNAMIC_PROJECTORS = {"qwen2vl_merger": 2, "qwen2.5vl_merger": 2, "qwen3vl_merger": 2, "pixtral": 1,
                      "kimivl": 2, "glm4v": 2, "lightonocr": 2}
# Fixed-size encoders that pool their patches to a known count.
POOLED_TOKENS = {"gemma3": 256, "idefics3": 64, "minicpmv": 96, "lfm2": 256}


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
    merge: int = 1  # patches merged into one token per side (2 for Qwen2-VL's merger)

    @property
    def dynamic(self) -> bool:
        """Whether the image's token count follows its size (Qwen2-VL, Pixtral): such
        pictures are shrunk to fit a micro-batch; fixed-size encoders resize them
        themselves and need a micro-batch as big as their token count instead."""
        return self.projector in DYNAMIC_PROJECTORS

    @property
    def fixed_tokens(self) -> int:
        """Tokens one picture costs a fixed-size encoder (an upper bound: before pooling)."""
        if self.projector in POOLED_TOKENS:
            return POOLED_TOKENS[self.projector]
        side = self.image_size // max(1, self.patch_size) if self.image_size else 24
        return side * side + 2  # plus the image's begin and end markers some templates add

    def hints(self) -> dict[str, object]:
        """What the model host needs to size pictures (picklable)."""
        return {"mmproj": str(self.mmproj), "patch": self.patch_size or 14, "merge": self.merge,
                "dynamic": self.dynamic, "fixed_tokens": 0 if self.dynamic else self.fixed_tokens}


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
    projector = str(pmeta.get("clip.projector_type", "mlp"))
    merge = pmeta.get("clip.vision.spatial_merge_size")
    return VisionPair(model=model, mmproj=mmproj, architecture=arch, n_embd=int(n_embd), projector=projector,
                      image_size=int(pmeta.get("clip.vision.image_size", 0) or 0),
                      patch_size=int(pmeta.get("clip.vision.patch_size", 0) or 0),
                      merge=int(merge) if isinstance(merge, int) and merge > 0 else DYNAMIC_PROJECTORS.get(projector, 1))


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


def encode_for_model(path: Path, *, patch: int = 14, merge: int = 1, max_tokens: int = 0,
                     max_side: int = 1536) -> tuple[str, bytes, int, int]:
    """(mime type, bytes, width, height) of a stored picture as a model is sent it:
    upright, RGB, at most ``max_side`` pixels a side and, when ``max_tokens`` is set, at
    most that many image tokens (``fit_for_batch``); PNG for small pictures (text stays
    sharp), JPEG for large ones. ImageError names the file when it cannot be read."""
    import io

    from PIL import Image

    from app.core.images.reading import read_picture

    picture = read_picture(path, work_side=max_side)
    im = picture.image
    if max_tokens:
        w, h = fit_for_batch(im.width, im.height, patch, max_tokens, merge)
        if (w, h) != im.size:
            im = im.resize((w, h), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    if im.width * im.height <= 1_000_000:
        im.save(buf, "PNG", optimize=False)
        return "image/png", buf.getvalue(), im.width, im.height
    im.save(buf, "JPEG", quality=90)
    return "image/jpeg", buf.getvalue(), im.width, im.height
