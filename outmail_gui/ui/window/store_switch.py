"""File › Open Shared Settings… and File › Open Local Settings: the window moves to another store.

The switch builds a complete new window on the other store (as a start with ``--store`` would)
and closes the old one only once the new one is open, so a store that cannot be opened leaves
the window as it was, with one message. Unsaved edits are asked about first.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import shiboken6
from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from outmail_gui.store.errors import StoreError

if TYPE_CHECKING:
    from outmail_gui.store.location import SharedStore
    from outmail_gui.store.secrets import SecretStore
    from outmail_gui.ui.window.editing import EditSession
    from outmail_gui.ui.window.window_state import WindowStateStore


class SwitchingWindow(Protocol):
    """The main window as the switch sees it (not the whole ``MainWindow``: no import cycle)."""

    shared: SharedStore | None
    requested_analyst: str | None
    data_dir: Path

    @property
    def session(self) -> EditSession: ...
    @property
    def secrets(self) -> SecretStore: ...
    @property
    def state_store(self) -> WindowStateStore: ...
    def save_state(self) -> None: ...
    def shut_down(self) -> None: ...


BuildWindow = Callable[..., QMainWindow]
""":func:`~outmail_gui.ui.window.launch.build_main_window` (passed in: it builds the window this menu is in)."""

_switched_in: set[QMainWindow] = set()  # windows a switch opened: kept alive until they are destroyed


class StoreMenu(QObject):
    """The two File menu items, installed on each window :func:`build_main_window` builds."""

    def __init__(self, window: QMainWindow, host: SwitchingWindow, build: BuildWindow) -> None:
        super().__init__(window)
        self.setObjectName("store_menu")
        self._main = window
        self._window = host
        self._build = build
        self.open_shared = QAction("Open &Shared Settings…", window)
        self.open_shared.setObjectName("open_shared_settings")
        self.open_shared.setStatusTip("Work on settings a team shares in a PostgreSQL database")
        self.open_shared.setToolTip(self.open_shared.statusTip())
        self.open_shared.triggered.connect(self.ask_shared)
        self.open_local = QAction("Open &Local Settings", window)
        self.open_local.setObjectName("open_local_settings")
        local_tip = (
            "Work on this workstation's own settings"
            if host.shared is not None
            else "The local settings are open (the status bar says which store is open)"
        )
        self.open_local.setStatusTip(local_tip)
        self.open_local.setToolTip(local_tip)
        self.open_local.setEnabled(host.shared is not None)
        self.open_local.triggered.connect(lambda: switch_store(window, host, None, build))
        for action in (self.open_shared, self.open_local):
            window.addAction(action)
        file_menu = window.menuBar().findChild(QMenu, "file_menu")
        if file_menu is not None and file_menu.actions():  # first in the File menu, apart from the rest
            first = file_menu.actions()[0]
            file_menu.insertActions(first, [self.open_shared, self.open_local])
            file_menu.insertSeparator(first)

    def ask_shared(self) -> None:
        from outmail_gui.ui.window.shared_settings_dialog import SharedSettingsDialog

        host = self._window
        store = SharedSettingsDialog.ask(self._main, host.secrets, host.state_store)
        if store is not None:
            switch_store(self._main, host, store, self._build)


def switch_store(
    window: QMainWindow, host: SwitchingWindow, shared: SharedStore | None, build: BuildWindow
) -> QMainWindow | None:
    """Open ``shared`` (``None``: the local store) in a new window that replaces ``window`` (``host``
    is the same window); the new window, or None when nothing changed (the user kept the edits, or
    the store could not be opened)."""
    if not host.session.confirm_leave("opening other settings"):
        return None
    host.save_state()  # the new window opens where this one is
    try:
        new = build(
            host.data_dir,
            shared=shared,
            analyst=host.requested_analyst,
            secrets=host.secrets,
            state_store=host.state_store,
        )
    except StoreError as exc:
        from outmail_gui.ui.shared.dialogs import ErrorDialog

        ErrorDialog.show(window, "Settings not opened", exc.message)
        return None
    _switched_in.add(new)
    new.destroyed.connect(lambda: _switched_in.discard(new))
    new.show()
    host.shut_down()
    window.close()
    window.deleteLater()
    return new


def open_windows(first: QMainWindow) -> list[QMainWindow]:
    """The main windows still open: ``first`` (unless a switch replaced it) and those switches opened."""
    windows = [first] if shiboken6.isValid(first) else []
    return windows + [w for w in _switched_in if shiboken6.isValid(w) and w is not first]
