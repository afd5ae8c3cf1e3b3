"""A keystroke in the filter box with 10,000 servers: median time (target under 16 ms).

Builds the real window (``build_main_window``) on a temporary data directory holding 10,000
servers, shows it offscreen, then types into the filter box with QTest key clicks and
measures each keystroke from the key press to the end of ``processEvents()`` (filtering,
the view's update and the repaint). Nothing here asserts: the figures go to RESULTS-window.md.

    .venv/bin/python benchmarks/filter_keystroke.py [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Typed, then erased with Backspace, each round: narrowing, widening, no match, host names, addresses.
WORDS = ("relay 0", "ams", "smtp01", "noreply12@", "zzz")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--servers", type=int, default=10_000)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="outmail-filter-") as tmp:
        os.environ["XDG_CONFIG_HOME"] = str(Path(tmp) / "config")
        from benchmarks.startup import populate

        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        populate(data_dir, args.servers)
        times = _measure(data_dir, args.rounds)
    print(f"{args.servers} servers, {len(times)} keystrokes over {args.rounds} rounds")
    p90 = statistics.quantiles(times, n=10)[-1]
    print(f"median {statistics.median(times):.2f} ms, p90 {p90:.2f} ms, max {max(times):.2f} ms")
    return 0


def _measure(data_dir: Path, rounds: int) -> list[float]:
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from outmail_gui.ui.window.launch import application, build_main_window

    app = application()
    window = build_main_window(data_dir)
    window.show()
    QApplication.processEvents()
    edit = window.filter_edit
    edit.setFocus()
    times: list[float] = []
    for _ in range(rounds):
        for word in WORDS:
            keys = [(ch, None) for ch in word] + [(None, Qt.Key.Key_Backspace)] * len(word)
            for char, key in keys:
                start = time.perf_counter()
                if char is not None:
                    QTest.keyClicks(edit, char)
                else:
                    assert key is not None
                    QTest.keyClick(edit, key)
                app.processEvents()
                times.append((time.perf_counter() - start) * 1000)
    window.shut_down()
    window.close()
    window.deleteLater()
    app.processEvents()
    return times


if __name__ == "__main__":
    raise SystemExit(main())
