"""What every request and the processes cost: per-request records, queue lengths and
periodic memory/CPU samples, kept in bounded rings and summarised as plain JSON."""

from __future__ import annotations

import os
import threading
import time
from collections import Counter, deque
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import psutil

Priority = str  # "interactive" | "background" | "batch"
OUTCOMES = ("complete", "cancelled", "preempted", "error", "timeout", "rejected")
# Outcomes counted as failures in the "errors" summary (cancel and preemption are normal).
FAILURES = ("error", "timeout", "rejected")


@dataclass(frozen=True)
class RequestRecord:
    """One request as the scheduler saw it, written when it leaves the queue for good."""

    model: str
    priority: str  # "interactive" | "background" | "batch"
    started_at: float  # time.time() when submitted
    queue_wait_s: float
    ttft_s: float | None  # from start of generation to first token
    tokens: int
    tokens_per_s: float
    prompt_tokens: int
    outcome: str  # "complete" | "cancelled" | "preempted" | "error" | "timeout" | "rejected"
    error_code: str | None = None


@dataclass(frozen=True)
class ProcessSample:
    """Memory and CPU of Sova's own process and, separately, of its children (the model
    host and any helper it started). CPU percent is of one core (200 = two busy cores)."""

    time: float  # time.time()
    rss_bytes: int
    cpu_percent: float
    children_rss_bytes: int
    children_cpu_percent: float
    children: int  # how many child processes were alive


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0..100) by linear interpolation; None for no values."""
    if not values:
        return None
    s = sorted(values)
    pos = (len(s) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def _round(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


class Metrics:
    """Thread-safe metrics of one Sova process. Every buffer is a bounded ring, so a
    long session costs constant memory."""

    def __init__(self, max_requests: int = 2000, max_samples: int = 600, pid: int | None = None) -> None:
        self._lock = threading.Lock()
        self._requests: deque[RequestRecord] = deque(maxlen=max_requests)
        self._samples: deque[ProcessSample] = deque(maxlen=max_samples)
        self._queues: dict[str, int] = {}
        self._pid = pid or os.getpid()
        self._proc: psutil.Process | None = None
        # Child Process objects are kept between samples: psutil's cpu_percent measures
        # the CPU time since the previous call on the same object.
        self._children: dict[int, psutil.Process] = {}
        self._sample_lock = threading.Lock()
        self._sampler_lock = threading.Lock()  # start/stop only: never waits for a sample
        self._sampler: threading.Thread | None = None
        self._stop = threading.Event()

    # ---- requests and queues ------------------------------------------------------

    def record_request(self, rec: RequestRecord) -> None:
        """Remember one finished (or refused) request; the oldest fall out of the ring."""
        with self._lock:
            self._requests.append(rec)

    def set_queue_length(self, model: str, n: int) -> None:
        with self._lock:
            self._queues[model] = max(0, int(n))

    def queue_lengths(self) -> dict[str, int]:
        with self._lock:
            return dict(self._queues)

    def requests(self, since: float | None = None) -> list[RequestRecord]:
        """Recorded requests, oldest first; ``since`` keeps those submitted at or after it."""
        with self._lock:
            recs = list(self._requests)
        if since is not None:
            recs = [r for r in recs if r.started_at >= since]
        return recs

    # ---- processes ----------------------------------------------------------------

    def sample_process(self) -> ProcessSample:
        """Measure this process and its children now and keep the sample in the ring.

        The first sample of a process reports 0 % CPU (psutil needs two readings)."""
        import psutil

        with self._sample_lock:
            if self._proc is None:
                self._proc = psutil.Process(self._pid)
            proc = self._proc
            rss, cpu = 0, 0.0
            try:
                with proc.oneshot():
                    rss = proc.memory_info().rss
                    cpu = proc.cpu_percent(None)
                children = proc.children(recursive=True)
            except psutil.Error:
                children = []
            alive: dict[int, psutil.Process] = {}
            c_rss, c_cpu = 0, 0.0
            for child in children:
                # Reuse the object from the last sample (same pid and start time).
                known = self._children.get(child.pid)
                p = known if known is not None and known == child else child
                try:
                    with p.oneshot():
                        c_rss += p.memory_info().rss
                        c_cpu += p.cpu_percent(None)
                except psutil.Error:
                    continue  # exited between listing and reading
                alive[p.pid] = p
            self._children = alive
            sample = ProcessSample(time.time(), rss, cpu, c_rss, c_cpu, len(alive))
        with self._lock:
            self._samples.append(sample)
        return sample

    def samples(self) -> list[ProcessSample]:
        """The last process samples, oldest first."""
        with self._lock:
            return list(self._samples)

    def start_sampler(self, interval_s: float = 1.0) -> None:
        """Sample the processes every ``interval_s`` on a daemon thread (idempotent)."""
        with self._sampler_lock:
            if self._sampler is not None and self._sampler.is_alive() and not self._stop.is_set():
                return
            # Each thread gets its own stop flag: a sampler told to stop keeps that order
            # even when a new one starts before it has woken up.
            stop = self._stop = threading.Event()

            def loop() -> None:
                while not stop.is_set():
                    try:
                        self.sample_process()
                    except Exception:  # a metrics failure must never take anything down
                        pass
                    stop.wait(interval_s)

            self._sampler = threading.Thread(target=loop, name="sova-metrics-sampler", daemon=True)
            self._sampler.start()

    def stop_sampler(self, timeout: float = 5.0) -> None:
        """Stop the sampler thread (no-op when it is not running); waits up to ``timeout``."""
        with self._sampler_lock:
            self._stop.set()
            t, self._sampler = self._sampler, None
        if t is not None and t is not threading.current_thread() and timeout > 0:
            t.join(timeout)

    @property
    def sampling(self) -> bool:
        return self._sampler is not None and self._sampler.is_alive()

    # ---- summary ------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """A JSON-serializable summary: per model request counts by outcome, p50/p95 of
        queue wait and time to first token, mean tokens/s and prompt tokens; failures by
        error code; queue lengths; the last process sample (or None)."""
        with self._lock:
            recs = list(self._requests)
            queues = dict(self._queues)
            last = self._samples[-1] if self._samples else None
        by_model: dict[str, list[RequestRecord]] = {}
        for r in recs:
            by_model.setdefault(r.model, []).append(r)
        models: dict[str, Any] = {}
        for model, rs in sorted(by_model.items()):
            waits = [r.queue_wait_s for r in rs if r.outcome != "rejected"]
            ttfts = [r.ttft_s for r in rs if r.ttft_s is not None]
            speeds = [r.tokens_per_s for r in rs if r.tokens > 0 and r.tokens_per_s > 0]
            prompts = [r.prompt_tokens for r in rs if r.prompt_tokens > 0]
            models[model] = {
                "requests": len(rs),
                "outcomes": dict(Counter(r.outcome for r in rs)),
                "priorities": dict(Counter(r.priority for r in rs)),
                "queue_wait_s": {"p50": _round(percentile(waits, 50)), "p95": _round(percentile(waits, 95))},
                "ttft_s": {"p50": _round(percentile(ttfts, 50)), "p95": _round(percentile(ttfts, 95))},
                "tokens_per_s_mean": _round(sum(speeds) / len(speeds), 2) if speeds else None,
                "prompt_tokens_mean": _round(sum(prompts) / len(prompts), 1) if prompts else None,
                "tokens_total": sum(r.tokens for r in rs),
                "last_request_at": max(r.started_at for r in rs),
            }
        errors = Counter(r.error_code or r.outcome for r in recs if r.outcome in FAILURES)
        return {
            "time": time.time(),
            "requests": len(recs),
            "models": models,
            "errors": dict(errors),
            "queue_lengths": queues,
            "process": asdict(last) if last is not None else None,
        }
