"""Language models: the protocol and request types (base), GGUF inspection (gguf),
llama.cpp in a host process (hosted + host) and remote OpenAI-compatible servers (remote,
over openai_http and openai_format, with the key in the keyring via api_key).

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
    # The remote backend too, so a local-only session never loads its HTTP plumbing.
    if name in ("RemoteLLM", "create_remote_llm"):
        from app.core.llm import remote

        return getattr(remote, name)
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
    "RemoteLLM",
    "TextPart",
    "create_llm",
    "create_remote_llm",
    "message_text",
    "text_only",
]
