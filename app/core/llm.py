"""Language-model backends behind the LLM protocol.

STUB written by the lead: the helper owning the LLM replaces the implementation but
keeps this protocol and these error classes (the facade, UI and CLI depend on them).
"""

from __future__ import annotations

from typing import Iterator, Mapping, Protocol, Sequence, runtime_checkable

from app.core.types import CancelToken, GenerationStats, ProgressCallback, SovaError

ChatMessage = Mapping[str, str]  # {"role": "user"|"assistant"|"system", "content": "..."}


class ModelError(SovaError):
    """The model cannot be used; the message says which file and why."""


class ModelCrashed(ModelError):
    """The model host process died (native crash, out of memory, killed)."""


@runtime_checkable
class LLM(Protocol):
    """A chat model. One request at a time; callers may queue from several threads."""

    name: str

    def load(self, progress: ProgressCallback, cancel: CancelToken) -> None:
        """Load the weights (idempotent). Raises ModelError with a readable reason."""

    @property
    def loaded(self) -> bool: ...

    @property
    def n_ctx(self) -> int: ...

    def stream_chat(
        self, messages: Sequence[ChatMessage], cancel: CancelToken
    ) -> Iterator[str | GenerationStats]:
        """Yield text pieces as they are generated, then one GenerationStats.

        Never overflows the context window: the oldest turns are trimmed first.
        Stops within 200 ms of cancel.cancel(). Raises ModelCrashed if the model host
        died, ModelError for anything else the user must know.
        """

    def close(self) -> None:
        """Free the model (and stop its host process)."""
