"""Chroma wrapper: local persistent client, Sova's own embedding function, one writer."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np

from app.core.rag.index import ChromaIndex, collection_name
from tests.fakes.embedder import FakeEmbedder


def _index(tmp_path: Path, emb: FakeEmbedder | None = None) -> ChromaIndex:
    emb = emb or FakeEmbedder()
    return ChromaIndex(ChromaIndex.local_client(tmp_path / "chroma"), emb, emb.name)


def test_add_search_filter_delete_and_persist(tmp_path: Path) -> None:
    emb = FakeEmbedder()
    idx = _index(tmp_path, emb)
    texts = {"a": "debian packages apt", "b": "котики спят", "c": "debian kernel modules"}
    ids = list(texts)
    idx.add(ids, emb.embed_documents(list(texts.values())),
            [{"path": f"/{i}", "collection": "work" if i != "b" else "home", "page": -1} for i in ids])
    hits = idx.search(emb.embed_query("debian apt packages"), 3)
    assert hits[0].chunk_id == "a" and 0.99 < hits[0].score <= 1.0001
    assert [h.chunk_id for h in idx.search(emb.embed_query("котики"), 3, ["home"])] == ["b"]
    assert {h.chunk_id for h in idx.search(emb.embed_query("debian"), 3, ["work", "home"])} == {"a", "b", "c"}
    vecs = idx.vectors(["c", "zzz"])
    assert set(vecs) == {"c"} and np.allclose(vecs["c"], emb.embed_documents([texts["c"]])[0], atol=1e-5)
    idx.delete(["a", "nope"])
    assert idx.count() == 2 and idx.ids() == {"b", "c"}
    idx.close()
    again = _index(tmp_path, emb)  # persisted on disk
    assert again.ids() == {"b", "c"}
    again.close()


def test_chroma_never_embeds_with_its_default_model(tmp_path: Path) -> None:
    emb = FakeEmbedder()
    idx = _index(tmp_path, emb)
    ef = idx._collection._embedding_function
    assert type(ef).__name__ == "SovaEmbeddingFunction" and ef.embedder is emb
    assert idx.client.get_settings().anonymized_telemetry is False
    # If Chroma ever embeds text itself, it goes through Sova's embedder.
    idx._collection.add(ids=["t"], documents=["some text"])
    assert emb.texts == 1
    idx.close()


def test_one_collection_per_embedder(tmp_path: Path) -> None:
    client = ChromaIndex.local_client(tmp_path / "chroma")
    a = ChromaIndex(client, FakeEmbedder("e5-small", 8), "e5-small")
    b = ChromaIndex(client, FakeEmbedder("st-/home/x y", 4), "st-/home/x y")
    a.add(["x"], np.ones((1, 8), np.float32), [{"path": "/x", "collection": "default", "page": 1}])
    assert b.count() == 0 and a.count() == 1
    assert collection_name("st-/home/x y") == "sova-st--home-x-y"
    a.close()
    b.close()


def test_writes_happen_on_one_thread(tmp_path: Path) -> None:
    idx = _index(tmp_path)
    seen: set[str] = set()
    real = idx._collection.upsert

    def spy(*args, **kwargs):  # type: ignore[no-untyped-def]
        seen.add(threading.current_thread().name)
        return real(*args, **kwargs)

    idx._collection.upsert = spy  # type: ignore[method-assign]
    threads = [
        threading.Thread(target=idx.add, args=([f"id{i}"], np.ones((1, 256), np.float32),
                                               [{"path": "/p", "collection": "c", "page": -1}]))
        for i in range(4)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert idx.count() == 4
    assert len(seen) == 1 and next(iter(seen)).startswith("chroma-writer")
    idx.close()
