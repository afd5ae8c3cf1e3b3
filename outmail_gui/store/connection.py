"""The SQLite connection: pragmas, one transaction per user action, error translation.

SQLite reports the environment's problems (busy, full, read-only, damaged) as exceptions
with an error code; :func:`translate` turns those into :mod:`store.errors` with a sentence
that names the file, and lets everything else (our bugs) through unchanged.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from outmail_gui.paths import database_path
from outmail_gui.store import backups as bk
from outmail_gui.store.errors import DatabaseCorruptError, StoreBusyError, StoreEnvironmentError, StoreError

BUSY_TIMEOUT_MS = 5000
_FULL_BELOW_BYTES = 256 * 1024  # less than a WAL file and its index need for one save

# Primary result codes (https://sqlite.org/rescode.html).
_SQLITE_PERM = 3
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_NOMEM = 7
_SQLITE_READONLY = 8
_SQLITE_IOERR = 10
_SQLITE_CORRUPT = 11
_SQLITE_FULL = 13
_SQLITE_CANTOPEN = 14
_SQLITE_NOTADB = 26

_savepoints = itertools.count(1)


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode: transactions are begun explicitly, never implicitly."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=True)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except BaseException:
        conn.close()
        raise
    return conn


def configure(conn: sqlite3.Connection) -> None:
    """Durable settings: WAL journal, fsync on every commit, enforced foreign keys."""
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        raise sqlite3.OperationalError(f"could not switch the journal to WAL mode (got {mode!r})")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


def error_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def translate(exc: sqlite3.Error, path: Path, backups: list[Path] | None = None) -> StoreError | None:
    """The user-facing error for ``exc``, or ``None`` when it is not the environment's doing."""
    code = error_code(exc)
    text = str(exc).lower()
    where = f"the settings database {path}"
    if code in (_SQLITE_BUSY, _SQLITE_LOCKED) or "locked" in text or "busy" in text:
        return StoreBusyError(
            f"{where} is busy: another Outmail window or command is saving. Wait a moment and try again."
        )
    if "no such column" in text or "no such table" in text:  # the schema itself was damaged
        detail = f"its schema is damaged: {exc}"
        return DatabaseCorruptError(corrupt_message(path, detail, backups or []), path, backups or [])
    if "could not decode" in text:  # text that is not UTF-8 in a table read without a lenient path
        detail = "a stored text value is not valid UTF-8"
        return DatabaseCorruptError(corrupt_message(path, detail, backups or []), path, backups or [])
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB) or "malformed" in text or "not a database" in text:
        return DatabaseCorruptError(corrupt_message(path, str(exc), backups or []), path, backups or [])
    # A full disk shows as an I/O error, or as read-only once the store was opened for reading only.
    full_disk = code in (_SQLITE_IOERR, _SQLITE_READONLY) and disk_full(path.parent)
    if code == _SQLITE_FULL or "disk is full" in text or full_disk:
        return StoreEnvironmentError(f"Cannot write {where}: the disk is full. Free some space and try again.")
    if code == _SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return StoreEnvironmentError(
            f"Cannot write {where}: the file or its folder is read-only. Check its permissions."
        )
    if code in (_SQLITE_PERM, _SQLITE_CANTOPEN) or "unable to open" in text:
        return StoreEnvironmentError(
            f"Cannot open {where}: check that the folder exists and that you may read and write it."
        )
    if code in (_SQLITE_IOERR, _SQLITE_NOMEM) or "disk i/o" in text:
        return StoreEnvironmentError(f"Reading or writing {where} failed ({exc}). Check the disk and try again.")
    return None


def disk_full(folder: Path) -> bool:
    """Whether the disk holding ``folder`` has no room left for SQLite's next pages.

    SQLite often reports a full disk as a plain I/O error (its shared-memory file, a journal
    write): the free space tells the two apart.
    """
    try:
        return shutil.disk_usage(folder).free < _FULL_BELOW_BYTES
    except OSError:
        return False


@contextlib.contextmanager
def store_errors(data_dir: Path) -> Iterator[None]:
    """The one place SQLite's environment errors (busy, full, damaged, ...) become StoreError subclasses.

    Anything :func:`translate` does not recognise is a bug of ours and passes unchanged.
    """
    try:
        yield
    except sqlite3.Error as exc:
        error = store_error(exc, data_dir)
        if error is None:
            raise
        raise error from None
    except UnicodeDecodeError:  # SQLite's error text quoted bytes of a damaged file
        path, found = database_path(data_dir), bk.list_backups(data_dir)
        detail = "SQLite reported damage it could not put into words"
        raise DatabaseCorruptError(corrupt_message(path, detail, found), path, found) from None


def store_error(exc: sqlite3.Error, data_dir: Path) -> StoreError | None:
    """:func:`translate` for the database of ``data_dir``, offering its backups when it is damaged."""
    return translate(exc, database_path(data_dir), bk.list_backups(data_dir))


def corrupt_message(path: Path, detail: str, backups: list[Path]) -> str:
    offer = (
        f" The latest backup is {backups[0].name} ({len(backups)} available); restore it to continue."
        if backups
        else " No backup is available."
    )
    return f"The settings database {path} is damaged ({detail}).{offer}"


@contextlib.contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction, taken at once (``BEGIN IMMEDIATE``); nested use is a savepoint.

    The write lock is taken before anything is read, so a read-validate-write sequence
    inside it cannot interleave with another instance's write.
    """
    if conn.in_transaction:
        name = f"sp{next(_savepoints)}"
        conn.execute(f"SAVEPOINT {name}")
        try:
            yield conn
        except BaseException:
            conn.execute(f"ROLLBACK TO {name}")
            conn.execute(f"RELEASE {name}")
            raise
        conn.execute(f"RELEASE {name}")
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    try:
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
