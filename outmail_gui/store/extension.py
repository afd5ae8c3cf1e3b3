"""Base of the stores that live beside the servers (partitions, OAuth settings, test history).

They share the repository's connection, so their writes join its transactions, and they
translate the back end's environment errors (SQLite: busy, disk full, damaged file;
PostgreSQL: unreachable, permission denied) the same way the repository does. Their SQL is
written once, with ``?`` placeholders and the subset both back ends understand; on the shared
store :class:`QmarkConnection` hands it to psycopg.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Protocol, Self


class StatementRunner(Protocol):
    """What the extensions execute on: ``sqlite3.Connection``, or :class:`QmarkConnection` on PostgreSQL."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Any: ...
    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> Any: ...


@dataclasses.dataclass(frozen=True, slots=True)
class ExtensionAccess:
    """A repository's connection with its error translation and its write transaction (one per action)."""

    conn: StatementRunner
    errors: Callable[[], contextlib.AbstractContextManager[object]]
    transaction: Callable[[], contextlib.AbstractContextManager[object]]
    shared: bool = False
    """A shared (PostgreSQL) store: its test history records who and where, and the database prunes it."""


class ExtensionHost(Protocol):
    """What an extension needs of the repository (a protocol, so the store has no import cycle)."""

    def extension_access(self) -> ExtensionAccess: ...


class RepositoryExtension:
    def __init__(self, access: ExtensionAccess) -> None:
        self._conn = access.conn
        self._access = access
        self._shared = access.shared

    @classmethod
    def of(cls, repository: ExtensionHost) -> Self:
        """This store on ``repository``'s connection, so both share its transactions."""
        return cls(repository.extension_access())

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """The back end's environment errors as StoreError subclasses."""
        with self._access.errors():
            yield

    @contextlib.contextmanager
    def _tx(self) -> Iterator[None]:
        """One write transaction (a savepoint inside an enclosing one, such as an import's)."""
        with self._access.transaction():
            yield


class QmarkConnection:
    """A psycopg connection that runs the extensions' ``?``-placeholder SQL (as ``%s``).

    ``current`` returns the repository's connection at each call: the repository replaces
    it after a lost connection.
    """

    def __init__(self, current: Callable[[], Any]) -> None:
        self._current = current

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any:
        return self._current().execute(_pyformat(sql), tuple(parameters))

    def executemany(self, sql: str, seq_of_parameters: Iterable[Sequence[Any]], /) -> Any:
        cursor = self._current().cursor()
        batch = [tuple(p) for p in seq_of_parameters]
        if batch:
            cursor.executemany(_pyformat(sql), batch)
        return cursor


def _pyformat(sql: str) -> bytes:
    """``?`` placeholders as psycopg's ``%s`` (the extensions' SQL holds no other ``?`` or ``%``)."""
    return sql.replace("%", "%%").replace("?", "%s").encode()
