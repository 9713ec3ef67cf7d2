"""Memory and personas: recall latency, answers while extraction runs, prefix reuse.

    .venv/bin/python tests/benchmarks/bench_memory_perf.py [recall] [ttft] [prefix]

- recall: p95 of ``MemoryStore.recall`` (the question embedded with e5, ranked against
  10,000 facts, the pinned ones, the budget) vs a Chroma collection holding the same
  10,000 vectors queried with the same question vector (baseline). Goal: <= 30 ms.
  The facts are 400 real sentences embedded with e5, then filled to 10,000 with
  slightly perturbed copies of their vectors (the latency does not depend on the
  words; embedding 10,000 facts one by one would take minutes).
- ttft: time to first token of a question asked right after an answer whose memory
  extraction starts in the background, vs the same question with extraction off
  (the real 1.5B model, alternating, medians). Goal: ratio <= 1.1.
- prefix: a follow-up question in a conversation with a persona and recalled memory:
  TTFT with the model's cache of the previous turn vs the same prompt evaluated from
  scratch. Goal: <= 0.3.
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))
os.environ["SOVA_AUTO_TITLES"] = "false"

from app.main import offline_environment  # noqa: E402

offline_environment()

MODEL = "qwen2.5-coder-1.5b"
SUBJECTS_EN = ["I live in {}", "I work as a {}", "I have a {} named {}", "I am allergic to {}", "I like {}",
               "My sister lives in {}", "I studied {} at university", "I play {} on weekends"]
SUBJECTS_RU = ["Я живу в городе {}", "Я работаю {}", "У меня есть {} по кличке {}", "У меня аллергия на {}",
               "Я люблю {}", "Моя сестра живёт в городе {}", "Я изучал {} в университете", "По выходным играю в {}"]
WORDS = ["Kazan", "Tver", "Omsk", "lawyer", "nurse", "teacher", "cat", "dog", "parrot", "peanuts", "pollen", "jazz",
         "chess", "tennis", "physics", "history", "Murka", "Rex", "Kiwi", "Samara", "Perm", "guitar", "football"]
QUESTIONS = ["Кто я по профессии?", "What is my job?", "Where do I live?", "Как зовут мою кошку?",
             "What am I allergic to?", "Что я люблю?", "How do I install a Debian package?", "Какая завтра погода?",
             "What did I study?", "Во что я играю по выходным?"]


def _assistant(home: Path, **kw: Any) -> Any:
    from app.core.assistant import Assistant
    from app.core.config import GenerationSettings, Paths, Settings

    settings = Settings(active_model=MODEL, **kw)
    settings.generation = GenerationSettings(**{**settings.generation.model_dump(), "seed": 7})
    return Assistant(Paths(home / "c", home / "d", home / "k", home / "m").ensure(), settings)


def bench_recall(n_facts: int = 10_000, reps: int = 3) -> None:
    import numpy as np

    from app.core.memory.store import MemoryStore
    from app.core.rag.embedder import create_embedder
    from app.core.store import Store

    rng = random.Random(1)
    texts = []
    for i in range(400):
        tpl = rng.choice(SUBJECTS_EN if i % 2 else SUBJECTS_RU)
        texts.append(tpl.format(*[rng.choice(WORDS) for _ in range(tpl.count("{}"))]) + f" ({i})")
    emb = create_embedder("e5-small")
    base = emb.embed_queries(texts)  # type: ignore[attr-defined]
    nrng = np.random.default_rng(1)
    vecs = np.repeat(base, n_facts // len(texts) + 1, axis=0)[:n_facts]
    vecs = vecs + nrng.normal(0, 0.01, vecs.shape).astype(np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "sova.sqlite3")
        mem = MemoryStore(store.db, lambda: emb)
        now = time.time()
        with store.db.transaction() as conn:
            for i, v in enumerate(vecs):
                conn.execute("INSERT INTO facts(text, topic, scope, origin, created_at, updated_at, embedder, vector)"
                             " VALUES (?,?,?,?,?,?,?,?)", (texts[i % len(texts)], "other", "", "extracted", now, now,
                                                           emb.name, v.astype(np.float32).tobytes()))
            for i in range(5):  # a few pinned ones, as a user would have
                conn.execute("UPDATE facts SET pinned=1 WHERE id=?", (i * 997 + 1,))
        mem.recall("warm up", "")  # loads the matrix once, as the first question of a session does
        sova, embed_only = [], []
        for _ in range(reps):
            for q in QUESTIONS:
                t0 = time.perf_counter()
                emb.embed_query(q)
                embed_only.append(time.perf_counter() - t0)
                t0 = time.perf_counter()
                mem.recall(q, "")
                sova.append(time.perf_counter() - t0)
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        client = chromadb.PersistentClient(path=str(Path(tmp) / "chroma"),
                                           settings=ChromaSettings(anonymized_telemetry=False))
        col = client.create_collection("facts", metadata={"hnsw:space": "cosine"})
        for i in range(0, n_facts, 2000):
            col.add(ids=[str(j) for j in range(i, min(n_facts, i + 2000))],
                    embeddings=vecs[i:i + 2000].tolist(), documents=[texts[j % len(texts)] for j in range(i, min(n_facts, i + 2000))])
        chroma = []
        for _ in range(reps):
            for q in QUESTIONS:
                t0 = time.perf_counter()
                v = emb.embed_query(q)
                col.query(query_embeddings=[v.tolist()], n_results=12)
                chroma.append(time.perf_counter() - t0)
        store.close()
    p95 = lambda xs: statistics.quantiles(xs, n=20)[18] * 1000  # noqa: E731
    print(f"recall at {n_facts} facts, {len(sova)} questions:")
    print(f"  Sova  p95 {p95(sova):6.1f} ms  median {statistics.median(sova) * 1000:5.1f} ms "
          f"(of which the question's e5 embedding: median {statistics.median(embed_only) * 1000:.1f} ms)")
    print(f"  Chroma (same vectors, HNSW) p95 {p95(chroma):6.1f} ms  median {statistics.median(chroma) * 1000:5.1f} ms")
    print(f"  ratio Sova/Chroma p95 {p95(sova) / p95(chroma):.2f}; goal p95 <= 30 ms: "
          f"{'MET' if p95(sova) <= 30 else 'NOT MET'}")


def _ttft(a: Any, cid: int, q: str) -> float:
    from app.core.types import DoneEvent, TokenEvent

    t0 = time.perf_counter()
    first = None
    for e in a.ask(cid, q):
        if isinstance(e, TokenEvent) and first is None and e.text.strip():
            first = time.perf_counter() - t0
        if isinstance(e, DoneEvent):
            break
    return first or (time.perf_counter() - t0)


def bench_ttft(reps: int = 4) -> None:
    """Each rep: an answer to a message full of facts (its extraction is queued when the
    answer ends), then the next question, in three conditions, each in a fresh app:
    extraction off; on, as shipped (it waits for a quiet moment, the question comes at
    once); on and already running (no quiet wait, the question 1.5 s after the answer,
    while the extraction is in the model)."""
    from app.core.config import MemorySettings
    from app.core.types import DoneEvent

    statements = [
        "Меня зовут Андрей, я юрист из Казани, и у меня есть кот Барсик. Как составить договор аренды?",
        "I'm Priya, a nurse in Leeds working night shifts, and I'm allergic to peanuts. Any snack ideas?",
        "Я Оля, мне 34, работаю учителем физики в Твери. Посоветуй книгу про космос.",
        "My name is Kenji, I'm 29 and I work as a data engineer in Rotterdam. What is Airflow?",
    ]
    follow = ["Сколько будет два плюс два?", "What is the capital of France?", "Как называется столица Италии?",
              "How many legs does a spider have?"]
    conditions = {"off": (False, 8.0, 0.0), "shipped": (True, 8.0, 0.0), "running": (True, 0.0, 1.5)}
    results: dict[str, list[float]] = {k: [] for k in conditions}
    split: dict[str, list[tuple[float, float]]] = {k: [] for k in conditions}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(reps):
            for name, (on, quiet, pause) in conditions.items():
                home = Path(tmp) / f"h{i}{name}"
                a = _assistant(home, memory=MemorySettings(extract=on, quiet_seconds=quiet))
                try:
                    a.load_model()
                    conv = a.new_conversation()
                    for e in a.ask(conv.id, statements[i % len(statements)]):
                        if isinstance(e, DoneEvent):
                            break
                    time.sleep(pause)
                    results[name].append(_ttft(a, a.new_conversation().id, follow[i % len(follow)]))
                    # Where the time goes: the model's own queue wait and TTFT vs end to end.
                    last = [r for r in a.metrics.requests() if r.priority == "interactive"][-1]
                    split[name].append((last.queue_wait_s, last.ttft_s or 0.0))
                    if on:
                        a.jobs.wait_idle(timeout=300)
                finally:
                    a.close()
                    shutil.rmtree(home, ignore_errors=True)
                wait, model_ttft = split[name][-1] if split[name] else (0.0, 0.0)
                print(f"  rep {i + 1} {name:8}: ttft {results[name][-1]:.2f} s (model queue {wait * 1000:.0f} ms, "
                      f"model ttft {model_ttft:.2f} s)", flush=True)
    off = statistics.median(results["off"])
    for name in ("shipped", "running"):
        r = statistics.median(results[name]) / off
        print(f"ttft of the next question, extraction {name}: {statistics.median(results[name]):.2f} s vs off "
              f"{off:.2f} s; ratio {r:.2f} (goal <= 1.1: {'MET' if r <= 1.1 else 'NOT MET'})")


def bench_prefix(reps: int = 3) -> None:
    """A conversation with a persona and two recalled facts: the follow-up's prompt
    tokens evaluated and its TTFT, vs the same prompt from scratch."""
    from app.core.types import DoneEvent, TokenEvent

    with tempfile.TemporaryDirectory() as tmp:
        a = _assistant(Path(tmp) / "h")
        try:
            a.load_model()
            a.remember("Меня зовут Андрей")
            a.remember("Я работаю юристом в Казани")
            conv = a.new_conversation(persona="roaster")  # a persona with no documents: the model answers
            follow_ttft, scratch_ttft, evaluated, total = [], [], [], []
            questions = ["Как меня зовут и кем я работаю?", "Какой документ нужен для договора аренды?",
                         "А сколько он действует?", "Кто его подписывает?", "Где его хранить?", "Спасибо, это всё?"]
            for e in a.ask(conv.id, questions[0]):
                if isinstance(e, DoneEvent):
                    break
            for q in questions[1:1 + reps]:
                t = _ttft(a, conv.id, q)
                stats = a.messages(conv.id)[-1].stats
                follow_ttft.append(t)
                evaluated.append(stats.evaluated_prompt_tokens if stats else 0)
                total.append(stats.prompt_tokens if stats else 0)
                a.model.invalidate()  # a fresh model host: nothing of the conversation cached
                a.load_model()
                t0 = time.perf_counter()
                first = None
                for e in a.regenerate(conv.id):  # the same follow-up, evaluated from scratch
                    if first is None and isinstance(e, TokenEvent) and e.text.strip():
                        first = time.perf_counter() - t0
                    if isinstance(e, DoneEvent):
                        break
                scratch_ttft.append(first or 0.0)
            system = [m for m in a.messages(conv.id) if m.details.get("memory")]
            print(f"prefix reuse with a persona and {len(system[-1].details['memory']) if system else 0} recalled facts:")
            print(f"  follow-up: evaluated {statistics.median(evaluated):.0f} of {statistics.median(total):.0f} prompt "
                  f"tokens, ttft median {statistics.median(follow_ttft):.2f} s")
            print(f"  from scratch: ttft median {statistics.median(scratch_ttft):.2f} s")
            r = statistics.median(follow_ttft) / statistics.median(scratch_ttft)
            print(f"  ratio {r:.2f} (goal <= 0.3: {'MET' if r <= 0.3 else 'NOT MET'})")
        finally:
            a.close()


def main() -> int:
    parts = sys.argv[1:] or ["recall", "ttft", "prefix"]
    if "recall" in parts:
        bench_recall()
    if "prefix" in parts:
        bench_prefix()
    if "ttft" in parts:
        bench_ttft()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
