"""Test connection (F5) through the real window, against real loopback SMTP servers."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from outmail_gui.domain.analysts import Analyst
from outmail_gui.probe.report import ProbeReport
from outmail_gui.store.history import HistoryStore, Outcome
from outmail_gui.store.partitions import PartitionAdmin
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.connection_test.panel import COL_DETAIL, ReportFileDialog
from outmail_gui.ui.window.details_panel import SETTINGS_TAB, TEST_TAB
from outmail_gui.ui.window.server_table_model import Column
from tests.support.smtp_servers import RecordingHandler, RunningSmtpServer
from tests.ui.conftest import DialogAnswers, WindowFactory, live_qt_objects
from tests.ui.connection_helpers import (
    closed_port,
    connect_button,
    open_server,
    panel,
    plain_record,
    send_button,
    silent_listener,
    step_rows,
    wait_idle,
)
from tests.ui.helpers import action, child, click, spin, tree_item

SmtpFactory = Callable[..., RunningSmtpServer]


def test_f5_shows_each_step_then_the_result_and_stores_it(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, smtp_server: SmtpFactory
) -> None:
    server = smtp_server()
    record = repo.save(plain_record("Relay", server.port))
    window = make_window()
    open_server(window, record)
    seen: list[tuple[str, str]] = []
    window.testing.panel().steps.model().rowsInserted.connect(lambda *_: seen.append(step_rows(window)[-1]))
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000) as blocker:
        qtbot.keyClick(window, Qt.Key.Key_F5)
    report: ProbeReport = blocker.args[0]
    assert report.ok, report.to_json()
    rows = step_rows(window)
    assert [name for name, _ in rows] == [
        "Name lookup (DNS)",
        "Connection",
        "Server greeting",
        "Server features (EHLO)",
        "Encryption (TLS)",
        "Sign-in (AUTH)",
        "Goodbye (QUIT)",
    ]
    assert [result for _, result in rows] == ["Passed"] * 4 + ["Skipped", "Skipped", "Passed"]
    # Steps appeared one by one while the test ran, a running step first as "Running…".
    assert [name for name, _ in seen] == [name for name, _ in rows]
    assert seen[0] == ("Name lookup (DNS)", "Running…")
    tree = panel(window).steps
    assert "Use SSL is off" in tree_item(tree, 4).text(COL_DETAIL)
    # Plain words for helpdesk staff; the protocol's words for administrators in the tooltip.
    ehlo = tree_item(tree, 3)
    assert ehlo.text(COL_DETAIL).startswith("Server features: no sign-in") and "extension" not in ehlo.text(COL_DETAIL)
    assert "In detail: " in ehlo.toolTip(COL_DETAIL) and "extensions: " in ehlo.toolTip(COL_DETAIL)
    result = child(window, QLabel, "test_result")
    assert result.text().startswith("Passed: Server reachable: no encryption")
    assert not panel(window).busy.isVisible() and not panel(window).cancel_button.isVisible()
    (stored,) = HistoryStore.of(repo).for_server(record.id)
    assert stored.outcome is Outcome.PASSED and stored.failed_step is None and stored.duration_ms >= 0
    cell = window.model.index(window.model.row_of(record.id), Column.LAST_TEST)
    assert str(cell.data()).startswith("Passed · ") and cell.data(Qt.ItemDataRole.DecorationRole) is not None
    wait_idle(qtbot, window)


def test_a_failed_test_explains_and_highlights_the_field(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    port = closed_port()
    record = repo.save(plain_record("Nowhere", port))
    window = make_window()
    open_server(window, record)
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000):
        click(qtbot, connect_button(window))
    assert step_rows(window)[-1] == ("Connection", "Failed")
    headline = child(window, QLabel, "test_result").text()
    assert headline == f"Failed at Connection: Nothing accepts connections on port {port}."  # plain words first
    assert "Connection refused by 127.0.0.1" in tree_item(panel(window).steps, 1).toolTip(COL_DETAIL)
    hint = child(window, QLabel, "test_hint")
    assert hint.isVisible() and hint.text().startswith("What to do: Check Port Number (usually 25, 587 for STARTTLS")
    assert f"and that the mail service runs: nothing accepts connections on port {port}" in hint.text()
    assert '(see <a href="port">Port Number</a>)' in hint.text()
    assert window.details.current_tab() == TEST_TAB  # the test has the details' whole height
    hint.linkActivated.emit("port")  # the link: back to Settings, in the field
    assert window.details.current_tab() == SETTINGS_TAB
    assert QApplication.focusWidget() is child(window.details.form(), QWidget, "port")
    port_message = child(window.details.form(), QLabel, "port_message")
    assert port_message.isVisible() and "nothing accepts connections" in port_message.text()
    (stored,) = HistoryStore.of(repo).for_server(record.id)
    assert stored.outcome is Outcome.FAILED and stored.failed_step == "connect"
    assert (
        window.model.index(window.model.row_of(record.id), Column.LAST_TEST).data().startswith("Failed at Connection")
    )
    # The next test starts with the highlight cleared.
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000):
        window.testing.test_current()
    wait_idle(qtbot, window)


def test_unsaved_form_values_are_tested(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, smtp_server: SmtpFactory
) -> None:
    server = smtp_server()
    record = repo.save(plain_record("Relay", closed_port()))
    window = make_window()
    open_server(window, record)
    spin(window, "port").setValue(server.port)
    assert window.session.is_dirty()
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000) as blocker:
        click(qtbot, connect_button(window))
    assert blocker.args[0].ok and blocker.args[0].port == server.port
    (stored,) = HistoryStore.of(repo).for_server(record.id)
    assert stored.summary.startswith("(unsaved settings)")
    assert window.session.is_dirty() and repo.get(record.id).port != server.port  # nothing saved by testing
    wait_idle(qtbot, window)


def test_cancel_stops_within_a_second_and_says_so(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    with silent_listener() as port:
        record = repo.save(plain_record("Silent", port, connection_timeout_s=60))
        window = make_window()
        open_server(window, record)
        click(qtbot, connect_button(window))
        qtbot.waitUntil(lambda: ("Server greeting", "Running…") in step_rows(window), timeout=5000)
        test_panel = panel(window)
        assert test_panel.busy.isVisible() and test_panel.cancel_button.isVisible()
        assert not connect_button(window).isEnabled() and not action(window, "test_connection").isEnabled()
        started = time.monotonic()
        with qtbot.waitSignal(window.testing.test_finished, timeout=1000) as blocker:
            click(qtbot, test_panel.cancel_button)
        assert time.monotonic() - started < 1.0
        assert blocker.args[0].cancelled
        assert child(window, QLabel, "test_result").text().startswith("Cancelled")
        assert ("Server greeting", "Cancelled") in step_rows(window)  # cancelled, not failed
        wait_idle(qtbot, window, 1000)
    (stored,) = HistoryStore.of(repo).for_server(record.id)
    assert stored.outcome is Outcome.CANCELLED


def test_switching_servers_or_closing_details_cancels_the_test_cleanly(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    with silent_listener() as port:
        first = repo.save(plain_record("Silent one", port, connection_timeout_s=60))
        second = repo.save(plain_record("Silent two", port, connection_timeout_s=60))
        window = make_window()
        finished: list[object] = []
        window.testing.test_finished.connect(finished.append)
        open_server(window, first)
        click(qtbot, connect_button(window))
        qtbot.waitUntil(lambda: ("Server greeting", "Running…") in step_rows(window), timeout=5000)
        started = time.monotonic()
        open_server(window, second)
        assert time.monotonic() - started < 1.0 and not window.testing.is_busy()
        assert step_rows(window) == [] and not panel(window).busy.isVisible()
        click(qtbot, connect_button(window))
        qtbot.waitUntil(lambda: ("Server greeting", "Running…") in step_rows(window), timeout=5000)
        window.window_actions.close_details.trigger()
        assert not window.details.is_showing_details() and not window.testing.is_busy()
        qtbot.wait(300)  # a late signal would arrive now
    assert finished == []
    assert HistoryStore.of(repo).latest() == {}  # abandoned tests are not results


def test_quitting_during_a_test_ends_the_thread(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    with silent_listener() as port:
        record = repo.save(plain_record("Silent", port, connection_timeout_s=60))
        window = make_window()
        open_server(window, record)
        click(qtbot, connect_button(window))
        qtbot.waitUntil(lambda: ("Server greeting", "Running…") in step_rows(window), timeout=5000)
        started = time.monotonic()
        assert window.close()
        assert time.monotonic() - started < 1.0
        assert not window.testing.is_busy()
        _timers, threads = live_qt_objects()
        assert threads == [], "the test's thread still runs after the window closed"
    assert HistoryStore.of(repo).latest() == {}  # an abandoned test is not a result


def test_the_report_is_copied_and_saved_for_a_ticket(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    smtp_server: SmtpFactory,
    answer_dialog: DialogAnswers,
    tmp_path: Path,
) -> None:
    server = smtp_server()
    record = repo.save(plain_record("Relay", server.port))
    window = make_window()
    open_server(window, record)
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000):
        click(qtbot, connect_button(window))
    test_panel = panel(window)
    click(qtbot, test_panel.copy_button)
    copied = QGuiApplication.clipboard().text()
    assert f"Testing SMTP server 127.0.0.1 port {server.port}" in copied
    assert "Result: PASSED" in copied and "Transcript:" in copied and "C: EHLO" in copied
    target = tmp_path / "report.txt"
    calls = answer_dialog(ReportFileDialog, target)
    click(qtbot, test_panel.save_button)
    assert calls and calls[0][0].startswith("outmail-test-127.0.0.1-")
    assert target.read_text(encoding="utf-8") == copied
    click(qtbot, test_panel.details_button)
    assert test_panel.details.isVisible() and "Result: PASSED" in test_panel.details.toPlainText()
    wait_idle(qtbot, window)


def test_send_test_message_asks_the_recipient_and_sends(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    smtp_server: SmtpFactory,
    handler: RecordingHandler,
    answer_dialog: DialogAnswers,
) -> None:
    from outmail_gui.ui.connection_test.send_dialog import SendTestChoice, SendTestDialog

    server = smtp_server()
    record = repo.save(plain_record("Relay", server.port, sent_from_analyst=True))
    PartitionAdmin.of(repo).save_analyst(Analyst("ann", "Ann Lee", "ann@example.com"))
    window = make_window()
    open_server(window, record)
    calls = answer_dialog(SendTestDialog, SendTestChoice("someone@example.com", "analyst@example.com"))
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000) as blocker:
        click(qtbot, send_button(window))
    assert blocker.args[0].ok, blocker.args[0].to_json()
    assert calls[0][0] == "Relay" and calls[0][1] is True  # the analyst's address is needed
    assert calls[0][2] == [("Ann Lee", "ann@example.com")]  # the saved analysts to pick from
    assert ("Test message", "Passed") in step_rows(window)
    (message,) = handler.messages
    assert message["from"] == "analyst@example.com" and message["to"] == ["someone@example.com"]
    wait_idle(qtbot, window)


def test_a_locked_keyring_is_named_and_the_test_does_not_start(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    from outmail_gui.store.secrets import SecretStore
    from tests.support.keyrings import LockedKeyring

    record = repo.save(plain_record("Relay", closed_port(), login_id="helpdesk", use_ssl=True))
    window = make_window(secret_store=SecretStore(LockedKeyring()))
    open_server(window, record)
    click(qtbot, connect_button(window))
    result = child(window, QLabel, "test_result").text()
    assert result.startswith("The stored password could not be read; the test did not start.")
    assert "locked" in result.lower()
    assert not window.testing.is_busy() and HistoryStore.of(repo).latest() == {}


def test_a_mapi_server_is_tested_for_reachability(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    from outmail_gui.domain.settings import new_server
    from tests.support.smtp_servers import ScriptedServer

    repo.set_mapi_mail_server("exchange01.corp.example")
    with ScriptedServer(lambda peer: peer.send(b"ncacn_http/1.0")) as rpc:
        record = repo.save(
            new_server("mapi", name="Legacy", server="127.0.0.1", port=rpc.port, outgoing_email_id="a@example.com")
        )
        window = make_window()
        open_server(window, record)
        assert not panel(window).send_button.isEnabled()  # a MAPI server is only checked for reachability
        with qtbot.waitSignal(window.testing.test_finished, timeout=8000) as blocker:
            qtbot.keyClick(window, Qt.Key.Key_F5)
    assert blocker.args[0].ok, blocker.args[0].to_json()
    assert step_rows(window) == [
        ("Name lookup (DNS)", "Passed"),
        ("Connection", "Passed"),
        ("MAPI greeting (RPC)", "Passed"),
    ]
    wait_idle(qtbot, window)


def test_the_send_dialog_checks_the_addresses(qtbot: QtBot) -> None:
    from outmail_gui.ui.connection_test.send_dialog import SendTestChoice, SendTestDialog

    dialog = SendTestDialog("Relay", True, [("Ann Analyst", "ann@example.com")], "", "", None)
    qtbot.addWidget(dialog)
    problem = child(dialog, QLabel, "send_test_problem")
    assert not dialog.send.isEnabled() and problem.text() == "Enter the recipient."
    dialog.recipient.setText("not an address")
    assert not dialog.send.isEnabled() and "not a valid email address" in problem.text()
    dialog.recipient.setText("someone@example.com")
    assert not dialog.send.isEnabled() and "analyst" in problem.text()
    dialog.analyst.activated.emit(0)  # picked from the list
    assert dialog.send.isEnabled() and problem.text() == ""
    assert dialog.choice() == SendTestChoice("someone@example.com", "ann@example.com")
    unneeded = SendTestDialog("Relay", False, [], "someone@example.com", "", None)
    qtbot.addWidget(unneeded)
    assert unneeded.send.isEnabled() and not unneeded.analyst.isEnabled()
    assert unneeded.choice() == SendTestChoice("someone@example.com", "")
