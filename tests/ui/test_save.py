"""Saving through the window: inline validation, exclusive default, SSL for Exchange 365, auth logic."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from outmail_gui.domain.settings import AuthMethod
from outmail_gui.store.repository import ServerRepository
from outmail_gui.ui.window.server_table_model import Column
from tests.ui.conftest import WindowFactory, smtp
from tests.ui.helpers import (
    action,
    cell,
    checkbox,
    child,
    click,
    click_row,
    click_toolbar,
    line,
    replace_text,
    shortcut,
    spin,
    status_text,
)


def _message(window: object, field: str) -> str:
    from outmail_gui.ui.window.main_window import MainWindow

    assert isinstance(window, MainWindow)
    label = child(window.details.form(), QLabel, f"{field}_message")
    return label.text() if label.isVisible() else ""


def test_new_server_typed_and_saved_appears_in_the_list(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    window = make_window()
    shortcut(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    save = action(window, "save")
    assert not save.isEnabled()  # the name, server and From address are missing
    replace_text(qtbot, line(window, "name"), "Relay")
    replace_text(qtbot, line(window, "server"), "smtp.example.com")
    assert not save.isEnabled()
    replace_text(qtbot, line(window, "outgoing_email_id"), "it@example.com")
    assert save.isEnabled()
    assert window.details.save_button is not None and window.details.save_button.isEnabled()
    shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = repo.find_by_name("Relay")
    assert saved is not None and saved.port == 25 and saved.use_ssl and saved.connection_timeout_s == 120
    assert cell(window, "Relay", Column.SERVER) == "smtp.example.com"
    assert window.selected_id() == saved.id
    assert window.details.title() == "SMTP server: Relay"
    assert status_text(window) == "Saved Relay."
    assert not save.isEnabled()  # nothing left to save


def test_validation_is_inline_and_a_save_attempt_focuses_the_first_invalid_field(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Relay"))
    repo.save(smtp("Spare"))
    window = make_window()
    click_row(qtbot, window, "Spare")
    replace_text(qtbot, line(window, "name"), "relay ")  # a duplicate, compared trimmed and case-insensitively
    replace_text(qtbot, line(window, "outgoing_email_id"), "not an address")
    assert "must be unique" in _message(window, "name")
    assert _message(window, "outgoing_email_id")
    assert not action(window, "save").isEnabled()
    assert "Fix the fields marked as invalid" in action(window, "save").toolTip()

    line(window, "server").setFocus()
    shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is line(window, "name")
    assert status_text(window).startswith("Not saved: The name must be unique")
    spare = repo.find_by_name("Spare")
    assert spare is not None and spare.revision == 1


def test_exchange_365_refuses_to_save_without_ssl(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Office", server="smtp.office365.com", port=587))
    window = make_window()
    click_row(qtbot, window, "Office")
    assert "Exchange 365" in _message(window, "use_ssl")  # explained while it is on
    click(qtbot, checkbox(window, "use_ssl"))
    assert not checkbox(window, "use_ssl").isChecked()
    assert "must be selected" in _message(window, "use_ssl")
    assert not action(window, "save").isEnabled()
    shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is checkbox(window, "use_ssl")
    office = repo.find_by_name("Office")
    assert office is not None and office.use_ssl


def test_exclusive_default_names_the_replaced_server_and_the_list_follows(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Relay", is_default=True))
    repo.save(smtp("Spare"))
    window = make_window()
    assert cell(window, "Relay", Column.DEFAULT) == "Default"
    click_row(qtbot, window, "Spare")
    click(qtbot, checkbox(window, "is_default"))
    assert "instead of 'Relay'" in _message(window, "is_default")
    assert "instead of Relay" in status_text(window)
    click_toolbar(qtbot, window, "save")
    assert cell(window, "Spare", Column.DEFAULT) == "Default"
    assert cell(window, "Relay", Column.DEFAULT) == ""
    relay, spare = repo.find_by_name("Relay"), repo.find_by_name("Spare")
    assert relay is not None and not relay.is_default
    assert spare is not None and spare.is_default


def test_auth_checkboxes_through_the_window(qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository) -> None:
    repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    auto = checkbox(window, "auth_auto")
    login = checkbox(window, AuthMethod.LOGIN.field_name)
    assert auto.isChecked() and not login.isEnabled()
    click(qtbot, auto)
    assert login.isEnabled()
    notice = child(window.details.form(), QLabel, "no_auth_notice")
    assert notice.isVisible() and "No authentication will be used" in notice.text()
    click(qtbot, login)
    assert not notice.isVisible()
    click_toolbar(qtbot, window, "save")
    relay = repo.find_by_name("Relay")
    assert relay is not None and not relay.auth_auto and relay.auth_methods == {AuthMethod.LOGIN}


def test_save_button_beside_the_form_saves(qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository) -> None:
    repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    replace_text(qtbot, line(window, "login_id"), "mailer")
    assert window.details.title() == "SMTP server: Relay — unsaved changes"
    assert window.details.save_button is not None
    click(qtbot, window.details.save_button)
    relay = repo.find_by_name("Relay")
    assert relay is not None and relay.login_id == "mailer"
    assert window.details.title() == "SMTP server: Relay"


def test_the_not_saved_status_goes_once_the_fields_are_fixed(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Main relay"))
    repo.save(smtp("Spare"))
    window = make_window()
    click_row(qtbot, window, "Spare")
    replace_text(qtbot, line(window, "name"), "Main relay")
    shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert status_text(window) == "Not saved: The name must be unique: 'Main relay' already exists."

    replace_text(qtbot, line(window, "name"), "Backup relay")

    assert "must be unique" not in status_text(window)
    assert status_text(window) == "Fixed: the server can be saved now (Ctrl+S)."
    assert action(window, "save").isEnabled()


def test_a_new_server_shows_no_errors_until_a_save_attempt(qtbot: QtBot, make_window: WindowFactory) -> None:
    window = make_window()
    shortcut(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert _message(window, "name") == ""  # not greeted by "Enter a name" before typing anything
    assert _message(window, "server") == ""
    assert not action(window, "save").isEnabled()

    shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)  # a save attempt

    assert _message(window, "name") == "Enter a name for this email server."
    assert _message(window, "server")
    assert QApplication.focusWidget() is line(window, "name")
    assert status_text(window) == "Not saved: Enter a name for this email server."


def test_a_port_above_65535_is_reported_and_save_stays_off(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository
) -> None:
    repo.save(smtp("Relay"))
    window = make_window()
    click_row(qtbot, window, "Relay")
    port = spin(window, "port")
    port.setFocus()
    qtbot.keyClick(port, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(port, "70000")
    qtbot.keyClick(port, Qt.Key.Key_Tab)

    assert port.value() == 70000
    assert _message(window, "port") == "Port Number must be between 1 and 65535."
    assert not action(window, "save").isEnabled()
