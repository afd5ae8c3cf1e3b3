"""Backup copies of the settings database, made with SQLite's online backup API.

A copy is written to a temporary name and renamed into place, so a crash never leaves a
half-written file that looks like a backup. Names sort by time: newest is last.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

from outmail_gui.paths import database_path
from outmail_gui.store.errors import StoreError
from outmail_gui.store.private_files import PRIVATE_FILE, PRIVATE_FOLDER, create_private_file

BACKUP_DIR = "backups"
KEEP = 10
DAILY_INTERVAL = dt.timedelta(days=1)
_PREFIX = "outmail-"
_SUFFIX = ".sqlite3"


def backup_dir(data_dir: Path) -> Path:
    return data_dir / BACKUP_DIR


def list_backups(data_dir: Path) -> list[Path]:
    """Backup files, newest first."""
    folder = backup_dir(data_dir)
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.name.startswith(_PREFIX) and p.name.endswith(_SUFFIX) and p.is_file()]
    return sorted(found, key=lambda p: p.name, reverse=True)


def make_backup(conn: sqlite3.Connection, data_dir: Path, reason: str) -> Path:
    """Copy the database behind ``conn`` to a new file in the backup folder; keep the newest few."""
    folder = backup_dir(data_dir)
    folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{_PREFIX}{stamp}-{reason}{_SUFFIX}"
    partial = target.with_name(target.name + ".partial")
    create_private_file(partial)
    dest = sqlite3.connect(partial)
    try:
        conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
    finally:
        dest.close()
    _fsync(partial)
    os.replace(partial, target)
    _prune(folder)
    return target


def backup_due(data_dir: Path, now: dt.datetime | None = None) -> bool:
    """Whether the newest backup is older than a day (or there is none)."""
    backups = list_backups(data_dir)
    if not backups:
        return True
    moment = now or dt.datetime.now(dt.UTC)
    newest = dt.datetime.fromtimestamp(backups[0].stat().st_mtime, dt.UTC)
    return moment - newest >= DAILY_INTERVAL


def backup_problem(backup: Path) -> str | None:
    """Why ``backup`` cannot be restored (unreadable, damaged), or ``None``."""
    try:
        conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"cannot open {backup}: {exc}"
    try:
        rows = conn.execute("PRAGMA integrity_check").fetchall()
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.Error as exc:
        return f"{backup} is damaged too: {exc}"
    finally:
        conn.close()
    if [r[0] for r in rows] != ["ok"]:
        return f"{backup} is damaged too: {rows[0][0]}"
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class DatabaseSummary:
    """What a database file holds, to say what a restore replaces."""

    servers: int | None  # None: unreadable (damaged)
    modified: dt.datetime | None  # None: no such file

    def describe(self) -> str:
        if self.modified is None:
            return "no database"
        count = "an unreadable number of servers" if self.servers is None else f"{self.servers} server(s)"
        return f"{count}, last changed {self.modified:%Y-%m-%d %H:%M} UTC"


@dataclasses.dataclass(frozen=True, slots=True)
class Restored:
    backup: Path
    backup_summary: DatabaseSummary
    replaced: DatabaseSummary
    aside: Path | None  # where the replaced database was kept (None: there was none)

    def describe(self) -> str:
        kept = f"; it was kept as {self.aside.name}" if self.aside is not None else ""
        return (
            f"Restored {self.backup.name} ({self.backup_summary.describe()}) in place of the settings "
            f"database ({self.replaced.describe()}){kept}."
        )


class RestoreRefused(StoreError):
    """The restore was not done: the database is healthy and ``force`` was not given, or the backup is bad."""


def summary(path: Path) -> DatabaseSummary:
    """The server count and modification time of the database at ``path`` (its -wal counts as a change)."""
    times = [p.stat().st_mtime for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    if not times:
        return DatabaseSummary(None, None)
    modified = dt.datetime.fromtimestamp(max(times), dt.UTC)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return DatabaseSummary(None, modified)
    try:
        return DatabaseSummary(int(conn.execute("SELECT count(*) FROM servers").fetchone()[0]), modified)
    except (sqlite3.Error, UnicodeDecodeError):
        return DatabaseSummary(None, modified)
    finally:
        conn.close()


def database_problem(path: Path) -> str | None:
    """Why the database at ``path`` is damaged (``quick_check``), or ``None`` when it is healthy or absent."""
    if not path.exists() or path.stat().st_size == 0:
        return None if not path.exists() else "the file is empty"
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        rows = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        return str(exc)
    finally:
        conn.close()
    return None if rows == ["ok"] else "; ".join(rows[:3])


def restore_backup(data_dir: Path, backup: Path, *, force: bool = False) -> Restored:
    """Put ``backup`` in place of the database; the replaced files are kept beside it, renamed.

    Refused (:class:`RestoreRefused`) when the backup is damaged, or the database is healthy and
    ``force`` is not given; refused (:class:`StoreInUseError`) while another Outmail process has
    the store open, since it would go on writing into the file renamed aside.
    """
    from outmail_gui.store.process_lock import StoreLock

    problem = backup_problem(backup)
    if problem:
        raise RestoreRefused(f"Cannot restore {backup}: {problem}.")
    lock = StoreLock.exclusive(data_dir, f"restore {backup.name}")
    try:
        db = database_path(data_dir)
        replaced, offered = summary(db), summary(backup)
        if not force and replaced.modified is not None and database_problem(db) is None:
            raise RestoreRefused(
                f"The settings database is not damaged: it holds {replaced.describe()}; the backup "
                f"{backup.name} holds {offered.describe()}. Restoring would replace the database with the "
                "backup; to do that, restore again with --force."
            )
        aside = _swap_in(db, backup)
    finally:
        lock.release()
    return Restored(backup, offered, replaced, aside)


def _swap_in(db: Path, backup: Path) -> Path | None:
    """Copy ``backup`` next to ``db``, move ``db`` and its journals aside, rename the copy into place."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = db.with_name(f"{db.name}.damaged-{stamp}")
    staged = db.with_name(db.name + ".restoring")
    shutil.copyfile(backup, staged)
    os.chmod(staged, PRIVATE_FILE)
    _fsync(staged)
    for suffix in ("-wal", "-shm", "-journal"):
        extra = db.with_name(db.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    had_db = db.exists()
    if had_db:
        os.replace(db, aside)
    os.replace(staged, db)
    return aside if had_db else None


def _prune(folder: Path) -> None:
    backups = sorted(p for p in folder.iterdir() if p.name.startswith(_PREFIX) and p.name.endswith(_SUFFIX))
    for old in backups[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
    # Left by a copy that was interrupted; an hour old means nobody is still writing it.
    cutoff = dt.datetime.now(dt.UTC).timestamp() - 3600
    for partial in folder.glob(f"{_PREFIX}*{_SUFFIX}.partial"):
        with contextlib.suppress(OSError):
            if partial.stat().st_mtime < cutoff:
                partial.unlink()


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())
