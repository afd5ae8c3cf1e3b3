"""An unexpected error in the real window goes to the log file and to a dialog with "Copy details",
never to stderr, and never with a secret (issue 16: crash visibility)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from outmail_gui.crash_log import LOG_FILE
from outmail_gui.store.errors import StoreEnvironmentError
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.shared.crash_dialog import CrashDialog
from outmail_gui.ui.shared.crash_reporting import CrashReporter, install_crash_reporting
from tests.ui.conftest import WindowFactory

PASSWORD = "Crash-Pa55word!"


@pytest.fixture
def reporter(qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CrashReporter]:
    """The window's crash reporting, as run_gui installs it, with the log in a temporary directory."""
    hooks = (sys.excepthook, threading.excepthook)
    installed = install_crash_reporting(qapp, tmp_path / "logs")
    assert (sys.excepthook, threading.excepthook) == (installed.excepthook, installed.thread_excepthook)
    yield installed
    if installed.dialog is not None:
        installed.dialog.close()
    installed.uninstall()
    assert (sys.excepthook, threading.excepthook) == hooks
    installed.deleteLater()


def _log_text(tmp_path: Path) -> str:
    return (tmp_path / "logs" / LOG_FILE).read_text(encoding="utf-8")


@pytest.mark.qt_no_exception_capture  # the window's own hook must see the error, not pytest-qt's
def test_an_error_in_a_slot_is_logged_and_shown_with_copy_details(
    qtbot: QtBot,
    make_window: WindowFactory,
    secrets: SecretStore,
    reporter: CrashReporter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    window = make_window()
    secrets.set_password("srv-1", PASSWORD)  # a password this process has handled

    def broken(*_args: object) -> None:
        raise RuntimeError(f"login with {PASSWORD} failed in a bug")

    monkeypatch.setattr(window.session, "new_server", broken)
    window.window_actions.new_smtp_server.trigger()  # the action's slot raises

    dialog = reporter.dialog
    assert isinstance(dialog, CrashDialog) and dialog.isVisible()
    details = dialog.details.toPlainText()
    assert "Traceback" in details and "RuntimeError: login with <redacted> failed in a bug" in details
    assert PASSWORD not in details
    assert str(tmp_path / "logs" / LOG_FILE) in dialog.message.text()

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == details
    assert dialog.copy_button.text() == "Copied"

    log = _log_text(tmp_path)
    assert "ERROR outmail_gui: Unexpected error in the window" in log
    assert "Traceback (most recent call last)" in log and "in broken" in log
    assert "RuntimeError: login with <redacted> failed in a bug" in log
    assert PASSWORD not in log
    assert "Traceback" not in capfd.readouterr().err  # nothing on the stderr of a desktop launch
    dialog.close()


@pytest.mark.qt_no_exception_capture
def test_errors_in_threads_reach_the_same_dialog_on_the_gui_thread(
    qtbot: QtBot, make_window: WindowFactory, reporter: CrashReporter, tmp_path: Path
) -> None:
    make_window()
    failing = threading.Thread(target=lambda: 1 / 0, name="outmail-test-worker")
    failing.start()
    failing.join()
    qtbot.waitUntil(lambda: reporter.dialog is not None and reporter.dialog.isVisible())
    assert reporter.dialog is not None
    first = reporter.dialog
    assert "ZeroDivisionError" in first.details.toPlainText()
    assert "Unexpected error in outmail-test-worker" in _log_text(tmp_path)

    again = threading.Thread(target=lambda: [][1], name="outmail-test-worker-2")
    again.start()
    again.join()
    qtbot.waitUntil(lambda: "IndexError" in first.details.toPlainText())
    assert reporter.dialog is first  # a repeated fault adds to the open dialog, not a new one
    first.close()


@pytest.mark.qt_no_exception_capture
def test_a_store_environment_error_nobody_caught_is_said_in_the_status_bar_not_as_a_crash(
    qtbot: QtBot,
    make_window: WindowFactory,
    reporter: CrashReporter,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = make_window()

    def unreachable(*_args: object) -> None:
        raise StoreEnvironmentError("Cannot reach the shared settings database service=outmail: timeout expired.")

    monkeypatch.setattr(window.session, "new_server", unreachable)
    window.window_actions.new_smtp_server.trigger()
    qtbot.waitUntil(lambda: "Cannot reach" in window.statusBar().currentMessage())
    assert window.statusBar().currentMessage() == (
        "Cannot reach the shared settings database service=outmail: timeout expired."
    )
    assert reporter.dialog is None
    assert not (tmp_path / "logs" / LOG_FILE).exists() or "Traceback" not in _log_text(tmp_path)
