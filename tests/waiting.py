"""Waiting on a condition in tests that have no event to wait on (another process's
state, a file it writes): poll, fail with what was awaited when time runs out."""

from __future__ import annotations

import time
from typing import Callable


def wait_until(cond: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        assert time.monotonic() < deadline, f"{what} not met within {timeout} s"
        time.sleep(0.02)
