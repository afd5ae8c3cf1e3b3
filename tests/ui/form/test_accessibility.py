"""Names, labels, mnemonics, explanations and tab order: the form is usable without a mouse."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QLabel, QWidget
from pytestqt.qtbot import QtBot

from outmail_gui.domain.fields import field_info
from outmail_gui.domain.settings import AUTH_METHODS_DISPLAY_ORDER, AuthMethod, Protocol, fields_for, new_server
from outmail_gui.ui.form import ServerFormWidget
from tests.ui.form.helpers import child, focused, load, valid_smtp
from tests.ui.helpers import click

INPUT_NAMES = {p: [n for n in fields_for(p) if n != "auth_methods"] for p in Protocol}
MENU_KEYS = {"f", "e", "s", "v", "t", "h"}  # the main window's File, Edit, Server, View, Test and Help menus


def mnemonic(text: str) -> str | None:
    index = text.replace("&&", "").find("&")
    return text.replace("&&", "")[index + 1].casefold() if index >= 0 else None


@pytest.mark.parametrize("protocol", list(Protocol))
def test_every_input_has_its_object_name_accessible_name_and_explanation(
    form: ServerFormWidget, protocol: Protocol
) -> None:
    load(form, new_server(protocol), partitions_visible=True)

    for name in INPUT_NAMES[protocol]:
        widget = child(form, QWidget, name)
        info = field_info(protocol, name)
        assert widget.accessibleName() == info.label, name
        assert widget.toolTip() == info.help, name
        assert widget.whatsThis() == info.help, name


def test_auth_methods_have_object_names_names_and_explanations(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.SMTP))

    for method in AUTH_METHODS_DISPLAY_ORDER:
        box = child(form, QCheckBox, method.field_name)
        assert box.accessibleName() == method.label
        assert field_info(Protocol.SMTP, "auth_methods").help in box.toolTip()
        assert box.whatsThis() == box.toolTip()


@pytest.mark.parametrize("protocol", list(Protocol))
def test_labels_have_buddies_and_mnemonics_are_unique(form: ServerFormWidget, protocol: Protocol) -> None:
    load(form, new_server(protocol), partitions_visible=True)
    labels = [label for label in form.findChildren(QLabel) if label.buddy() is not None]
    buttons = form.findChildren(QAbstractButton)

    buddies = {label.buddy().objectName() for label in labels}
    checkboxes = {b.objectName() for b in buttons if isinstance(b, QCheckBox)}
    for name in INPUT_NAMES[protocol]:
        assert name in buddies or name in checkboxes, f"{name} has no label"
    # Protocol is read-only and out of the Tab chain: its label needs no key; every other label does.
    keyed = [label for label in labels if label.buddy().objectName() != "protocol"]
    assert all(mnemonic(label.text()) for label in keyed), [label.text() for label in keyed]
    assert mnemonic(next(lb for lb in labels if lb.buddy().objectName() == "protocol").text()) is None
    # A checkbox takes a key of its own text or none: never an added digit ("MSN (1)").
    for box in (b for b in buttons if isinstance(b, QCheckBox)):
        key = mnemonic(box.text())
        assert key is None or key in box.text().replace("&", "").casefold(), box.text()
        assert not re.search(r"\(&\d\)", box.text()), box.text()
    visible_buttons = [b for b in buttons if b.isVisibleTo(form)]
    keyed_widgets: list[QLabel | QAbstractButton] = [*labels, *visible_buttons]
    keys = [key for w in keyed_widgets if (key := mnemonic(w.text()))]
    assert len(keys) == len(set(keys)), keys
    assert not set(keys) & MENU_KEYS, sorted(set(keys) & MENU_KEYS)
    assert "password_visibility" in {b.objectName() for b in buttons}


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("use_ssl", "Use SSL"),
        ("chunking", "Enable chunking"),
        ("auth_auto", "Automatically select Authentication Method"),
        ("auth_method_gssapi", "GSS (Kerberos)"),
    ],
)
def test_a_checkbox_mnemonic_toggles_it(form: ServerFormWidget, qtbot: QtBot, name: str, text: str) -> None:
    load(form, valid_smtp())
    if name.startswith("auth_method_"):
        click(qtbot, child(form, QCheckBox, "auth_auto"))  # unlock the methods
    box = child(form, QCheckBox, name)
    key = mnemonic(box.text())
    assert key is not None, box.text()
    assert box.text().replace("&", "").startswith(text)
    before = box.isChecked()

    qtbot.keyClick(focused() or form, Qt.Key(ord(key.upper())), Qt.KeyboardModifier.AltModifier)

    qtbot.waitUntil(lambda: box.isChecked() is not before)  # a mnemonic "animates" the click


def test_a_label_mnemonic_focuses_its_field(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp())
    server = child(form, QWidget, "server")
    label = next(lb for lb in form.findChildren(QLabel) if lb.buddy() is server)
    key = mnemonic(label.text())
    assert key is not None

    qtbot.keyClick(focused() or form, Qt.Key(ord(key.upper())), Qt.KeyboardModifier.AltModifier)

    assert focused() is server


def tab_sequence(start: QWidget, qtbot: QtBot, steps: int) -> list[str]:
    start.setFocus()
    names = [start.objectName()]
    for _ in range(steps):
        current = focused()
        assert current is not None
        qtbot.keyClick(current, Qt.Key.Key_Tab)
        names.append((focused() or start).objectName())
    return names


def test_tab_order_follows_the_visual_order_smtp(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(), partitions_visible=True, allowed_partitions=["EU"])
    click(qtbot, child(form, QCheckBox, "auth_auto"))  # unlock the methods so they join the chain
    expected = [
        "name",
        "server",  # Protocol is read-only: Tab passes it by
        "discover_settings",  # beside Server
        "port",
        "active",
        "use_ssl",
        "connection_timeout_s",
        "login_id",
        "password",
        "password_visibility",
        "auth_auto",
        # OAuth 2.0 is one concept, Use OAuth 2.0 Authentication: its method has no box of its own
        *(m.field_name for m in AUTH_METHODS_DISPLAY_ORDER if m is not AuthMethod.XOAUTH2),
        "oauth_enabled",
        "pager_encoding",
        "send_receipt",
        "chunking",
        "outgoing_email_id",
        "sent_from_analyst",
        "reply_to_forwarding_analyst",
        "is_default",
        "partition",
    ]

    names = tab_sequence(child(form, QWidget, "name"), qtbot, len(expected) - 1)

    assert names == expected
    tops = [child(form, QWidget, n).mapTo(form, child(form, QWidget, n).rect().topLeft()).y() for n in names]
    assert tops == sorted(tops)


def test_tab_order_follows_the_visual_order_mapi(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, new_server(Protocol.MAPI, name="Old"))  # partitions hidden: partition is skipped
    expected = [
        "convert_to_smtp",
        "name",
        "server",
        "port",
        "active",
        "login_id",
        "password",
        "password_visibility",
        "use_nt_authentication",
        "send_receipt",
        "outgoing_email_id",
        "sent_from_analyst",
        "reply_to_forwarding_analyst",
        "is_default",
        "convert_to_smtp",
    ]

    assert tab_sequence(child(form, QWidget, "convert_to_smtp"), qtbot, len(expected) - 1) == expected


@pytest.mark.parametrize(
    ("protocol", "names"),
    [
        (Protocol.SMTP, ("no_auth_notice", "pager_preview", "keyring_message", "password_visibility", "mapi_banner")),
        (Protocol.MAPI, ("mapi_banner", "convert_to_smtp", "keyring_message", "password_visibility")),
    ],
)
def test_the_contract_object_names_exist(form: ServerFormWidget, protocol: Protocol, names: tuple[str, ...]) -> None:
    load(form, new_server(protocol), read_only_reason="Read only.")

    assert form.objectName() == "server_form"
    for name in (*names, "read_only_banner"):
        child(form, QWidget, name)
    for name in fields_for(protocol):
        if name != "auth_methods":
            child(form, QWidget, f"{name}_message")
