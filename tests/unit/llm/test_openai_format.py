"""The OpenAI chat format alone: messages out (images, trimming to the window) and model
lists and stream chunks in, with a protocol error for what does not fit the format."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from app.core.llm import BackendProtocolError, ImagePart, ModelError, TextPart
from app.core.llm.openai_format import fit_openai_messages, known_model, parse_chunk, parse_models, to_openai

URL = "http://127.0.0.1:9/v1"


# ---- messages out ----------------------------------------------------------------------------


def test_image_parts_become_data_urls_for_a_vision_model_only(tmp_path: Path) -> None:
    img = tmp_path / "cat.png"
    img.write_bytes(b"\x89PNG fake")
    msg = {"role": "user", "content": [TextPart("What is this?"), TextPart(""), ImagePart(str(img), "image/png")]}
    out = to_openai(msg, vision=True)
    assert out["content"] == [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64," + base64.b64encode(b"\x89PNG fake").decode()}},
    ]
    assert to_openai(msg, vision=False) == {"role": "user", "content": "What is this?"}
    assert to_openai({"role": "system", "content": "Be brief."}, vision=True) == {"role": "system", "content": "Be brief."}


def test_an_unreadable_image_is_left_out(tmp_path: Path) -> None:
    msg = {"role": "user", "content": [TextPart("Look"), ImagePart(str(tmp_path / "gone.png"), "image/png")]}
    assert to_openai(msg, vision=True)["content"] == [{"type": "text", "text": "Look"}]


def test_a_chat_that_fits_is_sent_whole() -> None:
    msgs = [{"role": "system", "content": "sys"}, {"role": "user", "content": "Hi"}]
    out, max_tokens = fit_openai_messages(msgs, 4096, 256, vision=False)
    assert out == msgs and max_tokens == 256


def test_a_long_chat_keeps_the_system_prompt_and_the_newest_turns(tmp_path: Path) -> None:
    img = tmp_path / "cat.png"
    img.write_bytes(b"png")
    long = "word " * 2000  # ~3,400 estimated tokens per message
    msgs: list[dict[str, object]] = [{"role": "system", "content": "sys"}]
    for i in range(6):
        msgs += [{"role": "user", "content": f"q{i} {long}"}, {"role": "assistant", "content": f"a{i} {long}"}]
    msgs.append({"role": "user", "content": [TextPart("last question"), ImagePart(str(img), "image/png")]})
    out, _ = fit_openai_messages(msgs, 8192, 256, vision=True)  # type: ignore[arg-type]
    assert out[0] == {"role": "system", "content": "sys"}
    assert 2 <= len(out) < len(msgs) and out[1]["role"] == "user"  # turns still alternate
    assert out[-1]["content"][1]["type"] == "image_url"  # a kept message keeps its image


# ---- answers in ------------------------------------------------------------------------------


def test_model_lists_in_the_openai_and_ollama_shapes() -> None:
    data = {"data": [{"id": "a", "max_model_len": 8192}, {"id": "b", "meta": {"n_ctx": 4096}}, {"object": "x"}, "c"]}
    assert parse_models(data, URL) == (["a", "b", "c"], {"a": 8192, "b": 4096})
    assert parse_models({"models": [{"name": "llama3:latest"}]}, URL) == (["llama3:latest"], {})
    with pytest.raises(BackendProtocolError, match="did not return a model list") as err:
        parse_models({"hello": "world"}, URL)
    assert err.value.code == "backend_protocol"


def test_known_model_accepts_the_spellings_servers_use() -> None:
    models = ["llama3:latest", "models/qwen-7b", "phi"]
    assert known_model("llama3", models) and known_model("qwen-7b", models) and known_model("phi", models)
    assert not known_model("qwen", models) and not known_model("llama", models)


def test_stream_chunks() -> None:
    chunk = '{"choices": [{"delta": {"content": "Hel"}, "finish_reason": null}]}'
    assert parse_chunk(chunk, URL, URL) == ("Hel", False, {})
    done = '{"choices": [{"delta": {}, "finish_reason": "stop"}], "usage": {"prompt_tokens": 3}}'
    assert parse_chunk(done, URL, URL) == ("", True, {"prompt_tokens": 3})
    whole = '{"choices": [{"message": {"content": "Hello"}, "finish_reason": "stop"}]}'
    assert parse_chunk(whole, URL, URL) == ("Hello", True, {})
    completion = '{"choices": [{"text": "Hi", "finish_reason": null}], "usage": null}'
    assert parse_chunk(completion, URL, URL) == ("Hi", False, {})


def test_broken_stream_chunks_are_coded_errors() -> None:
    with pytest.raises(BackendProtocolError, match="not JSON"):
        parse_chunk("<html>", URL, URL)
    with pytest.raises(BackendProtocolError, match="unexpected stream event"):
        parse_chunk("[1, 2]", URL, URL)
    with pytest.raises(ModelError, match="failed while answering: out of memory") as err:
        parse_chunk('{"error": {"message": "out of memory"}}', URL, URL)
    assert err.value.code == "backend_server_error"
