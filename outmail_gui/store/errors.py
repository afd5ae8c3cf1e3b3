"""Store errors: each carries a ``message`` a person can act on.

The environment's failures (busy, disk full, damaged file, newer schema) are told to the
user; anything else that escapes the store is a bug and is not dressed up as one of these.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from outmail_gui.domain.rules import Issue
    from outmail_gui.domain.settings import ServerSettings


class StoreError(Exception):
    """Base of every error the store reports; ``message`` is the user-readable text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SchemaTooNewError(StoreError):
    """The database was written by a newer version of the app; it is left untouched."""

    def __init__(self, message: str, found: int, supported: int) -> None:
        super().__init__(message)
        self.found = found
        self.supported = supported


class DatabaseCorruptError(StoreError):
    """The file is damaged; ``backups`` (newest first) can be offered for restoring."""

    def __init__(self, message: str, path: Path, backups: Sequence[Path] = ()) -> None:
        super().__init__(message)
        self.path = path
        self.backups: list[Path] = list(backups)


class DamagedRecordError(DatabaseCorruptError):
    """One stored record cannot be read (text that is not UTF-8, a value no version writes).

    The file itself passes SQLite's check, so the other records stay usable; ``record`` names
    the damaged one as well as it can be read.
    """

    def __init__(self, message: str, path: Path, backups: Sequence[Path], record: str) -> None:
        super().__init__(message, path, backups)
        self.record = record


class StoreBusyError(StoreError):
    """Another instance holds the database lock longer than the busy time-out."""


class StoreEnvironmentError(StoreError):
    """Disk full, read-only file system, permissions: the machine's problem, not a bug."""


class NotFoundError(StoreError):
    """The record does not exist (any more)."""

    @classmethod
    def server_gone(cls) -> NotFoundError:
        """The one message for a server deleted since it was read (by any window or command)."""
        return cls("This email server no longer exists; it may have been deleted in another window or command.")


class RevisionConflictError(StoreError):
    """Someone else saved or deleted the record since it was read.

    ``current`` is the record as it is now, or ``None`` when it was deleted meanwhile.
    """

    def __init__(self, message: str, current: ServerSettings | None) -> None:
        super().__init__(message)
        self.current = current


class ValidationFailed(StoreError):
    """The record breaks a rule; ``issues`` are the blocking ones."""

    def __init__(self, issues: Sequence[Issue], message: str | None = None) -> None:
        self.issues: list[Issue] = list(issues)
        super().__init__(message or " ".join(i.message for i in self.issues) or "The record is not valid.")


class DuplicateNameError(ValidationFailed):
    """Another server already has this name (compared trimmed and case-insensitively)."""
