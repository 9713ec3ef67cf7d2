"""Dense vector index on Chroma: local PersistentClient or a remote Chroma server.

One Chroma collection per embedder (vectors of different models never mix); the user's
document collections (folder groups) are a metadata field filtered at query time.
Chroma never embeds anything itself: Sova passes its own embedding function and
precomputed vectors, so Chroma's default model (which downloads) is never used, and
telemetry is off. All writes go through ONE writer thread.
"""

from __future__ import annotations

import concurrent.futures as cf
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Sequence

import numpy as np

from app.core.types import SovaError

if TYPE_CHECKING:
    from app.core.rag.embedder import Embedder

log = logging.getLogger(__name__)

TOKEN_SECRET = "chroma-token"  # keyring entry for the Chroma server token


@dataclass(frozen=True)
class DenseHit:
    chunk_id: str
    score: float  # cosine similarity, higher is better


class VectorIndex(Protocol):
    """What retrieval and ingest need from a vector store."""

    def add(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict[str, Any]]) -> None: ...
    def delete(self, ids: Sequence[str]) -> None: ...
    def search(self, vector: np.ndarray, k: int, collections: Sequence[str] = ()) -> list[DenseHit]: ...
    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]: ...
    def count(self) -> int: ...
    def close(self) -> None: ...


def collection_name(embedder_name: str) -> str:
    """A Chroma-valid collection name for an embedder (3-63 chars, [a-zA-Z0-9._-])."""
    clean = re.sub(r"[^a-zA-Z0-9._-]", "-", embedder_name).strip("-._") or "x"
    return f"sova-{clean}"[:63]


def _embedding_function_class() -> type:
    """Sova's own Chroma embedding function, defined lazily (chromadb is heavy)."""
    global _EF_CLASS
    if _EF_CLASS is not None:
        return _EF_CLASS
    from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
    from chromadb.utils.embedding_functions import register_embedding_function

    class SovaEmbeddingFunction(EmbeddingFunction[Documents]):
        """Delegates to Sova's Embedder so Chroma never loads a model of its own."""

        def __init__(self, embedder: "Embedder | None" = None, embedder_name: str = "") -> None:
            self.embedder = embedder
            self.embedder_name = embedder.name if embedder is not None else embedder_name

        def __call__(self, input: Documents) -> Embeddings:
            if self.embedder is None:
                raise SovaError("No embedder is attached to this collection.")
            return list(self.embedder.embed_documents(list(input)))

        def embed_query(self, input: Documents) -> Embeddings:
            if self.embedder is None:
                raise SovaError("No embedder is attached to this collection.")
            return [self.embedder.embed_query(t) for t in input]

        @staticmethod
        def name() -> str:
            return "sova"

        def default_space(self) -> Any:
            return "cosine"

        def get_config(self) -> dict[str, Any]:
            return {"embedder": self.embedder_name}

        @staticmethod
        def build_from_config(config: dict[str, Any]) -> "SovaEmbeddingFunction":
            return SovaEmbeddingFunction(None, str(config.get("embedder", "")))

    register_embedding_function(SovaEmbeddingFunction)
    _EF_CLASS = SovaEmbeddingFunction
    return _EF_CLASS


_EF_CLASS: type | None = None


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


class ChromaIndex:
    """A Chroma collection for one embedder; writes on one dedicated thread."""

    def __init__(self, client: Any, embedder: "Embedder | None", embedder_name: str) -> None:
        ef = _embedding_function_class()(embedder, embedder_name)
        self.client = client
        self.embedder_name = embedder_name
        self._collection = client.get_or_create_collection(
            collection_name(embedder_name),
            embedding_function=ef,
            configuration={"hnsw": {"space": "cosine", "ef_search": 100}},
            metadata={"sova_embedder": embedder_name},
        )
        self._writer = cf.ThreadPoolExecutor(max_workers=1, thread_name_prefix="chroma-writer")

    # -- factories -------------------------------------------------------------------

    @staticmethod
    def local_client(path: Path) -> Any:
        """A PersistentClient in path with telemetry off."""
        import chromadb

        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=_chroma_settings())

    @staticmethod
    def server_client(host: str, port: int, token: str | None = None) -> Any:
        """An HttpClient for a Chroma server (token sent as a bearer token)."""
        import chromadb

        headers = {"Authorization": f"Bearer {token}"} if token else None
        try:
            client = chromadb.HttpClient(host=host, port=port, headers=headers, settings=_chroma_settings())
            client.heartbeat()
        except Exception as exc:
            raise SovaError(f"Cannot reach the Chroma server at {host}:{port}: {exc}") from exc
        return client

    # -- writes (one thread) ------------------------------------------------------------

    def _submit(self, fn: Any, *args: Any) -> Any:
        return self._writer.submit(fn, *args).result()

    def add(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict[str, Any]]) -> None:
        """Insert or replace vectors (blocks until written)."""
        if not ids:
            return
        ids = list(ids)
        # Chroma caps one call's batch size; stay well under it.
        step = 1000
        for i in range(0, len(ids), step):
            self._submit(
                self._collection.upsert,
                ids[i : i + step],
                np.asarray(vectors[i : i + step], dtype=np.float32),
                list(metadatas[i : i + step]),
            )

    def delete(self, ids: Sequence[str]) -> None:
        """Remove vectors; unknown ids are ignored."""
        ids = list(ids)
        for i in range(0, len(ids), 1000):
            self._submit(lambda part: self._collection.delete(ids=part), ids[i : i + 1000])

    # -- reads ----------------------------------------------------------------------------

    def search(self, vector: np.ndarray, k: int, collections: Sequence[str] = ()) -> list[DenseHit]:
        """Nearest chunks by cosine, optionally only in some user collections."""
        where: dict[str, Any] | None = None
        if collections:
            where = {"collection": {"$in": list(collections)}} if len(collections) > 1 else {"collection": collections[0]}
        res = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=k,
            where=where,
            include=["distances"],
        )
        ids = res["ids"][0]
        dists = res["distances"][0] if res.get("distances") else [0.0] * len(ids)
        return [DenseHit(i, 1.0 - float(d)) for i, d in zip(ids, dists)]

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """Stored vectors for these ids (missing ids are left out)."""
        if not ids:
            return {}
        res = self._collection.get(ids=list(ids), include=["embeddings"])
        embs = res.get("embeddings")
        if embs is None:
            return {}
        return {i: np.asarray(e, dtype=np.float32) for i, e in zip(res["ids"], embs)}

    def ids(self) -> set[str]:
        """Every id in the collection (used by the consistency check)."""
        out: set[str] = set()
        offset = 0
        while True:
            res = self._collection.get(include=[], limit=5000, offset=offset)
            if not res["ids"]:
                return out
            out.update(res["ids"])
            offset += len(res["ids"])

    def count(self) -> int:
        return int(self._collection.count())

    def close(self) -> None:
        self._writer.shutdown(wait=True)


def open_client(paths_index: Path, mode: str, host: str, port: int) -> Any:
    """The Chroma client the settings ask for (token from the keyring for a server)."""
    if mode == "server":
        token: str | None = None
        try:
            from app.core.secrets import get_secret

            token = get_secret(TOKEN_SECRET)
        except Exception as exc:  # no keyring: connect without a token
            log.info("no Chroma token: %s", exc)
        return ChromaIndex.server_client(host, port, token)
    return ChromaIndex.local_client(paths_index / "chroma")
