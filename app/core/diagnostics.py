"""A report for bug reports: versions, machine, settings, models, health, metrics and
recent logs, never chat or document content and never secrets.

``collect(assistant)`` returns it as a JSON-serializable dict (``python -m app
diagnostics`` prints it); ``export_zip(assistant, path)`` writes it with the redacted
log files into one zip.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, is_dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from app.core import logs

# Distributions whose versions matter when something breaks (distribution names).
STACK = (
    "PySide6", "llama_cpp_python", "chromadb", "sentence-transformers", "transformers",
    "tokenizers", "torch", "faster-whisper", "ctranslate2", "onnxruntime", "numpy",
    "pydantic", "pydantic-settings", "psutil", "pypdf", "keyring", "platformdirs", "gguf",
)
# CPU features llama.cpp, CTranslate2 and torch choose their kernels by.
CPU_FLAGS = ("SSE3", "SSSE3", "SSE41", "SSE42", "AVX", "F16C", "FMA3", "AVX2", "AVX512F",
             "AVX512_VNNI", "AVX_VNNI", "AVX512BF16", "NEON", "ASIMD", "SVE")
_SECRET_KEY = re.compile(r"(^|_)(token|secret|password|passwd|api_?key|key|credentials?)$", re.I)
_URL_USERINFO = re.compile(r"(?<=://)[^/@\s]+@")
RECENT_LOG_LINES = 50
RECENT_REQUESTS = 50


def _section(fn: Callable[[], Any]) -> Any:
    # One broken part must not cost the whole report.
    try:
        return fn()
    except Exception as exc:  # noqa: BLE001
        return {"error": f"{type(exc).__name__}: {exc}"}


def _jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    return str(value)


# ---- sections --------------------------------------------------------------------

def app_info() -> dict[str, Any]:
    from app import __version__

    return {"name": "Sova", "version": __version__, "frozen": bool(getattr(sys, "frozen", False)),
            "pid": os.getpid()}


def python_info() -> dict[str, Any]:
    return {"version": platform.python_version(), "implementation": platform.python_implementation(),
            "executable": sys.executable}


def os_info() -> dict[str, Any]:
    return {"platform": platform.platform(), "system": platform.system(), "release": platform.release(),
            "machine": platform.machine()}


def cpu_flags() -> dict[str, bool]:
    """Which SIMD features this CPU has (AVX2 decides which llama.cpp kernels run;
    AVX512BF16 whether training runs in bfloat16)."""
    try:
        try:
            from numpy._core._multiarray_umath import __cpu_features__ as features  # numpy 2
        except ImportError:
            from numpy.core._multiarray_umath import __cpu_features__ as features  # numpy 1
        return {f: bool(features[f]) for f in CPU_FLAGS if f in features}
    except Exception:  # noqa: BLE001 - no numpy: read the kernel's list (Linux)
        text = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
        m = re.search(r"^flags\s*:\s*(.*)$", text, re.M)
        flags = set(m.group(1).split()) if m else set()
        names = {"SSE3": "pni", "SSSE3": "ssse3", "SSE41": "sse4_1", "SSE42": "sse4_2", "AVX": "avx",
                 "F16C": "f16c", "FMA3": "fma", "AVX2": "avx2", "AVX512F": "avx512f",
                 "AVX512BF16": "avx512_bf16"}
        return {k: v in flags for k, v in names.items()}


def cpu_info() -> dict[str, Any]:
    import psutil

    model = platform.processor()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        m = re.search(r"^model name\s*:\s*(.*)$", cpuinfo.read_text(errors="replace"), re.M)
        if m:
            model = m.group(1).strip()
    return {"model": model, "logical": psutil.cpu_count(), "physical": psutil.cpu_count(logical=False),
            "flags": cpu_flags()}


def memory_info() -> dict[str, Any]:
    import psutil

    vm = psutil.virtual_memory()
    return {"total_bytes": vm.total, "available_bytes": vm.available}


def package_versions() -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in STACK:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


def safe_settings(settings: Any) -> dict[str, Any]:
    """Settings as JSON with secrets masked and free text (prompts) replaced by its length."""
    data = settings.model_dump(mode="json") if hasattr(settings, "model_dump") else dict(settings)

    def mask(key: str, value: Any) -> Any:
        if _SECRET_KEY.search(key) and not isinstance(value, (dict, list, bool)):
            return "<set>" if value not in (None, "") else ""
        if isinstance(value, dict):
            return {k: mask(k, v) for k, v in value.items()}
        if isinstance(value, list):
            return [mask("", v) for v in value]
        if isinstance(value, str) and "://" in value:
            return _URL_USERINFO.sub("<redacted>@", value)  # http://user:password@host
        return value

    return dict(logs.redact_value("settings", mask("settings", data)))


def _dir_bytes(path: Path) -> int | None:
    if not path.exists():
        return None
    if path.is_file():
        return path.stat().st_size
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                total += os.path.getsize(os.path.join(root, f))
            except OSError:
                pass
    return total


def paths_info(paths: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in ("config", "data", "cache", "models", "logs", "database", "index", "settings_file"):
        p = getattr(paths, name, None)
        if p is not None:
            out[name] = str(p)
    db = getattr(paths, "database", None)
    index = getattr(paths, "index", None)
    out["sizes"] = {
        "database_bytes": sum(_dir_bytes(Path(str(db) + s)) or 0 for s in ("", "-wal", "-shm")) if db else None,
        "index_bytes": _dir_bytes(Path(index)) if index else None,
    }
    data = getattr(paths, "data", None)
    if data is not None and Path(data).exists():
        out["disk_free_bytes"] = shutil.disk_usage(data).free
    return out


def models_info(assistant: Any) -> list[dict[str, Any]]:
    active = getattr(getattr(assistant, "settings", None), "active_model", None)
    out = []
    for m in assistant.models():
        out.append({
            "id": m.id, "name": m.name, "source": str(getattr(m, "source", "")),
            "size_bytes": getattr(m, "size_bytes", None), "available": getattr(m, "available", None),
            "chat_format": getattr(m, "chat_format", None), "path": str(getattr(m, "path", "")),
            "active": m.id == active,
        })
    return out


def loaded_model_info(assistant: Any) -> dict[str, Any] | None:
    llm = getattr(assistant, "llm", None)
    if llm is None:
        return None
    out: dict[str, Any] = {"backend": type(llm).__name__, "loaded": bool(getattr(llm, "loaded", False))}
    for attr in ("n_ctx", "host_pid"):
        try:
            out[attr] = getattr(llm, attr)
        except Exception:  # noqa: BLE001 - a dead host may refuse to answer
            out[attr] = None
    return out


def health_of(assistant: Any) -> list[dict[str, Any]]:
    """``assistant.health()`` as dicts; without it, what can be seen from outside."""
    from app.core.types import Health, HealthState

    health = getattr(assistant, "health", None)
    if callable(health):
        items = list(health())
    else:
        llm = getattr(assistant, "llm", None)
        docs = getattr(assistant, "_documents", None)
        speech = getattr(assistant, "_speech", None)
        items = [
            Health("model", HealthState.OK if llm is not None and getattr(llm, "loaded", False) else HealthState.OFF),
            Health("index", HealthState.OK if docs is not None else HealthState.OFF),
            Health("transcriber", HealthState.OK if getattr(speech, "_transcriber", None) is not None
                   else HealthState.OFF),
        ]
    return [{"part": h.part, "state": str(h.state), "code": h.code, "params": _jsonable(h.params),
             "since": h.since} for h in items]


def metrics_of(assistant: Any) -> dict[str, Any]:
    """The metrics snapshot plus the latest requests; the processes are sampled now."""
    from app.core.service.metrics import Metrics

    metrics = getattr(assistant, "metrics", None)
    if not isinstance(metrics, Metrics):
        metrics = Metrics()  # no scheduler yet: at least this process's memory and CPU
    if not metrics.sampling:
        metrics.sample_process()
    snap = metrics.snapshot()
    snap["recent_requests"] = [asdict(r) for r in metrics.requests()[-RECENT_REQUESTS:]]
    return snap


def logs_info(paths: Any) -> dict[str, Any]:
    logs_dir = Path(paths.logs)
    files = logs.log_files(logs_dir) if logs_dir.exists() else []
    current = logs.log_file()
    return {
        "dir": str(logs_dir),
        "file": str(current) if current else None,
        "verbose": logs.is_verbose(),
        "files": [{"name": p.name, "bytes": p.stat().st_size} for p in files],
        "recent": logs.recent_records(logs_dir, RECENT_LOG_LINES) if files else [],
    }


# ---- the report ------------------------------------------------------------------

def collect(assistant: Any) -> dict[str, Any]:
    """Everything a bug report needs, as a JSON-serializable dict, without content or
    secrets. Never raises for one broken part: its section holds ``{"error": ...}``."""
    paths = getattr(assistant, "paths", None)
    report: dict[str, Any] = {
        "generated_at": time.time(),
        "app": _section(app_info),
        "python": _section(python_info),
        "os": _section(os_info),
        "cpu": _section(cpu_info),
        "memory": _section(memory_info),
        "packages": _section(package_versions),
        "settings": _section(lambda: safe_settings(assistant.settings)),
        "models": _section(lambda: models_info(assistant)),
        "loaded_model": _section(lambda: loaded_model_info(assistant)),
        "health": _section(lambda: health_of(assistant)),
        "metrics": _section(lambda: metrics_of(assistant)),
        "logs": _section(lambda: logs_info(paths)),
        "paths": _section(lambda: paths_info(paths)),
    }
    return _jsonable(report)  # type: ignore[no-any-return]


def export_zip(assistant: Any, path: Path | str) -> Path:
    """Write ``report.json`` and the log files (redacted line by line) into a zip at
    ``path``; no conversations, no documents. Written whole or not at all."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    report = collect(assistant)
    paths = getattr(assistant, "paths", None)
    files = logs.log_files(Path(paths.logs)) if paths is not None and Path(paths.logs).exists() else []
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".sova-diagnostics-", suffix=".zip")
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr("report.json", json.dumps(report, ensure_ascii=False, indent=2))
            for f in files:
                zf.writestr(f"logs/{f.name}", "".join(line + "\n" for line in logs.redacted_lines([f])))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
