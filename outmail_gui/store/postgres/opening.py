"""The shared store opened on a helper thread while the window's Qt loads.

Connecting (TCP, the login's SCRAM exchange, the server starting a session) and the schema's
version check are mostly waiting on the network: started before PySide6 is imported, they run
meanwhile, as :class:`~outmail_gui.store.opening.IntegrityCheck` checks the local file. The
window takes the repository when it needs it; a failure is raised there, on the GUI thread, by
the same path as an opening made there.
"""

from __future__ import annotations

import threading

from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.repository import SharedRepository


class SharedOpening:
    """:meth:`SharedRepository.open` of one store, on its own thread; taken once by :meth:`repository`."""

    def __init__(self, store: SharedStore) -> None:
        self.store = store
        self._opened: SharedRepository | None = None
        self._error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="outmail-shared-store-open", daemon=True)

    @classmethod
    def start(cls, store: SharedStore) -> SharedOpening:
        opening = cls(store)
        opening._thread.start()
        return opening

    def _run(self) -> None:
        try:
            self._opened = SharedRepository.open(self.store)
        except Exception as exc:  # StoreError, or a bug of ours: either is raised where the window asks
            self._error = exc

    def repository(self) -> SharedRepository:
        """The opened repository, waiting for it; the opening's error if it failed. Only once."""
        self._thread.join()
        opened, error = self._opened, self._error
        self._opened = self._error = None
        if error is not None:
            raise error
        if opened is None:
            raise RuntimeError("the early opening of the shared store was already taken")
        return opened
