"""Immutable records shared by the core, the UI and the CLI."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Callable, Literal, Union


class Role(StrEnum):
    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"


class MessageStatus(StrEnum):
    COMPLETE = "complete"
    INTERRUPTED = "interrupted"  # cancelled by the user or the model host died
    ERROR = "error"


@dataclass(frozen=True)
class GenerationStats:
    """What one generation cost; stored with the assistant message."""

    prompt_tokens: int = 0  # tokens in the whole prompt
    evaluated_prompt_tokens: int = 0  # tokens actually evaluated (prompt minus reused prefix)
    completion_tokens: int = 0
    prompt_seconds: float = 0.0  # until the first token
    generation_seconds: float = 0.0
    n_ctx: int = 0

    @property
    def tokens_per_second(self) -> float:
        return self.completion_tokens / self.generation_seconds if self.generation_seconds > 0 else 0.0

    @property
    def context_used(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True)
class Citation:
    """A numbered source passage the answer may cite as [n]."""

    n: int
    path: str
    page: int | None  # 1-based page for paged documents; None otherwise
    heading: str
    text: str  # the passage given to the model
    score: float = 0.0
    chunk_id: str = ""
    start_seconds: float | None = None  # for audio transcripts


@dataclass(frozen=True)
class Message:
    role: Role
    content: str
    id: int | None = None
    conversation_id: int | None = None
    created_at: float = field(default_factory=time.time)
    model: str | None = None
    status: MessageStatus = MessageStatus.COMPLETE
    stats: GenerationStats | None = None
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    created_at: float
    updated_at: float
    # Documents for this conversation: None = documents off, () = all collections.
    collections: tuple[str, ...] | None = None


# ---- streaming events the facade yields while answering -------------------------

@dataclass(frozen=True)
class TokenEvent:
    text: str


@dataclass(frozen=True)
class SourcesEvent:
    """Passages retrieved for this answer, before the first token."""

    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class StatusEvent:
    """Human-readable progress (e.g. 'Loading model 40%') while no token is ready."""

    text: str
    fraction: float | None = None


@dataclass(frozen=True)
class DoneEvent:
    """Always the last event: the stored assistant message (complete or interrupted)."""

    message: Message
    error: str | None = None  # readable reason when status is not COMPLETE


ChatEvent = Union[TokenEvent, SourcesEvent, StatusEvent, DoneEvent]

# progress(fraction 0..1 or None, text)
ProgressCallback = Callable[[float | None, str], None]


def no_progress(fraction: float | None, text: str) -> None:
    """A progress callback that ignores everything."""


class Cancelled(Exception):
    """Raised by long jobs when their CancelToken is set."""


class CancelToken:
    """A thread-safe flag that long jobs check between steps."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def cancel(self) -> None:
        self._event.set()

    @property
    def cancelled(self) -> bool:
        return self._event.is_set()

    def raise_if_cancelled(self) -> None:
        if self._event.is_set():
            raise Cancelled()

    def wait(self, timeout: float) -> bool:
        """Sleep up to timeout; True as soon as cancelled."""
        return self._event.wait(timeout)


class SovaError(Exception):
    """An error whose message is meant for the user (names the file and the reason)."""


ModelState = Literal["absent", "assembling", "ready", "invalid"]
