"""Everything a deleted server left in the keyring and the token cache, removed in one place.

The window and the CLI both call :func:`remove_server_secrets` after the settings are gone,
so neither can forget the OAuth 2.0 part or claim a clean delete when the keyring failed.
"""

from __future__ import annotations

from pathlib import Path

from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.secrets import (
    KeyringDismissedError,
    KeyringLockedError,
    KeyringUnavailableError,
    SecretStore,
    SecretStoreError,
)


def keyring_problem(exc: SecretStoreError) -> str:
    """What is wrong with the keyring, as a clause (the store's messages are written for saving)."""
    if isinstance(exc, KeyringUnavailableError):
        return "no usable keyring is available (is the desktop keyring running?)"
    if isinstance(exc, KeyringLockedError):
        return "the keyring is locked"
    if isinstance(exc, KeyringDismissedError):
        return "its unlock prompt was dismissed or could not be shown"
    return exc.message.rstrip(".")


def remove_server_secrets(data_dir: Path, secrets: SecretStore, record: ServerSettings) -> str:
    """Remove ``record``'s password, OAuth 2.0 tokens and client secret; "" or why some remain."""
    try:
        secrets.delete_password(record.id)
    except SecretStoreError as exc:
        return (
            f"its password could not be removed from the keyring: {keyring_problem(exc)}. Any password "
            f"it had is still there (service {SecretStore.SERVICE!r}, user {record.id!r}); remove it once "
            f"the keyring is available, for example with: keyring del {SecretStore.SERVICE} {record.id}"
        )
    if not record.is_smtp:
        return ""
    from outmail_gui.oauth.errors import OAuthError
    from outmail_gui.oauth.manager import TokenManager

    try:
        TokenManager.for_data_dir(data_dir, secrets).delete_server(record.id)
    except OAuthError as exc:
        return f"its OAuth 2.0 token or client secret could not be removed: {exc.message}"
    return ""
