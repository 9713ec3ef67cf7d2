"""Immutable records shared by the core, the UI and the CLI."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Callable, Literal, Mapping, Union


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
    # Why the passage was given to the model (the answer's details).
    collection: str = ""
    dense: float = 0.0  # cosine similarity to the question
    lexical: float = 0.0  # BM25 score (0: no shared word)
    merged: int = 0  # neighbouring chunks merged into the passage


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
    persona: str | None = None  # the name of the persona that answered
    # What the answer used, for its details: {"persona": {...}, "memory": [{"id", "text"}], ...}
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    created_at: float
    updated_at: float
    # Documents for this conversation: None = documents off, () = all collections.
    collections: tuple[str, ...] | None = None
    persona: str | None = None  # the persona id; None: the default persona


# ---- streaming events the facade yields while answering -------------------------

@dataclass(frozen=True)
class TokenEvent:
    text: str


@dataclass(frozen=True)
class SourcesEvent:
    """Passages retrieved for this answer, before the first token."""

    citations: tuple[Citation, ...]


class Status(StrEnum):
    """What the core is doing for an answer; the UI and CLI translate the code."""

    LOADING_MODEL = "loading_model"  # params: model
    SEARCHING_DOCUMENTS = "searching_documents"
    QUEUED = "queued"  # params: position (1 = next)
    WAITING_FOR_RESTART = "waiting_for_restart"  # params: attempt, of, seconds
    PREEMPTED = "preempted"  # a background job gave way to a question; it restarts later
    FITTING_CONTEXT = "fitting_context"  # params: dropped
    READING_IMAGE = "reading_image"  # params: name, n, of


@dataclass(frozen=True)
class StatusEvent:
    """Progress while no token is ready: a code with parameters, plus English text."""

    code: Status
    params: dict[str, object] = field(default_factory=dict)
    fraction: float | None = None

    @property
    def text(self) -> str:
        """English wording (logs, CLI fallback); the UI translates ``code`` instead."""
        return status_text(self.code, self.params)


_STATUS_EN = {
    Status.LOADING_MODEL: "Loading {model}…",
    Status.SEARCHING_DOCUMENTS: "Searching your documents…",
    Status.QUEUED: "Waiting for the model (position {position})…",
    Status.WAITING_FOR_RESTART: "Restarting the model ({attempt}/{of}) in {seconds:.0f} s…",
    Status.PREEMPTED: "Paused for a question; will continue.",
    Status.FITTING_CONTEXT: "Older messages were left out to fit the context window.",
    Status.READING_IMAGE: "Reading the picture {name} ({n} of {of})…",
}


def status_text(code: Status, params: dict[str, object]) -> str:
    """The English text of a status code (missing parameters are left as placeholders)."""
    template = _STATUS_EN.get(code, str(code))
    try:
        return template.format(**params)
    except (KeyError, ValueError, IndexError):
        return template


@dataclass(frozen=True)
class DoneEvent:
    """Always the last event: the stored assistant message (complete or interrupted)."""

    message: Message
    error: str | None = None  # English reason when something went wrong (logs, CLI)
    error_code: str | None = None  # what the UI translates (SovaError.code)
    error_params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class RestartEvent:
    """The text streamed so far is withdrawn; the answer starts again (``code`` says why:
    "wrong_language", params: language)."""

    code: str
    params: dict[str, object] = field(default_factory=dict)


ChatEvent = Union[TokenEvent, SourcesEvent, StatusEvent, RestartEvent, DoneEvent]

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
    """An error for the user: a code the UI translates, its parameters, and an English
    message (names the file and the reason) for logs, the CLI and unknown codes."""

    code: str = "error"

    def __init__(self, message: str = "", *, code: str | None = None, **params: object) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code
        self.params: dict[str, object] = dict(params)


ModelState = Literal["absent", "assembling", "ready", "invalid"]


class HealthState(StrEnum):
    OK = "ok"
    STARTING = "starting"  # loading or restarting
    DEGRADED = "degraded"  # works, but stepped down or recovering
    DOWN = "down"  # failed; the user must act
    OFF = "off"  # not started (nothing asked for it yet)


@dataclass(frozen=True)
class Health:
    """The health of one part of the core (model, index, transcriber)."""

    part: str  # "model" | "index" | "transcriber"
    state: HealthState
    code: str = ""  # what happened last, e.g. "model_crashed" (the UI translates it)
    params: dict[str, object] = field(default_factory=dict)
    since: float = field(default_factory=time.time)


class ModelPhase(StrEnum):
    IDLE = "idle"  # nothing loaded yet (or unloaded after a settings change)
    LOADING = "loading"
    READY = "ready"
    RESTARTING = "restarting"  # crashed; a restart is scheduled
    FAILED = "failed"  # could not load, or gave up after crashes


@dataclass(frozen=True)
class ModelEvent:
    """A change in the model's life, for the window and the CLI to translate."""

    phase: ModelPhase
    model: str  # display name of the model this is about
    fraction: float | None = None  # load progress
    code: str = ""  # why: "model_crashed", "model_restarted", "stepped_down_batch", ...
    params: dict[str, object] = field(default_factory=dict)
    detail: str = ""  # English detail for logs and tooltips
