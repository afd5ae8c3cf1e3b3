"""Databases as an older Outmail left them: built from the schema's own SQL steps, never by
today's repository code (which expects today's columns)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from outmail_gui.domain.settings import ServerSettings
from outmail_gui.paths import database_path
from outmail_gui.store import migrations, rows


def database_at_version(data_dir: Path, version: int) -> sqlite3.Connection:
    """A new database in ``data_dir`` at schema ``version`` (its SQL steps only), open for filling."""
    conn = sqlite3.connect(database_path(data_dir), isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    for step in migrations.MIGRATIONS[:version]:
        assert not callable(step), "build older versions from SQL steps only"
        for statement in step:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {version}")
    return conn


def insert_server(conn: sqlite3.Connection, record: ServerSettings, name_key: str | None = None) -> None:
    """``record`` as a row (revision 1); ``name_key`` as the older build computed it."""
    row = rows.to_row(record.with_changes(revision=1))
    row["name_key"] = name_key if name_key is not None else record.name.strip().casefold()
    conn.execute(rows.INSERT, row)
