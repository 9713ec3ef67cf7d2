"""The training copy of the real 0.5B GGUF scores text as expected, in float32 and in
bfloat16 (the fast path where the CPU has it natively)."""

from __future__ import annotations

import json
import random
from pathlib import Path
from types import SimpleNamespace

import pytest

from app.core.config import Paths, user_paths
from app.core.finetune import gguf_model
from app.core.finetune.train import mean_ll, tokenize
from app.core.models import ModelRegistry

MODEL_ID = "qwen2.5-coder-0.5b"
DATA = Path(__file__).resolve().parents[1] / "data" / "feedback" / "rated_dialogs.jsonl"


@pytest.fixture(scope="module")
def model_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled GGUF, assembled from its package as the app does (on a fresh machine
    no earlier test may have done it)."""
    tmp = tmp_path_factory.mktemp("gguf-home")
    paths = Paths(tmp / "config", tmp / "data", tmp / "cache", user_paths().models).ensure()
    return ModelRegistry(paths).ensure(MODEL_ID).path


@pytest.fixture(scope="module")
def examples(model_path: Path) -> list:  # type: ignore[type-arg]
    chat = gguf_model.ChatTokens(model_path)
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines()][:4]
    items = [{"messages": [{"role": "user", "content": r["question"]}], "completion": r["preferred"], "label": True}
             for r in rows]
    # The same words in a shuffled order: no longer an answer, not even a sentence.
    shuffled = [" ".join(random.Random(7).sample(r["preferred"].split(), len(r["preferred"].split()))) for r in rows]
    items += [{"messages": [{"role": "user", "content": r["question"]}], "completion": text, "label": True}
              for r, text in zip(rows, shuffled)]
    return tokenize(items, chat, 512)


@pytest.mark.parametrize("bf16", [False, True], ids=["float32", "bfloat16"])
def test_a_fitting_answer_is_likelier_than_nonsense_and_precisions_agree(examples, model_path: Path,
                                                                        bf16: bool) -> None:  # type: ignore[no-untyped-def]
    base = gguf_model.load(model_path, bf16=bf16)
    model = SimpleNamespace(model=base.model)  # what training passes: a peft wrapper around it
    real = mean_ll(base, model, examples[:4], content_only=True)
    nonsense = mean_ll(base, model, examples[4:], content_only=True)
    print(f"bf16={bf16}: fitting answers {real:.3f}, nonsense {nonsense:.3f} nats/token")
    assert real is not None and nonsense is not None
    assert nonsense < real - 1.0
    # Measured: float32 -3.929, bfloat16 -3.929 (its sums stay float32).
    assert abs(real - (-3.929)) < 0.02
