"""Manage Token: settings, authorization on a worker thread (device code shown and copyable,
cancellable), token status, Forget, and the client secret going to the keyring only."""

from __future__ import annotations

import datetime as dt
import webbrowser
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QComboBox, QLineEdit
from pytestqt.qtbot import QtBot

from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.domain.rules import Severity
from outmail_gui.oauth import KeyringBlob, TokenManager
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.oauth.token_dialog import OAuthTokenDialog
from tests.support.keyrings import MemoryKeyring
from tests.support.oauth_fixtures import MAILBOX
from tests.support.oauth_server import FakeBrowser, OAuthTestServer
from tests.support.smtp_servers import TlsMaterial

TODAY = dt.date(2026, 11, 28)


@pytest.fixture
def manager(tmp_path: Path, tls: TlsMaterial) -> Iterator[TokenManager]:
    MemoryKeyring.reset()
    yield TokenManager(tmp_path / "tokens", KeyringBlob(SecretStore(MemoryKeyring())), ca_file=str(tls.ca_file))
    MemoryKeyring.reset()


def open_dialog(
    qtbot: QtBot,
    manager: TokenManager,
    settings: OAuthSettings,
    open_browser: Callable[[str], bool] = webbrowser.open,
) -> OAuthTokenDialog:
    dialog = OAuthTokenDialog(manager, "srv-ui", "Exchange Online", settings, open_browser=open_browser, today=TODAY)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def settings_for(idp: OAuthTestServer, client_id: str, grant: GrantType, **changes: object) -> OAuthSettings:
    base = OAuthSettings(enabled=True, tenant=idp.authority, client_id=client_id, grant_type=grant, mailbox=MAILBOX)
    return base.with_changes(**changes)


def finished(dialog: OAuthTokenDialog) -> bool:
    return dialog._job is None


def test_device_code_is_shown_copied_and_authorizes(qtbot: QtBot, idp: OAuthTestServer, manager: TokenManager) -> None:
    client = idp.add_client()
    dialog = open_dialog(qtbot, manager, settings_for(idp, client.client_id, GrantType.DEVICE_CODE))
    assert dialog.authorize_button.text() == "&Authorize"
    assert not dialog.secret.isEnabled()  # delegated grants use no secret
    qtbot.mouseClick(dialog.authorize_button, qtbot_button())
    qtbot.waitUntil(dialog.device_panel.isVisible, timeout=5000)
    code = dialog.user_code.text()
    assert code and "/devicelogin" in dialog.device_uri.text()
    assert dialog.cancel_wait_button.isVisible() and not dialog.ok_button.isEnabled()
    qtbot.mouseClick(dialog.copy_button, qtbot_button())
    assert QGuiApplication.clipboard().text() == code
    idp.approve_device_code(code, MAILBOX)
    qtbot.waitUntil(lambda: finished(dialog), timeout=10000)
    assert dialog.status_account.text() == MAILBOX
    assert dialog.status_expires.text() != "—" and dialog.status_refreshed.text() != "—"
    assert dialog.authorize_button.text() == "Re-&authorize"
    assert not dialog.device_panel.isVisible()


def test_waiting_for_the_device_code_can_be_cancelled(
    qtbot: QtBot, idp: OAuthTestServer, manager: TokenManager
) -> None:
    client = idp.add_client()
    dialog = open_dialog(qtbot, manager, settings_for(idp, client.client_id, GrantType.DEVICE_CODE))
    qtbot.mouseClick(dialog.authorize_button, qtbot_button())
    qtbot.waitUntil(dialog.device_panel.isVisible, timeout=5000)
    qtbot.mouseClick(dialog.cancel_wait_button, qtbot_button())
    qtbot.waitUntil(lambda: finished(dialog), timeout=5000)
    assert dialog.status_message.text() == "Authorization cancelled."


def test_closing_while_waiting_stops_the_worker(qtbot: QtBot, idp: OAuthTestServer, manager: TokenManager) -> None:
    client = idp.add_client()
    dialog = open_dialog(qtbot, manager, settings_for(idp, client.client_id, GrantType.DEVICE_CODE))
    qtbot.mouseClick(dialog.authorize_button, qtbot_button())
    qtbot.waitUntil(dialog.device_panel.isVisible, timeout=5000)
    dialog.reject()  # the autouse fixture fails the test if the thread were left running


def test_client_credentials_secret_goes_to_the_keyring(
    qtbot: QtBot, idp: OAuthTestServer, manager: TokenManager
) -> None:
    client = idp.add_client(secret="ui-secret-value")
    dialog = open_dialog(qtbot, manager, settings_for(idp, client.client_id, GrantType.CLIENT_CREDENTIALS))
    assert not dialog.authorize_button.isEnabled()  # no secret yet
    assert dialog.findChild(QLineEdit, "oauth_client_secret_message") is None
    qtbot.keyClicks(dialog.secret, "ui-secret-value")
    assert dialog.authorize_button.isEnabled()
    qtbot.mouseClick(dialog.authorize_button, qtbot_button())
    qtbot.waitUntil(lambda: finished(dialog), timeout=10000)
    assert manager.client_secret("srv-ui") == "ui-secret-value"
    assert dialog.secret.text() == "" and "Stored in the keyring" in dialog.secret.placeholderText()
    assert dialog.status_account.text() == f"the application, sending as {MAILBOX}"
    qtbot.mouseClick(dialog.forget_button, qtbot_button())
    assert dialog.status_expires.text() == "—" and dialog.authorize_button.text() == "&Authorize"


def test_wrong_secret_is_shown_at_the_secret(qtbot: QtBot, idp: OAuthTestServer, manager: TokenManager) -> None:
    client = idp.add_client(secret="right")
    dialog = open_dialog(qtbot, manager, settings_for(idp, client.client_id, GrantType.CLIENT_CREDENTIALS))
    qtbot.keyClicks(dialog.secret, "wrong-typed")
    qtbot.mouseClick(dialog.authorize_button, qtbot_button())
    qtbot.waitUntil(lambda: finished(dialog), timeout=10000)
    message = dialog._messages["oauth_client_secret"]
    assert message.severity() is Severity.ERROR and "client secret is wrong" in message.text()
    assert manager.client_secret("srv-ui") is None  # an unproven secret is not stored by Authorize


def test_browser_sign_in(qtbot: QtBot, idp: OAuthTestServer, manager: TokenManager, tls: TlsMaterial) -> None:
    client = idp.add_client()
    idp.browser_user = MAILBOX
    browser = FakeBrowser(tls.ca_file)
    dialog = open_dialog(
        qtbot, manager, settings_for(idp, client.client_id, GrantType.AUTHORIZATION_CODE), open_browser=browser.open
    )
    qtbot.mouseClick(dialog.authorize_button, qtbot_button())
    qtbot.waitUntil(lambda: finished(dialog), timeout=10000)
    assert browser.visited and dialog.status_account.text() == MAILBOX


def test_secret_near_expiry_is_flagged_and_settings_come_back(qtbot: QtBot, manager: TokenManager) -> None:
    settings = OAuthSettings(
        enabled=True,
        tenant="contoso.onmicrosoft.com",
        client_id="0b5b8f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
        grant_type=GrantType.CLIENT_CREDENTIALS,
        mailbox=MAILBOX,
        client_secret_expires=TODAY + dt.timedelta(days=10),
    )
    dialog = open_dialog(qtbot, manager, settings)
    message = dialog._messages["oauth_client_secret_expires"]
    assert message.severity() is Severity.WARNING and "in 10 days" in message.text()
    assert dialog.settings() == settings
    grant = dialog.findChild(QComboBox, "oauth_grant_type")
    assert grant is not None
    grant.setCurrentIndex(list(GrantType).index(GrantType.DEVICE_CODE))
    assert not message.isVisible()  # no secret in a delegated grant, so no expiry warning
    dialog.mailbox.clear()
    qtbot.keyClicks(dialog.mailbox, "not an address")
    assert not dialog.ok_button.isEnabled()


def qtbot_button() -> object:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_a_blank_set_up_opens_without_errors_and_says_why_buttons_are_off(qtbot: QtBot, manager: TokenManager) -> None:
    from outmail_gui.ui.shared.messages import IssueLabel

    dialog = open_dialog(qtbot, manager, OAuthSettings(enabled=True))
    errors = [
        label.objectName()
        for label in dialog.findChildren(IssueLabel)
        if label.isVisible() and label.objectName() != "oauth_status_message"
    ]
    assert errors == []  # nothing typed yet: no red
    assert not dialog.authorize_button.isEnabled()
    assert dialog.authorize_button.toolTip().startswith("Authorize is off: ")
    assert "fill in the token settings above" in dialog.status_message.text()
    assert not dialog.forget_button.isEnabled() and "no token" in dialog.forget_button.toolTip()
    tenant = dialog.findChild(QLineEdit, "oauth_tenant")
    assert tenant is not None
    qtbot.keyClicks(tenant, "not a tenant!")  # typed: its own error shows now, the others still wait
    shown = {label.objectName() for label in dialog.findChildren(IssueLabel) if label.isVisible()}
    assert "oauth_tenant_message" in shown and "oauth_client_id_message" not in shown
