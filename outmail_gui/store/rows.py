"""Mapping between :class:`ServerSettings` and the ``servers`` table's columns."""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

from outmail_gui.domain.rules import normalized_name
from outmail_gui.domain.settings import AuthMethod, Protocol, ServerSettings

FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ServerSettings))
BOOL_FIELDS = frozenset(f.name for f in dataclasses.fields(ServerSettings) if f.type in ("bool", bool))
COLUMNS: tuple[str, ...] = (*FIELDS, "name_key")
SELECT = f"SELECT {', '.join(FIELDS)} FROM servers"
INSERT = f"INSERT INTO servers ({', '.join(COLUMNS)}) VALUES ({', '.join(':' + c for c in COLUMNS)})"
UPDATE = (
    "UPDATE servers SET "
    + ", ".join(f"{c} = :{c}" for c in COLUMNS if c != "id")
    + " WHERE id = :id AND revision = :expected_revision"
)


def to_row(record: ServerSettings) -> dict[str, Any]:
    row: dict[str, Any] = {name: getattr(record, name) for name in FIELDS}
    row["protocol"] = record.protocol.value
    row["auth_methods"] = ",".join(sorted(m.value for m in record.auth_methods))
    for name in BOOL_FIELDS:
        row[name] = int(row[name])
    row["partition"] = record.partition or None
    row["name_key"] = normalized_name(record.name)
    return row


def from_row(row: sqlite3.Row | tuple[Any, ...]) -> ServerSettings:
    values: dict[str, Any] = dict(zip(FIELDS, row, strict=True))
    values["protocol"] = Protocol(values["protocol"])
    text = values["auth_methods"]
    values["auth_methods"] = frozenset(AuthMethod(v) for v in text.split(",")) if text else frozenset()
    for name in BOOL_FIELDS:
        values[name] = bool(values[name])
    return ServerSettings(**values)
