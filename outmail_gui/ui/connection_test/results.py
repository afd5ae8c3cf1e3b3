"""Test results kept and shown: the history store, the Last test column and the history view.

Both Test connection and Test all write here, on the GUI thread, one transaction each; the
Last test column and an open history view follow what was written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6 import QtCore

from outmail_gui.store.errors import StoreError
from outmail_gui.store.history import HistoryEntry, HistoryStore, Outcome
from outmail_gui.store.routing_inputs import read_expiry_flags
from outmail_gui.ui.connection_test.summary import last_test_text
from outmail_gui.ui.shared.icons import StatusIcon

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from outmail_gui.ui.connection_test.history_view import HistoryDialog
    from outmail_gui.ui.connection_test.host import TestingHost

OUTCOME_ICONS = {
    Outcome.PASSED: StatusIcon.YES,
    Outcome.FAILED: StatusIcon.ERROR,
    Outcome.CANCELLED: StatusIcon.WARNING,
}


class ResultHistory:
    """The window's test history: stores results and shows them (column, history view)."""

    def __init__(self, window: TestingHost, parent: QWidget) -> None:
        self._window = window
        self._parent = parent  # of the history view
        self.history = HistoryStore.of(window.repository)
        self._dialog: HistoryDialog | None = None

    def show_last_test(self, entry: HistoryEntry) -> None:
        """The entry in its server's Last test column."""
        self._window.model.set_last_test(entry.server_id, last_test_text(entry), OUTCOME_ICONS[entry.outcome])

    def store(self, entries: list[HistoryEntry], *, update_model: bool = True) -> None:
        """One transaction for the results (GUI thread); the Last test column and the history view follow."""
        if not entries:
            return
        try:
            self.history.add_many(entries)
        except StoreError as exc:
            self._window.show_status(f"The test result was not stored: {exc.message}")
        if update_model:
            for entry in entries:
                self.show_last_test(entry)
        self._show_expiry_flags()
        dialog = self._dialog
        if dialog is not None and dialog.isVisible() and any(e.server_id == dialog.server_id for e in entries):
            self._fill(dialog.server_id)

    def refresh_last_tests(self) -> None:
        """The Last test column from the store (start-up, after another instance wrote)."""
        try:
            latest = self.history.latest()
        except StoreError:
            return
        for entry in latest.values():
            self.show_last_test(entry)
        self._show_expiry_flags(latest)

    def _show_expiry_flags(self, latest: dict[str, HistoryEntry] | None = None) -> None:
        """Marks the servers whose certificate (as their last test saw it) or client secret expires soon."""
        try:
            flags = read_expiry_flags(self._window.repository, latest)
        except StoreError:
            return
        self._window.model.set_expiry_flags(flags)

    def show_history(self, server_id: str) -> None:
        """The history view of this saved server, opened or brought forward."""
        from outmail_gui.ui.connection_test.history_view import HistoryDialog

        if self._dialog is None:
            self._dialog = HistoryDialog(self._parent)
            self._dialog.setAttribute(QtCore.Qt.WidgetAttribute.WA_DeleteOnClose, False)
        self._fill(server_id)
        if self._dialog.isVisible():
            self._dialog.raise_()  # already open behind the window: bring it forward
            self._dialog.activateWindow()
        else:
            self._dialog.show()

    def close(self) -> None:
        if self._dialog is not None:
            self._dialog.close()

    def _fill(self, server_id: str) -> None:
        dialog = self._dialog
        if dialog is None:
            return
        record = self._window.model.find(server_id)
        name = record.name if record is not None else "this server"
        try:
            entries = self.history.for_server(server_id)
        except StoreError as exc:
            self._window.show_status(f"The test history could not be read: {exc.message}")
            entries = []
        dialog.show_entries(server_id, name, entries, shared=self._window.shared is not None)
