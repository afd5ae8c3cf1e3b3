"""Entry point: the CLI when a command is named, otherwise the window.

The CLI path never imports PySide6. The window path first checks that Qt can reach a
display, so a headless machine gets one clear line instead of Qt's abort.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from outmail_gui.cli.main import command_word, run

if TYPE_CHECKING:
    from outmail_gui.ui.window.launch import build_main_window as build_main_window

NO_DISPLAY_MESSAGE = (
    "outmail-gui: no display found (DISPLAY and WAYLAND_DISPLAY are unset). Run it on a desktop, "
    "under Xvfb (xvfb-run outmail-gui), with QT_QPA_PLATFORM=offscreen, or use the command line: "
    "outmail-gui --help"
)


def __getattr__(name: str) -> object:
    """``build_main_window`` (from :mod:`outmail_gui.ui.window.launch`), imported only when asked for.

    Lazy so that the CLI path never imports Qt.
    """
    if name == "build_main_window":
        from outmail_gui.ui.window.launch import build_main_window

        return build_main_window
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def display_problem(environ: os._Environ[str] | dict[str, str] | None = None) -> str | None:
    """Why Qt could not open a window here, or ``None`` when it can."""
    env = os.environ if environ is None else environ
    if sys.platform in ("win32", "darwin"):
        return None
    # QT_QPA_PLATFORM may list fallbacks ("wayland;xcb"); each may carry options ("xcb:...").
    platforms = [p.split(":")[0].strip() for p in env.get("QT_QPA_PLATFORM", "").split(";") if p.strip()]
    needs_display = {"xcb": "DISPLAY", "wayland": "WAYLAND_DISPLAY", "wayland-egl": "WAYLAND_DISPLAY"}
    if any(p not in needs_display for p in platforms):  # offscreen, minimal, vnc, eglfs, ...
        return None
    wanted = [needs_display[p] for p in platforms] or ["DISPLAY", "WAYLAND_DISPLAY"]
    if any(env.get(variable) for variable in wanted):
        return None
    return NO_DISPLAY_MESSAGE


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if command_word(args) is not None:  # a command, help, or a typo the CLI reports as bad usage
        return run(args)
    problem = display_problem()
    if problem:
        sys.stderr.write(problem + "\n")
        return 1
    # No garbage collection while the window's modules load and it is built: start-up creates
    # long-lived objects only (modules, Qt types, the list's rows), and collecting passes over
    # them would find nothing. Once the window is shown, run_gui() freezes them out of later
    # collections and turns collection back on.
    gc.disable()
    try:
        from outmail_gui.ui.window.prestart import prestart

        started = prestart(args)  # before Qt loads: the database is checked meanwhile
        from outmail_gui.ui.window.launch import run_gui

        return run_gui(args, started)
    finally:
        gc.enable()  # also when bad usage ends the start (SystemExit) in a caller's process


if __name__ == "__main__":
    raise SystemExit(main())
