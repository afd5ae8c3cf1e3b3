"""The one place that reads and writes outgoing-server settings.

Every write is one ``BEGIN IMMEDIATE`` transaction: the write lock is taken first, then the
record is validated against the current state and written, so two instances can never
interleave a read-validate-write. Saves compare revisions (optimistic concurrency) and
refuse to overwrite what somebody else changed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Concatenate, ParamSpec, TypeVar

from outmail_gui.domain.names import normalized_name
from outmail_gui.domain.settings import ServerSettings
from outmail_gui.paths import database_path
from outmail_gui.store import backups as bk
from outmail_gui.store import rows
from outmail_gui.store.audit import AuditEntry
from outmail_gui.store.capabilities import Capabilities
from outmail_gui.store.change_feed import OnChange
from outmail_gui.store.connection import immediate, store_errors
from outmail_gui.store.errors import (
    DamagedRecordError,
    NotFoundError,
    StoreEnvironmentError,
    StoreError,
)
from outmail_gui.store.extension import ExtensionAccess
from outmail_gui.store.local_audit import DamagedEntry, last_local_change, read_local_audit
from outmail_gui.store.opening import IntegrityCheck, daily_backup_if_due, open_database
from outmail_gui.store.private_files import private_folder
from outmail_gui.store.process_lock import StoreLock
from outmail_gui.store.save_checks import check_delete, check_save, duplicate_name
from outmail_gui.store.secret_writes import SecretWrites, with_secrets
from outmail_gui.store.settings_access import SettingsAccess

P = ParamSpec("P")
R = TypeVar("R")


def _translated(method: Callable[Concatenate[ServerRepository, P], R]) -> Callable[Concatenate[ServerRepository, P], R]:
    """Turn SQLite's environment errors (busy, full, damaged) into StoreError subclasses."""

    def wrapper(self: ServerRepository, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with store_errors(self.data_dir):
            return method(self, *args, **kwargs)

    functools.update_wrapper(wrapper, method)
    return wrapper


@contextlib.contextmanager
def _errors_and_immediate(conn: sqlite3.Connection, data_dir: Path) -> Iterator[None]:
    with store_errors(data_dir), immediate(conn):
        yield


class ServerRepository(SettingsAccess):
    """Servers, app settings, partitions and analysts in one SQLite file."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        data_dir: Path,
        backup_warning: str | None = None,
        lock: StoreLock | None = None,
    ) -> None:
        self._conn = conn
        self._lock = lock
        self._notices: list[str] = []
        self.damaged_in_list: list[DamagedRecordError] = []
        """Servers :meth:`list_server_rows` left out because their text is not UTF-8 (for the window to name)."""
        self.data_dir = data_dir
        self.path = database_path(data_dir)
        self.backup_warning = backup_warning

    @classmethod
    def open(
        cls, data_dir: Path, *, daily_backup: bool = True, integrity: IntegrityCheck | None = None
    ) -> ServerRepository:
        """Open (creating or upgrading) the database in ``data_dir``; raises StoreError subclasses.

        With ``daily_backup=False`` the daily copy is left to :meth:`daily_backup_if_due`;
        ``integrity``: the file's integrity check, started earlier (:class:`IntegrityCheck`).
        """
        directory = Path(data_dir)
        try:
            tightened = private_folder(directory)
        except OSError as exc:
            raise StoreEnvironmentError(
                f"Cannot open the settings database in {directory}: {exc.strerror or exc}."
            ) from None
        lock = StoreLock.shared(directory)  # held while open: no restore can swap the file meanwhile
        try:
            conn, warning = open_database(directory, daily_backup=daily_backup, integrity=integrity)
        except BaseException:
            lock.release()
            raise
        repository = cls(conn, directory, warning, lock)
        repository._notices = [tightened] if tightened else []
        return repository

    def notices(self) -> list[str]:
        """What opening found that the user should hear about once (a folder made private, a failed backup)."""
        return [*self._notices, *([self.backup_warning] if self.backup_warning else [])]

    def change_listener(self, on_change: OnChange) -> None:
        """Nothing to listen to: other windows on this file see its changes when activated (:meth:`data_version`)."""
        return None

    def daily_backup_if_due(self) -> str | None:
        """Make the daily backup copy if one is due; a warning (also kept in ``backup_warning``) if it failed."""
        warning = daily_backup_if_due(self._conn, self.data_dir)
        if warning:
            self.backup_warning = warning
        return warning

    @staticmethod
    def restore_backup(data_dir: Path, backup: Path, *, force: bool = False) -> bk.Restored:
        """Replace a damaged database (a healthy one only with ``force``) with ``backup``.

        Refused while any Outmail process, this one included, has the store open.
        """
        return bk.restore_backup(Path(data_dir), Path(backup), force=force)

    @staticmethod
    def list_backups(data_dir: Path) -> list[Path]:
        """Backups of the database in ``data_dir``, newest first."""
        return bk.list_backups(Path(data_dir))

    def connection(self) -> sqlite3.Connection:
        """The open connection (``store copy`` reads and writes its tables directly)."""
        return self._conn

    def extension_access(self) -> ExtensionAccess:
        """For the stores kept beside the servers (``RepositoryExtension``): they share the connection,
        so their writes join this repository's transactions."""
        return ExtensionAccess(
            self._conn,
            lambda: store_errors(self.data_dir),
            lambda: _errors_and_immediate(self._conn, self.data_dir),
        )

    def close(self) -> None:
        self._conn.close()
        if self._lock is not None:
            self._lock.release()

    def __enter__(self) -> ServerRepository:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.close()

    def transaction(self, secrets: SecretWrites | None = None) -> contextlib.AbstractContextManager[ServerRepository]:
        """Group several writes into one all-or-nothing transaction (import, a server with its OAuth settings).

        ``secrets``: keyring entries that belong to these writes, applied under the write lock
        just before the commit and put back if it fails (see :mod:`store.secret_writes`).
        """
        if secrets is not None and self._conn.in_transaction:
            raise ValueError("keyring writes belong to the outermost transaction, which commits")
        return with_secrets(self._transaction, secrets)

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[ServerRepository]:
        with store_errors(self.data_dir), immediate(self._conn):
            yield self

    # --- servers -----------------------------------------------------------------------

    @_translated
    def list_servers(self) -> list[ServerSettings]:
        """Every readable server; a damaged one is left out (see :meth:`list_servers_checked`)."""
        return self.list_servers_checked()[0]

    @_translated
    def list_servers_checked(self) -> tuple[list[ServerSettings], list[DamagedRecordError]]:
        """The readable servers, and an error naming each one that is damaged (so the rest stay usable)."""
        good: list[ServerSettings] = []
        damaged: list[DamagedRecordError] = []
        for row in self._fetch(rows.SELECT + " ORDER BY name_key, id"):
            try:
                good.append(rows.checked_record(row))
            except rows.DamagedRow as exc:
                damaged.append(self._damaged(exc))
        return good, damaged

    @_translated
    def list_server_rows(self) -> list[rows.ServerListRow]:
        """What the window's list shows of every server (cheap: no full record is built).

        In name order: the names' comparison key, then id (``name_key`` is
        :func:`~outmail_gui.domain.names.normalized_name` of the stored name; SQLite orders
        text as Python orders str).
        """
        self.damaged_in_list = []
        try:
            return rows.list_rows(self._conn)
        except sqlite3.OperationalError as exc:
            if not rows.undecodable(exc):
                raise
        found: list[rows.ServerListRow] = []
        with rows.lenient_text(self._conn):
            for row in rows.list_rows(self._conn):
                try:
                    rows.check_text(row, rows.LIST_FIELDS, index_of_id=0, index_of_name=3)
                except rows.DamagedRow as exc:
                    self.damaged_in_list.append(self._damaged(exc))
                    continue
                found.append(row)
        return found

    @_translated
    def find(self, server_id: str) -> ServerSettings | None:
        """The record of ``server_id``, or ``None`` when it does not exist (any more)."""
        return self._find(server_id)

    @_translated
    def find_by_name(self, name: str) -> ServerSettings | None:
        key = normalized_name(name)
        found = self._one(rows.SELECT + " WHERE name_key = ?", key)
        if found is None:  # a miss: the table itself (not its index) may still hold the name, under a damaged key
            with rows.lenient_text(self._conn):
                hit = self._conn.execute(
                    "SELECT id, name FROM servers NOT INDEXED WHERE name_key = ? OR name = ?", (key, name.strip())
                ).fetchone()
            if hit is not None:
                raise self._damaged(rows.DamagedRow(tuple(hit), "its name's lookup key is damaged", 0, 1))
        return found

    @_translated
    def save(self, record: ServerSettings) -> ServerSettings:
        """Insert (revision 0) or update (same revision as stored); returns the saved record.

        What is stored, validated and returned is ``record.cleaned()`` (trimmed values, IPv6
        without brackets): callers show the returned record, not the one they passed.
        """
        record = record.cleaned()
        with immediate(self._conn):
            record = self._stored_partition_spelling(record)
            check_save(record, self._find(record.id), lambda: self.rule_context(about=record))
            saved = record.with_changes(revision=record.revision + 1)
            if saved.is_default:
                self._clear_default(except_id=saved.id)
            row = rows.to_row(saved)
            try:
                if record.revision == 0:
                    self._conn.execute(rows.INSERT, row)
                else:
                    self._conn.execute(rows.UPDATE, {**row, "expected_revision": record.revision})
            except sqlite3.IntegrityError as exc:
                if "name_key" in str(exc):
                    raise duplicate_name(record.name) from None
                raise
            return saved

    @_translated
    def delete(self, server_id: str, expected_revision: int | None = None) -> None:
        """Delete; with ``expected_revision``, only if nobody changed the record meanwhile."""
        with immediate(self._conn):
            check_delete(self._find(server_id), expected_revision)
            self._conn.execute("DELETE FROM servers WHERE id = ?", (server_id,))

    @_translated
    def set_default(self, server_id: str) -> ServerSettings:
        """Make this the default server, clearing the previous default in the same transaction."""
        with immediate(self._conn):
            stored = self._find(server_id)
            if stored is None:
                raise NotFoundError.server_gone()
            if stored.is_default:
                return stored
            self._clear_default(except_id=server_id)
            self._conn.execute(
                "UPDATE servers SET is_default = 1, revision = revision + 1 WHERE id = ?",
                (server_id,),
            )
            return stored.with_changes(is_default=True, revision=stored.revision + 1)

    @_translated
    def data_version(self) -> int:
        """Changes whenever another connection commits: lets the window notice other instances."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    def headline(self) -> str:
        return "Local"

    def capabilities(self) -> Capabilities:
        """The local store is one person's file: everything is allowed."""
        return Capabilities.everything()

    @_translated
    def audit(
        self, name: str | None = None, since: dt.datetime | None = None, *, server_id: str | None = None
    ) -> list[AuditEntry]:
        """Every change of the servers (who, when, old -> new), oldest first; written by the database's
        triggers, so a change made with the ``sqlite3`` shell is listed too (see ``store.local_audit``)."""
        try:
            return read_local_audit(self._conn, name, since, server_id)
        except DamagedEntry as exc:
            raise self._damaged(exc) from None

    @_translated
    def last_change(self, server_id: str) -> AuditEntry | None:
        """The newest entry of ``server_id``'s trail (who changed it, when), or None when none is recorded."""
        try:
            return last_local_change(self._conn, server_id)
        except DamagedEntry as exc:
            raise self._damaged(exc) from None

    # --- partitions and analysts ---------------------------------------------------------

    @_translated
    def list_partitions(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT name FROM partitions ORDER BY name_key")]

    def add_partition(self, name: str) -> None:
        """Add a partition; the name is checked by the domain's partition rules (via PartitionAdmin)."""
        from outmail_gui.store.partitions import PartitionAdmin  # it builds on this class

        PartitionAdmin.of(self).add(name)

    def rename_partition(self, old: str, new: str) -> None:
        """Rename; servers and analysts that use the partition follow (see PartitionAdmin.rename)."""
        from outmail_gui.store.partitions import PartitionAdmin

        PartitionAdmin.of(self).rename(old, new)

    @_translated
    def has_analysts(self) -> bool:
        """Whether any analyst is set up (they are kept by ``store.partitions.PartitionAdmin``)."""
        return self._conn.execute("SELECT 1 FROM analysts LIMIT 1").fetchone() is not None

    @_translated
    def partitions_for_analyst(self, login: str) -> list[str]:
        cur = self._conn.execute(
            "SELECT p.name FROM analyst_partitions ap JOIN partitions p ON p.name = ap.partition "
            "JOIN analysts a ON a.login = ap.login WHERE a.login_key = ? ORDER BY p.name_key",
            (normalized_name(login),),
        )
        return [r[0] for r in cur]

    # --- internals ------------------------------------------------------------------------

    def _find(self, server_id: str) -> ServerSettings | None:
        return self._one(rows.SELECT + " WHERE id = ?", server_id)

    def _one(self, sql: str, key: str) -> ServerSettings | None:
        found = self._fetch(sql, (key,))
        if not found:
            return None
        try:
            return rows.checked_record(found[0])
        except rows.DamagedRow as exc:
            raise self._damaged(exc) from None

    def _fetch(self, sql: str, params: tuple[str, ...] = ()) -> list[tuple[object, ...]]:
        """All rows; when one holds text that is not UTF-8, read again leniently so the others survive."""
        try:
            return self._conn.execute(sql, params).fetchall()
        except sqlite3.OperationalError as exc:
            if not rows.undecodable(exc):
                raise
        with rows.lenient_text(self._conn):
            return self._conn.execute(sql, params).fetchall()

    def _damaged(self, exc: rows.DamagedRow | DamagedEntry) -> DamagedRecordError:
        found = bk.list_backups(self.data_dir)
        offer = (
            f" Restore a backup to get it back (the latest is {found[0].name})."
            if found
            else " No backup is available."
        )
        return DamagedRecordError(
            f"The settings database {self.path} is damaged: {exc.label} cannot be read ({exc.what}). "
            f"The other servers are not affected.{offer}",
            self.path,
            found,
            exc.label,
        )

    @_translated
    def _rule_rows(self, about: ServerSettings | None) -> list[rows.ServerListRow]:
        query = rows.SELECT_LIST
        params: tuple[str, ...] = ()
        if about is not None:
            query += " WHERE name_key = ? OR is_default = 1 OR (active = 1 AND partition = ?)"
            params = (normalized_name(about.name), about.partition or "")
        return [rows.ServerListRow._make(row) for row in self._fetch(query, params)]

    def _stored_partition_spelling(self, record: ServerSettings) -> ServerSettings:
        """``record`` with its partition spelled as stored (``hr`` names partition ``HR``), if it exists."""
        if record.partition is None:
            return record
        from outmail_gui.store.partitions import PartitionAdmin

        stored = PartitionAdmin.of(self).stored_name(record.partition)
        return record.with_changes(partition=stored) if stored and stored != record.partition else record

    def _clear_default(self, except_id: str) -> None:
        # The previous default changes too: its revision grows so a stale copy cannot re-claim it.
        self._conn.execute(
            "UPDATE servers SET is_default = 0, revision = revision + 1 WHERE is_default = 1 AND id <> ?",
            (except_id,),
        )

    @_translated
    def _setting(self, key: str) -> str | None:
        row = self._conn.execute("SELECT value FROM app_settings WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    @_translated
    def _set_setting(self, key: str, value: str) -> None:
        with immediate(self._conn):
            self._conn.execute(
                "INSERT INTO app_settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


__all__ = ["ServerRepository", "StoreError"]
