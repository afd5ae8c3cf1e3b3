"""Which Outmail processes have a data directory's store open: a shared lock each, exclusive to restore.

Every process that opens the store (a window, a command) holds a *shared* lock on the file
``outmail.lock`` beside the database for as long as it is open. Replacing the database file
(restoring a backup) needs the *exclusive* lock, which is refused at once while any other
process holds its shared one: a window that stays open would otherwise go on writing into
the file that was renamed aside and report those saves as kept.

The operating system drops a lock when its process ends, however it ends, so a crash leaves
nothing stale. The same shared/exclusive semantics come from ``flock`` on Linux and macOS and
from portalocker (``LockFileEx``) on Windows (see :func:`_try_lock`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from pathlib import Path
from typing import IO

from outmail_gui.store.errors import StoreBusyError, StoreEnvironmentError

LOCK_NAME = "outmail.lock"
_SHARED_WAIT_S = 10.0  # a restore holds the exclusive lock for a file copy and two renames


class StoreInUseError(StoreBusyError):
    """Another Outmail process has the store open; it must be closed first."""


class StoreLock:
    """A held lock on a data directory's store; :meth:`release` (or process exit) frees it."""

    def __init__(self, handle: IO[bytes] | None) -> None:
        self._handle: IO[bytes] | None = handle

    @classmethod
    def shared(cls, data_dir: Path) -> StoreLock:
        """The lock every process holds while the store is open; waits out a restore in progress."""
        handle = _open(data_dir)
        if handle is None:
            return cls(None)
        deadline = time.monotonic() + _SHARED_WAIT_S
        while True:
            try:
                if _try_lock(handle, exclusive=False):
                    return cls(handle)
                if time.monotonic() >= deadline:
                    handle.close()
                    raise StoreBusyError(
                        f"The settings database in {data_dir} is being restored from a backup by another "
                        "Outmail process. Wait a moment and try again."
                    ) from None
                time.sleep(0.05)
            except OSError:
                handle.close()
                raise

    @classmethod
    def exclusive(cls, data_dir: Path, action: str) -> StoreLock:
        """The lock that replacing the database needs; refused at once while another process has it open."""
        handle = _open(data_dir)
        if handle is None:
            raise StoreEnvironmentError(f"Cannot {action}: the folder {data_dir} is read-only.")
        try:
            locked = _try_lock(handle, exclusive=True)
        except OSError:
            handle.close()
            raise
        if not locked:
            handle.close()
            raise StoreInUseError(
                f"Cannot {action}: another Outmail process (a window or a command) has the settings database "
                f"in {data_dir} open. Close it, then try again."
            )
        return cls(handle)

    def release(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            with contextlib.suppress(OSError):
                handle.close()  # closing the file releases its lock


def _try_lock(handle: IO[bytes], *, exclusive: bool) -> bool:
    """Take the lock without waiting; ``False`` while another process holds a conflicting one.

    Linux and macOS: ``fcntl.flock`` from the standard library (what portalocker calls there).
    Windows: portalocker (``LockFileEx``). Importing portalocker loads importlib.metadata, email,
    json and uuid (for its Redis lock): ≈ 180 ms of a ≈ 900 ms window start measured on a loaded
    2-core machine, a fifth of it, which every window and command paid before reading the store.
    """
    if sys.platform != "win32":
        import fcntl

        try:
            fcntl.flock(handle.fileno(), (fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH) | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
    import portalocker

    flags = portalocker.LockFlags.EXCLUSIVE if exclusive else portalocker.LockFlags.SHARED
    try:
        portalocker.lock(handle, flags | portalocker.LockFlags.NON_BLOCKING)
    except portalocker.LockException:
        return False
    return True


def _open(data_dir: Path) -> IO[bytes] | None:
    """The lock file, created private; ``None`` when it cannot exist (a read-only store never created it)."""
    path = Path(data_dir) / LOCK_NAME
    try:
        return os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o600), "r+b")
    except OSError as exc:
        try:
            return os.fdopen(os.open(path, os.O_RDONLY), "rb")
        except FileNotFoundError:
            if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
                return None  # nobody can replace a database in a folder nobody may write
            raise StoreEnvironmentError(f"Cannot create the lock file {path}: {exc.strerror or exc}.") from None
        except OSError as again:
            raise StoreEnvironmentError(f"Cannot open the lock file {path}: {again.strerror or again}.") from None
