"""Writing a file the user named (an export) the way they mean it, not by replacing the path.

- A symbolic link is followed: its target is written, the link stays.
- A FIFO or a character device (``/dev/stdout``, a terminal) is written directly: renaming a
  file over it would leave its reader waiting, or replace a device node.
- A regular file (or a new one) is written atomically: a private temporary file beside it,
  synced, then renamed over it, so a crash leaves the old or the new content. The target
  keeps its mode (a new file is ``0600``); the temporary file is removed on any failure.
- Anything else (a directory, a block device, a socket) is refused.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from outmail_gui.store.private_files import PRIVATE_FILE


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` as described above; raises OSError with a clear strerror."""
    target = Path(os.path.realpath(path))
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    data = text.encode("utf-8")
    if mode is not None and (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
        with open(target, "wb") as stream:
            stream.write(data)
        return
    if mode is not None and not stat.S_ISREG(mode):
        raise OSError(0, "it is not a regular file, a FIFO or a character device", str(path))
    _replace_atomically(target, data, stat.S_IMODE(mode) if mode is not None else PRIVATE_FILE)


def _replace_atomically(target: Path, data: bytes, mode: int) -> None:
    partial = target.with_name(f".{target.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), PRIVATE_FILE)
    try:
        with open(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(partial, mode)  # the target's own mode, whatever the umask
        os.replace(partial, target)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise
