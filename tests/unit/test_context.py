"""Context-window trimming with a fake token counter (one token per word + overhead)."""

from __future__ import annotations

from typing import Sequence

import pytest

from app.core.context import CUT_NOTE, answer_reserve, fit_messages

Msg = dict[str, str]


def count(messages: Sequence[Msg]) -> int:
    # 4 tokens of template per message, 3 for the generation prompt.
    return sum(len(m["content"].split()) + 4 for m in messages) + 3


def words(n: int, tag: str = "w") -> str:
    return " ".join(f"{tag}{i}" for i in range(n))


def chat(turns: int, size: int = 10) -> list[Msg]:
    out = [{"role": "system", "content": "be brief"}]
    for t in range(turns):
        out.append({"role": "user", "content": words(size, f"u{t}_")})
        out.append({"role": "assistant", "content": words(size, f"a{t}_")})
    out.append({"role": "user", "content": "the latest question"})
    return out


def test_fits_untouched() -> None:
    msgs = chat(3)
    fitted = fit_messages(msgs, count, n_ctx=512, max_tokens=100)
    assert fitted.messages == msgs
    assert fitted.dropped == 0 and not fitted.truncated and fitted.note is None
    assert fitted.prompt_tokens == count(msgs)
    assert fitted.max_tokens == 100


def test_drops_oldest_turns_keeps_system_and_latest() -> None:
    msgs = chat(20, size=10)  # 20 turns * 28 tokens = 560 tokens of history
    fitted = fit_messages(msgs, count, n_ctx=400, max_tokens=100)
    assert fitted.prompt_tokens + 100 <= 400
    assert fitted.messages[0] == msgs[0]
    assert fitted.messages[-1] == msgs[-1]
    assert fitted.messages[1]["role"] == "user"  # turns still alternate
    assert fitted.dropped > 0 and fitted.dropped % 2 == 0
    assert fitted.messages[1:-1] == msgs[1 + fitted.dropped : -1]  # the newest turns survive
    # As little as possible was dropped: one more turn would not fit.
    more = [msgs[0]] + msgs[1 + fitted.dropped - 2 :]
    assert count(more) + 100 > 400
    assert "oldest" in (fitted.note or "")


def test_truncates_a_latest_message_that_alone_is_too_long() -> None:
    msgs = [{"role": "system", "content": "be brief"}, {"role": "user", "content": words(2000)}]
    fitted = fit_messages(msgs, count, n_ctx=512, max_tokens=128)
    assert fitted.truncated
    assert fitted.prompt_tokens + 128 <= 512
    text = fitted.messages[-1]["content"]
    assert CUT_NOTE.strip() in text
    assert text.startswith("w0 w1") and text.rstrip().endswith("w1999")  # head and tail kept
    assert fitted.messages[0]["content"] == "be brief"


def test_history_dropped_and_latest_truncated_together() -> None:
    msgs = chat(5) + [{"role": "assistant", "content": "x"}, {"role": "user", "content": words(3000)}]
    fitted = fit_messages(msgs, count, n_ctx=600, max_tokens=100)
    assert [m["role"] for m in fitted.messages] == ["system", "user"]
    assert fitted.dropped == len(msgs) - 2 and fitted.truncated
    assert fitted.prompt_tokens + 100 <= 600


def test_huge_system_prompt_is_cut_too() -> None:
    msgs = [{"role": "system", "content": words(5000, "s")}, {"role": "user", "content": words(3000)}]
    fitted = fit_messages(msgs, count, n_ctx=1024, max_tokens=256)
    assert fitted.prompt_tokens + 256 <= 1024
    assert fitted.truncated
    # The question keeps a real share of the window, not only the note.
    assert len(fitted.messages[1]["content"].split()) > 200


def test_max_tokens_larger_than_window_never_overflows() -> None:
    msgs = chat(30)
    fitted = fit_messages(msgs, count, n_ctx=512, max_tokens=4096)
    assert answer_reserve(512, 4096) == 256
    assert fitted.prompt_tokens <= 512 - 256
    assert 1 <= fitted.max_tokens <= 512 - fitted.prompt_tokens


@pytest.mark.parametrize("n_ctx", [64, 128, 512])
def test_never_raises_and_always_fits(n_ctx: int) -> None:
    for turns in (0, 1, 7, 40):
        for size in (1, 50, 400):
            msgs = chat(turns, size)
            fitted = fit_messages(msgs, count, n_ctx=n_ctx, max_tokens=32)
            assert fitted.prompt_tokens + min(32, n_ctx // 2) <= n_ctx
            assert fitted.messages[-1]["role"] == "user"


def test_without_system_prompt_and_empty() -> None:
    assert fit_messages([], count, 512, 10).messages == []
    msgs = chat(20)[1:]
    fitted = fit_messages(msgs, count, n_ctx=300, max_tokens=50)
    assert fitted.messages[0]["role"] == "user"
    assert fitted.messages[-1] == msgs[-1]
    assert fitted.prompt_tokens + 50 <= 300


def test_keep_free_makes_room_for_the_next_turns() -> None:
    msgs = chat(20, size=10)
    tight = fit_messages(msgs, count, n_ctx=400, max_tokens=100)
    roomy = fit_messages(msgs, count, n_ctx=400, max_tokens=100, keep_free=100)
    assert roomy.prompt_tokens <= 300 - 100 < tight.prompt_tokens
    assert roomy.messages[-1] == msgs[-1] and roomy.messages[1]["role"] == "user"
    # The next turn (answer + question) fits without dropping anything else: same prefix.
    nxt = roomy.messages + [{"role": "assistant", "content": words(20)}, {"role": "user", "content": "more"}]
    again = fit_messages(nxt, count, n_ctx=400, max_tokens=100, keep_free=100)
    assert again.dropped == 0 and again.messages == nxt
    # A chat that fits is never trimmed because of keep_free.
    assert fit_messages(chat(2), count, n_ctx=400, max_tokens=100, keep_free=300).dropped == 0
