"""Language models: the protocol and request types (base), GGUF inspection (gguf),
llama.cpp in a host process (hosted + host) and remote OpenAI-compatible servers (remote).

Importing this package stays light: backends import their heavy libraries lazily.
"""

from app.core.llm.base import (
    LLM,
    BackendAuthError,
    BackendDropped,
    BackendProtocolError,
    BackendTimeout,
    BackendUnreachable,
    ChatMessage,
    ChatRequest,
    ContentPart,
    GenerationOptions,
    ImagePart,
    ModelCrashed,
    ModelError,
    TextPart,
    message_text,
    text_only,
)


def __getattr__(name: str) -> object:
    # The hosted backend pulls in multiprocessing plumbing: only when asked for.
    if name in ("HostedLLM", "create_llm"):
        from app.core.llm import hosted

        return getattr(hosted, name)
    raise AttributeError(name)


__all__ = [
    "LLM",
    "BackendAuthError",
    "BackendDropped",
    "BackendProtocolError",
    "BackendTimeout",
    "BackendUnreachable",
    "ChatMessage",
    "ChatRequest",
    "ContentPart",
    "GenerationOptions",
    "HostedLLM",
    "ImagePart",
    "ModelCrashed",
    "ModelError",
    "TextPart",
    "create_llm",
    "message_text",
    "text_only",
]
