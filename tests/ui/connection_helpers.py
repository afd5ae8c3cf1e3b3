"""Shared by the connection-test GUI tests: loopback ports, records and window helpers.

The fixtures (``smtp_server``, ``handler``, ``tls_material``) live in tests/ui/conftest.py.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from typing import Any

from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

from outmail_gui.domain.settings import ServerSettings, new_server
from outmail_gui.probe.report import CertInfo, ProbeReport, Step
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.connection_test import panel as test_panel
from outmail_gui.ui.connection_test.panel import COL_RESULT, COL_STEP
from outmail_gui.ui.window.main_window import MainWindow
from tests.ui.helpers import child, tree_item

USER = "helpdesk"
PASSWORD = "pässword-42"


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
    """Test connection on the details' Test tab, opened as a user would."""
    window.details.show_test()
    return child(window, QPushButton, "test_connection_button")


def send_button(window: MainWindow) -> QPushButton:
    """Send test message… on the details' Test tab, opened as a user would."""
    window.details.show_test()
    return panel(window).send_button


def panel(window: MainWindow) -> test_panel.ConnectionTestPanel:
    return child(window, test_panel.ConnectionTestPanel, "connection_test_panel")


def step_rows(window: MainWindow) -> list[tuple[str, str]]:
    """The step panel's rows as (step, result)."""
    tree = panel(window).steps
    return [
        (tree_item(tree, i).text(COL_STEP), tree_item(tree, i).text(COL_RESULT))
        for i in range(tree.topLevelItemCount())
    ]


def failed_step(report: ProbeReport) -> Step:
    step = report.failed_step
    assert step is not None, f"the test passed: {report.to_json()}"
    return step


def certificate(report: ProbeReport) -> CertInfo:
    assert report.tls is not None and report.tls.certificate is not None, f"no certificate: {report.to_json()}"
    return report.tls.certificate


def wait_idle(qtbot: QtBot, window: MainWindow, timeout: int = 8000) -> None:
    """Wait until no test of the window runs any more (thread ended)."""
    qtbot.waitUntil(lambda: not window.testing.is_busy(), timeout=timeout)
