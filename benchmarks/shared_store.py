"""The shared PostgreSQL store against the local SQLite store, with 1,000 servers, on loopback.

A private PostgreSQL 15 (as the tests start it: ``tests/support/postgres.py``; as root it runs
as the ``postgres`` user) with the schema of ``store init``; a login connects over 127.0.0.1 with
a password, as a workstation would. Measured, median of ``--rounds``:

* open + list: opening the store and reading the window's list projection of 1,000 servers
  (the store's part of the window's start-up);
* save round trip: one changed server saved (write lock, revision check, rules, UPDATE, audit
  trigger, COMMIT) -- target under 50 ms;
* change to listener: from the start of a save on one connection to its NOTIFY arriving on
  another (the ground of live refresh) -- target under 1 s, median under 200 ms;
* window start (``--window-rounds``, 0 to skip): cold start to the painted window
  (``main.py --exit-when-shown``, a process each) on the local store and with ``--store`` on
  the PostgreSQL one, in alternating rounds so the machine's load hits both alike -- target:
  PostgreSQL within 1.5x of SQLite.

The server flushes every commit to disk (``fsync`` on, PostgreSQL's default), as the local
store does (``synchronous=FULL``).

Run: ``.venv/bin/python benchmarks/shared_store.py [--rounds 30] [--window-rounds 15]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402

from benchmarks.startup import _time as process_seconds  # noqa: E402
from outmail_gui.domain.settings import new_server  # noqa: E402
from outmail_gui.store.interface import SettingsRepository  # noqa: E402
from outmail_gui.store.location import SharedStore  # noqa: E402
from outmail_gui.store.postgres.connection import connect  # noqa: E402
from outmail_gui.store.postgres.installing import initialise  # noqa: E402
from outmail_gui.store.postgres.repository import SharedRepository  # noqa: E402
from outmail_gui.store.repository import ServerRepository  # noqa: E402
from tests.support.postgres import PostgresServer, running_server  # noqa: E402

SERVERS = 1000


def fill(repo: SettingsRepository) -> None:
    with repo.transaction() as tx:
        for n in range(SERVERS):
            tx.save(
                new_server(
                    "smtp",
                    name=f"Server {n:04d}",
                    server=f"smtp{n}.corp.example",
                    outgoing_email_id="desk@corp.example",
                )
            )


def filled_shared_store(server: PostgresServer) -> SharedStore:
    """A new database with the schema of ``store init`` and :data:`SERVERS` servers, as a workstation's
    password login over 127.0.0.1 reaches it."""
    name = server.create_database()
    owner = SharedStore(server.conninfo(name))
    conn = connect(owner)
    initialise(conn, owner)
    conn.close()
    server.create_login("outmail_bench", "bench-pass", "outmail_admin")
    store = SharedStore(server.url(name, "outmail_bench", "bench-pass"))
    with SharedRepository.open(store) as shared:
        fill(shared)
    return store


def median_ms(action: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def saves(repo: SettingsRepository, rounds: int) -> float:
    record = repo.list_servers()[0]

    def save() -> None:
        nonlocal record
        record = repo.save(record.with_changes(port=25 if record.port != 25 else 587))

    return median_ms(save, rounds)


def notify_latency(store: SharedStore, rounds: int) -> tuple[float, float]:
    times = []
    with psycopg.connect(store.target, autocommit=True) as listener, SharedRepository.open(store) as repo:
        listener.execute("LISTEN outmail_changes")
        record = repo.list_servers()[1]
        for _ in range(rounds):
            start = time.perf_counter()
            record = repo.save(record.with_changes(port=25 if record.port != 25 else 587))
            got = list(listener.notifies(timeout=5, stop_after=1))
            assert got, "no notification within 5 s"
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def window_starts(local_dir: Path, url: str, scratch: Path, rounds: int) -> tuple[list[float], list[float]]:
    """Seconds from process start to painted window and exit: local store, shared store; alternating rounds."""
    workstation = scratch / "workstation"  # the shared store's window keeps its token caches here
    workstation.mkdir()
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(scratch / "config"))
    env.pop("OUTMAIL_DATA_DIR", None)
    env.pop("OUTMAIL_STORE", None)
    window = [sys.executable, "main.py", "--exit-when-shown"]
    local = [*window, "--data-dir", str(local_dir)]
    shared = [*window, "--data-dir", str(workstation), "--store", url]
    for command in (local, shared):  # warm the file cache and .pyc files
        process_seconds(command, env)
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        times[0].append(process_seconds(local, env))
        times[1].append(process_seconds(shared, env))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--window-rounds", type=int, default=15)
    options = parser.parse_args()
    rounds = options.rounds
    with tempfile.TemporaryDirectory() as folder, running_server(durable=True) as server:
        local_dir = Path(folder)
        with ServerRepository.open(local_dir) as local:
            fill(local)
        store = filled_shared_store(server)

        def open_list_local() -> None:
            with ServerRepository.open(local_dir, daily_backup=False) as repo:
                assert len(repo.list_server_rows()) == SERVERS

        def open_list_shared() -> None:
            with SharedRepository.open(store) as repo:
                assert len(repo.list_server_rows()) == SERVERS

        local_open, shared_open = median_ms(open_list_local, rounds), median_ms(open_list_shared, rounds)
        with ServerRepository.open(local_dir, daily_backup=False) as local:
            local_save = saves(local, rounds)
        with SharedRepository.open(store) as shared:
            shared_save = saves(shared, rounds)
        notify_median, notify_max = notify_latency(store, rounds)
        starts = (
            window_starts(local_dir, store.target, Path(folder), options.window_rounds)
            if options.window_rounds
            else None
        )
    load = os.getloadavg()
    print(f"{SERVERS} servers, median of {rounds} rounds (ms); load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    ratio = shared_open / local_open
    print(f"open + list:          SQLite {local_open:7.1f}   PostgreSQL {shared_open:7.1f}   ({ratio:.2f}x)")
    print(f"save round trip:      SQLite {local_save:7.1f}   PostgreSQL {shared_save:7.1f}")
    print(f"change to listener:   median {notify_median:.1f}, max {notify_max:.1f}")
    if starts is not None:
        local_ms, shared_ms = (statistics.median(values) * 1000 for values in starts)
        ratios = statistics.median(b / a for a, b in zip(*starts, strict=True))
        print(
            f"window start ({options.window_rounds} alternating rounds): SQLite {local_ms:7.1f}   "
            f"PostgreSQL {shared_ms:7.1f}   ({shared_ms / local_ms:.2f}x; median of the rounds' ratios {ratios:.2f}x)"
        )


if __name__ == "__main__":
    main()
