"""The log file: unexpected errors and fatal crashes of the window, written where a user can find them.

A desktop launch has no terminal, so a traceback on stderr is seen by nobody. The window's
error hooks write each unexpected error here (and show it, see
:mod:`outmail_gui.ui.shared.crash_reporting`); :mod:`faulthandler` writes the Python stacks of a
fatal crash (a segmentation fault in Qt, an abort) into the same file. The file lives in the
user log directory, is rotated at :data:`MAX_BYTES` with :data:`BACKUPS` old files kept, and
never holds a secret: every line is redacted of every password and token the process has
handled (:mod:`outmail_gui.seen_secrets`).

Opening the log costs the window's start one open file; :mod:`logging` and its rotating
handler are imported with the first error.
"""

from __future__ import annotations

import faulthandler
import functools
import os
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING

from outmail_gui.seen_secrets import seen_secrets

if TYPE_CHECKING:
    import logging

    from outmail_gui.probe.redact import Redactor

LOG_FILE = "outmail.log"
MAX_BYTES = 1_000_000
BACKUPS = 3
LOGGER = "outmail_gui"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

_path: Path | None = None
_fault_file: IO[str] | None = None  # where faulthandler writes: the current log file
_handler: logging.Handler | None = None


def open_log(directory: Path | None = None) -> Path:
    """Start the log file in ``directory`` (default: the user log directory) and point
    :mod:`faulthandler` at it; the file's path. Opening it again changes nothing."""
    global _path
    if _path is not None:
        return _path
    if directory is None:
        from outmail_gui.paths import log_dir

        directory = log_dir()
    directory.mkdir(parents=True, exist_ok=True)
    _follow_with_faulthandler(directory / LOG_FILE)
    _path = directory / LOG_FILE
    return _path


def current_path() -> Path | None:
    """The log file being written, or None before :func:`open_log`."""
    return _path


def close_log() -> None:
    """Stop writing the log file (and stop :mod:`faulthandler` writing into it)."""
    global _path, _fault_file, _handler
    if _handler is not None:
        import logging

        logging.getLogger(LOGGER).removeHandler(_handler)
        _handler.close()
    if _fault_file is not None:
        faulthandler.disable()
        _fault_file.close()
    _path = _fault_file = _handler = None


def redact(text: str) -> str:
    """``text`` without any form of a secret the process has handled."""
    return _redactor(seen_secrets())(text)


@functools.lru_cache(maxsize=1)
def _redactor(secrets: frozenset[str]) -> Redactor:
    """One Redactor per set of secrets: its pattern of every form of them is costly to build, and
    a burst of errors would otherwise build it again for each (thousands of times)."""
    from outmail_gui.probe.redact import Redactor

    return Redactor(secrets)


def log_exception(summary: str, exc_info: ExcInfo) -> str:
    """Write an unexpected error to the log file (when open); its details (summary and traceback)
    as they may be shown and copied, redacted like the file."""
    import traceback

    details = redact(f"{summary}\n{''.join(traceback.format_exception(*exc_info))}".rstrip())
    if _path is not None:
        _file_logger(_path).error("%s", summary, exc_info=exc_info)
    return details


def _file_logger(path: Path) -> logging.Logger:
    global _handler
    import logging
    from logging.handlers import RotatingFileHandler

    logger = logging.getLogger(LOGGER)
    if _handler is None:
        handler = RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8")
        handler.rotator = _rotate
        handler.addFilter(_redact_record)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        _handler = handler
    return logger


def _redact_record(record: logging.LogRecord) -> bool:
    """The record's message and traceback, redacted before the formatter writes them."""
    import traceback

    record.msg, record.args = redact(record.getMessage()), ()
    if record.exc_info and not record.exc_text:
        record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)).rstrip())
    return True


def _rotate(source: str, destination: str) -> None:
    """The rotating handler's renaming, with :mod:`faulthandler` following to the new file."""
    os.replace(source, destination)
    _follow_with_faulthandler(Path(source))


def _follow_with_faulthandler(path: Path) -> None:
    global _fault_file
    previous = _fault_file
    _fault_file = path.open("a", encoding="utf-8")
    faulthandler.enable(_fault_file, all_threads=True)
    if previous is not None:
        previous.close()
