"""The remote server's API key in the OS keyring, never in a settings file.

Reading never fails: a missing or locked keyring reads as "no key", so a server that
needs none still works. Storing raises app.core.secrets.SecretsUnavailable when the
system has no keyring, so the settings page can say so.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

API_KEY_SECRET = "remote-llm-api-key"  # the keyring entry (service "Sova")


def store_api_key(key: str) -> None:
    """Keep the server's API key in the keyring; an empty key removes it.

    Raises app.core.secrets.SecretsUnavailable when the system has no keyring.
    """
    from app.core import secrets

    if key.strip():
        secrets.set_secret(API_KEY_SECRET, key.strip())
    else:
        secrets.delete_secret(API_KEY_SECRET)


def clear_api_key() -> None:
    """Remove the stored API key (no error if there was none)."""
    from app.core import secrets

    secrets.delete_secret(API_KEY_SECRET)


def stored_api_key() -> str | None:
    """The stored API key, or None (also when the system has no keyring)."""
    from app.core import secrets

    try:
        return secrets.get_secret(API_KEY_SECRET) or None
    except secrets.SecretsUnavailable:
        return None
    except Exception as exc:  # a locked or broken keyring must not stop a keyless server
        log.warning("could not read the API key from the keyring: %s", exc)
        return None
