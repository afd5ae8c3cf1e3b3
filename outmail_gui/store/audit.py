"""The audit trail as every back end returns it, and how a change is put in words.

One entry per change of one server: who (login, application/workstation, address), when,
what (each changed field old -> new). A back end writes its trail itself (the shared store's
database trigger; see ``store.postgres.schema``); nothing here imports a driver, so the window's
Changes dialog and the CLI's ``audit`` command word an entry the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from outmail_gui.store.errors import StoreError

NO_LOCAL_HISTORY = "The local store keeps no change history yet."


class NoChangeHistoryError(StoreError):
    """This store keeps no audit trail."""


@dataclasses.dataclass(frozen=True, slots=True)
class AuditEntry:
    """One change of one server: who (database login, application/workstation, address), when, what."""

    at: dt.datetime
    user: str
    application: str
    client_addr: str | None
    action: str
    server_id: str
    server: str
    changes: dict[str, tuple[Any, Any]]
    """Each changed field: (old, new) as stored; ``None`` for a side that did not exist."""

    def where(self) -> str:
        """The workstation (application name) and client address, as far as they are known."""
        return ", ".join(part for part in (self.application, self.client_addr or "") if part)

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
