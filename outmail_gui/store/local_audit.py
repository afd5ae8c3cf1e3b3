"""The local store's audit trail: SQLite triggers write it (schema v006), Outmail tags its own changes.

A trigger cannot know who is connected, so the schema's triggers record ``unknown`` through
``sqlite3 shell or another program``; :func:`tag_own_changes` gives Outmail's connection a
temporary trigger (it exists for that connection only) that sets the OS login and "outmail-gui
on HOST" on every entry the connection's changes write, in the same statement.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from outmail_gui.domain.names import normalized_name
from outmail_gui.store.audit import AuditEntry, ordered_changes
from outmail_gui.store.rows import lenient_text, shown
from outmail_gui.store.workstation import application_name, os_login

UNKNOWN_USER = "unknown"
_SELECT = "SELECT id, at, user_name, application, action, server_id, server_name, changes FROM audit_log"


def tag_own_changes(conn: sqlite3.Connection) -> None:
    """Make the entries this connection's changes write name this workstation's login and host."""
    conn.create_function("outmail_audit_user", 0, _user)
    conn.create_function("outmail_audit_application", 0, application_name)
    conn.execute(
        "CREATE TEMP TRIGGER IF NOT EXISTS audit_log_by_outmail AFTER INSERT ON main.audit_log BEGIN"
        " UPDATE audit_log SET user_name = outmail_audit_user(), application = outmail_audit_application()"
        " WHERE id = NEW.id; END"
    )


def _user() -> str:
    return os_login() or UNKNOWN_USER


def read_local_audit(
    conn: sqlite3.Connection,
    name: str | None = None,
    since: dt.datetime | None = None,
    server_id: str | None = None,
) -> list[AuditEntry]:
    """The changes, oldest first: of ``server_id``, or of the server now or once called ``name``, from ``since`` on.

    Read leniently: text that is not UTF-8 is shown with U+FFFD; an entry no trigger wrote (a
    time or changes that cannot be read) raises :class:`DamagedEntry`.
    """
    query = _SELECT
    params: list[str] = []
    conditions = []
    if since is not None:
        conditions.append("at >= ?")
        params.append(since.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z")
    if server_id is not None:
        conditions.append("server_id = ?")
        params.append(server_id)
    if conditions:
        query += " WHERE " + " AND ".join(conditions)
    with lenient_text(conn):
        found = conn.execute(query + " ORDER BY id", params).fetchall()
        ids = _ids_called(conn, name) if name is not None else None
    return [_entry(row) for row in found if ids is None or row[5] in ids]


def last_local_change(conn: sqlite3.Connection, server_id: str) -> AuditEntry | None:
    """The newest change of ``server_id`` (who changed it, when), or None when none is recorded."""
    with lenient_text(conn):
        row = conn.execute(_SELECT + " WHERE server_id = ? ORDER BY id DESC LIMIT 1", (server_id,)).fetchone()
    return None if row is None else _entry(row)


def _ids_called(conn: sqlite3.Connection, name: str) -> set[str]:
    """The server called ``name`` now, and every server once called so (renamed or deleted since)."""
    key = normalized_name(name)
    ids = {str(r[0]) for r in conn.execute("SELECT id FROM servers WHERE name_key = ?", (key,))}
    names = conn.execute(
        "SELECT server_id, server_name, CASE WHEN json_valid(changes) THEN changes ->> '$.name[0]' END FROM audit_log"
    )
    for server_id, current, former in names:
        if any(isinstance(n, str) and normalized_name(n) == key for n in (current, former)):
            ids.add(server_id)
    return ids


class DamagedEntry(Exception):
    """An audit entry that cannot be read: ``label`` names it, ``what`` says why (as ``rows.DamagedRow``)."""

    def __init__(self, label: str, what: str) -> None:
        super().__init__(what)
        self.label = label
        self.what = what


def _entry(row: tuple[object, ...]) -> AuditEntry:
    number, at, user, application, action, server_id, server, changes = row
    try:
        when = dt.datetime.fromisoformat(str(at))
        pairs = ordered_changes(json.loads(str(changes)))
    except (ValueError, TypeError, IndexError, AttributeError):
        label = f"entry {number} of the audit trail (server {shown(server)!r})"
        raise DamagedEntry(label, "its time or its changes are not what Outmail's triggers write") from None
    return AuditEntry(
        when if when.tzinfo else when.replace(tzinfo=dt.UTC),
        shown(user),
        shown(application),
        None,
        shown(action),
        shown(server_id),
        shown(server),
        {field: (_shown(old), _shown(new)) for field, (old, new) in pairs.items()},
    )


def _shown(value: object) -> object:
    return shown(value) if isinstance(value, str) else value
