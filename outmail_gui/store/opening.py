"""Opening the database: refuse newer schemas, check integrity, back up, migrate.

Order matters: nothing is written (not even the journal mode) before the file is known
to be ours, not newer than this build and not damaged.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path

from outmail_gui.paths import database_path
from outmail_gui.store import backups as bk
from outmail_gui.store import migrations
from outmail_gui.store.connection import (
    BUSY_TIMEOUT_MS,
    configure,
    connect,
    corrupt_message,
    disk_full,
    immediate,
    store_error,
)
from outmail_gui.store.errors import DatabaseCorruptError, SchemaTooNewError, StoreEnvironmentError, StoreError
from outmail_gui.store.local_audit import tag_own_changes
from outmail_gui.store.private_files import create_private_file
from outmail_gui.store.rows import lenient_text, shown


class IntegrityCheck:
    """``PRAGMA quick_check`` of a data directory's database, run on a helper thread.

    The window starts one before it loads Qt: SQLite reads the whole file with the GIL released,
    so the check runs alongside the import instead of after it (≈ 8 ms of start-up with 10,000
    servers). :func:`open_database` waits for it and takes its findings instead of checking
    again; when it could not run (no file yet, a file SQLite cannot read, a lock) the opening
    checks on its own connection as always, so every error is still reported by one path.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = database_path(Path(data_dir)).absolute()
        self._problems: list[str] | None = None
        self._thread = threading.Thread(target=self._run, name="outmail-integrity-check", daemon=True)

    @classmethod
    def start(cls, data_dir: Path) -> IntegrityCheck:
        check = cls(data_dir)
        check._thread.start()
        return check

    def problems(self) -> list[str] | None:
        """What the check found (``["ok"]``: nothing), or None when it could not run; waits for it."""
        self._thread.join()
        return self._problems

    def _run(self) -> None:
        try:
            # mode=rw: never creates the file; opening does that once it has checked everything else.
            conn = sqlite3.connect(f"{self.path.as_uri()}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        except sqlite3.Error:
            return
        try:
            self._problems = quick_check(conn)
        except sqlite3.Error:
            self._problems = None
        finally:
            conn.close()


def open_database(
    data_dir: Path, *, daily_backup: bool = True, integrity: IntegrityCheck | None = None
) -> tuple[sqlite3.Connection, str | None]:
    """An open, configured, current connection, and a warning if the daily backup failed.

    ``daily_backup=False`` leaves the daily copy to the caller (:func:`daily_backup_if_due`),
    e.g. the window makes it just after its first paint. Integrity is checked either way:
    ``integrity``, a check of this directory's file started earlier, saves checking again.
    """
    path = database_path(data_dir)
    if integrity is not None and integrity.path != path.absolute():
        raise ValueError(f"the integrity check is of {integrity.path}, not {path}")
    _refuse_emptied_file(data_dir, path)
    with contextlib.suppress(OSError):  # a read-only folder: opening says so below
        create_private_file(path)  # SQLite would create it 0644; its -wal and -shm follow its mode
    try:
        conn = connect(path)
    except sqlite3.Error as exc:
        if _read_only(data_dir, path):
            return _open_read_only(data_dir, path), None
        raise _as_store_error(exc, data_dir) from None
    try:
        warning = _prepare(conn, data_dir, path, daily_backup, integrity)
    except sqlite3.Error as exc:
        conn.close()
        if _read_only(data_dir, path):
            return _open_read_only(data_dir, path), None
        raise _as_store_error(exc, data_dir) from None
    except BaseException:
        conn.close()
        raise
    return conn, warning


def _read_only(data_dir: Path, path: Path) -> bool:
    """Whether the store cannot be written (a read-only or full disk, a read-only folder) but its file is there."""
    writable = os.access(data_dir, os.W_OK) and os.access(path, os.W_OK)
    return path.is_file() and (not writable or disk_full(data_dir))


def _open_read_only(data_dir: Path, path: Path) -> sqlite3.Connection:
    """A connection that reads and never writes (no journal, no backup, no migration).

    SQLite reads a WAL database read-only when its ``-shm`` file exists; in a folder where it
    cannot be created the file is opened as immutable, which is exact only while no ``-wal``
    holds commits: one that does (a crash on a disk since made read-only) is refused.
    """
    wal = path.with_name(path.name + "-wal")
    uri = path.absolute().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, isolation_level=None)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        if wal.exists() and wal.stat().st_size > 0:
            raise StoreEnvironmentError(
                f"The settings database {path} is on a read-only disk or folder and its journal ({wal.name}) "
                "holds changes that only a writable folder can take in: make the folder writable once."
            ) from None
        conn = sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, isolation_level=None)
    try:
        version, supported = user_version(conn), migrations.schema_version()
        if version != supported:
            raise StoreEnvironmentError(
                f"The settings database {path} is read-only and has schema {version} (this version of "
                f"Outmail uses {supported}); it cannot be read without being upgraded first."
            )
        problems = quick_check(conn)
        if problems != ["ok"]:
            found = bk.list_backups(data_dir)
            raise DatabaseCorruptError(corrupt_message(path, "; ".join(problems[:3]), found), path, found)
    except sqlite3.Error as exc:
        conn.close()
        raise _as_store_error(exc, data_dir) from None
    except BaseException:
        conn.close()
        raise
    return conn


def _prepare(
    conn: sqlite3.Connection,
    data_dir: Path,
    path: Path,
    daily_backup: bool = True,
    integrity: IntegrityCheck | None = None,
) -> str | None:
    version = user_version(conn)
    supported = migrations.schema_version()
    if version < 0:
        found = bk.list_backups(data_dir)
        detail = f"its schema version {version} is unknown: the file's header is damaged"
        raise DatabaseCorruptError(corrupt_message(path, detail, found), path, found)
    if version > supported:
        raise SchemaTooNewError(
            f"The settings database {path} was written by a newer version of Outmail "
            f"(schema {version}; this version understands up to {supported}). It was not changed: "
            "update Outmail, or use --data-dir to work on another folder.",
            found=version,
            supported=supported,
        )
    problems = integrity.problems() if integrity is not None else None
    if problems is None:
        problems = quick_check(conn)
    if problems != ["ok"]:
        found = bk.list_backups(data_dir)
        raise DatabaseCorruptError(corrupt_message(path, "; ".join(problems[:3]), found), path, found)
    configure(conn)
    notices = migrate(conn, data_dir, version) if version < supported else []
    tag_own_changes(conn)
    if version > 0 and daily_backup:
        notices.append(daily_backup_if_due(conn, data_dir) or "")
    return " ".join(n for n in notices if n) or None


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's quick check; its findings may quote damaged text, so they are read leniently."""
    try:
        with lenient_text(conn):
            return [shown(row[0]) for row in conn.execute("PRAGMA quick_check").fetchall()]
    except UnicodeDecodeError:  # SQLite's own error text quoted bytes that are not UTF-8
        return ["the file's structure is damaged (SQLite's report of it is not readable text)"]


def daily_backup_if_due(conn: sqlite3.Connection, data_dir: Path) -> str | None:
    """Copy the database when the newest backup is a day old; a warning if the copy failed."""
    if not bk.backup_due(data_dir):
        return None
    try:
        bk.make_backup(conn, data_dir, "daily")
    except (OSError, sqlite3.Error) as exc:
        return f"The daily backup of the settings database could not be written: {exc}"
    return None


def user_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, data_dir: Path, version: int) -> list[str]:
    """Apply the missing steps, each in its own transaction, after backing up existing data.

    Returns sentences on what the steps changed that a user should know (names renamed).
    """
    target = migrations.schema_version()
    if version > 0:
        try:
            bk.make_backup(conn, data_dir, f"before-v{target}")
        except (OSError, sqlite3.Error) as exc:
            raise StoreEnvironmentError(
                f"The settings database must be upgraded, but the backup made first failed ({exc}); "
                "nothing was changed."
            ) from None
    changes: list[str] = []
    for step in range(version, target):
        with immediate(conn):
            if user_version(conn) > step:  # another instance got here first
                continue
            migration = migrations.MIGRATIONS[step]
            try:
                if callable(migration):
                    changes += migration(conn)
                else:
                    for statement in migration:
                        conn.execute(statement)
            except sqlite3.OperationalError as exc:
                if "already exists" not in str(exc):
                    raise
                found = bk.list_backups(data_dir)
                path = database_path(data_dir)
                detail = f"its schema version {version} does not match its tables ({exc}): the version is damaged"
                raise DatabaseCorruptError(corrupt_message(path, detail, found), path, found) from None
            conn.execute(f"PRAGMA user_version = {step + 1}")
    if not changes:
        return []
    shown = "; ".join(changes[:5]) + (f"; and {len(changes) - 5} more" if len(changes) > 5 else "")
    return [f"While upgrading the settings database, names were changed so that no two look the same: {shown}."]


def _refuse_emptied_file(data_dir: Path, path: Path) -> None:
    """An empty file where backups exist was truncated: never start over silently."""
    wal = path.with_name(path.name + "-wal")
    with contextlib.suppress(OSError):
        if path.stat().st_size == 0 and not (wal.exists() and wal.stat().st_size > 0):
            found = bk.list_backups(data_dir)
            if found:
                raise DatabaseCorruptError(corrupt_message(path, "the file is empty", found), path, found)


def _as_store_error(exc: sqlite3.Error, data_dir: Path) -> StoreError:
    """Opening's errors: the environment's as :func:`store_errors` names them, any other as "could not be opened"."""
    return store_error(exc, data_dir) or StoreError(
        f"The settings database {database_path(data_dir)} could not be opened: {exc}"
    )
