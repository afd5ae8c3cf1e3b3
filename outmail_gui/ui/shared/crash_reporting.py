"""Unexpected errors in the window: written to the log file and shown in a dialog, never lost on stderr.

:func:`install_crash_reporting` replaces ``sys.excepthook`` (an exception escaping a slot or
an event handler) and ``threading.excepthook`` (one escaping a Python thread). Each error is
written to the log file (:mod:`outmail_gui.crash_log`) and shown in a
:class:`~outmail_gui.ui.shared.crash_dialog.CrashDialog` whose "Copy details" button puts the
details (redacted like the file) on the clipboard for a ticket. Errors that come while it is
open are added to it, so a fault that repeats (in a paint event, say) opens one dialog, not
many. The dialog's module is imported with the first error, not at start-up. A store's
environment error (a shared database gone, a full disk) that no caller caught is no crash: the
window says it in its status bar (and reconnects to a shared store).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QMainWindow

from outmail_gui.crash_log import close_log, log_exception, open_log

if TYPE_CHECKING:
    from outmail_gui.ui.shared.crash_dialog import CrashDialog


class CrashReporter(QObject):
    """Receives unexpected errors from any thread and shows them on the GUI thread."""

    reported = Signal(str)
    environment_fault = Signal(object)  # a StoreEnvironmentError: told where the user works, not a crash

    def __init__(self, log_path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.dialog: CrashDialog | None = None
        self.reported.connect(self._show)  # queued when reported from another thread
        self.environment_fault.connect(self._tell)
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
        from outmail_gui.store.errors import StoreEnvironmentError

        if isinstance(value, StoreEnvironmentError):  # the database unreachable, a full disk: not a bug of ours
            self.environment_fault.emit(value)
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

    def _tell(self, error: object) -> None:
        """The store's environment failed where no caller expected it: the window says so in one line
        (and, for a shared store, reconnects) instead of a crash report."""
        windows = [QApplication.activeWindow(), *QApplication.topLevelWidgets()]
        window = next((w for w in windows if isinstance(w, QMainWindow) and w.isVisible()), None)
        if window is None:
            return
        handled = getattr(window, "store_unavailable", None)
        if callable(handled) and handled(error):
            return
        window.statusBar().showMessage(str(getattr(error, "message", error)))

    def _forget(self) -> None:
        self.dialog = None


def install_crash_reporting(app: QApplication, log_dir: Path | None = None) -> CrashReporter:
    """Open the log file (with :mod:`faulthandler`) and route unexpected errors to it and to the dialog."""
    reporter = CrashReporter(open_log(log_dir), app)
    reporter.install()
    return reporter
