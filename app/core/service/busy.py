"""Whether an answer is on its way, for whoever must step aside meanwhile (a training
process pauses until the answer is done)."""

from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger(__name__)


class Busy:
    """Counts answers on their way; tells listeners when the count leaves or reaches 0."""

    def __init__(self) -> None:
        self._count = 0
        self._lock = threading.Lock()
        self._listeners: list[Callable[[bool], None]] = []

    def subscribe(self, listener: Callable[[bool], None]) -> Callable[[], None]:
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def enter(self) -> None:
        with self._lock:
            self._count += 1
            first = self._count == 1
        if first:
            self._notify(True)

    def leave(self) -> None:
        with self._lock:
            self._count -= 1
            last = self._count == 0
        if last:
            self._notify(False)

    def _notify(self, busy: bool) -> None:
        for listener in list(self._listeners):
            try:
                listener(busy)
            except Exception:  # a listener's failure must never cost the answer
                log.exception("busy listener failed")
