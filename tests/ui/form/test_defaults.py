"""New records show the documented defaults; only the record's protocol's fields exist."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QLineEdit, QSpinBox, QWidget

from outmail_gui.domain.settings import SMTP_FIELDS, AuthMethod, Protocol, new_server
from outmail_gui.ui.form import ServerFormWidget
from tests.ui.form.helpers import child, load

SMTP_ONLY = ("use_ssl", "pager_encoding", "auth_auto", "connection_timeout_s", "chunking")


def test_new_smtp_record_shows_the_documented_defaults(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.SMTP), partitions_visible=True, allowed_partitions=["EU"])

    assert child(form, QLineEdit, "protocol").text() == "SMTP"
    assert child(form, QLineEdit, "protocol").isReadOnly()
    assert child(form, QSpinBox, "port").value() == 25
    assert child(form, QSpinBox, "connection_timeout_s").value() == 120
    assert child(form, QSpinBox, "connection_timeout_s").text() == "120"  # the label says "(secs)"
    assert child(form, QCheckBox, "use_ssl").isChecked()
    assert child(form, QCheckBox, "active").isChecked()
    assert child(form, QCheckBox, "auth_auto").isChecked()
    assert not child(form, QCheckBox, "chunking").isChecked()
    assert not child(form, QCheckBox, "is_default").isChecked()
    assert child(form, QComboBox, "pager_encoding").currentText() == "utf-8"
    assert child(form, QComboBox, "partition").currentText() == "(none)"
    assert child(form, QLineEdit, "server").text() == ""
    assert form.findChild(QWidget, "use_nt_authentication") is None


def test_new_mapi_record_shows_its_defaults_and_no_smtp_only_field(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.MAPI))

    assert child(form, QLineEdit, "protocol").text() == "MAPI"
    assert child(form, QLineEdit, "server").text() == "localhost"
    assert child(form, QSpinBox, "port").value() == 593
    assert not child(form, QCheckBox, "use_nt_authentication").isChecked()
    for name in SMTP_ONLY:
        assert form.findChild(QWidget, name) is None, name
    for method in AuthMethod:
        assert form.findChild(QWidget, method.field_name) is None


def test_switching_protocol_leaves_one_widget_per_field(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.SMTP))
    load(form, new_server(Protocol.MAPI))
    load(form, new_server(Protocol.SMTP))

    for name in SMTP_FIELDS:
        if name != "auth_methods":
            child(form, QWidget, name)  # exactly one
    assert form.findChild(QWidget, "use_nt_authentication") is None


def test_fields_are_grouped_in_a_sensible_order(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.SMTP))

    groups = form.findChildren(QGroupBox)
    assert [g.title() for g in sorted(groups, key=lambda g: g.mapTo(form, g.rect().topLeft()).y())] == [
        "Connection",
        "Authentication",
        "Sending",
        "Routing",
    ]
    assert child(form, QGroupBox, "group_connection").isAncestorOf(child(form, QSpinBox, "port"))
    assert child(form, QGroupBox, "group_authentication").isAncestorOf(child(form, QCheckBox, "auth_method_ntlm"))
    assert child(form, QGroupBox, "group_sending").isAncestorOf(child(form, QLineEdit, "outgoing_email_id"))
    assert child(form, QGroupBox, "group_routing").isAncestorOf(child(form, QCheckBox, "is_default"))
