"""Passwords on a shared store stay on each workstation: the form says when this one has none, a
test asks for it once ("Remember on this workstation" keeps it in the keyring), and the history view
lists every workstation's results with who ran them where (a real PostgreSQL, a real aiosmtpd)."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QLabel, QLineEdit, QPushButton, QTableWidget
from pytestqt.qtbot import QtBot

from outmail_gui.store.history import HistoryStore, Outcome
from outmail_gui.store.location import SharedStore
from outmail_gui.store.postgres.repository import SharedRepository
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import NOT_ON_THIS_WORKSTATION, SecretStore
from outmail_gui.ui.connection_test.insecure_auth_dialog import InsecureAuthDialog
from outmail_gui.ui.connection_test.workstation_password_dialog import TypedPassword, WorkstationPasswordDialog
from outmail_gui.ui.window.main_window import MainWindow
from tests.support.postgres import PostgresServer
from tests.support.smtp_servers import RunningSmtpServer
from tests.ui.conftest import DialogAnswers, WindowFactory
from tests.ui.connection_helpers import PASSWORD, USER, open_server, panel, plain_record, wait_idle
from tests.ui.helpers import child, click, table_item

NO_NTLM = ("NTLM", "MSN", "XOAUTH2")


@pytest.fixture
def boss(postgres_server: PostgresServer, shared_store: SharedStore, shared_database: str) -> SharedStore:
    postgres_server.create_login("outmail_p_boss", "boss-pass", "outmail_admin")
    return SharedStore(postgres_server.url(shared_database, "outmail_p_boss", "boss-pass"))


def password_line(window: MainWindow) -> QLineEdit:
    return child(window.details.form(), QLineEdit, "password")


def run_test(qtbot: QtBot, window: MainWindow) -> bool:
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000) as finished:
        window.testing.test_current()
    return bool(finished.args and finished.args[0].ok)


def test_a_test_asks_once_for_a_password_this_workstation_lacks_and_remembers_it_only_if_ticked(
    qtbot: QtBot,
    make_window: WindowFactory,
    boss: SharedStore,
    shared_store: SharedStore,
    secrets: SecretStore,
    smtp_server: Callable[..., RunningSmtpServer],
    answer_dialog: DialogAnswers,
) -> None:
    server = smtp_server(auth_require_tls=False, exclude=NO_NTLM)
    with SharedRepository.open(shared_store) as owner:
        record = owner.save(plain_record("Relay", server.port, login_id=USER, auth_auto=True))
    window = make_window(shared=boss)
    open_server(window, record)
    assert password_line(window).placeholderText() == NOT_ON_THIS_WORKSTATION
    asked = answer_dialog(WorkstationPasswordDialog, TypedPassword(PASSWORD, False), TypedPassword(PASSWORD, True))
    answer_dialog(InsecureAuthDialog, True, True, True)

    assert run_test(qtbot, window)
    assert secrets.get_password(record.id) is None  # used once, not kept
    assert password_line(window).placeholderText() == NOT_ON_THIS_WORKSTATION
    assert run_test(qtbot, window)  # asked again, and this time remembered
    assert secrets.get_password(record.id) == PASSWORD
    assert password_line(window).placeholderText().endswith("on this workstation — type to replace")
    assert not window.session.is_dirty()
    assert run_test(qtbot, window)  # the keyring's password now: not asked
    assert asked == [("Relay", USER), ("Relay", USER)]

    click(qtbot, panel(window).history_button)
    history = child(window, QDialog, "test_history_dialog")
    table = child(history, QTableWidget, "test_history_table")
    headers = [table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(table.columnCount())]
    assert headers == ["When", "Result", "Failed step", "Duration", "By", "Workstation", "Summary"]
    assert [(table_item(table, r, 4).text(), table_item(table, r, 5).text()) for r in range(3)] == [
        ("outmail_p_boss", socket.gethostname())
    ] * 3
    assert "from every workstation" in child(history, QLabel, "test_history_caption").text()
    history.close()
    wait_idle(qtbot, window)


def test_cancelling_the_question_starts_no_test(
    qtbot: QtBot,
    make_window: WindowFactory,
    boss: SharedStore,
    shared_store: SharedStore,
    answer_dialog: DialogAnswers,
) -> None:
    with SharedRepository.open(shared_store) as owner:
        record = owner.save(plain_record("Relay", 25, login_id=USER, auth_auto=True))
    window = make_window(shared=boss)
    open_server(window, record)
    answer_dialog(WorkstationPasswordDialog, None)
    window.testing.test_current()
    assert not window.testing.is_busy()
    assert window.statusBar().currentMessage() == "The test of Relay did not start: no password was typed."


def test_the_local_store_keeps_its_wording(make_window: WindowFactory, repo: ServerRepository) -> None:
    record = repo.save(plain_record("Local relay", 25, login_id=USER))
    window = make_window()
    open_server(window, record)
    assert password_line(window).placeholderText() == "Not stored yet — type a password"


def test_the_dialog_tests_only_with_a_typed_password_and_remembers_only_when_ticked(
    qtbot: QtBot, tmp_path: Path
) -> None:
    dialog = WorkstationPasswordDialog("Head office", "svc-mail")
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    test = child(dialog, QPushButton, "workstation_password_test")
    remember = child(dialog, QCheckBox, "workstation_password_remember")
    assert not test.isEnabled() and not remember.isChecked()
    assert remember.text().replace("&", "") == "Remember on this workstation"
    line = child(dialog, QLineEdit, "workstation_password")
    assert line.echoMode() == QLineEdit.EchoMode.Password
    qtbot.keyClicks(line, "s3cret")
    assert test.isEnabled()
    text = child(dialog, QLabel, "workstation_password_text").text()
    assert "Head office" in text and "svc-mail" in text and "s3cret" not in text
    dialog.grab().save(str(tmp_path / "workstation_password_dialog.png"))
    remember.setChecked(True)
    assert dialog.answer() == TypedPassword("s3cret", True)
    assert "s3cret" not in repr(dialog.answer())
    dialog.close()


def test_test_all_says_which_servers_this_workstation_has_no_password_for(
    qtbot: QtBot,
    make_window: WindowFactory,
    boss: SharedStore,
    shared_store: SharedStore,
    secrets: SecretStore,
    smtp_server: Callable[..., RunningSmtpServer],
) -> None:
    server = smtp_server(auth_require_tls=False, exclude=NO_NTLM)
    with SharedRepository.open(shared_store) as owner:
        here = owner.save(plain_record("Known here", server.port, login_id=USER, auth_auto=True))
        elsewhere = owner.save(plain_record("Known elsewhere", server.port, login_id=USER, auth_auto=True))
        open_relay = owner.save(plain_record("Open relay", server.port))
    secrets.set_password(here.id, PASSWORD)
    window = make_window(shared=boss)
    with qtbot.waitSignal(window.testing.batch_finished, timeout=15000):
        window.testing.test_all()
    with SharedRepository.open(shared_store) as repo:
        latest = HistoryStore.of(repo).latest()
    assert latest[open_relay.id].outcome is Outcome.PASSED
    missing = latest[elsewhere.id]
    assert (missing.outcome, missing.failed_step) == (Outcome.FAILED, "keyring")
    assert missing.summary.startswith("No password stored on this workstation: test this server on its own")
    # the one with a password here logged in (insecure AUTH is not allowed in Test all: it stops before sending)
    assert latest[here.id].failed_step != "keyring"
