"""The remote server's API key in the keyring: kept, replaced, removed, and a missing or
broken keyring read as "no key" (storing says the keyring is missing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.core import secrets
from app.core.llm import api_key
from app.core.llm.api_key import API_KEY_SECRET, clear_api_key, store_api_key, stored_api_key


def test_store_replace_and_clear(file_keyring: Any, sova_home: Path) -> None:
    assert stored_api_key() is None
    store_api_key("  sk-one \n")
    assert stored_api_key() == "sk-one"  # surrounding blanks from a paste are dropped
    assert secrets.get_secret(API_KEY_SECRET) == "sk-one"
    store_api_key("sk-two")
    assert stored_api_key() == "sk-two"
    clear_api_key()
    assert stored_api_key() is None
    clear_api_key()  # nothing stored: no error


def test_an_empty_key_removes_the_stored_one(file_keyring: Any) -> None:
    store_api_key("sk-one")
    store_api_key("   ")
    assert stored_api_key() is None


def test_no_keyring_reads_as_no_key_but_storing_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def unavailable(*args: object) -> None:
        raise secrets.SecretsUnavailable("no keyring")

    monkeypatch.setattr(secrets, "get_secret", unavailable)
    monkeypatch.setattr(secrets, "set_secret", unavailable)
    assert stored_api_key() is None
    with pytest.raises(secrets.SecretsUnavailable):
        store_api_key("sk-one")


def test_a_broken_keyring_reads_as_no_key(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def locked(*args: object) -> None:
        raise RuntimeError("the keyring is locked")

    monkeypatch.setattr(secrets, "get_secret", locked)
    with caplog.at_level("WARNING", logger=api_key.__name__):
        assert stored_api_key() is None
    assert "the keyring is locked" in caplog.text
