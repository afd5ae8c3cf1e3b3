"""Settings discovery: concurrency, not a sum (target: the whole discovery within 1.2x the slowest
single candidate's own test), and the GUI event loop while the dialog discovers (target: longest
stall < 50 ms).

The discovery world of the tests (tests/support/discovery_world.py: dnsmasq, an HTTPS server,
aiosmtpd on ports 25/465/587 of private 127.x.y.z addresses) runs in a child process, so its
servers do not share this process's interpreter. ``bench.example`` gives six candidates by guess
(``smtp.`` and ``mail.bench.example`` on 465 implicit TLS, 587 STARTTLS and 25, where 25 accepts
and never speaks). Each round:

  single     each of the six candidates tested alone, as discovery tests it (its own deadline)
  discovery  ``discover()`` of ``someone@bench.example``, same deadline: sources and six tests
  dialog     the Discover Settings dialog (offscreen) running the same discovery, while a 10 ms
             QTimer on the GUI thread measures how late each tick arrives

Nothing here asserts; the figures go to the README and benchmarks/RESULTS-discovery.md.

    .venv/bin/python benchmarks/discovery.py [--timeout 3] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET = "someone@bench.example"


def serve() -> None:
    """Child process: run the world, print how to reach it, stop when stdin closes."""
    from tests.support.discovery_world import running_world

    with running_world(Path(tempfile.mkdtemp(prefix="outmail-bench-discovery-"))) as world:
        print(json.dumps({"dns": world.dns.spec, "ca_file": str(world.tls.ca_file)}), flush=True)
        sys.stdin.read()


def _single(world: dict[str, Any], timeout: float) -> list[tuple[str, float]]:
    """Each candidate alone, exactly as discovery tests it (lookup through the same DNS server)."""
    from outmail_gui.discovery.lookup import Lookup, parse_dns_server
    from outmail_gui.discovery.model import Source, Suggestion
    from outmail_gui.discovery.probing import new_candidate, probe_candidate
    from outmail_gui.probe.connection import Deadline
    from outmail_gui.probe.request import Security

    lookup = Lookup(parse_dns_server(world["dns"]))
    times = []
    for host in ("smtp.bench.example", "mail.bench.example"):
        for port, security in ((465, Security.IMPLICIT), (587, Security.STARTTLS), (25, Security.STARTTLS)):
            suggestion = Suggestion(host, port, security, Source.GUESS)
            candidate = new_candidate(suggestion)
            started = time.perf_counter()
            probe_candidate(candidate, suggestion, lookup, Deadline(timeout), world["ca_file"], None)
            times.append((f"{host}:{port}", time.perf_counter() - started))
    return times


def _discovery(world: dict[str, Any], timeout: float) -> tuple[float, int, str]:
    from outmail_gui.discovery import DiscoveryRequest, discover

    started = time.perf_counter()
    report = discover(DiscoveryRequest(TARGET, timeout_s=timeout, dns_server=world["dns"], ca_file=world["ca_file"]))
    wall = time.perf_counter() - started
    best = report.recommended
    return wall, len(report.candidates), f"{best.server}:{best.port}" if best else "none"


def _dialog(world: dict[str, Any], timeout: float) -> dict[str, float]:
    from PySide6.QtCore import QEventLoop, QTimer

    from benchmarks.gui_stall import StallMeter
    from outmail_gui.ui.discovery.dialog import DiscoveryDialog

    dialog = DiscoveryDialog(None, TARGET, world["ca_file"], world["dns"], timeout)
    dialog.resize(1000, 600)
    dialog.show()
    settle = QEventLoop()
    QTimer.singleShot(300, settle.quit)  # the dialog's first paint is not discovery's doing
    settle.exec()
    meter = StallMeter()
    loop = QEventLoop()
    started = time.perf_counter()
    meter.start()
    dialog.start()
    assert dialog.run is not None
    dialog.run.finished.connect(loop.quit)
    QTimer.singleShot(int((timeout + 5) * 1000), loop.quit)
    loop.exec()
    wall = time.perf_counter() - started
    meter.stop()
    rows = dialog.candidates.topLevelItemCount()
    dialog.stop()
    dialog.close()
    dialog.deleteLater()
    return {**meter.stalls(), "wall_s": wall, "rows": rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--timeout", type=float, default=3.0, help="the discovery deadline, seconds (default 3)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve()
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert child.stdout is not None
        world = json.loads(child.stdout.readline())
        from PySide6.QtWidgets import QApplication

        app = QApplication([])
        for round_number in range(1, args.rounds + 1):
            single = _single(world, args.timeout)
            slowest_name, slowest = max(single, key=lambda pair: pair[1])
            wall, count, best = _discovery(world, args.timeout)
            stall = _dialog(world, args.timeout)
            print(
                f"round {round_number}: slowest single candidate {slowest:.3f} s ({slowest_name}); "
                f"discovery {wall:.3f} s ({count} candidates, recommended {best}): {wall / slowest:.3f}x; "
                f"dialog {stall['wall_s']:.3f} s, {int(stall['rows'])} rows, longest GUI stall "
                f"{stall['max_ms']:.1f} ms (p99 {stall['p99_ms']:.1f} ms, {int(stall['ticks'])} ticks)",
                flush=True,
            )
            print("  single: " + ", ".join(f"{name} {seconds:.3f} s" for name, seconds in single), flush=True)
        del app
    finally:
        if child.stdin is not None:
            child.stdin.close()
        child.wait(30)


if __name__ == "__main__":
    main()
