"""Connection-test history: one row per finished test, per server, deleted with the server.

Written on the GUI thread (never by a test's worker thread), one transaction per user
action: a single test writes one row, "Test all" writes its whole batch at once. Only the
newest :data:`KEEP_PER_SERVER` results of a server are kept, so the file cannot grow forever.

On a shared store every workstation's results are in one table, each with who ran it (the
database login, set by the database itself so nobody can write another's name) and where
(the workstation's host name); the database prunes there too, since a helpdesk login may
add results but delete nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from outmail_gui.store.extension import RepositoryExtension

KEEP_PER_SERVER = 200
MAX_SUMMARY = 500

_COLUMNS = "id, server_id, started_at, outcome, failed_step, summary, duration_ms, certificate_not_after"
_SHARED_COLUMNS = _COLUMNS + ", tested_by, workstation"
T = TypeVar("T")


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One finished test. ``started_at`` is timezone-aware (UTC); ``id`` is 0 until stored."""

    server_id: str
    started_at: dt.datetime
    outcome: Outcome
    summary: str
    duration_ms: int
    failed_step: str | None = None
    id: int = 0
    certificate_expires: dt.datetime | None = None  # from the TLS step: when the server's certificate expires
    tested_by: str | None = None  # shared store: the database login that ran the test
    workstation: str | None = None  # shared store: the host name of the workstation it ran on


def _utc_text(moment: dt.datetime | None) -> str | None:
    return moment.astimezone(dt.UTC).isoformat(timespec="milliseconds") if moment is not None else None


def _to_row(entry: HistoryEntry) -> tuple[Any, ...]:
    started = _utc_text(entry.started_at)
    summary = entry.summary if len(entry.summary) <= MAX_SUMMARY else entry.summary[: MAX_SUMMARY - 1] + "…"
    return (
        entry.server_id,
        started,
        entry.outcome.value,
        entry.failed_step,
        summary,
        max(0, int(entry.duration_ms)),
        _utc_text(entry.certificate_expires),
    )


def _from_row(row: tuple[Any, ...]) -> HistoryEntry:
    ident, server_id, started, outcome, failed_step, summary, duration, certificate, *origin = row
    tested_by, workstation = origin or (None, None)
    return HistoryEntry(
        server_id=server_id,
        started_at=dt.datetime.fromisoformat(started),
        outcome=Outcome(outcome),
        summary=summary,
        duration_ms=duration,
        failed_step=failed_step,
        id=ident,
        certificate_expires=dt.datetime.fromisoformat(certificate) if certificate else None,
        tested_by=tested_by,
        workstation=workstation,
    )


class HistoryStore(RepositoryExtension):
    """Test results on the repository's connection (so they share its transactions)."""

    def add(self, entry: HistoryEntry) -> bool:
        """Store one result; False when the server no longer exists (nothing stored)."""
        return self.add_many([entry]) == 1

    def add_many(self, entries: Iterable[HistoryEntry]) -> int:
        """Store results in one transaction; those of deleted servers are skipped. Returns how many were stored."""
        batch = list(entries)
        if not batch:
            return 0

        columns, values = "certificate_not_after", "?"
        origin: tuple[str, ...] = ()
        if self._shared:  # who ran it is the database's own session_user (a trigger); where is this workstation
            from outmail_gui.store.workstation import host_name

            columns, values, origin = columns + ", workstation", values + ", ?", (host_name(),)
        stored = 0
        with self._tx():
            for entry in batch:
                cur = self._conn.execute(
                    "INSERT INTO test_history (server_id, started_at, outcome, failed_step, summary, duration_ms, "
                    f"{columns}) SELECT ?, ?, ?, ?, ?, ?, {values} WHERE EXISTS (SELECT 1 FROM servers WHERE id = ?)",
                    (*_to_row(entry), *origin, entry.server_id),
                )
                stored += cur.rowcount
            if not self._shared:  # the shared store's trigger prunes (see postgres.schema)
                for server_id in {e.server_id for e in batch}:
                    self._prune(server_id)
        return stored

    def latest(self) -> dict[str, HistoryEntry]:
        """The newest result of every server that has one."""
        columns = self._columns()
        with self._errors():
            cur = self._conn.execute(
                f"SELECT {columns} FROM ("
                f"  SELECT {columns}, row_number() OVER "
                "    (PARTITION BY server_id ORDER BY started_at DESC, id DESC) AS rank FROM test_history"
                ") AS ranked WHERE rank = 1"
            )
            return {entry.server_id: entry for entry in map(_from_row, cur)}

    def for_server(self, server_id: str, limit: int = KEEP_PER_SERVER) -> list[HistoryEntry]:
        """A server's results, newest first."""
        with self._errors():
            cur = self._conn.execute(
                f"SELECT {self._columns()} FROM test_history WHERE server_id = ? "
                "ORDER BY started_at DESC, id DESC LIMIT ?",
                (server_id, limit),
            )
            return [_from_row(r) for r in cur]

    def _columns(self) -> str:
        return _SHARED_COLUMNS if self._shared else _COLUMNS

    def _prune(self, server_id: str) -> None:
        self._conn.execute(
            "DELETE FROM test_history WHERE server_id = ? AND id NOT IN ("
            "  SELECT id FROM test_history WHERE server_id = ? ORDER BY started_at DESC, id DESC LIMIT ?)",
            (server_id, server_id, KEEP_PER_SERVER),
        )


__all__ = ["KEEP_PER_SERVER", "HistoryEntry", "HistoryStore", "Outcome"]
