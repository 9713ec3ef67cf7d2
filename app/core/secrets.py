"""Secrets (API tokens) in the OS keyring; never in a settings file."""

from __future__ import annotations

SERVICE = "Sova"


class SecretsUnavailable(RuntimeError):
    """No usable keyring backend on this system."""


def _keyring():  # type: ignore[no-untyped-def]
    import keyring
    from keyring.backends import fail

    kr = keyring.get_keyring()
    if isinstance(kr, fail.Keyring):
        raise SecretsUnavailable(
            "No keyring backend is available to store secrets. Install and unlock a "
            "system keyring (GNOME Keyring, KWallet, macOS Keychain, Windows Credential "
            "Manager), or install 'keyrings.alt' for a file-based keyring."
        )
    return keyring


def get_secret(name: str) -> str | None:
    """The stored secret, or None if there is none."""
    return _keyring().get_password(SERVICE, name)  # type: ignore[no-any-return]


def set_secret(name: str, value: str) -> None:
    """Store or replace a secret."""
    _keyring().set_password(SERVICE, name, value)


def delete_secret(name: str) -> None:
    """Remove a secret; no error if it was not there."""
    import keyring.errors

    try:
        _keyring().delete_password(SERVICE, name)
    except keyring.errors.PasswordDeleteError:
        pass
