"""The server list as a table model: one row per saved server, one column per summary field.

Rows are :class:`ServerListRow` tuples: only what the list shows, sorts and filters, read
straight from SQLite (building 10,000 full :class:`ServerSettings` records at start-up took
longer than the rest of the window). The full record of a row comes from the records the
model was given, or from the loader the window sets (:meth:`ServerTableModel.set_loader`),
on first use. The model sorts itself (the proxy delegates to it) because sorting 10,000 rows
through Python ``lessThan`` calls would take half a second; sorting a Python list with a key
function takes a few milliseconds.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import compress, repeat
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, cast

from PySide6 import QtCore
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
)

from outmail_gui.domain.settings import ServerSettings
from outmail_gui.store.rows import ServerListRow
from outmail_gui.ui.shared.icons import StatusIcon, icon
from outmail_gui.ui.shared.qt_values import Align, Role

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

ModelIndex = QModelIndex | QPersistentModelIndex
AnyRecord = ServerSettings | ServerListRow

ID_ROLE = Role.USER + 1

# Plain ints (Qt's own values, without Qt's namespace: see ui.shared.qt_values): Qt passes the
# role as an int, and int comparisons are cheaper than enum ones.
_DISPLAY = int(Role.DISPLAY)
_DECORATION = int(Role.DECORATION)
_TOOLTIP = int(Role.TOOLTIP)
_ACCESSIBLE = int(Role.ACCESSIBLE_TEXT)
_ALIGN = int(Role.TEXT_ALIGNMENT)
# The roles data() answers; a delegate paints a cell asking ~7 (font, colours, check state...).
_ANSWERED_ROLES = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, _ACCESSIBLE, _ALIGN, ID_ROLE})
_PORT_ALIGNMENT = int(Align.RIGHT | Align.V_CENTER)


class Column(enum.IntEnum):
    NAME = 0
    PROTOCOL = 1
    SERVER = 2
    PORT = 3
    ACTIVE = 4
    DEFAULT = 5
    PARTITION = 6
    LAST_TEST = 7

    @property
    def title(self) -> str:
        return _TITLES[self]


_TITLES = {
    Column.NAME: "Name",
    Column.PROTOCOL: "Protocol",
    Column.SERVER: "Server",
    Column.PORT: "Port",
    Column.ACTIVE: "Active",
    Column.DEFAULT: "Default",
    Column.PARTITION: "Partition",
    Column.LAST_TEST: "Last test",
}
_COLUMN_COUNT = len(Column)
LAST_TEST_HEADER_TIP = "Result of the last connection test run from this workstation."

LEGACY_TOOLTIP = "MAPI is no longer supported from version 10.5: this legacy record can be converted to SMTP."


def partition_conflict_text(partition: str, names: Sequence[str]) -> str:
    listed = ", ".join(repr(n) for n in names)
    return (
        f"More than one active server sends for partition {partition!r} ({listed}): the system "
        "simply selects one. Keep only one active email server per partition."
    )


class ServerTableModel(QAbstractTableModel):
    """Saved servers, with the partition conflicts and last test results they imply."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ServerListRow] = []
        self._full: dict[str, ServerSettings] = {}  # full records known, by id (valid at the row's revision)
        self._load_one: Callable[[str], ServerSettings | None] | None = None
        self._load_all: Callable[[], Iterable[ServerSettings]] | None = None
        self._row_of: dict[str, int] | None = {}
        self._search_keys: list[str] | None = None
        self._shared: frozenset[str] = frozenset()  # partitions with more than one active server
        self._active_count = 0
        self._conflict_rows: list[ServerListRow] = []  # the rows at the last change, if any are shared
        self._conflicts: dict[str, list[str]] | None = {}  # partition -> names, gathered when first asked
        self._last_test: dict[str, str] = {}
        self._last_test_icon: dict[str, StatusIcon] = {}
        self._expiry_flags: dict[str, str] = {}  # server id -> "The server's certificate expires in 5 days ..."
        self._sort: tuple[int, bool] = (-1, False)  # column, descending

    # ----- the Qt model interface

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else _COLUMN_COUNT

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        # One Python call instead of the base class's rowCount() + columnCount() pair.
        if 0 <= row < len(self._rows) and 0 <= column < _COLUMN_COUNT and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        # Asked by accessibility and tests: the list's header shows its own copy of the titles,
        # so that no Qt.Orientation reaches Python before the first paint (ServerListView.setModel).
        if orientation is QtCore.Qt.Orientation.Horizontal and 0 <= section < _COLUMN_COUNT:
            if role == _DISPLAY:
                return _TITLES[Column(section)]
            if role == _TOOLTIP and section == Column.LAST_TEST:
                return LAST_TEST_HEADER_TIP
            return None
        if role == _DISPLAY and orientation is QtCore.Qt.Orientation.Vertical:
            return section + 1
        return None

    # flags(): the base class's (enabled, selectable, never has children) is what the list needs,
    # without a Python call per painted cell.

    def data(self, index: ModelIndex, role: int = _DISPLAY) -> Any:
        if role not in _ANSWERED_ROLES:
            return None
        return self._value(self._rows[index.row()], index.column(), role)

    def multiData(self, index: ModelIndex, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        """Every role of one cell in one Python call: a delegate asks ≈ 7 for each cell it paints."""
        record = self._rows[index.row()]
        column = index.column()
        for role_data in _role_data(roleDataSpan):
            role = role_data.role()
            role_data.setData(self._value(record, column, role) if role in _ANSWERED_ROLES else None)

    def sort(self, column: int, order: Qt.SortOrder | None = None) -> None:
        """Qt's sort (from the list's header); ``order`` None is ascending."""
        self.sort_by(column, descending=order is QtCore.Qt.SortOrder.DescendingOrder)

    def sort_by(self, column: int, *, descending: bool = False) -> None:
        """Sort by ``column`` without Qt's enum (a restored sort is applied before the first paint)."""
        self._sort = (column, descending)
        if column < 0 or column >= _COLUMN_COUNT or len(self._rows) < 2:
            return
        self.layoutAboutToBeChanged.emit()
        old_ids = [r.id for r in self._rows]
        self._apply_sort()
        self._row_of = None
        self._search_keys = None
        new_row = self.row_of
        persistent = self.persistentIndexList()
        if persistent:
            targets = [self.index(new_row(old_ids[p.row()]), p.column()) for p in persistent]
            self.changePersistentIndexList(persistent, targets)
        self.layoutChanged.emit()

    # ----- records in and out

    def set_loader(
        self, load_one: Callable[[str], ServerSettings | None], load_all: Callable[[], Iterable[ServerSettings]]
    ) -> None:
        """Where full records come from when the model was given list rows only."""
        self._load_one, self._load_all = load_one, load_all

    def set_servers(self, records: Iterable[AnyRecord], *, in_name_order: bool = False) -> None:
        """Replace every row; full records are kept for :meth:`find`, list rows are enough to show.

        ``in_name_order``: the records come sorted as the Name column sorts them (case-insensitive
        name, then id), as :meth:`ServerRepository.list_server_rows` returns them, so a Name sort
        has nothing to do (≈ 3 ms of start-up with 10,000 servers).
        """
        self.beginResetModel()
        self._full = {}
        self._rows = self._as_rows(records)
        self._apply_sort(in_name_order=in_name_order)
        self._after_change()
        self.endResetModel()

    def refresh(self, records: Iterable[AnyRecord]) -> None:
        """Bring the rows up to date with ``records`` keeping untouched rows (and the selection)."""
        fresh: dict[str, ServerListRow | None] = {r.id: r for r in self._as_rows(records)}
        gone: dict[str, ServerListRow | None] = {r.id: None for r in self._rows if r.id not in fresh}
        self._apply_rows(gone | fresh)

    def update_servers(self, changed: Mapping[str, AnyRecord | None]) -> None:
        """Bring only the rows of ``changed`` up to date: a record replaces or adds its row, None removes it."""
        rows = iter(self._as_rows([r for r in changed.values() if r is not None]))
        self._apply_rows({server_id: None if r is None else next(rows) for server_id, r in changed.items()})

    def _apply_rows(self, fresh: dict[str, ServerListRow | None]) -> None:
        """Remove the rows mapped to None, replace the changed ones, add the new ones; rows not named stay."""
        stale = [row for row, r in enumerate(self._rows) if r.id in fresh and fresh[r.id] is None]
        for row in reversed(stale):
            self.beginRemoveRows(QModelIndex(), row, row)
            self._full.pop(self._rows[row].id, None)
            del self._rows[row]
            self._after_change()
            self.endRemoveRows()
        changed: list[int] = []
        for row, old in enumerate(self._rows):
            new = fresh.pop(old.id, old)
            if new is not None and new != old:
                self._rows[row] = new
                changed.append(row)
        added = [r for r in fresh.values() if r is not None]
        if added:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._rows.extend(added)
            self._after_change()
            self.endInsertRows()
        old_conflicts = self._conflict_names()
        self._after_change()
        conflicts_changed = old_conflicts != self._conflict_names()
        if changed or conflicts_changed:
            top = min(changed) if changed else 0
            bottom = max(changed) if changed else len(self._rows) - 1
            if conflicts_changed:
                top, bottom = 0, len(self._rows) - 1
            if bottom >= top:
                self.dataChanged.emit(self.index(top, 0), self.index(bottom, _COLUMN_COUNT - 1))
        if changed or added:
            column, descending = self._sort
            self.sort_by(column, descending=descending)

    def record_at(self, row: int) -> ServerSettings:
        record = self.find(self._rows[row].id)
        if record is None:
            raise LookupError(f"the server of row {row} no longer exists")
        return record

    def row_at(self, row: int) -> ServerListRow:
        """What the list shows of ``row`` (no full record is read)."""
        return self._rows[row]

    def active_count(self) -> int:
        """How many servers are active (what Test all would test), without loading full records."""
        return self._active_count

    def names(self) -> list[str]:
        return [r.name for r in self._rows]

    def records(self) -> list[ServerSettings]:
        """The full record of every row, in row order (read with one query when not all are known)."""
        if any(self._known(r) is None for r in self._rows) and self._load_all is not None:
            by_id = {record.id: record for record in self._load_all()}
            for r in self._rows:
                record = by_id.get(r.id)
                if record is not None:
                    self._full[r.id] = record
        return [record for r in self._rows if (record := self._full.get(r.id)) is not None]

    def row_of(self, server_id: str) -> int:
        """The row of ``server_id``, or -1."""
        if self._row_of is None:
            self._row_of = {r.id: i for i, r in enumerate(self._rows)}
        return self._row_of.get(server_id, -1)

    def find(self, server_id: str) -> ServerSettings | None:
        """The full record of the row of ``server_id`` (None when there is no such row)."""
        row = self.row_of(server_id)
        if row < 0:
            return None
        known = self._known(self._rows[row])
        if known is not None or self._load_one is None:
            return known if known is not None else self._full.get(server_id)
        record = self._load_one(server_id)
        if record is not None:
            self._full[server_id] = record
        return record

    def search_keys(self) -> list[str]:
        """One lower-cased line per row: name, server and Outgoing Email ID (what the filter matches)."""
        if self._search_keys is None:
            self._search_keys = [f"{r.name}\n{r.server}\n{r.outgoing_email_id}".casefold() for r in self._rows]
        return self._search_keys

    def partition_conflict(self, record: AnyRecord) -> list[str]:
        """Names of the active servers (including ``record``) that share its partition, if more than one."""
        if not self._in_conflict(record):
            return []
        return self._conflict_names().get(record.partition or "", [])

    def set_last_test(self, server_id: str, text: str, status: StatusIcon | None = None) -> None:
        """The connection-test issue fills the Last test column through this (icon next to the words)."""
        self._last_test[server_id] = text
        if status is None:
            self._last_test_icon.pop(server_id, None)
        else:
            self._last_test_icon[server_id] = status
        row = self.row_of(server_id)
        if row >= 0:
            cell = self.index(row, Column.LAST_TEST)
            self.dataChanged.emit(cell, cell)

    def set_expiry_flags(self, flags: dict[str, str]) -> None:
        """Servers whose certificate or OAuth 2.0 client secret expires within the warning days (or has
        expired): a warning beside the name, the dates in its tooltip (``store.routing_inputs.read_expiry_flags``)."""
        if flags != self._expiry_flags:
            self._expiry_flags = dict(flags)
            if self._rows:
                self.dataChanged.emit(self.index(0, Column.NAME), self.index(len(self._rows) - 1, Column.NAME))

    # ----- internals

    def _as_rows(self, records: Iterable[AnyRecord]) -> list[ServerListRow]:
        given = list(records)
        if not any(map(isinstance, given, repeat(ServerSettings))):
            return cast("list[ServerListRow]", given)  # list rows only (start-up): no Python loop
        result: list[ServerListRow] = []
        for r in records:
            if isinstance(r, ServerSettings):
                self._full[r.id] = r
                result.append(ServerListRow.of(r))
            else:
                result.append(r)
        return result

    def _known(self, row: ServerListRow) -> ServerSettings | None:
        """The full record of ``row`` when one is known at the row's revision."""
        record = self._full.get(row.id)
        return record if record is not None and record.revision == row.revision else None

    def _after_change(self) -> None:
        self._row_of = None
        self._search_keys = None
        # In C (no Python call per row): the active flags, the partitions of the active rows, then
        # their counts; the window's actions ask for the active count at every update.
        active = list(map(_ACTIVE, self._rows))
        self._active_count = sum(map(bool, active))
        counts = Counter(filter(None, compress(map(_PARTITION, self._rows), active)))
        self._shared = frozenset(partition for partition, n in counts.items() if n > 1)
        # The rivals' names appear only in tooltips: gathered when first asked (a Python loop over
        # every row, ≈ 2 ms of start-up with 10,000 servers), from the rows as they are now.
        self._conflict_rows = list(self._rows) if self._shared else []
        self._conflicts = None

    def _in_conflict(self, record: AnyRecord) -> bool:
        return bool(record.active) and record.partition in self._shared

    def _conflict_names(self) -> dict[str, list[str]]:
        if self._conflicts is None:
            by_partition: dict[str, list[str]] = {}
            for r in self._conflict_rows:
                if r.active and r.partition in self._shared:
                    by_partition.setdefault(r.partition, []).append(r.name)
            self._conflicts = by_partition
        return self._conflicts

    def _apply_sort(self, *, in_name_order: bool = False) -> None:
        column, descending = self._sort
        if not 0 <= column < _COLUMN_COUNT:
            return
        if column == Column.NAME:
            if not in_name_order:
                # By (name.casefold(), id), decorate-sort-undecorate in C: no Python call per row
                # (ids are unique, so the rows themselves are never compared).
                rows = self._rows
                keyed = list(zip(map(str.casefold, map(_NAME, rows)), map(_ID, rows), rows, strict=True))
                keyed.sort()
                self._rows = list(map(_THIRD, keyed))
        else:
            key = _SORT_KEYS[Column(column)]
            self._rows.sort(key=lambda r: (key(self, r), r.name.casefold(), r.id))
        if descending:
            self._rows.reverse()

    def _value(self, record: ServerListRow, column: int, role: int) -> Any:
        """The data of one of the answered roles."""
        if role == _DISPLAY:
            return self._display(record, column)
        if role == _DECORATION:
            return self._decoration(record, column)
        if role == _TOOLTIP:
            return self._tooltip(record, column)
        if role == _ACCESSIBLE:
            text = self._display(record, column)
            extra = self._tooltip(record, column)
            return f"{text}. {extra}" if extra else text
        if role == _ALIGN:
            return _PORT_ALIGNMENT if column == Column.PORT else None
        return record.id  # ID_ROLE

    def _display(self, record: ServerListRow, column: int) -> str:
        if column == Column.NAME:
            return record.name
        if column == Column.PROTOCOL:
            return "MAPI (legacy)" if record.is_mapi else "SMTP"
        if column == Column.SERVER:
            return record.server
        if column == Column.PORT:
            return str(record.port)
        if column == Column.ACTIVE:
            return "Yes" if record.active else "No"
        if column == Column.DEFAULT:
            return "Default" if record.is_default else ""
        if column == Column.PARTITION:
            return record.partition or ""
        return self._last_test.get(record.id, "")

    def _decoration(self, record: ServerListRow, column: int) -> Any:
        if column == Column.ACTIVE:
            return icon(StatusIcon.YES if record.active else StatusIcon.NO)
        if column == Column.DEFAULT:
            return icon(StatusIcon.DEFAULT) if record.is_default else None
        if column == Column.PARTITION and self._in_conflict(record):
            return icon(StatusIcon.WARNING)
        if column == Column.PROTOCOL and record.is_mapi:
            return icon(StatusIcon.WARNING)  # legacy MAPI: a warning beside the words
        if column == Column.LAST_TEST and record.id in self._last_test_icon:
            return icon(self._last_test_icon[record.id])
        if column == Column.NAME and record.id in self._expiry_flags:
            return icon(StatusIcon.WARNING)
        return None

    def _tooltip(self, record: ServerListRow, column: int) -> str | None:
        if column == Column.PARTITION:
            rivals = self.partition_conflict(record)
            if rivals and record.partition:
                return partition_conflict_text(record.partition, rivals)
            return None
        if column == Column.PROTOCOL and record.is_mapi:
            return LEGACY_TOOLTIP
        if column == Column.ACTIVE:
            return "Active: this server can be used." if record.active else "Not active: this server is not used."
        if column == Column.DEFAULT and record.is_default:
            return "Default Outgoing Email Server: used when no server is defined for a partition."
        if column == Column.NAME:  # sized to show names in full; its tooltip is the expiry mark
            return self._expiry_flags.get(record.id)
        # Otherwise the full value, so a cell cut off by a narrow column can still be read.
        return self._display(record, column) or None


def _role_data(span: QModelRoleDataSpan | QModelRoleData) -> Sequence[QModelRoleData]:
    """The roles asked for: a span from Qt is a sequence at run time (PySide6's stubs do not say so)."""
    if isinstance(span, QModelRoleData):
        return (span,)
    return cast("Sequence[QModelRoleData]", span)


_PARTITION = attrgetter("partition")
_NAME = attrgetter("name")
_ID = attrgetter("id")
_THIRD = itemgetter(2)
_ACTIVE = attrgetter("active")


def _text_key(getter: Callable[[ServerListRow], str | None]) -> Callable[[ServerTableModel, ServerListRow], Any]:
    return lambda _model, r: ((getter(r) or "") == "", (getter(r) or "").casefold())


_SORT_KEYS: dict[Column, Callable[[ServerTableModel, ServerListRow], Any]] = {
    Column.NAME: lambda _m, r: r.name.casefold(),
    Column.PROTOCOL: lambda _m, r: r.protocol,
    Column.SERVER: _text_key(lambda r: r.server),
    Column.PORT: lambda _m, r: r.port,
    Column.ACTIVE: lambda _m, r: not r.active,
    Column.DEFAULT: lambda _m, r: not r.is_default,
    Column.PARTITION: _text_key(lambda r: r.partition),
    Column.LAST_TEST: lambda m, r: (r.id not in m._last_test, m._last_test.get(r.id, "").casefold()),
}
