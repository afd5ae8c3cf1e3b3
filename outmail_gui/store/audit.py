"""The audit trail as every back end returns it, and how a change is put in words.

One entry per change of one server: who (login, application/workstation, address), when,
what (each changed field old -> new). Each back end's database writes its trail itself, in
the transaction that made the change, whoever made it: the shared store's trigger (see
``store.postgres.schema``), the local store's SQLite triggers (``store.local_audit``).
Nothing here imports a driver, so the window's Changes dialog and the CLI's ``audit`` command
word an entry the same way. Neither trail ever holds a secret (none is in a database).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from outmail_gui.store.rows import FIELDS

_FIELD_ORDER = {name: index for index, name in enumerate(FIELDS)}


@dataclasses.dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change of one server: who (login, application/workstation, address), when, what."""

    at: dt.datetime
    user: str
    """The database login on the shared store; the OS login on the local store."""
    application: str
    client_addr: str | None
    """The workstation's address (shared store); ``None`` locally."""
    action: str
    server_id: str
    server: str
    changes: dict[str, tuple[Any, Any]]
    """Each changed field: (old, new) as stored; ``None`` for a side that did not exist."""

    def where(self) -> str:
        """The workstation (application name) and client address, as far as they are known."""
        return ", ".join(part for part in (self.application, self.client_addr or "") if part)

    def by_whom_when(self) -> str:
        """``jdoe at 14:02 (outmail-gui on ws7)``: local time, with the date when it was not today."""
        local = self.at.astimezone()
        when = local.strftime("%H:%M") if local.date() == dt.date.today() else local.strftime("%H:%M on %Y-%m-%d")
        where = self.where()
        return f"{self.user} at {when}" + (f" ({where})" if where else "")

    def change_list(self) -> list[str]:
        """Each changed field as ``field old -> new``, in the trail's order."""
        return [f"{field} {shown_value(old)} -> {shown_value(new)}" for field, (old, new) in self.changes.items()]

    def as_json(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "user": self.user,
            "application": self.application,
            "client_addr": self.client_addr,
            "action": self.action,
            "server_id": self.server_id,
            "server": self.server,
            "changes": {field: {"old": old, "new": new} for field, (old, new) in self.changes.items()},
        }


def shown_value(value: object) -> str:
    """A stored value as the trail shows it: JSON (strings quoted), ``-`` for a side that did not exist."""
    return "-" if value is None else json.dumps(value, ensure_ascii=False)


def ordered_changes(changes: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """``{field: [old, new]}`` as read from a trail, as (old, new) pairs in the record's field order
    (the same on both back ends: PostgreSQL's ``jsonb`` orders keys by length)."""
    pairs = {field: (pair[0], pair[1]) for field, pair in changes.items()}
    return dict(sorted(pairs.items(), key=lambda item: _FIELD_ORDER.get(item[0], len(_FIELD_ORDER))))
