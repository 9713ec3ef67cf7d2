"""Start and stop a real ``python -m llama_cpp.server`` on loopback (tests and benchmarks).

The server runs the bundled GGUF in a child process; ``start`` waits until
``/v1/models`` answers, ``kill`` is a SIGKILL (a crash, as the tests want it).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = int(s.getsockname()[1])
    s.close()
    return port


class LlamaServer:
    """One llama_cpp.server process; restartable on the same port."""

    def __init__(self, model: Path, log: Path, *, n_ctx: int = 2048, threads: int = 2, port: int | None = None) -> None:
        self.model = model
        self.log = log
        self.n_ctx = n_ctx
        self.threads = threads
        self.port = port or free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout: float = 300.0) -> "LlamaServer":
        """Start the server and wait until it lists its model."""
        import httpx

        cmd = [
            sys.executable, "-m", "llama_cpp.server",
            "--model", str(self.model), "--model_alias", self.model.stem,
            "--host", "127.0.0.1", "--port", str(self.port),
            "--n_ctx", str(self.n_ctx), "--n_threads", str(self.threads), "--n_threads_batch", str(self.threads),
        ]
        out = self.log.open("ab")
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     env={**os.environ, "PYTHONUNBUFFERED": "1"})
        out.close()
        deadline = time.monotonic() + timeout
        with httpx.Client(trust_env=False, timeout=5.0) as client:
            while True:
                try:
                    if client.get(f"{self.base_url}/models").status_code == 200:
                        return self
                except httpx.HTTPError:
                    pass
                try:
                    code = self.proc.wait(timeout=0.25)  # also the pause between polls
                except subprocess.TimeoutExpired:
                    code = None
                if code is not None:
                    raise RuntimeError(f"llama_cpp.server exited with {code}; log:\n{self.tail()}")
                if time.monotonic() > deadline:
                    self.kill()
                    raise RuntimeError(f"llama_cpp.server not ready after {timeout:.0f} s; log:\n{self.tail()}")

    def kill(self) -> None:
        """SIGKILL the server and reap it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self.proc = None

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text("utf-8", "replace")[-chars:]
        except OSError:
            return ""
