"""What a store tells open windows when a server changed: the notices and the listener that brings them.

The shared store's database announces each committed change of a server (``NOTIFY``, sent by
its audit trigger); :mod:`outmail_gui.store.postgres.listening` listens for them. The local
store has nothing to listen to: other windows on it find changes when they are activated.
Nothing here imports a driver.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Protocol

EVERYTHING = ""
"""The ``server_id`` of a notice that asks for a full refresh (notices may have been missed)."""


@dataclasses.dataclass(frozen=True, slots=True)
class ChangeNotice:
    """One committed change: which server, what was done, by which login, from which database session."""

    server_id: str
    action: str = ""
    by: str = ""
    pid: int = 0
    """The database session (backend process) that made the change: a window skips its own."""

    @classmethod
    def everything(cls) -> ChangeNotice:
        """Refresh everything: the listener was reconnected, or a notice could not be read."""
        return cls(EVERYTHING)

    @property
    def is_everything(self) -> bool:
        return self.server_id == EVERYTHING


OnChange = Callable[[ChangeNotice], None]
"""Called on the listener's own thread, once per notice: it must only hand the notice on."""


class ChangeListener(Protocol):
    """Listens on a connection of its own, in a thread of its own, until stopped."""

    def start(self) -> None: ...
    def is_own(self, notice: ChangeNotice) -> bool:
        """Whether ``notice`` is of a change the repository that made this listener made itself."""
        ...

    def stop(self) -> None:
        """Stop listening and wait (briefly, bounded) for the thread to end."""
        ...
