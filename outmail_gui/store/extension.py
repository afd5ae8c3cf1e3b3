"""Base of the stores that live beside the servers (partitions, OAuth settings, test history).

They share the repository's connection, so their writes join its transactions, and they
translate SQLite's environment errors (busy, disk full, damaged file) the same way.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol, Self

from outmail_gui.store.connection import immediate, store_errors


class SharedConnection(Protocol):
    """What an extension needs of the repository (a protocol, so the store has no import cycle)."""

    path: Path
    data_dir: Path

    def connection(self) -> sqlite3.Connection: ...


class RepositoryExtension:
    def __init__(self, conn: sqlite3.Connection, path: Path, data_dir: Path) -> None:
        self._conn = conn
        self._path = path
        self._data_dir = data_dir

    @classmethod
    def of(cls, repository: SharedConnection) -> Self:
        """This store on ``repository``'s connection, so both share its transactions."""
        return cls(repository.connection(), repository.path, repository.data_dir)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite's environment errors (busy, full, damaged) as StoreError subclasses."""
        with store_errors(self._data_dir):
            yield

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        """One write transaction (a savepoint inside an enclosing one, such as an import's)."""
        with self._errors(), immediate(self._conn):
            yield
