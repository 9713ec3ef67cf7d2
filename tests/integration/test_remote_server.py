"""The remote backend against a real ``python -m llama_cpp.server`` with the bundled 0.5B model.

Stream an answer, cancel mid-stream, kill the server mid-answer (partial text kept,
BackendDropped), and the next request after a restart works.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path
from typing import Iterator

import pytest

from app.core.config import Paths, RemoteSettings, user_paths
from app.core.llm import BackendDropped, BackendUnreachable, GenerationOptions, ModelError
from app.core.llm.remote import RemoteLLM
from app.core.models import ModelRegistry
from app.core.types import CancelToken, GenerationStats

sys.path.insert(0, str(Path(__file__).parent))
from llama_server import LlamaServer  # noqa: E402

pytestmark = pytest.mark.enable_socket

SMALL = "qwen2.5-coder-0.5b"
SYSTEM = "You are Sova, a helpful offline assistant. Answer in the language of the question."
OPTS = GenerationOptions(temperature=0.0, top_p=0.9, max_tokens=64, seed=7)
COUNT = GenerationOptions(temperature=0.0, max_tokens=400, seed=7)


def q(text: str) -> list[dict[str, str]]:
    return [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}]


@pytest.fixture(scope="module")
def model_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("remote")
    paths = Paths(tmp / "config", tmp / "data", tmp / "cache", user_paths().models).ensure()
    return Path(ModelRegistry(paths).ensure(SMALL).path)


@pytest.fixture(scope="module")
def server(model_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    srv = LlamaServer(model_file, tmp_path_factory.mktemp("server") / "server.log").start()
    yield srv
    srv.kill()


def remote(srv: LlamaServer) -> RemoteLLM:
    return RemoteLLM(RemoteSettings(base_url=srv.base_url, read_timeout_s=120), api_key=None)


def chat(llm: RemoteLLM, messages: list[dict[str, str]], options: GenerationOptions = OPTS) -> tuple[str, GenerationStats]:
    parts: list[str] = []
    stats: GenerationStats | None = None
    for item in llm.stream_chat(messages, CancelToken(), options):
        if isinstance(item, str):
            parts.append(item)
        else:
            stats = item
    assert stats is not None
    return "".join(parts), stats


def test_streams_an_answer(server: LlamaServer) -> None:
    llm = remote(server)
    assert llm.list_models() == [server.model.stem]
    llm.load(lambda f, t: None, CancelToken())
    assert llm.loaded and llm.name == server.model.stem
    text, stats = chat(llm, q("What is the capital of France? Answer with one word."))
    assert "Paris" in text
    assert stats.completion_tokens >= 1 and stats.tokens_per_second >= 0
    text, _ = chat(llm, q('Как будет по-русски слово "cat"? Ответь одним словом.'))
    assert "кот" in text.lower()
    llm.close()


def test_options_reach_the_server(server: LlamaServer) -> None:
    llm = remote(server)
    text, stats = chat(llm, q("Count from 1 to 50, separated by commas."),
                       GenerationOptions(temperature=0.0, max_tokens=8, seed=1))
    assert stats.completion_tokens <= 8 + 1  # max_tokens honoured (a usage chunk or counted pieces)
    text, _ = chat(llm, q("Count from 1 to 50, separated by commas."),
                   GenerationOptions(temperature=0.0, max_tokens=200, seed=1, stop=("5",)))
    assert "5" not in text and "4" in text
    llm.close()


def test_json_schema_constrains_the_answer(server: LlamaServer) -> None:
    # llama-cpp-python's server takes {"type": "json_object", "schema": ...}: the backend
    # learns that from the first 422 and the grammar still applies.
    llm = remote(server)
    schema = {"type": "object", "properties": {"capital": {"type": "string"}}, "required": ["capital"]}
    text, _ = chat(llm, q("What is the capital of France? Reply in JSON."),
                   GenerationOptions(temperature=0.0, max_tokens=40, seed=7, json_schema=schema))
    assert "Paris" in json.loads(text)["capital"]
    llm.close()


def test_cancel_mid_stream_then_ask_again(server: LlamaServer) -> None:
    llm = remote(server)
    cancel = CancelToken()
    got: list[str] = []
    cancelled_at = latency = None
    for item in llm.stream_chat(q("Count from 1 to 200, separated by commas."), cancel, COUNT):
        if isinstance(item, str):
            got.append(item)
            if len(got) == 5:
                cancelled_at = time.monotonic()
                cancel.cancel()
        else:
            latency = time.monotonic() - (cancelled_at or time.monotonic())
    assert cancelled_at is not None and latency is not None
    print(f"cancel latency {latency * 1000:.1f} ms")
    assert len(got) == 5  # nothing after the cancel
    text, _ = chat(llm, q("What is the capital of France? Answer with one word."))
    assert "Paris" in text and "," not in text[:10]  # no stale counting tokens
    llm.close()


def test_cancel_while_the_server_reads_the_prompt(server: LlamaServer) -> None:
    llm = remote(server)
    llm.load(lambda f, t: None, CancelToken())
    long = q("Summarise this text. " + " ".join(f"Sentence {i} talks about rivers and mountains." for i in range(60)))
    cancel = CancelToken()
    out: list[object] = []
    done = threading.Event()

    def run() -> None:
        out.extend(llm.stream_chat(long, cancel, COUNT))
        done.set()

    threading.Thread(target=run, daemon=True).start()
    threading.Timer(0.3, cancel.cancel).start()
    assert done.wait(30)
    assert out and isinstance(out[-1], GenerationStats)
    text, _ = chat(llm, q("What is the capital of France? Answer with one word."))
    assert "Paris" in text
    llm.close()


def test_server_killed_mid_answer_then_restarted(model_file: Path, tmp_path: Path) -> None:
    srv = LlamaServer(model_file, tmp_path / "server.log").start()
    try:
        llm = remote(srv)
        got: list[str] = []
        with pytest.raises(BackendDropped) as err:
            for item in llm.stream_chat(q("Count from 1 to 200, separated by commas."), CancelToken(), COUNT):
                if isinstance(item, str):
                    got.append(item)
                    if len(got) == 5:
                        srv.kill()
        assert len(got) >= 5 and "1" in "".join(got)  # the partial answer was delivered first
        assert err.value.code == "backend_dropped" and "partial answer is kept" in str(err.value)
        assert not llm.loaded
        # Down: a clear "nothing is listening" error, not a hang.
        with pytest.raises(BackendUnreachable) as down:
            chat(llm, q("Hello"))
        assert down.value.code == "backend_refused"
        srv.start()
        text, _ = chat(llm, q("What is the capital of France? Answer with one word."))
        assert "Paris" in text
        llm.close()
    except ModelError:
        print(srv.tail())
        raise
    finally:
        srv.kill()
