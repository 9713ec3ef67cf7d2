"""The language-model seam: the LLM protocol, the request it serves, and its errors.

Every backend (llama.cpp in a host process, a remote OpenAI-compatible server, the
test fakes) implements ``LLM``. Generation options travel with each request, so a
changed temperature or persona never reloads a model. Message content is either a
string or a list of parts (text and, for vision backends later, images).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Protocol, Sequence, runtime_checkable

from app.core.types import CancelToken, GenerationStats, ProgressCallback, SovaError

if TYPE_CHECKING:
    from app.core.config import GenerationSettings

ChatMessage = Mapping[str, Any]
"""{"role": "system"|"user"|"assistant", "content": str | list[ContentPart]}"""


# ---- message parts ---------------------------------------------------------------------


@dataclass(frozen=True)
class TextPart:
    text: str


@dataclass(frozen=True)
class ImagePart:
    """An image in a message: a file on disk (a copy in Sova's data folder)."""

    path: str
    mime: str = "image/png"


ContentPart = TextPart | ImagePart


def message_text(message: ChatMessage) -> str:
    """The text of a message whose content may be a list of parts (images left out)."""
    content = message.get("content", "")
    if isinstance(content, str):
        return content
    return "".join(p.text for p in content if isinstance(p, TextPart))


def text_only(messages: Sequence[ChatMessage]) -> list[dict[str, str]]:
    """Messages with plain-string content, for backends that read no images."""
    return [{"role": str(m.get("role", "user")), "content": message_text(m)} for m in messages]


def wire_messages(messages: Sequence[ChatMessage]) -> list[dict[str, Any]]:
    """Messages as plain data for another process: text, or parts whose pictures are
    paths ({"type": "image", "path", "mime"}); the receiver reads and sizes them."""
    out: list[dict[str, Any]] = []
    for m in messages:
        content = m.get("content", "")
        if isinstance(content, str) or not any(isinstance(p, ImagePart) for p in content):
            out.append({"role": str(m.get("role", "user")), "content": message_text(m)})
            continue
        parts: list[dict[str, Any]] = []
        for p in content:
            if isinstance(p, TextPart) and p.text:
                parts.append({"type": "text", "text": p.text})
            elif isinstance(p, ImagePart):
                parts.append({"type": "image", "path": p.path, "mime": p.mime})
        out.append({"role": str(m.get("role", "user")), "content": parts})
    return out


# ---- per-request options -------------------------------------------------------------


@dataclass(frozen=True)
class GenerationOptions:
    """How to generate one answer. None of these reloads the model."""

    temperature: float = 0.3
    top_p: float = 0.9
    max_tokens: int = 768
    stop: tuple[str, ...] = ()
    seed: int = -1  # -1: random
    adapter: str | None = None  # a GGUF LoRA adapter file (learning from ratings); local models only
    json_schema: Mapping[str, Any] | None = None  # constrained output (memory extraction)
    # Which prompt cache the request uses: background work ("background") keeps its own,
    # so it never evicts the chat's and the next question still reuses its prefix.
    cache: str = "chat"

    @classmethod
    def from_settings(cls, gen: "GenerationSettings") -> "GenerationOptions":
        return cls(temperature=gen.temperature, top_p=gen.top_p, max_tokens=gen.max_tokens, seed=gen.seed)

    def with_(self, **changes: Any) -> "GenerationOptions":
        return replace(self, **changes)


@dataclass(frozen=True)
class ChatRequest:
    """One generation: the conversation so far and how to answer it."""

    messages: tuple[ChatMessage, ...]
    options: GenerationOptions = field(default_factory=GenerationOptions)
    system_prompt: str | None = None  # put first as the system message when given

    def chat_messages(self) -> list[ChatMessage]:
        msgs = [m for m in self.messages]
        if self.system_prompt is not None:
            if msgs and msgs[0].get("role") == "system":
                msgs = msgs[1:]
            msgs.insert(0, {"role": "system", "content": self.system_prompt})
        return msgs


# ---- errors ------------------------------------------------------------------------------


class ModelError(SovaError):
    """The model cannot be used; the message says which file or server and why."""

    code = "model_error"


class ModelCrashed(ModelError):
    """The model host process died (native crash, out of memory, killed)."""

    code = "model_crashed"


class BackendUnreachable(ModelError):
    """A remote server refused the connection or its address does not resolve."""

    code = "backend_unreachable"


class BackendAuthError(ModelError):
    """A remote server rejected the API key (401/403)."""

    code = "backend_auth"


class BackendTimeout(ModelError):
    """A remote server did not answer in time."""

    code = "backend_timeout"


class BackendProtocolError(ModelError):
    """A remote server answered with something that is not the OpenAI API."""

    code = "backend_protocol"


class BackendDropped(ModelError):
    """A remote server closed the stream in the middle of an answer."""

    code = "backend_dropped"


# ---- the protocol -------------------------------------------------------------------------


@runtime_checkable
class LLM(Protocol):
    """A chat model. Not thread-safe: the scheduler gives it one request at a time."""

    name: str

    def load(self, progress: ProgressCallback, cancel: CancelToken) -> None:
        """Load the weights or connect (idempotent). Raises ModelError with a readable reason."""

    @property
    def loaded(self) -> bool: ...

    @property
    def n_ctx(self) -> int: ...

    def stream_chat(
        self,
        messages: Sequence[ChatMessage],
        cancel: CancelToken,
        options: GenerationOptions | None = None,
    ) -> Iterator[str | GenerationStats]:
        """Yield text pieces as they are generated, then one GenerationStats.

        Never overflows the context window: the oldest turns are trimmed first.
        Stops within 200 ms of cancel.cancel(). Raises ModelCrashed if the model host
        died, ModelError (or a subclass with its code) for anything else.
        """

    def close(self) -> None:
        """Free the model (and stop its host process or connection)."""


def stream(llm: LLM, request: ChatRequest, cancel: CancelToken) -> Iterator[str | GenerationStats]:
    """Run a ChatRequest on a backend."""
    return llm.stream_chat(request.chat_messages(), cancel, request.options)
