"""Filter (name, server, Outgoing Email ID) and sort the server list.

Filtering asks the source model for its precomputed lower-case search lines, so a keystroke
costs one cheap Python call per row. Sorting is delegated to the source model, which sorts
its Python list with a key function instead of calling ``lessThan`` n log n times.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

from outmail_gui.ui.server_table_model import ServerTableModel


class ServerFilterProxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._model: ServerTableModel | None = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    def setSourceModel(self, model: Any) -> None:
        if not isinstance(model, ServerTableModel):
            raise TypeError("ServerFilterProxy filters a ServerTableModel")
        self._model = model
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
        self.beginFilterChange()
        self._needle = needle
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        needle = self._needle
        if not needle:
            return True
        assert self._model is not None
        return needle in self._model.search_keys()[source_row]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column, self._sort_order = column, order
        self.server_model().sort(column, order)

    def current_sort(self) -> tuple[int, Qt.SortOrder]:
        return self._sort_column, self._sort_order
