"""Which shared store is open, as whom, and what the database lets this login do (``store status``).

The rights are read from the database (role membership, the analyst's partitions), the same
facts its GRANTs and row-level security enforce, so what is shown is what will be allowed.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import psycopg

from outmail_gui.store.postgres.schema import GROUP_ROLES


@dataclasses.dataclass(frozen=True, slots=True)
class StoreStatus:
    database: str
    host: str
    login: str
    schema_version: int
    roles: tuple[str, ...]
    """The Outmail group roles this login has (all of them for a superuser)."""
    partitions: tuple[str, ...]
    """As ``outmail_analyst``: the partitions whose servers it may change."""
    unpartitioned: bool = False
    """As ``outmail_analyst``: whether it may also change the servers without a partition."""

    @property
    def headline(self) -> str:
        return f"Shared: {self.database} on {self.host} as {self.login}"

    @property
    def rights(self) -> str:
        if "outmail_admin" in self.roles:
            return "may change every setting"
        if "outmail_analyst" in self.roles:
            where = ", ".join(self.partitions) if self.partitions else "no partition yet"
            if self.unpartitioned:
                where = f"{where} and those without a partition" if self.partitions else "those without a partition"
            return f"may read the settings, record tests and change the servers of: {where}"
        if "outmail_helpdesk" in self.roles:
            return "may read the settings and record tests"
        return "has no Outmail role: ask the database administrator for one"


_STATUS = """
SELECT current_database(), session_user,
    ARRAY(SELECT r.rolname::text FROM pg_roles r WHERE r.rolname = ANY(%s)
          AND ((SELECT rolsuper FROM pg_roles WHERE rolname = session_user)
               OR pg_has_role(session_user, r.oid, 'MEMBER'))
          ORDER BY r.rolname),
    ARRAY(SELECT ap.partition FROM analyst_partitions ap JOIN analysts a ON a.login = ap.login
          WHERE a.login_key = lower(session_user) ORDER BY ap.partition),
    (SELECT unpartitioned FROM analysts WHERE login_key = lower(session_user))
"""


def store_status(conn: psycopg.Connection[tuple[Any, ...]], schema_version: int) -> StoreStatus:
    """One query (one round trip: the window asks at start and after each reconnection)."""
    row = conn.execute(_STATUS, (list(GROUP_ROLES),)).fetchone()
    assert row is not None
    database, login, roles, partitions, unpartitioned = str(row[0]), str(row[1]), row[2], row[3], row[4]
    host = conn.info.host if not conn.info.host.startswith("/") else "this computer"
    return StoreStatus(
        database,
        host,
        login,
        schema_version,
        tuple(map(str, roles)),
        tuple(map(str, partitions)),
        bool(unpartitioned),
    )
