"""OAuth 2.0 settings of SMTP servers in their own table, keyed by the server's id.

No secret and no token ever reaches this table: the client secret is in the keyring and
the tokens in the encrypted cache of :mod:`outmail_gui.oauth`. Rows vanish with their
server (``ON DELETE CASCADE``). Writes are one ``BEGIN IMMEDIATE`` transaction, or a
savepoint inside the caller's (``repository.transaction()``), so a server and its OAuth
settings can be saved together.
"""

from __future__ import annotations

import datetime as dt

from outmail_gui.domain.oauth import GrantType, OAuthSettings, validate_oauth
from outmail_gui.domain.rules import errors
from outmail_gui.store.errors import NotFoundError, ValidationFailed
from outmail_gui.store.extension import RepositoryExtension

_COLUMNS = "enabled, tenant, client_id, grant_type, mailbox, credential_expires_on"


class OAuthSettingsStore(RepositoryExtension):
    """OAuth 2.0 settings on the repository's connection (so they share its transactions)."""

    def get(self, server_id: str) -> OAuthSettings:
        """The server's settings; the defaults (OAuth off) when none were saved."""
        with self._errors():
            row = self._conn.execute(
                f"SELECT {_COLUMNS} FROM server_oauth WHERE server_id = ?", (server_id,)
            ).fetchone()
        return _from_row(row) if row else OAuthSettings()

    def all(self) -> dict[str, OAuthSettings]:
        with self._errors():
            rows = self._conn.execute(f"SELECT server_id, {_COLUMNS} FROM server_oauth").fetchall()
        return {row[0]: _from_row(row[1:]) for row in rows}

    def save(self, server_id: str, settings: OAuthSettings) -> None:
        """Write the settings of an existing server; raises ValidationFailed or NotFoundError."""
        blocking = errors(validate_oauth(settings))
        if blocking:
            raise ValidationFailed(blocking)
        expires = settings.client_secret_expires.isoformat() if settings.client_secret_expires else None
        with self._tx():
            if self._conn.execute("SELECT 1 FROM servers WHERE id = ?", (server_id,)).fetchone() is None:
                raise NotFoundError.server_gone()
            self._conn.execute(
                f"INSERT INTO server_oauth (server_id, {_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(server_id) DO UPDATE SET enabled = excluded.enabled, tenant = excluded.tenant, "
                "client_id = excluded.client_id, grant_type = excluded.grant_type, mailbox = excluded.mailbox, "
                "credential_expires_on = excluded.credential_expires_on",
                (
                    server_id,
                    settings.enabled,
                    settings.tenant.strip(),
                    settings.client_id.strip(),
                    settings.grant_type.value,
                    settings.mailbox.strip(),
                    expires,
                ),
            )

    def delete(self, server_id: str) -> None:
        with self._tx():
            self._conn.execute("DELETE FROM server_oauth WHERE server_id = ?", (server_id,))


def _from_row(row: tuple[object, ...]) -> OAuthSettings:
    enabled, tenant, client_id, grant, mailbox, expires = row
    return OAuthSettings(
        enabled=bool(enabled),
        tenant=str(tenant),
        client_id=str(client_id),
        grant_type=GrantType(str(grant)),
        mailbox=str(mailbox),
        client_secret_expires=dt.date.fromisoformat(str(expires)) if expires else None,
    )
