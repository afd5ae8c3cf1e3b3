"""Reading the shared store's audit trail (written by the database's trigger; see ``schema``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import psycopg

from outmail_gui.domain.names import normalized_name
from outmail_gui.store.audit import AuditEntry, ordered_changes

_COLUMNS = "at, db_user, application, host(client_addr), action, server_id, server_name, changes"


def read_audit(
    conn: psycopg.Connection[tuple[Any, ...]],
    name: str | None = None,
    since: dt.datetime | None = None,
    server_id: str | None = None,
) -> list[AuditEntry]:
    """The changes, oldest first: of ``server_id``, or of the server now or once called ``name``, from ``since`` on."""
    query = f"SELECT {_COLUMNS} FROM audit_log WHERE (%(since)s::timestamptz IS NULL OR at >= %(since)s)"
    params: dict[str, Any] = {"since": since}
    if server_id is not None:
        query += " AND server_id = %(server_id)s"
        params["server_id"] = server_id
    if name is not None:
        # The server called so now, and any server once called so (renamed or deleted since).
        query += (
            " AND server_id IN (SELECT id FROM servers WHERE name_key = %(key)s"
            " UNION SELECT server_id FROM audit_log"
            " WHERE lower(server_name) = lower(%(name)s) OR lower(changes -> 'name' ->> 0) = lower(%(name)s))"
        )
        params |= {"key": normalized_name(name), "name": name.strip()}
    return [_entry(row) for row in conn.execute(query + " ORDER BY id", params)]


def last_change(conn: psycopg.Connection[tuple[Any, ...]], server_id: str) -> AuditEntry | None:
    """The newest change of ``server_id`` (who changed it, when), or None when none is recorded."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM audit_log WHERE server_id = %s ORDER BY at DESC, id DESC LIMIT 1", (server_id,)
    ).fetchone()
    return None if row is None else _entry(row)


def _entry(row: tuple[Any, ...]) -> AuditEntry:
    at, user, application, addr, action, server_id, server, changes = row
    return AuditEntry(at, user, application, addr, action, server_id, server, ordered_changes(changes))
