"""Shared by the connection-test GUI tests: real loopback servers, dialog guards, window helpers.

No tests here; the test modules import what they need (fixtures under ``*_fixture`` names,
so the imports do not shadow the test functions' arguments).
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from outmail_gui.domain.settings import ServerSettings, new_server
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.connection_test import insecure_auth_dialog, trust_dialog
from outmail_gui.ui.connection_test import panel as test_panel
from outmail_gui.ui.connection_test import send_dialog as send_test_dialog
from outmail_gui.ui.window.main_window import MainWindow
from tests.support.smtp_servers import RecordingHandler, RunningSmtpServer, TlsMaterial, aiosmtpd_server, make_tls
from tests.ui.helpers import child

USER = "helpdesk"
PASSWORD = "pässword-42"
MY_DIALOGS: tuple[type, ...] = (
    insecure_auth_dialog.InsecureAuthDialog,
    trust_dialog.TrustCertificateDialog,
    send_test_dialog.SendTestDialog,
    test_panel.ReportFileDialog,
)


@pytest.fixture(autouse=True, name="no_real_test_dialogs")
def no_real_test_dialogs_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """The connection-test dialogs are modal too: each ``ask`` must be answered by the test."""
    for cls in MY_DIALOGS:

        def refuse(*args: Any, _name: str = cls.__name__, **kwargs: Any) -> Any:
            pytest.fail(f"unexpected {_name}.ask{args[1:]!r}: replace it with answer_dialog()")

        monkeypatch.setattr(cls, "ask", classmethod(refuse))


@contextlib.contextmanager
def silent_listener() -> Iterator[int]:
    """A port that accepts connections (the kernel completes them) and never says a word."""
    sock = socket.create_server(("127.0.0.1", 0), backlog=64)
    try:
        yield sock.getsockname()[1]
    finally:
        sock.close()


def closed_port() -> int:
    """A loopback port where nothing listens (connection refused)."""
    with socket.create_server(("127.0.0.1", 0)) as sock:
        return int(sock.getsockname()[1])


@pytest.fixture(name="handler")
def handler_fixture() -> RecordingHandler:
    return RecordingHandler({USER: PASSWORD})


@pytest.fixture(name="tls_material")
def tls_material_fixture(tmp_path: Path) -> TlsMaterial:
    return make_tls(tmp_path / "tls")


@pytest.fixture(name="smtp_server")
def smtp_server_fixture(handler: RecordingHandler) -> Iterator[Callable[..., RunningSmtpServer]]:
    """``smtp_server(tls=None, mode="none", ...)``: aiosmtpd servers on loopback, all stopped at teardown."""
    with contextlib.ExitStack() as stack:

        def start(tls: TlsMaterial | None = None, mode: str = "none", **kwargs: Any) -> RunningSmtpServer:
            return stack.enter_context(aiosmtpd_server(handler, tls, mode=mode, **kwargs))

        yield start


def plain_record(name: str, port: int, **changes: Any) -> ServerSettings:
    """An SMTP record for a loopback server without TLS and without login (passes on aiosmtpd)."""
    values: dict[str, Any] = {
        "name": name,
        "server": "127.0.0.1",
        "port": port,
        "use_ssl": False,
        "auth_auto": False,
        "connection_timeout_s": 5,
        "outgoing_email_id": "desk@example.com",
    }
    values.update(changes)
    return new_server("smtp", **values)


def save_all(repo: ServerRepository, *records: ServerSettings) -> list[ServerSettings]:
    return [repo.save(r) for r in records]


def open_server(window: MainWindow, record: ServerSettings) -> None:
    assert window.select_server(record.id)
    window.session.show_server(window.model.find(record.id) or record)


def connect_button(window: MainWindow) -> QPushButton:
    return child(window, QPushButton, "test_connection_button")


def panel(window: MainWindow) -> test_panel.ConnectionTestPanel:
    return child(window, test_panel.ConnectionTestPanel, "connection_test_panel")


def wait_idle(qtbot: QtBot, window: MainWindow, timeout: int = 8000) -> None:
    """Wait until no test of the window runs any more (thread ended)."""
    qtbot.waitUntil(lambda: not window.testing.is_busy(), timeout=timeout)
