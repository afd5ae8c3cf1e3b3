"""Every edit re-runs the rules; each issue shows next to its field with an icon and a sentence."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from outmail_gui.domain.rules import RuleContext, Severity
from outmail_gui.domain.settings import Protocol, new_server
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.shared.messages import ICON_SIZE, IssueLabel
from tests.ui.form.helpers import child, focused, load, select_all_and_type, valid_smtp
from tests.ui.helpers import click


def message(form: ServerFormWidget, field: str) -> IssueLabel:
    return child(form, IssueLabel, f"{field}_message")


def test_an_empty_name_is_reported_once_edited_and_typing_one_clears_it(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(name=""))
    assert message(form, "name").isHidden()  # nothing typed yet: no error greets the user
    assert not form.is_valid()  # ... but Save stays off

    name = child(form, QLineEdit, "name")
    with qtbot.waitSignal(form.validity_changed) as blocker:
        qtbot.keyClicks(name, "R")
    assert blocker.args == [True]
    qtbot.keyClick(name, Qt.Key.Key_Backspace)

    assert message(form, "name").isVisible()
    assert message(form, "name").text() == "Enter a name for this email server."
    assert message(form, "name").severity() is Severity.ERROR
    assert not form.is_valid()

    with qtbot.waitSignal(form.validity_changed) as blocker:
        qtbot.keyClicks(name, "Relay")

    assert blocker.args == [True]
    assert message(form, "name").isHidden()
    assert form.is_valid()


def test_a_new_empty_form_shows_errors_only_after_a_save_attempt(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.SMTP))  # name, server and From address are missing
    labels = [label for label in form.findChildren(IssueLabel) if label.objectName().endswith("_message")]
    assert not [label.objectName() for label in labels if label.isVisible()]
    assert not form.is_valid()
    assert {i.field for i in form.issues() if i.blocks_saving} == {"name", "server", "outgoing_email_id"}

    assert form.focus_first_invalid()  # what the window's Save does with an invalid form

    for field in ("name", "server", "outgoing_email_id"):
        assert message(form, field).isVisible(), field
        assert message(form, field).severity() is Severity.ERROR, field
    assert message(form, "name").text() == "Enter a name for this email server."


def test_a_stored_record_shows_its_errors_at_once(form: ServerFormWidget) -> None:
    load(form, valid_smtp(server="", revision=4))  # e.g. imported or edited elsewhere

    assert message(form, "server").isVisible()
    assert message(form, "server").severity() is Severity.ERROR


def test_notices_and_warnings_show_at_once(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.SMTP, auth_auto=False))
    assert child(form, IssueLabel, "no_auth_notice").isVisible()
    assert child(form, IssueLabel, "no_auth_notice").severity() is Severity.NOTICE
    assert message(form, "name").isHidden()

    load(form, new_server(Protocol.SMTP, server="contoso.mail.protection.outlook.com"))
    assert message(form, "use_ssl").isVisible()  # the Exchange note
    assert message(form, "use_ssl").severity() is Severity.NOTICE


def test_an_edit_shows_the_errors_it_causes_elsewhere(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(outgoing_email_id="", sent_from_analyst=True))
    assert form.is_valid()

    click(qtbot, child(form, QCheckBox, "sent_from_analyst"))  # now the From address is needed

    assert not form.is_valid()
    assert message(form, "outgoing_email_id").isVisible()
    assert "Enter the address for the From field" in message(form, "outgoing_email_id").text()


def test_messages_carry_an_icon_as_well_as_text(form: ServerFormWidget) -> None:
    load(form, valid_smtp(name=""))
    form.focus_first_invalid()
    label = message(form, "name")
    image = label.grab().toImage()
    ratio = image.devicePixelRatio()
    background = image.pixelColor(QPoint(int((ICON_SIZE + 3) * ratio), 1))
    icon_pixels = {
        image.pixelColor(QPoint(int(x * ratio), int(y * ratio))).name()
        for x in range(ICON_SIZE)
        for y in range(min(ICON_SIZE, label.height()))
    }
    assert icon_pixels - {background.name()}, "the icon area is blank"
    assert label.text()
    assert label.accessibleName().startswith("Error: ")


def test_a_duplicate_name_is_reported(form: ServerFormWidget, qtbot: QtBot) -> None:
    others = [new_server(Protocol.SMTP, name="Main Relay")]
    load(form, valid_smtp(name=""), RuleContext(others=others))

    qtbot.keyClicks(child(form, QLineEdit, "name"), " main relay ")

    assert "must be unique" in message(form, "name").text()
    assert not form.is_valid()


def test_set_context_re_runs_the_rules(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    assert form.is_valid()

    with qtbot.waitSignal(form.validity_changed) as blocker:
        form.set_context(RuleContext(others=[new_server(Protocol.SMTP, name="RELAY")]))

    assert blocker.args == [False]
    assert "must be unique" in message(form, "name").text()


def test_an_out_of_range_port_is_shown_as_is_and_reported(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(port=0, revision=1))  # e.g. imported
    port = child(form, QSpinBox, "port")
    assert port.value() == 0
    assert message(form, "port").text() == "Port Number must be between 1 and 65535."

    select_all_and_type(qtbot, port, "587")

    assert form.record().port == 587
    assert message(form, "port").isHidden()
    assert form.is_valid()


def test_an_invalid_email_address_is_reported(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(outgoing_email_id=""))
    assert message(form, "outgoing_email_id").isHidden()
    assert form.focus_first_invalid()
    assert "Enter the address for the From field" in message(form, "outgoing_email_id").text()

    qtbot.keyClicks(child(form, QLineEdit, "outgoing_email_id"), "helpdesk at example.com")
    assert "is not a valid email address" in message(form, "outgoing_email_id").text()

    select_all_and_type(qtbot, child(form, QLineEdit, "outgoing_email_id"), "helpdesk@example.com")
    assert message(form, "outgoing_email_id").isHidden()


def test_sent_from_analyst_makes_the_from_address_optional(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(outgoing_email_id=""))
    assert not form.is_valid()

    click(qtbot, child(form, QCheckBox, "sent_from_analyst"))

    assert message(form, "outgoing_email_id").isHidden()
    assert form.is_valid()


def test_control_characters_pasted_into_a_field_are_reported(form: ServerFormWidget, qtbot: QtBot) -> None:
    # Typing Return never reaches a QLineEdit's text, but a paste does: the user's real path.
    load(form, valid_smtp())
    QGuiApplication.clipboard().setText("smtp\n.example.com")
    server = child(form, QLineEdit, "server")
    server.setFocus()
    qtbot.keyClick(server, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(server, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)

    assert form.record().server == "smtp\n.example.com"
    assert message(form, "server").text() == "Line breaks and other control characters are not allowed here."
    assert not form.is_valid()


def test_focus_first_invalid_follows_the_visual_order(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, new_server(Protocol.SMTP))  # name, server and From address are missing

    assert form.focus_first_invalid()
    assert focused() is child(form, QLineEdit, "name")

    qtbot.keyClicks(child(form, QLineEdit, "name"), "Relay")
    assert form.focus_first_invalid()
    assert focused() is child(form, QLineEdit, "server")

    qtbot.keyClicks(child(form, QLineEdit, "server"), "mail.example.com")
    assert form.focus_first_invalid()
    assert focused() is child(form, QLineEdit, "outgoing_email_id")

    qtbot.keyClicks(child(form, QLineEdit, "outgoing_email_id"), "it@example.com")
    assert not form.focus_first_invalid()


def test_highlight_points_at_a_field_until_cleared(form: ServerFormWidget) -> None:
    load(form, valid_smtp())
    form.highlight_field("password", "The server refused this login (535).")

    assert message(form, "password").isVisible()
    assert message(form, "password").text() == "The server refused this login (535)."
    assert message(form, "password").severity() is Severity.WARNING
    assert form.is_valid()

    form.clear_highlight()
    assert message(form, "password").isHidden()


def test_a_highlight_adds_to_the_fields_own_issue(form: ServerFormWidget) -> None:
    load(form, valid_smtp(name="", revision=1))
    form.highlight_field("name", "Also mentioned by the test.")

    assert message(form, "name").text() == "Enter a name for this email server.\nAlso mentioned by the test."
    assert message(form, "name").severity() is Severity.ERROR


def test_typing_a_port_above_65535_keeps_it_and_reports_it(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    port = child(form, QSpinBox, "port")

    select_all_and_type(qtbot, port, "70000")
    qtbot.keyClick(port, Qt.Key.Key_Tab)  # leave the field: nothing is cut or put back

    assert port.value() == 70000
    assert form.record().port == 70000
    assert message(form, "port").isVisible()
    assert message(form, "port").text() == "Port Number must be between 1 and 65535."
    assert not form.is_valid()


def test_typing_port_0_is_not_put_back_and_is_reported(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    port = child(form, QSpinBox, "port")

    select_all_and_type(qtbot, port, "0")
    qtbot.keyClick(port, Qt.Key.Key_Tab)

    assert port.value() == 0
    assert port.text() == "0"
    assert message(form, "port").text() == "Port Number must be between 1 and 65535."
    assert not form.is_valid()

    select_all_and_type(qtbot, port, "587")
    assert message(form, "port").isHidden()
    assert form.is_valid()


def test_typing_a_timeout_of_0_is_reported(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    timeout = child(form, QSpinBox, "connection_timeout_s")

    select_all_and_type(qtbot, timeout, "0")
    qtbot.keyClick(timeout, Qt.Key.Key_Tab)

    assert form.record().connection_timeout_s == 0
    text = message(form, "connection_timeout_s").text()
    assert text.startswith("Connection Timeout must be a whole number of seconds from 1 to")
    assert not form.is_valid()
