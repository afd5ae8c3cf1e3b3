"""The data folder and its files are the user's alone: logins, hosts, tenant ids and test history.

The folder is created ``0700`` and each file ``0600`` (SQLite gives its ``-wal`` and ``-shm``
files the database's own mode); a folder found open to others is tightened when the store
opens it, and the user is told once. On Windows, where these bits mean little, the user's
profile folder already keeps others out and nothing is changed.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def private_folder(path: Path) -> str | None:
    """Create ``path`` (``0700``) or tighten it if others may enter it; a notice when it was tightened."""
    path.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    if os.name != "posix":
        return None
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o077:
        return None
    try:
        path.chmod(mode & ~0o077)
    except OSError:
        return None  # not ours to change (another owner, a read-only disk): reading still works
    return (
        f"The data folder {path} could be read by other users of this computer (mode {mode:04o}); "
        f"it is now private ({mode & ~0o077:04o})."
    )


def create_private_file(path: Path) -> None:
    """Create ``path`` empty with mode ``0600`` unless it exists (so nothing else creates it looser)."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
