"""The turnstile: priority order, aging, preemption, bounded queue, timeouts, cancel."""

from __future__ import annotations

import threading
import time

import pytest

from app.core.service.scheduler import MAX_PREEMPTIONS, Priority, QueueFull, QueueTimeout, Ticket, Turnstile
from app.core.types import Cancelled, CancelToken


def _wait_for(cond, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError("condition not reached")
        time.sleep(0.005)


def _enqueue(ts: Turnstile, ticket: Ticket, order: list[str], name: str, **kw: object) -> threading.Thread:
    def run() -> None:
        try:
            ts.acquire(ticket, **kw)  # type: ignore[arg-type]
        except BaseException as exc:  # noqa: BLE001
            order.append(f"{name}:{type(exc).__name__}")
            return
        order.append(name)
        ts.release(ticket)

    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def test_idle_turnstile_grants_at_once() -> None:
    ts = Turnstile("m")
    t = Ticket(Priority.BATCH, CancelToken())
    start = time.perf_counter()
    ts.acquire(t)
    elapsed = time.perf_counter() - start
    assert ts.busy
    ts.release(t)
    assert not ts.busy
    assert elapsed < 0.5  # generous: the fast path takes microseconds


def test_priority_order_then_fifo() -> None:
    ts = Turnstile("m", aging_s=3600)
    holder = Ticket(Priority.INTERACTIVE, CancelToken(), preemptible=False)
    ts.acquire(holder)
    order: list[str] = []
    threads = []
    for name, prio in [("batch", Priority.BATCH), ("bg1", Priority.BACKGROUND), ("user", Priority.INTERACTIVE),
                       ("bg2", Priority.BACKGROUND)]:
        threads.append(_enqueue(ts, Ticket(prio, CancelToken()), order, name))
        _wait_for(lambda n=len(threads): ts.waiting == n)
    ts.release(holder)
    for t in threads:
        t.join(10)
    assert order == ["user", "bg1", "bg2", "batch"]


def test_aging_lifts_waiting_background_work() -> None:
    ts = Turnstile("m", aging_s=0.2)
    holder = Ticket(Priority.INTERACTIVE, CancelToken(), preemptible=False)
    ts.acquire(holder)
    order: list[str] = []
    old = Ticket(Priority.BATCH, CancelToken())
    t1 = _enqueue(ts, old, order, "old-batch")
    _wait_for(lambda: ts.waiting == 1)
    _wait_for(lambda: old.rank(time.monotonic(), ts.aging_s) == 0)  # waited two aging periods
    t2 = _enqueue(ts, Ticket(Priority.INTERACTIVE, CancelToken()), order, "user")
    _wait_for(lambda: ts.waiting == 2)
    ts.release(holder)
    t1.join(10)
    t2.join(10)
    # Same rank: the one waiting longer goes first, so background work is never starved.
    assert order == ["old-batch", "user"]


def test_interactive_request_preempts_background_holder() -> None:
    ts = Turnstile("m")
    bg = Ticket(Priority.BACKGROUND, CancelToken())
    ts.acquire(bg)
    order: list[str] = []
    t = _enqueue(ts, Ticket(Priority.INTERACTIVE, CancelToken()), order, "user")
    _wait_for(lambda: bg.preempt.is_set())
    assert bg.preemptions == 1
    ts.release(bg)
    t.join(10)
    assert order == ["user"]


def test_an_expected_question_makes_background_work_give_way_at_once() -> None:
    ts = Turnstile("m")
    bg = Ticket(Priority.BATCH, CancelToken())
    ts.acquire(bg)
    order: list[str] = []
    with ts.expect():  # the question's recall and retrieval run before it asks the model
        assert bg.preempt.is_set()
        ts.release(bg)
        again = _enqueue(ts, Ticket(Priority.BATCH, CancelToken()), order, "batch")  # it queues again
        _wait_for(lambda: ts.waiting == 1)
        assert order == [] and not ts.busy  # the model stays free for the question
        user = _enqueue(ts, Ticket(Priority.INTERACTIVE, CancelToken()), order, "user")
        user.join(10)
        assert order == ["user"]
    again.join(10)
    assert order == ["user", "batch"]


def test_interactive_holder_is_never_preempted() -> None:
    ts = Turnstile("m")
    holder = Ticket(Priority.INTERACTIVE, CancelToken(), preemptible=False)
    ts.acquire(holder)
    order: list[str] = []
    t = _enqueue(ts, Ticket(Priority.INTERACTIVE, CancelToken()), order, "user")
    _wait_for(lambda: ts.waiting == 1)
    assert not holder.preempt.is_set()
    ts.release(holder)
    t.join(10)


def test_preemption_is_bounded_so_background_work_finishes() -> None:
    ts = Turnstile("m")
    bg = Ticket(Priority.BACKGROUND, CancelToken())
    for _ in range(MAX_PREEMPTIONS + 2):
        ts.acquire(bg)
        order: list[str] = []
        t = _enqueue(ts, Ticket(Priority.INTERACTIVE, CancelToken()), order, "user")
        _wait_for(lambda: ts.waiting == 1)
        time.sleep(0.01)
        bg.preempt.clear()
        ts.release(bg)
        t.join(10)
    assert bg.preemptions == MAX_PREEMPTIONS


def test_bounded_queue_refuses_with_a_code() -> None:
    ts = Turnstile("m", max_queue=2)
    holder = Ticket(Priority.INTERACTIVE, CancelToken(), preemptible=False)
    ts.acquire(holder)
    order: list[str] = []
    tokens = [CancelToken(), CancelToken()]
    threads = [_enqueue(ts, Ticket(Priority.BACKGROUND, c), order, f"w{i}") for i, c in enumerate(tokens)]
    _wait_for(lambda: ts.waiting == 2)
    with pytest.raises(QueueFull) as info:
        ts.acquire(Ticket(Priority.INTERACTIVE, CancelToken()))
    assert info.value.code == "queue_full"
    assert info.value.params["limit"] == 2
    for c in tokens:
        c.cancel()
    for t in threads:
        t.join(10)
    ts.release(holder)


def test_queue_timeout() -> None:
    ts = Turnstile("m")
    holder = Ticket(Priority.INTERACTIVE, CancelToken(), preemptible=False)
    ts.acquire(holder)
    with pytest.raises(QueueTimeout):
        ts.acquire(Ticket(Priority.BATCH, CancelToken()), timeout_s=0.05)
    assert ts.waiting == 0
    ts.release(holder)


def test_cancel_while_queued_from_another_thread() -> None:
    ts = Turnstile("m")
    holder = Ticket(Priority.INTERACTIVE, CancelToken(), preemptible=False)
    ts.acquire(holder)
    order: list[str] = []
    token = CancelToken()
    t = _enqueue(ts, Ticket(Priority.INTERACTIVE, token), order, "q")
    _wait_for(lambda: ts.waiting == 1)
    token.cancel()
    t.join(10)
    assert order == ["q:Cancelled"]
    assert ts.waiting == 0
    ts.release(holder)
    # The next request is served at once.
    nxt = Ticket(Priority.INTERACTIVE, CancelToken())
    ts.acquire(nxt, timeout_s=1.0)
    ts.release(nxt)


def test_cancelled_token_never_queues() -> None:
    ts = Turnstile("m")
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        ts.acquire(Ticket(Priority.INTERACTIVE, token))


def test_queue_positions_reported() -> None:
    ts = Turnstile("m", aging_s=3600)
    holder = Ticket(Priority.INTERACTIVE, CancelToken(), preemptible=False)
    ts.acquire(holder)
    seen: list[int] = []
    order: list[str] = []
    first = _enqueue(ts, Ticket(Priority.BACKGROUND, CancelToken()), order, "bg")
    _wait_for(lambda: ts.waiting == 1)
    t = _enqueue(ts, Ticket(Priority.BATCH, CancelToken()), order, "batch", on_position=seen.append)
    _wait_for(lambda: seen == [2])
    ts.release(holder)
    first.join(10)
    t.join(10)
    assert seen[0] == 2 and 1 in seen or order == ["bg", "batch"]
