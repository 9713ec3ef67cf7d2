"""The training process's pure parts: the preference pool, the order of examples, the
learning-rate schedule."""

from __future__ import annotations

from app.core.finetune.train import Example, _lr_at, _schedule, preference_pool


def ex(prompt: int, label: bool) -> Example:
    return Example([prompt, prompt, 7, 8], 2, label)


def test_disliked_answers_pair_with_a_liked_answer_to_the_same_prompt() -> None:
    pref = [ex(1, True), ex(1, False), ex(2, True), ex(3, False), ex(4, True), ex(4, False), ex(4, False)]
    pool = preference_pool(pref)
    assert ("pair", 0, 1) in pool and ("pair", 4, 5) in pool and ("pair", 4, 6) in pool
    assert ("single", 2) in pool and ("single", 3) in pool
    assert len(pool) == 5


def test_a_resumed_run_sees_the_same_order() -> None:
    assert _schedule(7, 20, 3) == _schedule(7, 20, 3)
    order = _schedule(7, 14, 3)
    assert sorted(order[:7]) == list(range(7)) and sorted(order[7:]) == list(range(7))  # whole passes


def test_warmup_then_cosine() -> None:
    assert _lr_at(1, 100, 1.0) < _lr_at(5, 100, 1.0) == 1.0
    assert _lr_at(100, 100, 1.0) < 0.01 and _lr_at(50, 100, 1.0) > 0.4
