"""The app process of the SIGKILL soak test (tests/integration/test_soak.py).

One run = one life of the app: open the home through the facade, verify what the
previous (killed) life left against the journal, resume unfinished ingestion, then do
real operations (ask, ingest, change and remove a document, delete a conversation)
until the parent kills it with SIGKILL or the plan ends.

The journal (``<root>/journal.jsonl``) is how a life tells the next one what the core
promised: a fact line is appended and fsynced only AFTER the core call returned, so a
fact in the journal is something the app had already told the user. Intent lines
("del_start", "write", "remove_start") are written before the call: after a kill both
outcomes are allowed, but never a half of one. "phase" lines say what the app was
doing, so the parent can name the phase it killed.

    python tests/integration/soak_worker.py --root DIR --life N --seed S [--target PHASE] [--verify-only]

Exit codes: 0 done, 3 verification found a broken invariant (see verify-N.json).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable, Iterable

from app.main import offline_environment

offline_environment()  # before any heavy import

REPO = Path(__file__).resolve().parents[2]
GOLD = REPO / "tests" / "data" / "eval" / "gold_en.jsonl"  # Debian FAQ sections (committed)
SMALL = "qwen2.5-coder-0.5b"
QUESTIONS = [
    "What is Debian?",
    "How do I upgrade a Debian system?",
    "Name one primary colour.",
    "What is two plus three?",
    "Which package manager does Debian use?",
    "Что такое пакет в Debian?",
    "Say hello in French.",
    "What is a mirror?",
]
# Phases the parent can aim a kill at (and the plan op that produces each one).
TARGET_OPS = {
    "model_load": "ask", "prompt": "ask", "generate": "ask", "retrieve": "ask_docs",
    "ingest": "ingest", "embedding": "ingest", "modify": "modify",
    "delete": "delete", "remove": "remove",
}
EXIT_BROKEN = 3


# ---- the journal ---------------------------------------------------------------------------


class Journal:
    """Append-only JSON lines; facts are fsynced, phases only written (SIGKILL keeps the
    page cache; only a power cut would lose them, and then no fact depends on them)."""

    def __init__(self, path: Path, life: int) -> None:
        self.path = path
        self.life = life
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self._lock = threading.Lock()
        self.phase_name = ""

    def _write(self, record: dict[str, Any], sync: bool) -> None:
        line = json.dumps({"life": self.life, "t": round(time.time(), 3), **record}, ensure_ascii=False) + "\n"
        with self._lock:
            os.write(self._fd, line.encode("utf-8"))  # one write: a line is whole or absent
            if sync:
                os.fsync(self._fd)

    def fact(self, op: str, **params: Any) -> None:
        self._write({"op": op, **params}, sync=True)

    def phase(self, name: str) -> None:
        if name == self.phase_name:
            return
        self.phase_name = name
        self._write({"op": "phase", "name": name}, sync=False)
        print(f"PHASE {name}", flush=True)

    def close(self) -> None:
        os.close(self._fd)


def read_journal(path: Path) -> tuple[list[dict[str, Any]], list[str]]:
    """The journal's records, and problems (a broken line anywhere but at the very end)."""
    if not path.exists():
        return [], []
    lines = path.read_bytes().split(b"\n")
    out: list[dict[str, Any]] = []
    problems: list[str] = []
    for k, raw in enumerate(lines):
        if not raw.strip():
            continue
        try:
            out.append(json.loads(raw))
        except ValueError:
            if k < len(lines) - 2 or lines[-1].strip():
                problems.append(f"journal line {k + 1} is broken")
    return out, problems


# ---- replaying the journal -------------------------------------------------------------------


class Expected:
    """What the journal says must hold (see the module docstring).

    Conversation and message ids are SQLite rowids: after the newest rows are deleted, a
    new conversation or message can get a deleted one's id. A conversation created after
    a delete started is a new one, whatever its id.
    """

    def __init__(self, records: Iterable[dict[str, Any]]) -> None:
        self.convs: dict[int, str] = {}  # live | deleting | deleted
        self.deleted_at: dict[int, float] = {}  # conversation id -> when its last delete started
        self.messages: dict[int, list[dict[str, Any]]] = {}  # message id -> facts, oldest first
        self.files: dict[str, dict[str, Any]] = {}  # path -> {shas, last, sha}
        self.last_verify_index = -1
        self.records = list(records)
        for k, r in enumerate(self.records):
            op = r["op"]
            if op == "conv":  # created by this life: any earlier conversation with this id is gone
                self._forget_messages(r["id"])
                self.convs[r["id"]] = "live"
            elif op == "seen_conv":
                if self.convs.get(r["id"]) in ("deleting", "deleted") and r["created_at"] > self.deleted_at[r["id"]]:
                    self._forget_messages(r["id"])  # a new conversation that reuses the id
                self.convs[r["id"]] = "live"
            elif op == "del_start":
                self.convs[r["id"]] = "deleting"
                self.deleted_at[r["id"]] = r["t"]
            elif op == "del_done":
                self.convs[r["id"]] = "deleted"
                self._forget_messages(r["id"])
            elif op in ("msg", "seen_msg"):
                facts = self.messages.setdefault(r["id"], [])
                if facts and facts[-1]["conv"] != r["conv"]:
                    facts.clear()  # the id now belongs to a message of another conversation
                facts.append(r)
            elif op == "write":
                f = self.files.setdefault(r["path"], {"shas": set(), "last": None, "sha": None})
                f["shas"].add(r["sha"])
                f["last"] = "written"
            elif op == "indexed":
                f = self.files.setdefault(r["path"], {"shas": set(), "last": None, "sha": None})
                f["shas"].add(r["sha"])
                f.update(last="indexed", sha=r["sha"], since=k)
            elif op in ("remove_start", "removed"):
                f = self.files.setdefault(r["path"], {"shas": set(), "last": None, "sha": None})
                f["last"] = "removing" if op == "remove_start" else "removed"
            elif op == "verified":
                self.last_verify_index = k

    def _forget_messages(self, conv: int) -> None:
        for mid in [m for m, facts in self.messages.items() if facts and facts[-1]["conv"] == conv]:
            del self.messages[mid]


# ---- the app --------------------------------------------------------------------------------


def soak_settings() -> Any:
    from app.core.config import DocumentSettings, GenerationSettings, Settings

    return Settings(
        active_model=SMALL,
        # One thread each: the parent test and other work on the machine stay responsive.
        generation=GenerationSettings(temperature=0.0, max_tokens=24, n_ctx=2048, n_threads=1, seed=7),
        # MiniLM: the fast bundled embedder (e5 does ~7 chunks/s here); top_k 2 keeps the
        # prompt of a question over documents a few seconds long.
        documents=DocumentSettings(embedder="minilm", top_k=2),
    )


def open_assistant() -> Any:
    from app.core.assistant import Assistant
    from app.core.config import user_paths

    return Assistant(user_paths(), soak_settings())


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---- verification (the first act of every life) ----------------------------------------------


def verify(a: Any, journal: Journal, root: Path, rng: random.Random) -> dict[str, Any]:
    """Check what the previous life left; resume its ingestion; return a report whose
    "problems" list names each broken invariant."""
    from app.core.rag.registry import UNFINISHED, FileStatus

    t0 = time.monotonic()
    records, problems = read_journal(root / "journal.jsonl")
    exp = Expected(records)
    report: dict[str, Any] = {"life": journal.life}

    def bad(invariant: str, detail: Any) -> None:
        problems.append(f"{invariant}: {detail}")

    # 1. Both SQLite files are sound (PRAGMA integrity_check + the FTS5 checks).
    found = a.store.integrity_check()
    if found:
        bad("conversation database integrity_check", found[:5])
    lib = a.documents
    reg = lib.registry
    found = reg.integrity_check()
    if found:
        bad("document registry integrity_check", found[:5])

    # 2. Conversations and messages.
    check_conversations(a, exp, bad, report)

    # 3. What the kill left in the index, then the recovery on opening it.
    before = reg.consistency()
    report["pending_vectors_left"] = before["pending"]
    report["stale_vectors_left"] = before["stale"]
    unfinished = reg.paths_with_status(UNFINISHED)
    report["unfinished_left"] = [Path(p).name for p in unfinished]
    _ = lib.index  # opening the index drops vectors that never got their registry commit
    check_index(lib, bad, "after restart", report)
    check_files(lib, exp, bad, report)

    # 4. Ingestion resumes: every unfinished file ends indexed with the content on disk.
    t = time.monotonic()
    resumed = lib.resume_pending()
    report["resume_seconds"] = round(time.monotonic() - t, 2)
    report["resumed"] = resumed.indexed
    for p in unfinished:
        rec = reg.file(p)
        if not Path(p).exists():
            if rec is not None:
                bad("resume_pending kept a file that no longer exists", p)
            continue
        if rec is None or rec.status != FileStatus.INDEXED:
            bad("ingestion did not resume", f"{p}: {rec.status if rec else 'no record'}")
        elif rec.sha256 != sha256_of(Path(p)):
            bad("resumed file indexed with the wrong content", p)
        else:
            journal.fact("indexed", path=p, sha=rec.sha256, via="resume")
    left = reg.paths_with_status(UNFINISHED)
    if left:
        bad("files still unfinished after resume_pending", left)
    check_index(lib, bad, "after resume", report)

    # 5. Indexed files are searchable: the dense index finds each one by its own text.
    check_search(lib, exp, bad, report, rng)

    # 6. Remember what this life saw: it must survive every later kill.
    remember(a, exp, journal)
    report["problems"] = problems
    report["seconds"] = round(time.monotonic() - t0, 2)
    journal.fact("verified", problems=len(problems))
    return report


def check_conversations(a: Any, exp: Expected, bad: Callable[[str, Any], None], report: dict[str, Any]) -> None:
    present = {c.id: c for c in a.conversations()}

    def reborn(cid: int) -> bool:
        """A conversation with this id was created after the journaled delete started."""
        c = present.get(cid)
        return c is not None and cid in exp.deleted_at and c.created_at > exp.deleted_at[cid]

    for cid, state in exp.convs.items():
        if state == "live" and cid not in present:
            bad("a stored conversation is gone", f"conversation {cid}")
        elif state == "deleted" and cid in present and not reborn(cid):
            bad("a deleted conversation came back", f"conversation {cid}")
        if state != "live" and cid not in present and a.messages(cid):
            bad("messages outlived their deleted conversation", f"conversation {cid}")
    checked = 0
    for mid, facts in exp.messages.items():
        conv = facts[-1]["conv"]
        state = exp.convs.get(conv, "live")
        if state != "live" and (conv not in present or reborn(conv)):
            continue  # deleted (a delete the kill interrupted may have committed)
        m = a.store.message(mid)
        if m is None:
            bad("a stored message is gone", f"message {mid} of conversation {conv} ({facts[-1]['role']})")
            continue
        checked += 1
        if m.conversation_id != conv or str(m.role) != facts[-1]["role"]:
            bad("a message moved", f"message {mid}: conversation {m.conversation_id} role {m.role}")
        for f in facts:
            if not m.content.startswith(f["content"]):
                bad("a stored message lost text",
                    f"message {mid}: journal {f['content'][:60]!r} ({f['op']}, life {f['life']}), "
                    f"now {m.content[:60]!r}")
                break
    with a.store.db.read() as db:
        orphans = db.execute(
            "SELECT count(*) FROM messages WHERE conversation_id NOT IN (SELECT id FROM conversations)"
        ).fetchone()[0]
        report["messages"] = db.execute("SELECT count(*) FROM messages").fetchone()[0]
    if orphans:
        bad("messages without a conversation", orphans)
    report["conversations"] = len(present)
    report["messages_checked"] = checked


def check_index(lib: Any, bad: Callable[[str, Any], None], when: str, report: dict[str, Any]) -> None:
    """The registry and the vector index agree: no chunk without a file record, no
    indexed file without its chunks, every chunk has its vector and nothing more."""
    from app.core.rag.registry import FileStatus

    reg = lib.registry
    c = reg.consistency()
    for key in ("chunks_without_file", "indexed_count_mismatch", "pending", "stale"):
        if c[key]:
            bad(f"registry {key} {when}", c[key])
    if c["fts"] != c["chunks"]:
        bad(f"BM25 rows differ from chunks {when}", f"{c['fts']} vs {c['chunks']}")
    chunk_ids: set[str] = set()
    for rec in reg.files():
        ids = reg.chunk_ids(rec.path)
        chunk_ids.update(ids)
        if rec.status == FileStatus.INDEXED and (not ids or len(ids) != rec.chunks):
            bad(f"an indexed file without its chunks {when}", f"{rec.path}: {len(ids)} of {rec.chunks}")
    vectors = lib.index.ids()
    extra, missing = sorted(vectors - chunk_ids), sorted(chunk_ids - vectors)
    if extra:
        bad(f"vectors without a registry chunk {when}", f"{len(extra)}, e.g. {extra[:3]}")
    if missing:
        bad(f"registry chunks without a vector {when}", f"{len(missing)}, e.g. {missing[:3]}")
    report["chunks"] = len(chunk_ids)
    report["vectors"] = len(vectors)


def check_files(lib: Any, exp: Expected, bad: Callable[[str, Any], None], report: dict[str, Any]) -> None:
    """Files the journal calls indexed are indexed with that content; removed ones are gone."""
    from app.core.rag.registry import FileStatus

    reg = lib.registry
    known = {rec.path: rec for rec in reg.files()}
    for path, f in exp.files.items():
        rec = known.get(path)
        if f["last"] == "indexed":
            if rec is None or rec.status != FileStatus.INDEXED:
                bad("a file journaled as indexed is not indexed", f"{path}: {rec.status if rec else 'no record'}")
            elif rec.sha256 != f["sha"]:
                bad("an indexed file changed content in the registry", path)
        elif f["last"] == "removed" and rec is not None:
            bad("a removed file came back", path)
        elif f["last"] == "written" and rec is not None and rec.sha256 and rec.sha256 not in f["shas"]:
            bad("a file is indexed with content never written", path)
    for path in known:
        if path not in exp.files:
            bad("a registry record for a file never added", path)
    report["files"] = len(known)
    report["indexed"] = sum(1 for r in known.values() if r.status == FileStatus.INDEXED)


def check_search(lib: Any, exp: Expected, bad: Callable[[str, Any], None], report: dict[str, Any],
                 rng: random.Random) -> None:
    from app.core.rag.registry import FileStatus

    reg = lib.registry
    indexed = [r for r in reg.files() if r.status == FileStatus.INDEXED and r.chunks]
    fresh = [r for r in indexed if exp.files.get(r.path, {}).get("since", 1 << 30) > exp.last_verify_index]
    others = [r for r in indexed if r not in fresh]
    sample = fresh + rng.sample(others, min(3, len(others)))
    for rec in sample:
        first = reg.chunks_of(rec.path)[0]
        hits = lib.search(first.text[:300], (rec.collection,), k=5, mode="dense")
        if not any(s.section.startswith(rec.path + "\x00") for s, _ in hits):
            bad("an indexed file is not found by its own text", f"{rec.path} in {rec.collection}")
    report["searched"] = len(sample)


def remember(a: Any, exp: Expected, journal: Journal) -> None:
    """Journal what this life found stored, so later lives check it too."""
    from app.core.rag.registry import FileStatus

    for c in a.conversations():
        if exp.convs.get(c.id) != "live":
            journal.fact("seen_conv", id=c.id, created_at=c.created_at)
        for m in a.messages(c.id):
            facts = exp.messages.get(m.id or -1)
            if not facts or facts[-1]["content"] != m.content:
                journal.fact("seen_msg", id=m.id, conv=c.id, role=str(m.role), content=m.content)
    for rec in a.documents.registry.files():
        f = exp.files.get(rec.path)
        if rec.status == FileStatus.INDEXED and (f is None or f["last"] != "indexed" or f["sha"] != rec.sha256):
            journal.fact("indexed", path=rec.path, sha=rec.sha256, via="seen")


# ---- operations -------------------------------------------------------------------------------


class Life:
    """One run of the app doing a seeded plan of real operations."""

    def __init__(self, a: Any, journal: Journal, root: Path, rng: random.Random) -> None:
        self.a = a
        self.j = journal
        self.root = root
        self.rng = rng
        self.model_loaded = False
        self.counter = 0
        self.sections = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]

    # -- conversations ---------------------------------------------------------------------

    def ask(self, docs: bool = False) -> None:
        from app.core.types import DoneEvent, TokenEvent

        a, j = self.a, self.j
        convs = a.conversations()
        if not convs or self.rng.random() < 0.4:
            conv = a.new_conversation()
            j.fact("conv", id=conv.id)
        else:
            conv = self.rng.choice(convs)
        docs = docs and a.documents.registry.chunk_count() > 0
        if docs:
            a.set_documents(conv.id, ())
        if not self.model_loaded:
            j.phase("model_load")
            a.load_model()
            self.model_loaded = True
        self.counter += 1
        text = f"{self.rng.choice(QUESTIONS)} (life {j.life}, question {self.counter})"
        j.phase("retrieve" if docs else "prompt")
        events = a.ask(conv.id, text)
        user = [m for m in a.messages(conv.id) if m.content == text]
        assert user, "ask() returned before storing the question"
        j.fact("msg", id=user[-1].id, conv=conv.id, role="user", content=text)
        for ev in events:
            if isinstance(ev, TokenEvent):
                j.phase("generate")
            elif isinstance(ev, DoneEvent):
                m = ev.message
                j.fact("msg", id=m.id, conv=conv.id, role=str(m.role), content=m.content, status=str(m.status))
        j.phase("idle")

    def delete(self) -> None:
        if not self.a.conversations():
            self.ask()
        convs = self.a.conversations()
        conv = self.rng.choice(convs)
        self.j.fact("del_start", id=conv.id)
        self.j.phase("delete")
        self.a.delete_conversation(conv.id)
        self.j.fact("del_done", id=conv.id)
        self.j.phase("idle")

    # -- documents -----------------------------------------------------------------------------

    def _write(self, path: Path, text: str) -> None:
        """Write a document whole (temp + rename), journaling its content hash first."""
        data = text.encode("utf-8")
        self.j.fact("write", path=str(path), sha=hashlib.sha256(data).hexdigest())
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)

    def _ingest(self, target: Path, collection: str | None, shas: dict[str, str]) -> None:
        from app.core.rag.registry import FileStatus

        lib = self.a.documents

        def on_status(rec: Any) -> None:
            if rec.status == FileStatus.EMBEDDING:
                self.j.phase("embedding")

        self.j.phase("ingest")
        unsubscribe = lib.subscribe(on_status)
        try:
            report = lib.add_paths([target], collection=collection)
        finally:
            unsubscribe()
        for fr in report.files:
            p = str(fr.path)
            if fr.status != "indexed" or p not in shas:
                raise AssertionError(f"ingest of {p} ended {fr.status}: {fr.error}")
            self.j.fact("indexed", path=p, sha=shas[p], via="add")
        self.j.phase("idle")

    def ingest(self) -> None:
        """Add a new folder of 1-3 Markdown documents (a few Debian FAQ sections each)."""
        self.counter += 1
        folder = self.root / "docs" / f"batch-{self.j.life}-{self.counter}"
        folder.mkdir(parents=True, exist_ok=True)
        picked = self.rng.sample(self.sections, self.rng.randint(3, 9))
        n = self.rng.randint(1, 3)
        shas: dict[str, str] = {}
        for k in range(n):
            part = picked[k::n]
            body = "\n\n".join(f"## {s['query']}\n\n{s['answer']}" for s in part)
            path = folder / f"faq-{k}.md"
            self._write(path, f"# Soak document {self.j.life}.{self.counter}.{k}\n\n{body}\n")
            shas[str(path)] = sha256_of(path)
        self._ingest(folder, None, shas)

    def _indexed_files(self) -> list[Any]:
        from app.core.rag.registry import FileStatus

        return [r for r in self.a.documents.registry.files() if r.status == FileStatus.INDEXED and Path(r.path).exists()]

    def modify(self) -> None:
        """Change an indexed document and add it again (its chunks are replaced)."""
        if not self._indexed_files():
            self.ingest()
        rec = self.rng.choice(self._indexed_files())
        path = Path(rec.path)
        self.counter += 1
        extra = self.rng.choice(self.sections)
        self.j.phase("modify")
        self._write(path, path.read_text(encoding="utf-8")
                    + f"\n## Soak edit {self.j.life}.{self.counter}: {extra['query']}\n\n{extra['answer']}\n")
        self._ingest(path, rec.collection, {str(path): sha256_of(path)})

    def remove(self) -> None:
        if not self._indexed_files():
            self.ingest()
        rec = self.rng.choice(self._indexed_files())
        self.j.fact("remove_start", path=rec.path)
        self.j.phase("remove")
        self.a.documents.remove(rec.path)
        self.j.fact("removed", path=rec.path)
        self.j.phase("idle")

    # -- the plan ---------------------------------------------------------------------------

    def plan(self, target: str | None) -> list[str]:
        ops = ["ask", "ask", "ask_docs", "ingest", "ingest", "modify", "delete", "remove"]
        self.rng.shuffle(ops)
        want = TARGET_OPS.get(target or "")
        if want:  # the targeted operation comes early, so a life stays short
            if want in ops:
                ops.remove(want)
            ops.insert(self.rng.randint(0, 1), want)
        return ops

    def run(self, ops: list[str]) -> None:
        actions: dict[str, Callable[[], None]] = {
            "ask": self.ask, "ask_docs": lambda: self.ask(docs=True), "ingest": self.ingest,
            "modify": self.modify, "delete": self.delete, "remove": self.remove,
        }
        for op in ops:
            actions[op]()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--root", type=Path, required=True)
    ap.add_argument("--life", type=int, required=True)
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--target", default=None, help="the phase the parent will kill in")
    ap.add_argument("--verify-only", action="store_true")
    args = ap.parse_args(argv)
    root: Path = args.root
    rng = random.Random(args.seed * 100_003 + args.life)
    journal = Journal(root / "journal.jsonl", args.life)
    journal.phase("start")
    a = open_assistant()
    journal.phase("verify")
    report = verify(a, journal, root, rng)
    out = root / f"verify-{args.life}.json"
    out.with_suffix(".tmp").write_text(json.dumps(report, indent=1), encoding="utf-8")
    os.replace(out.with_suffix(".tmp"), out)
    if report["problems"]:
        print("BROKEN", flush=True)
        a.close()
        return EXIT_BROKEN
    journal.phase("ready")
    if not args.verify_only:
        life = Life(a, journal, root, rng)
        life.run(life.plan(args.target))
    journal.phase("closing")
    a.close()
    journal.phase("closed")
    journal.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
