"""Mapping between :class:`ServerSettings` and the ``servers`` table's columns."""

from __future__ import annotations

import contextlib
import functools
import itertools
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import fields
from typing import Any, NamedTuple

from outmail_gui.domain.names import normalized_name
from outmail_gui.domain.settings import AuthMethod, Protocol, ServerSettings

FIELDS: tuple[str, ...] = tuple(f.name for f in fields(ServerSettings))
BOOL_FIELDS = frozenset(f.name for f in fields(ServerSettings) if f.type == "bool")  # annotations are source text
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


_PROTOCOLS: dict[str, Protocol] = {p.value: p for p in Protocol}
_PROTOCOL_INDEX = FIELDS.index("protocol")
_AUTH_INDEX = FIELDS.index("auth_methods")
_BOOL_INDEXES = tuple(FIELDS.index(name) for name in FIELDS if name in BOOL_FIELDS)


@functools.lru_cache(maxsize=256)
def _auth_methods(text: str) -> frozenset[AuthMethod]:
    return frozenset(AuthMethod(v) for v in text.split(",")) if text else frozenset()


def from_row(row: sqlite3.Row | tuple[Any, ...]) -> ServerSettings:
    """A record from a row in ``FIELDS`` order; positional and memoised, since start-up
    with 10,000 servers calls it 10,000 times."""
    values = list(row)
    if len(values) != len(FIELDS):
        raise ValueError(f"expected {len(FIELDS)} columns, got {len(values)}")
    values[_PROTOCOL_INDEX] = _PROTOCOLS[values[_PROTOCOL_INDEX]]
    values[_AUTH_INDEX] = _auth_methods(values[_AUTH_INDEX])
    for index in _BOOL_INDEXES:
        values[index] = bool(values[index])
    return ServerSettings(*values)


# ----- damaged rows: text that is not UTF-8, values no version of Outmail writes

_ESCAPED = re.compile("[\ud800-\udfff]")  # what surrogateescape makes of bytes that are not UTF-8
_TYPES: dict[str, type] = {"int": int, "bool": int, "str": str}
_CHECKED_TYPES = tuple((FIELDS.index(f.name), _TYPES[f.type]) for f in fields(ServerSettings) if f.type in _TYPES)
_ID_INDEX = FIELDS.index("id")
_NAME_INDEX = FIELDS.index("name")


class DamagedRow(Exception):
    """A ``servers`` row that cannot be a record; ``what`` says why, ``label`` names it."""

    def __init__(self, row: tuple[Any, ...], what: str, index_of_id: int = _ID_INDEX, index_of_name: int = _NAME_INDEX):
        super().__init__(what)
        self.what = what
        self.label = f"server {shown(row[index_of_name])!r} (id {shown(row[index_of_id])})"


def undecodable(exc: sqlite3.Error) -> bool:
    """SQLite could not give a text value as UTF-8: the fast path's sign that a row needs :func:`lenient_text`."""
    return "could not decode" in str(exc).lower()


@contextlib.contextmanager
def lenient_text(conn: sqlite3.Connection) -> Iterator[None]:
    """Text read without failing: bytes that are not UTF-8 become lone surrogates, found by :func:`check_text`."""
    conn.text_factory = _lenient
    try:
        yield
    finally:
        conn.text_factory = str


def _lenient(raw: bytes) -> str:
    return raw.decode("utf-8", "surrogateescape")


def shown(value: object) -> str:
    """A stored value for a message: undecodable bytes as U+FFFD, never an exception."""
    if isinstance(value, str) and not value.isascii():
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return str(value)


def check_text(row: tuple[Any, ...], names: tuple[str, ...], **label: int) -> None:
    """Raise :class:`DamagedRow` when a text value of ``row`` was not UTF-8 in the file."""
    for index, value in enumerate(row):
        if isinstance(value, str) and not value.isascii() and _ESCAPED.search(value):
            raise DamagedRow(row, f"its {names[index]} is not valid text", **label)


def checked_record(row: tuple[Any, ...]) -> ServerSettings:
    """:func:`from_row`, or :class:`DamagedRow` for a row no version of Outmail would have written."""
    check_text(row, FIELDS)
    for index, kind in _CHECKED_TYPES:
        if type(row[index]) is not kind:
            raise DamagedRow(row, f"its {FIELDS[index]} has a value of the wrong kind")
    try:
        return from_row(row)
    except (ValueError, KeyError, TypeError) as exc:
        raise DamagedRow(row, f"its stored values are invalid ({shown(exc)[:80]})") from None


# ----- the server list's projection: only what the window's list shows, sorts and filters

LIST_FIELDS: tuple[str, ...] = (
    "id",
    "revision",
    "protocol",
    "name",
    "server",
    "port",
    "active",
    "is_default",
    "partition",
    "outgoing_email_id",
)
SELECT_LIST = f"SELECT {', '.join(LIST_FIELDS)} FROM servers"


class ServerListRow(NamedTuple):
    """One server as the list shows it: a plain tuple straight from SQLite, no record built.

    Start-up with 10,000 servers reads these instead of full :class:`ServerSettings`
    records; the full record of a row is read when it is needed (selection, Test all).
    ``protocol`` is the stored text ("smtp"/"mapi"), ``active``/``is_default`` may be 0/1.
    """

    id: str
    revision: int
    protocol: str
    name: str
    server: str
    port: int
    active: bool
    is_default: bool
    partition: str | None
    outgoing_email_id: str

    @property
    def is_mapi(self) -> bool:
        return self.protocol == "mapi"

    @classmethod
    def of(cls, record: ServerSettings) -> ServerListRow:
        return cls(
            record.id,
            record.revision,
            record.protocol.value,
            record.name,
            record.server,
            record.port,
            record.active,
            record.is_default,
            record.partition or None,
            record.outgoing_email_id,
        )


assert ServerListRow._fields == LIST_FIELDS, "list_rows() builds ServerListRow from SELECT_LIST's columns"


def list_rows(conn: sqlite3.Connection, order: str = " ORDER BY name_key, id") -> list[ServerListRow]:
    """Every server's list projection (``tuple.__new__`` per row, mapped in C: no Python call per row,
    which ``ServerListRow._make`` would be; the query's columns are the tuple's fields)."""
    return list(map(tuple.__new__, itertools.repeat(ServerListRow), conn.execute(SELECT_LIST + order)))
