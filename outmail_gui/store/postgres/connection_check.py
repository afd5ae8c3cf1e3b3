"""Test connection for the shared store: connect, check the schema, say as whom and with which role, in one line."""

from __future__ import annotations

import dataclasses

from outmail_gui.store.errors import StoreError
from outmail_gui.store.location import SharedStore
from outmail_gui.store.secrets import SecretStore


@dataclasses.dataclass(frozen=True, slots=True)
class ConnectionCheck:
    ok: bool
    line: str
    """"Connected as jdoe to outmail on db.corp.example: schema version 1, role helpdesk." or the error,
    which never holds the password."""


def check_connection(store: SharedStore, secrets: SecretStore | None = None) -> ConnectionCheck:
    """Open ``store`` as a window would (the schema's version checked, nothing changed) and close it again."""
    from outmail_gui.store.postgres.repository import SharedRepository

    try:
        with SharedRepository.open(store, secrets) as repository:
            status = repository.status()
            role = repository.capabilities().who
    except StoreError as exc:
        return ConnectionCheck(False, exc.message)
    return ConnectionCheck(
        True,
        f"Connected as {status.login} to {status.database} on {status.host}: "
        f"schema version {status.schema_version}, role {role}.",
    )
