"""The vision tier in the real model host, as far as real files allow (no vision model
ships in a package these machines can install): the bundled 0.5B with a projector
whose header fits but whose weights llama.cpp refuses. Loading names the projector and
the reason, the host process does not take the app down, and the same model without
the projector still answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.config import GenerationSettings, Paths, user_paths
from app.core.llm.base import GenerationOptions, ModelError
from app.core.llm.hosted import HostedLLM
from app.core.models import ModelRegistry
from app.core.types import CancelToken
from tests.unit.images.test_vision import real_model, write_mmproj

pytestmark = pytest.mark.timeout(600)


def test_a_projector_llama_cpp_refuses_is_a_load_error_naming_it(tmp_path: Path) -> None:
    registry = ModelRegistry(Paths(tmp_path / "c", tmp_path / "d", tmp_path / "k", user_paths().models).ensure())
    model = real_model("qwen2.5-coder-0.5b")
    info = registry.add(model, mmproj=write_mmproj(tmp_path / "mmproj-bad.gguf", 896))
    gen = GenerationSettings(n_ctx=1024, n_threads=2, max_tokens=8, temperature=0.0, seed=1)
    llm = HostedLLM(info, gen)
    try:
        with pytest.raises(ModelError) as e:
            llm.load(lambda f, t: None, CancelToken())
        assert e.value.code == "vision_projector" and e.value.params["name"] == "mmproj-bad.gguf"
        assert "mmproj-bad.gguf" in str(e.value)
    finally:
        llm.close()
    text_only = HostedLLM(registry.get("qwen2.5-coder-0.5b"), gen)
    try:
        out = [p for p in text_only.stream_chat([{"role": "user", "content": "Say OK."}], CancelToken(),
                                                GenerationOptions(max_tokens=8, temperature=0.0, seed=1))
               if isinstance(p, str)]
        assert "".join(out).strip()
    finally:
        text_only.close()
