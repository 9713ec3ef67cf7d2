"""The answer pipeline: context steps -> the model -> after-answer hooks.

``AnswerPipeline.run`` answers the last user message of a conversation. Context steps
run first, in order, and fill an ``AnswerContext`` (documents today; persona, memory,
similar rated answers and images plug in later); a step may also answer without the
model (nothing found in the documents, "remember that ..."). Then the model streams
the answer through the scheduler, and after-answer hooks amend or observe the result
(citations today; memory extraction and rating bookkeeping later). Adding a feature is
one new module with a step or a hook, and one entry in ``default_steps``/``default_hooks``.

The pipeline is also the conversation's single writer: a new answer for a conversation
first stops the previous one and waits until its last write is done (``Claims``), so a
regenerated answer can never be overwritten by the one it replaced.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Protocol, Sequence

from app.core import language, prompts
from app.core.language import Language
from app.core.llm.base import ChatRequest, GenerationOptions, ModelError
from app.core.service.model import Preempted
from app.core.service.scheduler import LinkedToken, Priority
from app.core.types import (
    Cancelled,
    CancelToken,
    ChatEvent,
    Citation,
    Conversation,
    DoneEvent,
    GenerationStats,
    Message,
    MessageStatus,
    RestartEvent,
    Role,
    SourcesEvent,
    SovaError,
    Status,
    StatusEvent,
    TokenEvent,
)

if TYPE_CHECKING:
    from app.core.config import Settings
    from app.core.rag.library import Found
    from app.core.service.model import ModelService
    from app.core.store import Store

log = logging.getLogger(__name__)

# An answer in the wrong language is withdrawn and asked for once more.
LANGUAGE_ATTEMPTS = 2
# Words of prose after which the language of a streaming answer is judged.
EARLY_WORDS = 8

# Partial answers are written to the database this often while they stream, so a
# killed app keeps what the user already saw.
SAVE_EVERY_S = 1.0


@dataclass
class AnswerContext:
    """What the steps know and decide about one answer."""

    conversation: Conversation
    history: list[Message]
    question: str
    settings: "Settings"
    options: GenerationOptions
    system_prompt: str
    model_name: str = ""
    language: Language = "en"  # of the answer: the question's, unless a step decides otherwise
    citations: list[Citation] = field(default_factory=list)
    instructions: list[str] = field(default_factory=list)  # appended to the system prompt, in order
    details: dict[str, Any] = field(default_factory=dict)  # what the answer used (answer details)
    reply: str | None = None  # a step answered without the model
    warning: SovaError | None = None  # a step failed, the answer goes on without it
    persona: Any = None  # app.core.personas.Persona, set by the persona step
    memory: list[Any] = field(default_factory=list)  # recalled facts (app.core.memory.Fact)
    # Worked examples (a highly rated answer to a similar question), appended after the
    # instructions; left out of the prompt recorded for training, which must not learn
    # to lean on them.
    examples: list[str] = field(default_factory=list)
    # The stored file of a picture record, when the model sees pictures itself (a vision
    # model): the question's pictures then go to it as pictures, besides what was read.
    pictures: Callable[[dict[str, Any]], Path] | None = None

    @property
    def persona_name(self) -> str | None:
        """The name shown on the answer (in the answer's language)."""
        return None if self.persona is None else self.persona.display_name(self.language)


def wrong_language_early(text: str, lang: Language) -> bool:
    """True once a streaming answer has enough words to tell it is not in ``lang``."""
    cyr, lat = language.word_counts(text)
    return cyr + lat >= EARLY_WORDS and not language.matches(text, lang)


class ContextStep(Protocol):
    """Prepares the context before the model runs; may yield events (status, sources)."""

    name: str

    def run(self, ctx: AnswerContext, cancel: CancelToken) -> Iterator[ChatEvent]: ...


class AfterHook(Protocol):
    """Sees the finished (or interrupted) answer; returns its text, amended or not."""

    name: str

    def run(self, ctx: AnswerContext, text: str, status: MessageStatus) -> str: ...


# ---- the steps and hooks of today ------------------------------------------------------


class DocumentsStep:
    """Passages from the conversation's collections; "not in your documents" when none
    is relevant or they cannot answer (naming the terms the documents never mention)."""

    name = "documents"

    def __init__(self, find: Callable[[Conversation, str], "Found"]) -> None:
        self._find = find

    def run(self, ctx: AnswerContext, cancel: CancelToken) -> Iterator[ChatEvent]:
        if ctx.conversation.collections is None:
            return
        yield StatusEvent(Status.SEARCHING_DOCUMENTS)
        found = None
        try:
            found = self._find(ctx.conversation, ctx.question)
        except Exception as exc:  # the index must never cost the user the chat
            log.exception("document search failed")
            ctx.warning = SovaError(f"Document search failed: {exc}", code="documents_failed", reason=str(exc))
        if found is not None and found.answerable:
            ctx.citations = list(found.citations)
        yield SourcesEvent(tuple(ctx.citations))
        ctx.details["passages"] = len(ctx.citations)
        if found is not None and found.grounding is not None:
            ctx.details["grounding"] = {"coverage": round(found.grounding.coverage, 3),
                                        "missing": list(found.grounding.missing)}
        if found is not None and not ctx.citations and ctx.warning is None:
            ctx.reply = prompts.nothing_found(ctx.question, found.missing, ctx.language)


class CitationHook:
    """Each sentence of a complete answer cites a passage that shares its words; stray,
    dangling and mismatched markers are fixed (app.core.citations)."""

    name = "citations"

    def run(self, ctx: AnswerContext, text: str, status: MessageStatus) -> str:
        if not ctx.citations or status != MessageStatus.COMPLETE:
            return text
        if prompts.refusal(text) and len(text) < 200:
            # "Not in your documents" cites nothing, whatever marker the model added.
            return re.sub(r"\s*\[\d+\]", "", text)
        from app.core.citations import attach_citations

        return attach_citations(text, ctx.citations)


# ---- one writer per conversation ------------------------------------------------------------


class Claims:
    """Which answer owns each conversation. A new claim stops the old answer and waits
    until it has written its last state."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owners: dict[int, tuple[CancelToken, threading.Event]] = {}

    def claim(self, conversation_id: int, cancel: CancelToken, wait_s: float = 30.0) -> threading.Event:
        """Take the conversation for a new answer; returns the event to set when done."""
        done = threading.Event()
        while True:
            with self._lock:
                owner = self._owners.get(conversation_id)
                if owner is None or owner[1].is_set():
                    self._owners[conversation_id] = (cancel, done)
                    return done
            owner[0].cancel()
            if not owner[1].wait(wait_s):
                log.warning("the previous answer in conversation %d did not stop in time", conversation_id)
                with self._lock:
                    self._owners.pop(conversation_id, None)

    def release(self, conversation_id: int, done: threading.Event) -> None:
        done.set()
        with self._lock:
            owner = self._owners.get(conversation_id)
            if owner is not None and owner[1] is done:
                del self._owners[conversation_id]

    def running(self, conversation_id: int) -> bool:
        with self._lock:
            owner = self._owners.get(conversation_id)
            return owner is not None and not owner[1].is_set()


# ---- the pipeline -------------------------------------------------------------------------------


class AnswerPipeline:
    """Context steps, the model through the scheduler, after-answer hooks, storage."""

    def __init__(
        self,
        store: "Store",
        model: "ModelService",
        settings: Callable[[], "Settings"],
        model_name: Callable[[], str],
        steps: Sequence[ContextStep],
        hooks: Sequence[AfterHook],
    ) -> None:
        self.store = store
        self.model = model
        self._settings = settings
        self._model_name = model_name
        self.steps = list(steps)
        self.hooks = list(hooks)

    def step(self, name: str) -> ContextStep:
        """The context step called ``name`` (KeyError when there is none)."""
        for step in self.steps:
            if step.name == name:
                return step
        raise KeyError(name)

    def context(self, conversation: Conversation) -> AnswerContext:
        settings = self._settings()
        history = self.store.messages(conversation.id)
        question = next((m.content for m in reversed(history) if m.role == Role.USER), "")
        return AnswerContext(
            conversation=conversation,
            history=history,
            question=question,
            settings=settings,
            options=GenerationOptions.from_settings(settings.generation),
            system_prompt=settings.system_prompt,
            model_name=self._model_name(),
            language=language.answer_language(question),
        )

    def run(self, ctx: AnswerContext, cancel: CancelToken) -> Iterator[ChatEvent]:
        """Stream the answer to ``ctx``'s last question; the last event is DoneEvent."""
        cid = ctx.conversation.id
        for step in self.steps:
            try:
                yield from step.run(ctx, cancel)
            except Cancelled:
                break
            if ctx.reply is not None or cancel.cancelled:
                break
        if ctx.reply is not None:
            msg = self.store.add_message(cid, Message(Role.ASSISTANT, ctx.reply, model=None,
                                                      persona=ctx.persona_name, details=dict(ctx.details)))
            yield TokenEvent(msg.content)
            yield DoneEvent(msg)
            return

        msg = self.store.add_message(
            cid,
            Message(Role.ASSISTANT, "", model=ctx.model_name, status=MessageStatus.INTERRUPTED,
                    citations=tuple(ctx.citations), persona=ctx.persona_name, details=dict(ctx.details)),
        )
        assert msg.id is not None
        parts: list[str] = []
        stats: GenerationStats | None = None
        status = MessageStatus.INTERRUPTED
        error: SovaError | None = ctx.warning
        last_save = time.monotonic()
        try:
            retry: str | None = None  # why the previous attempt was withdrawn
            for attempt in range(LANGUAGE_ATTEMPTS):
                system = ctx.system_prompt
                if ctx.instructions:
                    system = "\n\n".join([system, *ctx.instructions])
                ctx.details["system"] = system  # the prompt a rating of this answer records
                if ctx.examples:
                    system = "\n\n".join([system, *ctx.examples])
                messages = prompts.build_messages(system, ctx.history, ctx.citations, ctx.language,
                                                  insist=retry == "wrong_language", cite=retry != "markers_only",
                                                  echo=retry == "echo", picture_file=ctx.pictures)
                request = ChatRequest(tuple(messages), ctx.options)
                attempt_cancel = LinkedToken(cancel)
                wrong_language = False
                for item in self.model.generate(request, attempt_cancel, priority=Priority.INTERACTIVE):
                    if isinstance(item, str):
                        parts.append(item)
                        yield TokenEvent(item)
                        now = time.monotonic()
                        if now - last_save > SAVE_EVERY_S:
                            self.store.update_message(msg.id, content="".join(parts), conversation_id=cid)
                            last_save = now
                        if (attempt + 1 < LANGUAGE_ATTEMPTS and not attempt_cancel.cancelled
                                and wrong_language_early("".join(parts), ctx.language)):
                            wrong_language = True
                            attempt_cancel.cancel()  # the rest would be in the wrong language too
                    elif isinstance(item, GenerationStats):
                        stats = item
                    elif isinstance(item, StatusEvent):
                        yield item
                    elif isinstance(item, Preempted):  # interactive requests are never preempted
                        parts.clear()
                if cancel.cancelled:
                    break
                text = "".join(parts)
                wrong_language = wrong_language or not language.matches(text, ctx.language)
                empty = bool(ctx.citations) and prompts.markers_only(text)
                echo = bool(ctx.citations) and not empty and prompts.echoes(text, ctx.question)
                if echo and not prompts.echoes(stripped := prompts.strip_echo(text, ctx.question), ctx.question):
                    parts[:] = [stripped]  # "Question: …? Answer: …": the answer is there
                    text, echo = stripped, False
                if not (wrong_language or empty or echo):
                    break
                if attempt + 1 < LANGUAGE_ATTEMPTS:
                    # Not shown as final: the streamed text is withdrawn and the model asked
                    # again, with the language rule repeated last (after an answer of bare
                    # markers, without the marker rule: the hook adds them; after one that
                    # repeated the question, asked not to).
                    retry = "markers_only" if empty else "echo" if echo and not wrong_language else "wrong_language"
                    log.info("answer withdrawn (%s, wanted %s); answering again", retry, ctx.language)
                    ctx.details["answered_again"] = retry
                    parts.clear()
                    self.store.update_message(msg.id, content="", conversation_id=cid)
                    yield RestartEvent(retry, {"language": ctx.language})
                elif empty or (echo and not wrong_language):
                    if echo:  # asked again and repeated again: keep what follows the echo
                        parts[:] = [prompts.strip_echo(text, ctx.question)]
                    break
                else:
                    error = SovaError(f"The answer is not in the question's language ({ctx.language}).",
                                      code="answer_language", language=ctx.language)
            status = MessageStatus.INTERRUPTED if cancel.cancelled else MessageStatus.COMPLETE
        except Cancelled:
            pass
        except GeneratorExit:  # the consumer went away (window closed): keep what streamed
            self.store.update_message(msg.id, content="".join(parts), status=MessageStatus.INTERRUPTED, stats=stats,
                                      conversation_id=cid)
            raise
        except ModelError as exc:
            error = exc
            if not parts and exc.code != "model_crashed":
                status = MessageStatus.ERROR
        except SovaError as exc:
            error = exc
        except Exception as exc:  # never lose the partial answer to an unexpected error
            log.exception("answer failed")
            error = SovaError(f"Unexpected error: {exc}", code="unexpected", reason=str(exc))
        text = "".join(parts)
        for hook in self.hooks:
            try:
                text = hook.run(ctx, text, status)
            except Exception:
                log.exception("after-answer hook %s failed", getattr(hook, "name", hook))
        self.store.update_message(msg.id, content=text, status=status, stats=stats, details=dict(ctx.details),
                                  conversation_id=cid)
        final = self.store.message(msg.id) or msg
        if error is not None:
            yield DoneEvent(final, str(error) or error.code, error.code, dict(error.params))
        else:
            yield DoneEvent(final)
