"""Shared test setup: user dirs in tmp, sockets blocked, GUI tests auto-marked.

Assembled models are shared across tests and runs in tests/.data/models (git-ignored):
assembling the 1.1 GB default model per test would dominate the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.main import offline_environment

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "tests" / "data"  # small committed files (see tests/data/SOURCES.md)
FETCHED = ROOT / "tests" / ".data"  # fetched by tests/data/fetch.sh from package registries
MODELS_DIR = FETCHED / "models"

offline_environment()
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["SOVA_MODELS_DIR"] = str(MODELS_DIR)
# Background titles would rename conversations behind the tests' backs; the tests of
# the feature turn it on explicitly (Settings(auto_titles=True)).
os.environ["SOVA_AUTO_TITLES"] = "false"
# Background memory extraction would send the fake models' replies extra requests; the
# memory tests turn it on explicitly (Settings(memory=MemorySettings(extract=True))).
os.environ["SOVA_MEMORY__EXTRACT"] = "false"


def pytest_configure(config: pytest.Config) -> None:
    # Block every socket except Unix ones (multiprocessing pipes, PulseAudio); tests
    # that talk to a loopback server opt in with @pytest.mark.enable_socket.
    config.option.disable_socket = True
    config.option.allow_unix_socket = True
    config.addinivalue_line("markers", "enable_socket: allow sockets in this test")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        parts = Path(str(item.fspath)).parts
        if "gui" in parts:
            item.add_marker(pytest.mark.gui)
        if "integration" in parts:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def sova_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets fresh user dirs; models stay shared."""
    home = tmp_path / "sova-home"
    monkeypatch.setenv("SOVA_HOME", str(home))
    monkeypatch.setenv("SOVA_MODELS_DIR", str(MODELS_DIR))
    return home


@pytest.fixture(scope="session")
def fetched() -> Path:
    """Material fetched by tests/data/fetch.sh (run by `make test`)."""
    if not (FETCHED / ".complete").exists():
        pytest.fail("tests/.data is missing: run `make test` (it runs tests/data/fetch.sh)")
    return FETCHED


@pytest.fixture
def file_keyring(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A real file-based keyring backend (keyrings.alt) in tmp; CI has no system keyring."""
    import keyring
    from keyrings.alt.file import PlaintextKeyring

    previous = keyring.get_keyring()
    kr = PlaintextKeyring()
    kr.file_path = str(tmp_path / "keyring.cfg")  # type: ignore[misc]
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(previous)
