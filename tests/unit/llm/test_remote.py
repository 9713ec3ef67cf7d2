"""The remote OpenAI-compatible backend (RemoteLLM) end to end against a scripted loopback server.

Streaming and the options sent, cancel, the model list and connection checks, the API
key from the keyring, and every failure with its code: refused, unknown host, 401,
404, 5xx, timeouts, garbage, a stream dropped mid-answer (partial text kept). The
transport, the format and the key store alone: test_openai_http, test_openai_format,
test_api_key.
"""

from __future__ import annotations

import base64
import socket
import threading
from pathlib import Path
from typing import Any, Iterator

import pytest

from app.core.config import RemoteSettings, Settings
from app.core.llm import (
    LLM,
    BackendAuthError,
    BackendDropped,
    BackendProtocolError,
    BackendTimeout,
    BackendUnreachable,
    GenerationOptions,
    ImagePart,
    ModelError,
    TextPart,
)
from app.core.llm import remote
from app.core.llm.remote import RemoteLLM, create_remote_llm
from app.core.types import Cancelled, CancelToken, GenerationStats
from tests.fakes.openai_server import FakeOpenAI

pytestmark = pytest.mark.enable_socket


def make(server: FakeOpenAI, **kw: Any) -> RemoteLLM:
    api_key = kw.pop("api_key", None)
    return RemoteLLM(RemoteSettings(base_url=server.base_url, **kw), api_key=api_key)


def collect(gen: Iterator[str | GenerationStats]) -> tuple[list[str], GenerationStats | None]:
    pieces: list[str] = []
    stats = None
    for item in gen:
        if isinstance(item, str):
            pieces.append(item)
        else:
            stats = item
    return pieces, stats


USER = [{"role": "user", "content": "Hi"}]


# ---- the happy path ----------------------------------------------------------------------------


def test_settings_default_to_the_local_backend() -> None:
    s = Settings()
    assert s.backend == "local"
    assert s.remote.base_url == "http://127.0.0.1:8080/v1" and s.remote.model == ""
    assert "key" not in " ".join(RemoteSettings.model_fields)  # the key never goes to the file


def test_the_package_exports_the_backend() -> None:
    import app.core.llm

    assert app.core.llm.RemoteLLM is RemoteLLM and app.core.llm.create_remote_llm is create_remote_llm


def test_streams_an_answer_with_usage_stats(server: FakeOpenAI) -> None:
    llm = create_remote_llm(RemoteSettings(base_url=server.base_url))
    assert isinstance(llm, LLM)
    llm.load(lambda f, t: None, CancelToken())
    assert llm.loaded and llm.name == "fake-7b"  # the first listed model
    pieces, stats = collect(llm.stream_chat(USER, CancelToken()))
    assert "".join(pieces) == "Hello, world!"
    assert stats is not None
    assert (stats.prompt_tokens, stats.completion_tokens, stats.evaluated_prompt_tokens) == (11, 4, 8)
    assert stats.n_ctx == 4096 and stats.prompt_seconds >= 0 and stats.generation_seconds >= 0
    llm.close()
    assert not llm.loaded


def test_per_request_options_are_sent(server: FakeOpenAI) -> None:
    llm = make(server, model="fake-vision")
    schema = {"title": "facts list", "type": "object", "properties": {"facts": {"type": "array"}}}
    opts = GenerationOptions(temperature=0.0, top_p=0.5, max_tokens=40, stop=("\n\n", "END"), seed=7,
                             json_schema=schema)
    collect(llm.stream_chat([{"role": "system", "content": "Be brief."}, *USER], CancelToken(), opts))
    body = server.requests[-1]
    assert body["model"] == "fake-vision" and body["stream"] is True
    assert (body["temperature"], body["top_p"], body["max_tokens"], body["seed"]) == (0.0, 0.5, 40, 7)
    assert body["stop"] == ["\n\n", "END"]
    assert body["stream_options"] == {"include_usage": True}
    assert body["response_format"] == {"type": "json_schema", "json_schema": {"name": "facts_list", "schema": schema}}
    assert body["messages"] == [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hi"}]
    # Defaults: a random seed and no stop words are left out.
    collect(llm.stream_chat(USER, CancelToken(), GenerationOptions()))
    assert "seed" not in server.requests[-1] and "stop" not in server.requests[-1]
    assert "response_format" not in server.requests[-1]


def test_a_server_that_refuses_stream_options_is_asked_again_without(server: FakeOpenAI) -> None:
    server.reject_stream_options = True
    llm = make(server)
    pieces, stats = collect(llm.stream_chat(USER, CancelToken()))
    assert "".join(pieces) == "Hello, world!"
    assert stats is not None and stats.completion_tokens == 4  # counted pieces: no usage chunk
    assert "stream_options" in server.requests[0] and "stream_options" not in server.requests[1]
    collect(llm.stream_chat(USER, CancelToken()))
    assert len(server.requests) == 3  # remembered: no second rejection


def test_json_schema_falls_back_to_json_object_with_schema(server: FakeOpenAI) -> None:
    server.reject_json_schema = True
    schema = {"type": "object", "properties": {"capital": {"type": "string"}}}
    llm = make(server)
    pieces, _ = collect(llm.stream_chat(USER, CancelToken(), GenerationOptions(json_schema=schema)))
    assert "".join(pieces) == "Hello, world!"
    assert server.requests[0]["response_format"]["type"] == "json_schema"
    assert server.requests[1]["response_format"] == {"type": "json_object", "schema": schema}
    collect(llm.stream_chat(USER, CancelToken(), GenerationOptions(json_schema=schema)))
    assert len(server.requests) == 3 and server.requests[2]["response_format"]["type"] == "json_object"


def test_a_server_that_ignores_stream_true_still_answers(server: FakeOpenAI) -> None:
    server.mode = "json"
    pieces, stats = collect(make(server).stream_chat(USER, CancelToken()))
    assert "".join(pieces) == "Hello, world!" and stats is not None and stats.completion_tokens == 4


def test_images_are_sent_only_to_a_vision_model(server: FakeOpenAI, tmp_path: Path) -> None:
    img = tmp_path / "cat.png"
    img.write_bytes(b"\x89PNG fake")
    msg = {"role": "user", "content": [TextPart("What is this?"), ImagePart(str(img), "image/png")]}
    collect(make(server, model="fake-vision", vision=True).stream_chat([msg], CancelToken()))
    content = server.requests[-1]["messages"][0]["content"]
    assert content[0] == {"type": "text", "text": "What is this?"}
    assert content[1]["type"] == "image_url"
    assert content[1]["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode()
    collect(make(server, model="fake-7b").stream_chat([msg], CancelToken()))
    assert server.requests[-1]["messages"][0] == {"role": "user", "content": "What is this?"}


def test_a_long_chat_is_trimmed_to_the_window(server: FakeOpenAI) -> None:
    long = "word " * 2000  # ~3,400 estimated tokens per message
    msgs = [{"role": "system", "content": "sys"}]
    for i in range(6):
        msgs += [{"role": "user", "content": f"q{i} {long}"}, {"role": "assistant", "content": f"a{i} {long}"}]
    msgs.append({"role": "user", "content": "last question"})
    collect(make(server, n_ctx=8192).stream_chat(msgs, CancelToken(), GenerationOptions(max_tokens=256)))
    sent = server.requests[-1]["messages"]
    assert sent[0] == {"role": "system", "content": "sys"} and sent[-1]["content"] == "last question"
    assert 2 <= len(sent) < len(msgs)
    assert sent[1]["role"] == "user"  # turns still alternate


# ---- connecting, models, keys ---------------------------------------------------------------


def test_list_models_and_check(server: FakeOpenAI) -> None:
    server.version = "0.9.1"
    server.health = 200
    llm = make(server)
    assert llm.list_models() == ["fake-7b", "fake-vision"]
    info = llm.check()
    assert info.models == ("fake-7b", "fake-vision") and info.version == "0.9.1" and info.health == "ok"
    assert not llm.loaded  # checking is not loading


def test_load_waits_while_the_server_loads_its_model(server: FakeOpenAI) -> None:
    server.health = 200
    server.health_503_times = 2
    llm = make(server)
    llm.load(lambda f, t: None, CancelToken())
    assert llm.loaded and llm.server is not None and llm.server.health == "ok"


def test_unknown_model_is_a_clear_error(server: FakeOpenAI) -> None:
    with pytest.raises(ModelError, match="no model “llama-70b”") as err:
        make(server, model="llama-70b").load(lambda f, t: None, CancelToken())
    assert err.value.code == "backend_model_not_found" and "fake-7b" in str(err.value.params["available"])


def test_model_gone_from_the_server_gives_404_model_not_found(server: FakeOpenAI) -> None:
    llm = make(server, model="fake-7b")
    llm.load(lambda f, t: None, CancelToken())
    server.models = ["other"]
    with pytest.raises(ModelError) as err:
        collect(llm.stream_chat(USER, CancelToken()))
    assert err.value.code == "backend_model_not_found"


def test_wrong_or_missing_api_key(server: FakeOpenAI) -> None:
    server.api_key = "s3cret"
    with pytest.raises(BackendAuthError) as err:
        make(server).load(lambda f, t: None, CancelToken())
    assert err.value.code == "backend_auth" and err.value.params["status"] == 401
    assert "needs an API key" in str(err.value)
    with pytest.raises(BackendAuthError, match="Check the API key"):
        make(server, api_key="wrong").list_models()
    llm = make(server, api_key="s3cret")
    assert "".join(collect(llm.stream_chat(USER, CancelToken()))[0]) == "Hello, world!"
    assert server.headers[-1]["Authorization"] == "Bearer s3cret"


def test_api_key_comes_from_the_keyring(server: FakeOpenAI, file_keyring: Any, sova_home: Path) -> None:
    server.api_key = "from-keyring"
    remote.store_api_key("from-keyring")
    assert remote.stored_api_key() == "from-keyring"
    llm = create_remote_llm(RemoteSettings(base_url=server.base_url))
    assert "".join(collect(llm.stream_chat(USER, CancelToken()))[0]) == "Hello, world!"
    assert not any("from-keyring" in p.read_text("utf-8", "replace") for p in sova_home.rglob("*") if p.is_file())
    remote.clear_api_key()
    assert remote.stored_api_key() is None
    remote.store_api_key("")  # empty = remove, no error
    with pytest.raises(BackendAuthError):
        create_remote_llm(RemoteSettings(base_url=server.base_url)).load(lambda f, t: None, CancelToken())


# ---- cancel ------------------------------------------------------------------------------------


def test_cancel_while_waiting_for_a_token_stops_at_once_and_closes_the_stream(server: FakeOpenAI) -> None:
    server.mode = "hang_after"
    llm = make(server)
    cancel = CancelToken()
    gen = llm.stream_chat(USER, cancel)
    assert next(gen) == "Hello" and next(gen) == ","
    timer = threading.Timer(0.2, cancel.cancel)
    timer.start()
    rest = list(gen)  # blocked waiting for the third token until the cancel
    assert len(rest) == 1 and isinstance(rest[0], GenerationStats) and rest[0].completion_tokens == 2
    assert cancel.cancelled
    server.release.set()
    assert server.client_gone.wait(30), "the server kept streaming to a cancelled client"


def test_cancel_latency_does_not_depend_on_the_server(server: FakeOpenAI) -> None:
    server.mode = "stall"  # never sends headers
    llm = make(server)
    llm.load(lambda f, t: None, CancelToken())
    cancel = CancelToken()
    done = threading.Event()
    out: list[Any] = []

    def run() -> None:
        out.extend(llm.stream_chat(USER, cancel))
        done.set()

    threading.Thread(target=run, daemon=True).start()
    assert not done.wait(0.3)
    cancel.cancel()
    assert done.wait(10)
    assert len(out) == 1 and isinstance(out[0], GenerationStats) and out[0].completion_tokens == 0


def test_cancel_before_start_yields_nothing(server: FakeOpenAI) -> None:
    cancel = CancelToken()
    cancel.cancel()
    assert list(make(server).stream_chat(USER, cancel)) == []
    assert server.requests == []


def test_cancelled_load_raises_cancelled(server: FakeOpenAI) -> None:
    server.health = 200
    server.health_503_times = 10_000
    cancel = CancelToken()
    threading.Timer(0.3, cancel.cancel).start()
    with pytest.raises(Cancelled):
        make(server).load(lambda f, t: None, cancel)


# ---- failures --------------------------------------------------------------------------------


def _closed_port() -> int:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def test_refused_connection() -> None:
    llm = RemoteLLM(RemoteSettings(base_url=f"http://127.0.0.1:{_closed_port()}/v1"), api_key=None)
    with pytest.raises(BackendUnreachable, match="connection refused") as err:
        llm.load(lambda f, t: None, CancelToken())
    assert err.value.code == "backend_refused"
    with pytest.raises(BackendUnreachable):
        collect(llm.stream_chat(USER, CancelToken()))


def test_unknown_host(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    llm = RemoteLLM(RemoteSettings(base_url="http://llm.example.invalid:8080/v1"), api_key=None)
    with pytest.raises(BackendUnreachable, match="does not resolve") as err:
        llm.list_models()
    assert err.value.code == "backend_unknown_host" and err.value.params["host"] == "llm.example.invalid"


def test_bad_address() -> None:
    with pytest.raises(ModelError) as err:
        RemoteLLM(RemoteSettings(base_url="ftp://example/v1"), api_key=None).list_models()
    assert err.value.code == "backend_bad_url"


def test_server_error(server: FakeOpenAI) -> None:
    server.mode = "http_error"
    with pytest.raises(ModelError, match="internal error \\(500\\): boom") as err:
        collect(make(server).stream_chat(USER, CancelToken()))
    assert err.value.code == "backend_server_error" and err.value.params["status"] == 500


def test_rejected_request_shows_the_servers_reason(server: FakeOpenAI) -> None:
    server.mode = "http_error"
    server.error_status = 400
    server.error_body = b'{"error": {"message": "the prompt is longer than the context (5000 > 4096)"}}'
    with pytest.raises(ModelError, match="longer than the context") as err:
        collect(make(server).stream_chat(USER, CancelToken()))
    assert err.value.code == "backend_rejected"


def test_timeout_before_the_first_token(server: FakeOpenAI) -> None:
    server.mode = "stall"
    llm = make(server, first_token_timeout_s=1.0)
    with pytest.raises(BackendTimeout, match="did not start answering within 1 s") as err:
        collect(llm.stream_chat(USER, CancelToken()))
    assert err.value.code == "backend_timeout" and err.value.params["phase"] == "first_token"
    server.release.set()


def test_timeout_between_tokens_keeps_the_partial_answer(server: FakeOpenAI) -> None:
    server.mode = "hang_after"
    llm = make(server, read_timeout_s=1.0)
    pieces: list[str] = []
    with pytest.raises(BackendTimeout) as err:
        for item in llm.stream_chat(USER, CancelToken()):
            pieces.append(item)  # type: ignore[arg-type]
    assert pieces == ["Hello", ","] and err.value.params["phase"] == "between_tokens"
    server.release.set()


def test_garbage_instead_of_an_event_stream(server: FakeOpenAI) -> None:
    server.mode = "garbage"
    with pytest.raises(BackendProtocolError, match="Welcome to nginx") as err:
        collect(make(server).stream_chat(USER, CancelToken()))
    assert err.value.code == "backend_protocol"


def test_garbage_event_in_the_stream(server: FakeOpenAI) -> None:
    server.mode = "garbage_event"
    with pytest.raises(BackendProtocolError, match="not JSON"):
        collect(make(server).stream_chat(USER, CancelToken()))


def test_not_an_openai_api(server: FakeOpenAI) -> None:
    llm = RemoteLLM(RemoteSettings(base_url=f"http://127.0.0.1:{server.port}/api"), api_key=None)
    with pytest.raises(ModelError, match="does not exist \\(404\\)") as err:
        llm.load(lambda f, t: None, CancelToken())
    assert err.value.code == "backend_not_found"


def test_not_http_at_all() -> None:
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)

    def babble() -> None:
        conn, _ = srv.accept()
        conn.recv(65536)
        conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        conn.close()

    threading.Thread(target=babble, daemon=True).start()
    llm = RemoteLLM(RemoteSettings(base_url=f"http://127.0.0.1:{srv.getsockname()[1]}/v1"), api_key=None)
    with pytest.raises(BackendProtocolError) as err:
        llm.list_models()
    assert err.value.code == "backend_protocol"
    srv.close()


def test_dropped_mid_answer_keeps_the_partial_text_then_works_again(server: FakeOpenAI) -> None:
    server.mode = "drop"
    llm = make(server)
    pieces: list[str] = []
    with pytest.raises(BackendDropped, match="middle of the answer") as err:
        for item in llm.stream_chat(USER, CancelToken()):
            pieces.append(item)  # type: ignore[arg-type]
    assert pieces == ["Hello", ","]
    assert err.value.code == "backend_dropped" and err.value.params["received"] == 2
    assert not llm.loaded  # reconnects (and checks the server) on the next request
    server.mode = "stream"
    assert "".join(collect(llm.stream_chat(USER, CancelToken()))[0]) == "Hello, world!"
