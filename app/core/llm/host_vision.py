"""Pictures for a vision model inside the model host: llama.cpp's multimodal handler
(``MTMDChatHandler``) with its projector, and each picture sized so its tokens fit one
micro-batch.

llama.cpp evaluates a picture's tokens in one micro-batch (the encoder attends across
the whole picture); a picture with more tokens than that aborts the process, the top
crash of vision models in other apps. So a picture is shrunk until it fits
(``fit_for_batch``) for encoders whose token count follows the size, and the
micro-batch is made big enough for encoders with a fixed count.

This module runs in the host process only (llama_cpp imported on use).
"""

from __future__ import annotations

import base64
import logging
from typing import Any, Mapping, Sequence

log = logging.getLogger(__name__)

UNREADABLE = "[A picture here could not be read: {name}]"


def micro_batch(vision: Mapping[str, Any] | None, n_batch: int) -> tuple[int, int]:
    """(n_batch, n_ubatch) for the host: a fixed-size encoder's pictures must fit whole."""
    n_ubatch = min(n_batch, 512)
    if vision and not vision.get("dynamic") and int(vision.get("fixed_tokens", 0)) > n_ubatch:
        n_ubatch = int(vision["fixed_tokens"])
        n_batch = max(n_batch, n_ubatch)
    return n_batch, n_ubatch


def image_tokens(vision: Mapping[str, Any], n_ubatch: int) -> int:
    """The most tokens one picture may cost (what the prompt count reserves for it)."""
    return n_ubatch if vision.get("dynamic") else int(vision.get("fixed_tokens", 0)) or n_ubatch


def has_images(messages: Sequence[Mapping[str, Any]]) -> bool:
    return any(isinstance(m.get("content"), list) and any(p.get("type") == "image" for p in m["content"])
               for m in messages)


def flat_text(message: Mapping[str, Any]) -> str:
    content = message.get("content", "")
    if isinstance(content, str):
        return content
    return "".join(str(p.get("text", "")) for p in content if p.get("type") == "text")


def count_images(message: Mapping[str, Any]) -> int:
    content = message.get("content", "")
    return 0 if isinstance(content, str) else sum(1 for p in content if p.get("type") == "image")


def to_mtmd(messages: Sequence[Mapping[str, Any]], vision: Mapping[str, Any], n_ubatch: int) -> list[dict[str, Any]]:
    """The messages as the multimodal handler reads them: each picture read, sized for
    the micro-batch and inlined as a data URL; one that cannot be read becomes a line
    saying so (the answer goes on)."""
    from pathlib import Path

    from app.core.images.reading import ImageError
    from app.core.images.vision import encode_for_model

    budget = n_ubatch if vision.get("dynamic") else 0  # fixed-size encoders resize by themselves
    out: list[dict[str, Any]] = []
    for m in messages:
        content = m.get("content", "")
        if isinstance(content, str):
            out.append(dict(m))
            continue
        parts: list[dict[str, Any]] = []
        for p in content:
            if p.get("type") == "image":
                path = Path(str(p["path"]))
                try:
                    mime, data, w, h = encode_for_model(path, patch=int(vision.get("patch", 14)),
                                                        merge=int(vision.get("merge", 1)), max_tokens=budget)
                except ImageError as exc:
                    log.warning("picture left out: %s", exc)
                    parts.append({"type": "text", "text": UNREADABLE.format(name=path.name)})
                    continue
                log.info("picture %s sent as %dx%d", path.name, w, h)
                url = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
                parts.append({"type": "image_url", "image_url": {"url": url}})
            else:
                parts.append({"type": "text", "text": str(p.get("text", ""))})
        out.append({"role": m.get("role", "user"), "content": parts})
    return out


def load_handler(llm: Any, mmproj: str) -> Any:
    """The multimodal handler with its projector loaded now (not at the first picture),
    so a projector llama.cpp refuses is a load error naming it. ValueError otherwise."""
    from llama_cpp.llama_chat_format import MTMDChatHandler

    handler = MTMDChatHandler(clip_model_path=mmproj, verbose=False)
    # The handler loads its context on first use; doing it here turns a refusal into a
    # load error instead of a failed answer (the method is the handler's own loader).
    handler._init_mtmd_context(llm)
    return handler
