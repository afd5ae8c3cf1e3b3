"""The password field: masked, toggled, never showing what is stored; keyring messages keep the text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QToolButton
from pytestqt.qtbot import QtBot

from outmail_gui.domain.rules import Severity
from outmail_gui.domain.settings import Protocol, new_server
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.shared.messages import IssueLabel
from tests.ui.form.helpers import child, focused, load, valid_smtp


def test_password_is_masked_and_empty_with_a_stored_placeholder(form: ServerFormWidget) -> None:
    load(form, valid_smtp(), password_stored=True, keyring_label="GNOME Keyring")

    field = child(form, QLineEdit, "password")
    assert field.echoMode() is QLineEdit.EchoMode.Password
    assert field.text() == ""
    assert field.placeholderText() == "Stored in GNOME Keyring — type to replace"
    assert form.password() is None
    assert child(form, IssueLabel, "keyring_insecure").isHidden()


def test_placeholder_says_when_nothing_is_stored(form: ServerFormWidget) -> None:
    load(form, valid_smtp(), password_stored=False)

    assert "Not stored" in child(form, QLineEdit, "password").placeholderText()


def test_typed_password_is_returned_and_makes_the_form_dirty(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(), password_stored=True)
    with qtbot.waitSignal(form.dirty_changed) as blocker:
        qtbot.keyClicks(child(form, QLineEdit, "password"), "s3cret pass")

    assert blocker.args == [True]
    assert form.password() == "s3cret pass"
    assert form.record() == form.record()  # the password never enters the settings record
    assert "password" not in form.record().to_dict()


def test_emptying_the_field_again_means_untouched(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(), password_stored=True)
    field = child(form, QLineEdit, "password")
    qtbot.keyClicks(field, "x")
    qtbot.keyClick(field, Qt.Key.Key_Backspace)

    assert form.password() is None
    assert not form.is_dirty()


def test_show_hide_toggle_works_from_the_keyboard(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    field = child(form, QLineEdit, "password")
    toggle = child(form, QToolButton, "password_visibility")
    field.setFocus()
    qtbot.keyClicks(field, "hunter2")
    qtbot.keyClick(field, Qt.Key.Key_Tab)
    assert focused() is toggle

    qtbot.keyClick(toggle, Qt.Key.Key_Space)
    assert toggle.isChecked()
    assert field.echoMode() is QLineEdit.EchoMode.Normal
    assert toggle.accessibleName() == "Hide password"

    qtbot.keyClick(toggle, Qt.Key.Key_Space)
    assert field.echoMode() is QLineEdit.EchoMode.Password
    assert field.text() == "hunter2"


def test_keyring_message_keeps_the_typed_password(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    qtbot.keyClicks(child(form, QLineEdit, "password"), "s3cret")

    form.show_keyring_message("The keyring is locked: unlock it and save again.", error=True)

    message = child(form, IssueLabel, "keyring_message")
    assert message.isVisible()
    assert message.text() == "The keyring is locked: unlock it and save again."
    assert message.severity() is Severity.ERROR
    assert child(form, QLineEdit, "password").text() == "s3cret"
    assert form.password() == "s3cret"


def test_keyring_information_is_not_an_error(form: ServerFormWidget) -> None:
    load(form, valid_smtp())
    form.show_keyring_message("Password saved in GNOME Keyring.", error=False)

    assert child(form, IssueLabel, "keyring_message").severity() is Severity.NOTICE


def test_an_insecure_keyring_is_named_next_to_the_password(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.MAPI, name="Old"), keyring_label="PlaintextKeyring (insecure)")

    warning = child(form, IssueLabel, "keyring_insecure")
    assert warning.isVisible()
    assert warning.severity() is Severity.WARNING
    assert "Insecure" in warning.text()
    assert "PlaintextKeyring" in warning.text()
    assert warning.text().casefold().count("insecure") == 1


def test_the_insecure_keyring_warning_says_it_once(form: ServerFormWidget) -> None:
    # The window passes str(BackendInfo): "name (insecure: description)"; the form names it once.
    load(form, valid_smtp(), keyring_label="plain-text file keyring (insecure: plain-text file)")

    warning = child(form, IssueLabel, "keyring_insecure")
    assert warning.isVisible()
    assert warning.text() == (
        "Insecure password storage (plain-text file keyring): a password typed here is saved unencrypted."
    )
    assert "(insecure" not in child(form, QLineEdit, "password").placeholderText()


def test_loading_another_record_forgets_the_typed_password(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    qtbot.keyClicks(child(form, QLineEdit, "password"), "s3cret")
    form.show_keyring_message("Locked.", error=True)

    load(form, valid_smtp(name="Other"))

    assert child(form, QLineEdit, "password").text() == ""
    assert form.password() is None
    assert child(form, IssueLabel, "keyring_message").isHidden()
