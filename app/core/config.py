"""Settings (pydantic-settings, versioned JSON file) and the user's directories.

Directories follow the platform conventions (platformdirs). ``SOVA_HOME`` moves all of
them under one folder (tests and portable installs use it); ``SOVA_MODELS_DIR`` moves
only the assembled model files (tests share one copy across runs).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

SCHEMA_VERSION = 2


@dataclass(frozen=True)
class Paths:
    """Where Sova keeps its files."""

    config: Path
    data: Path
    cache: Path
    models: Path

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def database(self) -> Path:
        return self.data / "sova.sqlite3"

    @property
    def index(self) -> Path:
        return self.data / "index"

    @property
    def logs(self) -> Path:
        return self.cache / "logs"

    def ensure(self) -> "Paths":
        for p in (self.config, self.data, self.cache, self.models, self.logs):
            p.mkdir(parents=True, exist_ok=True)
        return self


def user_paths() -> Paths:
    """The directories for this user, honouring SOVA_HOME and SOVA_MODELS_DIR."""
    home = os.environ.get("SOVA_HOME")
    if home:
        root = Path(home).expanduser()
        paths = Paths(root / "config", root / "data", root / "cache", root / "data" / "models")
    else:
        import platformdirs

        data = Path(platformdirs.user_data_dir("Sova", appauthor=False))
        paths = Paths(
            Path(platformdirs.user_config_dir("Sova", appauthor=False)),
            data,
            Path(platformdirs.user_cache_dir("Sova", appauthor=False)),
            data / "models",
        )
    models = os.environ.get("SOVA_MODELS_DIR")
    if models:
        paths = Paths(paths.config, paths.data, paths.cache, Path(models).expanduser())
    return paths


class GenerationSettings(BaseModel):
    temperature: float = Field(0.3, ge=0.0, le=2.0)
    top_p: float = Field(0.9, gt=0.0, le=1.0)
    max_tokens: int = Field(768, ge=1, le=32768)
    n_ctx: int = Field(4096, ge=512, le=131072)
    n_threads: int = Field(0, ge=0, le=256)  # 0 = all physical cores
    n_batch: int = Field(512, ge=16, le=8192)  # prompt tokens per decode (the first crash step-down lowers it)
    seed: int = -1


class DocumentSettings(BaseModel):
    embedder: str = "e5-small"  # "e5-small" | "minilm" | a sentence-transformers folder
    # Passages given to the model: three merged, trimmed passages beat five raw chunks for a
    # 1.5B model (tests/benchmarks/bench_answers.py, dev part).
    top_k: int = Field(3, ge=1, le=20)
    chunk_chars: int = Field(800, ge=200, le=4000)
    chunk_overlap: int = Field(120, ge=0, le=1000)
    ocr_languages: str = "rus+eng"
    watched_folders: list[str] = Field(default_factory=list)
    # Remote Chroma server; the token lives in the keyring, never here.
    chroma_mode: Literal["local", "server"] = "local"
    chroma_host: str = "127.0.0.1"
    chroma_port: int = 8000


class SpeechSettings(BaseModel):
    model: str = "whisper-base"  # "whisper-base" | "whisper-tiny.en"
    language: Literal["auto", "ru", "en"] = "auto"
    input_device: str = ""  # QMediaDevices id; "" = system default
    mode: Literal["push", "toggle"] = "push"
    max_seconds: int = Field(120, ge=5, le=3600)
    send_on_release: bool = False
    vad: bool = True


class RemoteSettings(BaseModel):
    """An OpenAI-compatible chat server (llama.cpp's server, vLLM, Ollama, LM Studio).

    The API key lives in the keyring (app.core.llm.remote.store_api_key), never here.
    """

    base_url: str = "http://127.0.0.1:8080/v1"
    model: str = ""  # "" = the first model the server lists
    vision: bool = False  # send images to the model (only for vision-capable models)
    n_ctx: int = Field(4096, ge=512, le=1048576)  # used when the server does not report it
    connect_timeout_s: float = Field(5.0, gt=0.0, le=600.0)
    first_token_timeout_s: float = Field(300.0, gt=0.0, le=3600.0)  # a CPU server reads long prompts slowly
    read_timeout_s: float = Field(60.0, gt=0.0, le=3600.0)  # between two tokens, and for other calls


class MemorySettings(BaseModel):
    enabled: bool = True  # recall and commands; off: memory is neither read nor written
    extract: bool = True  # read the user's messages for facts in the background
    budget_tokens: int = Field(160, ge=20, le=2000)  # recalled facts' share of the prompt
    # Extraction starts once no answer has streamed for this long: a person who asks
    # again at once never waits for it (a question still preempts it when it runs).
    quiet_seconds: float = Field(8.0, ge=0.0, le=600.0)


class LearningSettings(BaseModel):
    """Learning from ratings: rated examples in the prompt, the training set, the
    trigger that offers training, and the adapter each model uses."""

    examples: bool = True  # give the model a highly rated answer to a similar past question
    example_budget_tokens: int = Field(350, ge=50, le=2000)
    min_stars: int = Field(4, ge=1, le=5)  # answers rated at least this teach (thumb up = 5)
    # The trigger, over the last ``window`` rated answers.
    window: int = Field(50, ge=5, le=10000)
    min_average: float = Field(3.5, ge=1.0, le=5.0)
    min_satisfaction: float = Field(0.6, ge=0.0, le=1.0)
    max_negatives: float = Field(0.2, ge=0.0, le=1.0)
    min_new: int = Field(20, ge=1, le=10000)  # rated answers since the last training
    check_days: int = Field(7, ge=1, le=365)  # how often the trigger is checked
    auto_train: bool = False  # start training by itself instead of offering it
    steps: int = Field(0, ge=0, le=100000)  # 0: chosen from the data (two passes, 80..300 steps)
    pref_steps: int = Field(0, ge=0, le=100000)  # 0: chosen from the disliked answers (none below 5)
    adapters: dict[str, str] = Field(default_factory=dict)  # model id -> active adapter version


class AppearanceSettings(BaseModel):
    theme: Literal["system", "light", "dark"] = "system"
    font_size: int = Field(0, ge=0, le=32)  # points; 0 = the system's


class Settings(BaseSettings):
    """All user settings. Environment variables SOVA_<FIELD> override the file."""

    model_config = SettingsConfigDict(env_prefix="SOVA_", env_nested_delimiter="__", extra="ignore")

    schema_version: int = SCHEMA_VERSION
    language: Literal["auto", "en", "ru"] = "auto"
    active_model: str = "qwen2.5-coder-1.5b"
    system_prompt: str = (
        "You are Sova, a helpful offline assistant. Answer in the language of the question."
    )
    generation: GenerationSettings = Field(default_factory=GenerationSettings)
    documents: DocumentSettings = Field(default_factory=DocumentSettings)
    speech: SpeechSettings = Field(default_factory=SpeechSettings)
    auto_titles: bool = True  # the model titles a new conversation in the background
    verbose_logs: bool = False  # logs may hold chat and document text (for debugging only)
    backend: Literal["local", "remote"] = "local"  # the bundled llama.cpp or an OpenAI-compatible server
    remote: RemoteSettings = Field(default_factory=RemoteSettings)
    default_persona: str = "general"  # the persona of new chats
    memory: MemorySettings = Field(default_factory=MemorySettings)
    learning: LearningSettings = Field(default_factory=LearningSettings)
    appearance: AppearanceSettings = Field(default_factory=AppearanceSettings)


# Each migration turns a settings dict of version N into version N+1.
def _v1_to_v2(d: dict[str, Any]) -> dict[str, Any]:
    # v1 kept generation fields at the top level.
    gen = {k: d.pop(k) for k in list(d) if k in GenerationSettings.model_fields}
    d.setdefault("generation", {}).update(gen)
    return d


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2}


def migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored settings dict up to SCHEMA_VERSION."""
    version = int(data.get("schema_version", 1))
    while version < SCHEMA_VERSION:
        data = MIGRATIONS[version](dict(data))
        version += 1
        data["schema_version"] = version
    return data


def load_settings(paths: Paths | None = None) -> Settings:
    """Read settings (migrating old files); a damaged file falls back to defaults."""
    paths = paths or user_paths()
    raw: dict[str, Any] = {}
    if paths.settings_file.exists():
        try:
            raw = migrate(json.loads(paths.settings_file.read_text("utf-8")))
        except (ValueError, KeyError, OSError):
            # Keep the broken file for the user, start from defaults.
            paths.settings_file.replace(paths.settings_file.with_suffix(".broken.json"))
            raw = {}
    try:
        return Settings(**raw)
    except ValueError:
        return Settings()


def save_settings(settings: Settings, paths: Paths | None = None) -> None:
    """Write settings atomically (temp file + rename)."""
    paths = paths or user_paths()
    paths.config.mkdir(parents=True, exist_ok=True)
    text = settings.model_dump_json(indent=2)
    fd, tmp = tempfile.mkstemp(dir=paths.config, prefix=".settings-", suffix=".json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, paths.settings_file)


def changed_keys(old: dict[str, Any], new: dict[str, Any], prefix: str = "") -> set[str]:
    """Dotted names of the settings that differ (``generation.temperature``, ``language``)."""
    keys: set[str] = set()
    for k in set(old) | set(new):
        a, b = old.get(k), new.get(k)
        name = f"{prefix}{k}"
        if isinstance(a, dict) and isinstance(b, dict):
            keys |= changed_keys(a, b, name + ".")
        elif a != b:
            keys.add(name)
    return keys
