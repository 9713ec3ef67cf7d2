"""Metrics: request records in a bounded ring, queue lengths, process samples, summary."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from app.core.service.metrics import Metrics, ProcessSample, RequestRecord, percentile
from tests.waiting import wait_until


def rec(model: str = "m", *, started: float = 0.0, wait: float = 0.1, ttft: float | None = 0.5, tokens: int = 10,
        tps: float = 20.0, prompt: int = 30, outcome: str = "complete", code: str | None = None,
        priority: str = "interactive") -> RequestRecord:
    return RequestRecord(model, priority, started or time.time(), wait, ttft, tokens, tps, prompt, outcome, code)


def test_percentile_interpolates() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0], 95) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(i) for i in range(101)], 95) == pytest.approx(95.0)


def test_requests_are_kept_in_a_bounded_ring_and_filtered_by_time() -> None:
    m = Metrics(max_requests=5)
    for i in range(8):
        m.record_request(rec(started=1000.0 + i, tokens=i))
    recs = m.requests()
    assert [r.tokens for r in recs] == [3, 4, 5, 6, 7]
    assert [r.tokens for r in m.requests(since=1006.0)] == [6, 7]


def test_queue_lengths_per_model() -> None:
    m = Metrics()
    m.set_queue_length("a", 3)
    m.set_queue_length("b", 0)
    m.set_queue_length("a", 1)
    assert m.queue_lengths() == {"a": 1, "b": 0}


def test_snapshot_summarises_per_model_and_is_json() -> None:
    m = Metrics()
    for wait, ttft, tps in [(0.1, 0.4, 10.0), (0.2, 0.5, 20.0), (0.3, 0.6, 30.0), (0.4, 0.7, 40.0)]:
        m.record_request(rec("qwen", wait=wait, ttft=ttft, tps=tps))
    m.record_request(rec("qwen", ttft=None, tokens=0, tps=0.0, outcome="error", code="model_crashed"))
    m.record_request(rec("qwen", ttft=None, tokens=0, tps=0.0, outcome="rejected", code="queue_full"))
    m.record_request(rec("qwen", ttft=None, tokens=0, tps=0.0, outcome="timeout"))
    m.record_request(rec("qwen", outcome="cancelled", priority="background"))
    m.record_request(rec("remote", wait=2.0, ttft=1.0, tps=5.0))
    m.set_queue_length("qwen", 2)
    snap = m.snapshot()
    json.dumps(snap)  # serializable as it is
    q = snap["models"]["qwen"]
    assert q["requests"] == 8
    assert q["outcomes"] == {"complete": 4, "error": 1, "rejected": 1, "timeout": 1, "cancelled": 1}
    assert q["priorities"] == {"interactive": 7, "background": 1}
    assert q["ttft_s"]["p50"] == pytest.approx(0.5)  # 0.4 0.5 0.5 0.6 0.7 (cancelled had 0.5)
    assert q["ttft_s"]["p95"] == pytest.approx(0.68)
    assert q["tokens_per_s_mean"] == pytest.approx(24.0)  # four completes and the cancelled 20
    assert q["prompt_tokens_mean"] == 30
    assert snap["models"]["remote"]["queue_wait_s"] == {"p50": 2.0, "p95": 2.0}
    assert snap["errors"] == {"model_crashed": 1, "queue_full": 1, "timeout": 1}
    assert snap["queue_lengths"] == {"qwen": 2}
    assert snap["requests"] == 9
    assert snap["process"] is None  # nothing sampled yet


def test_record_request_is_thread_safe() -> None:
    m = Metrics(max_requests=10_000)

    def work() -> None:
        for i in range(500):
            m.record_request(rec())
            if i % 100 == 0:
                m.snapshot()  # readers run while writers write

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(m.requests()) == 2000


def test_process_sample_separates_this_process_from_its_children() -> None:
    m = Metrics()
    first = m.sample_process()
    assert isinstance(first, ProcessSample)
    assert first.rss_bytes > 10 * 1024 * 1024
    before = first.children  # helpers other tests may have left running
    # A busy child stands in for the model host.
    child = subprocess.Popen([sys.executable, "-c", "import time\nt=time.time()\nwhile time.time()-t<120: pass"])
    try:
        wait_until(lambda: m.sample_process().children == before + 1)
        wait_until(lambda: m.sample_process().children_cpu_percent > 0)
        s = m.samples()[-1]
        assert s.children_rss_bytes > 1024 * 1024
        assert m.snapshot()["process"]["children_rss_bytes"] == s.children_rss_bytes
    finally:
        child.kill()
        child.wait()
    wait_until(lambda: m.sample_process().children == before)
    if before == 0:
        assert m.samples()[-1].children_rss_bytes == 0


def test_samples_ring_is_bounded() -> None:
    m = Metrics(max_samples=3)
    for _ in range(5):
        m.sample_process()
    assert len(m.samples()) == 3


def test_sampler_thread_samples_until_stopped() -> None:
    m = Metrics()
    m.start_sampler(0.05)
    thread = m._sampler
    m.start_sampler(0.05)  # idempotent: still the same thread
    assert m._sampler is thread and thread is not None
    wait_until(lambda: len(m.samples()) >= 3)
    assert m.sampling
    m.stop_sampler()
    assert not m.sampling and not thread.is_alive()
    n = len(m.samples())
    m.start_sampler(0.05)  # restartable
    wait_until(lambda: len(m.samples()) > n)
    m.stop_sampler()


def test_a_quick_stop_and_start_leaves_one_sampler() -> None:
    m = Metrics()
    m.start_sampler(0.05)
    old = m._sampler
    m.stop_sampler(timeout=0)  # the UI thread never waits for it
    m.start_sampler(0.05)
    new = m._sampler
    assert old is not None and new is not None and new is not old
    wait_until(lambda: not old.is_alive())
    assert new.is_alive()
    m.stop_sampler()


def test_cpu_of_this_process_is_measured() -> None:
    m = Metrics(pid=os.getpid())
    m.sample_process()

    def busy() -> bool:
        t = time.process_time()
        while time.process_time() - t < 0.05:
            pass
        return m.sample_process().cpu_percent > 0

    wait_until(busy)
