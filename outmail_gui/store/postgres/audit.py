"""Reading the shared store's audit trail (written by the database's trigger; see ``schema``)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import psycopg

from outmail_gui.domain.names import normalized_name


@dataclasses.dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change of one server: who (database login, application/workstation, address), when, what."""

    at: dt.datetime
    user: str
    application: str
    client_addr: str | None
    action: str
    server_id: str
    server: str
    changes: dict[str, tuple[Any, Any]]
    """Each changed field: (old, new) as stored; ``None`` for a side that did not exist."""


def read_audit(
    conn: psycopg.Connection[tuple[Any, ...]], name: str | None = None, since: dt.datetime | None = None
) -> list[AuditEntry]:
    """The changes, oldest first; of the server now or once called ``name``, from ``since`` on."""
    query = (
        "SELECT at, db_user, application, host(client_addr), action, server_id, server_name, changes FROM audit_log"
        " WHERE (%(since)s::timestamptz IS NULL OR at >= %(since)s)"
    )
    params: dict[str, Any] = {"since": since}
    if name is not None:
        # The server called so now, and any server once called so (renamed or deleted since).
        query += (
            " AND server_id IN (SELECT id FROM servers WHERE name_key = %(key)s"
            " UNION SELECT server_id FROM audit_log"
            " WHERE lower(server_name) = lower(%(name)s) OR lower(changes -> 'name' ->> 0) = lower(%(name)s))"
        )
        params |= {"key": normalized_name(name), "name": name.strip()}
    entries = []
    for at, user, application, addr, action, server_id, server, changes in conn.execute(query + " ORDER BY id", params):
        pairs = {field: (old_new[0], old_new[1]) for field, old_new in dict(changes).items()}
        entries.append(AuditEntry(at, user, application, addr, action, server_id, server, pairs))
    return entries
