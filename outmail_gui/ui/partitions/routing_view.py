"""The Routing view: for each partition, the server that will send, why, and what is wrong.

Rows come from :func:`outmail_gui.domain.routing.route_table` (the same rules as the
``routing`` command). Selecting a row asks the window to open that row's server; the
analyst chooser previews the From and Reply-To that analyst's emails would carry.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QItemSelection, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.domain.analysts import Analyst, find_analyst
from outmail_gui.domain.routing import Route, RouteKind, route_table
from outmail_gui.domain.rules import Severity
from outmail_gui.store.routing_inputs import RoutingInputs
from outmail_gui.ui.shared.icons import StatusIcon, icon

SERVER_ID_ROLE = Qt.ItemDataRole.UserRole + 1
NO_VALUE = "—"
NO_ANALYST = "(no analyst)"
MIN_COLUMN_WIDTH = 90
MAX_COLUMN_WIDTH = 300
_Index = QModelIndex | QPersistentModelIndex


class RouteColumn(enum.IntEnum):
    PARTITION = 0
    SERVER = 1
    OUTCOME = 2
    FROM = 3
    REPLY_TO = 4
    PROBLEMS = 5


_TITLES = {
    RouteColumn.PARTITION: "Partition",
    RouteColumn.SERVER: "Sends via",
    RouteColumn.OUTCOME: "Why",
    RouteColumn.FROM: "From",
    RouteColumn.REPLY_TO: "Reply-To",
    RouteColumn.PROBLEMS: "Problems",
}
_OUTCOME_WORDS = {
    RouteKind.PARTITION: "Partition's server",
    RouteKind.DEFAULT: "Default server (fallback)",
    RouteKind.UNSENT: "Cannot be sent",
}
_SEVERITY_ICONS = {
    Severity.ERROR: StatusIcon.ERROR,
    Severity.WARNING: StatusIcon.WARNING,
    Severity.NOTICE: StatusIcon.INFO,
}
_SEVERITY_WORDS = {Severity.ERROR: "Error", Severity.WARNING: "Warning", Severity.NOTICE: "Note"}


class RoutingTableModel(QAbstractTableModel):
    """One row per route; the partition cell carries the worst problem's icon and word."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._routes: list[Route] = []

    def set_routes(self, routes: Sequence[Route]) -> None:
        self.beginResetModel()
        self._routes = list(routes)
        self.endResetModel()

    def routes(self) -> list[Route]:
        return list(self._routes)

    def route(self, row: int) -> Route:
        return self._routes[row]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._routes)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RouteColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _TITLES[RouteColumn(section)]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        route = self._routes[index.row()]
        column = RouteColumn(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return cell_text(route, column)
        if role == Qt.ItemDataRole.DecorationRole and column is RouteColumn.PARTITION:
            worst = route.worst
            return icon(_SEVERITY_ICONS[worst] if worst else StatusIcon.YES)
        if role == Qt.ItemDataRole.ToolTipRole:
            return describe(route)
        if role == SERVER_ID_ROLE:
            return route.server.id if route.server else ""
        return None


def cell_text(route: Route, column: RouteColumn) -> str:
    headers = route.headers
    if column is RouteColumn.PARTITION:
        return route.label
    if column is RouteColumn.SERVER:
        if route.server is None:
            return NO_VALUE
        extra = f" (+{len(route.candidates) - 1} more)" if len(route.candidates) > 1 else ""
        return route.server.name + extra
    if column is RouteColumn.OUTCOME:
        if route.kind is RouteKind.PARTITION and len(route.candidates) > 1:
            return f"Conflict: {len(route.candidates)} active servers"
        if route.kind is RouteKind.PARTITION and route.partition is None:
            return "Server without partition"
        return _OUTCOME_WORDS[route.kind]
    if column is RouteColumn.FROM:
        return (headers.from_ if headers else None) or NO_VALUE
    if column is RouteColumn.REPLY_TO:
        return (headers.reply_to if headers else None) or NO_VALUE
    problems = route.all_problems
    if not problems:
        return "None"
    first = f"{_SEVERITY_WORDS[problems[0].severity]}: {problems[0].message}"
    return first + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else "")


def describe(route: Route) -> str:
    """The whole story of one row, for its tooltip and the details under the table."""
    lines = [f"{route.label}: {route.reason}"]
    if route.headers is not None:
        lines.append(f"From: {route.headers.from_ or NO_VALUE}")
        lines.append(f"Reply-To: {route.headers.reply_to or '(none)'}")
        lines.append(f"Replies go to: {route.headers.replies_go_to or NO_VALUE}")
    lines += [f"{_SEVERITY_WORDS[p.severity]}: {p.message}" for p in route.all_problems]
    return "\n".join(lines)


NO_SERVERS_NOTE = "No outgoing email server yet: the routing shows here once one is added."


class RoutingView(QWidget):
    """The routing table with an analyst chooser and the selected row's details."""

    server_chosen = Signal(str)  # the id of the server of the row the user selected

    def __init__(
        self, load: Callable[[], RoutingInputs], analyst: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("routing_view")
        self.setAccessibleName("Routing: which server sends for each partition")
        self._load = load
        self._login = analyst or ""
        self._inputs: RoutingInputs | None = None
        self._refreshing = False
        self._fitted = False

        self.analyst_box = QComboBox(self)
        self.analyst_box.setObjectName("routing_analyst")
        self.analyst_box.setAccessibleName("Preview headers for analyst")
        self.analyst_box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.analyst_note = QLabel(self)
        self.analyst_note.setObjectName("routing_analyst_note")
        self.analyst_note.setWordWrap(True)
        self.model = RoutingTableModel(self)
        self.table = QTableView(self)
        self.details = QLabel(self)
        self._build()
        self.analyst_box.currentIndexChanged.connect(self._on_analyst_changed)
        self.table.selectionModel().selectionChanged.connect(self._on_selection)
        self.refresh()

    def _build(self) -> None:
        chooser = QLabel("Preview &headers for analyst", self)
        chooser.setBuddy(self.analyst_box)
        top = QHBoxLayout()
        top.addWidget(chooser)
        top.addWidget(self.analyst_box)
        top.addWidget(self.analyst_note, 1)
        table = self.table
        table.setObjectName("routing_table")
        table.setAccessibleName("Routes by partition")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setWordWrap(False)
        table.setAlternatingRowColors(True)
        table.verticalHeader().hide()
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.details.setObjectName("routing_details")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setMargin(4)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    # ----- data

    def refresh(self) -> None:
        """Read the inputs again and recompute every row, keeping the selected partition."""
        selected = self.selected_route()
        self._inputs = self._load()
        self._refreshing = True
        try:
            self._fill_analysts(self._inputs.analysts)
            self._recompute()
            if selected is not None:
                self.select_partition(selected.partition)
        finally:
            self._refreshing = False
        self._show_details()

    def analyst_login(self) -> str:
        return self._login

    def set_analyst(self, login: str) -> None:
        """Preview the headers for ``login`` (known or not)."""
        self._login = login.strip()
        if self._inputs is not None:
            self._refreshing = True
            try:
                self._fill_analysts(self._inputs.analysts)
                self._recompute()
            finally:
                self._refreshing = False
            self._show_details()

    def routes(self) -> list[Route]:
        return self.model.routes()

    def selected_route(self) -> Route | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.model.route(rows[0].row()) if rows else None

    def select_partition(self, partition: str | None) -> bool:
        """Select the row of ``partition`` (``None``: the no-partition row)."""
        for row, route in enumerate(self.model.routes()):
            if route.partition == partition:
                self.table.selectRow(row)
                return True
        return False

    def _recompute(self) -> None:
        inputs = self._inputs
        assert inputs is not None
        analyst = find_analyst(self._login, inputs.analysts) if self._login else None
        if not inputs.servers:  # a first start: nothing is wrong yet, there is just nothing to route
            self.model.set_routes([])
            self.analyst_note.setText(NO_SERVERS_NOTE)
            return
        routes = route_table(
            inputs.servers,
            inputs.partitions,
            analyst,
            partitioning_enabled=inputs.partitioning_enabled,
            last_test_failed=inputs.last_test_failed,
            expiring=inputs.expiring,
        )
        self.model.set_routes(routes)
        self.analyst_note.setText(_analyst_note(self._login, analyst))
        if not self._fitted:
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Size the columns to their contents once (later the user's widths stay), Problems takes the rest."""
        self._fitted = True
        for column in RouteColumn:
            if column is not RouteColumn.PROBLEMS:
                self.table.resizeColumnToContents(column)
                width = self.table.columnWidth(column)
                self.table.setColumnWidth(column, max(MIN_COLUMN_WIDTH, min(width + 12, MAX_COLUMN_WIDTH)))

    def _fill_analysts(self, analysts: Sequence[Analyst]) -> None:
        box = self.analyst_box
        box.blockSignals(True)
        try:
            box.clear()
            for analyst in analysts:
                box.addItem(analyst.label, analyst.login)
            if self._login and find_analyst(self._login, analysts) is None:
                box.addItem(f"{self._login} (not set up)", self._login)
            box.addItem(NO_ANALYST, "")
            known = find_analyst(self._login, analysts) if self._login else None
            wanted = known.login if known else self._login
            box.setCurrentIndex(max(0, box.findData(wanted)))
        finally:
            box.blockSignals(False)

    # ----- reacting

    def _on_analyst_changed(self, _index: int) -> None:
        login = str(self.analyst_box.currentData() or "")
        if login != self._login:
            self.set_analyst(login)

    def _on_selection(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._show_details()
        if self._refreshing:
            return
        route = self.selected_route()
        if route is not None and route.server is not None:
            self.server_chosen.emit(route.server.id)

    def _show_details(self) -> None:
        route = self.selected_route()
        self.details.setText(describe(route) if route else "Select a partition to see why its server was chosen.")


def _analyst_note(login: str, analyst: Analyst | None) -> str:
    if not login:
        return "No analyst: From and Reply-To show what servers use without an analyst's address."
    if analyst is None:
        return (
            f"{login!r} is not set up as an analyst in Partition Settings: such an analyst may use no partition, "
            "and headers that need the analyst's address fall back to the Outgoing Email ID."
        )
    return f"{analyst.label}: {analyst.mailbox or 'no email address'}"
