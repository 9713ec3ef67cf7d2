"""How Sova's prompts are put together: system prompt, numbered sources, history."""

from __future__ import annotations

import re
from typing import Sequence

from app.core.types import Citation, Message, MessageStatus, Role

_CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def is_russian(text: str) -> bool:
    """True when the text is mostly Cyrillic (decides the language of fixed replies)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(bool(_CYRILLIC.match(c)) for c in letters) > len(letters) / 3


def sources_block(citations: Sequence[Citation]) -> str:
    """The numbered passages as the model sees them."""
    parts = []
    for c in citations:
        where = c.path.rsplit("/", 1)[-1]
        if c.page:
            where += f", page {c.page}"
        if c.heading:
            where += f", {c.heading}"
        parts.append(f"[{c.n}] ({where})\n{c.text.strip()}")
    return "\n\n".join(parts)


def build_messages(
    system_prompt: str,
    history: Sequence[Message],
    citations: Sequence[Citation] = (),
) -> list[dict[str, str]]:
    """Chat messages for the model: system prompt (+ sources), then the history.

    History ends with the user's question. Empty interrupted answers are dropped: they
    carry nothing for the model.
    """
    system = system_prompt.strip()
    if citations:
        system += (
            "\n\nAnswer the user's question using only the numbered sources below. "
            "After each statement cite its source as [n]. If the sources do not contain "
            "the answer, say that the documents do not contain it.\n\nSources:\n"
            + sources_block(citations)
        )
    out = [{"role": "system", "content": system}]
    for m in history:
        if m.role == Role.SYSTEM:
            continue
        if m.role == Role.ASSISTANT and m.status != MessageStatus.COMPLETE and not m.content.strip():
            continue
        out.append({"role": str(m.role), "content": m.content})
    return out


def nothing_found(question: str) -> str:
    """The reply when documents are on but no passage is relevant."""
    if is_russian(question):
        return "В ваших документах не нашлось ничего по этому вопросу, поэтому я не буду выдумывать ответ."
    return "I could not find anything about this in your documents, so I won't guess an answer."
