"""Cold start to painted window: Outmail vs a bare PySide6 script, side by side in one run.

Runs, in alternating rounds (so machine noise hits all alike):
  * bare:   a PySide6 script showing a QMainWindow with a 10-row QTableView, exiting after
            the table's first paint;
  * app-10: ``python main.py --exit-when-shown`` with 10 servers in a temporary data dir;
  * app-10k: the same with 10,000 servers.
Prints the median wall time of each and the ratios to the bare script (targets: 1.4x for
10 servers, 1.7x for 10,000). Nothing here asserts: the figures go to RESULTS-window.md.

    .venv/bin/python benchmarks/startup.py [--rounds 9]
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BARE_SCRIPT = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView

app = QApplication(sys.argv)
window = QMainWindow()
model = QStandardItemModel(10, 8)
for row in range(10):
    for column in range(8):
        model.setItem(row, column, QStandardItem(f"cell {row} {column}"))
view = QTableView()
view.setModel(model)
window.setCentralWidget(view)
window.resize(1280, 780)


class ExitAfterPaint(QObject):
    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            QTimer.singleShot(0, app, lambda: app.exit(0))
        return False


spy = ExitAfterPaint()
view.viewport().installEventFilter(spy)
window.show()
sys.exit(app.exec())
"""


def populate(data_dir: Path, count: int, seed: int = 7) -> None:
    """``count`` realistic servers, written in one transaction (the store's own schema and row mapping)."""
    from outmail_gui.domain.settings import new_server
    from outmail_gui.paths import database_path
    from outmail_gui.store import rows
    from outmail_gui.store.repository import ServerRepository

    ServerRepository.open(data_dir).close()  # creates the schema
    rng = random.Random(seed)
    partitions = ["Sales", "HR", "Finance", "IT", "Legal"]
    conn = sqlite3.connect(database_path(data_dir))
    try:
        with conn:
            for name in partitions:
                conn.execute("INSERT OR IGNORE INTO partitions (name) VALUES (?)", (name,))
            for number in range(count):
                site = rng.choice(["ams", "lon", "nyc", "sgp", "fra"])
                record = new_server(
                    "smtp" if number % 50 else "mapi",
                    name=f"{site.upper()} relay {number:05d}",
                    server=f"smtp{number:05d}.{site}.example.com",
                    port=rng.choice([25, 465, 587]),
                    outgoing_email_id=f"noreply{number}@{site}.example.com",
                    active=rng.random() > 0.1,
                    partition=rng.choice([*partitions, None, None]),
                    revision=1,
                )
                conn.execute(rows.INSERT, rows.to_row(record))
    finally:
        conn.close()


def _time(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stderr}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="outmail-bench-") as tmp:
        base = Path(tmp)
        bare = base / "bare.py"
        bare.write_text(BARE_SCRIPT, encoding="utf-8")
        small, large = base / "data-10", base / "data-10k"
        small.mkdir()
        large.mkdir()
        populate(small, 10)
        populate(large, 10_000)
        env = dict(os.environ)
        env.update(QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(base / "config"), PYTHONDONTWRITEBYTECODE="")
        env.pop("OUTMAIL_DATA_DIR", None)
        python = sys.executable
        commands = {
            "bare PySide6 (10-row table)": [python, str(bare)],
            "outmail, 10 servers": [python, "main.py", "--data-dir", str(small), "--exit-when-shown"],
            "outmail, 10,000 servers": [python, "main.py", "--data-dir", str(large), "--exit-when-shown"],
        }
        for command in commands.values():  # warm the file cache and .pyc files
            _time(command, env)
        times: dict[str, list[float]] = {label: [] for label in commands}
        for _ in range(args.rounds):
            for label, command in commands.items():
                times[label].append(_time(command, env))
    medians = {label: statistics.median(values) for label, values in times.items()}
    bare_median = medians["bare PySide6 (10-row table)"]
    print(f"rounds: {args.rounds} (alternating), python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    print(f"{'run':32} {'median ms':>10} {'min ms':>8} {'ratio':>6}")
    for label, values in times.items():
        print(f"{label:32} {medians[label] * 1000:10.0f} {min(values) * 1000:8.0f} {medians[label] / bare_median:6.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
