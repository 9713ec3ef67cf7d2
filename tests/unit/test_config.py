"""Settings: defaults, env overrides, persistence, schema migrations, paths."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.config import SCHEMA_VERSION, Settings, load_settings, migrate, save_settings, user_paths


def test_paths_follow_sova_home(sova_home: Path) -> None:
    paths = user_paths().ensure()
    assert paths.config == sova_home / "config"
    assert paths.data.is_dir() and paths.database.parent == paths.data
    assert paths.settings_file == sova_home / "config" / "settings.json"


def test_models_dir_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SOVA_MODELS_DIR", str(tmp_path / "m"))
    assert user_paths().models == tmp_path / "m"


def test_platform_dirs_without_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SOVA_HOME", raising=False)
    monkeypatch.delenv("SOVA_MODELS_DIR", raising=False)
    paths = user_paths()
    assert "Sova" in str(paths.data) and "Sova" in str(paths.config)


def test_defaults_and_round_trip() -> None:
    paths = user_paths()
    s = load_settings(paths)
    assert s.schema_version == SCHEMA_VERSION
    assert s.active_model == "qwen2.5-coder-1.5b"
    s.language = "ru"
    s.generation.n_ctx = 8192
    save_settings(s, paths)
    again = load_settings(paths)
    assert again.language == "ru" and again.generation.n_ctx == 8192
    assert not list(paths.config.glob(".settings-*"))  # no temp files left behind


def test_environment_overrides_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOVA_LANGUAGE", "en")
    monkeypatch.setenv("SOVA_GENERATION__TEMPERATURE", "0.0")
    s = load_settings()
    assert s.language == "en" and s.generation.temperature == 0.0


def test_migrates_version_1_file() -> None:
    paths = user_paths().ensure()
    paths.settings_file.write_text(json.dumps({"schema_version": 1, "temperature": 0.1, "n_ctx": 2048, "language": "ru"}))
    s = load_settings(paths)
    assert s.schema_version == SCHEMA_VERSION
    assert s.generation.temperature == 0.1 and s.generation.n_ctx == 2048 and s.language == "ru"


def test_migrate_is_a_no_op_on_current() -> None:
    data = Settings().model_dump()
    assert migrate(dict(data)) == data


def test_broken_file_falls_back_to_defaults_and_is_kept() -> None:
    paths = user_paths().ensure()
    paths.settings_file.write_text("{not json")
    s = load_settings(paths)
    assert s == Settings()
    assert paths.settings_file.with_suffix(".broken.json").exists()


def test_invalid_values_rejected() -> None:
    with pytest.raises(ValueError):
        Settings(generation={"temperature": 5})  # type: ignore[arg-type]
