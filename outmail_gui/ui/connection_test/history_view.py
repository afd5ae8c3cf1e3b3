"""A server's earlier test results, newest first (a non-modal window the user can keep open)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.store.history import HistoryEntry, Outcome
from outmail_gui.ui.connection_test.summary import OUTCOME_WORDS, duration_text, step_words

_SP = QStyle.StandardPixmap
_ICONS = {
    Outcome.PASSED: _SP.SP_DialogApplyButton,
    Outcome.FAILED: _SP.SP_MessageBoxCritical,
    Outcome.CANCELLED: _SP.SP_MessageBoxWarning,
}
HEADERS = ("When", "Result", "Failed step", "Duration", "Summary")
SHARED_HEADERS = ("When", "Result", "Failed step", "Duration", "By", "Workstation", "Summary")
"""On a shared store: every workstation's results, with the database login and the workstation of each."""


class HistoryDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("test_history_dialog")
        self.setWindowTitle("Test history")
        self.server_id = ""
        self.caption = QLabel(self)
        self.caption.setObjectName("test_history_caption")
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setObjectName("test_history_table")
        self.table.setAccessibleName("Earlier test results")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        self._set_headers(HEADERS)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(760, 360)

    def _set_headers(self, headers: Sequence[str]) -> None:
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(list(headers))
        header = self.table.horizontalHeader()
        for column in range(len(headers) - 1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)

    def show_entries(
        self, server_id: str, server_name: str, entries: Sequence[HistoryEntry], *, shared: bool = False
    ) -> None:
        """``shared``: a shared store's history, every workstation's, with who ran each test where."""
        self.server_id = server_id
        self.setWindowTitle(f"Test history — {server_name}")
        count = len(entries)
        where = "every workstation" if shared else "this workstation"
        self.caption.setText(
            f"{count} earlier test(s) of {server_name} from {where}, newest first."
            if count
            else f"{server_name} has not been tested from {where} yet."
        )
        self._set_headers(SHARED_HEADERS if shared else HEADERS)
        self.table.setRowCount(count)
        for row, entry in enumerate(entries):
            when = entry.started_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
            result = QTableWidgetItem(self.style().standardIcon(_ICONS[entry.outcome]), OUTCOME_WORDS[entry.outcome])
            cells = [
                QTableWidgetItem(when),
                result,
                QTableWidgetItem(step_words(entry.failed_step) if entry.failed_step else ""),
                QTableWidgetItem(duration_text(entry.duration_ms)),
                *(
                    (QTableWidgetItem(entry.tested_by or "—"), QTableWidgetItem(entry.workstation or "—"))
                    if shared
                    else ()
                ),
                QTableWidgetItem(entry.summary),
            ]
            cells[3].setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            cells[-1].setToolTip(entry.summary)
            for column, cell in enumerate(cells):
                self.table.setItem(row, column, cell)
