"""Mailbox Authentication Methods: auto-select locks the explicit methods; no method = said plainly."""

from __future__ import annotations

import re
import sys

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel
from pytestqt.qtbot import QtBot

from outmail_gui.domain.rules import NO_AUTHENTICATION, Severity
from outmail_gui.domain.settings import AUTH_METHODS_DISPLAY_ORDER, AuthMethod, Protocol, new_server
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.shared.messages import IssueLabel
from tests.ui.form.helpers import child, load, valid_smtp
from tests.ui.helpers import click


def boxes(form: ServerFormWidget) -> list[QCheckBox]:
    return [child(form, QCheckBox, m.field_name) for m in AUTH_METHODS_DISPLAY_ORDER]


def test_methods_are_listed_in_the_documented_order_with_their_labels(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.SMTP))

    # A text without a free letter of its own gets a digit key in brackets, e.g. "MSN (&1)".
    assert [re.sub(r" \(&\d\)$", "", b.text()).replace("&", "") for b in boxes(form)] == [
        "Login",
        "Plain",
        "CRAM-MD5",
        "Digest-MD5",
        "NTLM (SPA)",
        "MSN",
        "GSS (Kerberos)",
        "OAuth 2.0",
    ]
    assert child(form, QCheckBox, "auth_auto").text().replace("&", "") == "Automatically select Authentication Method"


def test_explicit_methods_are_disabled_while_auto_select_is_ticked(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, new_server(Protocol.SMTP))
    auto = child(form, QCheckBox, "auth_auto")
    assert auto.isChecked()
    assert not any(b.isEnabled() for b in boxes(form))

    click(qtbot, auto)
    assert all(b.isEnabled() for b in boxes(form))

    click(qtbot, child(form, QCheckBox, "auth_method_cram_md5"))
    click(qtbot, child(form, QCheckBox, "auth_method_plain"))
    assert form.record().auth_methods == {AuthMethod.CRAM_MD5, AuthMethod.PLAIN}
    assert not form.record().auth_auto
    # OAuth 2.0 is ticked with Use OAuth 2.0 Authentication (one concept), not as a bare method.
    assert not child(form, QCheckBox, "auth_method_xoauth2").isVisible()

    click(qtbot, auto)
    assert not any(b.isEnabled() for b in boxes(form))
    # The ticks stay (locked), so clearing auto-select again gives them back.
    assert form.record().auth_methods == {AuthMethod.CRAM_MD5, AuthMethod.PLAIN}


def test_a_record_with_the_bare_oauth_method_shows_it_to_be_unticked(form: ServerFormWidget, qtbot: QtBot) -> None:
    """Imported or set from the command line without a token: the box shows, so it can be unticked."""
    load(form, valid_smtp(auth_auto=False, auth_methods=frozenset({AuthMethod.XOAUTH2, AuthMethod.LOGIN})))
    box = child(form, QCheckBox, "auth_method_xoauth2")
    assert box.isVisible() and box.isChecked()
    click(qtbot, box)
    assert form.record().auth_methods == {AuthMethod.LOGIN}
    load(form, form.record())  # shown again (saved): the bare method is gone, and so is its box
    assert not child(form, QCheckBox, "auth_method_xoauth2").isVisible()


def test_auto_select_toggles_from_the_keyboard(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, new_server(Protocol.SMTP))
    auto = child(form, QCheckBox, "auth_auto")
    auto.setFocus()
    qtbot.keyClick(auto, Qt.Key.Key_Space)

    assert not auto.isChecked()
    assert child(form, QCheckBox, "auth_method_login").isEnabled()


def test_no_authentication_notice_appears_and_disappears(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, new_server(Protocol.SMTP))
    notice = child(form, IssueLabel, "no_auth_notice")
    assert notice.isHidden()

    click(qtbot, child(form, QCheckBox, "auth_auto"))
    assert notice.isVisible()
    assert notice.text() == NO_AUTHENTICATION
    assert notice.severity() is Severity.NOTICE

    login = child(form, QCheckBox, "auth_method_login")
    click(qtbot, login)
    assert notice.isHidden()
    click(qtbot, login)
    assert notice.isVisible()
    click(qtbot, child(form, QCheckBox, "auth_auto"))
    assert notice.isHidden()


def test_no_authentication_does_not_block_saving(form: ServerFormWidget, qtbot: QtBot) -> None:
    record = new_server(Protocol.SMTP, name="Relay", server="mail.example.com", outgoing_email_id="it@example.com")
    load(form, record)
    assert form.is_valid()

    click(qtbot, child(form, QCheckBox, "auth_auto"))

    assert child(form, QLabel, "no_auth_notice").isVisible()
    assert form.is_valid()


def test_gss_box_explains_when_this_workstation_cannot_use_kerberos(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("gssapi", "krb5"):
        monkeypatch.setitem(sys.modules, name, None)  # as on a workstation without Kerberos support
    widget = ServerFormWidget()
    qtbot.addWidget(widget)
    load(widget, new_server(Protocol.SMTP))
    gss = child(widget, QCheckBox, "auth_method_gssapi")
    assert "This workstation cannot use Kerberos" in gss.toolTip()
    assert "Python modules gssapi and krb5 missing" in gss.toolTip()
    assert gss.whatsThis() == gss.toolTip()
    assert "Kerberos" not in child(widget, QCheckBox, "auth_method_plain").toolTip()


def test_gss_box_carries_no_warning_where_kerberos_works(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.SMTP))
    gss = child(form, QCheckBox, "auth_method_gssapi")
    assert gss.toolTip().startswith("GSS (Kerberos) (SASL mechanism GSSAPI).")
    assert "cannot use Kerberos" not in gss.toolTip()
