"""Where the window's start touches PySide6's ``Qt`` namespace before the list's first paint.

PySide6 creates the whole ``QtCore.Qt`` namespace (about 100 Python enums, 122.9 M instructions,
25-30 ms here) at the first touch of ``Qt`` or the first conversion of one of its enum values
(a ``Qt.Orientation`` handed to a Python ``headerData``, a ``Qt.SortOrder`` to a Python ``sort``).
The bare PySide6 window of ``startup.py`` never creates it. For Outmail's start from its import
to the first paint of the server list (10 servers, first start), in two child processes:

  * where the namespace is first created, if it is (the Outmail code on the stack then: this also
    catches creations inside PySide6, e.g. the overload resolution of ``QAction.setShortcut``);
  * every touch by Outmail's code: attribute reads ``Qt.X`` (with file, line and function; here
    ``QtCore.Qt`` is replaced by a forwarding object that records its readers, so the namespace is
    created up front) and calls from Qt into our Python overrides that receive a ``Qt`` enum value.

Nothing here asserts (``tests/ui/test_launch_and_state.py`` does); the figures go to RESULTS-window.md.

    .venv/bin/python benchmarks/qt_namespace.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = f"{os.sep}outmail_gui{os.sep}"


def _ours(frame: FrameType | None) -> FrameType | None:
    """The nearest frame of Outmail's own code, from ``frame`` outwards."""
    while frame is not None and PACKAGE not in frame.f_code.co_filename:
        frame = frame.f_back
    return frame


def _place(frame: FrameType) -> str:
    return f"{frame.f_code.co_filename.split(PACKAGE)[-1]}:{frame.f_lineno} ({frame.f_code.co_name})"


def _start_window(data_dir: str, profile: Callable[[FrameType, str, object], None]) -> int:
    """Run the window's start on ``data_dir`` to its exit after the first paint, under ``profile``."""
    from outmail_gui.app import main

    sys.setprofile(profile)
    try:
        return main(["--data-dir", data_dir, "--exit-when-shown"])
    finally:
        sys.setprofile(None)


def _first_creation(data_dir: str) -> int:
    """Start the window on ``data_dir``; print where the namespace was first created (if it was)."""
    import traceback

    import PySide6.QtCore as qtcore

    created: list[str] = []

    def on_call(frame: FrameType, _event: str, _arg: object) -> None:
        if not created and "Qt" in vars(qtcore):
            ours = [line for line in traceback.format_stack(frame) if PACKAGE in line]
            created.append("".join(ours[-4:]) or "outside Outmail's code")
            sys.setprofile(None)

    status = _start_window(data_dir, on_call)
    print("first created (to the exit after the first paint):", f"\n{created[0]}" if created else "never")
    return status


def _touches(data_dir: str) -> int:
    """Start the window on ``data_dir`` with the recorders installed; print what they saw."""
    import PySide6.QtCore as qtcore
    from PySide6.QtCore import QEvent, QObject

    real = qtcore.Qt
    touches: Counter[str] = Counter()
    painted: list[bool] = []

    class Reader:
        """Stands in for ``Qt`` in ``PySide6.QtCore``: records who reads what, then forwards."""

        def __getattr__(self, name: str) -> Any:
            frame = _ours(sys._getframe(1))
            if not painted and frame is not None:
                touches[f"Qt.{name} read at {_place(frame)}"] += 1
            return getattr(real, name)

    vars(qtcore)["Qt"] = Reader()

    def is_qt_enum(value: object) -> bool:
        kind = type(value)
        return kind.__module__ == "PySide6.QtCore" and kind.__qualname__.startswith("Qt.")

    def on_call(frame: FrameType, event: str, _arg: object) -> None:
        if painted or event != "call" or PACKAGE not in frame.f_code.co_filename:
            return
        for name, value in frame.f_locals.items():
            if is_qt_enum(value):
                where = frame.f_code.co_filename.split(PACKAGE)[-1]
                touches[f"{type(value).__qualname__} passed to {frame.f_code.co_name}({name}) in {where}"] += 1

    from outmail_gui.ui.window.launch import application

    app = application()

    class FirstPaint(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and watched.objectName() == "server_list_viewport":
                painted.append(True)
                app.removeEventFilter(self)
            return False

    watcher = FirstPaint()
    app.installEventFilter(watcher)
    status = _start_window(data_dir, on_call)
    if status != 0 or not painted:
        print(f"the window did not paint (exit status {status})", file=sys.stderr)
        return 1
    for place, count in sorted(touches.items()):
        print(f"{count:5d}  {place}")
    print(f"{len(touches)} place(s) touch the Qt namespace before the first paint")
    return 0


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        return (_first_creation if sys.argv[2] == "first" else _touches)(sys.argv[3])
    sys.path.insert(0, str(ROOT))
    from benchmarks.startup import populate

    with tempfile.TemporaryDirectory(prefix="outmail-qt-namespace-") as tmp:
        data = Path(tmp) / "data"
        data.mkdir()
        populate(data, 10)
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(Path(tmp) / "config"))
        env.pop("OUTMAIL_DATA_DIR", None)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        for part in ("first", "touches"):
            done = subprocess.run(
                [sys.executable, __file__, "--child", part, str(data)], cwd=ROOT, env=env, check=False
            )
            if done.returncode != 0:
                return done.returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
