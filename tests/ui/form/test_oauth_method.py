"""Use OAuth 2.0 Authentication and the "OAuth 2.0" method: ticking the first ticks and locks the
second (the token replaces the password), unticking gives the method back as it was."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit
from pytestqt.qtbot import QtBot

from outmail_gui.domain.oauth import OAuthSettings
from outmail_gui.domain.rules import RuleContext
from outmail_gui.domain.settings import AuthMethod
from outmail_gui.ui.form import ServerFormWidget
from outmail_gui.ui.shared.messages import IssueLabel
from tests.ui.form.helpers import child, load, valid_smtp
from tests.ui.helpers import click


def test_use_oauth_ticks_and_locks_the_oauth_method(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(auth_auto=False, auth_methods=frozenset({AuthMethod.LOGIN})))
    method = child(form, QCheckBox, "auth_method_xoauth2")
    assert not method.isChecked() and method.isEnabled()

    click(qtbot, child(form, QCheckBox, "oauth_enabled"))

    assert method.isChecked()
    assert not method.isEnabled()
    assert "replaces the password" in method.toolTip()
    assert form.record().auth_methods == {AuthMethod.LOGIN, AuthMethod.XOAUTH2}
    assert not child(form, QLineEdit, "password").isVisible()
    assert "The token replaces the password" in child(form, QLabel, "oauth_summary").text()

    click(qtbot, child(form, QCheckBox, "oauth_enabled"))

    assert not method.isChecked()
    assert method.isEnabled()
    assert "replaces the password" not in method.toolTip()
    assert form.record().auth_methods == {AuthMethod.LOGIN}
    assert not form.is_dirty()


def test_oauth_is_authentication_so_no_no_auth_notice(form: ServerFormWidget, qtbot: QtBot) -> None:
    load(form, valid_smtp(auth_auto=False))
    notice = child(form, IssueLabel, "no_auth_notice")
    assert notice.isVisible()

    click(qtbot, child(form, QCheckBox, "oauth_enabled"))

    assert notice.isHidden()


def test_a_loaded_oauth_server_shows_the_method_locked(form: ServerFormWidget) -> None:
    form.load(
        valid_smtp(auth_auto=False, revision=3),
        RuleContext(),
        partitions_visible=False,
        allowed_partitions=(),
        password_stored=False,
        keyring_label="GNOME Keyring",
        oauth=OAuthSettings(enabled=True),
    )
    method = child(form, QCheckBox, "auth_method_xoauth2")

    assert method.isChecked() and not method.isEnabled()
    assert not form.is_dirty()


def test_the_oauth_message_is_laid_out_below_its_row(form: ServerFormWidget, qtbot: QtBot) -> None:
    """Ticking Use OAuth 2.0 Authentication on a blank set-up: its message sits under the row,
    on nothing else (it used to be painted over the checkbox, in a 70 px column)."""
    from tests.ui.layout_check import overlaps

    form.resize(700, 900)
    form.show()
    qtbot.waitExposed(form)
    load(form, valid_smtp())
    click(qtbot, child(form, QCheckBox, "oauth_enabled"))
    form.focus_first_invalid()  # a save attempt: the errors show
    message = child(form, IssueLabel, "oauth_message")
    qtbot.waitUntil(message.isVisible)
    box = child(form, QCheckBox, "oauth_enabled")
    assert message.geometry().top() >= box.geometry().bottom()
    assert message.width() > 300
    assert overlaps(form) == []
