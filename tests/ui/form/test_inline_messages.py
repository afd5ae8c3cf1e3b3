"""Every edit re-runs the rules; each issue shows next to its field with an icon and a sentence."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from outmail_gui.domain.rules import RuleContext, Severity
from outmail_gui.domain.settings import Protocol, new_server
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.form.messages import ICON_SIZE, IssueLabel
from tests.ui.form.helpers import child, click, focused, load, select_all_and_type, valid_smtp


def message(form: ServerFormWidget, field: str) -> IssueLabel:
    return child(form, IssueLabel, f"{field}_message")


def test_an_empty_name_is_reported_and_typing_one_clears_it(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(name=""))
    assert message(form, "name").isVisible()
    assert message(form, "name").text() == "Enter a name for this email server."
    assert message(form, "name").severity() is Severity.ERROR
    assert not form.is_valid()

    with qtbot.waitSignal(form.validity_changed) as blocker:
        qtbot.keyClicks(child(form, QLineEdit, "name"), "Relay")

    assert blocker.args == [True]
    assert message(form, "name").isHidden()
    assert form.is_valid()


def test_messages_carry_an_icon_as_well_as_text(form: ServerFormWidget) -> None:
    load(form, valid_smtp(name=""))
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
    # Typing cannot leave 1-65535 (the spin box refuses), but an imported record can.
    load(form, valid_smtp(port=0))
    port = child(form, QSpinBox, "port")
    assert port.value() == 0
    assert message(form, "port").text() == "Port Number must be between 1 and 65535."

    select_all_and_type(qtbot, port, "587")

    assert form.record().port == 587
    assert message(form, "port").isHidden()
    assert form.is_valid()


def test_an_invalid_email_address_is_reported(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(outgoing_email_id=""))
    assert "Enter the address for the From field" in message(form, "outgoing_email_id").text()

    qtbot.keyClicks(child(form, QLineEdit, "outgoing_email_id"), "helpdesk at example.com")
    assert "is not a valid e-mail address" in message(form, "outgoing_email_id").text()

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
    load(form, valid_smtp(name=""))
    form.highlight_field("name", "Also mentioned by the test.")

    assert message(form, "name").text() == "Enter a name for this email server.\nAlso mentioned by the test."
    assert message(form, "name").severity() is Severity.ERROR
