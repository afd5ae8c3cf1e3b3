"""Live refresh: other workstations' changes appear in this window as they are committed.

The store's listener (:meth:`SettingsRepository.change_listener`) runs on a thread and a
connection of its own; each notice crosses to the GUI thread by a queued signal. Notices that
arrive together (a default moved: two servers; an import: many) are applied together after
:data:`GATHER_MS`. This window's own changes are skipped: it showed them when it made them.
The local store announces nothing: no listener, no thread, no driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Protocol as Interface

from PySide6.QtCore import QObject, QTimer, Signal

from outmail_gui.store.change_feed import ChangeNotice
from outmail_gui.store.errors import StoreError

if TYPE_CHECKING:
    from outmail_gui.store.change_feed import ChangeListener
    from outmail_gui.store.interface import SettingsRepository

GATHER_MS = 15
"""How long notices are gathered before they are applied (a burst becomes one refresh)."""


class LiveRefreshHost(Interface):
    """What live refresh asks of the window."""

    @property
    def repository(self) -> SettingsRepository: ...
    def is_shut_down(self) -> bool: ...
    def apply_changes(self, server_ids: set[str] | None) -> None:
        """Show the current state of ``server_ids`` (None: of everything)."""
        ...

    def show_status(self, message: str, timeout_ms: int = 0) -> None: ...
    def store_unavailable(self, exc: StoreError) -> bool:
        """The shared store became unreachable or refused the login: True once told (and reconnecting)."""
        ...


class LiveRefresh(QObject):
    """Hands the store's change notices to the window, on the GUI thread."""

    arrived = Signal(object)  # a ChangeNotice, emitted on the listener's thread
    applied = Signal(object)  # set[str] | None: the servers just refreshed (None: everything)

    def __init__(self, host: LiveRefreshHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._host = host
        self._pending: list[ChangeNotice] = []
        self._gather = QTimer(self)
        self._gather.setSingleShot(True)
        self._gather.setInterval(GATHER_MS)
        self._gather.timeout.connect(self._apply)
        self.arrived.connect(self._on_arrived)  # queued: the listener's thread is not this object's
        self._listener: ChangeListener | None = host.repository.change_listener(self.arrived.emit)
        if self._listener is not None:
            self._listener.start()

    def is_listening(self) -> bool:
        return self._listener is not None

    def listener(self) -> ChangeListener | None:
        return self._listener

    def shut_down(self) -> None:
        """Stop listening (the thread ends within a fraction of a second); pending notices are dropped."""
        self._gather.stop()
        self._pending.clear()
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    def _on_arrived(self, notice: ChangeNotice) -> None:
        if self._listener is None or self._listener.is_own(notice):
            return
        self._pending.append(notice)
        if not self._gather.isActive():
            self._gather.start()

    def _apply(self) -> None:
        notices, self._pending = self._pending, []
        if not notices or self._host.is_shut_down():
            return
        server_ids = None if any(n.is_everything for n in notices) else {n.server_id for n in notices}
        try:
            self._host.apply_changes(server_ids)
        except StoreError as exc:  # the store went away meanwhile: the window reconnects, the listener too
            if not self._host.store_unavailable(exc):
                self._host.show_status(f"Other workstations' changes could not be shown: {exc.message}")
            return
        self.applied.emit(server_ids)
