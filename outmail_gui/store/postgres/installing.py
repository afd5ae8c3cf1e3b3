"""``store init`` and ``store migrate`` for the shared schema, and the version check every opening makes.

An ordinary client never changes the schema: it refuses a database without the schema, an
older one (run ``store migrate``) and a newer one (upgrade Outmail), each with one line.
"""

from __future__ import annotations

import psycopg
from psycopg import errors as pg
from psycopg import sql

from outmail_gui.store.errors import SchemaTooNewError, StoreError
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.connection import shared_errors
from outmail_gui.store.postgres.schema import GRANTS, GROUP_ROLES, SCHEMA, STEPS, schema_version

Connection = psycopg.Connection[tuple[object, ...]]
_MIGRATION_LOCK = 0x6F75746D  # pg_advisory_xact_lock key: one init/migrate at a time


def installed_version(conn: Connection) -> int | None:
    """The shared schema's version, or ``None`` when the database has none."""
    if conn.execute("SELECT to_regclass(%s)", (f"{SCHEMA}.schema_version",)).fetchone() == (None,):
        return None
    row = conn.execute(f"SELECT version FROM {SCHEMA}.schema_version").fetchone()
    return None if row is None else int(str(row[0]))


def check_version(conn: Connection, store: SharedStore) -> None:
    """Refuse a database this build cannot use as it is, naming the command that fixes it."""
    with shared_errors(store):
        found = installed_version(conn)
    known = schema_version()
    if found is None:
        raise StoreError(
            f"The database {store.shown} holds no Outmail settings yet: run outmail-gui --store URL store init."
        )
    if found > known:
        raise SchemaTooNewError(
            f"The shared settings database {store.shown} has schema version {found}, newer than this Outmail "
            f"knows ({known}); it was left untouched. Upgrade Outmail on this workstation.",
            found,
            known,
        )
    if found < known:
        raise StoreError(
            f"The shared settings database {store.shown} has schema version {found}; this Outmail needs {known}. "
            "Its administrator upgrades it with: outmail-gui --store URL store migrate."
        )


def initialise(conn: Connection, store: SharedStore) -> list[str]:
    """Create the schema (if missing) and the group roles with their grants (when this login may); what was done."""
    done: list[str] = []
    with shared_errors(store), conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        found = installed_version(conn)
        if found is None:
            _apply(conn, 0)
            done.append(f"created the Outmail schema (version {schema_version()})")
        elif found != schema_version():
            check_version(conn, store)
        else:
            done.append(f"the Outmail schema is already at version {found}")
        done.extend(_roles(conn))
    return done


def migrate(conn: Connection, store: SharedStore) -> str:
    """Upgrade the schema to this build's version, each step in the one transaction; what was done."""
    with shared_errors(store), conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        found = installed_version(conn)
        if found is None or found > schema_version():
            check_version(conn, store)
        assert found is not None
        if found == schema_version():
            return f"the shared schema is already at version {found}; nothing to do"
        _apply(conn, found)
        _roles(conn)
        return f"upgraded the shared schema from version {found} to {schema_version()}"


def _apply(conn: Connection, start: int) -> None:
    conn.execute(f"SET LOCAL search_path = {SCHEMA}, pg_catalog")
    if start == 0:
        conn.execute(STEPS[0][0])  # CREATE SCHEMA: before the search path can find anything in it
        steps = [STEPS[0][1:], *STEPS[1:]]
    else:
        steps = list(STEPS[start:])
    for statements in steps:
        for statement in statements:
            conn.execute(statement.encode())
    conn.execute(
        "INSERT INTO schema_version (version) VALUES (%s) ON CONFLICT (only_row) DO UPDATE SET version = %s",
        (schema_version(), schema_version()),
    )


def _roles(conn: Connection) -> list[str]:
    """Create the group roles this login may create, then grant them their rights (idempotent)."""
    conn.execute(f"SET LOCAL search_path = {SCHEMA}, pg_catalog")
    may_create = conn.execute("SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user").fetchone()
    found = conn.execute("SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", (list(GROUP_ROLES),))
    existing = {str(r[0]) for r in found}
    missing = [role for role in GROUP_ROLES if role not in existing]
    if missing and not (may_create and may_create[0]):
        return [
            f"the group roles {', '.join(missing)} were not created: this login may not create roles "
            "(ask a database administrator to run store init, or to create them)"
        ]
    for role in missing:
        conn.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
    for statement in GRANTS:
        try:
            with conn.transaction():
                conn.execute(statement.encode())
        except pg.InsufficientPrivilege:
            return ["the grants and row-level security were not set: only the schema's owner may set them"]
    created = f" (created {', '.join(missing)})" if missing else ""
    return [f"granted the group roles {', '.join(GROUP_ROLES)} their rights{created}"]
