"""Connection tests of OAuth 2.0 servers through the real window, offline on loopback.

A local Entra-like authorization server (Authlib, TLS with a trustme CA) issues real JWTs;
an aiosmtpd server validates them the way Exchange Online does (XOAUTH2), and rejects
passwords with 5.7.30 or 5.7.139. The window gets its tokens with its own token manager
(``TokenManager.for_data_dir``), which trusts the test CA through ``REQUESTS_CA_BUNDLE``.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from outmail_gui.domain.oauth import GrantType, OAuthSettings
from outmail_gui.domain.settings import AuthMethod, ServerSettings, new_server
from outmail_gui.oauth.errors import BASIC_AUTH_RETIRED, SMTP_AUTH_DISABLED
from outmail_gui.oauth.manager import TokenManager
from outmail_gui.probe.report import ProbeReport
from outmail_gui.store.history import HistoryStore, Outcome
from outmail_gui.store.oauth_settings import OAuthSettingsStore
from outmail_gui.store.repository import ServerRepository
from outmail_gui.store.secrets import SecretStore
from outmail_gui.ui.connection_test.panel import ReportFileDialog
from outmail_gui.ui.oauth.token_dialog import OAuthTokenDialog
from outmail_gui.ui.window.server_table_model import Column
from tests.support.keyrings import MemoryKeyring
from tests.support.oauth_fixtures import MAILBOX
from tests.support.oauth_server import OAuthTestServer
from tests.support.smtp_servers import TlsMaterial, cert_sha256
from tests.support.xoauth2_smtpd import RunningXOAuth2Server, XOAuth2Handler, xoauth2_server
from tests.ui.conftest import DialogAnswers, WindowFactory
from tests.ui.connection_helpers import connect_button, open_server, panel, step_rows, wait_idle
from tests.ui.helpers import child, click, plain_text

SECRET = "app-secret-value"
_TOKEN = re.compile(rb"auth=Bearer ([^\x01]+)")


@pytest.fixture
def keys() -> Iterator[SecretStore]:
    """An in-memory keyring: the token cache refuses a plain-text one."""
    MemoryKeyring.reset()
    yield SecretStore(MemoryKeyring())
    MemoryKeyring.reset()


@pytest.fixture(autouse=True)
def trust_the_test_idp(monkeypatch: pytest.MonkeyPatch, tls: TlsMaterial) -> None:
    """The window's token manager checks the identity provider against the test CA, directly."""
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls.ca_file))
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def smtp(idp: OAuthTestServer, tls: TlsMaterial) -> Iterator[RunningXOAuth2Server]:
    """Exchange Online without basic authentication (5.7.30 to any password)."""
    with xoauth2_server(XOAuth2Handler.for_server(idp, failure_shape="direct"), tls) as server:
        yield server


def exchange_record(name: str, port: int, tls: TlsMaterial, **changes: Any) -> ServerSettings:
    values: dict[str, Any] = {
        "name": name,
        "server": "127.0.0.1",
        "port": port,
        "use_ssl": True,  # STARTTLS on this port
        "trusted_cert_sha256": cert_sha256(tls),  # the test server's certificate, trusted for this server
        "connection_timeout_s": 5,
        "outgoing_email_id": MAILBOX,
    }
    values.update(changes)
    return new_server("smtp", **values)


def with_oauth(repo: ServerRepository, record: ServerSettings, settings: OAuthSettings) -> ServerSettings:
    saved = repo.save(record)
    OAuthSettingsStore.of(repo).save(saved.id, settings)
    return saved


def app_only(idp: OAuthTestServer, smtp: RunningXOAuth2Server) -> OAuthSettings:
    """A client-credentials app registration allowed to send as MAILBOX."""
    client = idp.add_client(secret=SECRET)
    smtp.handler.app_mailboxes[client.client_id] = {MAILBOX}
    return OAuthSettings(
        enabled=True,
        tenant=idp.authority,
        client_id=client.client_id,
        grant_type=GrantType.CLIENT_CREDENTIALS,
        mailbox=MAILBOX,
    )


def run_test(qtbot: QtBot, window: Any) -> ProbeReport:
    with qtbot.waitSignal(window.testing.test_finished, timeout=8000) as blocker:
        click(qtbot, connect_button(window))
    report: ProbeReport = blocker.args[0]
    return report


def test_client_credentials_token_passes_with_xoauth2_and_never_shows(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    keys: SecretStore,
    data_dir: Path,
    idp: OAuthTestServer,
    smtp: RunningXOAuth2Server,
    tls: TlsMaterial,
    answer_dialog: DialogAnswers,
    tmp_path: Path,
) -> None:
    settings = app_only(idp, smtp)
    record = with_oauth(repo, exchange_record("Exchange Online", smtp.port, tls), settings)
    TokenManager.for_data_dir(data_dir, keys).set_client_secret(record.id, SECRET)
    window = make_window(secret_store=keys)
    open_server(window, record)

    report = run_test(qtbot, window)

    assert report.ok, report.to_json()
    assert [s.name for s in report.steps][:2] == ["oauth", "resolve"]
    assert all(result in ("Passed", "Skipped") for _, result in step_rows(window))
    assert report.auth.mechanism == "XOAUTH2" and smtp.handler.accepted == [MAILBOX]
    assert "client_credentials" in idp.token_requests
    (payload,) = smtp.handler.seen_payloads
    match = _TOKEN.search(payload)
    assert match is not None
    token = match[1].decode()
    assert len(token) > 100
    # The token is in none of what a user can see, copy or save.
    test_panel = panel(window)
    assert token not in report.to_json() and token not in test_panel.report_text()
    click(qtbot, test_panel.copy_button)
    copied = QGuiApplication.clipboard().text()
    assert "Result: PASSED" in copied and token not in copied
    target = tmp_path / "report.txt"
    answer_dialog(ReportFileDialog, target)
    click(qtbot, test_panel.save_button)
    assert token not in target.read_text(encoding="utf-8")
    (stored,) = HistoryStore.of(repo).for_server(record.id)
    assert stored.outcome is Outcome.PASSED and token not in stored.summary
    assert not test_panel.oauth_button.isVisible()
    wait_idle(qtbot, window)


@pytest.mark.parametrize("grant", [GrantType.DEVICE_CODE, GrantType.CLIENT_CREDENTIALS])
def test_no_token_fails_clearly_with_the_manage_token_hint(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    keys: SecretStore,
    idp: OAuthTestServer,
    smtp: RunningXOAuth2Server,
    tls: TlsMaterial,
    grant: GrantType,
) -> None:
    # Delegated: never authorized. App-only: no client secret in the keyring.
    client = idp.add_client(secret=SECRET if grant is GrantType.CLIENT_CREDENTIALS else None)
    settings = OAuthSettings(
        enabled=True, tenant=idp.authority, client_id=client.client_id, grant_type=grant, mailbox=MAILBOX
    )
    record = with_oauth(repo, exchange_record("Exchange Online", smtp.port, tls), settings)
    window = make_window(secret_store=keys)
    open_server(window, record)

    report = run_test(qtbot, window)

    assert not report.ok and report.failed_step is not None and report.failed_step.name == "oauth"
    assert [s.name for s in report.steps] == ["oauth"]  # nothing was sent to the SMTP server
    assert smtp.handler.seen_payloads == []
    assert step_rows(window) == [("OAuth token", "Failed")]
    expected = "There is no token for" if grant is GrantType.DEVICE_CODE else "Enter the client secret"
    assert expected in report.failed_step.detail
    hint = child(window, QLabel, "test_hint")
    assert hint.isVisible() and "Manage Token" in hint.text() and "Authorize" in hint.text()
    assert '(see <a href="oauth">Use OAuth 2.0 Authentication</a>)' in hint.text()
    assert "Manage Token" in child(window.details.form(), QLabel, "oauth_message").text()
    (stored,) = HistoryStore.of(repo).for_server(record.id)
    assert stored.outcome is Outcome.FAILED and stored.failed_step == "oauth"
    wait_idle(qtbot, window)


@pytest.mark.parametrize(
    ("disabled", "code", "advice"),
    [
        pytest.param(False, "5.7.30", BASIC_AUTH_RETIRED, id="basic-auth-off"),
        pytest.param(True, "5.7.139", SMTP_AUTH_DISABLED, id="smtp-auth-disabled"),
    ],
)
def test_password_refused_by_exchange_offers_switch_to_oauth(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    keys: SecretStore,
    smtp: RunningXOAuth2Server,
    tls: TlsMaterial,
    monkeypatch: pytest.MonkeyPatch,
    disabled: bool,
    code: str,
    advice: str,
) -> None:
    smtp.handler.smtp_auth_disabled = disabled
    record = repo.save(
        exchange_record(
            "Exchange Online", smtp.port, tls, login_id=MAILBOX, auth_auto=False, auth_methods={AuthMethod.LOGIN}
        )
    )
    keys.set_password(record.id, "basic-password")
    window = make_window(secret_store=keys)
    open_server(window, record)

    report = run_test(qtbot, window)

    assert report.failed_step is not None and report.failed_step.name == "auth"
    assert any(code in line for line in report.transcript)
    test_panel = panel(window)
    switch = child(window, QPushButton, "switch_to_oauth")
    assert switch is test_panel.oauth_button and switch.isVisible()
    assert advice in plain_text(child(window, QLabel, "test_hint"))

    chosen = OAuthSettings(
        enabled=True,
        tenant="contoso.onmicrosoft.com",
        client_id="0b5b8f2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",
        grant_type=GrantType.DEVICE_CODE,
        mailbox=MAILBOX,
    )
    asked: list[tuple[Any, ...]] = []

    def answer(cls: type, parent: Any, manager: Any, server_id: str, name: str, settings: OAuthSettings) -> Any:
        assert checkbox.isChecked()  # ticked before Manage Token opens
        asked.append((server_id, name, settings))
        return chosen

    monkeypatch.setattr(OAuthTokenDialog, "ask", classmethod(answer))
    checkbox = child(window.details.form(), QCheckBox, "oauth_enabled")
    assert not checkbox.isChecked() and not window.session.is_dirty()
    click(qtbot, switch)

    assert [(a[0], a[1]) for a in asked] == [(record.id, "Exchange Online")] and asked[0][2].enabled
    assert checkbox.isChecked() and not switch.isVisible()
    assert window.session.is_dirty()  # an unsaved edit: nothing was saved by switching
    assert window.details.form().oauth_settings() == chosen
    assert not OAuthSettingsStore.of(repo).get(record.id).enabled
    wait_idle(qtbot, window)


def test_test_all_gets_each_oauth_token_off_the_gui_thread(
    qtbot: QtBot,
    make_window: WindowFactory,
    repo: ServerRepository,
    keys: SecretStore,
    data_dir: Path,
    idp: OAuthTestServer,
    smtp: RunningXOAuth2Server,
    tls: TlsMaterial,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fetched_on: list[int] = []
    token_for_test = TokenManager.token_for_test

    def recording(self: TokenManager, *args: Any, **kwargs: Any) -> Any:
        fetched_on.append(threading.get_ident())
        return token_for_test(self, *args, **kwargs)

    monkeypatch.setattr(TokenManager, "token_for_test", recording)
    ready = with_oauth(repo, exchange_record("Authorized", smtp.port, tls), app_only(idp, smtp))
    TokenManager.for_data_dir(data_dir, keys).set_client_secret(ready.id, SECRET)
    delegated = idp.add_client()
    never = with_oauth(
        repo,
        exchange_record("Never authorized", smtp.port, tls),
        OAuthSettings(
            enabled=True,
            tenant=idp.authority,
            client_id=delegated.client_id,
            grant_type=GrantType.DEVICE_CODE,
            mailbox=MAILBOX,
        ),
    )
    window = make_window(secret_store=keys)
    with qtbot.waitSignal(window.testing.batch_finished, timeout=9000):
        window.testing.test_all()
    latest = HistoryStore.of(repo).latest()
    assert latest[ready.id].outcome is Outcome.PASSED, latest[ready.id]
    assert latest[never.id].outcome is Outcome.FAILED and latest[never.id].failed_step == "oauth"
    assert "There is no token for" in latest[never.id].summary
    assert smtp.handler.accepted == [MAILBOX]
    # Both tokens were asked for, neither on the GUI thread (the identity provider may be slow).
    assert len(fetched_on) == 2 and threading.main_thread().ident not in fetched_on
    cell = window.model.index(window.model.row_of(ready.id), Column.LAST_TEST).data()
    assert str(cell).startswith("Passed · ")
