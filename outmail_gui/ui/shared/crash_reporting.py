"""Unexpected errors in the window: written to the log file and shown in a dialog, never lost on stderr.

:func:`install_crash_reporting` replaces ``sys.excepthook`` (an exception escaping a slot or
an event handler) and ``threading.excepthook`` (one escaping a Python thread). Each error is
written to the log file (:mod:`outmail_gui.crash_log`) and shown in a
:class:`~outmail_gui.ui.shared.crash_dialog.CrashDialog` whose "Copy details" button puts the
details (redacted like the file) on the clipboard for a ticket. Errors that come while it is
open are added to it, so a fault that repeats (in a paint event, say) opens one dialog, not
many. The dialog's module is imported with the first error, not at start-up.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from outmail_gui.crash_log import close_log, log_exception, open_log

if TYPE_CHECKING:
    from outmail_gui.ui.shared.crash_dialog import CrashDialog


class CrashReporter(QObject):
    """Receives unexpected errors from any thread and shows them on the GUI thread."""

    reported = Signal(str)

    def __init__(self, log_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.dialog: CrashDialog | None = None
        self.reported.connect(self._show)  # queued when reported from another thread
        self._previous = (sys.excepthook, threading.excepthook)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self.thread_excepthook

    def uninstall(self) -> None:
        """Put the previous hooks back and close the log file (the window has closed)."""
        sys.excepthook, threading.excepthook = self._previous
        close_log()

    def excepthook(self, kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):  # Ctrl+C in the terminal that started the window
            sys.__excepthook__(kind, value, tb)
            return
        self.reported.emit(log_exception("Unexpected error in the window", (kind, value, tb)))

    def thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is None:  # SystemExit in a thread: nothing to report
            return
        name = args.thread.name if args.thread is not None else "a thread"
        info = (args.exc_type, args.exc_value, args.exc_traceback)
        self.reported.emit(log_exception(f"Unexpected error in {name}", info))

    def _show(self, details: str) -> None:
        if self.dialog is not None and self.dialog.isVisible():
            self.dialog.add(details)
            return
        from outmail_gui.ui.shared.crash_dialog import CrashDialog

        dialog = CrashDialog(details, self.log_path, QApplication.activeWindow())
        dialog.destroyed.connect(self._forget)
        self.dialog = dialog
        dialog.show()

    def _forget(self) -> None:
        self.dialog = None


def install_crash_reporting(app: QApplication, log_dir: Path | None = None) -> CrashReporter:
    """Open the log file (with :mod:`faulthandler`) and route unexpected errors to it and to the dialog."""
    reporter = CrashReporter(open_log(log_dir), app)
    reporter.install()
    return reporter
