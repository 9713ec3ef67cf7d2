"""Memory in the answer pipeline: a context step and an after-answer hook.

``MemoryStep`` answers explicit commands without the model, or recalls the facts that
bear on the question. Facts recalled earlier in the same conversation stay in the
prompt (in the order they came), so the prompt's prefix stays the same from one
question to the next and the model reuses what it has already read.

``MemoryHook`` queues the extraction of the user's last message as a job at the lowest
priority: a question the person asks meanwhile preempts it, and it runs again after.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable, Iterator

from app.core.answer import AnswerContext
from app.core.memory import Memory, commands, memory_block
from app.core.memory.store import estimate_tokens
from app.core.types import CancelToken, ChatEvent, MessageStatus, Role

if TYPE_CHECKING:
    from app.core.config import Settings
    from app.core.service.jobs import JobRunner
    from app.core.types import Message

log = logging.getLogger(__name__)

LANE = "background-model"  # with titles: one background model job at a time
KIND = "memory"


def _scope(ctx: AnswerContext, settings: "Settings") -> str | None:
    """The facts this answer may read and write; None when memory is off for it."""
    if not settings.memory.enabled:
        return None
    persona = ctx.persona
    return "" if persona is None else persona.memory_scope


def _last_user(ctx: AnswerContext) -> "Message | None":
    return next((m for m in reversed(ctx.history) if m.role == Role.USER), None)


class MemoryStep:
    """Explicit commands (a reply without the model), else recall into the instructions."""

    name = "memory"

    def __init__(self, memory: Callable[[], Memory]) -> None:
        self._memory = memory

    def run(self, ctx: AnswerContext, cancel: CancelToken) -> Iterator[ChatEvent]:
        yield from ()  # a step is a generator; this one has no events to show
        cmd = commands.parse(ctx.question)
        scope = _scope(ctx, ctx.settings)
        user = _last_user(ctx)
        if cmd is not None:
            ctx.details["memory_command"] = cmd.action
            if scope is None:
                ctx.reply = commands.reply("memory_off", ctx.language)
                return
            memory = self._memory()
            try:
                ctx.reply = memory.command(cmd, scope, ctx.language, user.id if user else None,
                                           ctx.conversation.id)
            except Exception as exc:  # a failed command is said in the chat, never lost silently
                log.exception("memory command failed")
                ctx.reply = commands.reply("failed", ctx.language, reason=str(exc))
            if user is not None and user.id is not None:
                memory.store.mark_read(user.id)  # a command is not read again for facts
            return
        if scope is None:
            return
        try:
            self._recall(ctx, scope)
        except Exception:  # memory must never cost the user the answer
            log.exception("memory recall failed")

    def _recall(self, ctx: AnswerContext, scope: str) -> None:
        memory = self._memory()
        if memory.store.count() == 0:
            return
        budget = ctx.settings.memory.budget_tokens
        earlier: list[int] = []
        for m in ctx.history:
            for used in (m.details or {}).get("memory", []) if m.role == Role.ASSISTANT else []:
                if isinstance(used, dict) and used.get("id") not in earlier:
                    earlier.append(used.get("id"))
        facts = []
        used_tokens = 0
        for fid in earlier:
            fact = memory.store.get(int(fid)) if isinstance(fid, int) else None
            if fact is not None and fact.scope == scope and used_tokens + estimate_tokens(fact.text) <= budget:
                facts.append(fact)
                used_tokens += estimate_tokens(fact.text)
        for r in memory.store.recall(ctx.question, scope, budget - used_tokens, exclude=[f.id for f in facts]):
            facts.append(r.fact)
        if not facts:
            return
        ctx.memory = facts
        ctx.instructions.append(memory_block(facts, ctx.language))
        ctx.details["memory"] = [{"id": f.id, "text": f.text} for f in facts]


class MemoryHook:
    """After a complete answer, queue the extraction of the user's message."""

    name = "memory"

    def __init__(self, memory: Callable[[], Memory], jobs: Callable[[], "JobRunner"]) -> None:
        self._memory = memory
        self._jobs = jobs

    def run(self, ctx: AnswerContext, text: str, status: MessageStatus) -> str:
        settings = ctx.settings
        scope = _scope(ctx, settings)
        if scope is None or not settings.memory.extract or ctx.details.get("memory_command"):
            return text
        user = _last_user(ctx)
        if user is None or user.id is None:
            return text
        memory = self._memory()
        if not memory.store.unread(user.id):
            return text
        from app.core.service.scheduler import Priority

        quiet = settings.memory.quiet_seconds

        def job(progress: object, cancel: CancelToken) -> object:
            wait = getattr(memory.model, "wait_quiet", None)
            if quiet and wait is not None and not wait(quiet, cancel):
                return []
            return memory.extract_message(user, scope, cancel, Priority.BATCH)

        try:
            self._jobs().submit(
                LANE,
                job,
                name=user.content[:48],
                kind=KIND,
                priority=Priority.BATCH,
                params={"conversation": ctx.conversation.id, "message": user.id},
            )
        except Exception:
            log.exception("could not queue a memory job")
        return text

