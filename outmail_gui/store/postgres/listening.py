"""Listening for the shared store's change notices (``LISTEN outmail_changes``) for a window.

A connection of its own, in a thread of its own: the window's connection is never used from
two threads, and a long wait for notices never blocks a save. The thread waits in steps of
:data:`POLL_S` so :meth:`NotifyListener.stop` returns within about that time; a dropped
connection is opened again (TCP keepalives notice a silent network), waiting longer after
each failed attempt, and after a reconnection one "refresh everything" notice stands for
whatever was committed while nobody listened.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import psycopg

from outmail_gui.store.change_feed import EVERYTHING, ChangeNotice, OnChange
from outmail_gui.store.errors import StoreError
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.connection import connect
from outmail_gui.store.postgres.schema import CHANGES_CHANNEL
from outmail_gui.store.secrets import SecretStore

POLL_S = 0.2
"""The longest wait between two looks at the stop flag (so the longest :meth:`~NotifyListener.stop` waits)."""
RETRY_S = (0.5, 1.0, 2.0, 5.0, 10.0)
"""Waits before the 1st, 2nd, ... attempt to reconnect; the last one repeats."""
KEEPALIVES = {"keepalives": 1, "keepalives_idle": 10, "keepalives_interval": 5, "keepalives_count": 3}
"""A network gone silent is noticed within about 25 s (ignored on a Unix socket, which cannot go silent)."""


class NotifyListener:
    """Calls ``on_change`` (on its own thread) with each change notice of ``store``, until :meth:`stop`."""

    def __init__(
        self,
        store: SharedStore,
        on_change: OnChange,
        secrets: SecretStore | None = None,
        is_own: Callable[[ChangeNotice], bool] = lambda _: False,
    ) -> None:
        self._store = store
        self._secrets = secrets  # the keyring that may hold the database password
        self._on_change = on_change
        self.is_own = is_own
        self._stopping = threading.Event()
        self._listening = threading.Event()
        self._thread: threading.Thread | None = None
        self.reconnections = 0

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="outmail-change-listener", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=POLL_S + 2.0)  # a connection attempt in progress may take its time-out
            self._thread = None

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def wait_listening(self, timeout: float) -> bool:
        """True once the listener's ``LISTEN`` is in place (a change committed after that reaches it)."""
        return self._listening.wait(timeout)

    # --- the thread -------------------------------------------------------------------

    def _run(self) -> None:
        failures = 0
        missed = False
        while not self._stopping.is_set():
            try:
                conn = connect(self._store, self._secrets, KEEPALIVES)
            except StoreError:
                self._stopping.wait(RETRY_S[min(failures, len(RETRY_S) - 1)])
                failures += 1
                missed = True
                continue
            failures = 0
            try:
                if self._listen(conn, missed):
                    return
                missed = True
                self.reconnections += 1
            finally:
                self._listening.clear()
                conn.close()

    def _listen(self, conn: psycopg.Connection[Any], missed: bool) -> bool:
        """Hand on notices until stopped (True) or until the connection drops (False)."""
        try:
            conn.execute(f"LISTEN {CHANGES_CHANNEL}")
            self._listening.set()
            if missed:
                self._on_change(ChangeNotice.everything())
            while not self._stopping.is_set():
                for notify in conn.notifies(timeout=POLL_S):
                    self._on_change(notice_of(notify.payload, notify.pid))
                    if self._stopping.is_set():
                        break
        except psycopg.Error:
            return self._stopping.is_set()
        return True


def notice_of(payload: str, pid: int) -> ChangeNotice:
    """The triggers' JSON payload as a notice: a server's change names the server; another settings
    table's change (partitions, analysts, app settings, OAuth settings) and anything unreadable (a
    hand-made ``NOTIFY``) ask for a full refresh."""
    try:
        data = json.loads(payload)
        server_id = data.get("server_id")
        action, by = str(data.get("action", "")), str(data.get("by", ""))
    except (ValueError, TypeError, AttributeError):
        return ChangeNotice(EVERYTHING, pid=pid)
    if not isinstance(server_id, str) or not server_id:
        return ChangeNotice(EVERYTHING, action, by, pid)
    return ChangeNotice(server_id, action, by, pid)
