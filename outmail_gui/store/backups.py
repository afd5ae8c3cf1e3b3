"""Backup copies of the settings database, made with SQLite's online backup API.

A copy is written to a temporary name and renamed into place, so a crash never leaves a
half-written file that looks like a backup. Names sort by time: newest is last.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import sqlite3
from pathlib import Path

from outmail_gui.paths import database_path

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
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{_PREFIX}{stamp}-{reason}{_SUFFIX}"
    partial = target.with_name(target.name + ".partial")
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


def restore_backup(data_dir: Path, backup: Path) -> Path:
    """Put ``backup`` in place of the database; the damaged files are kept beside it, renamed.

    Returns where the damaged database was moved. No connection to it may be open.
    """
    problem = backup_problem(backup)
    if problem:
        raise ValueError(problem)
    db = database_path(data_dir)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = db.with_name(f"{db.name}.damaged-{stamp}")
    staged = db.with_name(db.name + ".restoring")
    shutil.copyfile(backup, staged)
    _fsync(staged)
    for suffix in ("-wal", "-shm", "-journal"):
        extra = db.with_name(db.name + suffix)
        if extra.exists():
            os.replace(extra, aside.with_name(aside.name + suffix))
    if db.exists():
        os.replace(db, aside)
    os.replace(staged, db)
    return aside


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
