"""Legacy MAPI records: the banner from the rules' warning, and the Convert to SMTP request."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from outmail_gui.domain.rules import MAPI_NEEDS_MAIL_SERVER, MAPI_UNSUPPORTED, RuleContext, Severity
from outmail_gui.domain.settings import Protocol, new_server
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.form.banners import Banner
from outmail_gui.ui.shared.messages import IssueLabel
from tests.ui.form.helpers import child, load, valid_smtp
from tests.ui.helpers import click


def test_mapi_record_shows_the_legacy_banner(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.MAPI, name="Old"))

    banner = child(form, Banner, "mapi_banner")
    assert banner.isVisible()
    assert banner.text() == MAPI_UNSUPPORTED
    assert banner.text().startswith("MAPI is no longer supported from version 10.5 (EOS)")
    assert child(form, QPushButton, "convert_to_smtp").isVisible()


def test_convert_button_emits_the_request(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, new_server(Protocol.MAPI, name="Old"))

    with qtbot.waitSignal(form.convert_to_smtp_requested, timeout=1000):
        click(qtbot, child(form, QPushButton, "convert_to_smtp"))


def test_smtp_record_hides_the_banner(form: ServerFormWidget) -> None:
    load(form, new_server(Protocol.MAPI, name="Old"))
    load(form, valid_smtp())

    assert child(form, QWidget, "mapi_banner").isHidden()


def test_mapi_shows_nt_authentication_and_edits_it(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, new_server(Protocol.MAPI, name="Old", outgoing_email_id="it@example.com"))
    click(qtbot, child(form, QCheckBox, "use_nt_authentication"))

    assert form.record().use_nt_authentication
    assert form.is_dirty()
    assert form.is_valid()


def test_a_new_mapi_server_needs_the_mapi_mail_server(form: ServerFormWidget) -> None:
    context = RuleContext(mapi_mail_server_configured=False)
    load(form, new_server(Protocol.MAPI, name="New", outgoing_email_id="it@example.com"), context)

    message = child(form, IssueLabel, "protocol_message")
    assert message.text() == MAPI_NEEDS_MAIL_SERVER
    assert message.severity() is Severity.ERROR
    assert not form.is_valid()
