"""Answer quality on the evaluation set, through Sova's real answer pipeline.

Indexes the evaluation documents (Debian FAQ, New Maintainers' Guide, aptitude manual;
English and Russian; PDF and HTML) once into a cached library, then asks every question
of the chosen part (held-out by default) through ``Assistant.ask`` with the bundled
model, documents on, and prints per question language:
- fact present (every expected fact group in the answer),
- answered in the question's language,
- citation precision (the cited passage holds a fact) and markers that point at nothing,
- unanswerable questions answered "not in your documents", real ones still answered,
- retrieval MRR@10 / hit@5 on these questions for dense, lexical and fusion,
- time to first token, Sova's pipeline vs the baseline prompt of before this benchmark
  (the five best passages, whole, with the old instructions) in the same run,
- the general questions (documents off): fact present, language.
Then the same for the 0.5B model. Goals are those of the answer-quality issue.

On 2 cores a document question takes ~40 s with the 1.5B model (mostly reading the
prompt) and its baseline TTFT another ~30 s, so the default run (16 min measured)
asks 8 questions of each kind and language, spread over the three document sets,
measures the baseline TTFT on every second document question and gives the 0.5B model
every second question. ``--limit 16`` took 33-42 min; ``--limit 0 --baseline-every 1
--small-every 1`` runs the whole part (~100 min).

    .venv/bin/python tests/benchmarks/bench_answers.py [--split heldout|dev|all]
        [--models qwen2.5-coder-1.5b,qwen2.5-coder-0.5b] [--limit N] [--baseline-every N]
        [--small-every N] [--no-baseline] [--save FILE] [--adapter FOLDER]

With an adapter, name the model twice to compare in one run: ``--models
qwen2.5-coder-1.5b,qwen2.5-coder-1.5b --adapter FOLDER --small-every 1`` (the first
answers with the adapter, the second without).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SOVA_MODELS_DIR", str(ROOT / "tests" / ".data" / "models"))
os.environ["SOVA_AUTO_TITLES"] = "false"  # titles would compete with the answers for the model

from app.main import offline_environment  # noqa: E402

offline_environment()

from app.core.config import GenerationSettings, Paths, Settings  # noqa: E402
sys.path.insert(0, str(Path(__file__).resolve().parent))
import answer_eval as ev  # noqa: E402

CACHE = ROOT / "tests" / ".data" / "bench-answers"
MODELS = ("qwen2.5-coder-1.5b", "qwen2.5-coder-0.5b")
# Goals on the held-out part with the default model (EN, RU).
GOAL_FACT = {"en": 0.80, "ru": 0.75}
GOAL_CITE = 0.90
GOAL_REFUSE = 0.90
GOAL_TTFT_RATIO = 1.2
# Source files whose change changes the index (not fusion or prompts: those are query time).
INDEX_SOURCES = ("app/core/rag/chunking.py", "app/core/rag/embedder.py",
                 "app/core/rag/loaders")


def _settings(model_id: str) -> Settings:
    s = Settings(active_model=model_id)
    s.generation = GenerationSettings(**{**s.generation.model_dump(), "seed": 7, "n_threads": 0})
    return s


def _index_key() -> str:
    h = hashlib.sha256()
    for rel in ev.CORPUS:
        p = ev.DOCS / rel
        for f in sorted(p.rglob("*") if p.is_dir() else [p]):
            h.update(f"{f.relative_to(ev.DOCS)}:{f.stat().st_size}".encode())
    for rel in INDEX_SOURCES:
        p = ROOT / rel
        for f in sorted(p.rglob("*.py") if p.is_dir() else [p]):
            h.update(f.read_bytes())
    d = Settings().documents
    h.update(json.dumps([d.embedder, d.chunk_chars, d.chunk_overlap]).encode())
    return h.hexdigest()[:16]


def _paths(home: Path) -> Paths:
    return Paths(home / "config", home / "data", home / "cache", home / "models").ensure()


def indexed_home() -> Path:
    """A home whose document library holds the corpus (built once per index key)."""
    from app.core.rag.library import DocumentLibrary

    home = CACHE / f"index-{_index_key()}"
    if (home / ".done").exists():
        return home
    shutil.rmtree(home, ignore_errors=True)
    missing = [rel for rel in ev.CORPUS if not (ev.DOCS / rel).exists()]
    if missing:
        raise SystemExit(f"missing documents {missing}: run `make testdata` (tests/data/fetch_docs.sh)")
    t0 = time.monotonic()
    lib = DocumentLibrary(_paths(home), Settings())
    report = lib.add_paths([ev.DOCS / rel for rel in ev.CORPUS])
    lib.close()
    bad = [f for f in report.files if f.error]
    if bad:
        raise SystemExit(f"indexing failed: {bad}")
    (home / ".done").write_text(f"{time.monotonic() - t0:.1f}")
    print(f"indexed the corpus in {time.monotonic() - t0:.0f} s ({report.indexed} files) -> {home}")
    return home


# ---- retrieval -----------------------------------------------------------------------------


def doc_language(item: ev.Item) -> str:
    """The language of the document holding the answer ("en"/"ru" from its folder)."""
    return "ru" if any("/ru/" in f"/{g.file}" for g in item.gold) else "en"


PAIRS = (("en", "en"), ("ru", "ru"), ("ru", "en"))


def retrieval(lib: Any, items: Sequence[ev.Item]) -> dict[tuple[str, str, str], tuple[float, float, int]]:
    """{(question lang, document lang, mode): (MRR@10, hit@5, n)} over doc items."""
    out: dict[tuple[str, str, str], tuple[float, float, int]] = {}
    for ql, dl in PAIRS:
        qs = [i for i in items if i.kind == "doc" and i.lang == ql and doc_language(i) == dl]
        if not qs:
            continue
        for mode in ("dense", "lexical", "fusion"):
            mrr = hit5 = 0.0
            for it in qs:
                ranked = lib.search(it.question, (), 10, mode=mode)
                rows = lib.registry.chunk_rows([s.chunk_id for s, _ in ranked])
                places = [(rows[s.chunk_id].path, rows[s.chunk_id].page) for s, _ in ranked if s.chunk_id in rows]
                r = ev.rank_of_gold(it, places)
                if r is not None:
                    mrr += 1.0 / r
                    hit5 += r <= 5
            out[(ql, dl, mode)] = (mrr / len(qs), hit5 / len(qs), len(qs))
    return out


# ---- answers -------------------------------------------------------------------------------


def ask(assistant: Any, item: ev.Item) -> ev.AnswerScore:
    from app.core.types import DoneEvent, TokenEvent

    conv = assistant.new_conversation()
    if item.kind != "general":
        assistant.set_documents(conv.id, ())
    t0 = time.perf_counter()
    ttft = None
    done = None
    for event in assistant.ask(conv.id, item.question):
        if isinstance(event, TokenEvent) and ttft is None and event.text.strip():
            ttft = time.perf_counter() - t0
        elif isinstance(event, DoneEvent):
            done = event
    total = time.perf_counter() - t0
    assert done is not None and done.message is not None
    if done.error:
        print(f"  ! {item.id}: {done.error_code}: {done.error}")
    msg = done.message
    # A reply made without the model (nothing relevant found) has no time to first token.
    return ev.score_answer(item, msg.content, msg.citations, ttft if msg.model else None, total)


def baseline_ttft(assistant: Any, item: ev.Item) -> float | None:
    """Time to the first token with the prompt Sova used before the answer-quality work:
    the top five passages, whole, after the old instruction, then the question."""
    from app.core.llm.base import ChatRequest, GenerationOptions
    from app.core.types import CancelToken
    from app.core.service.scheduler import Priority

    from app.core.rag.library import TAIL_MARGIN

    lib = assistant.documents
    t0 = time.perf_counter()
    ranked = lib.search(item.question, (), 5)
    rows = lib.registry.chunk_rows([s.chunk_id for s, _ in ranked])
    if not ranked or ranked[0][0].chunk_id not in rows or not lib.is_relevant(
            item.question, ranked[0][0], rows[ranked[0][0].chunk_id].text):
        return None
    cites = [rows[s.chunk_id] for s, _ in ranked
             if s.chunk_id in rows and lib.is_relevant(item.question, s, rows[s.chunk_id].text, TAIL_MARGIN)]
    sources = []
    for n, c in enumerate(cites, 1):
        where = c.path.rsplit("/", 1)[-1] + (f", page {c.page}" if c.page else "") + (f", {c.heading}" if c.heading else "")
        sources.append(f"[{n}] ({where})\n{c.text.strip()}")
    system = (assistant.settings.system_prompt.strip()
              + "\n\nAnswer the user's question using only the numbered sources below. "
              "After each statement cite its source as [n]. If the sources do not contain "
              "the answer, say that the documents do not contain it.\n\nSources:\n" + "\n\n".join(sources))
    request = ChatRequest(({"role": "system", "content": system}, {"role": "user", "content": item.question}),
                          GenerationOptions.from_settings(assistant.settings.generation).with_(max_tokens=4))
    for piece in assistant.generate(request, CancelToken(), priority=Priority.INTERACTIVE):
        if isinstance(piece, str) and piece.strip():
            return time.perf_counter() - t0
    return None


def run_model(model_id: str, home: Path, items: Sequence[ev.Item], baseline: bool,
              baseline_every: int = 1, adapter: Path | None = None) -> dict[str, Any]:
    """``adapter``: a trained adapter's folder (adapter.gguf, lora.safetensors), used
    for every answer as Sova uses an activated one."""
    from app.core.assistant import Assistant

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "home"
        shutil.copytree(home, work)
        assistant = Assistant(_paths(work), _settings(model_id))
        if adapter is not None:
            version = assistant.training.adapters.add(model_id, adapter, {}, {"passed": True}).version
            assistant.training.activate(version, model_id)
        try:
            assistant.load_model()
            scores = []
            base: dict[str, float] = {}
            t0 = time.monotonic()
            for n, it in enumerate(items, 1):
                sc = ask(assistant, it)
                scores.append(sc)
                flag = {"doc": "F" if sc.fact else "-", "unanswerable": "R" if sc.refused else "-",
                        "general": "F" if sc.fact else "-"}[it.kind]
                print(f"  [{n}/{len(items)}] {it.id:10} {flag}{'L' if sc.language_ok else '!'} "
                      f"ttft {sc.ttft_s or 0:5.1f}s total {sc.total_s:5.1f}s | {sc.text[:90]!r}", flush=True)
                docs_seen = sum(1 for i in items[:n] if i.kind == "doc")
                if baseline and it.kind == "doc" and (docs_seen - 1) % max(1, baseline_every) == 0:
                    b = baseline_ttft(assistant, it)
                    if b is not None:
                        base[it.id] = b
            ret = retrieval(assistant.documents, items)
            return {"scores": scores, "baseline": base, "retrieval": ret, "seconds": time.monotonic() - t0}
        finally:
            assistant.close()


# ---- report --------------------------------------------------------------------------------


def _pct(a: float, b: float) -> str:
    return f"{a / b:6.1%} ({int(a)}/{int(b)})" if b else "   n/a"


def report(model_id: str, res: dict[str, Any], goals: bool) -> bool:
    scores: list[ev.AnswerScore] = res["scores"]
    ok = True
    print(f"\n== {model_id}: {len(scores)} questions in {res['seconds']:.0f} s")
    for lang in ("en", "ru"):
        doc = [s for s in scores if s.item.lang == lang and s.item.kind == "doc"]
        una = [s for s in scores if s.item.lang == lang and s.item.kind == "unanswerable"]
        gen = [s for s in scores if s.item.lang == lang and s.item.kind == "general"]
        withdocs = doc + una
        fact = sum(s.fact for s in doc)
        lang_ok = sum(s.language_ok for s in withdocs)
        cited = sum(s.cited for s in doc)
        precise = sum(s.cited_precise for s in doc)
        dangling = sum(s.dangling for s in withdocs)
        refused = sum(s.refused for s in una)
        answered = sum(not s.refused for s in doc)
        print(f"{lang.upper()}: fact present          {_pct(fact, len(doc))}   goal {GOAL_FACT[lang]:.0%}")
        print(f"    answered in {lang.upper()}         {_pct(lang_ok, len(withdocs))}   goal 100%")
        print(f"    citation precision      {_pct(precise, cited)}   goal {GOAL_CITE:.0%} (markers on the sentences "
              f"stating a fact whose passage holds it); markers pointing at nothing: {dangling}")
        print(f"    'not in your documents' {_pct(refused, len(una))}   goal {GOAL_REFUSE:.0%}; real questions answered {_pct(answered, len(doc))}")
        if gen:
            print(f"    general: fact present   {_pct(sum(s.fact for s in gen), len(gen))}; "
                  f"in {lang.upper()} {_pct(sum(s.language_ok for s in gen), len(gen))}")
        if goals and doc:
            met = [fact / len(doc) >= GOAL_FACT[lang], lang_ok == len(withdocs),
                   (precise / cited if cited else 0) >= GOAL_CITE and dangling == 0,
                   (refused / len(una) if una else 1) >= GOAL_REFUSE]
            print(f"    goals: fact {'MET' if met[0] else 'not met'}, language {'MET' if met[1] else 'not met'}, "
                  f"citations {'MET' if met[2] else 'not met'}, unanswerable {'MET' if met[3] else 'not met'}")
            ok &= all(met)
    print("Retrieval on these questions (gold place in the top 10)")
    for ql, dl in PAIRS:
        rows = {m: res["retrieval"].get((ql, dl, m)) for m in ("dense", "lexical", "fusion")}
        if not rows["fusion"]:
            continue
        for mode, r in rows.items():
            print(f"  {ql.upper()}->{dl.upper()} {mode:8} MRR@10 {r[0]:.3f}  hit@5 {r[1]:.3f}  (n={r[2]})")
        best = max(rows["dense"][0], rows["lexical"][0])
        fused_ok = rows["fusion"][0] >= best - 1e-9
        print(f"  {ql.upper()}->{dl.upper()} fusion >= best single: {'MET' if fused_ok else 'not met'}")
        if goals:
            ok &= fused_ok
    ttft = {s.item.id: s.ttft_s for s in scores if s.item.kind == "doc" and s.ttft_s is not None}
    both = [k for k in ttft if k in res["baseline"]]
    if both:
        sova = statistics.median(ttft[k] for k in both)
        base = statistics.median(res["baseline"][k] for k in both)
        ratio = sova / base
        print(f"Time to first token, documents on (median of {len(both)}): Sova {sova:.2f} s, "
              f"baseline prompt {base:.2f} s, ratio {ratio:.2f} (goal <= {GOAL_TTFT_RATIO})")
        if goals:
            ok &= ratio <= GOAL_TTFT_RATIO
    return ok


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--split", default="heldout", choices=("heldout", "dev", "all"))
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--limit", type=int, default=8,
                    help="at most N questions of each kind and language, spread out (0: all of the part)")
    ap.add_argument("--baseline-every", type=int, default=2, help="baseline TTFT on every Nth document question")
    ap.add_argument("--small-every", type=int, default=2, help="the second model answers every Nth question")
    ap.add_argument("--only", default="", help="comma-separated item ids")
    ap.add_argument("--kinds", default="doc,unanswerable,general")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--save", type=Path, help="write every answer and score as JSON here")
    ap.add_argument("--adapter", type=Path, help="a trained adapter's folder: the first model answers with it")
    args = ap.parse_args()
    items = ev.items(None if args.split == "all" else args.split, args.kinds.split(","))
    if args.only:
        wanted = set(args.only.split(","))
        items = [i for i in items if i.id in wanted]
    if args.limit:  # evenly spread over each kind and language (so every document set is in)
        kept = []
        for key in dict.fromkeys((i.kind, i.lang) for i in items):
            group = [i for i in items if (i.kind, i.lang) == key]
            step = max(1, len(group) // args.limit)
            kept += group[::step][: args.limit]
        items = kept
    t0 = time.monotonic()
    home = indexed_home()
    ok = True
    saved: dict[str, Any] = {}
    for n, model_id in enumerate(args.models.split(",")):
        asked = items if n == 0 else items[:: max(1, args.small_every)]
        with_adapter = args.adapter is not None and n == 0
        name = model_id + (" + adapter" if with_adapter else "")
        res = run_model(model_id, home, asked, baseline=not args.no_baseline and n == 0,
                        baseline_every=args.baseline_every, adapter=args.adapter if with_adapter else None)
        ok &= report(name, res, goals=n == 0 and args.split == "heldout")
        saved[name] = [{"id": s.item.id, "text": s.text, "fact": s.fact, "language_ok": s.language_ok,
                            "refused": s.refused, "cited": s.cited, "precise": s.cited_precise,
                            "dangling": s.dangling, "ttft": s.ttft_s, "passages": s.passages,
                            "citations": s.citations}
                           for s in res["scores"]]
        if args.save:  # after each model, so a stopped run keeps what it measured
            args.save.write_text(json.dumps(saved, ensure_ascii=False, indent=1), "utf-8")
    verdict = ("MET" if ok else "NOT all met") if args.split == "heldout" else "judged on the held-out part only"
    print(f"\nwhole run {time.monotonic() - t0:.0f} s; goals {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
