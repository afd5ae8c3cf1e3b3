"""Server › Changes…: the audit trail, newest first, for one server or all, from a date on.

The rows come from the store's audit query (``SettingsRepository.audit``), the one the CLI's
``audit`` command prints; each change is worded by :class:`~outmail_gui.store.audit.AuditEntry`
as there. The trail never holds a secret: no secret is ever in the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.store.audit import AuditEntry, shown_value
from outmail_gui.store.errors import StoreError
from outmail_gui.ui.window.placement import fit_into_screen

if TYPE_CHECKING:
    from outmail_gui.store.interface import SettingsRepository

HEADERS = ("When", "Who", "Workstation", "Action", "Server", "Changes")
CHANGES_COLUMN = len(HEADERS) - 1
ALL_SERVERS = "All servers"
ACTION_WORDS = {"insert": "Added", "update": "Changed", "delete": "Deleted"}
SINCE_DAYS = 30  # the date offered when "Since" is ticked
_TOP_LEFT = Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft


class ChangesDialog(QDialog):
    """The audit trail of the store the window has open, filtered by server and date."""

    def __init__(
        self, repository: SettingsRepository, names: Sequence[str], server: str = "", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("changes_dialog")
        self.setWindowTitle("Changes")
        self._repository = repository
        self.server_filter = QComboBox(self)
        self.server_filter.setObjectName("changes_server")
        self.server_filter.setAccessibleName("Show the changes of")
        self.server_filter.addItem(ALL_SERVERS, "")
        for name in sorted(names, key=str.casefold):
            self.server_filter.addItem(name, name)
        if server:
            self.server_filter.setCurrentIndex(max(0, self.server_filter.findData(server)))
        self.since_check = QCheckBox("&Since", self)
        self.since_check.setObjectName("changes_since_check")
        self.since_date = QDateEdit(QDate.currentDate().addDays(-SINCE_DAYS), self)
        self.since_date.setObjectName("changes_since")
        self.since_date.setAccessibleName("Changes since")
        self.since_date.setCalendarPopup(True)
        self.since_date.setDisplayFormat("yyyy-MM-dd")
        self.since_date.setEnabled(False)
        self.caption = QLabel(self)
        self.caption.setObjectName("changes_caption")
        self.caption.setWordWrap(True)
        self.table = self._build_table()
        filters = QHBoxLayout()
        server_label = QLabel("Se&rver:", self)
        server_label.setBuddy(self.server_filter)
        filters.addWidget(server_label)
        filters.addWidget(self.server_filter, 1)
        filters.addSpacing(12)
        filters.addWidget(self.since_check)
        filters.addWidget(self.since_date)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.server_filter.currentIndexChanged.connect(self.reload)
        self.since_check.toggled.connect(self.since_date.setEnabled)
        self.since_check.toggled.connect(self.reload)
        self.since_date.dateChanged.connect(self.reload)
        screen = (parent.screen() if parent is not None else self.screen()).availableGeometry()
        self.resize(min(1100, screen.width() * 9 // 10), min(640, screen.height() * 8 // 10))
        fit_into_screen(self)
        self.entries: list[AuditEntry] = []
        self.reload()

    @classmethod
    def ask(cls, parent: QWidget | None, repository: SettingsRepository, names: Sequence[str], server: str) -> None:
        """Show the trail (``server`` preselected; "" for all) until the user closes it."""
        dialog = cls(repository, names, server, parent)
        dialog.exec()
        dialog.deleteLater()

    def since(self) -> dt.datetime | None:
        """The start of the chosen day, in this computer's time zone; None when every date is shown."""
        if not self.since_check.isChecked():
            return None
        day = self.since_date.date()
        return dt.datetime(day.year(), day.month(), day.day()).astimezone()

    def reload(self) -> None:
        name = str(self.server_filter.currentData() or "")
        try:
            entries = self._repository.audit(name or None, self.since())
        except StoreError as exc:
            self._show([], f"The changes could not be read: {exc.message}")
            return
        self._show(list(reversed(entries)), _caption(len(entries), name, self.since()))

    def _show(self, entries: list[AuditEntry], caption: str) -> None:
        self.entries = entries
        self.caption.setText(caption)
        table = self.table
        table.setRowCount(0)
        table.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            cells = (
                entry.at.astimezone().strftime("%Y-%m-%d %H:%M:%S"),
                entry.user,
                entry.where(),
                ACTION_WORDS.get(entry.action, entry.action),
                entry.server,
                changes_text(entry),
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setTextAlignment(_TOP_LEFT)
                table.setItem(row, column, item)

    def _build_table(self) -> QTableWidget:
        table = QTableWidget(0, len(HEADERS), self)
        table.setObjectName("changes_table")
        table.setAccessibleName("Changes, newest first")
        table.setHorizontalHeaderLabels(list(HEADERS))
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        table.setWordWrap(True)
        table.verticalHeader().hide()
        # Rows as tall as their wrapped changes, at whatever width the Changes column gets.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header = table.horizontalHeader()
        for column in range(CHANGES_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(CHANGES_COLUMN, QHeaderView.ResizeMode.Stretch)
        return table


def changes_text(entry: AuditEntry) -> str:
    """An update's fields one per line (``port 25 -> 587``); an added or deleted server's values in one
    paragraph, without its id and empty fields (every field, old and new, would fill the screen)."""
    if entry.action == "update":
        return "\n".join(entry.change_list())
    side = 1 if entry.action == "insert" else 0
    values = ", ".join(
        f"{field} {shown_value(old_new[side])}"
        for field, old_new in entry.changes.items()
        if field != "id" and old_new[side] not in (None, "")
    )
    return ("With " if side else "Was: ") + values


def _caption(count: int, name: str, since: dt.datetime | None) -> str:
    which = f"of {name}" if name else "of all servers"
    when = f" since {since:%Y-%m-%d}" if since is not None else ""
    if not count:
        return f"No changes recorded {which}{when}."
    return f"{count} change(s) {which}{when}, newest first (who, from which workstation, each field old -> new)."
