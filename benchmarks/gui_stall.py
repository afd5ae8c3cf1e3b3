"""How long the GUI event loop stalls while connection tests run (target: longest stall < 50 ms),
and the wall time of Test all over 500 loopback servers, a third of them silent (target <= 2x
the time-out).

A separate process serves N loopback SMTP ports with asyncio: two thirds answer like a
minimal SMTP server, one third accept the connection and never say a word. The real window
(``build_main_window``, offscreen) holds one record per port (Use SSL off, no login,
Connection Timeout = the time-out). A QTimer ticks every 10 ms on the GUI thread; a stall is
how much later than 10 ms a tick arrives. Scenarios, each measured separately:

  idle       nothing running (the machine's noise floor)
  single     Test connection (F5 action) on one silent server, until its time-out
  test-all   "Test all active servers" over every record, until the last result is stored

Nothing here asserts: the figures go to RESULTS-gui-tests.md.

    .venv/bin/python benchmarks/gui_stall.py [--servers 500] [--timeout 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TICK_MS = 10


# --------------------------------------------------------------------------- the server farm


async def _smtp_session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(b"220 bench.invalid ESMTP\r\n")
    try:
        while line := await reader.readline():
            verb = line[:4].upper()
            if verb == b"EHLO":
                writer.write(b"250-bench.invalid\r\n250-8BITMIME\r\n250 SIZE 10240000\r\n")
            elif verb == b"QUIT":
                writer.write(b"221 2.0.0 Bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 2.0.0 OK\r\n")
            await writer.drain()
    except ConnectionError:
        pass
    finally:
        writer.close()


async def _silent_session(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    await reader.read()  # accept, then never answer; wait until the client gives up
    writer.close()


async def _serve(count: int) -> None:
    servers = []
    ports: list[dict[str, Any]] = []
    for index in range(count):
        silent = index % 3 == 2  # every third server: spread evenly, the worst case for waves
        server = await asyncio.start_server(_silent_session if silent else _smtp_session, "127.0.0.1", 0, backlog=16)
        servers.append(server)
        ports.append({"port": server.sockets[0].getsockname()[1], "silent": silent})
    print(json.dumps(ports), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes our stdin
    for server in servers:
        server.close()


def _raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))


# --------------------------------------------------------------------------- the GUI side


class StallMeter:
    """A 10 ms QTimer on the GUI thread; records how late each tick is."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self.gaps: list[float] = []
        self._last = 0.0
        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps = []
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append((now - self._last) * 1000.0)
        self._last = now

    def stalls(self) -> dict[str, float]:
        late = [max(0.0, gap - TICK_MS) for gap in self.gaps] or [0.0]
        p99 = statistics.quantiles(late, n=100)[-1] if len(late) >= 2 else late[0]
        return {"ticks": len(self.gaps), "max_ms": max(late), "p99_ms": p99, "median_ms": statistics.median(late)}


def _wait(signal: Any, timeout_s: float) -> float:
    """Run the event loop until ``signal`` fires; returns the seconds it took."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    started = time.perf_counter()
    loop.exec()
    signal.disconnect(loop.quit)
    return time.perf_counter() - started


def _idle(seconds: float) -> None:
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def _populate(data_dir: Path, ports: list[dict[str, Any]], timeout: int) -> None:
    from outmail_gui.domain.settings import new_server
    from outmail_gui.store.repository import ServerRepository

    with ServerRepository.open(data_dir) as repo, repo.transaction():
        for index, entry in enumerate(ports):
            kind = "silent" if entry["silent"] else "smtp"
            repo.save(
                new_server(
                    "smtp",
                    name=f"bench {index:03d} {kind}",
                    server="127.0.0.1",
                    port=entry["port"],
                    use_ssl=False,
                    auth_auto=False,
                    connection_timeout_s=timeout,
                    outgoing_email_id="bench@example.com",
                )
            )


Results = dict[str, list[dict[str, float]]]


def _measure(data_dir: Path, ports: list[dict[str, Any]], timeout: int, rounds: int) -> Results:
    from PySide6.QtWidgets import QApplication

    from outmail_gui.store.secrets import SecretStore
    from outmail_gui.ui.window.launch import application, build_main_window

    sys.path.insert(0, str(ROOT / "scripts"))
    from screenshots.demo_data import DemoKeyring

    application()
    window = build_main_window(data_dir, secrets=SecretStore(DemoKeyring(data_dir / "keyring.json")))
    window.resize(1440, 880)
    window.show()
    QApplication.processEvents()
    meter = StallMeter()
    results: Results = {"idle": [], "single": [], "test-all": []}
    silent_index = next(i for i, p in enumerate(ports) if p["silent"])
    silent_record = next(r for r in window.model.records() if r.name.startswith(f"bench {silent_index:03d} "))
    for _round in range(rounds):
        meter.start()
        _idle(2.0)
        meter.stop()
        results["idle"].append({**meter.stalls(), "wall_s": 2.0})

        window.select_server(silent_record.id)
        window.session.show_server(silent_record)
        QApplication.processEvents()
        meter.start()
        window.testing.test_action.trigger()
        wall = _wait(window.testing.test_finished, timeout * 3)
        meter.stop()
        results["single"].append({**meter.stalls(), "wall_s": wall})

        meter.start()
        window.testing.test_all_action.trigger()
        wall = _wait(window.testing.batch_finished, timeout * 10)
        meter.stop()
        results["test-all"].append({**meter.stalls(), "wall_s": wall})
        _idle(0.5)  # let the pool's idle threads exit before the next round
    window.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--servers", type=int, default=500)
    parser.add_argument("--timeout", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", type=int, help=argparse.SUPPRESS)  # the server-farm child process
    args = parser.parse_args()
    _raise_fd_limit()
    if args.serve:
        asyncio.run(_serve(args.serve))
        return 0
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    farm = subprocess.Popen(
        [sys.executable, __file__, "--serve", str(args.servers)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert farm.stdout is not None
        ports = json.loads(farm.stdout.readline())
        with tempfile.TemporaryDirectory(prefix="outmail-stall-") as tmp:
            os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
            data_dir = Path(tmp) / "data"
            data_dir.mkdir()
            _populate(data_dir, ports, args.timeout)
            results = _measure(data_dir, ports, args.timeout, args.rounds)
    finally:
        if farm.stdin is not None:
            farm.stdin.close()
        farm.wait(10)
    silent = sum(1 for p in ports if p["silent"])
    print(f"{args.servers} loopback servers ({silent} silent), time-out {args.timeout} s, {args.rounds} rounds")
    print(f"{'scenario':<10} {'wall s':>8} {'ticks':>6} {'max stall ms':>13} {'p99 ms':>8} {'median ms':>10}")
    for name, runs in results.items():
        for run in runs:
            print(
                f"{name:<10} {run['wall_s']:8.2f} {run['ticks']:6.0f} {run['max_ms']:13.1f} "
                f"{run['p99_ms']:8.1f} {run['median_ms']:10.2f}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
