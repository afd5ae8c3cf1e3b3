"""The shared store's connection as the window sees it: checked off the GUI thread, and got back
by itself after it was lost.

When an action finds the database unreachable (:meth:`StoreReconnector.connection_lost`), the
window keeps what is in the form and says so; a timer then checks the connection on a worker
thread (never blocking the window on a network time-out), a bounded number of times, further
apart each time. Once the database answers, the window reloads (the repository reconnects on its
next call) and says it is connected again; after the last attempt it says how to try again.
"""

from __future__ import annotations

import threading
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from outmail_gui.store.location import SharedStore
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.shared.worker_run import WorkerRun

FIRST_RETRY_MS = 1000
LONGEST_RETRY_MS = 15_000
ATTEMPTS = 40  # about eight minutes in all


class ConnectionCheckWorker(QObject):
    """Runs :func:`~outmail_gui.store.postgres.connection_check.check_connection` on its thread."""

    finished = Signal(object)  # ConnectionCheck

    def __init__(self, store: SharedStore, secrets: SecretStore) -> None:
        super().__init__()
        self._store = store
        self._secrets = secrets
        self._cancel = threading.Event()

    def cancel(self) -> None:
        self._cancel.set()  # a connection attempt ends by its own time-out; its answer is then dropped

    @Slot()
    def run(self) -> None:
        from outmail_gui.store.postgres.connection_check import ConnectionCheck, check_connection

        try:
            result = check_connection(self._store, self._secrets)
        except Exception as exc:  # never lose the thread over an unexpected error: say it
            result = ConnectionCheck(False, f"Unexpected error: {type(exc).__name__}")
        self.finished.emit(result)


def start_check(store: SharedStore, secrets: SecretStore, parent: QObject) -> WorkerRun:
    """A connection check of ``store`` (its password from ``secrets`` unless typed) on its own thread;
    its ``finished`` carries the ConnectionCheck."""
    run = WorkerRun(ConnectionCheckWorker(store, secrets), "outmail-store-check", parent)
    run.start()
    return run


class ReconnectHost(Protocol):
    def show_status(self, message: str, timeout_ms: int = 0) -> None: ...
    def store_reconnected(self) -> None: ...


class StoreReconnector(QObject):
    """Watches for the lost connection of one shared store and gets it back."""

    def __init__(self, store: SharedStore, secrets: SecretStore, host: ReconnectHost, parent: QObject) -> None:
        super().__init__(parent)
        self._store = store
        self._secrets = secrets
        self._host = host
        self._timer = QTimer(self)
        self._timer.setObjectName("store_reconnect_timer")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._check)
        self._run: WorkerRun | None = None
        self._attempt = 0
        self._reason = ""

    def is_reconnecting(self) -> bool:
        return self._timer.isActive() or self._run is not None

    def connection_lost(self, message: str) -> None:
        """An action found the database unreachable (``message``): say so, and start getting it back."""
        self._reason = message
        self._host.show_status(f"{message} Your edits stay in the form; reconnecting…")
        if not self.is_reconnecting():
            self._attempt = 0
            self._timer.start(FIRST_RETRY_MS)

    def _check(self) -> None:
        self._attempt += 1
        self._run = start_check(self._store, self._secrets, self)
        self._run.finished.connect(self._checked)

    def _checked(self, result: object) -> None:
        run, self._run = self._run, None
        if run is not None:
            run.deleteLater()
        if getattr(result, "ok", False):
            self._attempt = 0
            self._host.store_reconnected()
            return
        self._reason = str(getattr(result, "line", self._reason))
        if self._attempt >= ATTEMPTS:
            self._host.show_status(
                f"{self._reason} Gave up reconnecting after {self._attempt} attempts; any action that needs "
                "the database tries again."
            )
            return
        delay = min(LONGEST_RETRY_MS, FIRST_RETRY_MS * 2 ** min(self._attempt, 4))
        self._host.show_status(
            f"{self._reason} Your edits stay in the form; reconnecting (attempt {self._attempt + 1} of {ATTEMPTS} "
            f"in {delay // 1000} s)…"
        )
        self._timer.start(delay)

    def shut_down(self) -> None:
        self._timer.stop()
        run, self._run = self._run, None
        if run is not None:
            run.abandon()
