"""Structured logs: one JSON object per line in ``<logs>/sova.log``, rotated.

Every record carries ``time``, ``level``, ``logger`` and ``message`` plus the ``extra``
fields given to the logging call::

    log.info("answer finished", extra={"model": "qwen", "tokens": 212, "answer": text})

Chat and document text stays out of the file unless verbose logging is on: fields named
like content (``content``, ``text``, ``question``, ``answer``, ``passage`` …) are
replaced by their length, and a record marked ``extra={"content": True}`` also loses the
arguments of its message (the template is kept). The same redaction is applied again to
lines read back for a diagnostics report, so a report never carries content even when
the file was written verbosely.
"""

from __future__ import annotations

import json
import logging
import logging.handlers
import os
import sys
import threading
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

if TYPE_CHECKING:
    from app.core.config import Paths

LOG_FILE = "sova.log"
MAX_BYTES = 2_000_000
BACKUP_COUNT = 5
# Field names whose values are user content (chat, documents, transcripts, titles).
CONTENT_FIELDS = frozenset({
    "content", "text", "question", "answer", "passage", "prompt", "messages", "reply",
    "transcript", "title", "query", "system_prompt", "snippet", "chunk",
})
# Libraries that are chatty at INFO; their warnings still reach the file.
_QUIET = ("httpx", "httpcore", "urllib3", "chromadb", "sentence_transformers", "faster_whisper",
          "PIL", "pypdf", "numba", "asyncio", "filelock", "huggingface_hub", "markdown_it")
# Attributes every LogRecord has; anything else on a record came from ``extra``.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime", "taskName"}

_lock = threading.Lock()
_handler: "_SovaHandler | None" = None


def _redacted(value: Any) -> str:
    try:
        n = len(value)
    except TypeError:
        n = len(str(value))
    return f"<redacted: {n} chars>" if isinstance(value, str) else f"<redacted: {n} items>"


def redact_value(key: str, value: Any) -> Any:
    """``value`` with every content field inside it (at any depth) replaced by its length."""
    if key.lower() in CONTENT_FIELDS and value is not True and value is not None:
        return _redacted(value)
    if isinstance(value, dict):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [redact_value("", v) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return repr(value)


def extra_fields(record: logging.LogRecord) -> dict[str, Any]:
    """The ``extra`` fields of a record (everything that is not a standard attribute)."""
    return {k: v for k, v in vars(record).items() if k not in _STANDARD and not k.startswith("_")}


class RedactionFilter(logging.Filter):
    """Unless verbose, replace content fields by their length and drop the message
    arguments of records marked ``content=True``. Never rejects a record."""

    def __init__(self, verbose: bool = False) -> None:
        super().__init__()
        self.verbose = verbose

    def filter(self, record: logging.LogRecord) -> bool:
        # The record object is shared with every other handler (pytest's capture, a
        # console): mark it for this handler's formatter instead of editing msg/args.
        record._sova_redact = not self.verbose  # type: ignore[attr-defined]
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record; redacts when the RedactionFilter marked the record."""

    def format(self, record: logging.LogRecord) -> str:
        # Not popped: RotatingFileHandler formats each record twice (rollover check, write).
        redact = bool(getattr(record, "_sova_redact", False))
        marked = getattr(record, "content", None) is True
        if redact and marked:
            message = str(record.msg)  # the template without the user's text
        else:
            message = record.getMessage()
        out: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": message,
            "thread": record.threadName,
        }
        for key, value in extra_fields(record).items():
            if key in out:
                key = "x_" + key
            if key == "content" and value is True:
                out["content"] = True  # kept so a report can redact verbose lines later
                continue
            out[key] = _jsonable(redact_value(key, value) if redact else value)
        if record.exc_info and record.exc_info[0] is not None:
            out["exc_type"] = record.exc_info[0].__name__
            out["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = record.stack_info
        return json.dumps(out, ensure_ascii=False, default=repr)


class _SovaHandler(logging.handlers.RotatingFileHandler):
    """The rotating JSON file handler setup_logging installs (recognised by its type)."""


def setup_logging(paths: "Paths", verbose: bool = False, level: int | None = None) -> Path:
    """Send every log record to ``<paths.logs>/sova.log`` as JSON lines (about 2 MB x 5
    files). Idempotent: calling again only updates ``verbose`` (or moves the file when
    ``paths`` changed). Returns the log file. Content is redacted unless ``verbose``."""
    global _handler
    logs_dir = Path(paths.logs)
    target = logs_dir / LOG_FILE
    with _lock:
        root = logging.getLogger()
        if _handler is not None and Path(_handler.baseFilename) == target.resolve():
            set_verbose(verbose)
            return target
        if _handler is not None:
            _remove_handler()
        logs_dir.mkdir(parents=True, exist_ok=True)
        handler = _SovaHandler(target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
        handler.setFormatter(JsonFormatter())
        handler.addFilter(RedactionFilter(verbose))
        root.addHandler(handler)
        wanted = level if level is not None else logging.INFO
        if root.level == logging.NOTSET or root.level > wanted:
            root.setLevel(wanted)
        for name in _QUIET:
            lg = logging.getLogger(name)
            if lg.level == logging.NOTSET:
                lg.setLevel(logging.WARNING)
        logging.captureWarnings(True)
        _handler = handler
    _install_excepthooks()
    return target


def set_verbose(verbose: bool) -> None:
    """Switch content logging on or off at run time (the privacy setting)."""
    h = _handler
    if h is None:
        return
    for f in h.filters:
        if isinstance(f, RedactionFilter):
            f.verbose = verbose


def is_verbose() -> bool:
    h = _handler
    return bool(h and any(isinstance(f, RedactionFilter) and f.verbose for f in h.filters))


def log_file() -> Path | None:
    """The file setup_logging writes to, or None before it ran."""
    return Path(_handler.baseFilename) if _handler is not None else None


def shutdown_logging() -> None:
    """Flush and remove the file handler and the hooks setup_logging installed."""
    with _lock:
        _remove_handler()
        _remove_excepthooks()
        logging.captureWarnings(False)


def _remove_handler() -> None:
    global _handler
    if _handler is None:
        return
    logging.getLogger().removeHandler(_handler)
    try:
        _handler.close()
    finally:
        _handler = None


def _install_excepthooks() -> None:
    """Uncaught exceptions (main thread and worker threads) go to the log as well; the
    hooks found are still called. Re-installed if something replaced them since."""
    log = logging.getLogger("app.uncaught")
    if not getattr(sys.excepthook, "_sova_previous", None):
        previous = sys.excepthook

        def hook(exc_type, exc, tb):  # type: ignore[no-untyped-def]
            if not issubclass(exc_type, KeyboardInterrupt):
                log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
            previous(exc_type, exc, tb)

        hook._sova_previous = previous  # type: ignore[attr-defined]
        sys.excepthook = hook
    if not getattr(threading.excepthook, "_sova_previous", None):
        previous_thread = threading.excepthook

        def thread_hook(args: threading.ExceptHookArgs) -> None:
            if args.exc_type is not SystemExit and args.exc_value is not None:
                # Runs in the failing thread, so the record's "thread" names it.
                log.critical("uncaught exception in thread",
                             exc_info=(args.exc_type, args.exc_value, args.exc_traceback))
            previous_thread(args)

        thread_hook._sova_previous = previous_thread  # type: ignore[attr-defined]
        threading.excepthook = thread_hook


def _remove_excepthooks() -> None:
    previous = getattr(sys.excepthook, "_sova_previous", None)
    if previous is not None:
        sys.excepthook = previous
    previous_thread = getattr(threading.excepthook, "_sova_previous", None)
    if previous_thread is not None:
        threading.excepthook = previous_thread


# ---- reading logs back (diagnostics) -------------------------------------------------

def log_files(logs_dir: Path) -> list[Path]:
    """sova.log and its rotated copies, oldest first."""
    base = logs_dir / LOG_FILE
    rotated = sorted(logs_dir.glob(LOG_FILE + ".*"), key=lambda p: _rotation_index(p), reverse=True)
    return [p for p in rotated if _rotation_index(p) > 0] + ([base] if base.exists() else [])


def _rotation_index(p: Path) -> int:
    suffix = p.name[len(LOG_FILE) + 1:]
    return int(suffix) if suffix.isdigit() else 0


def redact_line(line: str) -> dict[str, Any] | None:
    """One log line made safe for a report: content fields replaced by their length, the
    message of a content-marked record dropped, exception text cut to its type (its
    message may quote user text). A line that is not a JSON object gives None."""
    try:
        obj = json.loads(line)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    marked = obj.get("content") is True
    out: dict[str, Any] = {}
    for key, value in obj.items():
        if key == "message":
            out[key] = _redacted(value) if marked else value
        elif key == "exc":
            out[key] = _traceback_frames(str(value))
        elif key != "stack":
            out[key] = redact_value(key, value)
    return out


def _traceback_frames(text: str) -> str:
    # Keep where it happened (the "File ..., line ..." frames), drop the exception message.
    keep = [ln for ln in text.splitlines() if ln.lstrip().startswith(("File ", "Traceback"))]
    return "\n".join(keep)


def redacted_lines(files: Iterable[Path]) -> Iterable[str]:
    """Every line of the given log files, redacted, as JSON text (bad lines left out)."""
    for path in files:
        try:
            fh = path.open("r", encoding="utf-8", errors="replace")
        except OSError:
            continue
        with fh:
            for line in fh:
                obj = redact_line(line)
                if obj is not None:
                    yield json.dumps(obj, ensure_ascii=False)


def recent_records(logs_dir: Path, n: int = 50) -> list[dict[str, Any]]:
    """The last ``n`` log records, redacted."""
    from collections import deque

    tail: deque[str] = deque(maxlen=n)
    for line in redacted_lines(log_files(logs_dir)):
        tail.append(line)
    return [json.loads(t) for t in tail]


def env_verbose() -> bool:
    """SOVA_VERBOSE_LOGS=1 turns content logging on before settings are read."""
    return os.environ.get("SOVA_VERBOSE_LOGS", "").strip().lower() in ("1", "true", "yes", "on")
