"""Adding servers: close the details first, the protocols' documented defaults, MAPI's precondition."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QWidget
from pytestqt.qtbot import QtBot

from outmail_gui.domain.addresses import host_problem
from outmail_gui.domain.rules import MAPI_NEEDS_MAIL_SERVER
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.window.mapi_mail_server_dialog import MapiMailServerDialog
from tests.ui.conftest import DialogAnswers, WindowFactory, smtp
from tests.ui.helpers import (
    action,
    checkbox,
    child,
    click_row,
    click_toolbar,
    line,
    replace_spin,
    replace_text,
    shortcut,
    spin,
    status_text,
    toolbar_button,
)

CLOSE_FIRST = "Close the details of Relay before adding a new server (Esc)."


def test_new_is_disabled_while_details_are_displayed_and_says_why(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Relay"))
    window = make_window()
    new_smtp = action(window, "new_smtp_server")
    assert new_smtp.isEnabled()

    click_row(qtbot, window, "Relay")
    assert window.details.is_showing_details()
    assert not new_smtp.isEnabled()
    assert not action(window, "new_mapi_server").isEnabled()
    assert new_smtp.toolTip() == CLOSE_FIRST
    assert toolbar_button(window, "new_smtp_server").toolTip() == CLOSE_FIRST
    assert action(window, "new_mapi_server").toolTip() == CLOSE_FIRST
    assert status_text(window) != CLOSE_FIRST  # not said while the user only looks at a server

    # Ctrl+N does not add a server; it repeats the reason in the status bar.
    window.statusBar().clearMessage()
    shortcut(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert status_text(window) == CLOSE_FIRST
    assert window.details.title() == "SMTP server: Relay"

    # Esc closes the details; New is available again.
    shortcut(qtbot, window, Qt.Key.Key_Escape)
    assert not window.details.is_showing_details()
    assert new_smtp.isEnabled()
    assert new_smtp.toolTip() == "Add an SMTP outgoing email server (Ctrl+N)"
    assert not window.list_view.selectionModel().hasSelection()


def test_new_smtp_server_starts_from_the_documented_defaults(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    shortcut(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.details.is_showing_details()
    assert line(window, "protocol").text() == "SMTP"
    assert line(window, "protocol").isReadOnly()
    assert spin(window, "port").value() == 25
    assert checkbox(window, "use_ssl").isChecked()
    assert spin(window, "connection_timeout_s").value() == 120
    assert checkbox(window, "auth_auto").isChecked()
    assert checkbox(window, "active").isChecked()
    assert not checkbox(window, "is_default").isChecked()
    assert QApplication.focusWidget() is line(window, "name")
    assert "not saved" in window.details.title()
    # A new server is being displayed: another New waits until it is closed.
    assert not action(window, "new_smtp_server").isEnabled()
    assert "the new SMTP server" in action(window, "new_smtp_server").toolTip()


def test_typing_in_a_field_never_resets_another(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    click_toolbar(qtbot, window, "new_smtp_server")
    replace_spin(qtbot, spin(window, "port"), 587)
    replace_spin(qtbot, spin(window, "connection_timeout_s"), 30)
    replace_text(qtbot, line(window, "name"), "Relay")
    replace_text(qtbot, line(window, "server"), "smtp.example.com")
    replace_text(qtbot, line(window, "outgoing_email_id"), "it@example.com")
    replace_text(qtbot, line(window, "login_id"), "relay-user")
    assert spin(window, "port").value() == 587
    assert spin(window, "connection_timeout_s").value() == 30
    assert line(window, "name").text() == "Relay"
    assert line(window, "server").text() == "smtp.example.com"
    assert checkbox(window, "use_ssl").isChecked()
    assert checkbox(window, "auth_auto").isChecked()
    assert window.details.form().record().port == 587


def test_new_mapi_server_is_disabled_without_a_mapi_mail_server(make_window: WindowFactory) -> None:
    window = make_window()
    new_mapi = action(window, "new_mapi_server")
    assert not new_mapi.isEnabled()
    assert MAPI_NEEDS_MAIL_SERVER in new_mapi.toolTip()
    assert "no longer supported from version 10.5" in new_mapi.toolTip()
    assert toolbar_button(window, "new_mapi_server").toolTip() == new_mapi.toolTip()
    assert "Server › MAPI Mail Server…" in new_mapi.toolTip()  # where to set it, in the window


def test_the_mapi_mail_server_is_set_in_the_window_with_the_cli_rule(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, answer_dialog: DialogAnswers
) -> None:
    window = make_window()
    dialog = MapiMailServerDialog(window, "")
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert not dialog.message.isVisible() and ok.isEnabled()  # no error before anything is typed
    qtbot.keyClicks(dialog.edit, "bad host name")
    assert dialog.message.text() == host_problem("bad host name") and not ok.isEnabled()
    dialog.edit.clear()
    qtbot.keyClicks(dialog.edit, "exchange01.corp.example")
    assert ok.isEnabled() and not dialog.message.text()

    asked = answer_dialog(MapiMailServerDialog, "exchange01.corp.example")
    action(window, "mapi_mail_server").trigger()
    assert asked == [("",)]
    assert repo.mapi_mail_server() == "exchange01.corp.example"
    assert action(window, "new_mapi_server").isEnabled()


def test_new_mapi_server_starts_from_its_own_defaults(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.set_mapi_mail_server("exchange.example.com")
    window = make_window()
    assert action(window, "new_mapi_server").isEnabled()
    click_toolbar(qtbot, window, "new_mapi_server")
    assert line(window, "protocol").text() == "MAPI"
    assert line(window, "server").text() == "localhost"
    assert spin(window, "port").value() == 593
    assert checkbox(window, "use_nt_authentication").isVisible()
    form = window.details.form()
    assert not [box for box in form.findChildren(QWidget, "use_ssl") if box.isVisible()]
    assert child(form, QWidget, "mapi_banner").isVisible()
    assert "legacy" in window.details.title()


def test_mapi_mail_server_configured_elsewhere_is_noticed(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    window = make_window()
    assert not action(window, "new_mapi_server").isEnabled()
    repo.set_mapi_mail_server("exchange.example.com")  # another instance (or the partitions dialog)
    assert window.sync_with_store()
    assert action(window, "new_mapi_server").isEnabled()
