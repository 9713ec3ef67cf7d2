"""Conversation titles written by the model, in the background.

A new conversation is first titled after its question (cut to one line). After its
first complete answer, a background job asks the model for a short title in the
question's language, at BACKGROUND priority: a question the person asks meanwhile
interrupts it, and it runs again afterwards. The title is applied only if the
conversation still has the title it started with (the person may have renamed it).
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Callable

from app.core.answer import AnswerContext
from app.core.llm.base import ChatRequest, GenerationOptions
from app.core.prompts import is_russian
from app.core.service.model import Preempted
from app.core.service.scheduler import Priority
from app.core.types import CancelToken, MessageStatus, ProgressCallback, Role

if TYPE_CHECKING:
    from app.core.service.jobs import JobRunner
    from app.core.service.model import ModelService
    from app.core.store import Store

log = logging.getLogger(__name__)

LANE = "background-model"  # one lane: background model work runs one job at a time
KIND = "title"
MAX_WORDS = 8
_PROMPT_EN = ("Write a title of at most six words for a conversation that starts with the question below. "
              "Reply with the title only, without quotes.\n\nQuestion: {q}")
_PROMPT_RU = ("Придумай название не длиннее шести слов для беседы, которая начинается с вопроса ниже. "
              "Ответь только названием, без кавычек.\n\nВопрос: {q}")


def clean_title(text: str) -> str | None:
    """The model's reply as a title, or None when it is not one (empty, long, chatty)."""
    line = text.strip().splitlines()[0] if text.strip() else ""
    line = re.sub(r"^(title|название)\s*[:：]\s*", "", line, flags=re.IGNORECASE)
    for _ in range(2):  # quotes around a sentence's full stop, or the other way round
        line = line.strip().strip("\"'«»“”*#`").strip().rstrip(".")
    words = line.split()
    if not words or len(words) > MAX_WORDS or len(line) > 80:
        return None
    return line


class TitleHook:
    """After-answer hook: the first complete answer of a conversation queues a title job."""

    name = "title"

    def __init__(
        self,
        store: "Store",
        model: "ModelService",
        jobs: Callable[[], "JobRunner"],
        enabled: Callable[[], bool],
        initial_title: Callable[[str], str],
    ) -> None:
        self._store = store
        self._model = model
        self._jobs = jobs
        self._enabled = enabled
        self._initial_title = initial_title

    def run(self, ctx: AnswerContext, text: str, status: MessageStatus) -> str:
        if status != MessageStatus.COMPLETE or not text.strip() or not self._enabled():
            return text
        users = [m for m in ctx.history if m.role == Role.USER]
        if len(users) != 1:
            return text  # only after the first question
        question = users[0].content
        expected = self._initial_title(question)
        if ctx.conversation.title != expected:
            return text
        cid = ctx.conversation.id
        try:
            self._jobs().submit(
                LANE,
                lambda progress, cancel: self.make_title(cid, question, expected, progress, cancel),
                name=expected,
                kind=KIND,
                priority=Priority.BACKGROUND,
                params={"conversation": cid},
            )
        except Exception:
            log.exception("could not queue a title job")
        return text

    def make_title(self, conversation_id: int, question: str, expected: str, progress: ProgressCallback,
                   cancel: CancelToken) -> str | None:
        """Ask the model for a title (background priority) and apply it; returns it."""
        prompt = (_PROMPT_RU if is_russian(question) else _PROMPT_EN).format(q=question[:1000])
        request = ChatRequest(({"role": "user", "content": prompt},),
                              GenerationOptions(temperature=0.2, max_tokens=24, seed=1))
        parts: list[str] = []
        for item in self._model.generate(request, cancel, priority=Priority.BACKGROUND, timeout_s=120):
            if isinstance(item, str):
                parts.append(item)
            elif isinstance(item, Preempted):
                parts.clear()  # it runs again from the start
        if cancel.cancelled:
            return None
        title = clean_title("".join(parts))
        if title is None:
            return None
        conv = self._store.conversation(conversation_id)
        if conv is None or conv.title != expected:
            return None  # deleted or renamed meanwhile
        self._store.rename_conversation(conversation_id, title)
        return title
