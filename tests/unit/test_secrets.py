"""Secrets go to a real keyring backend; a clear message when there is none."""

from __future__ import annotations

from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring

from app.core import secrets


def test_round_trip_through_a_real_backend(file_keyring: PlaintextKeyring, tmp_path: Path) -> None:
    assert secrets.get_secret("chroma-token") is None
    secrets.set_secret("chroma-token", "s3cr3t")
    assert secrets.get_secret("chroma-token") == "s3cr3t"
    assert "s3cr3t" not in "".join(p.read_text() for p in Path(tmp_path).glob("*.json"))
    secrets.delete_secret("chroma-token")
    secrets.delete_secret("chroma-token")  # twice is fine
    assert secrets.get_secret("chroma-token") is None


def test_clear_message_without_backend() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(secrets.SecretsUnavailable, match="No keyring backend"):
            secrets.set_secret("x", "y")
    finally:
        keyring.set_keyring(previous)
