"""What the connected login may do in the shared store, read from the database itself.

Role membership (as ``store status`` reads it) and, for an analyst, the row-level security
function the ``servers`` policy calls, asked for each partition and for "no partition": the
window then shows exactly what the database will allow.
"""

from __future__ import annotations

from typing import Any

import psycopg

from outmail_gui.store.capabilities import Capabilities
from outmail_gui.store.postgres.status import StoreStatus


def read_capabilities(conn: psycopg.Connection[tuple[Any, ...]], status: StoreStatus) -> Capabilities:
    roles, login = status.roles, status.login
    if "outmail_admin" in roles:
        return Capabilities("admin", login)
    if "outmail_analyst" in roles:
        granted = frozenset(
            str(r[0]) for r in conn.execute("SELECT name FROM partitions WHERE may_change_partition(name)")
        )
        row = conn.execute("SELECT may_change_partition(NULL)").fetchone()
        unpartitioned = bool(row and row[0])
        return Capabilities("analyst", login, False, granted, unpartitioned)
    if "outmail_helpdesk" in roles:
        return Capabilities("helpdesk", login, False, frozenset(), False)
    return Capabilities("", login, False, frozenset(), False, record_tests=False)
