"""File › Open Shared Settings… and File › Open Local Settings: the window moves to another store.

The switch builds a complete new window on the other store (as a start with ``--store`` would)
and closes the old one only once the new one is open, so a store that cannot be opened leaves
the window as it was, with one message. Unsaved edits are asked about first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from outmail_gui.store.errors import StoreError

if TYPE_CHECKING:
    from outmail_gui.store.location import SharedStore
    from outmail_gui.ui.window.main_window import MainWindow

_switched_in: set[MainWindow] = set()  # windows a switch opened: kept alive until they are destroyed


class StoreMenu(QObject):
    """The two File menu items, installed by the window with one call."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.setObjectName("store_menu")
        self._window = window
        self.open_shared = QAction("Open &Shared Settings…", window)
        self.open_shared.setObjectName("open_shared_settings")
        self.open_shared.setStatusTip("Work on settings a team shares in a PostgreSQL database")
        self.open_shared.setToolTip(self.open_shared.statusTip())
        self.open_shared.triggered.connect(self.ask_shared)
        self.open_local = QAction("Open &Local Settings", window)
        self.open_local.setObjectName("open_local_settings")
        local_tip = (
            "Work on this workstation's own settings"
            if window.shared is not None
            else "The local settings are open (the status bar says which store is open)"
        )
        self.open_local.setStatusTip(local_tip)
        self.open_local.setToolTip(local_tip)
        self.open_local.setEnabled(window.shared is not None)
        self.open_local.triggered.connect(lambda: switch_store(self._window, None))
        for action in (self.open_shared, self.open_local):
            window.addAction(action)
        file_menu = window.menuBar().findChild(QMenu, "file_menu")
        if file_menu is not None and file_menu.actions():  # first in the File menu, apart from the rest
            first = file_menu.actions()[0]
            file_menu.insertActions(first, [self.open_shared, self.open_local])
            file_menu.insertSeparator(first)

    def ask_shared(self) -> None:
        from outmail_gui.ui.window.shared_settings_dialog import SharedSettingsDialog

        window = self._window
        store = SharedSettingsDialog.ask(window, window.secrets, window.state_store)
        if store is not None:
            switch_store(window, store)


def switch_store(window: MainWindow, shared: SharedStore | None) -> MainWindow | None:
    """Open ``shared`` (``None``: the local store) in a new window that replaces ``window``; the new
    window, or None when nothing changed (the user kept the edits, or the store could not be opened)."""
    if not window.session.confirm_leave("opening other settings"):
        return None
    from outmail_gui.ui.window.launch import build_main_window

    window.save_state()  # the new window opens where this one is
    try:
        new = build_main_window(
            window.data_dir,
            shared=shared,
            analyst=window.requested_analyst,
            secrets=window.secrets,
            state_store=window.state_store,
        )
    except StoreError as exc:
        from outmail_gui.ui.shared.dialogs import ErrorDialog

        ErrorDialog.show(window, "Settings not opened", exc.message)
        return None
    _switched_in.add(new)
    new.destroyed.connect(lambda: _switched_in.discard(new))
    new.show()
    window.shut_down()
    window.close()
    window.deleteLater()
    return new


def open_windows(first: MainWindow) -> list[MainWindow]:
    """The main windows still open: ``first`` (unless a switch replaced it) and those switches opened."""
    windows = [first] if shiboken6.isValid(first) else []
    return windows + [w for w in _switched_in if shiboken6.isValid(w) and w is not first]
