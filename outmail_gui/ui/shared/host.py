"""What every part of the window reads of it: the store, the keyring, the status line.

The parts that need more (editing, the connection test, Import and Export) extend this protocol
with their own few members, so none of them imports the whole ``MainWindow`` (no import cycle).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    from outmail_gui.store.interface import SettingsRepository
    from outmail_gui.store.location import SharedStore
    from outmail_gui.store.secrets import SecretStore


class WindowHost(Protocol):
    @property
    def repository(self) -> SettingsRepository: ...
    @property
    def secrets(self) -> SecretStore: ...
    @property
    def data_dir(self) -> Path:
        """This workstation's data folder (OAuth token caches), whichever store holds the settings."""
        ...

    @property
    def shared(self) -> SharedStore | None:
        """The shared store the settings are in (it holds no secret: each workstation keeps its own); None: local."""
        ...

    def show_status(self, message: str, timeout_ms: int = 0) -> None: ...
    def reload_from_store(self) -> None: ...
