"""Use OAuth 2.0 Authentication in the form and the window: the row, Manage Token, saving the
settings with the server, the password giving way, and near-expiry secrets flagged."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.domain.rules import Severity
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.oauth.token_dialog import OAuthTokenDialog
from outmail_gui.ui.shared.messages import IssueLabel
from outmail_gui.ui.window.server_table_model import Column
from tests.support.keyrings import MemoryKeyring
from tests.ui.conftest import WindowFactory, smtp
from tests.ui.helpers import action, child, click, click_row, line, replace_text, shortcut

SETTINGS = OAuthSettings(
    enabled=True,
    tenant="contoso.onmicrosoft.com",
    client_id="0b5b8f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
    grant_type=GrantType.CLIENT_CREDENTIALS,
    mailbox="alerts@contoso.com",
    client_secret_expires=dt.date.today() + dt.timedelta(days=200),
)


@pytest.fixture
def memory_secrets() -> Any:
    MemoryKeyring.reset()
    yield SecretStore(MemoryKeyring())
    MemoryKeyring.reset()


def form_widget(window: Any, cls: type[QWidget], name: str) -> Any:
    return child(window.details.form(), cls, name)


def test_tick_manage_token_and_save(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    memory_secrets: SecretStore,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[tuple[Any, ...]] = []

    def answer(cls: type, parent: Any, manager: Any, server_id: str, name: str, settings: OAuthSettings) -> Any:
        asked.append((server_id, name, settings))
        return SETTINGS

    monkeypatch.setattr(OAuthTokenDialog, "ask", classmethod(answer))
    window = make_window(secret_store=memory_secrets)
    shortcut(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    replace_text(qtbot, line(window, "name"), "Exchange Online")
    replace_text(qtbot, line(window, "server"), "smtp.office365.com")
    replace_text(qtbot, line(window, "outgoing_email_id"), "alerts@contoso.com")
    manage = form_widget(window, QPushButton, "oauth_manage_token")
    assert not manage.isEnabled() and line(window, "password").isVisible()
    click(qtbot, form_widget(window, QCheckBox, "oauth_enabled"))
    assert not line(window, "password").isVisible()  # the password gives way to the token settings
    assert not action(window, "save").isEnabled()  # OAuth on, but not set up yet
    message = form_widget(window, IssueLabel, "oauth_message")
    assert message.severity() is Severity.ERROR
    click(qtbot, manage)
    assert asked and asked[0][2].enabled
    assert "sending as alerts@contoso.com" in form_widget(window, QLabel, "oauth_summary").text()
    assert action(window, "save").isEnabled()
    shortcut(qtbot, window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    saved = repo.find_by_name("Exchange Online")
    assert saved is not None and OAuthSettingsStore.of(repo).get(saved.id) == SETTINGS
    assert not action(window, "save").isEnabled()  # nothing left unsaved


def test_saved_settings_load_and_near_expiry_is_flagged(
    qtbot: QtBot, make_window: WindowFactory, repo: ServerRepository, memory_secrets: SecretStore
) -> None:
    saved = repo.save(smtp("Exchange Online"))
    soon = SETTINGS.with_changes(client_secret_expires=dt.date.today() + dt.timedelta(days=5))
    OAuthSettingsStore.of(repo).save(saved.id, soon)
    window = make_window(secret_store=memory_secrets)
    model = window.model
    index = model.index(model.row_of(saved.id), Column.NAME)
    assert "expires in 5 days" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(Qt.ItemDataRole.DecorationRole) is not None
    click_row(qtbot, window, "Exchange Online")
    assert form_widget(window, QCheckBox, "oauth_enabled").isChecked()
    message = form_widget(window, IssueLabel, "oauth_message")
    assert message.severity() is Severity.WARNING and "expires in 5 days" in message.text()
    assert "Not authorized yet" in form_widget(window, QLabel, "oauth_summary").text()
    click(qtbot, form_widget(window, QCheckBox, "oauth_enabled"))  # switching OAuth off is an edit
    assert action(window, "save").isEnabled() and line(window, "password").isVisible()
