"""Version 2: OAuth 2.0 settings of SMTP servers (never a secret or token; see store.oauth_settings).

The grant names are spelled out: a migration is history and must not change when the enum grows.
"""

from __future__ import annotations

STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE server_oauth (
        server_id TEXT NOT NULL PRIMARY KEY REFERENCES servers(id) ON DELETE CASCADE,
        enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
        tenant TEXT NOT NULL,
        client_id TEXT NOT NULL,
        grant_type TEXT NOT NULL CHECK (grant_type IN ('client_credentials', 'device_code', 'authorization_code')),
        mailbox TEXT NOT NULL,
        credential_expires_on TEXT CHECK (  -- the client secret's expiry date; never the secret itself
            credential_expires_on IS NULL OR date(credential_expires_on) = credential_expires_on
        )
    ) STRICT
    """,
)
