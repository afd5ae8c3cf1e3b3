"""Valid records for store tests."""

from __future__ import annotations

from typing import Any

from outmail_gui.domain.settings import ServerSettings, new_server


def smtp(name: str = "Main", **changes: Any) -> ServerSettings:
    base: dict[str, Any] = {"name": name, "server": "smtp.example.com", "outgoing_email_id": "desk@example.com"}
    base.update(changes)
    return new_server("smtp", **base)


def mapi(name: str = "Legacy", **changes: Any) -> ServerSettings:
    base: dict[str, Any] = {"name": name, "outgoing_email_id": "desk@example.com"}
    base.update(changes)
    return new_server("mapi", **base)


def export_entry(name: str, **fields: Any) -> dict[str, Any]:
    """One server as an export file lists it (valid SMTP unless ``fields`` change it)."""
    return {
        "protocol": "smtp",
        "name": name,
        "server": "smtp.example.com",
        "outgoing_email_id": "a@example.com",
    } | fields
