"""Change-to-other-window latency on the shared store: a save on one workstation until another
workstation's open window shows it (live refresh by LISTEN/NOTIFY), with 1,000 servers.

A private PostgreSQL 15 (as the tests start it: ``tests/support/postgres.py``) with the schema
of ``store init``; both workstations log in over 127.0.0.1 with a password. The window is the
real one (offscreen), built on the shared store; the other workstation saves from a thread of
its own on a connection of its own (as another process would), so the window's event loop runs
while it saves. Each round changes one server's port and waits (5 s at most) until the
window's list shows the new port. Measured per round:

* commit to shown: from the other workstation's save having returned (committed) until the
  window's list row shows the new value -- the target: median under 200 ms, max under 1 s;
* save to shown: the same from the start of the save (adds the save round trip itself).

Run: ``.venv/bin/python benchmarks/live_refresh.py [--rounds 30]`` (QT_QPA_PLATFORM defaults
to offscreen).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from keyring.backends.null import Keyring as NullKeyring  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402

from benchmarks.shared_store import SERVERS, filled_shared_store  # noqa: E402
from outmail_gui.domain.settings import ServerSettings  # noqa: E402
from outmail_gui.store.location import SharedStore  # noqa: E402
from outmail_gui.store.postgres.repository import SharedRepository  # noqa: E402
from outmail_gui.ui.window.main_window import MainWindow  # noqa: E402
from tests.support.postgres import running_server  # noqa: E402

ROUND_TIMEOUT_MS = 5000


def measure(window: MainWindow, other: SharedRepository, rounds: int) -> tuple[list[float], list[float]]:
    """(commit to shown, save to shown) per round, in milliseconds."""
    record = other.list_servers()[SERVERS // 2]
    from_commit: list[float] = []
    from_start: list[float] = []
    for _ in range(rounds):
        record, times = one_round(window, other, record)
        from_commit.append((times["shown"] - times["commit"]) * 1000)
        from_start.append((times["shown"] - times["start"]) * 1000)
    return from_commit, from_start


def one_round(
    window: MainWindow, other: SharedRepository, record: ServerSettings
) -> tuple[ServerSettings, dict[str, float]]:
    """The other workstation changes ``record``'s port; when it was saved, committed and shown."""
    wanted = 25 if record.port != 25 else 587
    row = window.model.row_of(record.id)
    times: dict[str, float] = {}
    saved: list[ServerSettings] = []
    loop = QEventLoop()

    def shown(_ids: object) -> None:
        if window.model.row_at(row).port == wanted:
            times["shown"] = time.perf_counter()
            loop.quit()

    def save() -> None:
        times["start"] = time.perf_counter()
        saved.append(other.save(record.with_changes(port=wanted)))
        times["commit"] = time.perf_counter()

    window.live_refresh.applied.connect(shown)
    QTimer.singleShot(ROUND_TIMEOUT_MS, loop.quit)
    worker = threading.Thread(target=save)
    worker.start()
    loop.exec()
    worker.join()
    window.live_refresh.applied.disconnect(shown)
    if "shown" not in times:
        raise SystemExit(f"the window did not show the change within {ROUND_TIMEOUT_MS} ms")
    return saved[0], times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=30)
    rounds = parser.parse_args().rounds
    from outmail_gui.ui.window.launch import application

    app = application()
    with tempfile.TemporaryDirectory() as folder, running_server() as server:
        store = filled_shared_store(server)
        window = build_window(store, Path(folder))
        window.show()
        app.processEvents()
        listener = window.live_refresh.listener()
        assert listener is not None and listener.wait_listening(10)  # type: ignore[attr-defined]
        with SharedRepository.open(store) as other:
            from_commit, from_start = measure(window, other, rounds)
        window.shut_down()
        window.close()
    print(f"{SERVERS} servers, {rounds} rounds, milliseconds")
    for label, values in (("commit to shown", from_commit), ("save to shown", from_start)):
        print(f"{label:16} median {statistics.median(values):6.1f}   max {max(values):6.1f}   min {min(values):6.1f}")


def build_window(store: SharedStore, folder: Path) -> MainWindow:
    from outmail_gui.store.secrets import SecretStore
    from outmail_gui.ui.window.launch import build_main_window
    from outmail_gui.ui.window.window_state import WindowStateStore

    secrets = SecretStore(NullKeyring())  # the login's password is in the URL; no server passwords are read
    return build_main_window(folder, shared=store, secrets=secrets, state_store=WindowStateStore(folder / "w.ini"))


if __name__ == "__main__":
    main()
