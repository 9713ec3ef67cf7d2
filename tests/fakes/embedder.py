"""A deterministic, fast fake embedder for unit tests of the index (no model)."""

from __future__ import annotations

import hashlib
from typing import Sequence

import numpy as np

from app.core.rag.lexical import stems


class FakeEmbedder:
    """Hashed bag of stems: texts sharing words get similar vectors (like a real model)."""

    def __init__(self, name: str = "fake", dim: int = 256) -> None:
        self.name = name
        self.dim = dim
        self.calls = 0
        self.texts = 0

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        for s in stems(text):
            h = int.from_bytes(hashlib.md5(s.encode()).digest()[:4], "little")
            v[h % self.dim] += 1.0 if (h >> 31) & 1 else -1.0
        n = np.linalg.norm(v)
        if n == 0:
            v[0] = 1.0
            n = 1.0
        return v / n

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        self.texts += len(texts)
        return np.stack([self._vec(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self._vec(text)
