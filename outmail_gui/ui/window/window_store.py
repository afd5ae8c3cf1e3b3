"""Which store the window works on, what its login may do there, and its connection's faults.

The status bar's permanent store label ("Local", or "Shared: outmail on db.corp.example as
jdoe", with what the login may change in its tooltip); the login's :class:`Capabilities`, asked
of the store at start, after a reconnection and after a refusal; and, for a shared store, what
happens when the database cannot be reached (said once, then a :class:`StoreReconnector`) or
refuses this login (said, and the window follows the login's rights as they are now).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QStatusBar

from outmail_gui.store.errors import StoreError
from outmail_gui.ui.window.store_connection import StoreReconnector

if TYPE_CHECKING:
    from outmail_gui.domain.settings import ServerSettings
    from outmail_gui.store.capabilities import Capabilities
    from outmail_gui.store.interface import SettingsRepository
    from outmail_gui.store.location import SharedStore
    from outmail_gui.store.secrets import SecretStore


class WindowStoreHost(Protocol):
    """What the window does when the store comes back or the rights change (not the whole ``MainWindow``)."""

    def show_status(self, message: str, timeout_ms: int = 0) -> None: ...
    def store_written(self) -> None: ...
    def update_actions(self) -> None: ...
    def is_shut_down(self) -> bool: ...


class WindowStore(QObject):
    def __init__(
        self,
        status_bar: QStatusBar,
        host: WindowStoreHost,
        repository: SettingsRepository,
        secrets: SecretStore,
        data_dir: Path,
        shared: SharedStore | None,
    ) -> None:
        super().__init__(status_bar)
        self.setObjectName("window_store")
        self._host = host
        self._repository = repository
        self._secrets = secrets
        self._data_dir = data_dir
        self.shared = shared
        self.capabilities: Capabilities = repository.capabilities()
        self._reconnector: StoreReconnector | None = None
        self.label = QLabel(repository.headline())
        self.label.setObjectName("store_label")
        self.label.setContentsMargins(16, 0, 4, 0)
        status_bar.addPermanentWidget(self.label)
        self._describe()

    def read_only_reason(self, record: ServerSettings) -> str:
        """Why this login may not change ``record`` ("" when it may; a new record is judged at Save)."""
        return self.capabilities.server_reason(record.partition) if record.revision > 0 else ""

    def unavailable(self, exc: StoreError) -> bool:
        """An action found the shared database unreachable (True: told, and reconnecting) or refusing
        this login (True: told, and the window shows what the login may do now); False otherwise."""
        if self.shared is None:
            return False
        from outmail_gui.store.postgres.connection import StorePermissionError, StoreUnreachableError

        if isinstance(exc, StoreUnreachableError):
            if self._reconnector is None:
                self._reconnector = StoreReconnector(self.shared, self._secrets, self, self)
            self._reconnector.connection_lost(exc.message)
            return True
        if isinstance(exc, StorePermissionError):
            self._host.show_status(exc.message)
            self.refresh()
            return True
        return False

    def show_status(self, message: str, timeout_ms: int = 0) -> None:
        self._host.show_status(message, timeout_ms)

    def store_reconnected(self) -> None:
        """The shared database answers again: read everything again, keeping the form's edits."""
        if self._host.is_shut_down():
            return
        self.refresh()
        self._host.store_written()
        where = self._repository.headline().removeprefix("Shared: ")
        self._host.show_status(f"Connected again to {where}.", 10_000)

    def refresh(self) -> None:
        """Ask the store again what this login may do (its roles may have changed)."""
        try:
            self.capabilities = self._repository.capabilities()
        except StoreError:
            return  # told by the caller; the last known rights stay
        self._describe()
        self._host.update_actions()

    def _describe(self) -> None:
        allowed = self.capabilities
        if self.shared is None:
            tip = f"Local settings in {self._data_dir}, on this workstation only."
        else:
            rights = allowed.servers_reason() or allowed.settings_reason() or "It may change every setting."
            tip = f"Shared settings in {self.shared.shown}. {rights}"
        self.label.setToolTip(tip)
        self.label.setStatusTip(tip)

    def shut_down(self) -> None:
        if self._reconnector is not None:
            self._reconnector.shut_down()
