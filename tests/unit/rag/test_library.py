"""DocumentLibrary: collections, citations, nothing-relevant, watched folders, embedder
switch, passwords, bad input."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from app.core.config import load_settings
from app.core.rag import library as library_mod
from app.core.rag import retrieval as retrieval_mod
from app.core.rag.registry import FileStatus
from app.core.rag.loaders import PasswordRequired, open_document
from tests.fakes.embedder import FakeEmbedder

from test_ingest import assert_consistent, make_lib, write_docs  # type: ignore[import-not-found]


def test_collections_and_citations(tmp_path: Path) -> None:
    lib, _ = make_lib(tmp_path)
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "a.txt").write_text("The invoice number INV-2024-17 was paid in March.", encoding="utf-8")
    (tmp_path / "personal").mkdir()
    (tmp_path / "personal" / "b.txt").write_text("My cat sleeps on the warm windowsill in March.", encoding="utf-8")
    single = tmp_path / "note.txt"
    single.write_text("A loose note about March plans.", encoding="utf-8")
    lib.add_paths([tmp_path / "work", tmp_path / "personal", single])
    assert [(c.name, c.files) for c in lib.collections()] == [("default", 1), ("personal", 1), ("work", 1)]
    cites = lib.retrieve("When was invoice INV-2024-17 paid?", (), 5)
    assert cites[0].path.endswith("a.txt") and [c.n for c in cites] == list(range(1, len(cites) + 1))
    assert cites[0].chunk_id and cites[0].page is None and "INV-2024-17" in cites[0].text
    only_home = lib.retrieve("What happened in March?", ("personal",), 5)
    assert only_home and {Path(c.path).name for c in only_home} == {"b.txt"}
    lib.close()


def test_nothing_relevant_returns_no_citations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(library_mod.RELEVANCE_THRESHOLDS, "fake", (0.35, 0.3))
    lib, _ = make_lib(tmp_path)
    write_docs(tmp_path / "docs")
    lib.add_paths([tmp_path / "docs"])
    assert lib.retrieve("topic1 words about subject2", (), 3)
    assert lib.retrieve("recipe for chocolate cookies with butter", (), 3) == []
    assert lib.retrieve("   ", (), 3) == []
    lib.close()


def test_empty_library_retrieves_nothing(tmp_path: Path) -> None:
    lib, emb = make_lib(tmp_path)
    assert lib.retrieve("anything", (), 5) == [] and emb.calls == 0
    lib.close()


def test_watched_folder_rescans_on_change(tmp_path: Path) -> None:
    lib, _ = make_lib(tmp_path)
    watched = tmp_path / "watched"
    files = write_docs(watched, n=2)
    lib.settings.documents.watched_folders = [str(watched)]
    lib.start_watching(interval=0.1)
    deadline = time.time() + 20
    while time.time() < deadline and len([r for r in lib.files() if r.status == FileStatus.INDEXED]) < 2:
        time.sleep(0.1)
    assert {Path(r.path).name for r in lib.files()} == {"doc0.txt", "doc1.txt"}
    (watched / "new.txt").write_text("fresh arrivals: pineapple inventory", encoding="utf-8")
    files[0].unlink()
    deadline = time.time() + 20
    while time.time() < deadline and {Path(r.path).name for r in lib.files()} != {"doc1.txt", "new.txt"}:
        time.sleep(0.1)
    lib.wait_idle(20)
    assert {Path(r.path).name for r in lib.files()} == {"doc1.txt", "new.txt"}
    assert lib.retrieve("pineapple inventory", (), 1)[0].path.endswith("new.txt")
    lib.stop_watching()
    assert_consistent(lib)
    lib.close()


def test_rescan_watched_directly(tmp_path: Path) -> None:
    lib, _ = make_lib(tmp_path)
    watched = tmp_path / "w"
    files = write_docs(watched, n=2)
    lib.settings.documents.watched_folders = [str(watched)]
    assert lib.rescan_watched().indexed == 2
    files[1].write_text("changed body text about volcanoes", encoding="utf-8")
    r = lib.rescan_watched()
    assert r.indexed == 1 and r.unchanged == 1
    lib.close()


def test_switch_embedder_reembeds_into_its_own_collection(tmp_path: Path) -> None:
    lib, first = make_lib(tmp_path)
    write_docs(tmp_path / "docs")
    lib.add_paths([tmp_path / "docs"])
    n_chunks = lib.registry.chunk_count()
    progress: list[str] = []
    assert lib.set_embedder("minilm", lambda f, t: progress.append(t)) == 3
    assert lib.embedder.name == "minilm" and lib.index.count() == n_chunks
    assert lib._embedders["minilm"].texts == n_chunks  # type: ignore[attr-defined]
    assert load_settings(lib.paths).documents.embedder == "minilm"
    assert lib.retrieve("topic2 subject1", (), 1)[0].path.endswith("doc2.txt")
    assert lib.registry.indexed_missing_embedder("minilm") == []
    # switching back costs nothing: the first collection is still complete
    before = first.texts
    assert lib.set_embedder("e5-small") == 0 and first.texts == before
    lib.close()


def test_password_protected_file_waits_for_its_password(tmp_path: Path) -> None:
    def opener(path: Path, password: str | None = None, **kw):  # type: ignore[no-untyped-def]
        if path.name == "secret.txt" and password != "s3cret":
            raise PasswordRequired(path)
        return open_document(path, password=password, **kw)

    lib, _ = make_lib(tmp_path, open_document=opener)
    docs = write_docs(tmp_path / "docs", n=1)
    secret = tmp_path / "docs" / "secret.txt"
    secret.write_text("the vault combination is 4-8-15-16", encoding="utf-8")
    report = lib.add_paths([tmp_path / "docs"])
    res = {f.path.name: f for f in report.files}
    assert res["secret.txt"].status == "password" and res["doc0.txt"].status == "indexed"
    assert next(r for r in lib.files() if r.path == str(secret)).status == FileStatus.PASSWORD
    assert lib.set_password(secret, "wrong").files[0].status == "password"
    assert lib.set_password(secret, "s3cret").indexed == 1
    assert next(r for r in lib.files() if r.path == str(secret)).status == FileStatus.INDEXED
    assert docs
    lib.close()


def test_bad_inputs_get_a_reason_and_do_not_stop_the_rest(tmp_path: Path) -> None:
    lib, _ = make_lib(tmp_path)
    d = tmp_path / "mixed"
    good = write_docs(d, n=2)
    lib.add_paths([d])
    (d / "empty.txt").write_bytes(b"")
    (d / "binary.pdf").write_bytes(os.urandom(4096))
    (d / "cp1251.txt").write_bytes("Привет, это текст в кодировке Windows-1251. ".encode("cp1251") * 5)
    (d / "loop").mkdir()
    os.symlink(d, d / "loop" / "back")
    deep = d
    for i in range(80):
        deep = deep / f"n{i}"
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text("too deep", encoding="utf-8")
    report = lib.add_paths([d])
    by_name = {f.path.name: f for f in report.files}
    assert by_name["binary.pdf"].status == "failed" and by_name["binary.pdf"].error
    assert by_name["empty.txt"].status == "failed" and by_name["empty.txt"].error
    assert by_name["cp1251.txt"].status == "indexed"
    assert report.unchanged == 2  # the good files were not touched, nothing lost
    for p in good:
        assert lib.registry.chunk_ids(str(p))
    assert lib.retrieve("Привет текст кодировке", (), 1)[0].path.endswith("cp1251.txt")
    assert_consistent(lib)
    lib.close()


def test_resume_pending_embeds_files_missing_from_the_current_embedder(tmp_path: Path) -> None:
    lib, _ = make_lib(tmp_path)
    write_docs(tmp_path / "docs")
    lib.add_paths([tmp_path / "docs"])
    lib.settings.documents.embedder = "minilm"  # e.g. settings edited while the app was closed
    lib.resume_pending()
    assert lib.registry.indexed_missing_embedder("minilm") == []
    assert lib.index.count() == lib.registry.chunk_count()
    lib.close()


def test_remove_unknown_path_is_harmless(tmp_path: Path) -> None:
    lib, _ = make_lib(tmp_path)
    assert lib.remove(tmp_path / "nothing-here") == 0
    lib.close()


def test_fake_embedder_is_isolated() -> None:
    assert FakeEmbedder().name == "fake"


def test_assistant_answers_from_documents_or_says_nothing_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.core.assistant import Assistant
    from app.core.types import DoneEvent, SourcesEvent
    from tests.fakes.llm import FakeLLM, FakeRegistry, fake_factory

    monkeypatch.setitem(library_mod.RELEVANCE_THRESHOLDS, "fake", (0.35, 0.3))
    lib, _ = make_lib(tmp_path)
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "volcano.txt").write_text("Etna is an active volcano on Sicily that erupts often.", encoding="utf-8")
    lib.add_paths([tmp_path / "d"])
    llm = FakeLLM(reply="Etna erupts often [1].")
    lib.settings.active_model = "fake"
    a = Assistant(lib.paths, lib.settings, llm_factory=fake_factory(llm), registry=FakeRegistry())  # type: ignore[arg-type]
    a._documents = lib
    conv = a.new_conversation()
    a.set_documents(conv.id, ())
    events = list(a.ask(conv.id, "Is Etna an active volcano?"))
    sources = next(e for e in events if isinstance(e, SourcesEvent))
    assert sources.citations and sources.citations[0].path.endswith("volcano.txt")
    turn = llm.calls[-1][-1]["content"]  # the sources travel with the question
    assert "[1]" in turn and "Etna is an active volcano" in turn and "Is Etna an active volcano?" in turn
    done = events[-1]
    assert isinstance(done, DoneEvent) and done.message.citations == sources.citations
    # Nothing relevant: the model is not even asked; the reply says so.
    n_calls = len(llm.calls)
    events = list(a.ask(conv.id, "Как приготовить борщ со сметаной?"))
    assert len(llm.calls) == n_calls
    assert "не нашлось" in events[-1].message.content
    a.close()


def test_overall_progress_with_eta(tmp_path: Path) -> None:
    lib, _ = make_lib(tmp_path)
    write_docs(tmp_path / "docs", n=4)
    states = []
    lib.subscribe_progress(states.append)
    lib.submit([tmp_path / "docs"])
    assert lib.wait_idle(30)
    assert states and states[-1].running is False and lib.progress_state.running is False
    running = [s for s in states if s.running]
    assert running and running[-1].fraction == 1.0
    assert any(s.eta_seconds is not None for s in running)
    lib.close()


def test_selected_collections_are_over_fetched_then_filtered(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lib, _ = make_lib(tmp_path)
    write_docs(tmp_path / "big", n=6, paras=4)
    write_docs(tmp_path / "small", n=1, paras=2)
    lib.add_paths([tmp_path / "big", tmp_path / "small"])
    calls: list[tuple[int, tuple[str, ...]]] = []
    real = lib.index.search

    def spy(vector, k, collections=()):  # type: ignore[no-untyped-def]
        calls.append((k, tuple(collections)))
        return real(vector, k, collections)

    monkeypatch.setattr(lib.index, "search", spy)
    both = lib.search("topic0 words about subject1", ("big", "small"), 5)
    # every selected chunk is within the over-fetch: one unfiltered Chroma query
    assert calls and all(c == () for _, c in calls) and len(calls) == 1
    assert both and all(lib.registry.chunk_keys([s.chunk_id])[s.chunk_id][2] in ("big", "small") for s, _ in both)
    # an over-fetch that holds too few selected chunks falls back to Chroma's filter
    calls.clear()
    monkeypatch.setattr(retrieval_mod, "OVERFETCH_MARGIN", 0.01)
    only = lib.search("topic0 words about subject1", ("small",), 5)
    assert [c for _, c in calls] == [(), ("small",)]
    assert only and {Path(lib.registry.chunk_keys([s.chunk_id])[s.chunk_id][0]).parent.name for s, _ in only} == {"small"}
    # a selection too small to over-fetch for goes to the filter directly
    calls.clear()
    monkeypatch.setattr(retrieval_mod, "OVERFETCH_MARGIN", 2.0)
    monkeypatch.setattr(retrieval_mod, "MAX_OVERFETCH", 10)
    assert lib.search("topic0 words about subject1", ("small",), 5)
    assert [c for _, c in calls] == [("small",)]
    lib.close()


def test_submit_runs_on_the_ingest_lane_of_the_given_runner(tmp_path: Path) -> None:
    from app.core.service.jobs import JobRunner, JobState

    runner = JobRunner()
    lib, _ = make_lib(tmp_path, jobs=runner)
    write_docs(tmp_path / "docs", n=2)
    finals: list[tuple[str, str, JobState]] = []
    ended = threading.Event()
    runner.subscribe(lambda ev: ev.final and (finals.append((ev.lane, ev.kind, ev.state)), ended.set()))
    job = lib.submit([tmp_path / "docs"])
    assert job.lane == "ingest" and lib.jobs is runner
    assert lib.wait_idle(30) and job.state == JobState.DONE and job.result.indexed == 2
    assert ended.wait(30) and finals == [("ingest", "documents.add", JobState.DONE)]
    # cancel() drops the library's queued jobs; the lane stays usable.
    runner.pause("ingest")
    queued = lib.submit([tmp_path / "docs"])
    assert lib.busy
    lib.cancel()
    assert queued.state == JobState.CANCELLED and not lib.busy
    runner.resume("ingest")
    # close() leaves a runner it was given running (the app shuts it down).
    lib.close()
    assert runner.submit("ingest", lambda progress, cancel: "still here").wait(30)
    assert runner.shutdown(30)


def test_a_failing_background_ingest_leaves_the_lane_working(tmp_path: Path) -> None:
    from app.core.config import Settings
    from app.core.rag.library import DocumentLibrary
    from app.core.service.jobs import JobState
    from test_ingest import make_paths  # type: ignore[import-not-found]

    emb = FakeEmbedder()
    calls = [0]

    def factory(name: str) -> FakeEmbedder:
        calls[0] += 1
        if calls[0] == 1:
            raise RuntimeError("the embedding model is damaged")
        return emb

    lib = DocumentLibrary(make_paths(tmp_path), Settings(), embedder_factory=factory)
    write_docs(tmp_path / "docs", n=1)
    first = lib.submit([tmp_path / "docs"])
    second = lib.submit([tmp_path / "docs"])
    assert lib.wait_idle(30)
    assert first.state == JobState.FAILED and "damaged" in str(first.error)
    assert second.state == JobState.DONE and second.result.indexed == 1
    lib.close()
