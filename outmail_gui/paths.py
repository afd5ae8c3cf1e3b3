"""Where files live: platformdirs, overridden by --data-dir or OUTMAIL_DATA_DIR."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "outmail"
DATA_DIR_ENV = "OUTMAIL_DATA_DIR"
DATABASE_FILE = "outmail.sqlite3"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The data directory: ``override`` (from --data-dir), else $OUTMAIL_DATA_DIR, else platformdirs."""
    chosen = override or os.environ.get(DATA_DIR_ENV)
    path = Path(chosen).expanduser() if chosen else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)  # private: see store.private_files
    return path


def config_dir() -> Path:
    """Window geometry and other per-user preferences (not the settings database)."""
    path = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_dir() -> Path:
    """Where the window writes its log file (the user log directory)."""
    path = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_path(directory: Path) -> Path:
    return directory / DATABASE_FILE
