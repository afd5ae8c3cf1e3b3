"""Unexpected errors in the window: written to the log file and shown in a dialog, never lost on stderr.

:func:`install_crash_reporting` replaces ``sys.excepthook`` (an exception escaping a slot or
an event handler) and ``threading.excepthook`` (one escaping a Python thread). Each error is
written to the log file (:mod:`outmail_gui.crash_log`) and shown in a :class:`CrashDialog`
whose "Copy details" button puts the details (redacted like the file) on the clipboard for a
ticket. The dialog is not modal: the window stays usable. Errors that come while it is open
are added to it, so a fault that repeats (in a paint event, say) opens one dialog, not many.
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from outmail_gui.crash_log import close_log, log_exception, open_log

COPY = "&Copy details"


class CrashDialog(QDialog):
    """What went wrong, where the log is, and the details to copy."""

    def __init__(self, details: str, log_path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("crash_dialog")
        self.setWindowTitle("Unexpected error")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.message = QLabel(
            "Outmail ran into an unexpected error. What you saved is kept; if the window misbehaves, "
            "save your changes and restart it.\n"
            f"The details are also in the log file {log_path}. Copy them into a ticket if you report it."
        )
        self.message.setObjectName("crash_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details = QPlainTextEdit(details)
        self.details.setObjectName("crash_details")
        self.details.setReadOnly(True)
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton(COPY)
        self.copy_button.setObjectName("copy_crash_details")
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy_details)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(640, 360)

    def add(self, details: str) -> None:
        """Another error while the dialog is open: its details go below the first one's."""
        self.details.appendPlainText(f"\n{details}")

    def copy_details(self) -> None:
        QGuiApplication.clipboard().setText(self.details.toPlainText())
        self.copy_button.setText("Copied")


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
