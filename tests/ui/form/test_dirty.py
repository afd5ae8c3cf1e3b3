"""Dirty tracking against the loaded record, and edits that never reset each other."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QSpinBox
from pytestqt.qtbot import QtBot

from outmail_gui.domain.settings import AuthMethod, Protocol, convert_to_smtp, new_server
from outmail_gui.ui.form import ServerFormWidget
from tests.ui.form.helpers import child, load, select_all_and_type, valid_smtp
from tests.ui.helpers import click


def test_editing_and_undoing_toggles_dirty(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    assert not form.is_dirty()
    name = child(form, QLineEdit, "name")

    with qtbot.waitSignal(form.dirty_changed) as blocker:
        qtbot.keyClicks(name, "!")
    assert blocker.args == [True]
    assert form.is_dirty()

    with qtbot.waitSignal(form.dirty_changed) as blocker:
        qtbot.keyClick(name, Qt.Key.Key_Backspace)
    assert blocker.args == [False]

    chunking = child(form, QCheckBox, "chunking")
    click(qtbot, chunking)
    assert form.is_dirty()
    click(qtbot, chunking)
    assert not form.is_dirty()


def test_load_resets_dirty(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    qtbot.keyClicks(child(form, QLineEdit, "name"), "!")

    with qtbot.waitSignal(form.dirty_changed) as blocker:
        load(form, valid_smtp(name="Other"))

    assert blocker.args == [False]
    assert not form.is_dirty()


def test_mark_saved_takes_the_revision_and_keeps_the_password(form: ServerFormWidget, qtbot: QtBot) -> None:
    loaded = valid_smtp()
    load(form, loaded)
    qtbot.keyClicks(child(form, QLineEdit, "name"), " 2")
    qtbot.keyClicks(child(form, QLineEdit, "password"), "s3cret")
    saved = form.record().with_changes(revision=loaded.revision + 1)

    with qtbot.waitSignal(form.dirty_changed) as blocker:
        form.mark_saved(saved)

    assert blocker.args == [False]
    assert form.record() == saved
    assert form.record().revision == 1
    assert form.password() == "s3cret"
    assert child(form, QLineEdit, "password").text() == "s3cret"

    qtbot.keyClicks(child(form, QLineEdit, "server"), "x")
    assert form.is_dirty()


def test_mark_saved_shows_values_the_store_normalised(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    select_all_and_type(qtbot, child(form, QLineEdit, "name"), "  Relay 2  ")

    form.mark_saved(form.record().with_changes(name="Relay 2", revision=1))

    assert child(form, QLineEdit, "name").text() == "Relay 2"
    assert not form.is_dirty()


def test_typing_in_one_field_never_resets_another(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(), partitions_visible=True, allowed_partitions=["EU"])
    click(qtbot, child(form, QCheckBox, "active"))
    click(qtbot, child(form, QCheckBox, "auth_auto"))
    click(qtbot, child(form, QCheckBox, "auth_method_plain"))
    select_all_and_type(qtbot, child(form, QSpinBox, "port"), "587")
    select_all_and_type(qtbot, child(form, QSpinBox, "connection_timeout_s"), "30")
    encoding = child(form, QComboBox, "pager_encoding")
    encoding.setFocus()
    qtbot.keyClick(encoding, Qt.Key.Key_Down)
    partition = child(form, QComboBox, "partition")
    partition.setFocus()
    qtbot.keyClick(partition, Qt.Key.Key_Down)
    qtbot.keyClicks(child(form, QLineEdit, "login_id"), "relay-user")
    qtbot.keyClicks(child(form, QLineEdit, "password"), "pw")
    select_all_and_type(qtbot, child(form, QLineEdit, "server"), "smtp.example.org")
    select_all_and_type(qtbot, child(form, QLineEdit, "name"), "Edited")

    record = form.record()
    assert (record.name, record.server, record.port, record.connection_timeout_s) == (
        "Edited",
        "smtp.example.org",
        587,
        30,
    )
    assert not record.active
    assert not record.auth_auto
    assert record.auth_methods == {AuthMethod.PLAIN}
    assert record.pager_encoding == "us-ascii"
    assert record.partition == "EU"
    assert record.login_id == "relay-user"
    assert form.password() == "pw"
    assert record.outgoing_email_id == "it@example.com"
    assert form.is_valid()


def test_mark_saved_with_another_protocol_shows_the_saved_record(form: ServerFormWidget) -> None:
    mapi = new_server(Protocol.MAPI, name="Old", outgoing_email_id="it@example.com")
    load(form, mapi, partitions_visible=True, allowed_partitions=["EU"])

    converted = convert_to_smtp(mapi).with_changes(revision=1)
    form.mark_saved(converted)

    assert form.record() == converted
    assert child(form, QComboBox, "partition").isVisible()
    assert child(form, QCheckBox, "use_ssl").isChecked()
    assert not form.is_dirty()
