"""The server list: columns sized to what they show, chosen from the header's context menu,
and a short welcome with the first actions while there is no server yet.

Full cell values are in the model's tooltips, so a column the user made narrow can still be read.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPoint
from PySide6.QtGui import QAction, QResizeEvent, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.ui.shared.qt_values import Align, ContextMenuPolicy, set_qt_property
from outmail_gui.ui.window.server_table_model import LAST_TEST_HEADER_TIP, Column

ALWAYS_SHOWN = frozenset({Column.NAME})  # a row needs something to be recognised by
# Hidden first (in this order) when the columns do not fit a first start's list width.
HIDDEN_FIRST_WHEN_NARROW = (Column.PROTOCOL, Column.ACTIVE, Column.PORT)
MAX_COLUMN_WIDTH = 320  # px before a long value is cut (it is in the tooltip)
LAST_TEST_MIN_WIDTH = 150
# Rows a column's width is measured on (Qt's default, 1000, costs ≈ 0.5 s at 10,000 servers);
# a longer value further down is cut, and the column can be widened by hand.
FIT_SAMPLE_ROWS = 50
WELCOME_TEXT = (
    "<p><b>Welcome to Outmail.</b></p>"
    "<p>No outgoing email server is set up yet. Add the first one, or import the servers "
    "exported from another workstation.</p>"
)


class ServerListView(QTableView):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("server_list")
        self.viewport().setObjectName("server_list_viewport")
        self.setAccessibleName("Outgoing email servers")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Sorting is turned on by MainWindow.finish_start(): Qt hands the sort order (a Qt enum) to the
        # model's Python sort() at once, and at every header state restored while it is on.
        self.setWordWrap(False)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)
        set_qt_property(self, "contextMenuPolicy", ContextMenuPolicy.ACTIONS)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.horizontalHeader()
        header.setObjectName("server_list_header")
        header.setHighlightSections(False)
        header.setStretchLastSection(True)  # Last test takes what is left
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setResizeContentsPrecision(FIT_SAMPLE_ROWS)
        set_qt_property(header, "contextMenuPolicy", ContextMenuPolicy.CUSTOM)
        header.customContextMenuRequested.connect(self._show_column_menu)
        self._titles = _column_titles(self)
        self._partitions_shown = True
        self._welcome: QWidget | None = None

    def setModel(self, model: Any) -> None:
        """Show ``model``'s rows under the column titles of the header's own (C++) model.

        A Python model's ``headerData`` is handed a ``Qt.Orientation``, whose conversion creates
        Qt's whole namespace (see :mod:`~outmail_gui.ui.shared.qt_values`); the header asks for
        titles and sizes on every paint. ``model`` must have no columns yet when it is set (its
        source comes after), as the header asks it for their sizes before taking the titles."""
        super().setModel(model)
        self.horizontalHeader().setModel(self._titles)

    # ----- columns

    def column_menu(self) -> QMenu:
        """Show or hide each column (the header's context menu); Name always shows."""
        header = self.horizontalHeader()
        menu = QMenu("Columns", self)
        menu.setObjectName("column_menu")
        for column in Column:
            action = QAction(column.title, menu)
            action.setObjectName(f"column_{column.name.lower()}")
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            if column in ALWAYS_SHOWN:
                action.setEnabled(False)
            elif column == Column.PARTITION and not self._partitions_shown:
                action.setEnabled(False)
                action.setToolTip("Partitioning is off (Partition Settings)")
            action.toggled.connect(lambda shown, c=column: self.set_column_shown(c, shown))
            menu.addAction(action)
        return menu

    def _show_column_menu(self, pos: QPoint) -> None:
        menu = self.column_menu()
        menu.exec(self.horizontalHeader().viewport().mapToGlobal(pos))
        menu.deleteLater()

    def set_column_shown(self, column: Column, shown: bool) -> None:
        if column in ALWAYS_SHOWN:
            return
        header = self.horizontalHeader()
        header.setSectionHidden(column, not shown)
        if shown and header.sectionSize(column) < header.minimumSectionSize() * 2:
            self.fit_column(column)

    def follow_partitioning(self, enabled: bool) -> None:
        """The Partition column shows while partitioning is on (unless the user hid it), never while off."""
        header = self.horizontalHeader()
        if not enabled:
            header.setSectionHidden(Column.PARTITION, True)  # also over a restored header of another time
        elif not self._partitions_shown:  # just switched on: the column comes back
            header.setSectionHidden(Column.PARTITION, False)
            self.fit_column(Column.PARTITION)
        self._partitions_shown = enabled

    def fit_column(self, column: Column) -> None:
        """As wide as its header and the values it shows (up to a cap; the tooltip has the rest)."""
        header = self.horizontalHeader()
        contents = max(self.sizeHintForColumn(column), header.sectionSizeHint(column))
        header.resizeSection(column, min(contents, MAX_COLUMN_WIDTH))

    def fit_columns(self) -> None:
        for column in Column:
            if column != Column.LAST_TEST:
                self.fit_column(column)

    def fit_to(self, width: int) -> None:
        """Size every column to its values; hide the least needed ones until the rest fit ``width``.

        Only for a first start: afterwards the user's own choice (header menu) is restored. The
        columns get room for the sort indicator, which a first start shows from just after the first
        paint (:meth:`~outmail_gui.ui.window.main_window.MainWindow.finish_start`).
        """
        header = self.horizontalHeader()
        shown = header.isSortIndicatorShown()
        header.setSortIndicatorShown(True)
        try:
            self.fit_columns()
        finally:
            header.setSortIndicatorShown(shown)
        for column in HIDDEN_FIRST_WHEN_NARROW:
            if self.wanted_width() <= width:
                break
            self.horizontalHeader().setSectionHidden(column, True)

    def wanted_width(self) -> int:
        """The width that shows every visible column in full (Last test at a readable minimum)."""
        header = self.horizontalHeader()
        columns = sum(header.sectionSize(c) for c in Column if c != Column.LAST_TEST and not header.isSectionHidden(c))
        if not header.isSectionHidden(Column.LAST_TEST):
            columns += LAST_TEST_MIN_WIDTH
        return columns + 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width()

    # ----- the welcome while the list is empty

    def set_welcome(self, actions: list[QAction]) -> None:
        """A welcome text with a button for each of ``actions``, shown while there is no server."""
        welcome = QWidget(self.viewport())
        welcome.setObjectName("list_welcome")
        layout = QVBoxLayout(welcome)
        text = QLabel(WELCOME_TEXT, welcome)
        text.setObjectName("list_welcome_text")
        text.setWordWrap(True)
        set_qt_property(text, "alignment", Align.H_CENTER)
        layout.addStretch(1)
        layout.addWidget(text)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for action in actions:
            button = QPushButton(action.icon(), action.iconText(), welcome)
            button.setObjectName(f"welcome_{action.objectName()}")
            button.setToolTip(action.toolTip())
            button.clicked.connect(action.trigger)
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(2)
        self._welcome = welcome

    def update_welcome(self, no_servers: bool) -> None:
        """Show the welcome while there is no server at all (not when the filter hides them all)."""
        if self._welcome is not None:
            self._welcome.setGeometry(self.viewport().rect())
            self._welcome.setVisible(no_servers)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._welcome is not None:
            self._welcome.setGeometry(self.viewport().rect())


def _column_titles(parent: QWidget) -> QStandardItemModel:
    """The list's column titles (and header tooltips) as the server model answers them."""
    titles = QStandardItemModel(0, len(Column), parent)
    for column in Column:
        item = QStandardItem(column.title)
        if column == Column.LAST_TEST:
            item.setToolTip(LAST_TEST_HEADER_TIP)
        titles.setHorizontalHeaderItem(column, item)
    return titles
