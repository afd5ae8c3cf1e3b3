"""Partitions and analysts in the store, with the same guarantees as servers.

Each user action is one ``BEGIN IMMEDIATE`` transaction that validates against the
current state first (rules from :mod:`outmail_gui.domain.partitions` and
:mod:`outmail_gui.domain.analysts`), compares revisions, and bumps the revision of every
record it changes - a renamed partition also changes the servers and analysts that use
it, so a window holding a stale copy of those cannot save over the rename.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Sequence
from typing import Final

from outmail_gui.domain import analysts as analyst_rules
from outmail_gui.domain.analysts import Analyst, find_analyst
from outmail_gui.domain.names import clean_name, normalized_name
from outmail_gui.domain.partitions import clean_partition_name, find_partition, partition_name_problem
from outmail_gui.domain.rules import Issue, Severity, errors
from outmail_gui.store.errors import (
    DuplicateNameError,
    NotFoundError,
    RevisionConflictError,
    StoreError,
    ValidationFailed,
)
from outmail_gui.store.extension import RepositoryExtension


class Refuse(enum.Enum):
    """Marker for :meth:`PartitionAdmin.delete`: refuse when servers still use the partition."""

    REFUSE = "refuse"


REFUSE: Final = Refuse.REFUSE
_ANALYST = "login, display_name, email, revision, unpartitioned"


@dataclasses.dataclass(frozen=True, slots=True)
class PartitionInfo:
    """A partition with who uses it (server names, analyst logins), for the settings dialog."""

    name: str
    revision: int
    servers: tuple[str, ...] = ()
    analysts: tuple[str, ...] = ()


class PartitionInUseError(StoreError):
    """Servers still use the partition; ``servers`` are their names. Nothing was deleted."""

    def __init__(self, message: str, servers: Sequence[str]) -> None:
        super().__init__(message)
        self.servers: tuple[str, ...] = tuple(servers)


def _partition_issue(message: str) -> Issue:
    return Issue("partition", Severity.ERROR, message)


class PartitionAdmin(RepositoryExtension):
    """Partition and analyst administration on the repository's connection."""

    # --- partitions --------------------------------------------------------------------

    def partitions(self) -> list[PartitionInfo]:
        with self._errors():
            rows = self._conn.execute("SELECT name, revision FROM partitions ORDER BY name_key").fetchall()
            return [self._info(name, revision) for name, revision in rows]

    def partition(self, name: str) -> PartitionInfo:
        with self._errors():
            return self._require(name)

    def add(self, name: str) -> PartitionInfo:
        with self._tx():
            text = clean_partition_name(name)
            names = self._names()
            problem = partition_name_problem(name, names)
            if problem:
                raise self._name_error(problem, taken=find_partition(text, names) is not None)
            self._conn.execute(
                "INSERT INTO partitions (name, name_key, revision) VALUES (?, ?, 1)", (text, normalized_name(text))
            )
            return self._info(text, 1)

    def rename(self, old: str, new: str, expected_revision: int | None = None) -> PartitionInfo:
        """Rename; servers and analysts that use it follow in the same transaction."""
        with self._tx():
            current = self._require(old)
            self._check_revision(current, expected_revision, "renamed")
            text = clean_partition_name(new)
            names = [n for n in self._names() if n != current.name]
            problem = partition_name_problem(new, names)
            if problem:
                raise self._name_error(problem, taken=find_partition(text, names) is not None)
            if text == current.name:
                return current
            self._touch_users(current.name)
            # ON UPDATE CASCADE carries the new name into servers and analyst_partitions.
            self._conn.execute(
                "UPDATE partitions SET name = ?, name_key = ?, revision = revision + 1 WHERE name = ?",
                (text, normalized_name(text), current.name),
            )
            return self._require(text)

    def delete(
        self, name: str, expected_revision: int | None = None, *, move_servers_to: str | Refuse | None = REFUSE
    ) -> tuple[str, ...]:
        """Delete a partition; returns the names of the servers moved.

        Servers that use it go to ``move_servers_to`` (another partition, or ``None`` for no
        partition); with :data:`REFUSE` (the default) a partition in use is not deleted and
        :class:`PartitionInUseError` names its servers. Analysts lose their access to it.
        """
        with self._tx():
            current = self._require(name)
            self._check_revision(current, expected_revision, "deleted")
            if current.servers:
                if move_servers_to is REFUSE:
                    raise PartitionInUseError(
                        f"Partition {current.name!r} is used by {_listing(current.servers)}. Choose another "
                        "partition (or no partition) for them, or assign them elsewhere first; nothing was deleted.",
                        current.servers,
                    )
                target = self._target(current, move_servers_to)
                self._conn.execute(
                    "UPDATE servers SET partition = ?, revision = revision + 1 WHERE partition = ?",
                    (target, current.name),
                )
            self._conn.execute(
                "UPDATE analysts SET revision = revision + 1 WHERE login IN "
                "(SELECT login FROM analyst_partitions WHERE partition = ?)",
                (current.name,),
            )
            self._conn.execute("DELETE FROM partitions WHERE name = ?", (current.name,))
            return current.servers

    def stored_name(self, name: str) -> str | None:
        """How the partition that is the same name as ``name`` is spelled in the store, or ``None``."""
        row = self._conn.execute("SELECT name FROM partitions WHERE name_key = ?", (normalized_name(name),)).fetchone()
        return None if row is None else str(row[0])

    # --- analysts ----------------------------------------------------------------------

    def analysts(self) -> list[Analyst]:
        with self._errors():
            rows = self._conn.execute(f"SELECT {_ANALYST} FROM analysts ORDER BY login_key").fetchall()
            return [self._analyst(*row) for row in rows]

    def find_analyst(self, login: str) -> Analyst | None:
        """The analyst with this login (case-insensitive), or ``None`` when unknown."""
        with self._errors():
            return self._find_analyst(login)

    def save_analyst(self, analyst: Analyst, *, original_login: str | None = None) -> Analyst:
        """Insert (``analyst.revision == 0``) or update the analyst found by ``original_login``.

        The login may change (grants follow); the partitions become exactly
        ``analyst.partitions``. Returns the stored analyst with its new revision.
        """
        with self._tx():
            stored = None
            if analyst.revision != 0:
                stored = self._find_analyst(original_login or analyst.login)
                if stored is None:
                    raise RevisionConflictError(
                        f"Analyst {analyst.login!r} was deleted elsewhere since you opened it; nothing was saved.",
                        None,
                    )
                self._check_analyst_revision(stored, analyst.revision, "changed")
            others = [a for a in self._all_analysts() if stored is None or a.login != stored.login]
            blocking = errors(analyst_rules.analyst_issues(analyst, others))
            if blocking:
                taken = find_analyst(analyst.login, others) is not None
                raise (DuplicateNameError if taken else ValidationFailed)(blocking)
            grants = self._existing_partitions(analyst.partitions)
            login = clean_name(analyst.login)
            texts = (login, normalized_name(login), analyst.display_name.strip(), analyst.email.strip())
            values = (*texts, analyst.unpartitioned)
            if stored is None:
                self._conn.execute(
                    "INSERT INTO analysts (login, login_key, display_name, email, unpartitioned, revision) "
                    "VALUES (?, ?, ?, ?, ?, 1)",
                    values,
                )
            else:
                self._conn.execute(
                    "UPDATE analysts SET login = ?, login_key = ?, display_name = ?, email = ?, unpartitioned = ?, "
                    "revision = revision + 1 WHERE login = ?",
                    (*values, stored.login),
                )
            self._conn.execute("DELETE FROM analyst_partitions WHERE login = ?", (login,))
            self._conn.executemany(
                "INSERT INTO analyst_partitions (login, partition) VALUES (?, ?)", [(login, p) for p in grants]
            )
            saved = self._find_analyst(login)
            assert saved is not None
            return saved

    def delete_analyst(self, login: str, expected_revision: int | None = None) -> None:
        with self._tx():
            stored = self._find_analyst(login)
            if stored is None:
                raise NotFoundError(f"There is no analyst with login {login!r}; it may have been deleted elsewhere.")
            self._check_analyst_revision(stored, expected_revision, "deleted")
            self._conn.execute("DELETE FROM analysts WHERE login = ?", (stored.login,))

    # --- internals ---------------------------------------------------------------------

    def _names(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT name FROM partitions")]

    def _info(self, name: str, revision: int) -> PartitionInfo:
        servers = self._conn.execute(
            "SELECT name FROM servers WHERE partition = ? ORDER BY name_key", (name,)
        ).fetchall()
        analysts = self._conn.execute(
            "SELECT a.login FROM analyst_partitions ap JOIN analysts a ON a.login = ap.login "
            "WHERE ap.partition = ? ORDER BY a.login_key",
            (name,),
        ).fetchall()
        return PartitionInfo(name, int(revision), tuple(r[0] for r in servers), tuple(r[0] for r in analysts))

    def _require(self, name: str) -> PartitionInfo:
        row = self._conn.execute(
            "SELECT name, revision FROM partitions WHERE name_key = ?", (normalized_name(name),)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"There is no partition named {name.strip()!r}; it may have been deleted elsewhere.")
        return self._info(row[0], row[1])

    def _check_revision(self, current: PartitionInfo, expected: int | None, verb: str) -> None:
        if expected is not None and current.revision != expected:
            raise RevisionConflictError(
                f"Partition {current.name!r} was changed elsewhere (another Outmail window or command) since "
                f"you opened it; it was not {verb}. Look at the current settings first.",
                None,
            )

    def _check_analyst_revision(self, stored: Analyst, expected: int | None, verb: str) -> None:
        if expected is not None and stored.revision != expected:
            raise RevisionConflictError(
                f"Analyst {stored.login!r} was changed elsewhere (another Outmail window or command) since "
                f"you opened it; it was not {verb}. Look at the current settings first.",
                None,
            )

    def _target(self, current: PartitionInfo, target: str | None) -> str | None:
        if target is None:
            return None
        stored = self.stored_name(target)
        if stored is None:
            raise NotFoundError(f"There is no partition named {target.strip()!r} to move the servers to.")
        if stored == current.name:
            raise ValidationFailed([_partition_issue("The servers cannot be moved to the partition being deleted.")])
        return stored

    def _touch_users(self, name: str) -> None:
        """Bump the revisions of the servers and analysts that use ``name``."""
        self._conn.execute("UPDATE servers SET revision = revision + 1 WHERE partition = ?", (name,))
        self._conn.execute(
            "UPDATE analysts SET revision = revision + 1 WHERE login IN "
            "(SELECT login FROM analyst_partitions WHERE partition = ?)",
            (name,),
        )

    def _name_error(self, problem: str, *, taken: bool) -> ValidationFailed:
        issue = _partition_issue(problem)
        return DuplicateNameError([issue]) if taken else ValidationFailed([issue])

    def _existing_partitions(self, names: frozenset[str]) -> list[str]:
        found: list[str] = []
        for name in sorted(names, key=normalized_name):
            stored = self.stored_name(name)
            if stored is None:
                raise ValidationFailed([_partition_issue(f"There is no partition named {name.strip()!r}.")])
            if stored not in found:
                found.append(stored)
        return found

    def _analyst(self, login: str, display_name: str, email: str, revision: int, unpartitioned: object) -> Analyst:
        grants = self._conn.execute("SELECT partition FROM analyst_partitions WHERE login = ?", (login,)).fetchall()
        return Analyst(login, display_name, email, frozenset(r[0] for r in grants), int(revision), bool(unpartitioned))

    def _find_analyst(self, login: str) -> Analyst | None:
        row = self._conn.execute(
            f"SELECT {_ANALYST} FROM analysts WHERE login_key = ?", (normalized_name(login),)
        ).fetchone()
        return self._analyst(*row) if row else None

    def _all_analysts(self) -> list[Analyst]:
        rows = self._conn.execute(f"SELECT {_ANALYST} FROM analysts").fetchall()
        return [self._analyst(*row) for row in rows]


def _listing(names: Sequence[str]) -> str:
    shown = ", ".join(repr(n) for n in names[:5])
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return f"server {shown}" if len(names) == 1 else f"servers {shown}{more}"


__all__ = ["REFUSE", "PartitionAdmin", "PartitionInUseError", "PartitionInfo", "Refuse"]
