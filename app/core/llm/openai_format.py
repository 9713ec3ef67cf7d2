"""The OpenAI chat format: messages out, model lists and stream chunks in.

``fit_openai_messages`` turns Sova's chat messages into OpenAI's form (images as data
URLs for a vision model, text only otherwise), oldest turns dropped to fit the window by
an estimated token count, since a remote model has no tokenizer here. ``parse_models``
and ``parse_chunk`` read what a server sends back and raise BackendProtocolError (or a
coded ModelError for an error event) when it is not what the format promises.
"""

from __future__ import annotations

import base64
import json
import logging
import math
from pathlib import Path
from typing import Any, Mapping, Sequence

from app.core.context import fit_messages
from app.core.llm.base import BackendProtocolError, ChatMessage, ImagePart, ModelError, TextPart, message_text
from app.core.llm.openai_http import error_detail, snippet

log = logging.getLogger(__name__)

_IMAGE_TOKENS = 768  # rough prompt cost of one image when fitting the context
_SEND_AS_IS = 2_000_000  # bytes: a PNG or JPEG this small goes unchanged


# ---- messages out ----------------------------------------------------------------------------


def fit_openai_messages(
    messages: Sequence[ChatMessage], n_ctx: int, max_tokens: int, *, vision: bool
) -> tuple[list[dict[str, Any]], int]:
    """The messages in OpenAI form, oldest turns dropped to fit ``n_ctx`` (estimated tokens),
    and the answer budget left."""
    # "images" rides along in the copies fit_messages makes, so the counter sees it.
    plain: list[dict[str, Any]] = [
        {"role": str(m.get("role", "user")), "content": message_text(m),
         "images": _image_count(m) if vision else 0}
        for m in messages
    ]

    def count(ms: Sequence[Mapping[str, Any]]) -> int:
        return sum(_estimate_tokens(m.get("content", "")) + m.get("images", 0) * _IMAGE_TOKENS for m in ms)

    fitted = fit_messages(plain, count, n_ctx, max_tokens)
    if fitted.dropped or fitted.truncated:
        log.info("remote chat fitted to %d tokens: %s", n_ctx, fitted.note)
    out: list[dict[str, Any]] = []
    # Kept messages are the system prompt plus the newest ones: map them back to their
    # originals so image parts survive (a cut message keeps its text only).
    originals = list(messages)
    system = 1 if plain and plain[0]["role"] == "system" and fitted.messages and fitted.messages[0]["role"] == "system" else 0
    tail = originals[len(originals) - (len(fitted.messages) - system):] if len(fitted.messages) > system else []
    kept = originals[:system] + tail
    for orig, fit in zip(kept, fitted.messages):
        if fit.get("content") == message_text(orig):
            out.append(to_openai(orig, vision=vision))
        else:
            out.append({"role": fit["role"], "content": fit["content"]})
    return out, fitted.max_tokens


def to_openai(message: ChatMessage, *, vision: bool) -> dict[str, Any]:
    """One message in OpenAI form: content parts with data-URL images for a vision model."""
    role = str(message.get("role", "user"))
    content = message.get("content", "")
    if isinstance(content, str):
        return {"role": role, "content": content}
    if not vision or not any(isinstance(p, ImagePart) for p in content):
        return {"role": role, "content": message_text(message)}
    parts: list[dict[str, Any]] = []
    for part in content:
        if isinstance(part, TextPart):
            if part.text:
                parts.append({"type": "text", "text": part.text})
        elif isinstance(part, ImagePart):
            url = _data_url(part)
            if url:
                parts.append({"type": "image_url", "image_url": {"url": url}})
    return {"role": role, "content": parts}


def _estimate_tokens(text: str) -> int:
    # No tokenizer for a remote model: about 3 UTF-8 bytes per token errs on the safe side
    # for English (~4) and Cyrillic (~2 characters of 2 bytes), plus the template's per-message cost.
    return math.ceil(len(text.encode("utf-8")) / 3) + 4


def _image_count(message: ChatMessage) -> int:
    content = message.get("content", "")
    return 0 if isinstance(content, str) else sum(isinstance(p, ImagePart) for p in content)


def _data_url(part: ImagePart) -> str | None:
    """The picture as a PNG or JPEG data URL (servers take those two; a TIFF or a 40 MP
    photo is converted and shrunk to 1536 pixels a side first)."""
    from app.core.images.reading import ImageError
    from app.core.images.vision import encode_for_model

    path = Path(part.path)
    try:
        if part.mime in ("image/png", "image/jpeg") and path.stat().st_size <= _SEND_AS_IS:
            mime, data = part.mime, path.read_bytes()
        else:
            mime, data, _, _ = encode_for_model(path)
    except (OSError, ImageError) as exc:
        log.warning("image %s left out of the request: %s", part.path, exc)
        return None
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


# ---- answers in ------------------------------------------------------------------------------


def parse_models(data: Any, url: str) -> tuple[list[str], dict[str, int]]:
    """Model ids and any context size they state (vLLM's max_model_len, llama.cpp's meta)."""
    items = data.get("data") if isinstance(data, dict) else None
    if items is None and isinstance(data, dict):
        items = data.get("models")  # some servers use Ollama's key
    if not isinstance(items, list):
        raise BackendProtocolError(
            f"{url}/models did not return a model list. Is this an OpenAI-compatible API?",
            url=url, detail=snippet(json.dumps(data).encode()),
        )
    ids: list[str] = []
    ctx: dict[str, int] = {}
    for item in items:
        if isinstance(item, dict):
            mid = item.get("id") or item.get("name") or item.get("model")
            if not mid:
                continue
            ids.append(str(mid))
            meta = item.get("meta")
            n = item.get("max_model_len") or (meta.get("n_ctx") if isinstance(meta, dict) else None)
            if isinstance(n, int) and n > 0:
                ctx[str(mid)] = n
        elif isinstance(item, str):
            ids.append(item)
    return ids, ctx


def known_model(model: str, models: Sequence[str]) -> bool:
    """Whether the server offers ``model`` under its name or a spelling of it."""
    # Ollama resolves "llama3" to "llama3:latest"; paths may be listed with their folder.
    return any(m == model or m.startswith(model + ":") or m.endswith("/" + model) for m in models)


def parse_chunk(payload: str, url: str, base_url: str) -> tuple[str, bool, dict[str, Any]]:
    """(text, finished, usage) of one stream chunk, or of a whole non-streamed answer."""
    try:
        chunk = json.loads(payload)
    except ValueError:
        raise BackendProtocolError(
            f"The server at {base_url} sent a stream event that is not JSON "
            f"({snippet(payload.encode())!r}).", url=url, detail=snippet(payload.encode()),
        ) from None
    if not isinstance(chunk, dict):
        raise BackendProtocolError(
            f"The server at {base_url} sent an unexpected stream event ({snippet(payload.encode())!r}).",
            url=url, detail=snippet(payload.encode()),
        )
    if "error" in chunk:
        detail = error_detail(payload.encode())
        raise ModelError(
            f"The server at {base_url} failed while answering: {detail}",
            code="backend_server_error", url=url, status=0, detail=detail,
        )
    usage = chunk.get("usage") or {}
    text = ""
    finished = False
    for choice in chunk.get("choices") or ():
        if not isinstance(choice, dict):
            continue
        delta = choice.get("delta") or choice.get("message") or {}
        content = delta.get("content") if isinstance(delta, dict) else None
        if content is None:
            content = choice.get("text")  # completion-style chunks
        if isinstance(content, str):
            text += content
        if choice.get("finish_reason"):
            finished = True
    return text, finished, usage if isinstance(usage, dict) else {}
