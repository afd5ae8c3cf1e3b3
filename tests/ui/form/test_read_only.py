"""Read-only mode: the reason is shown and nothing can be edited."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QPushButton, QSpinBox
from pytestqt.qtbot import QtBot

from outmail_gui.domain.settings import Protocol, new_server
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.form.banners import Banner
from tests.ui.form.helpers import child, load, valid_smtp
from tests.ui.helpers import click

REASON = "Another administrator is editing this server."


def test_read_only_shows_the_reason_and_refuses_edits(form: ServerFormWidget, qtbot: QtBot) -> None:
    record = valid_smtp(auth_auto=False)
    load(form, record, partitions_visible=True, allowed_partitions=["EU"], read_only_reason=REASON)

    banner = child(form, Banner, "read_only_banner")
    assert banner.isVisible()
    assert banner.text() == REASON

    qtbot.keyClicks(child(form, QLineEdit, "name"), "X")
    qtbot.keyClicks(child(form, QLineEdit, "password"), "secret")
    port = child(form, QSpinBox, "port")
    port.setFocus()
    qtbot.keyClick(port, Qt.Key.Key_Up)
    for name in ("active", "use_ssl", "auth_auto", "auth_method_login", "is_default"):
        box = child(form, QCheckBox, name)
        assert not box.isEnabled(), name
        click(qtbot, box)
    assert not child(form, QComboBox, "pager_encoding").isEnabled()
    assert not child(form, QComboBox, "partition").isEnabled()

    assert form.record() == record
    assert form.password() is None
    assert not form.is_dirty()


def test_read_only_mapi_cannot_be_converted(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.MAPI, name="Old"), read_only_reason=REASON)

    assert not child(form, QPushButton, "convert_to_smtp").isEnabled()


def test_loading_without_a_reason_makes_the_form_editable_again(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(), read_only_reason=REASON)
    load(form, valid_smtp())

    assert child(form, Banner, "read_only_banner").isHidden()
    assert not child(form, QCheckBox, "auth_method_login").isEnabled()  # auto-select still locks it
    qtbot.keyClicks(child(form, QLineEdit, "name"), "X")
    click(qtbot, child(form, QCheckBox, "auth_auto"))
    assert child(form, QCheckBox, "auth_method_login").isEnabled()
    assert form.record().name == "RelayX"


def _base_is_window(widget: QLineEdit | QSpinBox) -> bool:
    palette = widget.palette()
    return palette.color(palette.ColorRole.Base) == palette.color(palette.ColorRole.Window)


def test_protocol_reads_as_a_label_and_tab_passes_it(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    protocol = child(form, QLineEdit, "protocol")

    assert protocol.isReadOnly()
    assert not protocol.hasFrame()
    assert _base_is_window(protocol)  # no white "type here" box
    assert protocol.accessibleName() == "Protocol"
    assert not protocol.focusPolicy() & Qt.FocusPolicy.TabFocus

    name = child(form, QLineEdit, "name")
    name.setFocus()
    qtbot.keyClick(name, Qt.Key.Key_Tab)
    assert form.focusWidget() is child(form, QLineEdit, "server")


def test_read_only_text_fields_look_read_only_until_editable_again(form: ServerFormWidget) -> None:
    load(form, valid_smtp(), read_only_reason=REASON)
    texts = [child(form, QLineEdit, n) for n in ("name", "server", "login_id", "outgoing_email_id", "password")]
    spins = [child(form, QSpinBox, n) for n in ("port", "connection_timeout_s")]

    fields: list[QLineEdit | QSpinBox] = [*texts, *spins]
    for widget in fields:
        assert widget.isReadOnly(), widget.objectName()
        assert _base_is_window(widget), widget.objectName()
        assert widget.property("readOnlyLook") is True, widget.objectName()
    assert all(spin.buttonSymbols() == QSpinBox.ButtonSymbols.NoButtons for spin in spins)

    load(form, valid_smtp())

    for widget in fields:
        assert not widget.isReadOnly(), widget.objectName()
        assert not _base_is_window(widget), widget.objectName()
