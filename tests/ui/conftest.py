"""UI test fixtures: a real window on a temporary data directory and a test keyring.

* Every test fails if it leaves a visible top-level window, a running QTimer or a running
  QThread behind (checked after pytest-qt has closed the widgets it was given).
* No real modal dialog may open: each dialog's ``ask()`` (``MODAL_DIALOGS``, the one list)
  fails the test unless the test replaces it (``answer_dialog``).
* Real loopback SMTP servers for the connection-test tests (``smtp_server``).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import shiboken6
from keyrings.alt.file import PlaintextKeyring
from PySide6.QtCore import QEvent, QThread, QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from outmail_gui.domain.settings import ServerSettings, new_server
from outmail_gui.store.location import SharedStore
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.connection_test import insecure_auth_dialog, send_dialog, trust_dialog, workstation_password_dialog
from outmail_gui.ui.connection_test import panel as test_panel
from outmail_gui.ui.discovery import dialog as discovery_dialog
from outmail_gui.ui.oauth import token_dialog
from outmail_gui.ui.partitions import questions as partition_questions
from outmail_gui.ui.shared import about, dialogs
from outmail_gui.ui.window import changes_dialog, mapi_mail_server_dialog, shared_settings_dialog
from outmail_gui.ui.window.main_window import MainWindow
from outmail_gui.ui.window.window_state import WindowStateStore
from tests.support.smtp_servers import RecordingHandler, RunningSmtpServer, TlsMaterial, aiosmtpd_server, make_tls
from tests.ui.connection_helpers import PASSWORD, USER

# Every class of the window with a modal ``ask()`` (tests/ui/test_dialogs.py checks that none is missing).
MODAL_DIALOGS: tuple[type, ...] = (
    dialogs.UnsavedChangesDialog,
    dialogs.ConfirmDeleteDialog,
    dialogs.RevisionConflictDialog,
    dialogs.ImportDuplicatesDialog,
    dialogs.AcceptPasswordsDialog,
    dialogs.RestoreBackupDialog,
    dialogs.ImportFileDialog,
    dialogs.ExportFileDialog,
    insecure_auth_dialog.InsecureAuthDialog,
    workstation_password_dialog.WorkstationPasswordDialog,
    trust_dialog.TrustCertificateDialog,
    send_dialog.SendTestDialog,
    test_panel.ReportFileDialog,
    token_dialog.OAuthTokenDialog,
    partition_questions.PartitionNameDialog,
    partition_questions.ReassignServersDialog,
    partition_questions.ConfirmDialog,
    discovery_dialog.DiscoveryDialog,
    mapi_mail_server_dialog.MapiMailServerDialog,
    about.AboutDialog,
    dialogs.SharedStoreUnavailableDialog,
    shared_settings_dialog.SharedSettingsDialog,
    changes_dialog.ChangesDialog,
)


def live_qt_objects() -> tuple[list[QTimer], list[QThread]]:
    timers: list[QTimer] = []
    threads: list[QThread] = []
    for obj in gc.get_objects():
        if isinstance(obj, QTimer) and shiboken6.isValid(obj) and obj.isActive():
            timers.append(obj)
        elif isinstance(obj, QThread) and shiboken6.isValid(obj) and obj.isRunning():
            threads.append(obj)
    app = QApplication.instance()
    if app is not None:
        for widget in QApplication.topLevelWidgets():
            timers += [t for t in widget.findChildren(QTimer) if t.isActive() and t not in timers]
    return timers, threads


@pytest.fixture(scope="session", autouse=True)
def application_style(qapp: QApplication) -> None:
    """The style the window runs with once shown (launch.py sets it after the first paint)."""
    from outmail_gui.ui.window.launch import readable_style

    readable_style()


@pytest.fixture(autouse=True)
def no_leftovers(qapp: QApplication) -> Iterator[None]:
    """Fail a test that leaves a window, a timer or a thread behind."""
    before_widgets = {id(w) for w in QApplication.topLevelWidgets() if w.isVisible()}
    yield
    # pytest-qt has closed and scheduled the deletion of registered widgets by now.
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
    windows = [
        w for w in QApplication.topLevelWidgets() if w.isVisible() and id(w) not in before_widgets and w.isWindow()
    ]
    timers, threads = live_qt_objects()
    for window in windows:
        window.close()
    problems = []
    if windows:
        problems.append(f"visible windows left open: {[w.objectName() or type(w).__name__ for w in windows]}")
    if timers:
        problems.append(f"running timers left behind: {[t.objectName() or repr(t) for t in timers]}")
    if threads:
        problems.append(f"running threads left behind: {[t.objectName() or repr(t) for t in threads]}")
    if problems:
        pytest.fail("; ".join(problems))


@pytest.fixture(autouse=True)
def no_real_dialogs(monkeypatch: pytest.MonkeyPatch) -> None:
    """A modal dialog would block the test run: every ``ask`` must be replaced by the test."""
    for cls in MODAL_DIALOGS:

        def refuse(*args: Any, _name: str = cls.__name__, **kwargs: Any) -> Any:
            pytest.fail(f"unexpected {_name}.ask{args[1:]!r}: replace it with answer_dialog()")

        monkeypatch.setattr(cls, "ask", classmethod(refuse))

    def refuse_error(*args: Any, **kwargs: Any) -> None:
        pytest.fail(f"unexpected error dialog: {args[1:]!r}")

    monkeypatch.setattr(dialogs.ErrorDialog, "show", classmethod(refuse_error))


class DialogAnswers:
    """Replaces dialogs' ``ask`` with canned answers and records what was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self._monkeypatch = monkeypatch
        self.calls: dict[str, list[tuple[Any, ...]]] = {}

    def __call__(self, cls: type, *answers: Any, method: str = "ask") -> list[tuple[Any, ...]]:
        calls: list[tuple[Any, ...]] = self.calls.setdefault(cls.__name__, [])
        queue = list(answers)

        def answer(_cls: type, *args: Any, **kwargs: Any) -> Any:
            calls.append(args[1:])
            if not queue:
                pytest.fail(f"{cls.__name__}.{method} asked more often than expected: {args[1:]!r}")
            return queue.pop(0)

        self._monkeypatch.setattr(cls, method, classmethod(answer))
        return calls


@pytest.fixture
def answer_dialog(monkeypatch: pytest.MonkeyPatch) -> DialogAnswers:
    return DialogAnswers(monkeypatch)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def keyring_backend(tmp_path: Path) -> PlaintextKeyring:
    backend = PlaintextKeyring()
    backend.file_path = str(tmp_path / "test-keyring.cfg")
    return backend


@pytest.fixture
def secrets(keyring_backend: PlaintextKeyring) -> SecretStore:
    return SecretStore(keyring_backend)


@pytest.fixture
def state_store(tmp_path: Path) -> WindowStateStore:
    return WindowStateStore(tmp_path / "config" / "window.ini")


@pytest.fixture
def repo(data_dir: Path) -> Iterator[ServerRepository]:
    """A second connection to the window's database (the test's own, or "another instance")."""
    repository = ServerRepository.open(data_dir)
    yield repository
    repository.close()


def smtp(name: str, **changes: Any) -> ServerSettings:
    values: dict[str, Any] = {
        "name": name,
        "server": f"{name.lower().replace(' ', '-')}.example.com",
        "outgoing_email_id": f"{name.lower().replace(' ', '.')}@example.com",
    }
    values.update(changes)
    return new_server("smtp", **values)


def mapi(name: str, **changes: Any) -> ServerSettings:
    values: dict[str, Any] = {"name": name, "outgoing_email_id": "legacy@example.com"}
    values.update(changes)
    return new_server("mapi", **values)


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def make_window(qtbot: QtBot, data_dir: Path, secrets: SecretStore, state_store: WindowStateStore) -> WindowFactory:
    """Build, register and show the real window (via build_main_window) for ``data_dir`` (or a ``shared`` store)."""

    def make(
        *,
        analyst: str | None = None,
        secret_store: SecretStore | None = None,
        show: bool = True,
        shared: SharedStore | None = None,
    ) -> MainWindow:
        from outmail_gui.app import build_main_window

        window = build_main_window(
            data_dir, shared=shared, analyst=analyst, secrets=secret_store or secrets, state_store=state_store
        )
        qtbot.addWidget(window, before_close_func=_discard_edits)
        if show:
            with qtbot.waitExposed(window):
                window.show()
            with qtbot.waitActive(window):
                window.activateWindow()
        return window

    return make


def _discard_edits(window: Any) -> None:
    """At teardown, leave without the unsaved-changes question (tests check it on purpose elsewhere)."""
    if isinstance(window, MainWindow):
        window.shut_down()


@pytest.fixture
def handler() -> RecordingHandler:
    return RecordingHandler({USER: PASSWORD})


@pytest.fixture
def tls_material(tmp_path: Path) -> TlsMaterial:
    return make_tls(tmp_path / "tls")


@pytest.fixture
def smtp_server(handler: RecordingHandler) -> Iterator[Callable[..., RunningSmtpServer]]:
    """``smtp_server(tls=None, mode="none", ...)``: aiosmtpd servers on loopback, all stopped at teardown."""
    with contextlib.ExitStack() as stack:

        def start(tls: TlsMaterial | None = None, mode: str = "none", **kwargs: Any) -> RunningSmtpServer:
            return stack.enter_context(aiosmtpd_server(handler, tls, mode=mode, **kwargs))

        yield start
