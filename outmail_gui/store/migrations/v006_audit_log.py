"""Version 6: the audit trail of the local store, written by triggers (see store.local_audit).

Every insert, update and delete of a server adds one ``audit_log`` row in the same
transaction, whoever makes it: Outmail or a raw ``sqlite3`` shell. The row has the shape of
the shared store's trail: time (UTC), user, application, action, server, and each changed
field as ``[old, new]`` (``revision`` and ``name_key`` are bookkeeping, left out as there).
The triggers cannot know who is connected: they write ``unknown`` / ``sqlite3 shell or
another program``, and Outmail's own connection corrects that to the OS login and its
workstation with a temporary trigger of its own. No secret is ever in the database, so
none can be in the trail.

The column list is spelled out here: a migration is history and must not follow later
changes of the ``servers`` table.
"""

from __future__ import annotations

_BOOLEANS = (
    "active",
    "use_ssl",
    "auth_auto",
    "use_nt_authentication",
    "send_receipt",
    "chunking",
    "is_default",
    "sent_from_analyst",
    "reply_to_forwarding_analyst",
)
_COLUMNS = (
    "id",
    "protocol",
    "name",
    "server",
    "port",
    "login_id",
    "active",
    "use_ssl",
    "pager_encoding",
    "auth_auto",
    "auth_methods",
    "use_nt_authentication",
    "send_receipt",
    "connection_timeout_s",
    "chunking",
    "outgoing_email_id",
    "is_default",
    "sent_from_analyst",
    "reply_to_forwarding_analyst",
    "partition",
    "trusted_cert_sha256",
)


def _value(row: str | None, column: str) -> str:
    """A column of OLD/NEW as a JSON value (booleans as true/false, as PostgreSQL's trail has them)."""
    if row is None:
        return "NULL"
    if column in _BOOLEANS:
        return f"json(CASE {row}.{column} WHEN 1 THEN 'true' WHEN 0 THEN 'false' END)"
    return f"{row}.{column}"


def _trigger(action: str, old: str | None, new: str | None) -> str:
    pairs = " UNION ALL ".join(
        f"SELECT '{c}' AS field, json_array({_value(old, c)}, {_value(new, c)}) AS pair"
        + (f" WHERE OLD.{c} IS NOT NEW.{c}" if old and new else "")
        for c in _COLUMNS
    )
    row = new or old
    return f"""
    CREATE TRIGGER servers_audit_{action} AFTER {action.upper()} ON servers BEGIN
        INSERT INTO audit_log (action, server_id, server_name, changes)
        SELECT '{action}', {row}.id, {row}.name, changes FROM (
            SELECT json_group_object(field, json(pair)) AS changes, count(*) AS changed FROM ({pairs})
        ) WHERE changed > 0;
    END
    """


STATEMENTS: tuple[str, ...] = (
    """
    CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
        user_name TEXT NOT NULL DEFAULT 'unknown',
        application TEXT NOT NULL DEFAULT 'sqlite3 shell or another program',
        action TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
        server_id TEXT NOT NULL,
        server_name TEXT NOT NULL,
        changes TEXT NOT NULL CHECK (json_valid(changes))
    ) STRICT
    """,
    "CREATE INDEX audit_log_server ON audit_log(server_id, at)",
    "CREATE INDEX audit_log_at ON audit_log(at)",
    _trigger("insert", None, "NEW"),
    _trigger("update", "OLD", "NEW"),
    _trigger("delete", "OLD", None),
)
