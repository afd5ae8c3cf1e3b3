"""Base of the stores that live beside the servers (partitions, OAuth settings, test history).

They share the repository's connection, so their writes join its transactions, and they
translate SQLite's environment errors (busy, disk full, damaged file) the same way.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Self

from outmail_gui.store import backups as bk
from outmail_gui.store.connection import immediate, translate

if TYPE_CHECKING:  # the repository imports the schema, which imports the extensions' migrations
    from outmail_gui.store.repository import ServerRepository


class RepositoryExtension:
    def __init__(self, conn: sqlite3.Connection, path: Path, data_dir: Path) -> None:
        self._conn = conn
        self._path = path
        self._data_dir = data_dir

    @classmethod
    def of(cls, repository: ServerRepository) -> Self:
        """This store on ``repository``'s connection, so both share its transactions."""
        return cls(repository._conn, repository.path, repository.data_dir)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite's environment errors (busy, full, damaged) as StoreError subclasses."""
        try:
            yield
        except sqlite3.Error as exc:
            error = translate(exc, self._path, bk.list_backups(self._data_dir))
            if error is None:
                raise
            raise error from None

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        """One write transaction (a savepoint inside an enclosing one, such as an import's)."""
        with self._errors(), immediate(self._conn):
            yield
