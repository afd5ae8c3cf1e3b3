"""Use SSL for Exchange 365, the default-server replacement notice, and the partition list."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLabel, QLineEdit, QSpinBox, QWidget
from pytestqt.qtbot import QtBot

from outmail_gui.domain.rules import RuleContext, Severity
from outmail_gui.domain.settings import Protocol, new_server
from outmail_gui.probe.request import Security
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.shared.messages import IssueLabel
from tests.ui.form.helpers import child, load, select_all_and_type, valid_smtp
from tests.ui.helpers import click


def test_exchange_365_explains_ssl_as_soon_as_the_host_is_typed(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    ssl_message = child(form, IssueLabel, "use_ssl_message")
    assert ssl_message.isHidden()

    select_all_and_type(qtbot, child(form, QLineEdit, "server"), "smtp.office365.com")

    assert ssl_message.isVisible()
    assert ssl_message.severity() is Severity.NOTICE
    assert "Exchange 365 requires Use SSL" in ssl_message.text()
    assert form.is_valid()


def test_exchange_365_without_ssl_is_invalid(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(server="smtp.office365.com"))

    with qtbot.waitSignal(form.validity_changed) as blocker:
        click(qtbot, child(form, QCheckBox, "use_ssl"))

    assert blocker.args == [False]
    ssl_message = child(form, IssueLabel, "use_ssl_message")
    assert ssl_message.severity() is Severity.ERROR
    assert "must be selected for smtp.office365.com" in ssl_message.text()
    assert form.focus_first_invalid()
    assert child(form, QCheckBox, "use_ssl").hasFocus()

    click(qtbot, child(form, QCheckBox, "use_ssl"))
    assert form.is_valid()


def test_ssl_off_is_fine_for_other_hosts(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    click(qtbot, child(form, QCheckBox, "use_ssl"))

    assert not form.record().use_ssl
    assert child(form, IssueLabel, "use_ssl_message").isHidden()
    assert form.is_valid()


def test_ticking_default_names_the_server_it_replaces(form: ServerFormWidget, qtbot: QtBot) -> None:
    current_default = new_server(Protocol.SMTP, name="Main relay", is_default=True)
    load(form, valid_smtp(), RuleContext(others=[current_default]))
    notice = child(form, IssueLabel, "is_default_message")
    assert notice.isHidden()

    with qtbot.waitSignal(form.default_replacement_changed) as blocker:
        click(qtbot, child(form, QCheckBox, "is_default"))

    assert blocker.args == ["Main relay"]
    assert notice.isVisible()
    assert "'Main relay'" in notice.text()
    assert notice.severity() is Severity.NOTICE
    assert form.is_valid()

    with qtbot.waitSignal(form.default_replacement_changed) as blocker:
        click(qtbot, child(form, QCheckBox, "is_default"))
    assert blocker.args == [""]
    assert notice.isHidden()


def test_ticking_default_with_no_other_default_says_nothing(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(), RuleContext(others=[new_server(Protocol.SMTP, name="Other")]))

    with qtbot.assertNotEmitted(form.default_replacement_changed):
        click(qtbot, child(form, QCheckBox, "is_default"))

    assert child(form, IssueLabel, "is_default_message").isHidden()


def test_partition_is_hidden_when_partitions_are_off(form: ServerFormWidget) -> None:
    load(form, valid_smtp(partition="EU"), partitions_visible=False, allowed_partitions=["EU"])

    combo = child(form, QComboBox, "partition")
    assert not combo.isVisible()
    assert not any(label.isVisible() and label.buddy() is combo for label in form.findChildren(QLabel))
    assert form.record().partition == "EU"


def test_partition_lists_only_allowed_partitions(form: ServerFormWidget) -> None:
    load(form, valid_smtp(), partitions_visible=True, allowed_partitions=["EU", "US"])

    combo = child(form, QComboBox, "partition")
    assert combo.isVisible()
    assert [combo.itemText(i) for i in range(combo.count())] == ["(none)", "EU", "US"]


def test_choosing_a_partition_by_keyboard(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(), partitions_visible=True, allowed_partitions=["EU", "US"])
    combo = child(form, QComboBox, "partition")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)
    qtbot.keyClick(combo, Qt.Key.Key_Down)

    assert form.record().partition == "US"
    assert form.is_dirty()

    qtbot.keyClick(combo, Qt.Key.Key_Home)
    assert form.record().partition is None


def test_a_second_active_server_in_a_partition_is_warned_about(form: ServerFormWidget, qtbot: QtBot) -> None:
    rival = new_server(Protocol.SMTP, name="EU relay", partition="EU", active=True)
    context = RuleContext(others=[rival], partitions_enabled=True, partitions=frozenset({"EU", "US"}))
    load(form, valid_smtp(), context, partitions_visible=True, allowed_partitions=["EU", "US"])
    combo = child(form, QComboBox, "partition")
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Down)  # EU

    warning = child(form, IssueLabel, "partition_message")
    assert warning.isVisible()
    assert warning.severity() is Severity.WARNING
    assert "'EU relay'" in warning.text()
    assert form.is_valid()

    click(qtbot, child(form, QCheckBox, "active"))  # an inactive server competes with no one
    assert warning.isHidden()


def test_a_partition_the_analyst_may_not_use_comes_with_a_read_only_form(form: ServerFormWidget) -> None:
    load(
        form,
        valid_smtp(partition="HR"),
        partitions_visible=True,
        allowed_partitions=["EU"],
        read_only_reason="This server belongs to partition HR, which you cannot use.",
    )

    combo = child(form, QComboBox, "partition")
    assert combo.currentText() == "HR (not available to you)"
    assert not combo.isEnabled()
    assert child(form, QWidget, "read_only_banner").isVisible()
    assert form.record().partition == "HR"


def test_use_ssl_says_which_tls_the_port_gets(form: ServerFormWidget, qtbot: QtBot) -> None:
    """The engine's one rule (implicit TLS on 465, STARTTLS elsewhere), shown beside Use SSL."""
    load(form, valid_smtp(use_ssl=True, port=587))
    message = child(form, QLabel, "tls_mode")
    assert "STARTTLS" in message.text() and "587" in message.text()
    port = child(form, QSpinBox, "port")
    port.setValue(465)
    assert "Implicit TLS" in message.text() and "465" in message.text()
    assert Security.AUTO.resolved(465) is Security.IMPLICIT and Security.AUTO.resolved(587) is Security.STARTTLS
    click(qtbot, child(form, QCheckBox, "use_ssl"))  # off: no TLS, nothing to explain
    assert message.isHidden() and child(form, IssueLabel, "use_ssl_message").isHidden()
