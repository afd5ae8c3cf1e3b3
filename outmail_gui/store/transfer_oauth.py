"""OAuth 2.0 settings in the JSON export: an optional ``"oauth"`` object per server.

It carries the tenant, client ID, grant type, mailbox and the secret's expiry date, never
the client secret or a token (those stay in the keyring and the encrypted cache of the
machine that has them: after an import the administrator enters the secret and authorizes).
"""

from __future__ import annotations

from typing import Any

from outmail_gui.domain.oauth import OAuthSettings, oauth_from_dict, validate_oauth
from outmail_gui.domain.rules import errors
from outmail_gui.store.interface import SettingsRepository
from outmail_gui.store.oauth_settings import OAuthSettingsStore

KEY = "oauth"
_FORBIDDEN = ("client_secret", "secret", "access_token", "refresh_token", "token")


def export_entry(settings: OAuthSettings) -> dict[str, Any] | None:
    """The ``"oauth"`` object for a server, or None when it has no OAuth settings."""
    return None if settings == OAuthSettings() else settings.to_dict()


def read_entry(value: Any) -> OAuthSettings | None:
    """Settings from a file's ``"oauth"`` object; raises ValueError with a sentence."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("oauth must be an object")
    leaked = [k for k in value if k in _FORBIDDEN]
    if leaked:
        raise ValueError(
            f"oauth contains {', '.join(leaked)}: secrets and tokens are never imported; remove them from the file"
        )
    settings = oauth_from_dict(value)
    blocking = errors(validate_oauth(settings))
    if blocking:
        raise ValueError("; ".join(f"{i.field}: {i.message.rstrip('.')}" for i in blocking))
    return settings


def all_settings(repo: SettingsRepository) -> dict[str, OAuthSettings]:
    return OAuthSettingsStore.of(repo).all()


def save(repo: SettingsRepository, server_id: str, settings: OAuthSettings) -> None:
    """Inside the import's transaction (a savepoint), like the server it belongs to."""
    OAuthSettingsStore.of(repo).save(server_id, settings)
