"""Context-window management: fit a chat into the model's window without crashing.

Pure functions over chat messages and a token counter, so they are tested with a fake
counter and used in the model host with the real tokenizer and chat template.

Policy, in order, until the prompt plus the answer budget fits ``n_ctx``:
1. drop the oldest turns (the system prompt and the latest message always stay; the
   kept history starts at a user message so the turns still alternate);
2. cut the latest message in the middle, with a note saying so (a long paste usually
   has its question at the start or at the end);
3. cut the system prompt (e.g. too many document passages) to half the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

ChatMessage = Mapping[str, str]
TokenCounter = Callable[[Sequence[ChatMessage]], int]
"""Tokens of the whole prompt the messages render to (template included)."""

CUT_NOTE = "\n\n[… part of this message was cut to fit the model's context window …]\n\n"


@dataclass(frozen=True)
class FittedChat:
    """The messages to send and what it took to fit them."""

    messages: list[dict[str, str]]
    prompt_tokens: int
    max_tokens: int  # the answer budget left in the window (>= 1)
    dropped: int = 0  # oldest messages left out
    truncated: bool = False  # the latest message or the system prompt was cut

    @property
    def note(self) -> str | None:
        """A readable sentence when anything was left out, else None."""
        bits = []
        if self.dropped:
            bits.append(f"the {self.dropped} oldest messages were left out")
        if self.truncated:
            bits.append("a message was cut")
        return ("To fit the context window, " + " and ".join(bits) + ".") if bits else None


def answer_reserve(n_ctx: int, max_tokens: int) -> int:
    """Tokens kept free for the answer: max_tokens, but never more than half the window."""
    return max(1, min(max_tokens, n_ctx // 2))


def fit_messages(
    messages: Sequence[ChatMessage], count: TokenCounter, n_ctx: int, max_tokens: int, keep_free: int = 0
) -> FittedChat:
    """Trim ``messages`` so that prompt + answer reserve fits in ``n_ctx`` tokens.

    Never raises for a too-long chat: the result always fits (see the module policy).
    When turns must be dropped, ``keep_free`` more tokens are freed, so the next few
    turns fit without dropping again and keep reusing the evaluated prefix.
    """
    msgs = [dict(m) for m in messages]
    budget = n_ctx - answer_reserve(n_ctx, max_tokens)

    def done(kept: list[dict[str, str]], dropped: int = 0, truncated: bool = False) -> FittedChat:
        used = count(kept)
        return FittedChat(kept, used, max(1, min(max_tokens, n_ctx - used)), dropped, truncated)

    if not msgs:
        return done([])
    total = count(msgs)
    if total <= budget:
        return FittedChat(msgs, total, max(1, min(max_tokens, n_ctx - total)))

    system = [msgs[0]] if msgs[0].get("role") == "system" else []
    rest = msgs[len(system):]
    last, history = rest[-1:], rest[:-1]

    # 1. Drop the oldest turns. Starts must be user messages (or nothing) to keep turns alternating.
    starts = [i for i, m in enumerate(history) if m.get("role") == "user" and i > 0] + [len(history)]
    lo, hi = 0, len(starts) - 1
    target = max(budget - keep_free, count(system + history[starts[hi]:] + last))
    if count(system + history[starts[hi]:] + last) <= budget:
        while lo < hi:  # smallest drop that fits; the count shrinks as more is dropped
            mid = (lo + hi) // 2
            if count(system + history[starts[mid]:] + last) <= target:
                hi = mid
            else:
                lo = mid + 1
        return done(system + history[starts[lo]:] + last, dropped=starts[lo])

    # 2./3. Only the system prompt and the latest message are left, and they are too long.
    dropped = len(history)
    if not last:
        return done([_fit_text(system[0], lambda m: count([m]), budget)], dropped, True)
    if system and count(system + [_cut(last[0], 0)]) > budget // 2:
        system = [_fit_text(system[0], lambda m: count([m, _cut(last[0], 0)]), budget // 2)]
    fitted_last = _fit_text(last[0], lambda m: count(system + [m]), budget)
    return done(system + [fitted_last], dropped, True)


def _cut(message: dict[str, str], keep: int) -> dict[str, str]:
    """The message with only ``keep`` characters of its text: head and tail around a note
    (a message of parts, one with a picture, keeps its text only: it must be cut anyway)."""
    message = _flat(message)
    text = message.get("content", "")
    if keep >= len(text):
        return dict(message)
    head = keep * 2 // 3
    tail = keep - head
    return {**message, "content": text[:head] + CUT_NOTE + (text[len(text) - tail:] if tail else "")}


def _fit_text(message: dict[str, str], count_one: Callable[[dict[str, str]], int], budget: int) -> dict[str, str]:
    """The longest cut of the message whose count fits the budget (binary search on characters)."""
    if count_one(message) <= budget:
        return dict(message)
    message = _flat(message)
    text = message.get("content", "")
    lo, hi = 0, len(text) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if count_one(_cut(message, mid)) <= budget:
            lo = mid
        else:
            hi = mid - 1
    return _cut(message, lo)


def _flat(message: dict[str, Any]) -> dict[str, Any]:
    content = message.get("content", "")
    if isinstance(content, str):
        return message
    text = "".join(str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("type") == "text")
    return {**message, "content": text}
