"""Filter (name, server, Outgoing Email ID) and sort the server list.

A keystroke runs no Python per row: the rows shown are computed at once from the source
model's precomputed lower-case search lines (``needle in line`` mapped in C), and only the
difference is signalled, as ranges of rows that leave and come back, the way Qt's own filter
proxy signals it (so the list moves its selection as it does there). Qt's ``QSortFilterProxyModel``
would call a Python ``filterAcceptsRow`` for every row at every change instead (10,000 calls a
keystroke with 10,000 servers). Sorting is delegated to the source model, which sorts its Python
list with a key function instead of calling ``lessThan`` n log n times.

Until the filter is first used there is nothing to filter: the list's proxy keeps Qt's own
filtering (every row accepted, no Python call per row), and the first filter text puts the
search rows under it. Putting them in resets the list's rows (all still there; the window puts
its selection back, see ``MainWindow._on_proxy_reset``); the text is then applied as a filter
change, as every later one is, so what the user sees does not change.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import add, contains, not_, sub
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QPersistentModelIndex,
    QSortFilterProxyModel,
)

from outmail_gui.ui.window.server_table_model import ServerTableModel

if TYPE_CHECKING:
    from PySide6.QtCore import Qt

ModelIndex = QModelIndex | QPersistentModelIndex


class _SearchRows(QAbstractTableModel):
    """The server model's rows whose name, server or Outgoing Email ID contain the needle.

    ``_rows`` holds the source rows shown, ascending. Every change of the needle or of the
    source's rows is applied as a difference: rows that no longer match leave in ranges
    (``rowsRemoved``), rows that match again come back in ranges (``rowsInserted``); a source
    sort is a layout change.
    """

    def __init__(self, model: ServerTableModel, needle: str, parent: Any = None) -> None:
        super().__init__(parent)
        self._model = model
        self._needle = needle
        self._rows: list[int] = self._matching(0, model.rowCount())
        self._kept: list[tuple[QModelIndex, str, int]] = []  # persistent indexes over a source layout change
        model.modelAboutToBeReset.connect(self.beginResetModel)
        model.modelReset.connect(self._after_reset)
        model.layoutAboutToBeChanged.connect(self._before_layout)
        model.layoutChanged.connect(self._after_layout)
        model.rowsAboutToBeRemoved.connect(self._before_rows_removed)
        model.rowsRemoved.connect(self._after_rows_removed)
        model.rowsInserted.connect(self._after_rows_inserted)
        model.dataChanged.connect(self._after_data_changed)

    def set_needle(self, needle: str) -> None:
        self._needle = needle
        self._show(self._matching(0, self._model.rowCount()))

    # ----- mapping

    def mapToSource(self, index: ModelIndex) -> QModelIndex:
        if not index.isValid():
            return QModelIndex()
        return self._model.index(self._rows[index.row()], index.column())

    def mapFromSource(self, index: ModelIndex) -> QModelIndex:
        position = self._position(index.row()) if index.isValid() else -1
        return self.index(position, index.column()) if position >= 0 else QModelIndex()

    # ----- the Qt model interface: the source's answers for the rows shown

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self._model.columnCount()

    def index(self, row: int, column: int, parent: ModelIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        if 0 <= row < len(self._rows) and 0 <= column < self._model.columnCount() and not parent.isValid():
            return self.createIndex(row, column)
        return QModelIndex()

    def data(self, index: ModelIndex, role: int = 0) -> Any:
        return self._model.data(self.mapToSource(index), role)

    def multiData(self, index: ModelIndex, roleDataSpan: QModelRoleDataSpan | QModelRoleData) -> None:
        self._model.multiData(self.mapToSource(index), roleDataSpan)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        return self._model.headerData(section, orientation, role)

    # ----- which rows show

    def _matching(self, first: int, end: int) -> list[int]:
        """The source rows in ``[first, end)`` that match (all when the needle is empty), in C."""
        if not self._needle:
            return list(range(first, end))
        lines = self._model.search_keys()[first:end]
        return list(compress(range(first, end), map(contains, lines, repeat(self._needle))))

    def _position(self, source_row: int) -> int:
        """Where ``source_row`` shows, or -1."""
        at = bisect_left(self._rows, source_row)
        return at if at < len(self._rows) and self._rows[at] == source_row else -1

    def _show(self, rows: list[int]) -> None:
        """Show ``rows`` (ascending source rows): the ones that go leave and the new ones come in, in ranges."""
        old = self._rows
        if rows == old:
            return
        kept = set(old).intersection(rows)
        root = QModelIndex()
        for first, last in reversed(_runs(compress(range(len(old)), map(not_, map(kept.__contains__, old))))):
            self.beginRemoveRows(root, first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        for first, last in _runs(compress(range(len(rows)), map(not_, map(kept.__contains__, rows)))):
            self.beginInsertRows(root, first, last)
            self._rows[first:first] = rows[first : last + 1]
            self.endInsertRows()

    # ----- following the source model

    def _after_reset(self) -> None:
        self._rows = self._matching(0, self._model.rowCount())
        self.endResetModel()

    def _before_layout(self, *_args: object) -> None:
        self.layoutAboutToBeChanged.emit()
        row_at = self._model.row_at
        self._kept = [(p, row_at(self._rows[p.row()]).id, p.column()) for p in self.persistentIndexList()]

    def _after_layout(self, *_args: object) -> None:
        self._rows = self._matching(0, self._model.rowCount())
        kept, self._kept = self._kept, []
        moved = [self.index(self._position(self._model.row_of(server_id)), column) for _, server_id, column in kept]
        self.changePersistentIndexList([index for index, _, _ in kept], moved)
        self.layoutChanged.emit()

    def _before_rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        low, high = bisect_left(self._rows, first), bisect_right(self._rows, last)
        if high > low:
            self.beginRemoveRows(QModelIndex(), low, high - 1)
            del self._rows[low:high]
            self.endRemoveRows()

    def _after_rows_removed(self, _parent: QModelIndex, first: int, last: int) -> None:
        after = bisect_right(self._rows, last)
        self._rows[after:] = map(sub, self._rows[after:], repeat(last - first + 1))

    def _after_rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        at = bisect_left(self._rows, first)
        self._rows[at:] = map(add, self._rows[at:], repeat(last - first + 1))  # the rows after move down
        added = self._matching(first, last + 1)
        if added:
            self.beginInsertRows(QModelIndex(), at, at + len(added) - 1)
            self._rows[at:at] = added
            self.endInsertRows()

    def _after_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, roles: Sequence[int] = ()) -> None:
        """Changed rows may match or stop matching (a rename); the ones still shown are repainted."""
        first, last = top_left.row(), bottom_right.row()
        low, high = bisect_left(self._rows, first), bisect_right(self._rows, last)
        self._show([*self._rows[:low], *self._matching(first, last + 1), *self._rows[high:]])
        low, high = bisect_left(self._rows, first), bisect_right(self._rows, last)
        if high > low:
            self.dataChanged.emit(
                self.index(low, top_left.column()), self.index(high - 1, bottom_right.column()), list(roles)
            )


def _runs(positions: Iterable[int]) -> list[tuple[int, int]]:
    """Ascending positions as (first, last) runs of consecutive ones."""
    runs: list[tuple[int, int]] = []
    first = last = -2
    for position in positions:
        if position != last + 1:
            if last >= 0:
                runs.append((first, last))
            first = position
        last = position
    if last >= 0:
        runs.append((first, last))
    return runs


class ServerFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._model: ServerTableModel | None = None
        self._search: _SearchRows | None = None

    def setSourceModel(self, model: Any) -> None:
        if not isinstance(model, ServerTableModel):
            raise TypeError("ServerFilterProxy filters a ServerTableModel")
        self._model = model
        self._search = None
        super().setSourceModel(model)

    def server_model(self) -> ServerTableModel:
        assert self._model is not None, "no source model set"
        return self._model

    def filter_text(self) -> str:
        return self._needle

    def set_filter_text(self, text: str) -> None:
        needle = text.strip().casefold()
        if needle == self._needle:
            return
        self._needle = needle
        if self._search is None:  # the first filter text: the same rows, reset once
            self._search = _SearchRows(self.server_model(), "", self)
            super().setSourceModel(self._search)
        self._search.set_needle(needle)  # then a filter change, as every later one

    def map_from_model(self, index: ModelIndex) -> QModelIndex:
        """The list's index of the server model's ``index`` (invalid when filtered out)."""
        if self._search is not None:
            return self.mapFromSource(self._search.mapFromSource(index))
        return self.mapFromSource(index)

    def map_to_model(self, index: ModelIndex) -> QModelIndex:
        """The server model's index of the list's ``index``."""
        source = self.mapToSource(index)
        return self._search.mapToSource(source) if self._search is not None else source

    def multiData(self, index: ModelIndex, roleDataSpan: Any) -> None:
        """A painted cell's roles from the server model in one call (the base class asks one role
        at a time, each an ``index()`` and a ``data()`` call into Python)."""
        self.server_model().multiData(self.map_to_model(index), roleDataSpan)

    def sort(self, column: int, order: Qt.SortOrder | None = None) -> None:
        self.server_model().sort(column, order)
