"""What every part of the window reads of it: the store, the keyring, the status line.

The parts that need more (editing, the connection test, Import and Export) extend this protocol
with their own few members, so none of them imports the whole ``MainWindow`` (no import cycle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from outmail_gui.store.repository import ServerRepository
    from outmail_gui.store.secrets import SecretStore


class WindowHost(Protocol):
    @property
    def repository(self) -> ServerRepository: ...
    @property
    def secrets(self) -> SecretStore: ...
    def show_status(self, message: str, timeout_ms: int = 0) -> None: ...
    def reload_from_store(self) -> None: ...
