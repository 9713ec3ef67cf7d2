"""The turnstile in front of one model: priorities, aging, a bounded queue, preemption.

A llama.cpp context serves one request at a time. Every caller of a model takes a turn
from that model's ``Turnstile``: the answer a person waits for first (INTERACTIVE), then
BACKGROUND work (memory extraction, summaries), then BATCH work (evaluation). A waiting
request's rank improves by one level for every ``aging_s`` seconds it waits, so
background work is never starved. When an interactive request arrives while a
lower-priority one holds the turn, the holder's ``preempt`` flag is set: its generation
stops at once (the llama.cpp host aborts background work within a graph step, and
keeps its prompt cache apart from the chat's) and it queues again (keeping its place in
the aging order).

The caller's own thread runs its generation while it holds the turn, so streaming adds
no hand-off per token; the turnstile only decides who goes next.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Callable, Iterator

from app.core.types import Cancelled, CancelToken, SovaError

MAX_PREEMPTIONS = 3
EXPECT_S = 120.0  # an expected question that never comes stops holding background work back
_POLL_S = 0.02  # how often a waiter checks its cancel token (CancelToken cannot wake a Condition)


class Priority(IntEnum):
    INTERACTIVE = 0
    BACKGROUND = 1
    BATCH = 2

    @property
    def label(self) -> str:
        return self.name.lower()


class QueueFull(SovaError):
    """Too many requests are waiting for this model."""

    code = "queue_full"


class QueueTimeout(SovaError):
    """A request waited longer than its timeout for its turn."""

    code = "queue_timeout"


@dataclass(eq=False)
class Ticket:
    """One request's place in a turnstile."""

    priority: Priority
    cancel: CancelToken
    preemptible: bool = True
    enqueued: float = field(default_factory=time.monotonic)  # kept across preemptions (aging)
    seq: int = 0
    preempt: threading.Event = field(default_factory=threading.Event)
    preemptions: int = 0  # how often this request gave way (bounded, so it finishes)

    def rank(self, now: float, aging_s: float) -> float:
        """Lower goes first: the priority, improved one level per ``aging_s`` waited."""
        waited = max(0.0, now - self.enqueued)
        return max(0, int(self.priority) - int(waited / aging_s)) if aging_s > 0 else int(self.priority)


class LinkedToken(CancelToken):
    """Cancelled by its own cancel() or by the outer token's."""

    def __init__(self, outer: CancelToken) -> None:
        super().__init__()
        self._outer = outer

    @property
    def cancelled(self) -> bool:
        return self._event.is_set() or self._outer.cancelled

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()


class PreemptToken(CancelToken):
    """Cancelled when the caller cancels, the turn is preempted, or the deadline passes."""

    def __init__(self, outer: CancelToken, ticket: Ticket, deadline: float | None) -> None:
        super().__init__()
        self._outer = outer
        self._ticket = ticket
        self._deadline = deadline

    @property
    def timed_out(self) -> bool:
        return self._deadline is not None and time.monotonic() >= self._deadline

    @property
    def cancelled(self) -> bool:
        return (
            self._event.is_set()
            or self._outer.cancelled
            or self._ticket.preempt.is_set()
            or self.timed_out
        )

    def raise_if_cancelled(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def wait(self, timeout: float) -> bool:
        end = time.monotonic() + timeout
        while not self.cancelled:
            left = end - time.monotonic()
            if left <= 0:
                return False
            self._event.wait(min(left, _POLL_S))
        return True


PositionCallback = Callable[[int], None]


class Turnstile:
    """Who uses one model next. Thread-safe; ``acquire`` blocks the caller's thread."""

    def __init__(self, name: str, *, max_queue: int = 16, aging_s: float = 60.0) -> None:
        self.name = name
        self.max_queue = max_queue
        self.aging_s = aging_s
        self._cond = threading.Condition()
        self._waiting: list[Ticket] = []
        self._holder: Ticket | None = None
        self._seq = itertools.count(1)
        self._listeners: list[Callable[[int], None]] = []
        self._expected: list[tuple[Ticket, float]] = []  # questions on their way, with expiry

    # ---- observation -------------------------------------------------------------

    def on_queue_length(self, listener: Callable[[int], None]) -> None:
        """Call ``listener(n_waiting)`` whenever the queue length changes."""
        self._listeners.append(listener)

    @property
    def waiting(self) -> int:
        with self._cond:
            return len(self._waiting)

    @property
    def busy(self) -> bool:
        with self._cond:
            return self._holder is not None

    @property
    def holder_priority(self) -> Priority | None:
        with self._cond:
            return self._holder.priority if self._holder else None

    def _changed(self) -> None:
        n = len(self._waiting)
        for listener in list(self._listeners):
            try:
                listener(n)
            except Exception:  # an observer never breaks the queue
                pass

    # ---- taking turns ------------------------------------------------------------------

    def acquire(
        self,
        ticket: Ticket,
        *,
        timeout_s: float | None = None,
        on_position: PositionCallback | None = None,
    ) -> None:
        """Block until ``ticket`` holds the turn.

        Raises QueueFull when the queue is at its bound, QueueTimeout after ``timeout_s``,
        Cancelled as soon as the ticket's cancel token is set (from any thread).
        """
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        with self._cond:
            if ticket.cancel.cancelled:
                raise Cancelled()
            if self._holder is None and not self._waiting and not self._held_back(ticket, time.monotonic()):
                self._holder = ticket  # the idle fast path: no queue, no wait
                return
            if len(self._waiting) >= self.max_queue:
                raise QueueFull(
                    f"{self.name} is busy: {len(self._waiting)} requests are already waiting. Try again shortly.",
                    model=self.name,
                    limit=self.max_queue,
                )
            ticket.seq = next(self._seq)
            self._waiting.append(ticket)
            self._changed()
            self._preempt_for(ticket)
            last_position = -1
            try:
                while True:
                    if ticket.cancel.cancelled:
                        raise Cancelled()
                    now = time.monotonic()
                    if self._holder is None and self._next(now) is ticket:
                        self._waiting.remove(ticket)
                        self._holder = ticket
                        self._changed()
                        self._cond.notify_all()
                        return
                    if deadline is not None and now >= deadline:
                        raise QueueTimeout(
                            f"The request waited {timeout_s:.0f} s for {self.name} and was given up.",
                            model=self.name,
                            seconds=timeout_s,
                        )
                    position = self._position(ticket, now)
                    if on_position is not None and position != last_position:
                        last_position = position
                        self._cond.release()  # never call out while holding the lock
                        try:
                            on_position(position)
                        finally:
                            self._cond.acquire()
                        continue
                    self._cond.wait(_POLL_S)
            except BaseException:
                if ticket in self._waiting:
                    self._waiting.remove(ticket)
                    self._changed()
                    self._cond.notify_all()
                raise

    def release(self, ticket: Ticket) -> None:
        """Give the turn back (safe to call twice)."""
        with self._cond:
            if self._holder is ticket:
                self._holder = None
                self._cond.notify_all()

    @contextlib.contextmanager
    def expect(self) -> Iterator[None]:
        """A question is on its way: the steps of its answer (recall, retrieval) run
        before it asks the model. Background work gives way now rather than when the
        question reaches the model, so it does not compete for the CPU meanwhile, and
        starts no new turn until the block ends (at most ``EXPECT_S``)."""
        marker = Ticket(Priority.INTERACTIVE, CancelToken(), preemptible=False)
        with self._cond:
            self._expected.append((marker, time.monotonic() + EXPECT_S))
            self._preempt_for(marker)
        try:
            yield
        finally:
            with self._cond:
                self._expected = [(t, end) for t, end in self._expected if t is not marker]
                self._cond.notify_all()

    def _held_back(self, ticket: Ticket, now: float) -> bool:
        """Whether ``ticket`` must wait for an expected question."""
        return ticket.priority != Priority.INTERACTIVE and any(end > now for _, end in self._expected)

    def _next(self, now: float) -> Ticket | None:
        ready = [t for t in self._waiting if not self._held_back(t, now)]
        if not ready:
            return None
        return min(ready, key=lambda t: (t.rank(now, self.aging_s), t.enqueued, t.seq))

    def _position(self, ticket: Ticket, now: float) -> int:
        order = sorted(self._waiting, key=lambda t: (t.rank(now, self.aging_s), t.enqueued, t.seq))
        return order.index(ticket) + 1

    def _preempt_for(self, ticket: Ticket) -> None:
        holder = self._holder
        if holder is None or not holder.preemptible or holder.preempt.is_set():
            return
        # A request that already gave way MAX_PREEMPTIONS times keeps its turn: aging
        # alone does not help a job that is interrupted every time a question comes.
        if ticket.priority < holder.priority and holder.preemptions < MAX_PREEMPTIONS:
            holder.preemptions += 1
            holder.preempt.set()
