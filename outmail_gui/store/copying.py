"""``store copy``: settings, partitions, analysts and test history from one store to another, either back end.

The two schemas have the same tables and columns (``store.migrations``, ``store.postgres.schema``),
so rows are copied by name. The whole copy is one transaction on the target (all or nothing);
it merges, never deletes, and is idempotent: rows already there with the same values count as
unchanged, so a second run changes nothing. A server is matched by its id; a target server
holding the same name under another id stops the copy (nothing is written) and is named.
A server updated by the copy gets a new revision, so a window editing the old one is told.
Secrets are never copied: they live in each workstation's keyring, keyed by the server id,
which the copy keeps.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from typing import Any

from outmail_gui.store import rows
from outmail_gui.store.errors import StoreError


@dataclasses.dataclass(frozen=True, slots=True)
class Side:
    """One store's open connection, as the copy needs it: its placeholder and how it stores booleans."""

    conn: Any  # sqlite3.Connection or psycopg.Connection: both have execute(query, params) -> cursor
    native_booleans: bool  # PostgreSQL's boolean; SQLite's 0/1

    def rows(self, table: Table) -> list[tuple[Any, ...]]:
        selected = ", ".join(f"{c}::int" if self.native_booleans and c in table.booleans else c for c in table.columns)
        found = self.conn.execute(f"SELECT {selected} FROM {table.name}").fetchall()
        return [tuple(_plain(v) for v in row) for row in found]

    def write(self, sql: str, values: Sequence[Any], table: Table, columns: Sequence[str]) -> None:
        marked = sql.replace("?", "%s") if self.native_booleans else sql
        stored = [
            bool(v) if self.native_booleans and c in table.booleans else v for c, v in zip(columns, values, strict=True)
        ]
        self.conn.execute(marked.encode() if self.native_booleans else marked, stored)


@dataclasses.dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[str, ...]
    key: tuple[str, ...]  # what makes two rows the same row
    booleans: frozenset[str] = frozenset()

    def index(self, column: str) -> int:
        return self.columns.index(column)


PARTITIONS = Table("partitions", ("name", "name_key", "revision"), ("name_key",))
ANALYSTS = Table(
    "analysts",
    ("login", "login_key", "display_name", "email", "revision", "unpartitioned"),
    ("login_key",),
    frozenset({"unpartitioned"}),
)
GRANTS = Table("analyst_partitions", ("login", "partition"), ("login", "partition"))
APP_SETTINGS = Table("app_settings", ("key", "value"), ("key",))
SERVERS = Table("servers", rows.COLUMNS, ("id",), rows.BOOL_FIELDS)
OAUTH = Table(
    "server_oauth",
    ("server_id", "enabled", "tenant", "client_id", "grant_type", "mailbox", "credential_expires_on"),
    ("server_id",),
    frozenset({"enabled"}),
)
HISTORY = Table(
    "test_history",
    ("server_id", "started_at", "outcome", "failed_step", "summary", "duration_ms", "certificate_not_after"),
    ("server_id", "started_at", "outcome", "summary"),
)
ORDER = (PARTITIONS, ANALYSTS, GRANTS, APP_SETTINGS, SERVERS, OAUTH, HISTORY)


@dataclasses.dataclass(slots=True)
class Counts:
    added: int = 0
    updated: int = 0
    unchanged: int = 0


Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(source: Side) -> Snapshot:
    """Every copied table's rows (read inside one transaction on ``source``, for a consistent copy)."""
    return {table.name: source.rows(table) for table in ORDER}


def copy_rows(source: Snapshot, target: Side) -> dict[str, Counts]:
    """Merge ``source`` into ``target`` (inside the caller's transaction on ``target``); counts by table."""
    counts: dict[str, Counts] = {}
    names: dict[str, dict[Any, Any]] = {}  # a partition or login spelled as the target has it
    for table in ORDER:
        counts[table.name] = _copy_table(source[table.name], target, table, names)
    return counts


def _copy_table(source: list[tuple[Any, ...]], target: Side, table: Table, names: dict[str, dict[Any, Any]]) -> Counts:
    counts = Counts()
    existing = {_key(table, row): row for row in target.rows(table)}
    incoming = [_renamed(table, row, names) for row in source]
    if table is SERVERS:
        _check_names(incoming, existing)
        _clear_default(target, incoming)
        existing = {_key(table, row): row for row in target.rows(table)}
    for row in incoming:
        key = _key(table, row)
        there = existing.get(key)
        if table in (PARTITIONS, ANALYSTS):
            spelled = there[0] if there is not None else row[0]
            names.setdefault(table.name, {})[row[0]] = spelled
        if there is None:
            columns = ", ".join(table.columns)
            target.write(
                f"INSERT INTO {table.name} ({columns}) VALUES ({', '.join('?' * len(table.columns))})",
                row, table, table.columns,
            )  # fmt: skip
            counts.added += 1
        elif _content(table, there) == _content(table, row):
            counts.unchanged += 1
        elif table in (PARTITIONS, ANALYSTS, GRANTS, HISTORY):
            counts.unchanged += 1  # the same partition, login or test: the target's spelling stays
        else:
            _update(target, table, row, there)
            counts.updated += 1
    return counts


def _update(target: Side, table: Table, row: tuple[Any, ...], there: tuple[Any, ...]) -> None:
    values = list(row)
    if "revision" in table.columns:  # a new revision: a window holding the old one is told at Save
        at = table.index("revision")
        values[at] = max(int(row[at]), int(there[at]) + 1)
    columns = [c for c in table.columns if c not in table.key]
    settings = ", ".join(f"{c} = ?" for c in columns)
    where = " AND ".join(f"{c} = ?" for c in table.key)
    ordered = [values[table.index(c)] for c in columns] + [values[table.index(c)] for c in table.key]
    target.write(f"UPDATE {table.name} SET {settings} WHERE {where}", ordered, table, [*columns, *table.key])


def _check_names(incoming: list[tuple[Any, ...]], existing: dict[tuple[Any, ...], tuple[Any, ...]]) -> None:
    key_at, id_at, name_at = SERVERS.index("name_key"), SERVERS.index("id"), SERVERS.index("name")
    taken = {row[key_at]: row for row in existing.values()}
    for row in incoming:
        other = taken.get(row[key_at])
        if other is not None and other[id_at] != row[id_at]:
            raise StoreError(
                f"Nothing was copied: the target already has a different server named {other[name_at]!r} "
                f"(id {other[id_at]}); rename or delete one of them first."
            )


def _clear_default(target: Side, incoming: list[tuple[Any, ...]]) -> None:
    """The source's default becomes the target's: the previous one is cleared first (one default at a time)."""
    default_at, id_at = SERVERS.index("is_default"), SERVERS.index("id")
    defaults = [row[id_at] for row in incoming if row[default_at]]
    if defaults:
        target.write(
            "UPDATE servers SET is_default = ?, revision = revision + 1 WHERE is_default = ? AND id <> ?",
            [0, 1, defaults[0]], SERVERS, ["is_default", "is_default", "id"],
        )  # fmt: skip


def _renamed(table: Table, row: tuple[Any, ...], names: dict[str, dict[Any, Any]]) -> tuple[Any, ...]:
    """``row`` with its partition and login spelled as the target's rows are (they are matched by key)."""
    renames = {"partition": names.get("partitions", {}), "login": names.get("analysts", {})}
    if table in (PARTITIONS, ANALYSTS):
        return row
    return tuple(
        renames[column].get(value, value) if column in renames else value
        for column, value in zip(table.columns, row, strict=True)
    )


def _key(table: Table, row: tuple[Any, ...]) -> tuple[Any, ...]:
    return tuple(row[table.index(c)] for c in table.key)


def _content(table: Table, row: tuple[Any, ...]) -> tuple[Any, ...]:
    """What a copy compares: every column but the revision (which only the copy's own update changes)."""
    return tuple(v for c, v in zip(table.columns, row, strict=True) if c != "revision")


def _plain(value: Any) -> Any:
    """A value both back ends store alike (PostgreSQL's dates as ISO text, as SQLite keeps them)."""
    isoformat = getattr(value, "isoformat", None)
    return isoformat() if callable(isoformat) else value


def summary(counts: dict[str, Counts]) -> Iterator[str]:
    labels = {
        "servers": "servers", "partitions": "partitions", "analysts": "analysts",
        "analyst_partitions": "analysts' partitions", "app_settings": "store settings",
        "server_oauth": "OAuth settings", "test_history": "test results",
    }  # fmt: skip
    for table in ORDER:
        c = counts[table.name]
        yield f"{labels[table.name]}: {c.added} added, {c.updated} updated, {c.unchanged} unchanged"
