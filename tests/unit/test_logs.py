"""Structured logs: JSON lines, rotation, idempotent setup, no content unless verbose."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Iterator

import pytest

from app.core import logs
from app.core.config import user_paths

SECRET = "The launch code is plum-harbour-417"


@pytest.fixture
def paths(sova_home: Path) -> Iterator[object]:
    p = user_paths()
    yield p
    logs.shutdown_logging()


def lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_records_are_json_lines_with_extra_fields(paths) -> None:  # type: ignore[no-untyped-def]
    file = logs.setup_logging(paths)
    assert file == paths.logs / "sova.log"
    log = logging.getLogger("app.test")
    log.info("answer finished in %.1f s", 2.5, extra={"model": "qwen", "tokens": 12, "where": Path("/x")})
    try:
        raise ValueError("broken")
    except ValueError:
        log.exception("it failed")
    out = lines(file)
    first = out[0]
    assert first["level"] == "INFO" and first["logger"] == "app.test"
    assert first["message"] == "answer finished in 2.5 s"
    assert first["model"] == "qwen" and first["tokens"] == 12 and first["where"] == "/x"
    assert first["time"].endswith("+00:00")
    assert out[1]["level"] == "ERROR" and out[1]["exc_type"] == "ValueError" and "Traceback" in out[1]["exc"]


def test_setup_is_idempotent(paths) -> None:  # type: ignore[no-untyped-def]
    logs.setup_logging(paths)
    logs.setup_logging(paths)
    ours = [h for h in logging.getLogger().handlers if isinstance(h, logs._SovaHandler)]
    assert len(ours) == 1
    logging.getLogger("app.test").warning("once")
    assert [r["message"] for r in lines(logs.log_file())].count("once") == 1  # type: ignore[arg-type]


def test_content_is_redacted_unless_verbose(paths) -> None:  # type: ignore[no-untyped-def]
    file = logs.setup_logging(paths)
    log = logging.getLogger("app.test")
    log.info("asked", extra={"question": SECRET, "answer": SECRET + "!", "model": "qwen"})
    log.info("retrieved", extra={"hits": [{"passage": SECRET, "score": 0.5}]})
    log.info("user said %s", SECRET, extra={"content": True})
    text = file.read_text("utf-8")
    assert "plum-harbour" not in text
    out = lines(file)
    assert out[0]["question"] == f"<redacted: {len(SECRET)} chars>"
    assert out[0]["model"] == "qwen"
    assert out[1]["hits"][0]["score"] == 0.5
    assert out[2]["message"] == "user said %s" and out[2]["content"] is True

    logs.set_verbose(True)
    assert logs.is_verbose()
    log.info("user said %s", SECRET, extra={"content": True, "text": SECRET})
    assert lines(file)[-1]["message"] == "user said " + SECRET
    assert lines(file)[-1]["text"] == SECRET
    logs.setup_logging(paths, verbose=False)  # a second setup only switches verbose
    log.info("asked", extra={"text": SECRET})
    assert "plum" not in json.dumps(lines(file)[-1])


def test_reading_back_redacts_lines_written_verbosely(paths) -> None:  # type: ignore[no-untyped-def]
    file = logs.setup_logging(paths, verbose=True)
    log = logging.getLogger("app.test")
    log.info("user said %s", SECRET, extra={"content": True})
    log.info("asked", extra={"question": SECRET, "n": 1})
    try:
        raise RuntimeError(SECRET)
    except RuntimeError:
        log.exception("failed")
    with file.open("a", encoding="utf-8") as f:
        f.write(SECRET + "\n")  # a stray non-JSON line (a crash dump, an old format)
    assert SECRET in file.read_text("utf-8")
    safe = list(logs.redacted_lines(logs.log_files(paths.logs)))
    assert len(safe) == 3
    assert "plum-harbour" not in "\n".join(safe)
    recent = logs.recent_records(paths.logs, 2)
    assert [r["message"] for r in recent] == ["asked", "failed"]
    assert recent[0]["n"] == 1
    assert recent[1]["exc_type"] == "RuntimeError" and "File " in recent[1]["exc"]


def test_files_rotate(paths, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(logs, "MAX_BYTES", 2000)
    logs.setup_logging(paths)
    log = logging.getLogger("app.test")
    for i in range(200):
        log.info("line %d", i, extra={"pad": "x" * 50})
    files = logs.log_files(paths.logs)
    assert [f.name for f in files] == ["sova.log.5", "sova.log.4", "sova.log.3", "sova.log.2", "sova.log.1",
                                       "sova.log"]
    assert all(f.stat().st_size <= 2200 for f in files)
    last = [json.loads(x)["message"] for x in logs.redacted_lines(files)][-1]
    assert last == "line 199"  # oldest first, newest last


def test_moving_to_another_folder_replaces_the_handler(paths, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from app.core.config import Paths

    logs.setup_logging(paths)
    other = Paths(tmp_path / "c", tmp_path / "d", tmp_path / "cache2", tmp_path / "m")
    file = logs.setup_logging(other)
    assert file == tmp_path / "cache2" / "logs" / "sova.log"
    logging.getLogger("app.test").info("moved")
    assert lines(file)[-1]["message"] == "moved"
    assert sum(isinstance(h, logs._SovaHandler) for h in logging.getLogger().handlers) == 1


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_uncaught_thread_exceptions_are_logged(paths) -> None:  # type: ignore[no-untyped-def]
    import threading

    file = logs.setup_logging(paths)

    def boom() -> None:
        raise KeyError("k")

    t = threading.Thread(target=boom, name="boom-thread")
    t.start()
    t.join()
    last = lines(file)[-1]
    assert last["level"] == "CRITICAL" and last["exc_type"] == "KeyError" and last["thread"] == "boom-thread"
