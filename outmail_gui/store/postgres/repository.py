"""The shared store's repository: the local store's interface and guarantees, on PostgreSQL.

- one transaction per action, writers serialised by a transaction-scoped advisory lock (as
  ``BEGIN IMMEDIATE`` serialises them on SQLite), so read-validate-write cannot interleave;
- the same domain rules (``domain.rules``) and row mapping (``store.rows``);
- a save names the revision it was based on in its ``UPDATE … WHERE revision = …``: a stale
  save changes nothing and is refused; unique name keys and the single default are also
  enforced by the database's unique and partial unique indexes, whoever writes;
- keyring secrets are written under the lock just before the commit (``store.secret_writes``),
  never into the database.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

import psycopg
from psycopg import errors as pg

from outmail_gui.domain.names import normalized_name
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store import rows
from outmail_gui.store.audit import AuditEntry
from outmail_gui.store.capabilities import Capabilities
from outmail_gui.store.change_feed import ChangeNotice, OnChange
from outmail_gui.store.errors import (
    DamagedRecordError,
    NotFoundError,
    StoreError,
)
from outmail_gui.store.extension import ExtensionAccess, QmarkConnection
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.audit import last_change, read_audit
from outmail_gui.store.postgres.capabilities import read_capabilities
from outmail_gui.store.postgres.connection import StorePermissionError, connect, shared_errors
from outmail_gui.store.postgres.installing import check_version
from outmail_gui.store.postgres.schema import schema_version
from outmail_gui.store.postgres.status import StoreStatus, store_status
from outmail_gui.store.save_checks import check_delete, check_save, conflict, duplicate_name
from outmail_gui.store.secret_writes import SecretWrites, with_secrets
from outmail_gui.store.secrets import SecretStore
from outmail_gui.store.settings_access import SettingsAccess

if TYPE_CHECKING:
    from outmail_gui.store.postgres.listening import NotifyListener

P = ParamSpec("P")
R = TypeVar("R")

_WRITE_LOCK = 0x6F75746E  # pg_advisory_xact_lock key shared by every writer of the settings


# Booleans read as 0/1, as SQLite gives them: one row mapping for both back ends.
def _select(columns: tuple[str, ...]) -> str:
    return "SELECT " + ", ".join(f"{c}::int" if c in rows.BOOL_FIELDS else c for c in columns) + " FROM servers"


_SELECT = _select(rows.FIELDS)
_SELECT_LIST = _select(rows.LIST_FIELDS)
_INSERT = f"INSERT INTO servers ({', '.join(rows.COLUMNS)}) VALUES ({', '.join(f'%({c})s' for c in rows.COLUMNS)})"
_UPDATE = (
    "UPDATE servers SET "
    + ", ".join(f"{c} = %({c})s" for c in rows.COLUMNS if c != "id")
    + " WHERE id = %(id)s AND revision = %(expected_revision)s"
)


def _translated(method: Callable[Concatenate[SharedRepository, P], R]) -> Callable[Concatenate[SharedRepository, P], R]:
    """Turn PostgreSQL's environment errors (unreachable, permission denied) into StoreErrors."""

    def wrapper(self: SharedRepository, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with shared_errors(self.store):
            self._reconnect_if_lost()
            return method(self, *args, **kwargs)

    functools.update_wrapper(wrapper, method)
    return wrapper


class SharedRepository(SettingsAccess):
    """Servers, app settings, partitions and analysts in a shared PostgreSQL database."""

    def __init__(
        self, conn: psycopg.Connection[tuple[Any, ...]], store: SharedStore, secrets: SecretStore | None = None
    ) -> None:
        self._conn = conn
        self.store = store
        self._secrets = secrets  # the keyring the database password is read from on reconnecting
        self.damaged_in_list: list[DamagedRecordError] = []
        self.backup_warning: str | None = None
        self._closed = False
        self._headline: str | None = None

    @classmethod
    def open(cls, store: SharedStore, secrets: SecretStore | None = None) -> SharedRepository:
        """Connect and check the schema's version (never migrating it); raises StoreError subclasses.

        ``secrets``: the keyring that may hold the database password (default: the system's).
        """
        conn = connect(store, secrets)
        try:
            check_version(conn, store)
        except BaseException:
            conn.close()
            raise
        return cls(conn, store, secrets)

    def notices(self) -> list[str]:
        return []

    def login(self) -> str:
        """The database login this repository acts as (what the audit trail records)."""
        return str(self._one_value("SELECT session_user"))

    @_translated
    def audit(
        self, name: str | None = None, since: dt.datetime | None = None, *, server_id: str | None = None
    ) -> list[AuditEntry]:
        """The audit trail (every change, by whom, from where), oldest first; see :func:`read_audit`."""
        return read_audit(self._conn, name, since, server_id)

    @_translated
    def last_change(self, server_id: str) -> AuditEntry | None:
        return last_change(self._conn, server_id)

    def change_listener(self, on_change: OnChange) -> NotifyListener:
        """Listens for the changes the database announces (its audit trigger's ``NOTIFY``); see :mod:`listening`."""
        from outmail_gui.store.postgres.listening import NotifyListener

        return NotifyListener(self.store, on_change, self._secrets, self.is_own)

    def is_own(self, notice: ChangeNotice) -> bool:
        """Whether ``notice`` is of a change this repository's own database session made."""
        return not self._conn.closed and notice.pid == self._conn.info.backend_pid

    @_translated
    def status(self) -> StoreStatus:
        """Which store, as whom, and what this login may do (read from the database's roles)."""
        return store_status(self._conn, schema_version())

    def headline(self) -> str:
        """ "Shared: DATABASE on HOST as LOGIN", read once (they stay the same across reconnections)."""
        if self._headline is None:
            self._headline = self.status().headline
        return self._headline

    @_translated
    def capabilities(self) -> Capabilities:
        """What this login may change (read from its roles and the row-level security), for the window."""
        return read_capabilities(self._conn, store_status(self._conn, schema_version()))

    @_translated
    def data_version(self) -> int:
        """Changes whenever a workstation commits a change (servers, partitions, analysts, app settings)."""
        row = self._conn.execute(
            "SELECT (SELECT coalesce(max(id), 0) FROM audit_log), "
            "(SELECT count(*) + coalesce(sum(revision), 0) FROM partitions), "
            "(SELECT count(*) + coalesce(sum(revision), 0) FROM analysts), "
            "(SELECT count(*) FROM analyst_partitions), "
            "(SELECT md5(coalesce(string_agg(key || '=' || value, ',' ORDER BY key), '')) FROM app_settings)"
        ).fetchone()
        return hash(row)

    def close(self) -> None:
        self._closed = True
        self._conn.close()

    def __enter__(self) -> SharedRepository:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def connection(self) -> psycopg.Connection[tuple[Any, ...]]:
        return self._conn

    def extension_access(self) -> ExtensionAccess:
        """For the stores kept beside the servers (history, OAuth settings, partitions and analysts):
        the same connection and write lock, so their writes join this repository's transactions."""
        return ExtensionAccess(QmarkConnection(lambda: self._conn), self._errors, self._transaction, shared=True)

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        with shared_errors(self.store):
            self._reconnect_if_lost()
            yield

    def transaction(self, secrets: SecretWrites | None = None) -> contextlib.AbstractContextManager[SharedRepository]:
        """Several writes as one all-or-nothing transaction; ``secrets`` applied just before its commit."""
        if secrets is not None and self._conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
            raise ValueError("keyring writes belong to the outermost transaction, which commits")
        return with_secrets(self._transaction, secrets)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[SharedRepository]:
        with self._errors(), self._write():
            yield self

    def _reconnect_if_lost(self) -> None:
        """After the connection was lost (the server restarted, the network came back), connect again.

        Only between actions: an action that was cut off has failed as a whole (its transaction
        was never committed) and said so; nothing it reported as saved is lost.
        """
        if (self._conn.broken or self._conn.closed) and not self._closed:
            self._conn = connect(self.store, self._secrets)

    @contextlib.contextmanager
    def _write(self) -> Iterator[None]:
        """One write transaction (a savepoint when nested), holding the writers' lock until it ends."""
        with self._conn.transaction():
            self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (_WRITE_LOCK,))
            yield

    # --- servers -----------------------------------------------------------------------

    @_translated
    def list_servers(self) -> list[ServerSettings]:
        return self.list_servers_checked()[0]

    @_translated
    def list_servers_checked(self) -> tuple[list[ServerSettings], list[DamagedRecordError]]:
        good: list[ServerSettings] = []
        damaged: list[DamagedRecordError] = []
        for row in self._conn.execute(_SELECT + " ORDER BY name_key, id"):
            try:
                good.append(rows.checked_record(row))
            except rows.DamagedRow as exc:
                damaged.append(self._damaged(exc))
        return good, damaged

    @_translated
    def list_server_rows(self) -> list[rows.ServerListRow]:
        self.damaged_in_list = []
        return [rows.ServerListRow(*row) for row in self._conn.execute(_SELECT_LIST + " ORDER BY name_key, id")]

    @_translated
    def find(self, server_id: str) -> ServerSettings | None:
        return self._find(server_id)

    @_translated
    def find_by_name(self, name: str) -> ServerSettings | None:
        return self._one(_SELECT + " WHERE name_key = %s", normalized_name(name))

    @_translated
    def save(self, record: ServerSettings) -> ServerSettings:
        """Insert (revision 0) or update (same revision as stored); returns the saved, cleaned record."""
        record = record.cleaned()
        with self._write():
            record = self._stored_partition_spelling(record)
            check_save(record, self._find(record.id), lambda: self.rule_context(about=record))
            saved = record.with_changes(revision=record.revision + 1)
            if saved.is_default:
                self._clear_default(except_id=saved.id)
            row = _pg_row(saved)
            try:
                with self._conn.transaction():  # a savepoint: the constraint's error is reported as such
                    if record.revision == 0:
                        self._conn.execute(_INSERT, row)
                    else:
                        changed = self._conn.execute(_UPDATE, {**row, "expected_revision": record.revision}).rowcount
                        if changed != 1:
                            raise self._not_updated(record, self._find(record.id))
            except pg.UniqueViolation as exc:
                if exc.diag.constraint_name == "servers_name_key_key":
                    raise duplicate_name(record.name) from None
                raise
            return saved

    @_translated
    def delete(self, server_id: str, expected_revision: int | None = None) -> None:
        with self._write():
            stored = check_delete(self._find(server_id), expected_revision)
            if self._conn.execute("DELETE FROM servers WHERE id = %s", (server_id,)).rowcount != 1:
                raise self._refused(stored, "deleted")

    @_translated
    def set_default(self, server_id: str) -> ServerSettings:
        with self._write():
            stored = self._find(server_id)
            if stored is None:
                raise NotFoundError.server_gone()
            if stored.is_default:
                return stored
            self._clear_default(except_id=server_id)
            updated = self._conn.execute(
                "UPDATE servers SET is_default = true, revision = revision + 1 WHERE id = %s", (server_id,)
            ).rowcount
            if updated != 1:
                raise self._refused(stored, "made the default")
            return stored.with_changes(is_default=True, revision=stored.revision + 1)

    # --- partitions and analysts ---------------------------------------------------------

    @_translated
    def list_partitions(self) -> list[str]:
        return [str(r[0]) for r in self._conn.execute("SELECT name FROM partitions ORDER BY name_key")]

    def add_partition(self, name: str) -> None:
        """Add a partition; the name is checked by the domain's partition rules (via PartitionAdmin)."""
        from outmail_gui.store.partitions import PartitionAdmin

        PartitionAdmin.of(self).add(name)

    @_translated
    def has_analysts(self) -> bool:
        return self._conn.execute("SELECT 1 FROM analysts LIMIT 1").fetchone() is not None

    @_translated
    def partitions_for_analyst(self, login: str) -> list[str]:
        cur = self._conn.execute(
            "SELECT p.name FROM analyst_partitions ap JOIN partitions p ON p.name = ap.partition "
            "JOIN analysts a ON a.login = ap.login WHERE a.login_key = %s ORDER BY p.name_key",
            (normalized_name(login),),
        )
        return [str(r[0]) for r in cur]

    # --- internals ------------------------------------------------------------------------

    def _find(self, server_id: str) -> ServerSettings | None:
        return self._one(_SELECT + " WHERE id = %s", server_id)

    def _one(self, query: str, key: str) -> ServerSettings | None:
        row = self._conn.execute(query.encode(), (key,)).fetchone()
        if row is None:
            return None
        try:
            return rows.checked_record(row)
        except rows.DamagedRow as exc:
            raise self._damaged(exc) from None

    def _one_value(self, query: str) -> object:
        with shared_errors(self.store):
            row = self._conn.execute(query.encode()).fetchone()
        return None if row is None else row[0]

    def _damaged(self, exc: rows.DamagedRow) -> DamagedRecordError:
        return DamagedRecordError(
            f"The shared settings database {self.store.shown} holds {exc.label}, which cannot be read "
            f"({exc.what}). The other servers are not affected; ask its administrator to correct it.",
            Path(),
            [],
            exc.label,
        )

    @_translated
    def _rule_rows(self, about: ServerSettings | None) -> list[rows.ServerListRow]:
        query = _SELECT_LIST
        params: tuple[str, ...] = ()
        if about is not None:
            query += " WHERE name_key = %s OR is_default OR (active AND partition = %s)"
            params = (normalized_name(about.name), about.partition or "")
        return [rows.ServerListRow._make(row) for row in self._conn.execute(query.encode(), params)]

    def _stored_partition_spelling(self, record: ServerSettings) -> ServerSettings:
        if record.partition is None:
            return record
        from outmail_gui.store.partitions import PartitionAdmin

        stored = PartitionAdmin.of(self).stored_name(record.partition)
        return record.with_changes(partition=stored) if stored and stored != record.partition else record

    def _clear_default(self, except_id: str) -> None:
        self._conn.execute(
            "UPDATE servers SET is_default = false, revision = revision + 1 WHERE is_default AND id <> %s",
            (except_id,),
        )

    def _refused(self, stored: ServerSettings, what: str) -> StorePermissionError:
        """A write the row-level security let through to no row: this login may not change that server."""
        where = f"partition {stored.partition!r}" if stored.partition else "no partition"
        return StorePermissionError(
            f"{stored.name!r} was not {what}: the shared settings database {self.store.shown} lets your login "
            f"change only servers of the partitions granted to you, and this one has {where}."
        )

    def _not_updated(self, mine: ServerSettings, stored: ServerSettings | None) -> StoreError:
        """Why the revision-checked UPDATE changed no row: another change, or row-level security hid the row."""
        if stored is not None and stored.revision == mine.revision:
            return self._refused(stored, "saved")
        return conflict(mine, stored)

    @_translated
    def _setting(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM app_settings WHERE key = %s", (key,)).fetchone()
        return str(row[0]) if row else None

    @_translated
    def _set_setting(self, key: str, value: str) -> None:
        with self._write():
            self._conn.execute(
                "INSERT INTO app_settings (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _pg_row(record: ServerSettings) -> dict[str, Any]:
    """:func:`rows.to_row`, with booleans as PostgreSQL's ``boolean``."""
    row = rows.to_row(record)
    for name in rows.BOOL_FIELDS:
        row[name] = bool(row[name])
    return row
